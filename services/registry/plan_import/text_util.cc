#include "services/registry/plan_import/text_util.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "unicode/normalizer2.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"
#include "unicode/utf8.h"

namespace tonghop::plan_import {
namespace {

// Code points below this have their folding precomputed; Vietnamese letters
// (Latin-1, Latin Extended-A/B, Latin Extended Additional) all are.
constexpr UChar32 kFoldTableSize = 0x2100;

void AppendUtf8(UChar32 c, std::string* out) {
  char buf[4];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, c, error);
  if (!error) out->append(buf, static_cast<size_t>(len));
}

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
    AppendUtf8(u_tolower(c), &out);
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
    AppendUtf8(u_tolower(d), &out);
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

// Decodes the code point at `*i` and advances; -1 for an invalid sequence.
UChar32 NextCodePoint(absl::string_view text, size_t* i) {
  UChar32 c;
  int32_t pos = static_cast<int32_t>(*i);
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), pos,
          static_cast<int32_t>(text.size()), c);
  *i = static_cast<size_t>(pos);
  return c;
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

bool IsBlockTag(absl::string_view name) {
  return name == "p" || name == "br" || name == "li" || name == "ul" ||
         name == "ol" || name == "div" || name == "tr" || name == "td" ||
         name == "th" || name == "table" || name == "h1" || name == "h2" ||
         name == "h3" || name == "h4" || name == "h5" || name == "h6";
}

// Reads a tag at raw[i] == '<'. Returns its length (0 if it is not a tag),
// its lowercase name and whether it is a closing tag.
size_t ReadTag(absl::string_view raw, size_t i, std::string* name,
               bool* closing) {
  size_t j = i + 1;
  *closing = false;
  if (j < raw.size() && raw[j] == '/') {
    *closing = true;
    ++j;
  }
  size_t name_start = j;
  while (j < raw.size() && absl::ascii_isalnum(static_cast<unsigned char>(raw[j]))) ++j;
  if (j == name_start || !absl::ascii_isalpha(static_cast<unsigned char>(raw[name_start]))) {
    return 0;
  }
  *name = absl::AsciiStrToLower(raw.substr(name_start, j - name_start));
  size_t end = raw.find_first_of("<>", j);
  if (end == absl::string_view::npos || raw[end] != '>') return 0;
  return end - i + 1;
}

void AppendEntity(absl::string_view raw, size_t* i, std::string* out) {
  static const std::array<std::pair<absl::string_view, absl::string_view>, 7>
      kNamed = {{{"&nbsp;", " "},
                 {"&amp;", "&"},
                 {"&lt;", "<"},
                 {"&gt;", ">"},
                 {"&quot;", "\""},
                 {"&apos;", "'"},
                 {"&#39;", "'"}}};
  for (const auto& [entity, value] : kNamed) {
    if (absl::StartsWith(raw.substr(*i), entity)) {
      out->append(value.data(), value.size());
      *i += entity.size();
      return;
    }
  }
  // Numeric: &#NNN; or &#xHH;
  size_t j = *i + 1;
  if (j < raw.size() && raw[j] == '#') {
    ++j;
    int base = 10;
    if (j < raw.size() && (raw[j] == 'x' || raw[j] == 'X')) {
      base = 16;
      ++j;
    }
    UChar32 value = 0;
    size_t digits = 0;
    while (j < raw.size() && digits < 7) {
      char ch = raw[j];
      int d = -1;
      if (ch >= '0' && ch <= '9') d = ch - '0';
      if (base == 16 && ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
      if (base == 16 && ch >= 'A' && ch <= 'F') d = ch - 'A' + 10;
      if (d < 0) break;
      value = value * base + d;
      ++digits;
      ++j;
    }
    if (digits > 0 && j < raw.size() && raw[j] == ';' && value > 0 &&
        value <= 0x10FFFF && !(value >= 0xD800 && value <= 0xDFFF)) {
      if (value == 0xA0) {
        out->push_back(' ');
      } else if (value >= 0x20) {
        AppendUtf8(value, out);
      }
      *i = j + 1;
      return;
    }
  }
  out->push_back('&');
  ++*i;
}

}  // namespace

