#ifndef TONGHOP_SERVICES_COMMON_DISPLAY_FORMAT_H_
#define TONGHOP_SERVICES_COMMON_DISPLAY_FORMAT_H_

// Numbers, percentages, dates and times as officials read them: the one
// place the CLI, the compiled reports (Markdown, HTML, DOCX, PDF) and the
// workbook's text take them from. Vietnamese ("vi", the default) writes a
// comma before the decimals and dots between thousands ("1.234.567,5"),
// dates as dd/mm/yyyy and times in Vietnam time; English ("en") writes
// "1,234,567.5" and the same dates (British order, as the dashboard's
// en-GB). The dashboard applies the same rules in
// clients/dashboard/src/display_format.ts; both are tested against
// services/common/testdata/display_format_cases.tsv.
//
// Figures arrive as exact decimal text ("1250.5", "-3.50", "+12"): they
// are regrouped character by character, never through floating point, so
// what is shown is exactly what was computed. Pure functions; thread-safe.

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/type/date.pb.h"

namespace tonghop {

// An exact decimal ("1234567.5", "-3.50", "+12") with the language's
// grouping and decimal mark ("1.234.567,5", "-3,50", "+12"). Text that is
// not such a decimal (an empty string, "—") is returned unchanged.
std::string FormatNumber(absl::string_view exact, absl::string_view language);

// A count: 1234 → "1.234".
std::string FormatCount(int64_t count, absl::string_view language);

// An exact percentage as written in running text: "90.38" → "90,38%".
std::string FormatPercent(absl::string_view exact, absl::string_view language);

// A day: "07/11/2026". An unset google.type.Date (year 0) gives "".
std::string FormatDate(absl::CivilDay day);
std::string FormatDate(const google::type::Date& date);

// The day of a moment in Vietnam time (services/common/period.h):
// "07/11/2026".
std::string FormatDate(absl::Time time);

// A moment in Vietnam time: "14:05, 07/11/2026"; with `seconds`
// "14:05:09, 07/11/2026" (an audit record's time).
std::string FormatDateTime(absl::Time time, bool seconds = false);

// The date line of an administrative document (Decree 30/2020/NĐ-CP,
// Appendix I): "ngày 07 tháng 11 năm 2026", a day below 10 and a month
// below 3 written with a leading zero ("ngày 05 tháng 02 năm 2026",
// "ngày 15 tháng 3 năm 2026"); in English "7 November 2026".
std::string FormatDocumentDate(absl::CivilDay day, absl::string_view language);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_DISPLAY_FORMAT_H_
