#include "services/registry/plan_import/pasted_tables.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/registry/plan_import/outline.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

// Lines of one row laid out over the columns: more than this many and the
// row is read as it comes (the layout search is quadratic in them).
constexpr size_t kMaxLayoutLines = 60;
// A header cell is a short line.
constexpr size_t kMaxHeaderCellBytes = 120;

std::string Trim(absl::string_view s) { return CollapseWhitespace(s); }

bool IsPipeLine(absl::string_view line) { return Trim(line) == "|"; }

bool IsBlank(absl::string_view line) { return Trim(line).empty(); }

Column ColumnOfCell(absl::string_view cell) {
  if (cell.size() > kMaxHeaderCellBytes) return Column::kOther;
  std::vector<Column> columns = HeaderColumns({std::string(cell)});
  return columns.empty() ? Column::kOther : columns.front();
}

// "| 1 | Nhiệm vụ | Sở Tư pháp |" → cells; empty when the line is not
// pipe-separated.
std::vector<std::string> SplitPipes(absl::string_view line) {
  std::string t = Trim(line);
  if (std::count(t.begin(), t.end(), '|') < 2) return {};
  absl::string_view v = t;
  absl::ConsumePrefix(&v, "|");
  absl::ConsumeSuffix(&v, "|");
  std::vector<std::string> cells;
  for (absl::string_view cell : absl::StrSplit(v, '|')) cells.push_back(Trim(cell));
  return cells;
}

bool IsSeparatorRow(const std::vector<std::string>& cells) {
  if (cells.empty()) return false;
  for (const std::string& c : cells) {
    std::string t = c;
    t.erase(std::remove(t.begin(), t.end(), ':'), t.end());
    if (t.empty() || t.find_first_not_of('-') != std::string::npos) return false;
  }
  return true;
}

// A line holding only an outline code: "1", "1.", "II", "a)", "1.2".
bool IsCodeLine(absl::string_view line) {
  std::string t = Trim(line);
  if (t.empty() || t.size() > 8 || t.find(' ') != std::string::npos) return false;
  return !ReadCode(t).empty();
}

bool IsRecipients(absl::string_view line) {
  return absl::StartsWith(Fold(Trim(line)), "noi nhan");
}

std::string Paragraphs(const std::vector<std::string>& paragraphs) {
  if (paragraphs.empty()) return "";
  if (paragraphs.size() == 1) return paragraphs.front();
  std::string out;
  for (const std::string& p : paragraphs) absl::StrAppend(&out, "<p>", p, "</p>");
  return out;
}

// The wrapped lines of a cell as paragraphs: a bullet starts a new one.
std::string CellFromWrappedLines(const std::vector<std::string>& lines) {
  std::vector<std::string> paragraphs;
  for (const std::string& raw : lines) {
    std::string line = Trim(raw);
    if (line.empty()) continue;
    bool bullet = absl::StartsWith(line, "-") || absl::StartsWith(line, "+") ||
                  absl::StartsWith(line, "\xE2\x80\xA2");
    if (paragraphs.empty() || bullet) {
      paragraphs.push_back(line);
    } else {
      absl::StrAppend(&paragraphs.back(), " ", line);
    }
  }
  return Paragraphs(paragraphs);
}

