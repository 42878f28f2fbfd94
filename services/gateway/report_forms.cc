#include "services/gateway/report_forms.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/substitute.h"
#include "clients/client/report_xlsx.h"
#include "clients/client/submissions_client.h"
#include "google/protobuf/struct.pb.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"
#include "services/gateway/transcode.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop::gateway {
namespace {

// What officials read, Vietnamese (the status message keeps the English).
constexpr char kAnotherReport[] =
    "Tệp $0 là biểu mẫu của báo cáo khác ($1), không phải của báo cáo đang mở ($2); "
    "không có gì thay đổi.";

google::protobuf::Value StringList(const std::vector<std::string>& items) {
  google::protobuf::Value list;
  list.mutable_list_value();
  for (const std::string& item : items) {
    list.mutable_list_value()->add_values()->set_string_value(item);
  }
  return list;
}

}  // namespace

absl::StatusOr<FormWorkbook> DownloadReportForm(const client::Connection& connection,
                                                absl::string_view body) {
  v1::GetOrCreateDraftRequest request;
  RETURN_IF_ERROR(ParseJsonBody(body, &request));
  client::SubmissionsClient submissions(connection);
  ASSIGN_OR_RETURN(v1::Report report,
                   submissions.GetOrCreateDraft(request.plan(), request.period(),
                                                request.request_id().empty()
                                                    ? client::NewRequestId()
                                                    : request.request_id()));
  ASSIGN_OR_RETURN(client::IndicatorCatalog catalog, submissions.FetchCatalog(report));
  FormWorkbook workbook;
  ASSIGN_OR_RETURN(workbook.bytes, client::ReportXlsxBytes(report, catalog));
  // reports/{agency}/{plan}/{period} → bieu-mau-{agency}-{plan}-{period}.xlsx
  std::string id = absl::StrReplaceAll(
      absl::string_view(report.name()).substr(std::string_view("reports/").size()),
      {{"/", "-"}});
  workbook.filename = absl::StrCat("bieu-mau-", id, ".xlsx");
  return workbook;
}

absl::StatusOr<std::string> ReadReportFormUpload(const std::string& bytes,
                                                 const std::string& filename,
                                                 absl::string_view expected_name) {
  ASSIGN_OR_RETURN(client::ReportForm form, client::ReadReportXlsxBytes(bytes, filename));
  if (!expected_name.empty() && form.report.name() != expected_name) {
    std::string found = form.report.name().empty() ? "?" : form.report.name();
    return WithVietnamese(
        WithErrorInfo(absl::InvalidArgumentError(absl::StrCat(
                          filename, " is the form of ", found, ", not of ", expected_name)),
                      "FORM_OF_ANOTHER_REPORT",
                      {{"report", found}, {"expected", std::string(expected_name)}}),
        absl::Substitute(kAnotherReport, filename, found, expected_name));
  }
  ASSIGN_OR_RETURN(std::string report, PrintJson(form.report));
  google::protobuf::Struct cells;
  (*cells.mutable_fields())["valueCells"] = StringList(form.value_cells);
  (*cells.mutable_fields())["progressCells"] = StringList(form.progress_cells);
  ASSIGN_OR_RETURN(std::string cells_json, PrintJson(cells));
  // {"valueCells": …, "progressCells": …} with the report first.
  return absl::StrCat("{\"report\":", report, ",", cells_json.substr(1));
}

}  // namespace tonghop::gateway
