#ifndef TONGHOP_SERVICES_COMMON_TEXT_H_
#define TONGHOP_SERVICES_COMMON_TEXT_H_

// Vietnamese text handling shared by the services and the clients: every
// stored string is valid UTF-8 in NFC; names are matched case- and
// diacritic-insensitively (ICU); text shown back in error messages is valid
// UTF-8 and short.
//
// All functions are pure and thread-safe; the ICU tables they use are built
// once, on first use.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// At most `max_chars` characters (code points) of `text`, with "…" when cut
// (after the kept text less its trailing spaces); never splits a character.
std::string Truncate(absl::string_view text, size_t max_chars);

// Decodes the code point at byte `*i` of `text` and advances `*i` past it;
// -1 (advancing past the bad bytes) for an invalid sequence.
int32_t NextCodePoint(absl::string_view text, size_t* i);

// Appends code point `c` to `out` as UTF-8 (nothing for an invalid one).
void AppendCodePoint(int32_t c, std::string* out);

// ---- Matching names ----

// `text` folded for comparison, with a map back to the original: every code
// point decomposed (NFD), nonspacing marks dropped, đ/Đ as "d", lowercased,
// typographic dashes and quotes as ASCII. offsets[i] is the byte offset in the
// original of folded byte i; offsets has one extra entry, the original size.
struct FoldedText {
  std::string folded;
  std::vector<size_t> offsets;
};
FoldedText FoldWithOffsets(absl::string_view text);

// The folded string alone.
std::string Fold(absl::string_view text);

// A key for matching names: folded, "&" read as "và", punctuation as spaces,
// abbreviations (UBND, TAND, VKSND, MTTQ, LĐ-TB&XH, PBGDPL, HĐND, ...)
// expanded, single spaces. "SỞ TƯ PHÁP", "Sở tư pháp" and a decomposed
// "Sở Tư pháp" have the same key.
std::string NormalizeKey(absl::string_view text);

// NormalizeKey split into words.
std::vector<std::string> KeyWords(absl::string_view text);

// Levenshtein distance over bytes (keys are folded, so mostly ASCII).
int EditDistance(absl::string_view a, absl::string_view b);

// How far a name someone typed is from a known name, both as NormalizeKey
// keys, for suggesting what they meant: the edit distance when it is at most
// the larger of 3 and half the typed key's length, -1 when farther (and for a
// typed key over 200 bytes: a paragraph is not a misspelt name).
int NameDistance(absl::string_view typed_key, absl::string_view known_key);

// ---- Text in messages ----

// A count as officials read it, thousands grouped with dots: "10.000".
// Counts in a language other than Vietnamese, and decimals, are formatted by
// services/common/display_format.h.
std::string GroupThousands(size_t n);

// A run of ASCII digits with `separator` between each group of three from
// the right: ("1234567", '.') → "1.234.567". The digits are not checked.
std::string GroupDigits(absl::string_view digits, char separator);

// Whether `email` is an address mail can be sent to: a practical subset of
// RFC 5322, local@domain in ASCII, at most 254 characters, the domain of at
// least two dot-separated labels of letters, digits and hyphens. The one
// check for every e-mail address the registry stores (people, agencies).
bool IsValidEmailAddress(absl::string_view email);

// At most `max_bytes` of `text`, cut at a code point boundary, with "…"
// appended when cut.
std::string TruncateUtf8(absl::string_view text, size_t max_bytes);

// `text` with every invalid UTF-8 sequence replaced by U+FFFD, so that it
// can be put in a message, a protobuf string field or JSON.
std::string SanitizeUtf8(absl::string_view text);

// The first character of `text` that stored text may not hold, or nullopt:
// control characters other than tab and line breaks (NUL, escape, C1
// controls) and the bidirectional overrides and isolates (U+202A–U+202E,
// U+2066–U+2069), which make a name display as something other than what it
// is ("a\u202Eb"). `text` must be valid UTF-8. The one rule for names,
// aliases and other text the registry and the reports store.
std::optional<int32_t> ForbiddenCharacterIn(absl::string_view text);

// How much of a caller's input an error message quotes.
inline constexpr size_t kMaxQuotedInputBytes = 64;

// Caller input for an error message: in double quotes, valid UTF-8, control
// characters as \n, \t or \xHH, and at most `max_bytes` of it (cut at a
// character boundary, "…" marking the cut), so that a message never echoes a
// large or malformed value.
std::string QuoteInput(absl::string_view input, size_t max_bytes = kMaxQuotedInputBytes);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_TEXT_H_
