#include "services/registry/plan_import/document.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/registry/plan_import/assignments.h"
#include "services/registry/plan_import/deadline.h"
#include "services/registry/plan_import/outline.h"
#include "services/registry/plan_import/pasted_tables.h"
#include "services/registry/plan_import/schedule.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

// The title of a plan issued by a decision comes after the decision's
// articles and signature.
constexpr int kTitleSearchLines = 200;
constexpr int kHeaderSearchLines = 60;
constexpr size_t kMaxTitleLines = 4;

// A line without Markdown decoration ("## ", "**", "*…*").
std::string CleanLine(absl::string_view line) {
  std::string out;
  absl::string_view t = absl::StripAsciiWhitespace(line);
  while (absl::ConsumePrefix(&t, "#")) {
  }
  for (char ch : t) {
    if (ch != '*') out.push_back(ch);
  }
  return CollapseWhitespace(out);
}

bool Blank(absl::string_view line) { return CollapseWhitespace(line).empty(); }

std::vector<std::string> Words(absl::string_view folded) {
  std::string spaced;
  for (char ch : folded) {
    spaced.push_back(absl::ascii_isalnum(static_cast<unsigned char>(ch)) ||
                             static_cast<unsigned char>(ch) >= 0x80 || ch == '/'
                         ? ch
                         : ' ');
  }
  return absl::StrSplit(spaced, ' ', absl::SkipEmpty());
}

std::optional<int> Number(absl::string_view s) {
  int n = 0;
  if (s.empty() || s.size() > 4 || !absl::SimpleAtoi(s, &n)) return std::nullopt;
  return n;
}

// "Số: 74 /KH-UBND" → "74/KH-UBND".
std::optional<std::string> ReadSymbol(absl::string_view line) {
  std::string folded = Fold(line);
  if (!absl::StartsWith(folded, "so")) return std::nullopt;
  size_t i = 2;
  while (i < folded.size() && folded[i] == ' ') ++i;
  if (i >= folded.size() || folded[i] != ':') return std::nullopt;
  // Map back: the colon is ASCII, so find it in the original.
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return std::nullopt;
  std::string symbol;
  for (char ch : line.substr(colon + 1)) {
    if (ch != ' ' && ch != '\t') symbol.push_back(ch);
  }
  if (symbol.find('/') == std::string::npos) return std::nullopt;
  return symbol;
}

// "Đồng Nai, ngày 05 tháng 02 năm 2026" → 2026-02-05.
bool ReadIssueDate(absl::string_view line, DocumentHeader* header) {
  std::vector<std::string> w = Words(Fold(line));
  for (size_t i = 0; i + 5 < w.size(); ++i) {
    if (w[i] != "ngay" || w[i + 2] != "thang" || w[i + 4] != "nam") continue;
    std::optional<int> d = Number(w[i + 1]), m = Number(w[i + 3]), y = Number(w[i + 5]);
    if (!d || !m || !y || *d < 1 || *d > 31 || *m < 1 || *m > 12 || *y < 1945 ||
        *y > 2100) {
      continue;
    }
    header->day = *d;
    header->month = *m;
    header->year = *y;
    return true;
  }
  return false;
}

// "Quyết định số 2715/QĐ-TTg" → "2715/QĐ-TTg".
std::optional<std::string> ReadImplements(absl::string_view text) {
  FoldedText ft = FoldWithOffsets(text);
  // "(Ban hành kèm theo Quyết định số …)" names the decision issuing the
  // plan, not the one it implements.
  if (ft.folded.find("ban hanh kem theo") != std::string::npos) return std::nullopt;
  static constexpr absl::string_view kKinds[] = {
      "quyet dinh so", "ke hoach so", "nghi quyet so", "chi thi so", "chuong trinh so"};
  for (absl::string_view kind : kKinds) {
    absl::string_view folded(ft.folded);
    for (size_t at = folded.find(kind); at != absl::string_view::npos;
         at = folded.find(kind, at + 1)) {
      size_t start = ft.offsets[at + kind.size()];
      absl::string_view rest = absl::StripLeadingAsciiWhitespace(text.substr(start));
      size_t end = rest.find_first_of(" ,;()\t");
      std::string symbol(rest.substr(0, end));
      while (!symbol.empty() && (symbol.back() == '.' || symbol.back() == ':')) {
        symbol.pop_back();
      }
      if (symbol.find('/') != std::string::npos &&
          absl::ascii_isdigit(static_cast<unsigned char>(symbol[0]))) {
        return symbol;
      }
    }
  }
  return std::nullopt;
}

