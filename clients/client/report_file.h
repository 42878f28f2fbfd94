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
//   value      the number: a whole number for counts, a decimal with "."
//              for decimals; empty means not reported
//   type       "count" or "decimal", written by `template` so that the file
//              can be read without asking the server
//   label      what the row is, in Vietnamese; ignored when reading
//
// Columns are found by their header, so they may be reordered; only
// indicator, cells and value are required. When the CSV exists it replaces
// the JSON's values entirely.

#include <string>

#include "absl/status/statusor.h"
#include "clients/client/submissions_client.h"
#include "tonghop/v1/report.pb.h"

namespace tonghop::client {

// FILE.csv for FILE.json (and FILE.csv beside any other FILE).
std::string CsvPathFor(const std::string& json_path);

// The values of `report` as the CSV described above, labelled from
// `catalog` (indicators or options missing from it are labelled by code).
std::string ValuesToCsv(const v1::Report& report, const IndicatorCatalog& catalog);

// Parses such a CSV into values; INVALID_ARGUMENT naming `path` and the line
// for a malformed file.
absl::StatusOr<google::protobuf::RepeatedPtrField<v1::Value>> ValuesFromCsv(
    const std::string& csv, const std::string& path);

// Writes `report` as JSON to `json_path` and its values as CSV beside it,
// each durably. Returns the CSV's path.
absl::StatusOr<std::string> WriteReportFiles(const std::string& json_path,
                                             const v1::Report& report,
                                             const IndicatorCatalog& catalog);

// Reads the report from `json_path`, with its values replaced by those of
// the CSV beside it when that exists.
absl::StatusOr<v1::Report> ReadReportFiles(const std::string& json_path);

// The report in protobuf's JSON mapping, indented.
std::string ReportToJson(const v1::Report& report);

}  // namespace tonghop::client

#endif  // TONGHOP_CLIENTS_CLIENT_REPORT_FILE_H_
