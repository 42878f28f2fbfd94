#include "services/common/text.h"

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "unicode/locid.h"
#include "unicode/normalizer2.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"
#include "unicode/utf8.h"

namespace tonghop {

bool IsValidUtf8(absl::string_view text) {
  int32_t i = 0;
  const int32_t length = static_cast<int32_t>(text.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  while (i < length) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

absl::StatusOr<std::string> ToNfc(absl::string_view text, absl::string_view field) {
  if (!IsValidUtf8(text)) return InvalidField(field, "is not valid UTF-8");
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(error);
  if (U_FAILURE(error)) {
    return absl::InternalError(absl::StrCat("ICU NFC unavailable: ", u_errorName(error)));
  }
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (nfc->isNormalized(source, error) && U_SUCCESS(error)) return std::string(text);
  error = U_ZERO_ERROR;
  icu::UnicodeString normalized = nfc->normalize(source, error);
  if (U_FAILURE(error)) return InvalidField(field, "cannot be normalized to NFC");
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

size_t DisplayWidth(absl::string_view utf8) {
  size_t width = 0;
  for (unsigned char c : utf8) {
    // Count lead bytes only; combining marks do not occur after NFC for
    // Vietnamese, so code points approximate displayed cells.
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string ToUpperVietnamese(absl::string_view utf8) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  std::string out;
  text.toUpper(icu::Locale("vi")).toUTF8String(out);
  return out;
}

std::string LowerFirstLetter(absl::string_view utf8) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  if (text.isEmpty()) return "";
  int32_t first = text.moveIndex32(0, 1);
  icu::UnicodeString head(text, 0, first);
  icu::UnicodeString rest(text, first);
  std::string out;
  head.toLower(icu::Locale("vi")).append(rest).toUTF8String(out);
  return out;
}

std::string Initials(absl::string_view utf8) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(error);
  icu::UnicodeString initials;
  bool at_word_start = true;
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    UChar32 c = text.char32At(i);
    if (!u_isalnum(c)) {
      at_word_start = true;
      continue;
    }
    if (!at_word_start) continue;
    at_word_start = false;
    icu::UnicodeString letter(c);
    if (U_SUCCESS(error)) letter = nfd->normalize(letter, error);
    // The base letter, without the combining marks NFD split off.
    initials.append(u_toupper(letter.char32At(0)));
  }
  std::string out;
  initials.toUTF8String(out);
  return out;
}

std::string Truncate(absl::string_view text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) return absl::StrCat(text.substr(0, i), "…");
      ++chars;
    }
  }
  return std::string(text);
}

}  // namespace tonghop