std::optional<PastedTable> RowTable(const std::vector<std::string>& lines, int header, int end,
                                    PastedForm form) {
  auto split = [&](absl::string_view line) -> std::vector<std::string> {
    if (form == PastedForm::kTabRows) {
      if (line.find('\t') == absl::string_view::npos) return {};
      return absl::StrSplit(line, '\t');
    }
    return SplitPipes(line);
  };
  std::vector<std::string> cells = split(lines[static_cast<size_t>(header)]);
  if (cells.empty() || !IsHeaderRow(cells)) return std::nullopt;
  PastedTable table;
  table.form = form;
  table.header_line = header + 1;
  table.header = cells;
  table.used_lines.push_back(header + 1);
  int i = header + 1;
  // "PHỤ LỤC II" (and the title line after it) between two tables.
  auto appendix_heading = [&](int at, std::vector<int>* used) -> std::optional<RawRow> {
    std::string t = Trim(lines[static_cast<size_t>(at)]);
    if (!absl::StartsWith(Fold(t), "phu luc") || !split(t).empty()) return std::nullopt;
    RawRow row;
    row.heading = true;
    row.line = row.last_line = at + 1;
    used->push_back(at + 1);
    int next = at + 1;
    while (next < end && IsBlank(lines[static_cast<size_t>(next)])) ++next;
    if (next < end && split(lines[static_cast<size_t>(next)]).empty() &&
        !absl::StartsWith(Fold(Trim(lines[static_cast<size_t>(next)])), "phu luc") &&
        !IsRecipients(lines[static_cast<size_t>(next)])) {
      absl::StrAppend(&t, ": ", Trim(lines[static_cast<size_t>(next)]));
      row.last_line = next + 1;
      used->push_back(next + 1);
    }
    row.cells = {"", t};
    return row;
  };
  std::vector<int> heading_lines;
  for (; i < end; ++i) {
    const std::string& line = lines[static_cast<size_t>(i)];
    if (IsRecipients(line)) break;
    std::vector<std::string> row = split(line);
    if (row.empty()) {
      if (std::optional<RawRow> heading = appendix_heading(i, &heading_lines)) {
        i = heading->last_line - 1;
        table.rows.push_back(std::move(*heading));
      }
      continue;
    }
    if (form == PastedForm::kPipeRows && IsSeparatorRow(row)) {
      table.skipped_lines.push_back(i + 1);
      continue;
    }
    RawRow raw;
    raw.line = raw.last_line = i + 1;
    raw.cells = std::move(row);
    table.rows.push_back(std::move(raw));
  }
  table.end = i;
  // The first table's own "PHỤ LỤC I" heading, when later ones have theirs.
  bool headings = std::any_of(table.rows.begin(), table.rows.end(),
                              [](const RawRow& r) { return r.heading; });
  if (headings) {
    for (int back = header - 1, seen = 0; back >= 0 && seen < 3; --back) {
      if (IsBlank(lines[static_cast<size_t>(back)])) continue;
      ++seen;
      if (std::optional<RawRow> first = appendix_heading(back, &heading_lines)) {
        table.rows.insert(table.rows.begin(), std::move(*first));
        break;
      }
    }
  }
  table.used_lines.insert(table.used_lines.end(), heading_lines.begin(), heading_lines.end());
  return table;
}

// A block of lines ended by a "|" line.
struct Block {
  int first_line = 0;  // 1-based
  std::vector<std::string> lines;
  std::vector<int> line_numbers;
  std::string Text() const { return Trim(absl::StrJoin(lines, " ")); }
};

std::optional<PastedTable> PipeCellTable(const std::vector<std::string>& lines, int start,
                                         int end) {
  // Blocks from `start` on, each closed by a "|" line; the table ends at the
  // last "|".
  std::vector<Block> blocks;
  std::vector<int> pipes;
  Block current;
  int i = start;
  for (; i < end; ++i) {
    const std::string& line = lines[static_cast<size_t>(i)];
    if (IsPipeLine(line)) {
      pipes.push_back(i + 1);
      blocks.push_back(std::move(current));
      current = Block();
      continue;
    }
    if (IsBlank(line)) continue;
    if (IsRecipients(line)) break;
    if (current.lines.empty()) current.first_line = i + 1;
    current.lines.push_back(line);
    current.line_numbers.push_back(i + 1);
  }
  if (blocks.size() < 4) return std::nullopt;
  // The header: blocks up to the first one holding an outline code.
  std::vector<std::string> header;
  size_t b = 0;
  while (b < blocks.size() && !IsCodeLine(blocks[b].Text()) &&
         blocks[b].Text().size() <= kMaxHeaderCellBytes) {
    header.push_back(blocks[b].Text());
    ++b;
  }
  if (b == blocks.size() || !IsHeaderRow(header) || ColumnOfCell(header.front()) != Column::kStt) {
    return std::nullopt;
  }
  PastedTable table;
  table.form = PastedForm::kPipeCells;
  table.header_line = blocks.front().first_line;
  table.header = header;
  for (size_t h = 0; h < b; ++h) {
    for (int l : blocks[h].line_numbers) table.used_lines.push_back(l);
  }
  size_t n = header.size();
  for (; b + n <= blocks.size(); b += n) {
    RawRow row;
    row.line = blocks[b].first_line;
    bool repeated = true;
    for (size_t c = 0; c < n; ++c) {
      const Block& block = blocks[b + c];
      if (row.line == 0) row.line = block.first_line;
      row.last_line = std::max(row.last_line, block.line_numbers.empty()
                                                  ? row.last_line
                                                  : block.line_numbers.back());
      row.cells.push_back(CellFromWrappedLines(block.lines));
      if (Fold(block.Text()) != Fold(header[c])) repeated = false;
    }
    if (row.line == 0) continue;  // a row of empty cells
    if (row.last_line < row.line) row.last_line = row.line;
    if (repeated) {
      table.repeated_headers.push_back(row.line);
      for (size_t c = 0; c < n; ++c) {
        for (int l : blocks[b + c].line_numbers) table.used_lines.push_back(l);
      }
      continue;
    }
    table.rows.push_back(std::move(row));
  }
  table.skipped_lines = pipes;
  table.end = pipes.empty() ? i : pipes.back();
  return table;
}

