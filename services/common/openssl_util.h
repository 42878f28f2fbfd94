#ifndef TONGHOP_SERVICES_COMMON_OPENSSL_UTIL_H_
#define TONGHOP_SERVICES_COMMON_OPENSSL_UTIL_H_

// Owning pointers to OpenSSL objects, and reading and writing PEM text: the
// few pieces every user of OpenSSL's C API in tonghop needs (the
// authenticator, TLS set-up, the HTTP gateway, test certificates).
// Free functions; thread-safe.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace tonghop {

// Frees any of the OpenSSL objects below.
struct OpenSslFree {
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509_NAME* p) const { X509_NAME_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
  void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
};
template <typename T>
using OpenSslPtr = std::unique_ptr<T, OpenSslFree>;

// A read-only memory BIO over `text` (which must outlive it).
OpenSslPtr<BIO> MemoryBio(absl::string_view text);
// The certificates of `pem`, in order; empty when none parses.
std::vector<OpenSslPtr<X509>> ReadCertificates(absl::string_view pem);
// The first private key of `pem` (unencrypted); null when none parses.
OpenSslPtr<EVP_PKEY> ReadPrivateKey(absl::string_view pem);
// `certificate` as PEM; "" when it cannot be written.
std::string CertificatePem(X509* certificate);
// `key` as unencrypted PKCS#8 PEM; "" when it cannot be written.
std::string PrivateKeyPem(EVP_PKEY* key);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_OPENSSL_UTIL_H_
