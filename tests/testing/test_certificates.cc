#include "tests/testing/test_certificates.h"

#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/openssl_util.h"

namespace tonghop::testing {
namespace {

using Cert = OpenSslPtr<X509>;
using Key = OpenSslPtr<EVP_PKEY>;

absl::Status OpenSslError(absl::string_view what) {
  return absl::InternalError(absl::StrCat("OpenSSL: ", what));
}

absl::Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
  if (ext == nullptr) return OpenSslError(absl::StrCat("extension ", value));
  int added = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return added == 1 ? absl::OkStatus() : OpenSslError("add extension");
}

// A certificate for `spec` with a fresh key, signed by `issuer`/`issuer_key`,
// or self-signed (a CA) when `issuer` is null.
absl::StatusOr<CertificateAndKey> Make(const CertificateSpec& spec, bool ca, X509* issuer,
                                       EVP_PKEY* issuer_key) {
  Key key(EVP_EC_gen("P-256"));
  Cert cert(X509_new());
  OpenSslPtr<X509_NAME> subject(X509_NAME_new());
  if (key == nullptr || cert == nullptr || subject == nullptr) return OpenSslError("allocate");
  uint64_t serial = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof(serial)) != 1) {
    return OpenSslError("random serial");
  }
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set_int64(X509_get_serialNumber(cert.get()),
                         static_cast<int64_t>(serial >> 1));
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), absl::ToTimeT(spec.not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), absl::ToTimeT(spec.not_after));
  X509_NAME_add_entry_by_txt(subject.get(), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()),
                             -1, -1, 0);
  X509_set_subject_name(cert.get(), subject.get());
  X509_set_issuer_name(cert.get(),
                       issuer == nullptr ? subject.get() : X509_get_subject_name(issuer));
  X509_set_pubkey(cert.get(), key.get());

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer == nullptr ? cert.get() : issuer, cert.get(), nullptr, nullptr, 0);
  absl::Status status = AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  if (status.ok()) {
    status = AddExtension(cert.get(), &ctx, NID_basic_constraints,
                          ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  }
  if (status.ok()) {
    status = AddExtension(cert.get(), &ctx, NID_key_usage,
                          ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  }
  if (status.ok() && issuer != nullptr) {
    status = AddExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  }
  std::vector<std::string> usages;
  if (spec.server) usages.push_back("serverAuth");
  if (spec.client) usages.push_back("clientAuth");
  if (status.ok() && !ca && !usages.empty()) {
    status = AddExtension(cert.get(), &ctx, NID_ext_key_usage, absl::StrJoin(usages, ","));
  }
  std::vector<std::string> names;
  for (const std::string& uri : spec.uris) names.push_back(absl::StrCat("URI:", uri));
  for (const std::string& dns : spec.dns_names) names.push_back(absl::StrCat("DNS:", dns));
  for (const std::string& ip : spec.ip_addresses) names.push_back(absl::StrCat("IP:", ip));
  if (status.ok() && !names.empty()) {
    status = AddExtension(cert.get(), &ctx, NID_subject_alt_name, absl::StrJoin(names, ","));
  }
  if (!status.ok()) return status;
  if (X509_sign(cert.get(), issuer == nullptr ? key.get() : issuer_key, EVP_sha256()) == 0) {
    return OpenSslError("sign");
  }
  CertificateAndKey out{CertificatePem(cert.get()), PrivateKeyPem(key.get())};
  if (out.cert_pem.empty() || out.key_pem.empty()) return OpenSslError("write PEM");
  return out;
}

}  // namespace

absl::StatusOr<TestCa> TestCa::Create(const std::string& name) {
  CertificateSpec spec;
  spec.common_name = name;
  absl::StatusOr<CertificateAndKey> made = Make(spec, /*ca=*/true, nullptr, nullptr);
  if (!made.ok()) return made.status();
  TestCa ca;
  ca.ca_ = *std::move(made);
  return ca;
}

absl::StatusOr<CertificateAndKey> TestCa::Issue(const CertificateSpec& spec) const {
  std::vector<Cert> issuer = ReadCertificates(ca_.cert_pem);
  Key issuer_key = ReadPrivateKey(ca_.key_pem);
  if (issuer.empty() || issuer_key == nullptr) return OpenSslError("read the CA");
  return Make(spec, /*ca=*/false, issuer.front().get(), issuer_key.get());
}

absl::StatusOr<CertificateAndKey> TestCa::IssueServer(std::vector<std::string> more_ips) const {
  CertificateSpec spec;
  spec.common_name = "localhost";
  spec.dns_names = {"localhost"};
  spec.ip_addresses = {"127.0.0.1"};
  for (std::string& ip : more_ips) spec.ip_addresses.push_back(std::move(ip));
  spec.server = true;
  spec.client = false;
  return Issue(spec);
}

absl::StatusOr<CertificateAndKey> TestCa::IssueClient(const std::string& path,
                                                      const std::string& trust_domain) const {
  CertificateSpec spec;
  spec.common_name = path;
  spec.uris = {absl::StrCat("spiffe://", trust_domain, "/", path)};
  return Issue(spec);
}

ClientTlsOptions ClientTls(const TestCa& ca, const CertificateAndKey& identity) {
  return {ca.cert_pem(), identity.cert_pem, identity.key_pem};
}

std::string WriteTextFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out.good()) {
    std::cerr << "cannot write " << path << "\n";
    std::abort();
  }
  return path;
}

}  // namespace tonghop::testing