double Fit(Column column, CellLook look) {
  switch (column) {
    case Column::kTask:
      return look == CellLook::kText ? 2 : look == CellLook::kAgencies ? -4 : -3;
    case Column::kLead:
    case Column::kCoordinating:
      return look == CellLook::kAgencies ? 3 : look == CellLook::kText ? -3 : -4;
    case Column::kResult:
      return look == CellLook::kText ? 1 : -2;
    case Column::kDeadline:
      return look == CellLook::kDeadline ? 4 : look == CellLook::kText ? -3 : -4;
    default:
      return look == CellLook::kText ? 0.5 : -1;
  }
}

double EmptyCost(Column column) {
  switch (column) {
    case Column::kTask:
      return -8;
    case Column::kLead:
      return -3;
    case Column::kDeadline:
      return -1;
    default:
      return -0.5;
  }
}

// Lays out the lines of one row over `columns` (the header's columns after
// STT), each column taking a run of consecutive lines, by the best fit of
// what each line looks like.
std::vector<std::vector<std::string>> LayOut(const std::vector<std::string>& row_lines,
                                             const std::vector<Column>& columns,
                                             const CellClassifier& classify) {
  size_t k = row_lines.size();
  size_t c = columns.size();
  std::vector<std::vector<std::string>> cells(c);
  if (c == 0) return cells;
  if (k > kMaxLayoutLines) {
    // Too many to weigh: the first line per column, the rest to the last.
    for (size_t i = 0; i < k; ++i) cells[std::min(i, c - 1)].push_back(row_lines[i]);
    return cells;
  }
  std::vector<CellLook> looks;
  for (const std::string& l : row_lines) {
    looks.push_back(classify ? classify(l) : CellLook::kText);
  }
  const double kNone = -std::numeric_limits<double>::infinity();
  // best[j][i]: best score with the first j columns holding the first i lines.
  std::vector<std::vector<double>> best(c + 1, std::vector<double>(k + 1, kNone));
  std::vector<std::vector<size_t>> from(c + 1, std::vector<size_t>(k + 1, 0));
  best[0][0] = 0;
  for (size_t j = 1; j <= c; ++j) {
    for (size_t i = 0; i <= k; ++i) {
      for (size_t s = 0; s <= i; ++s) {
        if (best[j - 1][s] == kNone) continue;
        double score = best[j - 1][s];
        if (s == i) {
          score += EmptyCost(columns[j - 1]);
        } else {
          for (size_t l = s; l < i; ++l) score += Fit(columns[j - 1], looks[l]);
        }
        if (score > best[j][i]) {
          best[j][i] = score;
          from[j][i] = s;
        }
      }
    }
  }
  size_t i = k;
  for (size_t j = c; j > 0; --j) {
    size_t s = from[j][i];
    for (size_t l = s; l < i; ++l) cells[j - 1].push_back(row_lines[l]);
    i = s;
  }
  return cells;
}

