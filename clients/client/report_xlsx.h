#ifndef TONGHOP_CLIENTS_CLIENT_REPORT_XLSX_H_
#define TONGHOP_CLIENTS_CLIENT_REPORT_XLSX_H_

// The report form as an Excel workbook, for agencies that fill it in with
// Excel or LibreOffice offline, and its reading back.
//
// The workbook has three sheets:
//   "Nhiệm vụ"   one row per task: its id and title (locked), the agency's
//                role, the progress (a drop-down list of the Vietnamese
//                labels) and what was done;
//   "Số liệu"    one row per figure, as the CSV (report_file.h): indicator,
//                cells, label (locked) and the figure (a number cell);
//   "Bảng chéo"  only when an indicator asks for a crossing (sex × age
//                group): one two-way grid per crossing, rows the first
//                dimension's options, columns the second's, the sums of
//                each row and column as formulas; its cells are the
//                crossed figures (not repeated on "Số liệu");
//   "_bieu_mau"  hidden: the report's name and etag.
// The sheets are protected without a password, so that only the cells to
// fill in can be typed into. Reading accepts what Excel, LibreOffice and
// openpyxl write: shared, inline and formula strings and numbers; a figure
// typed as text is read as a Vietnamese number ("1.200", "90,38"). A task's
// progress is read like the JSON's status (vocabulary.h). Errors, and the
// server's field violations through ReportForm::Where, name the sheet and
// the cell ("Số liệu!E12").

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/client/report_file.h"
#include "clients/client/submissions_client.h"
#include "tonghop/v1/report.pb.h"

namespace tonghop::client {

// True for a path ending in .xlsx (any letter case).
bool IsXlsxPath(const std::string& path);

// Writes `report` as the form workbook at `path`.
absl::Status WriteReportXlsx(const std::string& path, const v1::Report& report,
                             const IndicatorCatalog& catalog);

// The form workbook of `report` as bytes (what WriteReportXlsx writes), for
// sending over HTTP.
absl::StatusOr<std::string> ReportXlsxBytes(const v1::Report& report,
                                            const IndicatorCatalog& catalog);

// Reads a filled form workbook. INVALID_ARGUMENT naming the sheet and cell
// for a value that cannot be read. Every error carries the message for
// officials in Vietnamese and an ErrorInfo reason: XLSX_NOT_A_WORKBOOK (not
// a zip of a workbook's parts), XLSX_SHEET_MISSING (metadata "sheet": a
// workbook, but not this form), XLSX_INVALID_CELL (metadata "cell":
// "Số liệu!E12").
absl::StatusOr<ReportForm> ReadReportXlsx(const std::string& path);

// Same, from the workbook's bytes (an upload); `filename` names it in
// messages and in ReportForm::Where.
absl::StatusOr<ReportForm> ReadReportXlsxBytes(const std::string& bytes,
                                               const std::string& filename);

// Replaces the etag `old_etag` of a form workbook by `new_etag` (in place,
// the rest untouched), so that the corrected workbook is submitted again as
// the agency's correction of what it last submitted.
absl::Status UpdateXlsxEtag(const std::string& path, const std::string& old_etag,
                            const std::string& new_etag);

}  // namespace tonghop::client

#endif  // TONGHOP_CLIENTS_CLIENT_REPORT_XLSX_H_