// The years a title states: "năm 2022", "giai đoạn 2021 - 2025", "đến năm 2030".
void ReadTitleYears(absl::string_view title, DocumentHeader* header) {
  std::string f = Fold(title);
  std::vector<std::string> w = Words(f);
  std::vector<int> years;
  bool until = false;
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i].find('/') != std::string::npos) continue;  // dates and symbols
    std::optional<int> y = Number(w[i]);
    if (!y || w[i].size() != 4 || *y < 1945 || *y > 2100) continue;
    bool after_nam = i > 0 && w[i - 1] == "nam";
    bool range = i > 0 && (w[i - 1] == "doan" || Number(w[i - 1]).has_value());
    if (i > 1 && w[i - 2] == "den" && after_nam) until = true;
    if (after_nam || range || (i + 1 < w.size() && Number(w[i + 1]).has_value())) {
      years.push_back(*y);
    }
  }
  if (years.empty()) return;
  int lo = *std::min_element(years.begin(), years.end());
  int hi = *std::max_element(years.begin(), years.end());
  if (until && years.size() == 1 && header->year > 0 && header->year <= hi) {
    lo = header->year;
  }
  header->first_year = lo;
  header->last_year = hi;
}

// The line that opens a plan's title: "KẾ HOẠCH", "CHƯƠNG TRÌNH", or one of
// them in capitals with the title's first words after it ("KẾ HOẠCH TỔNG
// THỂ …"). Returns the title text on the same line (maybe empty).
std::optional<std::string> TitleKeyword(absl::string_view clean) {
  std::string f = Fold(clean);
  for (absl::string_view keyword : {"ke hoach", "chuong trinh"}) {
    if (f == keyword) return std::string();
    if (!absl::StartsWith(f, absl::StrCat(keyword, " "))) continue;
    // Only a line in capitals: "Kế hoạch này …" is a sentence.
    bool capitals = !clean.empty() && !FirstLetterIsLower(clean);
    for (absl::string_view word : absl::StrSplit(clean, ' ')) {
      if (FirstLetterIsLower(word)) capitals = false;
    }
    size_t lower = 0;
    for (size_t i = 0; i < clean.size(); ++i) {
      if (absl::ascii_islower(static_cast<unsigned char>(clean[i]))) ++lower;
    }
    if (!capitals || lower > 0) continue;
    size_t cut = FoldWithOffsets(clean).offsets[keyword.size()];
    return CollapseWhitespace(clean.substr(cut));
  }
  return std::nullopt;
}

// Sentences that open the body right after a title with no blank line
// between them (a PDF's text).
bool OpensBody(absl::string_view clean) {
  std::string f = Fold(clean);
  for (absl::string_view opening :
       {"can cu ", "thuc hien ", "de ", "nham ", "uy ban nhan dan ", "ubnd ", "trien khai "}) {
    if (absl::StartsWith(f, opening)) return true;
  }
  return false;
}

enum class Field { kNone, kLead, kCoordinating, kResult, kDeadline };

// "- Cơ quan chủ trì: Sở Tư pháp." → (lead, "Sở Tư pháp.")
std::pair<Field, std::string> ReadField(absl::string_view clean) {
  std::string t = StripBullet(clean);
  size_t colon = t.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 80) return {Field::kNone, ""};
  std::vector<std::string> words = KeyWords(t.substr(0, colon));
  if (words.empty() || words.size() > 7) return {Field::kNone, ""};
  std::string key = absl::StrCat(" ", absl::StrJoin(words, " "), " ");
  auto starts = [&](absl::string_view p) { return absl::StartsWith(key, absl::StrCat(" ", p, " ")); };
  auto has = [&](absl::string_view p) { return key.find(absl::StrCat(" ", p, " ")) != std::string::npos; };
  std::string value = CollapseWhitespace(t.substr(colon + 1));
  bool agency_label = starts("co quan") || starts("don vi") || starts("chu tri") ||
                      starts("phoi hop") || starts("trach nhiem");
  if (agency_label && has("phoi hop") && !has("chu tri")) return {Field::kCoordinating, value};
  // "Cơ quan thực hiện", "Đơn vị thực hiện", "Trách nhiệm thực hiện": the
  // value names the lead (and, after "phối hợp với", whom it works with).
  if (agency_label && (has("chu tri") || has("thuc hien") || starts("trach nhiem"))) {
    return {Field::kLead, value};
  }
  if (starts("ket qua") || starts("san pham")) return {Field::kResult, value};
  if (starts("thoi gian") || starts("thoi han") || starts("tien do") ||
      starts("thoi diem") || starts("han hoan thanh")) {
    return {Field::kDeadline, value};
  }
  return {Field::kNone, ""};
}

