#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_TABLE_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_TABLE_H_

// Reading a plan's appendix table (STT, task, lead, coordinating, expected
// result, deadline) from CSV/TSV or from tab-separated lines pasted into the
// document's text.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/registry/plan_import/report_builder.h"

namespace tonghop::plan_import {

// The columns of the appendix table.
enum class Column { kOther, kStt, kTask, kLead, kCoordinating, kResult, kDeadline };

// The column each header cell names, matched loosely ("STT", "Nhiệm vụ …",
// "Cơ quan chủ trì …", "Cơ quan phối hợp …", "Kết quả …", "Thời hạn …" /
// "Thời gian …"; case- and diacritic-insensitive). A column named twice
// counts once, at its first cell.
std::vector<Column> HeaderColumns(const std::vector<std::string>& cells);

// Whether `cells` is a header row: STT, task and at least one more column.
bool IsHeaderRow(const std::vector<std::string>& cells);

// Vietnamese column name, for messages and the CSV export.
absl::string_view ColumnName(Column column);

// One row of a table as read, cells raw (possibly HTML).
struct RawRow {
  int line = 0;       // first line of the row in the input, 1-based
  int last_line = 0;  // last line (a quoted CSV cell may span lines)
  std::vector<std::string> cells;
  // An appendix heading between tables ("PHỤ LỤC II" and its title), in
  // cells[1]; the rows after it are its tasks.
  bool heading = false;
};

// Splits CSV/TSV text into rows. A cell is quoted when it starts with '"'
// ("" is a quote inside); quoted cells may hold delimiters and line breaks.
// INVALID_ARGUMENT on "content" for a quote that is never closed.
absl::StatusOr<std::vector<RawRow>> ParseDelimited(absl::string_view text,
                                                   char delimiter);

// The delimiter (tab, ';' or ',') under which `line` is a header row, or 0.
char HeaderDelimiter(absl::string_view line);

// A task as read from a table row or a narrative item, before its outline,
// agencies and deadline are interpreted. Cells are raw (may hold HTML).
struct RawTask {
  int line = 0;
  std::string code;  // outline code as read
  std::string printed;  // the code as printed when the reading differs
  std::string title;
  std::string lead;
  std::string coordinating;
  std::string results;
  std::string deadline;
};

// Reads the data rows of a table (the rows after its first header row,
// `header` being that row's cells) into raw tasks, repairing what page
// breaks do to a table pasted from a published document: header rows
// repeated at page breaks are dropped; a row without STT continues the
// previous row cell by cell; a row right after a page break that carries the
// end of the previous row's cells in front of its own (its first paragraph
// starts in lowercase, or the previous cell stops at "và", "của", ",") gives
// that text back. A row without STT that holds only a task and is followed
// by numbering that starts again at 1 is the heading of the rows after it
// (numbered I, II … here); numbering that starts again without such a
// heading goes on from where it was. Every repair is noted with its line.
// With `cells_are_markup` the cells' <p> blocks are their own paragraphs (a
// Word table), not pasted markup to report.
std::vector<RawTask> ReadTableRows(const std::vector<std::string>& header,
                                   const std::vector<RawRow>& rows,
                                   ReportBuilder* report, bool cells_are_markup = false);

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_TABLE_H_
