#include "services/common/authenticator.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "grpc/grpc_security_constants.h"
#include "services/common/call_origin.h"
#include "services/common/errors.h"
#include "services/common/openssl_util.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/common/tls.h"

namespace tonghop {
namespace {

constexpr size_t kKeyBytes = 32;
// Tokens are 43 base64url characters; anything much longer is not one.
constexpr size_t kMaxTokenBytes = 256;
constexpr size_t kMaxCertificateBytes = 64 << 10;

std::string Hmac(absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t length = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
                sizeof(out), &length) == nullptr) {
    return "";
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(out), length));
}

// Constant-time comparison, so a forger learns nothing from timing.
bool SameBytes(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool HasMetadata(const grpc::ServerContextBase& context, absl::string_view key) {
  const auto& metadata = context.client_metadata();
  return metadata.find(grpc::string_ref(key.data(), key.size())) != metadata.end();
}

// The SPIFFE identity a certificate names in its URI subject alternative
// names: "agencies/{id}" or "users/{id}"; UNAUTHENTICATED otherwise, and
// when it names more than one (which one would act is not the holder's to
// leave open).
absl::StatusOr<std::string> IdentityOf(X509& certificate, absl::string_view trust_domain) {
  bool other_domain = false;
  std::vector<std::string> identities;
  for (const SpiffeId& id : SpiffeIdsOf(&certificate)) {
    if (id.trust_domain != trust_domain) {
      other_domain = true;
      continue;
    }
    const std::string& path = id.path;
    if ((absl::StartsWith(path, "agencies/") && ParseSimpleName(path, "agencies", "san").ok()) ||
        (absl::StartsWith(path, "users/") && ParseSimpleName(path, "users", "san").ok())) {
      identities.push_back(path);
    }
  }
  if (identities.size() > 1) {
    return WithErrorInfo(
        Unauthenticated("the client certificate names more than one identity; a certificate "
                        "names exactly one agency or person"),
        "CERTIFICATE_REJECTED", {{"reason", "several identities"}});
  }
  if (identities.size() == 1) return identities.front();
  if (other_domain) {
    return WithErrorInfo(
        Unauthenticated(absl::StrCat("the client certificate names another trust domain; this "
                                     "server accepts spiffe://",
                                     trust_domain, "/…")),
        "CERTIFICATE_REJECTED", {{"reason", "trust domain"}});
  }
  const std::string prefix = absl::StrCat("spiffe://", trust_domain, "/");
  return WithErrorInfo(
      Unauthenticated(absl::StrCat("the client certificate names no identity: it needs a URI "
                                   "subject alternative name ",
                                   prefix, "agencies/{id} or ", prefix, "users/{id}")),
      "CERTIFICATE_REJECTED", {{"reason", "no identity"}});
}

bool IsTlsConnection(const grpc::ServerContextBase& context) {
  auto auth = context.auth_context();
  if (auth == nullptr) return false;
  std::vector<grpc::string_ref> type =
      auth->FindPropertyValues(GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME);
  return !type.empty() && absl::string_view(type.front().data(), type.front().size()) ==
                              GRPC_SSL_TRANSPORT_SECURITY_TYPE;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(
    AuthenticatorOptions options) {
  std::string key(kKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kKeyBytes) != 1) {
    return absl::InternalError("cannot draw a random key for internal credentials");
  }
  if (options.clock == nullptr) options.clock = RealClock::Get();
  if (!options.client_ca_pem.empty() && ReadCertificates(options.client_ca_pem).empty()) {
    return absl::InvalidArgumentError("--client-ca holds no PEM certificate");
  }
  return std::unique_ptr<Authenticator>(new Authenticator(std::move(options), std::move(key)));
}

Authenticator::Authenticator(AuthenticatorOptions options, std::string key)
    : options_(std::move(options)), key_(std::move(key)) {}

void Authenticator::SetPersonDirectory(const PersonDirectory* directory) {
  absl::MutexLock lock(&mu_);
  directory_ = directory;
}

const PersonDirectory* Authenticator::directory() const {
  absl::MutexLock lock(&mu_);
  return directory_;
}

std::string Authenticator::SignInternal(const Caller& caller) const {
  std::string payload =
      absl::StrCat(caller.agency, "|", caller.user, "|", static_cast<int>(caller.roles), "|",
                   static_cast<int>(caller.kind), "|", caller.credential);
  return absl::StrCat(absl::WebSafeBase64Escape(payload), ".", Hmac(key_, payload));
}

absl::StatusOr<Caller> Authenticator::VerifyInternal(absl::string_view value) const {
  std::vector<absl::string_view> parts = absl::StrSplit(value, absl::MaxSplits('.', 1));
  std::string payload;
  if (parts.size() != 2 || !absl::WebSafeBase64Unescape(parts[0], &payload) ||
      !SameBytes(Hmac(key_, payload), parts[1])) {
    return Unauthenticated("the internal credential is not valid");
  }
  std::vector<std::string> fields = absl::StrSplit(payload, '|');
  int roles = 0;
  int kind = 0;
  if (fields.size() != 5 || !absl::SimpleAtoi(fields[2], &roles) ||
      !absl::SimpleAtoi(fields[3], &kind)) {
    return Unauthenticated("the internal credential is not valid");
  }
  Caller caller;
  caller.agency = fields[0];
  caller.user = fields[1];
  caller.roles = static_cast<RoleSet>(roles & kAllRoles);
  caller.kind = kind == static_cast<int>(CallerKind::kPerson) ? CallerKind::kPerson
                                                              : CallerKind::kMachine;
  caller.credential = fields[4];
  return caller;
}

void Authenticator::AttachInternal(const Caller& caller, grpc::ClientContext& context) const {
  context.AddMetadata(std::string(kInternalCallerHeader), SignInternal(caller));
}

absl::StatusOr<Caller> Authenticator::FromToken(absl::string_view token) const {
  if (token.empty() || token.size() > kMaxTokenBytes) {
    return Unauthenticated("the bearer token is not valid; sign in again (tonghop login)");
  }
  const PersonDirectory* people = directory();
  if (people == nullptr) {
    return Unauthenticated("this server does not know people: present a client certificate");
  }
  return people->Session(token);
}

absl::StatusOr<Caller> Authenticator::FromCertificate(absl::string_view pem_chain) const {
  if (options_.client_ca_pem.empty()) {
    return Unauthenticated(
        "this server accepts no client certificates (tonghopd runs without --client-ca)");
  }
  if (pem_chain.size() > kMaxCertificateBytes) {
    return Unauthenticated("the client certificate chain is too large");
  }
  auto chain = ReadCertificates(pem_chain);
  if (chain.empty()) return Unauthenticated("the client certificate cannot be read");
  OpenSslPtr<X509_STORE> store(X509_STORE_new());
  for (auto& ca : ReadCertificates(options_.client_ca_pem)) {
    X509_STORE_add_cert(store.get(), ca.get());
  }
  OpenSslPtr<STACK_OF(X509)> intermediates(sk_X509_new_null());
  for (size_t i = 1; i < chain.size(); ++i) {
    X509_up_ref(chain[i].get());
    sk_X509_push(intermediates.get(), chain[i].get());
  }
  OpenSslPtr<X509_STORE_CTX> verify(X509_STORE_CTX_new());
  if (verify == nullptr ||
      X509_STORE_CTX_init(verify.get(), store.get(), chain[0].get(), intermediates.get()) != 1) {
    return absl::InternalError("cannot set up certificate verification");
  }
  X509_STORE_CTX_set_time(verify.get(), 0,
                          absl::ToTimeT(options_.clock->Now()));
  X509_VERIFY_PARAM_set_purpose(X509_STORE_CTX_get0_param(verify.get()),
                                X509_PURPOSE_SSL_CLIENT);
  if (X509_verify_cert(verify.get()) != 1) {
    int error = X509_STORE_CTX_get_error(verify.get());
    return WithErrorInfo(
        Unauthenticated(absl::StrCat("the client certificate is not accepted: ",
                                     X509_verify_cert_error_string(error))),
        "CERTIFICATE_REJECTED", {{"reason", X509_verify_cert_error_string(error)}});
  }
  ASSIGN_OR_RETURN(std::string identity, IdentityOf(*chain[0], options_.trust_domain));
  if (absl::StartsWith(identity, "agencies/")) {
    // Where the registry is hosted, a certificate of an agency it does not
    // hold, or of a dissolved one, proves nobody.
    if (const PersonDirectory* people = directory(); people != nullptr) {
      RETURN_IF_ERROR(people->CheckCertificateAgency(identity));
    }
    Caller caller(identity);
    caller.credential = "certificate";
    return caller;
  }
  const PersonDirectory* people = directory();
  if (people == nullptr) {
    return Unauthenticated("this server does not know people: use an agency certificate");
  }
  ASSIGN_OR_RETURN(Caller caller, people->Person(identity));
  caller.credential = "certificate";
  return caller;
}

absl::StatusOr<std::string> CertificateIdentity(absl::string_view pem,
                                                absl::string_view trust_domain) {
  auto chain = ReadCertificates(pem);
  if (chain.empty()) return absl::InvalidArgumentError("the certificate cannot be read");
  return IdentityOf(*chain[0], trust_domain);
}

absl::StatusOr<Caller> Authenticator::FromDevHeader(absl::string_view value, bool loopback_peer,
                                                    bool proxied) const {
  if (!options_.insecure_dev_identity) {
    return Unauthenticated(absl::StrCat(
        "the development header ", kAgencyHeader,
        " is not accepted by this server (it runs without --insecure-dev-identity); present a "
        "client certificate or a bearer token"));
  }
  if (!loopback_peer) {
    return Unauthenticated(absl::StrCat("the development header ", kAgencyHeader,
                                        " is accepted only from loopback"));
  }
  if (proxied) {
    return Unauthenticated(absl::StrCat("the development header ", kAgencyHeader,
                                        " is not accepted through a proxy"));
  }
  return DevHeaderIdentity::FromHeaderValue(value);
}

absl::StatusOr<Caller> Authenticator::Resolve(const grpc::ServerContextBase& context) const {
  const std::string peer = context.peer();
  const bool in_process = IsInProcessPeer(peer);
  if (HasMetadata(context, kInternalCallerHeader)) {
    if (!in_process) {
      return Unauthenticated("internal credentials are accepted only inside the server");
    }
    return VerifyInternal(MetadataValue(context, kInternalCallerHeader));
  }
  if (HasMetadata(context, "authorization")) {
    std::string value = MetadataValue(context, "authorization");
    if (!absl::StartsWithIgnoreCase(value, "bearer ")) {
      return Unauthenticated("the authorization header must be \"Bearer TOKEN\"");
    }
    bool encrypted = IsTlsConnection(context);
    if (!encrypted && !in_process && !DevHeaderIdentity::IsLocalPeer(peer)) {
      return Unauthenticated("bearer tokens are accepted only over TLS");
    }
    return FromToken(absl::StripAsciiWhitespace(absl::string_view(value).substr(7)));
  }
  auto auth = context.auth_context();
  if (auth != nullptr) {
    // gRPC puts the peer's leaf in x509_pem_cert; on a server,
    // x509_pem_cert_chain holds only the intermediates the peer sent (it is
    // OpenSSL's SSL_get_peer_cert_chain), and may be empty after a resumed
    // session. The leaf comes first, then whatever intermediates there are.
    std::vector<grpc::string_ref> leaf =
        auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
    if (!leaf.empty()) {
      std::string pem(leaf.front().data(), leaf.front().size());
      for (const grpc::string_ref& chain :
           auth->FindPropertyValues(GRPC_X509_PEM_CERT_CHAIN_PROPERTY_NAME)) {
        pem.append(chain.data(), chain.size());
      }
      return FromCertificate(pem);
    }
  }
  if (HasMetadata(context, kAgencyHeader)) {
    return FromDevHeader(MetadataValue(context, kAgencyHeader),
                         DevHeaderIdentity::IsLocalPeer(peer),
                         DevHeaderIdentity::NamesProxy(context));
  }
  return Unauthenticated(
      "this call carries no identity: present a client certificate, or sign in with tonghop "
      "login and send the bearer token");
}

}  // namespace tonghop