// "2. Tăng cường …", "a) …", "1.1 …" → (code, text).
std::optional<std::pair<std::string, std::string>> ReadItem(absl::string_view clean) {
  absl::string_view t = clean;
  size_t k = 0;
  while (k < t.size() && k < 16 && t[k] != ' ' && t[k] != ')') ++k;
  if (k >= t.size()) return std::nullopt;
  std::string code(t.substr(0, k));
  absl::string_view rest = t.substr(k);
  if (absl::StartsWith(rest, ")")) {
    code.push_back(')');
    rest.remove_prefix(1);
  }
  if (!absl::StartsWith(rest, " ")) return std::nullopt;
  std::string text = CollapseWhitespace(rest);
  if (text.empty()) return std::nullopt;
  std::vector<CodeReading> readings = ReadCode(code);
  if (readings.empty()) return std::nullopt;
  bool terminated = absl::EndsWith(code, ".") || absl::EndsWith(code, ")");
  bool dotted = readings.front().style == CodeStyle::kDotted;
  if (!terminated && !dotted) return std::nullopt;
  // "A. " and "I. " open a sentence as often as a section: require a capital.
  if (!FirstLetterIsUpper(text) && readings.front().style != CodeStyle::kLowerLetter &&
      readings.front().style != CodeStyle::kArabic && !dotted) {
    return std::nullopt;
  }
  return std::make_pair(code, text);
}

bool IsRecipientsLine(absl::string_view clean) {
  std::string f = Fold(clean);
  return absl::StartsWith(f, "noi nhan");
}

bool IsBullet(absl::string_view clean) {
  return absl::StartsWith(clean, "- ") || absl::StartsWith(clean, "+ ") ||
         absl::StartsWith(clean, "\xE2\x80\xA2") || absl::StartsWith(clean, "\xE2\x80\x93 ");
}

// The deadline written in a task's sentence: after "Thời gian (thực hiện|
// hoàn thành):", "Thời hạn:", "Tiến độ:", or "hoàn thành (trong|trước) …".
// Returns the deadline and the sentence without it.
std::pair<std::string, std::string> InlineDeadline(const std::string& text) {
  FoldedText ft = FoldWithOffsets(text);
  const std::string& f = ft.folded;
  size_t best = std::string::npos, value = 0;
  for (const char* label : {"thoi gian", "thoi han", "tien do"}) {
    for (size_t at = f.find(label); at != std::string::npos; at = f.find(label, at + 1)) {
      if (at > 0 && absl::ascii_isalnum(static_cast<unsigned char>(f[at - 1]))) continue;
      size_t colon = f.find(':', at);
      if (colon == std::string::npos || colon > at + 30) continue;
      if (at < best) {
        best = at;
        value = colon + 1;
      }
      break;
    }
  }
  if (best == std::string::npos) {
    for (const char* phrase : {"hoan thanh truoc", "hoan thanh trong", "hoan thanh xong"}) {
      size_t at = f.find(phrase);
      if (at != std::string::npos && at < best) {
        best = at;
        value = at + std::string_view("hoan thanh").size();
      }
    }
  }
  if (best == std::string::npos) return {"", text};
  size_t end = f.size();
  for (char stop : {';', ')'}) {
    size_t at = f.find(stop, value);
    if (at != std::string::npos) end = std::min(end, at);
  }
  std::string deadline = CollapseWhitespace(text.substr(ft.offsets[value], ft.offsets[end] - ft.offsets[value]));
  while (!deadline.empty() && (deadline.back() == '.' || deadline.back() == ',')) deadline.pop_back();
  // The sentence without the deadline (and without an emptied parenthesis).
  size_t cut = ft.offsets[best];
  std::string title = text.substr(0, cut);
  std::string rest = end < f.size() ? text.substr(ft.offsets[end]) : "";
  if (absl::StartsWith(rest, ")")) {
    size_t open = title.rfind('(');
    if (open != std::string::npos && CollapseWhitespace(title.substr(open + 1)).find_first_not_of(
                                         " ,;") == std::string::npos) {
      title.erase(open);
      rest.erase(0, 1);
    } else if (open != std::string::npos) {
      // "(Sở Tư pháp chủ trì; thời gian: …)": keep the parenthesis closed.
      while (!title.empty() && (title.back() == ' ' || title.back() == ';' || title.back() == ',')) {
        title.pop_back();
      }
      title.push_back(')');
      rest.erase(0, 1);
    }
  }
  while (!title.empty() && (title.back() == ' ' || title.back() == ';' || title.back() == ',')) {
    title.pop_back();
  }
  rest = CollapseWhitespace(rest);
  bool glued = !rest.empty() && (rest[0] == '.' || rest[0] == ',' || rest[0] == ';');
  std::string without = CollapseWhitespace(absl::StrCat(title, glued ? "" : " ", rest));
  while (!without.empty() && (without.back() == ',' || without.back() == ';' ||
                              without.back() == ' ')) {
    without.pop_back();
  }
  return {deadline, without};
}

