#ifndef TONGHOP_SERVICES_GATEWAY_REPORT_FORMS_H_
#define TONGHOP_SERVICES_GATEWAY_REPORT_FORMS_H_

// The report form as an Excel workbook over HTTP, for the dashboard's report
// page: the workbook `tonghop report template --out=FILE.xlsx` writes, and
// the reading `tonghop report submit FILE.xlsx` does (one implementation:
// clients/client/report_xlsx.h).
//
//   POST /v1/forms/xlsx        {"plan": "plans/…", "period": "2026"}
//        the caller's report of the round (Submissions.GetOrCreateDraft, as
//        the CLI's template command) as the workbook's bytes, with its file
//        name in Content-Disposition.
//   POST /v1/forms/xlsx:read?name=reports/…&filename=bao-cao.xlsx
//        body: the bytes of a filled workbook. Answers what it holds, as
//        {"report": Report, "valueCells": ["Số liệu!E2", …],
//         "progressCells": ["Nhiệm vụ!D2", …]} (the cell of each value and
//        each task's progress, by index), so that the page can fill its form
//        and name the cell of each field violation the server finds. Stores
//        nothing: the page submits what it read like anything typed. A
//        workbook that is not the form of report `name` (when given) is
//        refused (FORM_OF_ANOTHER_REPORT), as is one that cannot be read
//        (report_xlsx.h's reasons, with the sheet and cell).
//
// Both need an identity (UNAUTHENTICATED without); the services decide
// what the caller may read. Thread-safe: stateless functions.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/client/connection.h"

namespace tonghop::gateway {

inline constexpr absl::string_view kFormDownloadPath = "/v1/forms/xlsx";
inline constexpr absl::string_view kFormReadPath = "/v1/forms/xlsx:read";
inline constexpr absl::string_view kXlsxContentType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

struct FormWorkbook {
  std::string bytes;
  // "bieu-mau-dong-nai-so-y-te-dong-nai-74-2026-2026.xlsx".
  std::string filename;
};

// The workbook of the report that the JSON `body` (a GetOrCreateDraftRequest)
// names, read through `connection` as its caller.
absl::StatusOr<FormWorkbook> DownloadReportForm(const client::Connection& connection,
                                                absl::string_view body);

// What the uploaded workbook `bytes` holds, as the JSON described above.
// `expected_name`, when not empty, is the report the page shows.
absl::StatusOr<std::string> ReadReportFormUpload(const std::string& bytes,
                                                 const std::string& filename,
                                                 absl::string_view expected_name);

}  // namespace tonghop::gateway

#endif  // TONGHOP_SERVICES_GATEWAY_REPORT_FORMS_H_
