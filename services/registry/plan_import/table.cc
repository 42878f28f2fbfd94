#include "services/registry/plan_import/table.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/registry/plan_import/outline.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

constexpr std::array<Column, 5> kContentColumns = {
    Column::kTask, Column::kLead, Column::kCoordinating, Column::kResult,
    Column::kDeadline};

Column ColumnOf(absl::string_view cell) {
  std::vector<std::string> words = KeyWords(Flatten(cell));
  std::string key = absl::StrJoin(words, " ");
  if (key.empty()) return Column::kOther;
  if (key == "stt" || key == "tt" || key == "so tt" || key == "so thu tu" ||
      key == "thu tu") {
    return Column::kStt;
  }
  auto contains = [&](absl::string_view phrase) {
    return absl::StrCat(" ", key, " ").find(absl::StrCat(" ", phrase, " ")) !=
           std::string::npos;
  };
  auto starts = [&](absl::string_view phrase) {
    return key == phrase || absl::StartsWith(key, absl::StrCat(phrase, " "));
  };
  if (contains("chu tri")) return Column::kLead;
  if (contains("phoi hop")) return Column::kCoordinating;
  if (starts("ket qua") || starts("san pham")) return Column::kResult;
  if (starts("thoi han") || starts("thoi gian") || starts("tien do") ||
      starts("thoi diem")) {
    return Column::kDeadline;
  }
  if (contains("nhiem vu") || starts("noi dung") || starts("hoat dong") ||
      starts("giai phap") || starts("ten nhiem vu")) {
    return Column::kTask;
  }
  return Column::kOther;
}

// Column → index in the row, or -1.
std::array<int, 7> ColumnIndexes(const std::vector<std::string>& header) {
  std::array<int, 7> index;
  index.fill(-1);
  std::vector<Column> columns = HeaderColumns(header);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] != Column::kOther) index[static_cast<size_t>(columns[i])] = static_cast<int>(i);
  }
  return index;
}

std::string* CellOf(RawTask* task, Column column) {
  switch (column) {
    case Column::kTask:
      return &task->title;
    case Column::kLead:
      return &task->lead;
    case Column::kCoordinating:
      return &task->coordinating;
    case Column::kResult:
      return &task->results;
    case Column::kDeadline:
      return &task->deadline;
    default:
      return nullptr;
  }
}

bool IsListBlock(const HtmlBlock& block) {
  if (block.tag == "ul" || block.tag == "ol") return true;
  std::string text = Flatten(block.raw);
  return absl::StartsWith(text, "- ") || absl::StartsWith(text, "+ ") ||
         absl::StartsWith(text, "• ") || absl::StartsWith(text, "– ");
}

std::string Rebuild(const std::vector<HtmlBlock>& blocks, size_t from) {
  std::string out;
  for (size_t i = from; i < blocks.size(); ++i) {
    std::string tag = blocks[i].tag.empty() ? "p" : blocks[i].tag;
    absl::StrAppend(&out, "<", tag, ">", blocks[i].raw, "</", tag, ">");
  }
  return out;
}

// Appends `text` (plain) to a raw cell, on the same line: a page break cuts
// a sentence, not a paragraph.
void AppendInline(std::string* cell, absl::string_view text) {
  if (text.empty()) return;
  if (!HasText(*cell)) {
    *cell = std::string(text);
    return;
  }
  // Close nothing: HtmlToText ignores unbalanced tags, so a plain space keeps
  // the last line of the cell going.
  absl::StrAppend(cell, " ", text);
}

// Joins a continuation cell to the previous row's cell.
void JoinContinuation(std::string* cell, absl::string_view continuation) {
  std::vector<HtmlBlock> blocks = HtmlBlocks(continuation);
  if (blocks.empty()) return;
  if (!HasText(*cell)) {
    *cell = std::string(continuation);
    return;
  }
  AppendInline(cell, Flatten(blocks[0].raw));
  absl::StrAppend(cell, Rebuild(blocks, 1));
}

// Whether a cell's text stops mid-phrase.
bool EndsUnfinished(absl::string_view text) {
  text = absl::StripTrailingAsciiWhitespace(text);
  if (text.empty()) return false;
  char last = text.back();
  if (last == ',' || last == '(' || last == '-' || last == ':' || last == '&') {
    return true;
  }
  static const std::set<std::string>* connectors = new std::set<std::string>{
      "va", "cua", "cac", "voi", "ve", "theo", "trong", "cho", "den", "de",
      "hoac", "nhung", "tu", "tai", "tren", "boi", "la", "nham", "ma", "hay",
      "cung", "do", "vao", "thuoc", "gom", "nhu", "duoc", "bi", "o"};
  std::vector<std::string> words = KeyWords(text);
  return !words.empty() && connectors->count(words.back()) > 0;
}

