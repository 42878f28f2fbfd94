#include "services/common/text.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "unicode/locid.h"
#include "unicode/normalizer2.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"
#include "unicode/utf8.h"

namespace tonghop {
namespace {

constexpr size_t kMaxEmailAddressChars = 254;

bool IsEmailLocalChar(char c) {
  return absl::ascii_isalnum(c) || absl::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) !=
                                       absl::string_view::npos;
}

// Code points below this have their folding precomputed; Vietnamese letters
// (Latin-1, Latin Extended-A/B, Latin Extended Additional) all are.
constexpr UChar32 kFoldTableSize = 0x2100;

std::string ComputeFold(UChar32 c) {
  if (c < 0x80) {
    return std::string(1, absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  switch (c) {
    case 0x0110:  // Đ
    case 0x0111:  // đ
    case 0x0189:  // Ɖ, sometimes used for Đ
      return "d";
    case 0x00A0:
    case 0x2007:
    case 0x202F:
      return " ";
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
      return "-";
    case 0x2018:
    case 0x2019:
      return "'";
    case 0x201C:
    case 0x201D:
      return "\"";
    case 0x2022:  // bullet
      return "-";
    case 0x2026:
      return "...";
    default:
      break;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) {
    std::string out;
    AppendCodePoint(u_tolower(c), &out);
    return out;
  }
  icu::UnicodeString decomposed = nfd->normalize(icu::UnicodeString(c), status);
  std::string out;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 d = decomposed.char32At(i);
    i += U16_LENGTH(d);
    if (u_charType(d) == U_NON_SPACING_MARK) continue;
    if (d == 0x0110 || d == 0x0111) {
      out.push_back('d');
      continue;
    }
    AppendCodePoint(u_tolower(d), &out);
  }
  return out;
}

const std::vector<std::string>& FoldTable() {
  static const std::vector<std::string>* table = [] {
    auto* t = new std::vector<std::string>(kFoldTableSize);
    for (UChar32 c = 0; c < kFoldTableSize; ++c) (*t)[c] = ComputeFold(c);
    return t;
  }();
  return *table;
}

struct Expansion {
  std::vector<std::string> from;
  std::string to;
};

// Abbreviations in agency names, as key words. Longer sequences first.
const std::vector<Expansion>& Expansions() {
  static const std::vector<Expansion>* expansions = [] {
    auto* e = new std::vector<Expansion>{
        {{"ld", "tb", "va", "xh"}, "lao dong thuong binh va xa hoi"},
        {{"vh", "tt", "va", "dl"}, "van hoa the thao va du lich"},
        {{"ld", "tbxh"}, "lao dong thuong binh va xa hoi"},
        {{"gd", "va", "dt"}, "giao duc va dao tao"},
        {{"tt", "va", "tt"}, "thong tin va truyen thong"},
        {{"kh", "va", "cn"}, "khoa hoc va cong nghe"},
        {{"tn", "va", "mt"}, "tai nguyen va moi truong"},
        {{"nn", "va", "ptnt"}, "nong nghiep va phat trien nong thon"},
        {{"nn", "va", "mt"}, "nong nghiep va moi truong"},
        {{"vh", "tt", "dl"}, "van hoa the thao va du lich"},
        {{"gd", "dt"}, "giao duc va dao tao"},
        {{"ub", "mttq"}, "uy ban mat tran to quoc"},
        {{"ubmttqvn"}, "uy ban mat tran to quoc viet nam"},
        {{"ubmttq"}, "uy ban mat tran to quoc"},
        {{"mttqvn"}, "mat tran to quoc viet nam"},
        {{"mttq"}, "mat tran to quoc"},
        {{"ubnd"}, "uy ban nhan dan"},
        {{"hdnd"}, "hoi dong nhan dan"},
        {{"tand"}, "toa an nhan dan"},
        {{"vksnd"}, "vien kiem sat nhan dan"},
        {{"ldtbxh"}, "lao dong thuong binh va xa hoi"},
        {{"pbgdpl"}, "pho bien giao duc phap luat"},
        {{"gddt"}, "giao duc va dao tao"},
        {{"tttt"}, "thong tin va truyen thong"},
        {{"khcn"}, "khoa hoc va cong nghe"},
        {{"vhttdl"}, "van hoa the thao va du lich"},
        {{"tnmt"}, "tai nguyen va moi truong"},
        {{"nnptnt"}, "nong nghiep va phat trien nong thon"},
        {{"bchqs"}, "bo chi huy quan su"},
        {{"tp"}, "thanh pho"},
        {{"tw"}, "trung uong"},
    };
    return e;
  }();
  return *expansions;
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (NextCodePoint(text, &i) < 0) return false;
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
      if (chars == max_chars) {
        return absl::StrCat(absl::StripTrailingAsciiWhitespace(text.substr(0, i)), "…");
      }
      ++chars;
    }
  }
  return std::string(text);
}

int32_t NextCodePoint(absl::string_view text, size_t* i) {
  UChar32 c;
  int32_t pos = static_cast<int32_t>(*i);
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), pos,
          static_cast<int32_t>(text.size()), c);
  *i = static_cast<size_t>(pos);
  return c;
}

void AppendCodePoint(int32_t c, std::string* out) {
  char buf[4];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, c, error);
  if (!error) out->append(buf, static_cast<size_t>(len));
}

