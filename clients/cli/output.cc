#include "clients/cli/output.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/csv.h"
#include "services/common/display_format.h"
#include "services/common/errors.h"
#include "services/common/text.h"

namespace tonghop::cli {

std::string ToJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.preserve_proto_field_names = false;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return "{}";
  return json;
}

std::string VietnamDate(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0) return "";
  return FormatDate(absl::FromUnixSeconds(ts.seconds()));
}

void PrintJson(std::ostream& out, const google::protobuf::Message& message) {
  std::string json = ToJson(message, true);
  out << json;
  if (json.empty() || json.back() != '\n') out << "\n";
}

void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < widths.size(); ++i) {
      std::string cell = i < row.size() ? row[i] : "";
      line += cell;
      if (i + 1 < widths.size()) line += std::string(widths[i] - DisplayWidth(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  };
  print_row(header);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  print_row(rule);
  for (const auto& row : rows) print_row(row);
}

void PrintCsv(std::ostream& out, const std::vector<std::string>& header,
              const std::vector<std::vector<std::string>>& rows) {
  // What clerks typed (a summary, a task's progress) is opened in Excel.
  auto print_row = [&](const std::vector<std::string>& row) {
    std::vector<std::string> cells;
    for (const std::string& cell : row) cells.push_back(SpreadsheetText(cell));
    out << CsvRow(cells);
  };
  print_row(header);
  for (const auto& row : rows) print_row(row);
}

std::string VietnamDateTime(const google::protobuf::Timestamp& ts, bool seconds) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return FormatDateTime(absl::FromUnixSeconds(ts.seconds()), seconds);
}

int PrintError(std::ostream& err, const absl::Status& status) {
  return PrintError(err, status, [](const std::string&) { return std::string(); });
}

int PrintError(std::ostream& err, const absl::Status& status,
               const std::function<std::string(const std::string& field)>& where) {
  std::string vietnamese = GetVietnameseMessage(status);
  if (!vietnamese.empty()) err << "lỗi: " << vietnamese << "\n";
  err << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
      << "\n";
  google::rpc::BadRequest bad_request = GetBadRequest(status);
  for (const auto& v : bad_request.field_violations()) {
    std::string place = where(v.field());
    if (place.empty()) {
      err << "  - " << v.field() << ": " << v.description() << "\n";
    } else {
      err << "  - " << place << " (" << v.field() << "): " << v.description() << "\n";
    }
  }
  if (size_t omitted = GetOmittedViolations(status); omitted > 0) {
    // "… and N more errors not listed: fix these and try again to see them."
    err << "  … và " << GroupThousands(omitted)
        << " lỗi khác chưa liệt kê: hãy sửa các lỗi trên rồi thử lại để xem tiếp ("
        << omitted << " more not listed)\n";
  }
  google::rpc::ErrorInfo info = GetErrorInfo(status);
  if (!info.reason().empty()) err << "  (reason: " << info.reason() << ")\n";
  return 1;
}

int PrintError(std::ostream& err, const grpc::Status& status) {
  return PrintError(err, FromGrpcStatus(status));
}

}  // namespace tonghop::cli