struct Item {
  int line = 0;
  std::string code;
  std::string text;
  std::string fields[5];  // by Field
  bool has_fields = false;
  std::vector<int> lines;  // every line that went into it
  // Bullet lines under the item that are not fields, with their lines.
  std::vector<std::pair<int, std::string>> bullets;
  // How the item names its agencies, when it has no field lines.
  InlineAgencies inline_agencies;
  bool agency_heading = false;
  std::string heading_agencies;  // "Sở Tư pháp" of "1. Sở Tư pháp: …"
  std::string heading_rest;      // the text after the agencies
};

// "1. Sở Tư pháp: Chủ trì …" / "2. Ủy ban nhân dân các xã, phường có trách
// nhiệm:" / "3. Công an tỉnh" → the agencies and the rest.
std::optional<std::pair<std::string, std::string>> AgencyHeading(const std::string& text,
                                                                 const AgencyResolver& resolver) {
  size_t colon = text.find(':');
  std::string head = colon == std::string::npos ? text : text.substr(0, colon);
  std::string rest = colon == std::string::npos ? "" : CollapseWhitespace(text.substr(colon + 1));
  std::string f = Fold(head);
  // "… có trách nhiệm", "… thực hiện các nhiệm vụ sau" end the names.
  for (const char* tail : {" co trach nhiem", " thuc hien cac nhiem vu", " thuc hien"}) {
    size_t at = f.find(tail);
    if (at != std::string::npos && colon != std::string::npos) {
      head = head.substr(0, FoldWithOffsets(head).offsets[at]);
      break;
    }
  }
  head = CollapseWhitespace(head);
  if (head.empty() || head.size() > 240) return std::nullopt;
  if (colon == std::string::npos && head.size() > 120) return std::nullopt;
  if (!IsAgencyList(head, resolver)) return std::nullopt;
  return std::make_pair(head, rest);
}

}  // namespace

