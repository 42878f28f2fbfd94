#include "services/registry/passwords.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/text.h"

namespace tonghop::registry {
namespace {

constexpr unsigned long long kOpsLimit = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
constexpr size_t kMemLimit = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// NFC of a password already checked to be valid UTF-8; the raw bytes when
// it is not (they then never match a hash made from valid text).
std::string Normalized(absl::string_view password) {
  absl::StatusOr<std::string> nfc = ToNfc(password, "password");
  return nfc.ok() ? *std::move(nfc) : std::string(password);
}

// A hash of a password nobody knows, made once, for VerifyNothing.
const std::string& DummyHash() {
  static const std::string* hash = [] {
    auto made = HashPassword("tonghop: a password nobody has");
    return new std::string(made.ok() ? *made : "");
  }();
  return *hash;
}

}  // namespace

absl::Status CheckNewPassword(absl::string_view password, absl::string_view field) {
  if (password.empty()) return InvalidField(field, "required");
  if (!IsValidUtf8(password)) return InvalidField(field, "is not valid UTF-8 text");
  size_t chars = DisplayWidth(password);
  if (chars < kMinPasswordChars || chars > kMaxPasswordChars) {
    return InvalidField(field, absl::StrCat("must be ", kMinPasswordChars, " to ",
                                            kMaxPasswordChars, " characters long (it has ",
                                            chars, ")"));
  }
  if (absl::StripAsciiWhitespace(password).empty()) {
    return InvalidField(field, "must not be only spaces");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HashPassword(absl::string_view password) {
  if (!SodiumReady()) return absl::InternalError("libsodium cannot be initialised");
  std::string text = Normalized(password);
  char out[crypto_pwhash_argon2id_STRBYTES];
  int result = crypto_pwhash_argon2id_str(out, text.data(), text.size(), kOpsLimit, kMemLimit);
  sodium_memzero(text.data(), text.size());
  if (result != 0) {
    return absl::ResourceExhaustedError("not enough memory to hash a password; retry later");
  }
  return std::string(out);
}

bool VerifyPassword(absl::string_view hash, absl::string_view password) {
  if (!SodiumReady() || hash.empty() || hash.size() >= crypto_pwhash_argon2id_STRBYTES) return false;
  std::string stored(hash);  // NUL-terminated for libsodium
  std::string text = Normalized(password);
  bool match = crypto_pwhash_argon2id_str_verify(stored.c_str(), text.data(), text.size()) == 0;
  sodium_memzero(text.data(), text.size());
  return match;
}

void VerifyNothing(absl::string_view password) { (void)VerifyPassword(DummyHash(), password); }

absl::StatusOr<std::string> GeneratePassword() {
  if (!SodiumReady()) return absl::InternalError("libsodium cannot be initialised");
  static constexpr char kAlphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  constexpr uint32_t kSize = sizeof(kAlphabet) - 1;
  std::string out;
  for (int i = 0; i < 20; ++i) out.push_back(kAlphabet[randombytes_uniform(kSize)]);
  return out;
}

}  // namespace tonghop::registry
