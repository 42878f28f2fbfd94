#ifndef TONGHOP_CLIENTS_CLIENT_REPORT_FILE_H_
#define TONGHOP_CLIENTS_CLIENT_REPORT_FILE_H_

// The files an agency fills in offline: the report as protobuf JSON
// (progress, values, and the name and etag it came with), and its values
// also as a spreadsheet-friendly CSV beside it.
//
// The CSV (UTF-8 with a byte-order mark so that spreadsheet programs show
// Vietnamese correctly; RFC 4180 quoting; CRLF line ends) has a header row
// and the columns
//
//   indicator  the indicator id ("complaints-received"; "indicators/…" is
//              accepted too)
//   cells      empty for the total, else "dimension=option"
//              ("sex=female"); several are joined with ";"
//   value      the number, written the Vietnamese way: "1.200" (dots group
//              thousands), "90,38" (a comma before the fraction); empty means
//              not reported. Read back leniently: "1200" and "90.38" (a
//              single dot not followed by exactly three digits) are taken
//              too; "1.250" is one thousand two hundred and fifty
//   type       "count" or "decimal", written by `template` so that the file
//              can be read without asking the server
//   label      what the row is, in Vietnamese; ignored when reading
//
// Columns are found by their header, so they may be reordered; only
// indicator, cells and value are required. Cells are separated by commas,
// or by semicolons when the header is (what spreadsheet programs write under
// Vietnamese regional settings). When the CSV exists it replaces the JSON's
// values entirely.
//
// In the JSON, a task's status may be given by its full name
// (PROGRESS_STATUS_COMPLETED), its short name (COMPLETED) or its Vietnamese
// label ("Hoàn thành"), see services/common/vocabulary.h; the template
// writes every task's "status" and "summary" for filling in, and keys
// starting with "_" (the instructions it writes) are ignored.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/client/submissions_client.h"
#include "tonghop/v1/report.pb.h"

namespace tonghop::client {

// FILE.csv for FILE.json (and FILE.csv beside any other FILE).
std::string CsvPathFor(const std::string& json_path);

// The values of `report` as the CSV described above, labelled from
// `catalog` (indicators or options missing from it are labelled by code).
std::string ValuesToCsv(const v1::Report& report, const IndicatorCatalog& catalog);

// A value's cell as the CSV writes it ("sex=female", "" for the total), and
// what the row is for people ("Số vụ việc (vụ) — Giới tính: Nữ"), labelled
// from `catalog`.
std::string ValueCellsText(const v1::Value& value);
std::string ValueLabel(const v1::Value& value, const IndicatorCatalog& catalog);

// Parses such a CSV into values; INVALID_ARGUMENT naming `path` and the line
// for a malformed file.
absl::StatusOr<google::protobuf::RepeatedPtrField<v1::Value>> ValuesFromCsv(
    const std::string& csv, const std::string& path);

// A number as an official types it ("1.200", "90,38", "-1.234,5", "1200",
// "2.5") as the API's decimal text ("1200", "90.38", "-1234.5", "2.5");
// nullopt when it is not a number. (Numbers are written for officials by
// FormatNumber in services/common/display_format.h; this reads them back.)
std::optional<std::string> ParseVietnameseNumber(absl::string_view text);

// A report read from its files, remembering where each part came from so
// that the server's field violations can be shown at the line to fix.
struct ReportForm {
  v1::Report report;
  std::string json_path;
  // Empty when the values came from the JSON.
  std::string csv_path;
  // The CSV line of each value, by index in report.values.
  std::vector<int> value_lines;
  // For a workbook (report_xlsx.h): the sheet and cell of each value's
  // figure and of each task's status ("Số liệu!E12"), by index.
  std::vector<std::string> value_cells;
  std::vector<std::string> progress_cells;

  // Where the field `field` of a request ("report.values[165].value",
  // "report.progress[0].status") is in the files, for people:
  // "form.csv, dòng 167" / "form.json, progress[0]"; empty when unknown.
  std::string Where(absl::string_view field) const;
};

// Reads the report from `json_path` as ReadReportFiles does, with where
// each value came from.
absl::StatusOr<ReportForm> ReadReportForm(const std::string& json_path);

// Writes `report` as JSON to `json_path` and its values as CSV beside it,
// each durably. Returns the CSV's path.
absl::StatusOr<std::string> WriteReportFiles(const std::string& json_path,
                                             const v1::Report& report,
                                             const IndicatorCatalog& catalog);

// Sets the etag in the JSON at `json_path` (durably, the rest unchanged),
// so that the form submitted again is recognised as the same agency's
// correction of what it last submitted.
absl::Status UpdateFormEtag(const std::string& json_path, const std::string& etag);

// Reads the report from `json_path`, with its values replaced by those of
// the CSV beside it when that exists.
absl::StatusOr<v1::Report> ReadReportFiles(const std::string& json_path);

// The report in protobuf's JSON mapping, indented.
std::string ReportToJson(const v1::Report& report);

}  // namespace tonghop::client

#endif  // TONGHOP_CLIENTS_CLIENT_REPORT_FILE_H_