DocumentHeader ReadHeader(const std::vector<std::string>& lines, ReportBuilder* report) {
  DocumentHeader header;
  std::vector<std::string> clean;
  clean.reserve(lines.size());
  for (const std::string& line : lines) clean.push_back(CleanLine(line));
  int n = static_cast<int>(lines.size());
  int title_end = -1;  // index after the title block
  for (int i = 0; i < std::min(n, kTitleSearchLines); ++i) {
    const std::string& c = clean[static_cast<size_t>(i)];
    if (i < kHeaderSearchLines && header.symbol.empty()) {
      if (std::optional<std::string> symbol = ReadSymbol(c)) {
        header.symbol = *symbol;
        report->Use(i + 1);
        continue;
      }
    }
    if (i < kHeaderSearchLines && header.year == 0) {
      if (ReadIssueDate(c, &header)) {
        report->Use(i + 1);
        continue;
      }
      // "Đồng Nai, ngày 03" / "tháng 3 năm 2026": a date wrapped in a cell.
      if (i + 1 < n && Fold(c).find("ngay") != std::string::npos &&
          ReadIssueDate(absl::StrCat(c, " ", clean[static_cast<size_t>(i) + 1]), &header)) {
        report->Use(i + 1);
        report->Use(i + 2);
        ++i;
        continue;
      }
    }
    std::optional<std::string> keyword = TitleKeyword(c);
    if (!keyword.has_value()) continue;
    report->Use(i + 1);
    std::vector<std::string> title;
    if (!keyword->empty()) title.push_back(*keyword);
    int j = i + 1;
    if (title.empty()) {
      while (j < n && Blank(clean[static_cast<size_t>(j)])) ++j;
    }
    while (j < n && !Blank(clean[static_cast<size_t>(j)]) && title.size() < kMaxTitleLines) {
      const std::string& t = clean[static_cast<size_t>(j)];
      std::string f = Fold(t);
      if (absl::StartsWith(f, "(ban hanh kem theo")) {
        report->Use(j + 1);
        ++j;
        break;
      }
      if (!title.empty() && (OpensBody(t) || ReadItem(t).has_value())) break;
      title.push_back(t);
      report->Use(j + 1);
      ++j;
    }
    if (j < n && absl::StartsWith(Fold(clean[static_cast<size_t>(j)]), "(ban hanh kem theo")) {
      report->Use(j + 1);
      ++j;
    }
    header.title = CollapseWhitespace(absl::StrJoin(title, " "));
    title_end = j;
    break;
  }
  if (!header.title.empty()) {
    if (std::optional<std::string> impl = ReadImplements(header.title)) {
      header.implements = *impl;
    }
    ReadTitleYears(header.title, &header);
  }
  int body_start = title_end >= 0 ? title_end : 0;
  header.body_start = body_start;
  if (header.implements.empty()) {
    for (int i = body_start; i < std::min(n, body_start + 12); ++i) {
      if (std::optional<std::string> impl = ReadImplements(clean[static_cast<size_t>(i)])) {
        header.implements = *impl;
        report->Use(i + 1);
        break;
      }
    }
  }
  // The body's sentences; a line that starts in lowercase continues the one
  // before (text wrapped at a fixed width).
  std::vector<std::pair<int, std::string>> body;
  std::vector<std::vector<int>> body_lines;
  for (int i = body_start; i < n; ++i) {
    const std::string& line = lines[static_cast<size_t>(i)];
    if (line.find('\t') != std::string::npos) continue;  // table rows
    const std::string& c = clean[static_cast<size_t>(i)];
    if (ReadField(c).first != Field::kNone) continue;
    if (IsRecipientsLine(c)) break;
    if (Blank(c)) continue;
    if (!body.empty() && body_lines.back().back() == i && FirstLetterIsLower(c)) {
      absl::StrAppend(&body.back().second, " ", c);
      body_lines.back().push_back(i + 1);
      continue;
    }
    body.emplace_back(i + 1, c);
    body_lines.push_back({i + 1});
  }
  ScheduleRead schedule = ReadSchedule(body);
  for (int line : std::vector<int>(schedule.used_lines)) {
    for (const auto& group : body_lines) {
      if (group.front() == line) {
        schedule.used_lines.insert(schedule.used_lines.end(), group.begin() + 1, group.end());
      }
    }
  }
  header.schedule = std::move(schedule.rounds);
  header.schedule_lines = std::move(schedule.round_lines);
  for (int line : schedule.used_lines) report->Use(line);
  return header;
}