FoldedText FoldWithOffsets(absl::string_view text) {
  const std::vector<std::string>& table = FoldTable();
  FoldedText result;
  result.folded.reserve(text.size());
  result.offsets.reserve(text.size() + 1);
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    UChar32 c = NextCodePoint(text, &i);
    if (c < 0) {
      result.folded.push_back('?');
      result.offsets.push_back(start);
      continue;
    }
    if (c < kFoldTableSize) {
      const std::string& f = table[c];
      result.folded.append(f);
      result.offsets.insert(result.offsets.end(), f.size(), start);
    } else {
      std::string f = ComputeFold(c);
      result.folded.append(f);
      result.offsets.insert(result.offsets.end(), f.size(), start);
    }
  }
  result.offsets.push_back(text.size());
  return result;
}

std::string Fold(absl::string_view text) {
  const std::vector<std::string>& table = FoldTable();
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    UChar32 c = NextCodePoint(text, &i);
    if (c < 0) {
      out.push_back('?');
    } else if (c < kFoldTableSize) {
      out.append(table[c]);
    } else {
      out.append(ComputeFold(c));
    }
  }
  return out;
}

std::vector<std::string> KeyWords(absl::string_view text) {
  std::string folded = Fold(text);
  std::string spaced;
  spaced.reserve(folded.size() + 8);
  for (char ch : folded) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (ch == '&') {
      spaced.append(" va ");
    } else if (absl::ascii_isalnum(u) || u >= 0x80) {
      spaced.push_back(ch);
    } else {
      spaced.push_back(' ');
    }
  }
  std::vector<std::string> words =
      absl::StrSplit(spaced, ' ', absl::SkipEmpty());
  std::vector<std::string> out;
  out.reserve(words.size());
  for (size_t i = 0; i < words.size();) {
    bool expanded = false;
    for (const Expansion& e : Expansions()) {
      if (i + e.from.size() > words.size()) continue;
      if (!std::equal(e.from.begin(), e.from.end(), words.begin() + i)) continue;
      for (absl::string_view w : absl::StrSplit(e.to, ' ')) {
        out.emplace_back(w);
      }
      i += e.from.size();
      expanded = true;
      break;
    }
    if (!expanded) out.push_back(std::move(words[i++]));
  }
  return out;
}

std::string NormalizeKey(absl::string_view text) {
  return absl::StrJoin(KeyWords(text), " ");
}

int EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

int NameDistance(absl::string_view typed_key, absl::string_view known_key) {
  constexpr size_t kMaxTypedKey = 200;
  if (typed_key.empty() || typed_key.size() > kMaxTypedKey) return -1;
  int limit = std::max(3, static_cast<int>(typed_key.size()) / 2);
  int length_difference =
      std::abs(static_cast<int>(known_key.size()) - static_cast<int>(typed_key.size()));
  // Edit distance is quadratic; a length difference already beyond the
  // limit cannot come within it.
  if (length_difference > limit) return -1;
  int distance = EditDistance(typed_key, known_key);
  return distance > limit ? -1 : distance;
}

std::string TruncateUtf8(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return absl::StrCat(text.substr(0, cut), "…");
}

std::string GroupThousands(size_t n) { return GroupDigits(absl::StrCat(n), '.'); }

std::string GroupDigits(absl::string_view digits, char separator) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += separator;
    out += digits[i];
  }
  return out;
}

std::string SanitizeUtf8(absl::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    int32_t c = NextCodePoint(text, &i);
    if (c < 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
    } else {
      out.append(text.data() + start, i - start);
    }
  }
  return out;
}

std::string QuoteInput(absl::string_view input, size_t max_bytes) {
  std::string quoted = "\"";
  bool cut = false;
  for (size_t i = 0; i < input.size();) {
    size_t start = i;
    int32_t c = NextCodePoint(input, &i);
    std::string piece;
    if (c < 0) {
      piece = "\xEF\xBF\xBD";
    } else if (c == '\n') {
      piece = "\\n";
    } else if (c == '\t') {
      piece = "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      piece = absl::StrFormat("\\x%02X", c);
    } else {
      piece.assign(input.data() + start, i - start);
    }
    if (quoted.size() - 1 + piece.size() > max_bytes) {
      cut = true;
      break;
    }
    quoted += piece;
  }
  if (cut) quoted += "…";
  quoted += "\"";
  return quoted;
}

bool IsValidEmailAddress(absl::string_view email) {
  if (email.size() > kMaxEmailAddressChars) return false;
  size_t at = email.find('@');
  if (at == absl::string_view::npos || at == 0 || email.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  absl::string_view local = email.substr(0, at);
  absl::string_view domain = email.substr(at + 1);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      absl::StrContains(local, "..")) {
    return false;
  }
  for (char c : local) {
    if (!IsEmailLocalChar(c)) return false;
  }
  std::vector<absl::string_view> labels = absl::StrSplit(domain, '.');
  if (labels.size() < 2) return false;
  for (absl::string_view label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!absl::ascii_isalnum(c) && c != '-') return false;
    }
  }
  return true;
}

std::optional<int32_t> ForbiddenCharacterIn(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    int32_t c = NextCodePoint(text, &i);
    bool control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c < 0xA0);
    bool bidi = (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    if (control || bidi) return c;
  }
  return std::nullopt;
}

}  // namespace tonghop
