#include "services/common/secrets.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "absl/strings/escaping.h"

namespace tonghop {

absl::StatusOr<std::string> RandomBytes(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return absl::InternalError("the system's random generator failed");
  }
  return raw;
}

absl::StatusOr<std::string> RandomToken(size_t bytes) {
  absl::StatusOr<std::string> raw_or = RandomBytes(bytes);
  if (!raw_or.ok()) return raw_or.status();
  std::string& raw = *raw_or;
  std::string token = absl::WebSafeBase64Escape(raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return token;
}

std::string Sha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string Sha256Hex(absl::string_view data) { return absl::BytesToHexString(Sha256(data)); }

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tonghop
