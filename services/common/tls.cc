#include "services/common/tls.h"

#include <openssl/x509v3.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/openssl_util.h"

namespace tonghop {

absl::StatusOr<std::string> ReadPemFile(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(flag, "=", path, ": cannot read the file"));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (!absl::StrContains(text.str(), "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, "=", path, ": not a PEM file (no -----BEGIN line)"));
  }
  return text.str();
}

absl::Status CheckKeyPair(absl::string_view what, absl::string_view cert_pem,
                          absl::string_view key_pem) {
  std::vector<OpenSslPtr<X509>> chain = ReadCertificates(cert_pem);
  if (chain.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": the certificate cannot be read"));
  }
  OpenSslPtr<EVP_PKEY> key = ReadPrivateKey(key_pem);
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": the private key cannot be read (PEM, without a passphrase)"));
  }
  if (X509_check_private_key(chain.front().get(), key.get()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": the private key does not belong to the certificate"));
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(const ClientTlsOptions& tls) {
  if (!tls.enabled()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = tls.ca_pem;
  ssl.pem_cert_chain = tls.cert_pem;
  ssl.pem_private_key = tls.key_pem;
  return grpc::SslCredentials(ssl);
}

std::optional<SpiffeId> ParseSpiffeId(absl::string_view uri) {
  constexpr absl::string_view kScheme = "spiffe://";
  if (!absl::StartsWith(uri, kScheme)) return std::nullopt;
  absl::string_view rest = uri.substr(kScheme.size());
  size_t slash = rest.find('/');
  if (slash == 0 || slash == absl::string_view::npos || slash + 1 == rest.size()) {
    return std::nullopt;
  }
  return SpiffeId{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))};
}

std::vector<SpiffeId> SpiffeIdsOf(X509* certificate) {
  std::vector<SpiffeId> ids;
  GENERAL_NAMES* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    absl::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                           static_cast<size_t>(ASN1_STRING_length(uri)));
    if (std::optional<SpiffeId> id = ParseSpiffeId(text)) ids.push_back(*std::move(id));
  }
  GENERAL_NAMES_free(names);
  return ids;
}

absl::StatusOr<std::vector<SpiffeId>> SpiffeIdsOfPem(absl::string_view pem) {
  std::vector<OpenSslPtr<X509>> chain = ReadCertificates(pem);
  if (chain.empty()) return absl::InvalidArgumentError("the certificate cannot be read");
  return SpiffeIdsOf(chain.front().get());
}

}  // namespace tonghop
