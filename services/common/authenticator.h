#ifndef TONGHOP_SERVICES_COMMON_AUTHENTICATOR_H_
#define TONGHOP_SERVICES_COMMON_AUTHENTICATOR_H_

// How tonghopd learns who is calling, over gRPC and over HTTP. One
// authenticator per process; every service and the HTTP gateway use it.
//
// A call proves its identity with the first of these it carries:
// 1. An internal credential (`x-tonghop-internal-caller` metadata), signed
//    with a key that never leaves the process: the HTTP gateway passing on
//    the caller it authenticated, or one service calling another inside the
//    same process. Accepted only from in-process peers.
// 2. A bearer token (`authorization: Bearer …`), from `tonghop login` or a
//    browser session: the person it was issued to. Refused over plaintext
//    from another host.
// 3. A client certificate, verified against --client-ca, unexpired, naming
//    its holder in a URI subject alternative name
//    `spiffe://{trust-domain}/agencies/{id}` (a machine acting as that
//    agency) or `spiffe://{trust-domain}/users/{id}` (a person).
// 4. The development header `x-tonghop-agency`, only with
//    --insecure-dev-identity, only from loopback, never through a proxy.
// A credential that is present but wrong is UNAUTHENTICATED: the next one
// is not tried.
//
// Thread-safe. Does not own the person directory, which must outlive it.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/client_context.h"
#include "services/common/clock.h"
#include "services/common/identity.h"

namespace tonghop {

// The metadata key of the in-process credential.
inline constexpr absl::string_view kInternalCallerHeader = "x-tonghop-internal-caller";

// Who the people are: implemented by the registry, which keeps them and
// their sessions. Thread-safe.
class PersonDirectory {
 public:
  virtual ~PersonDirectory() = default;
  // The active person `users/{id}` as a caller (agency, roles);
  // UNAUTHENTICATED when unknown or disabled.
  virtual absl::StatusOr<Caller> Person(absl::string_view user) const = 0;
  // The person a session or bearer token was issued to; UNAUTHENTICATED
  // when the token is unknown, expired or revoked, or its person disabled.
  virtual absl::StatusOr<Caller> Session(absl::string_view token) const = 0;
  // Whether a certificate naming `agency` (`agencies/{id}`) may act: the
  // instance's operator agency always, any other only while the registry
  // holds it and it is in force (not dissolved). UNAUTHENTICATED otherwise.
  virtual absl::Status CheckCertificateAgency(absl::string_view agency) const = 0;
};

struct AuthenticatorOptions {
  // Accept the development header (loopback only, never through a proxy).
  bool insecure_dev_identity = false;
  // The trust domain of SPIFFE identities in client certificates.
  std::string trust_domain = "tonghop";
  // PEM of the CA that signs client certificates; empty: certificates are
  // not accepted as identities.
  std::string client_ca_pem;
  // Whether the gRPC port serves TLS (bearer tokens need it, except from
  // in-process callers).
  bool tls = false;
  const Clock* clock = nullptr;  // default: RealClock
};

class Authenticator final : public IdentityResolver {
 public:
  // Makes a fresh random key for internal credentials.
  static absl::StatusOr<std::unique_ptr<Authenticator>> Create(AuthenticatorOptions options);

  // Sets where people are looked up (once, before the server serves).
  void SetPersonDirectory(const PersonDirectory* directory);

  // IdentityResolver: the rules above, on a gRPC call.
  absl::StatusOr<Caller> Resolve(const grpc::ServerContextBase& context) const override;

  // The building blocks, also used by the HTTP gateway.
  // A person's bearer or session token.
  absl::StatusOr<Caller> FromToken(absl::string_view token) const;
  // A client certificate (PEM of the leaf, then of any intermediates).
  absl::StatusOr<Caller> FromCertificate(absl::string_view pem_chain) const;
  // The development header's value, from a peer on loopback or not, through
  // a proxy or not.
  absl::StatusOr<Caller> FromDevHeader(absl::string_view value, bool loopback_peer,
                                       bool proxied) const;

  // Makes `context` carry `caller` to a service of this process (for the
  // gateway and for calls between co-hosted services).
  void AttachInternal(const Caller& caller, grpc::ClientContext& context) const;
  // The credential's metadata value for `caller`.
  std::string SignInternal(const Caller& caller) const;
  // The caller an internal credential names; UNAUTHENTICATED when forged.
  absl::StatusOr<Caller> VerifyInternal(absl::string_view value) const;

  const AuthenticatorOptions& options() const { return options_; }

 private:
  Authenticator(AuthenticatorOptions options, std::string key);
  const PersonDirectory* directory() const;

  AuthenticatorOptions options_;
  const std::string key_;
  mutable absl::Mutex mu_;
  const PersonDirectory* directory_ ABSL_GUARDED_BY(mu_) = nullptr;
};

// The identity the (first) certificate in `pem` names, "agencies/{id}" or
// "users/{id}", without verifying it: what this instance is, from its own
// certificate.
absl::StatusOr<std::string> CertificateIdentity(absl::string_view pem,
                                                absl::string_view trust_domain);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_AUTHENTICATOR_H_