absl::StatusOr<std::string> CleanContent(absl::string_view content) {
  if (content.size() > kMaxContentBytes) {
    return InvalidField(
        "content", absl::StrCat("the file is ", content.size(),
                                " bytes; at most ", kMaxContentBytes,
                                " bytes (10 MB) are accepted"),
        "CONTENT_TOO_LARGE");
  }
  std::string text;
  text.reserve(content.size());
  int line = 1;
  for (size_t i = 0; i < content.size();) {
    size_t start = i;
    UChar32 c = NextCodePoint(content, &i);
    if (c < 0) {
      return InvalidField(
          "content",
          absl::StrCat("not UTF-8 text: invalid byte sequence at offset ",
                       start, " (line ", line,
                       "); save the file as UTF-8 (Unicode) and retry"),
          "CONTENT_NOT_UTF8");
    }
    if (c == '\n') ++line;
    if (c == '\r') {
      if (i < content.size() && content[i] == '\n') continue;
      text.push_back('\n');
      ++line;
      continue;
    }
    if (c == 0x0B) {  // vertical tab: a soft line break inside a cell
      text.push_back(' ');
      continue;
    }
    if (c == 0x0C) {  // form feed: a page break
      text.push_back('\n');
      continue;
    }
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
      return InvalidField(
          "content",
          absl::StrCat("binary data, not text: control byte 0x",
                       absl::Hex(c, absl::kZeroPad2), " at offset ", start,
                       " (line ", line, ")"),
          "CONTENT_BINARY");
    }
    if (c == 0xFEFF || c == 0x200B || c == 0x200C || c == 0x200D ||
        c == 0x2060) {
      continue;
    }
    if (c == 0xA0 || c == 0x202F || c == 0x2007) {
      text.push_back(' ');
      continue;
    }
    text.append(content.data() + start, i - start);
  }
  bool blank = std::all_of(text.begin(), text.end(), [](char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n';
  });
  if (blank) {
    return InvalidField("content", "the file is empty", "CONTENT_EMPTY");
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return text;  // no ICU data: keep as is
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(text);
  if (nfc->isNormalized(unicode, status) && U_SUCCESS(status)) return text;
  status = U_ZERO_ERROR;
  icu::UnicodeString normalized = nfc->normalize(unicode, status);
  if (U_FAILURE(status)) return text;
  std::string out;
  normalized.toUTF8String(out);
  return out;
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

std::string CollapseWhitespace(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char ch : text) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(ch);
  }
  return out;
}

namespace {
// -1 lower, 1 upper, 0 none.
int FirstLetterCase(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    UChar32 c = NextCodePoint(text, &i);
    if (c < 0) return 0;
    if (u_isdigit(c)) return 0;
    if (u_isalpha(c)) {
      if (u_isupper(c) || u_istitle(c)) return 1;
      if (u_islower(c)) return -1;
      return 0;
    }
  }
  return 0;
}
}  // namespace

bool FirstLetterIsLower(absl::string_view text) {
  return FirstLetterCase(text) < 0;
}

bool FirstLetterIsUpper(absl::string_view text) {
  return FirstLetterCase(text) > 0;
}

std::string TruncateUtf8(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return absl::StrCat(text.substr(0, cut), "…");
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

bool ContainsHtml(absl::string_view text) {
  for (size_t i = text.find('<'); i != absl::string_view::npos;
       i = text.find('<', i + 1)) {
    std::string name;
    bool closing;
    if (ReadTag(text, i, &name, &closing) > 0) return true;
  }
  return text.find("&nbsp;") != absl::string_view::npos ||
         text.find("&amp;") != absl::string_view::npos;
}

std::string HtmlToText(absl::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    char ch = raw[i];
    if (ch == '<') {
      std::string name;
      bool closing;
      size_t len = ReadTag(raw, i, &name, &closing);
      if (len > 0) {
        if (IsBlockTag(name)) out.push_back('\n');
        i += len;
        continue;
      }
    } else if (ch == '&') {
      AppendEntity(raw, &i, &out);
      continue;
    }
    out.push_back(ch);
    ++i;
  }
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    std::string collapsed = CollapseWhitespace(line);
    if (!collapsed.empty()) lines.push_back(std::move(collapsed));
  }
  return absl::StrJoin(lines, "\n");
}