namespace {

// Reads the appendix table's rows into tasks and accounts for its lines.
void ReadTable(const std::vector<std::string>& lines, const PastedTable& table, int body_start,
               int recipients, const DocumentOptions& options, ReportBuilder* report,
               ParsedDocument* doc) {
  doc->from_table = true;
  int first = table.header_line - 1;
  for (int i = body_start; i < first; ++i) {
    report->Ignore(i + 1, i < recipients ? "body text; the tasks are read from the appendix table"
                                         : "recipients, signature and appendix heading");
  }
  for (int l : table.used_lines) report->Use(l);
  // Separators ("|", "|---|") are the table's structure, read with it.
  for (int l : table.skipped_lines) report->Use(l);
  for (int l : table.repeated_headers) {
    report->Repair(l, "header row repeated at a page break: dropped");
  }
  if (table.form == PastedForm::kLineCells) {
    report->Repair(table.header_line,
                   "the table was pasted one cell per line: each row starts at its number and "
                   "its lines were laid out over the columns by what they hold; check them");
  }
  // Cells laid out here carry <p> blocks of their own making.
  bool markup = options.cells_are_markup || table.form == PastedForm::kPipeCells ||
                table.form == PastedForm::kLineCells;
  doc->tasks = ReadTableRows(table.header, table.rows, report, markup);
  for (int i = first; i < table.end && i < static_cast<int>(lines.size()); ++i) {
    report->Ignore(i + 1, "line inside the appendix table that is not a row");
  }
  for (int i = table.end; i < static_cast<int>(lines.size()); ++i) {
    report->Ignore(i + 1, "text after the appendix table");
  }
}

}  // namespace