// Where a new task's title starts inside `text` that begins with the end
// of the previous row's ("khuyến nghị theo yêu cầu của Ủy ban Nhân quyền
// Xây dựng Báo cáo …"): the first capitalised word that opens a task
// (a verb such as "Xây dựng", "Triển khai", "Tăng cường"). npos if none.
size_t FindTaskStart(absl::string_view text) {
  const std::set<std::string>& verbs = TaskVerbs();
  std::vector<std::pair<size_t, std::string>> words;  // offset, folded
  size_t pos = 0;
  for (absl::string_view w : absl::StrSplit(text, ' ')) {
    if (!w.empty()) words.emplace_back(pos, std::string(w));
    pos += w.size() + 1;
  }
  for (size_t i = 1; i < words.size(); ++i) {
    if (!FirstLetterIsUpper(words[i].second)) continue;
    std::string one = NormalizeKey(words[i].second);
    std::string two = i + 1 < words.size()
                          ? absl::StrCat(one, " ", NormalizeKey(words[i + 1].second))
                          : one;
    if (verbs.count(two) > 0 || verbs.count(one) > 0) return words[i].first;
  }
  return absl::string_view::npos;
}

}  // namespace

std::vector<Column> HeaderColumns(const std::vector<std::string>& cells) {
  std::vector<Column> columns;
  std::set<Column> seen;
  for (const std::string& cell : cells) {
    Column c = ColumnOf(cell);
    if (c != Column::kOther && !seen.insert(c).second) c = Column::kOther;
    columns.push_back(c);
  }
  return columns;
}

bool IsHeaderRow(const std::vector<std::string>& cells) {
  std::vector<Column> columns = HeaderColumns(cells);
  auto has = [&](Column c) {
    return std::find(columns.begin(), columns.end(), c) != columns.end();
  };
  int recognised = 0;
  for (Column c : columns) recognised += c != Column::kOther ? 1 : 0;
  return has(Column::kStt) && has(Column::kTask) && recognised >= 3;
}

absl::string_view ColumnName(Column column) {
  switch (column) {
    case Column::kStt:
      return "STT";
    case Column::kTask:
      return "Nhiệm vụ";
    case Column::kLead:
      return "Cơ quan chủ trì";
    case Column::kCoordinating:
      return "Cơ quan phối hợp";
    case Column::kResult:
      return "Kết quả dự kiến";
    case Column::kDeadline:
      return "Thời hạn thực hiện";
    case Column::kOther:
      break;
  }
  return "";
}

absl::StatusOr<std::vector<RawRow>> ParseDelimited(absl::string_view text,
                                                   char delimiter) {
  std::vector<RawRow> rows;
  RawRow row;
  std::string cell;
  int line = 1;
  row.line = 1;
  bool in_quotes = false, quoted = false;
  int quote_line = 0;
  auto end_cell = [&]() {
    row.cells.push_back(std::move(cell));
    cell.clear();
    quoted = false;
  };
  auto end_row = [&]() {
    end_cell();
    row.last_line = line;
    rows.push_back(std::move(row));
    row = RawRow();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (in_quotes) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell.push_back('"');
          ++i;
        } else if (i + 1 >= text.size() || text[i + 1] == delimiter ||
                   text[i + 1] == '\n') {
          in_quotes = false;
        } else {
          cell.push_back('"');  // a stray quote inside a quoted cell
        }
        continue;
      }
      if (ch == '\n') ++line;
      cell.push_back(ch);
      continue;
    }
    if (ch == '"' && cell.empty() && !quoted) {
      in_quotes = true;
      quoted = true;
      quote_line = line;
      continue;
    }
    if (ch == delimiter) {
      end_cell();
      continue;
    }
    if (ch == '\n') {
      end_row();
      ++line;
      row.line = line;
      continue;
    }
    cell.push_back(ch);
  }
  if (in_quotes) {
    return InvalidField("content",
                        absl::StrCat("the quoted cell that starts on line ", quote_line,
                                     " is never closed (a '\"' is missing)"),
                        "CONTENT_MALFORMED");
  }
  if (!cell.empty() || !row.cells.empty()) end_row();
  return rows;
}

char HeaderDelimiter(absl::string_view line) {
  for (char delimiter : {'\t', ';', ','}) {
    if (line.find(delimiter) == absl::string_view::npos) continue;
    absl::StatusOr<std::vector<RawRow>> rows = ParseDelimited(line, delimiter);
    if (!rows.ok() || rows->empty()) continue;
    if (IsHeaderRow(rows->front().cells)) return delimiter;
  }
  return 0;
}

