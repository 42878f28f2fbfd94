#ifndef TONGHOP_SERVICES_REGISTRY_PASSWORDS_H_
#define TONGHOP_SERVICES_REGISTRY_PASSWORDS_H_

// People's passwords: argon2id hashes from libsodium (crypto_pwhash_str,
// with the INTERACTIVE limits: 2 passes over 64 MiB, about 0.1 s on one
// core), so a stolen store costs an attacker that much per guess and
// per person. Passwords are NFC-normalised first, so the same Vietnamese
// password typed on another keyboard (composed or decomposed) matches.
//
// Thread-safe free functions. The password never leaves these functions in
// any other form than the hash; callers must not log it.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop::registry {

// Accepted password lengths, in characters.
inline constexpr size_t kMinPasswordChars = 10;
inline constexpr size_t kMaxPasswordChars = 256;

// OK when `password` may be set: valid UTF-8, 10 to 256 characters, not
// only spaces. INVALID_ARGUMENT naming `field` otherwise (never echoing it).
absl::Status CheckNewPassword(absl::string_view password, absl::string_view field);

// The argon2id hash of `password` with a fresh random salt, in the
// self-describing string form "$argon2id$v=19$m=65536,t=2,p=1$…".
// RESOURCE_EXHAUSTED when the memory cannot be had.
absl::StatusOr<std::string> HashPassword(absl::string_view password);

// True when `password` matches `hash` (false for an empty or malformed
// hash). Takes as long as hashing.
bool VerifyPassword(absl::string_view hash, absl::string_view password);

// Takes as long as VerifyPassword on a real hash, and matches nothing: so
// that an unknown person and a wrong password cost the same time and a
// guesser cannot tell which people exist.
void VerifyNothing(absl::string_view password);

// A fresh password of 20 characters from an alphabet without look-alikes
// (no 0/O, 1/l/I), for the first administrator.
absl::StatusOr<std::string> GeneratePassword();

}  // namespace tonghop::registry

#endif  // TONGHOP_SERVICES_REGISTRY_PASSWORDS_H_