ParsedDocument ReadDocument(const std::vector<std::string>& lines, ReportBuilder* report,
                            const DocumentOptions& options) {
  ParsedDocument doc;
  doc.header = ReadHeader(lines, report);
  int n = static_cast<int>(lines.size());
  std::vector<std::string> clean;
  clean.reserve(lines.size());
  for (const std::string& line : lines) clean.push_back(CleanLine(line));

  int body_start = doc.header.body_start;
  for (int i = 0; i < body_start; ++i) report->Ignore(i + 1, "document header");

  int recipients = n;
  for (int i = body_start; i < n; ++i) {
    if (IsRecipientsLine(clean[static_cast<size_t>(i)])) {
      recipients = i;
      break;
    }
  }

  const AgencyResolver* resolver = options.resolver;
  CellClassifier classify = [resolver](absl::string_view line) {
    std::string text = StripBullet(line);
    tonghop::v1::Deadline d = ParseDeadline(text);
    if (d.kind() != tonghop::v1::DEADLINE_KIND_UNSPECIFIED && text.size() <= 80) {
      return CellLook::kDeadline;
    }
    if (resolver != nullptr && IsAgencyList(text, *resolver)) return CellLook::kAgencies;
    return CellLook::kText;
  };
  if (std::optional<PastedTable> table = FindPastedTable(lines, body_start, n, classify)) {
    ReadTable(lines, *table, body_start, recipients, options, report, &doc);
    return doc;
  }

  // Narrative: numbered items, fields attached to the latest item.
  std::vector<Item> items;
  std::vector<int> item_of_line(lines.size(), -1);  // paragraph lines → item
  Field last_field = Field::kNone;
  bool title_open = false;
  for (int i = body_start; i < recipients; ++i) {
    const std::string& c = clean[static_cast<size_t>(i)];
    if (Blank(c)) continue;
    auto [field, value] = ReadField(c);
    if (field != Field::kNone) {
      if (items.empty()) {
        report->Ignore(i + 1, "task field outside any numbered item");
        continue;
      }
      Item& item = items.back();
      std::string& slot = item.fields[static_cast<int>(field)];
      if (!slot.empty()) slot.push_back('\n');
      slot.append(value);
      item.has_fields = true;
      item.lines.push_back(i + 1);
      last_field = field;
      title_open = false;
      continue;
    }
    if (auto parsed = ReadItem(c)) {
      Item item;
      item.line = i + 1;
      item.code = parsed->first;
      item.text = parsed->second;
      item.lines.push_back(i + 1);
      items.push_back(std::move(item));
      last_field = Field::kNone;
      title_open = true;
      continue;
    }
    if (!items.empty()) {
      Item& item = items.back();
      bool bullet = absl::StartsWith(c, "-") || absl::StartsWith(c, "+") ||
                    absl::StartsWith(c, "•");
      std::string* open_slot =
          last_field != Field::kNone ? &item.fields[static_cast<int>(last_field)] : nullptr;
      if (open_slot != nullptr && !bullet &&
          (FirstLetterIsLower(c) || absl::EndsWith(*open_slot, ",") ||
           absl::EndsWith(Fold(*open_slot), " va"))) {
        // A field's value wrapped onto the next line.
        absl::StrAppend(open_slot, " ", c);
        item.lines.push_back(i + 1);
        continue;
      }
      if (last_field != Field::kNone && bullet) {
        std::string& slot = item.fields[static_cast<int>(last_field)];
        slot.push_back('\n');
        slot.append(c);
        item.lines.push_back(i + 1);
        continue;
      }
      if (title_open && !item.has_fields && FirstLetterIsLower(c)) {
        item.text = absl::StrCat(item.text, " ", c);
        item.lines.push_back(i + 1);
        continue;
      }
      if (IsBullet(c) && !item.has_fields) item.bullets.emplace_back(i + 1, c);
      item_of_line[static_cast<size_t>(i)] = static_cast<int>(items.size()) - 1;
    }
    title_open = false;
  }
  for (int i = recipients; i < n; ++i) report->Ignore(i + 1, "recipients and signature");

  std::vector<std::string> codes;
  for (const Item& item : items) codes.push_back(item.code);
  OutlineTree tree = BuildOutline(codes);
  auto top_of = [&](int i) {
    while (tree.parent[static_cast<size_t>(i)] >= 0) i = tree.parent[static_cast<size_t>(i)];
    return i;
  };

  // Which sections hold the tasks: those whose items carry field lines;
  // else those whose items name their agencies in the sentence; else those
  // whose items are agencies the tasks are grouped under.
  std::set<int> task_tops;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].has_fields) task_tops.insert(top_of(static_cast<int>(i)));
  }
  bool grouped = false;
  if (resolver != nullptr) {
    for (size_t i = 0; i < items.size(); ++i) {
      Item& item = items[i];
      if (item.has_fields) continue;
      item.inline_agencies = FindInlineAgencies(item.text, *resolver);
    }
    if (task_tops.empty()) {
      for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].inline_agencies.found) task_tops.insert(top_of(static_cast<int>(i)));
      }
    }
    if (task_tops.empty()) {
      for (size_t i = 0; i < items.size(); ++i) {
        Item& item = items[i];
        if (auto heading = AgencyHeading(item.text, *resolver)) {
          item.agency_heading = true;
          item.heading_agencies = heading->first;
          item.heading_rest = heading->second;
          task_tops.insert(top_of(static_cast<int>(i)));
          grouped = true;
        }
      }
    }
  }
  auto is_task_item = [&](size_t i) {
    const Item& item = items[i];
    return item.has_fields || item.inline_agencies.found || item.agency_heading;
  };
  int dropped = -1;
  if (task_tops.size() == 1 && !is_task_item(static_cast<size_t>(*task_tops.begin()))) {
    dropped = *task_tops.begin();
  }
  auto section_name = [&](int top) {
    const Item& t = items[static_cast<size_t>(top)];
    return TruncateUtf8(absl::StrCat(t.code, " ", t.text), 80);
  };
  // The agency heading an item is under, or -1.
  auto heading_of = [&](int i) {
    for (int p = tree.parent[static_cast<size_t>(i)]; p >= 0; p = tree.parent[static_cast<size_t>(p)]) {
      if (items[static_cast<size_t>(p)].agency_heading) return p;
    }
    return -1;
  };
  std::vector<bool> has_children(items.size(), false);
  for (size_t i = 0; i < items.size(); ++i) {
    if (tree.parent[i] >= 0) has_children[static_cast<size_t>(tree.parent[i])] = true;
  }
  auto code_without_terminator = [](std::string code) {
    while (!code.empty() && (code.back() == '.' || code.back() == ')')) code.pop_back();
    return code;
  };
  for (size_t i = 0; i < items.size(); ++i) {
    Item& item = items[i];
    int top = top_of(static_cast<int>(i));
    bool in_tasks = task_tops.count(top) > 0;
    if (!in_tasks) {
      std::string reason =
          absl::StrCat("section \"", section_name(top), "\" is not a task list");
      for (int l : item.lines) report->Ignore(l, reason);
      for (const auto& [l, text] : item.bullets) report->Ignore(l, reason);
      continue;
    }
    if (static_cast<int>(i) == dropped) {
      report->Use(item.line);  // the heading of the task list
      continue;
    }
    for (int l : item.lines) report->Use(l);
    RawTask task;
    task.line = item.line;
    // The code without its terminator: "a)" is printed code "a".
    task.code = code_without_terminator(item.code);
    task.title = item.text;
    task.lead = item.fields[static_cast<int>(Field::kLead)];
    task.coordinating = item.fields[static_cast<int>(Field::kCoordinating)];
    task.results = item.fields[static_cast<int>(Field::kResult)];
    task.deadline = item.fields[static_cast<int>(Field::kDeadline)];
    if (!item.has_fields) {
      if (item.inline_agencies.found) {
        task.lead = item.inline_agencies.lead;
        task.coordinating = item.inline_agencies.coordinating;
      }
      int heading = heading_of(static_cast<int>(i));
      if (item.agency_heading) {
        bool bullets_are_tasks = !has_children[i] && !item.bullets.empty();
        task.title = item.heading_rest.empty() ? item.heading_agencies : item.heading_rest;
        // A heading with tasks under it is not itself a task of its agencies.
        if (!has_children[i] && !bullets_are_tasks) task.lead = item.heading_agencies;
        if (!item.heading_rest.empty() && !has_children[i] && !bullets_are_tasks) {
          InlineAgencies within = FindInlineAgencies(
              absl::StrCat(item.heading_agencies, " ", item.heading_rest), *resolver);
          if (within.found) task.coordinating = within.coordinating;
        }
        auto [deadline, title] = InlineDeadline(task.title);
        task.deadline = deadline;
        task.title = title;
        doc.tasks.push_back(task);
        if (bullets_are_tasks) {
          // "1. Sở Tư pháp:" followed by "- …" lines: each line is one of
          // its tasks, numbered a, b, c here.
          static constexpr absl::string_view kLetters[] = {
              "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q",
              "r", "s", "t", "u", "v", "x", "y"};
          size_t k = 0;
          for (const auto& [l, text] : item.bullets) {
            if (k >= sizeof(kLetters) / sizeof(kLetters[0])) break;
            report->Use(l);
            RawTask sub;
            sub.line = l;
            sub.code = std::string(kLetters[k++]);
            sub.printed = "-";
            sub.title = StripBullet(text);
            sub.lead = item.heading_agencies;
            InlineAgencies within =
                FindInlineAgencies(absl::StrCat(item.heading_agencies, " ", sub.title), *resolver);
            if (within.found) sub.coordinating = within.coordinating;
            auto [sub_deadline, sub_title] = InlineDeadline(sub.title);
            sub.deadline = sub_deadline;
            sub.title = sub_title;
            report->Repair(l, absl::StrCat("bullet under \"", item.heading_agencies,
                                           "\" read as its task \"", sub.code, "\""));
            doc.tasks.push_back(std::move(sub));
          }
        }
        continue;
      }
      if (grouped && heading >= 0 && task.lead.empty()) {
        const Item& h = items[static_cast<size_t>(heading)];
        task.lead = h.heading_agencies;
        InlineAgencies within =
            FindInlineAgencies(absl::StrCat(h.heading_agencies, " ", item.text), *resolver);
        if (within.found) task.coordinating = within.coordinating;
      }
      if (task.deadline.empty()) {
        auto [deadline, title] = InlineDeadline(task.title);
        task.deadline = deadline;
        task.title = title;
      }
    }
    doc.tasks.push_back(std::move(task));
  }
  for (size_t l = 0; l < item_of_line.size(); ++l) {
    int owner = item_of_line[l];
    if (owner < 0) continue;
    int top = top_of(owner);
    if (task_tops.count(top) > 0) {
      report->Ignore(static_cast<int>(l) + 1,
                     "paragraph inside the task list that is not a task field");
    } else {
      report->Ignore(static_cast<int>(l) + 1,
                     absl::StrCat("section \"", section_name(top), "\" is not a task list"));
    }
  }
  for (int i = body_start; i < recipients; ++i) {
    report->Ignore(i + 1, items.empty() || i + 1 < items.front().line
                              ? "preamble before the first numbered item"
                              : "text outside the task list");
  }
  return doc;
}

}  // namespace tonghop::plan_import
