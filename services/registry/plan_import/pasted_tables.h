#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_PASTED_TABLES_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_PASTED_TABLES_H_

// Finding an appendix table in a document's text, in the ways a table
// survives being copied out of Word, a PDF or a web page:
//
//   - one row per line, cells separated by tabs (Word, spreadsheets) or by
//     "|" (web pages, Markdown: "| 1 | Nhiệm vụ | Sở Tư pháp |");
//   - one cell per block of lines, each block ended by a line holding only
//     "|" (the legal-document sites' text view); a cell's lines are wrapped
//     text, the cells of a row follow each other and the header tells how
//     many make a row;
//   - one cell per line, with nothing between cells (a table copied out of a
//     PDF): a row starts at a line holding only its number (STT), and the
//     lines up to the next number are laid out over the columns by what they
//     look like (agency names, a deadline, free text).
//
// Each form's rows come out as RawRows for ReadTableRows, which repairs what
// page breaks did to them.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/registry/plan_import/table.h"

namespace tonghop::plan_import {

// What a line of text looks like, for laying out one-cell-per-line rows.
enum class CellLook { kText, kAgencies, kDeadline };
using CellClassifier = std::function<CellLook(absl::string_view)>;

// How the table was laid out in the text.
enum class PastedForm { kTabRows, kPipeRows, kPipeCells, kLineCells };

// An appendix table found in the text.
struct PastedTable {
  PastedForm form = PastedForm::kTabRows;
  int header_line = 0;                // 1-based line of the header's first cell
  std::vector<std::string> header;    // the header's cells
  std::vector<RawRow> rows;           // data rows in order, cells raw
  std::vector<int> used_lines;        // lines that went into the header or rows
  std::vector<int> skipped_lines;     // separator lines ("|---|", "|")
  std::vector<int> repeated_headers;  // lines where the header was repeated
  int end = 0;                        // 0-based index of the line after the table
};

// The first appendix table among lines [begin, end) (0-based indexes),
// trying the forms above in turn at each line. `classify` lays out
// one-cell-per-line rows; it may be empty (every line is then text).
std::optional<PastedTable> FindPastedTable(const std::vector<std::string>& lines, int begin,
                                           int end, const CellClassifier& classify);

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_PASTED_TABLES_H_