bool HasText(absl::string_view raw) {
  for (size_t i = 0; i < raw.size();) {
    char ch = raw[i];
    if (ch == '<') {
      std::string name;
      bool closing;
      size_t len = ReadTag(raw, i, &name, &closing);
      if (len > 0) {
        i += len;
        continue;
      }
      return true;
    }
    if (ch == '&' && absl::StartsWith(raw.substr(i), "&nbsp;")) {
      i += 6;
      continue;
    }
    if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') return true;
    ++i;
  }
  return false;
}

std::string Flatten(absl::string_view raw) {
  std::string text = HtmlToText(raw);
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

std::vector<HtmlBlock> HtmlBlocks(absl::string_view raw) {
  std::vector<HtmlBlock> blocks;
  HtmlBlock cur;
  int depth = 0;
  auto flush = [&]() {
    if (!CollapseWhitespace(HtmlToText(cur.raw)).empty()) {
      blocks.push_back(std::move(cur));
    }
    cur = HtmlBlock();
  };
  for (size_t i = 0; i < raw.size();) {
    if (raw[i] == '<') {
      std::string name;
      bool closing;
      size_t len = ReadTag(raw, i, &name, &closing);
      bool container = name == "p" || name == "ul" || name == "ol" ||
                       name == "div";
      if (len > 0 && container) {
        if (!closing) {
          if (depth == 0) {
            flush();
            cur.tag = name;
          } else {
            cur.raw.append(raw.data() + i, len);
          }
          ++depth;
        } else if (depth > 0) {
          --depth;
          if (depth == 0) {
            flush();
          } else {
            cur.raw.append(raw.data() + i, len);
          }
        }
        i += len;
        continue;
      }
      if (len > 0) {
        cur.raw.append(raw.data() + i, len);
        i += len;
        continue;
      }
    }
    cur.raw.push_back(raw[i]);
    ++i;
  }
  flush();
  return blocks;
}

std::vector<std::string> SplitOutsideParens(absl::string_view text, char sep) {
  std::vector<std::string> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (ch == '(') ++depth;
    if (ch == ')' && depth > 0) --depth;
    if (ch == sep && depth == 0) {
      parts.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.emplace_back(text.substr(start));
  return parts;
}

std::string StripBullet(absl::string_view text) {
  absl::string_view t = absl::StripAsciiWhitespace(text);
  while (true) {
    if (absl::StartsWith(t, "-") || absl::StartsWith(t, "+") ||
        absl::StartsWith(t, "*")) {
      t.remove_prefix(1);
    } else if (absl::StartsWith(t, "•")) {
      t.remove_prefix(std::string_view("•").size());
    } else if (absl::StartsWith(t, "–")) {
      t.remove_prefix(std::string_view("–").size());
    } else {
      break;
    }
    t = absl::StripLeadingAsciiWhitespace(t);
  }
  return std::string(t);
}

const std::set<std::string>& TaskVerbs() {
  static const std::set<std::string>* verbs = new std::set<std::string>{
      "xay dung", "trien khai", "tang cuong", "nang cao", "thuc hien",
      "phoi hop", "ra soat", "tiep tuc", "to chuc", "nghien cuu",
      "tuyen truyen", "day manh", "giai quyet", "phat trien", "bo tri",
      "hoan thien", "kiem tra", "theo doi", "chi dao", "danh gia",
      "ban hanh", "thuc day", "bao dam", "dam bao", "cung co", "doi moi",
      "huong dan", "tham muu", "tong ket", "so ket", "khao sat", "boi duong",
      "dao tao", "tap huan", "pho bien", "ho tro", "long ghep", "thong ke",
      "xu ly", "quan ly", "thanh tra", "giam sat", "xac dinh", "de xuat",
      "giam", "tang", "duy tri", "mo rong", "cai thien", "bien soan",
      "phat hanh", "tong hop", "cung cap", "cap nhat", "lap", "dang tai",
      "dich", "in", "soan thao", "tiep nhan", "bao cao"};
  return *verbs;
}

}  // namespace tonghop::plan_import
