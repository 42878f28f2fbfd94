#ifndef TONGHOP_SERVICES_COMMON_SECRETS_H_
#define TONGHOP_SERVICES_COMMON_SECRETS_H_

// Small building blocks for secrets: random tokens from the operating
// system's generator, SHA-256, and comparison in constant time. Thread-safe
// free functions (OpenSSL).

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop {

// `bytes` random bytes from a cryptographically secure generator. INTERNAL
// when the generator fails (never silently weaker).
absl::StatusOr<std::string> RandomBytes(size_t bytes);

// `bytes` random bytes from a cryptographically secure generator, as
// unpadded base64url (43 characters for 32 bytes). INTERNAL when the
// generator fails (never silently weaker).
absl::StatusOr<std::string> RandomToken(size_t bytes = 32);

// The SHA-256 of `data`, as 32 raw bytes.
std::string Sha256(absl::string_view data);
// The SHA-256 of `data`, as 64 lowercase hex digits.
std::string Sha256Hex(absl::string_view data);

// True when `a` and `b` are equal, in time that depends only on their
// lengths (so a guesser learns nothing from timing).
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_SECRETS_H_
