#ifndef TONGHOP_SERVICES_AGGREGATION_REPORT_RENDER_H_
#define TONGHOP_SERVICES_AGGREGATION_REPORT_RENDER_H_

// Renders a compiled report: as an administrative document (Markdown,
// HTML, DOCX, PDF; laid out by report_document.h), a workbook (XLSX) or
// JSON. Pure functions of the report; the phrases come from report_text.h.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tonghop/v1/aggregation_service.pb.h"

namespace tonghop::aggregation {

struct RenderedReport {
  std::string content;
  std::string content_type;
  std::string filename;
};

std::string RenderMarkdown(const v1::CompiledReport& report);
std::string RenderHtml(const v1::CompiledReport& report);
std::string RenderJson(const v1::CompiledReport& report);

// The document as Office Open XML (.docx) and as PDF.
absl::StatusOr<std::string> RenderDocx(const v1::CompiledReport& report);
absl::StatusOr<std::string> RenderPdf(const v1::CompiledReport& report);

// The workbook's bytes. libxlsxwriter writes files, so the workbook is
// written to a fresh file under `temp_dir`, read back and removed.
absl::StatusOr<std::string> RenderXlsx(const v1::CompiledReport& report,
                                       const std::string& temp_dir);

// One cell of a table: text, or an exact number written as a numeric cell
// (exact for every count below 2^53; `text` stays the exact figure).
struct TableCell {
  std::string text;
  bool number = false;
};

// A table for a one-sheet workbook: an optional title line, a header row,
// then the rows.
struct Table {
  std::string sheet_name;
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<TableCell>> rows;
};

// The table as a workbook's bytes (written under `temp_dir` as RenderXlsx).
absl::StatusOr<std::string> RenderTableXlsx(const Table& table, const std::string& temp_dir);

// Dispatches on `format` (UNSPECIFIED means JSON).
absl::StatusOr<RenderedReport> RenderReport(const v1::CompiledReport& report,
                                            v1::ReportFormat format,
                                            const std::string& temp_dir);

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_REPORT_RENDER_H_
