#ifndef TONGHOP_SERVICES_COMMON_TEXT_H_
#define TONGHOP_SERVICES_COMMON_TEXT_H_

// Vietnamese text handling shared by the services: every stored string is
// valid UTF-8 in NFC.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop {

// True when `text` is well-formed UTF-8.
bool IsValidUtf8(absl::string_view text);

// `text` in Unicode NFC; INVALID_ARGUMENT naming `field` when it is not
// valid UTF-8.
absl::StatusOr<std::string> ToNfc(absl::string_view text, absl::string_view field);

// The number of characters (code points) displayed, for aligning columns.
size_t DisplayWidth(absl::string_view utf8);

// `utf8` in upper case by Vietnamese rules ("Sở Tư pháp" → "SỞ TƯ PHÁP"),
// as documents write the names of bodies in their letterhead.
std::string ToUpperVietnamese(absl::string_view utf8);

// `utf8` with its first letter in lower case, to continue a sentence:
// "Triển khai …" → "triển khai …".
std::string LowerFirstLetter(absl::string_view utf8);

// The first letter of each word, upper case and without its tone and vowel
// marks (Đ stays Đ), as document symbols abbreviate a body's name:
// "Sở Tư pháp" → "STP", "Ủy ban nhân dân" → "UBND".
std::string Initials(absl::string_view utf8);

// At most `max_chars` characters (code points) of `text`, with "…" when cut;
// never splits a character.
std::string Truncate(absl::string_view text, size_t max_chars);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_TEXT_H_
