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
#include "services/registry/plan_import/outline.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

using ::tonghop::v1::PeriodType;
using ::tonghop::v1::ReportingRound;

constexpr int kHeaderSearchLines = 60;

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
                      starts("phoi hop");
  if (agency_label && has("chu tri")) return {Field::kLead, value};
  if (agency_label && has("phoi hop")) return {Field::kCoordinating, value};
  if (starts("ket qua") || starts("san pham")) return {Field::kResult, value};
  if (starts("thoi gian") || starts("thoi han") || starts("tien do")) {
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

std::vector<std::string> SplitTabs(absl::string_view line) {
  return absl::StrSplit(line, '\t');
}

struct Item {
  int line = 0;
  std::string code;
  std::string text;
  std::string fields[5];  // by Field
  bool has_fields = false;
  std::vector<int> lines;  // every line that went into it
};

std::vector<std::pair<int, int>> DatesWithoutYear(absl::string_view f) {
  std::vector<std::pair<int, int>> dates;  // month, day
  for (size_t i = 0; i < f.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(f[i])) ||
        (i > 0 && (absl::ascii_isdigit(static_cast<unsigned char>(f[i - 1])) || f[i - 1] == '/'))) {
      continue;
    }
    size_t j = i;
    while (j < f.size() && absl::ascii_isdigit(static_cast<unsigned char>(f[j])) && j - i < 3) ++j;
    if (j >= f.size() || f[j] != '/') continue;
    size_t k = j + 1;
    while (k < f.size() && absl::ascii_isdigit(static_cast<unsigned char>(f[k])) && k - j < 4) ++k;
    std::optional<int> d = Number(f.substr(i, j - i));
    std::optional<int> m = Number(f.substr(j + 1, k - j - 1));
    i = k;
    if (k < f.size() && f[k] == '/') continue;  // has a year: a one-off date
    if (!d || !m || *d < 1 || *d > 31 || *m < 1 || *m > 12) continue;
    dates.emplace_back(*m, *d);
  }
  return dates;
}

bool HasWord(absl::string_view folded, absl::string_view phrase) {
  std::string padded = absl::StrCat(" ", absl::StrJoin(Words(folded), " "), " ");
  return padded.find(absl::StrCat(" ", phrase, " ")) != std::string::npos;
}

}  // namespace

