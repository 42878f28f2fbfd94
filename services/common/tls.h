#ifndef TONGHOP_SERVICES_COMMON_TLS_H_
#define TONGHOP_SERVICES_COMMON_TLS_H_

// TLS material as PEM text, and the few operations on it that tonghopd, the
// HTTP gateway, the clients and the tests share: reading PEM files named by
// flags, channel credentials for calling a tonghop server, and the SPIFFE
// identities (`spiffe://{trust-domain}/agencies/{id}`, `…/users/{id}`) a
// certificate names in its URI subject alternative names.
//
// Free functions and plain structs; all thread-safe.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/credentials.h"

typedef struct x509_st X509;

namespace tonghop {

// What a client presents and trusts when it calls a tonghop server. Empty
// fields: nothing to present / the system's roots.
struct ClientTlsOptions {
  // The CA that signed the server's certificate (--tls-ca).
  std::string ca_pem;
  // The caller's certificate chain and key (--cert, --key): mutual TLS.
  std::string cert_pem;
  std::string key_pem;

  // True when any field is set: the connection uses TLS.
  bool enabled() const { return !ca_pem.empty() || !cert_pem.empty() || !key_pem.empty(); }
  bool has_certificate() const { return !cert_pem.empty(); }
};

// A server's TLS material. Empty `cert_pem` means plaintext (development).
struct TlsOptions {
  // The server's certificate chain and key: gRPC and HTTPS are served with
  // them (--tls-cert, --tls-key).
  std::string cert_pem;
  std::string key_pem;
  // Verifies client certificates (mutual TLS, --client-ca); empty: no
  // client certificates are asked for.
  std::string client_ca_pem;
  // Verifies the servers this instance calls: services hosted elsewhere,
  // upstream instances (--tls-ca); empty: the system's roots.
  std::string ca_pem;
  // What this instance presents when it calls another process: a
  // certificate naming the agency it acts as there (--instance-cert,
  // --instance-key). Empty: none.
  std::string instance_cert_pem;
  std::string instance_key_pem;

  bool enabled() const { return !cert_pem.empty(); }
  // What the instance presents and trusts towards other processes.
  ClientTlsOptions Outgoing() const { return {ca_pem, instance_cert_pem, instance_key_pem}; }
};

// The text of the PEM file `path`, given with `flag` (e.g. "--tls-cert").
// NOT_FOUND when it cannot be read, INVALID_ARGUMENT when it holds no PEM
// block; both name the flag and the path.
absl::StatusOr<std::string> ReadPemFile(absl::string_view flag, const std::string& path);

// Checks that a certificate chain and its key can be used together: both
// parse, and the key belongs to the first certificate. INVALID_ARGUMENT
// naming `what` ("--tls-cert/--tls-key") otherwise.
absl::Status CheckKeyPair(absl::string_view what, absl::string_view cert_pem,
                          absl::string_view key_pem);

// Credentials for a channel to a tonghop server: plaintext when `tls` is not
// enabled, else TLS trusting `tls.ca_pem` and presenting its certificate.
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(const ClientTlsOptions& tls);

// A SPIFFE ID: "spiffe://tonghop/agencies/x" is {"tonghop", "agencies/x"}.
struct SpiffeId {
  std::string trust_domain;
  std::string path;
};

// Splits a URI that starts with "spiffe://" into its trust domain and path;
// nullopt for any other URI or an empty domain or path.
std::optional<SpiffeId> ParseSpiffeId(absl::string_view uri);

// The SPIFFE IDs `certificate` names in its URI subject alternative names,
// in order.
std::vector<SpiffeId> SpiffeIdsOf(X509* certificate);

// The SPIFFE IDs of the first certificate in `pem`; INVALID_ARGUMENT when it
// holds none that parses.
absl::StatusOr<std::vector<SpiffeId>> SpiffeIdsOfPem(absl::string_view pem);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_TLS_H_