std::optional<PastedTable> LineCellTable(const std::vector<std::string>& lines, int start,
                                         int end, const CellClassifier& classify) {
  if (ColumnOfCell(Trim(lines[static_cast<size_t>(start)])) != Column::kStt) return std::nullopt;
  std::vector<std::string> header = {Trim(lines[static_cast<size_t>(start)])};
  std::vector<int> header_lines = {start + 1};
  int i = start + 1;
  for (; i < end; ++i) {
    std::string t = Trim(lines[static_cast<size_t>(i)]);
    if (t.empty()) continue;
    Column c = ColumnOfCell(t);
    if (c == Column::kOther || c == Column::kStt) break;
    header.push_back(t);
    header_lines.push_back(i + 1);
  }
  if (header.size() < 3 || !IsHeaderRow(header)) return std::nullopt;
  PastedTable table;
  table.form = PastedForm::kLineCells;
  table.header_line = start + 1;
  table.header = header;
  table.used_lines = header_lines;
  std::vector<Column> columns = HeaderColumns(header);
  std::vector<Column> content(columns.begin() + 1, columns.end());

  struct PendingRow {
    int line = 0, last_line = 0;
    std::string code;
    std::vector<std::string> lines;
  };
  std::optional<PendingRow> pending;
  auto flush = [&]() {
    if (!pending) return;
    RawRow row;
    row.line = pending->line;
    row.last_line = std::max(pending->line, pending->last_line);
    row.cells.push_back(pending->code);
    std::vector<std::vector<std::string>> laid = LayOut(pending->lines, content, classify);
    for (size_t c = 0; c < content.size(); ++c) {
      if (content[c] == Column::kTask) {
        row.cells.push_back(Trim(absl::StrJoin(laid[c], " ")));
      } else {
        std::vector<std::string> paragraphs;
        for (const std::string& l : laid[c]) paragraphs.push_back(Trim(l));
        row.cells.push_back(Paragraphs(paragraphs));
      }
    }
    table.rows.push_back(std::move(row));
    pending.reset();
  };
  for (; i < end; ++i) {
    const std::string& line = lines[static_cast<size_t>(i)];
    if (IsBlank(line)) continue;
    if (IsRecipients(line)) break;
    std::string t = Trim(line);
    // The header repeated at a page break.
    if (Fold(t) == Fold(header.front()) && i + 1 < end) {
      size_t h = 1;
      int j = i + 1;
      std::vector<int> seen = {i + 1};
      while (h < header.size() && j < end) {
        std::string u = Trim(lines[static_cast<size_t>(j)]);
        if (u.empty()) {
          ++j;
          continue;
        }
        if (Fold(u) != Fold(header[h])) break;
        seen.push_back(j + 1);
        ++h;
        ++j;
      }
      if (h == header.size()) {
        table.repeated_headers.push_back(i + 1);
        table.used_lines.insert(table.used_lines.end(), seen.begin(), seen.end());
        i = j - 1;
        continue;
      }
    }
    if (IsCodeLine(t)) {
      flush();
      pending = PendingRow();
      pending->line = pending->last_line = i + 1;
      pending->code = t;
      continue;
    }
    if (!pending) {
      // A row without its number right after the header or a page break:
      // it continues the row before (ReadTableRows joins it).
      pending = PendingRow();
      pending->line = pending->last_line = i + 1;
    }
    pending->lines.push_back(t);
    pending->last_line = i + 1;
  }
  flush();
  table.end = i;
  return table;
}

}  // namespace

std::optional<PastedTable> FindPastedTable(const std::vector<std::string>& lines, int begin,
                                           int end, const CellClassifier& classify) {
  for (int i = begin; i < end; ++i) {
    const std::string& line = lines[static_cast<size_t>(i)];
    if (IsBlank(line)) continue;
    if (line.find('\t') != std::string::npos) {
      if (auto t = RowTable(lines, i, end, PastedForm::kTabRows)) return t;
    }
    if (line.find('|') != std::string::npos && !IsPipeLine(line)) {
      if (auto t = RowTable(lines, i, end, PastedForm::kPipeRows)) return t;
    }
    if (ColumnOfCell(Trim(line)) == Column::kStt) {
      int next = i + 1;
      while (next < end && IsBlank(lines[static_cast<size_t>(next)])) ++next;
      if (next < end && IsPipeLine(lines[static_cast<size_t>(next)])) {
        if (auto t = PipeCellTable(lines, i, end)) return t;
      } else if (auto t = LineCellTable(lines, i, end, classify)) {
        return t;
      }
    }
  }
  return std::nullopt;
}

}  // namespace tonghop::plan_import