std::vector<ReportingRound> ReadSchedule(const std::vector<std::pair<int, std::string>>& lines,
                                         std::vector<int>* used_lines) {
  struct PeriodInfo {
    std::vector<std::pair<int, int>> due, compile;
    std::vector<std::string> sources;
    std::set<int> lines;
    int year_offset = 0;
    bool stated = false;
    int stated_line = 0;
    std::string stated_source;
  };
  std::map<PeriodType, PeriodInfo> periods;
  for (const auto& [line_no, line] : lines) {
    // Clauses: sentences and ";"-separated parts.
    std::vector<std::string> clauses;
    for (absl::string_view part : absl::StrSplit(line, ';')) {
      for (absl::string_view sentence : absl::StrSplit(part, ". ")) {
        std::string c = CollapseWhitespace(sentence);
        if (!c.empty()) clauses.push_back(c);
      }
    }
    for (const std::string& clause : clauses) {
      std::string f = Fold(clause);
      PeriodType period = tonghop::v1::PERIOD_TYPE_UNSPECIFIED;
      if (HasWord(f, "06 thang") || HasWord(f, "6 thang") || HasWord(f, "sau thang")) {
        period = tonghop::v1::PERIOD_TYPE_SEMIANNUAL;
      } else if (HasWord(f, "hang quy") || HasWord(f, "moi quy")) {
        period = tonghop::v1::PERIOD_TYPE_QUARTERLY;
      } else if (HasWord(f, "hang nam") || HasWord(f, "moi nam")) {
        period = tonghop::v1::PERIOD_TYPE_ANNUAL;
      }
      if (period == tonghop::v1::PERIOD_TYPE_UNSPECIFIED) continue;
      size_t before = f.find("truoc ngay");
      std::vector<std::pair<int, int>> dates;
      if (before != std::string::npos) dates = DatesWithoutYear(f.substr(before));
      PeriodInfo& info = periods[period];
      if (dates.empty()) {
        if (HasWord(f, "dinh ky") && !info.stated) {
          info.stated = true;
          info.stated_line = line_no;
          info.stated_source = clause;
        }
        continue;
      }
      bool compile = HasWord(f, "tong hop") && HasWord(f, "bo");
      auto& target = compile ? info.compile : info.due;
      target.insert(target.end(), dates.begin(), dates.end());
      if (HasWord(f, "nam sau")) info.year_offset = 1;
      info.sources.push_back(clause);
      info.lines.insert(line_no);
    }
  }
  std::vector<ReportingRound> rounds;
  for (auto& [period, info] : periods) {
    if (info.due.empty() && info.compile.empty()) {
      if (!info.stated) continue;
      ReportingRound round;
      round.set_period_type(period);
      round.set_source_text(info.stated_source);
      rounds.push_back(std::move(round));
      used_lines->push_back(info.stated_line);
      continue;
    }
    size_t n = period == tonghop::v1::PERIOD_TYPE_ANNUAL
                   ? 1
                   : std::max<size_t>(1, std::max(info.due.size(), info.compile.size()));
    for (size_t i = 0; i < n; ++i) {
      ReportingRound round;
      round.set_period_type(period);
      if (n > 1) round.set_sub_period(static_cast<int>(i) + 1);
      if (i < info.due.size()) {
        round.mutable_due()->set_month(info.due[i].first);
        round.mutable_due()->set_day(info.due[i].second);
        round.mutable_due()->set_year_offset(info.year_offset);
      }
      if (i < info.compile.size()) {
        round.mutable_compile_due()->set_month(info.compile[i].first);
        round.mutable_compile_due()->set_day(info.compile[i].second);
        round.mutable_compile_due()->set_year_offset(info.year_offset);
      }
      round.set_source_text(absl::StrJoin(info.sources, "\n"));
      rounds.push_back(std::move(round));
    }
    used_lines->insert(used_lines->end(), info.lines.begin(), info.lines.end());
  }
  return rounds;
}

DocumentHeader ReadHeader(const std::vector<std::string>& lines, ReportBuilder* report) {
  DocumentHeader header;
  std::vector<std::string> clean;
  clean.reserve(lines.size());
  for (const std::string& line : lines) clean.push_back(CleanLine(line));
  int n = static_cast<int>(lines.size());
  int limit = std::min(n, kHeaderSearchLines);
  int title_end = -1;  // index after the title block
  for (int i = 0; i < limit; ++i) {
    if (header.symbol.empty()) {
      if (std::optional<std::string> symbol = ReadSymbol(clean[static_cast<size_t>(i)])) {
        header.symbol = *symbol;
        report->Use(i + 1);
        continue;
      }
    }
    if (header.year == 0 && ReadIssueDate(clean[static_cast<size_t>(i)], &header)) {
      report->Use(i + 1);
      continue;
    }
    if (title_end < 0 && Fold(clean[static_cast<size_t>(i)]) == "ke hoach") {
      report->Use(i + 1);
      int j = i + 1;
      while (j < n && Blank(clean[static_cast<size_t>(j)])) ++j;
      std::vector<std::string> title;
      while (j < n && !Blank(clean[static_cast<size_t>(j)]) && title.size() < 4) {
        title.push_back(clean[static_cast<size_t>(j)]);
        report->Use(j + 1);
        ++j;
      }
      header.title = CollapseWhitespace(absl::StrJoin(title, " "));
      title_end = j;
      break;
    }
  }
  if (!header.title.empty()) {
    if (std::optional<std::string> impl = ReadImplements(header.title)) {
      header.implements = *impl;
    }
    ReadTitleYears(header.title, &header);
  }
  int body_start = title_end >= 0 ? title_end : 0;
  if (header.implements.empty()) {
    for (int i = body_start; i < std::min(n, body_start + 12); ++i) {
      if (std::optional<std::string> impl = ReadImplements(clean[static_cast<size_t>(i)])) {
        header.implements = *impl;
        report->Use(i + 1);
        break;
      }
    }
  }
  std::vector<std::pair<int, std::string>> body;
  for (int i = body_start; i < n; ++i) {
    const std::string& line = lines[static_cast<size_t>(i)];
    if (line.find('\t') != std::string::npos) continue;  // table rows
    if (ReadField(clean[static_cast<size_t>(i)]).first != Field::kNone) continue;
    if (IsRecipientsLine(clean[static_cast<size_t>(i)])) break;
    body.emplace_back(i + 1, clean[static_cast<size_t>(i)]);
  }
  std::vector<int> used;
  header.schedule = ReadSchedule(body, &used);
  for (int line : used) report->Use(line);
  return header;
}

