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
        AppendCodePoint(value, out);
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