std::vector<RawTask> ReadTableRows(const std::vector<std::string>& header,
                                   const std::vector<RawRow>& rows,
                                   ReportBuilder* report, bool cells_are_markup) {
  std::array<int, 7> index = ColumnIndexes(header);
  auto cell = [&](const RawRow& row, Column column) -> std::string {
    int i = index[static_cast<size_t>(column)];
    if (i < 0 || static_cast<size_t>(i) >= row.cells.size()) return "";
    return row.cells[static_cast<size_t>(i)];
  };
  auto use = [&](const RawRow& row) {
    for (int l = row.line; l <= std::max(row.line, row.last_line); ++l) report->Use(l);
  };
  std::vector<RawTask> tasks;
  bool after_page_break = false;
  // Numbering at the level of plain numbers, and the Roman numbers used,
  // for numbering that starts again (see the header).
  int last_number = 0;
  int max_roman = 0;
  int renumber_offset = 0;  // added to plain numbers after a restart
  int appendices = 0;
  auto reads_as = [](const std::string& stt, CodeStyle style) -> int {
    for (const CodeReading& r : ReadCode(stt)) {
      if (r.style == style) return r.value;
    }
    return 0;
  };
  auto next_code = [&](size_t k) -> std::string {
    for (size_t j = k + 1; j < rows.size(); ++j) {
      if (IsHeaderRow(rows[j].cells)) continue;
      return CollapseWhitespace(Flatten(cell(rows[j], Column::kStt)));
    }
    return "";
  };
  for (size_t k = 0; k < rows.size(); ++k) {
    const RawRow& row = rows[k];
    if (row.heading) {
      // Appendices are the outermost level: A, B …; their groups I, II ….
      RawTask appendix;
      appendix.line = row.line;
      appendix.code = CodeReading{CodeStyle::kUpperLetter, ++appendices, {}}.Component();
      appendix.title = row.cells.size() > 1 ? row.cells[1] : "";
      use(row);
      report->Repair(row.line, absl::StrCat("appendix heading read as the group \"",
                                            appendix.code, "\" of the rows after it"));
      tasks.push_back(std::move(appendix));
      last_number = 0;
      max_roman = 0;
      renumber_offset = 0;
      after_page_break = false;
      continue;
    }
    if (IsHeaderRow(row.cells)) {
      use(row);
      report->Repair(row.line, "header row repeated at a page break: dropped");
      after_page_break = true;
      continue;
    }
    bool empty = true;
    bool html = false;
    for (const std::string& c : row.cells) {
      if (HasText(c)) empty = false;
      if (ContainsHtml(c)) html = true;
    }
    if (empty) continue;
    // Cells past the header's last named column would be lost: say so.
    std::vector<std::string> extra;
    for (size_t i = header.size(); i < row.cells.size(); ++i) {
      std::string text = CollapseWhitespace(Flatten(row.cells[i]));
      if (!text.empty()) extra.push_back(text);
    }
    if (!extra.empty()) {
      report->Warning(row.line,
                      absl::StrCat("the row has ", row.cells.size(), " cells, the header ",
                                   header.size(), "; not read: \"",
                                   TruncateUtf8(absl::StrJoin(extra, " | "), 200), "\""));
    }
    if (html && !cells_are_markup) report->Repair(row.line, "HTML markup removed from the cells");

    std::string stt = CollapseWhitespace(Flatten(cell(row, Column::kStt)));
    std::string printed_stt;
    bool is_code = !stt.empty() && !ReadCode(stt).empty();
    if (stt.empty()) {
      // A group's heading: a task alone, numbering starting again after it.
      bool task_only = HasText(cell(row, Column::kTask));
      for (Column c : {Column::kLead, Column::kCoordinating, Column::kResult, Column::kDeadline}) {
        if (HasText(cell(row, c))) task_only = false;
      }
      std::string text = CollapseWhitespace(Flatten(cell(row, Column::kTask)));
      // Mid-group (numbers 1 … n read) or at a group's start, but not the
      // end of a cell carried over a page break.
      bool group_start = last_number == 0 && !after_page_break;
      if (task_only && FirstLetterIsUpper(text) && reads_as(next_code(k), CodeStyle::kArabic) == 1 &&
          (last_number >= 2 || group_start || tasks.empty())) {
        RawTask heading;
        heading.line = row.line;
        heading.code = CodeReading{CodeStyle::kRoman, ++max_roman, {}}.Component();
        heading.title = cell(row, Column::kTask);
        use(row);
        report->Repair(row.line, absl::StrCat("row without STT before numbering that starts "
                                              "again at 1 is the heading of the rows after it: "
                                              "numbered \"",
                                              heading.code, "\""));
        tasks.push_back(std::move(heading));
        last_number = 0;
        renumber_offset = 0;
        after_page_break = false;
        continue;
      }
    }
    if (is_code) {
      int roman = reads_as(stt, CodeStyle::kRoman);
      if (roman > 0 || reads_as(stt, CodeStyle::kUpperLetter) > 0) {
        max_roman = std::max(max_roman, roman);
        last_number = 0;
        renumber_offset = 0;
      } else if (int number = reads_as(stt, CodeStyle::kArabic); number > 0) {
        if (number == 1 && last_number >= 2) renumber_offset = last_number;
        if (renumber_offset > 0) {
          std::string renumbered = std::to_string(number + renumber_offset);
          report->Repair(row.line, absl::StrCat("numbering starts again with no heading before "
                                                "it: row \"",
                                                stt, "\" read as \"", renumbered,
                                                "\", continuing the numbering above"));
          printed_stt = stt;
          stt = renumbered;
          number += renumber_offset;
        }
        last_number = number;
      }
    }
    if (!is_code) {
      if (tasks.empty()) {
        report->Ignore(row.line, stt.empty()
                                     ? "table row without STT before the first task"
                                     : "table row whose STT is not an outline code, "
                                       "before the first task");
        continue;
      }
      RawTask& prev = tasks.back();
      for (Column c : kContentColumns) JoinContinuation(CellOf(&prev, c), cell(row, c));
      use(row);
      if (stt.empty()) {
        report->Repair(row.line,
                       absl::StrCat("row without STT continues row \"", prev.code,
                                    "\" (line ", prev.line,
                                    ") split over a page break: cells joined"));
      } else {
        report->Warning(row.line,
                        absl::StrCat("STT \"", stt,
                                     "\" is not an outline code; the row is joined to row \"",
                                     prev.code, "\" (line ", prev.line, ")"));
      }
      after_page_break = false;
      continue;
    }

    RawTask task;
    task.line = row.line;
    task.code = stt;
    task.printed = printed_stt;
    for (Column c : kContentColumns) *CellOf(&task, c) = cell(row, c);

    if (after_page_break && !tasks.empty()) {
      RawTask& prev = tasks.back();
      std::vector<std::string> moved;
      for (Column c : kContentColumns) {
        std::string* cur = CellOf(&task, c);
        std::string* before = CellOf(&prev, c);
        std::vector<HtmlBlock> blocks = HtmlBlocks(*cur);
        if (blocks.empty() || IsListBlock(blocks[0])) continue;
        std::string prev_text = Flatten(*before);
        if (CollapseWhitespace(prev_text).empty()) continue;
        std::string first = Flatten(blocks[0].raw);
        bool lower = FirstLetterIsLower(first);
        if (!lower && !EndsUnfinished(prev_text)) continue;
        if (blocks.size() > 1) {
          AppendInline(before, first);
          *cur = Rebuild(blocks, 1);
          moved.emplace_back(ColumnName(c));
        } else if (c == Column::kTask) {
          if (!lower) continue;
          size_t start = FindTaskStart(first);
          if (start == absl::string_view::npos) {
            report->Warning(row.line,
                            absl::StrCat("the task of row \"", stt,
                                         "\" starts in lowercase and may continue row \"",
                                         prev.code, "\"; no place to split it was found, "
                                         "kept as it is"));
            continue;
          }
          AppendInline(before, CollapseWhitespace(first.substr(0, start)));
          *cur = first.substr(start);
          moved.emplace_back(ColumnName(c));
        } else {
          AppendInline(before, first);
          cur->clear();
          moved.emplace_back(ColumnName(c));
        }
      }
      if (!moved.empty()) {
        report->Repair(row.line,
                       absl::StrCat("row \"", stt, "\" after a page break carried the end of row \"",
                                    prev.code, "\" (line ", prev.line,
                                    "); moved back: ", absl::StrJoin(moved, ", ")));
      }
    }
    after_page_break = false;

    bool content = false;
    for (Column c : kContentColumns) {
      if (HasText(*CellOf(&task, c))) content = true;
    }
    if (!content) {
      report->Ignore(row.line, "table row with an outline code and no content");
      continue;
    }
    use(row);
    tasks.push_back(std::move(task));
  }
  return tasks;
}

}  // namespace tonghop::plan_import