ParsedDocument ReadDocument(const std::vector<std::string>& lines, ReportBuilder* report) {
  ParsedDocument doc;
  doc.header = ReadHeader(lines, report);
  int n = static_cast<int>(lines.size());
  std::vector<std::string> clean;
  clean.reserve(lines.size());
  for (const std::string& line : lines) clean.push_back(CleanLine(line));

  // Where the body starts: after the title block (or the last header line).
  int body_start = 0;
  for (int i = 0; i < std::min(n, kHeaderSearchLines); ++i) {
    if (Fold(clean[static_cast<size_t>(i)]) == "ke hoach") {
      int j = i + 1;
      while (j < n && Blank(clean[static_cast<size_t>(j)])) ++j;
      while (j < n && !Blank(clean[static_cast<size_t>(j)])) ++j;
      body_start = j;
      break;
    }
  }
  for (int i = 0; i < body_start; ++i) report->Ignore(i + 1, "document header");

  int recipients = n;
  int table = -1;
  for (int i = body_start; i < n; ++i) {
    if (recipients == n && IsRecipientsLine(clean[static_cast<size_t>(i)])) recipients = i;
    const std::string& line = lines[static_cast<size_t>(i)];
    if (line.find('\t') != std::string::npos && IsHeaderRow(SplitTabs(line))) {
      table = i;
      break;
    }
  }

  if (table >= 0) {
    doc.from_table = true;
    report->Use(table + 1);
    for (int i = body_start; i < table; ++i) {
      report->Ignore(i + 1, i < recipients
                                ? "body text; the tasks are read from the appendix table"
                                : "recipients, signature and appendix heading");
    }
    std::vector<RawRow> rows;
    for (int i = table + 1; i < n; ++i) {
      const std::string& line = lines[static_cast<size_t>(i)];
      if (Blank(line)) continue;
      if (line.find('\t') == std::string::npos) {
        report->Ignore(i + 1, "line without tabs inside the appendix table");
        continue;
      }
      RawRow row;
      row.line = row.last_line = i + 1;
      row.cells = SplitTabs(line);
      rows.push_back(std::move(row));
    }
    doc.tasks = ReadTableRows(SplitTabs(lines[static_cast<size_t>(table)]), rows, report);
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
  std::set<int> task_tops;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].has_fields) task_tops.insert(top_of(static_cast<int>(i)));
  }
  int dropped = -1;
  if (task_tops.size() == 1 && !items[static_cast<size_t>(*task_tops.begin())].has_fields) {
    dropped = *task_tops.begin();
  }
  auto section_name = [&](int top) {
    const Item& t = items[static_cast<size_t>(top)];
    return TruncateUtf8(absl::StrCat(t.code, " ", t.text), 80);
  };
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    int top = top_of(static_cast<int>(i));
    bool in_tasks = task_tops.count(top) > 0;
    if (!in_tasks) {
      std::string reason =
          absl::StrCat("section \"", section_name(top), "\" is not a task list");
      for (int l : item.lines) report->Ignore(l, reason);
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
    task.code = item.code;
    while (!task.code.empty() && (task.code.back() == '.' || task.code.back() == ')')) {
      task.code.pop_back();
    }
    task.title = item.text;
    task.lead = item.fields[static_cast<int>(Field::kLead)];
    task.coordinating = item.fields[static_cast<int>(Field::kCoordinating)];
    task.results = item.fields[static_cast<int>(Field::kResult)];
    task.deadline = item.fields[static_cast<int>(Field::kDeadline)];
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
