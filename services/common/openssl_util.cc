#include "services/common/openssl_util.h"

#include <openssl/pem.h>

namespace tonghop {
namespace {

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : "";
}

}  // namespace

OpenSslPtr<BIO> MemoryBio(absl::string_view text) {
  return OpenSslPtr<BIO>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::vector<OpenSslPtr<X509>> ReadCertificates(absl::string_view pem) {
  std::vector<OpenSslPtr<X509>> out;
  OpenSslPtr<BIO> bio = MemoryBio(pem);
  if (bio == nullptr) return out;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    out.emplace_back(cert);
  }
  return out;
}

OpenSslPtr<EVP_PKEY> ReadPrivateKey(absl::string_view pem) {
  OpenSslPtr<BIO> bio = MemoryBio(pem);
  if (bio == nullptr) return nullptr;
  return OpenSslPtr<EVP_PKEY>(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

std::string CertificatePem(X509* certificate) {
  OpenSslPtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), certificate) != 1) return "";
  return BioText(bio.get());
}

std::string PrivateKeyPem(EVP_PKEY* key) {
  OpenSslPtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return "";
  }
  return BioText(bio.get());
}

}  // namespace tonghop
