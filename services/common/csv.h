#ifndef TONGHOP_SERVICES_COMMON_CSV_H_
#define TONGHOP_SERVICES_COMMON_CSV_H_

// Writing CSV, the one way every export does (the CLI's tables, the plan's
// task table, SDMX-CSV): RFC 4180 fields, and text people typed kept from
// being run as a spreadsheet formula.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace tonghop {

// `field` as a CSV field: in double quotes (inner quotes doubled) when it
// holds a comma, semicolon, quote, tab or line break, or starts or ends with
// a space (Excel under Vietnamese regional settings splits on semicolons and
// trims spaces); as it is otherwise.
std::string CsvField(absl::string_view field);

// `fields` as CSV fields joined by commas, ended by CRLF.
std::string CsvRow(const std::vector<std::string>& fields);

// Text a person typed, for a file meant for a spreadsheet: a cell that starts
// with =, +, -, @, a tab or a carriage return is run by Excel and LibreOffice
// as a formula (=HYPERLINK("http://…?"&B2) leaks the sheet), so such text
// gets a leading apostrophe, which spreadsheets show as text. A number
// ("-5", "-1.200,5") is left as it is.
std::string SpreadsheetText(absl::string_view text);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_CSV_H_
