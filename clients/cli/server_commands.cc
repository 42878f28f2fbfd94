#include "clients/cli/server_commands.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/output.h"
#include "google/protobuf/struct.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace tonghop::cli {
namespace {

// What officials and operators read, in Vietnamese, with the English beside.
struct Labels {
  const char* store = "Kho dữ liệu";            // Store
  const char* writes = "Ghi dữ liệu";           // Writes
  const char* space = "Dung lượng đĩa";         // Disk space
  const char* writable = "ghi được";            // accepted
  const char* refused =                          // refused: the disk is full or failing
      "đang từ chối ghi (đĩa đầy hoặc lỗi đĩa); vẫn đọc được";
  const char* room = "đủ";                      // above the warning threshold
  const char* low = "sắp đầy (dưới ngưỡng cảnh báo)";  // below the warning threshold
  const char* unknown = "không rõ";             // unknown
  // "The server hosts none of the stores (or cannot be reached)."
  const char* none = "Máy chủ không có kho dữ liệu nào để kiểm tra (hoặc không kết nối được).";
};
const Labels kLabels;

constexpr const char* kStores[] = {"registry", "submissions", "aggregation"};

// SERVING, NOT_SERVING, or nullopt when the server does not know the name.
absl::StatusOr<std::optional<bool>> Serving(grpc::health::v1::Health::Stub& health,
                                            CliContext& context, const std::string& name) {
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(name);
  grpc::health::v1::HealthCheckResponse response;
  auto call = context.connection().NewContext();
  grpc::Status status = health.Check(call.get(), request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return std::optional<bool>();
  if (!status.ok()) return absl::UnavailableError(status.error_message());
  return std::optional<bool>(response.status() ==
                             grpc::health::v1::HealthCheckResponse::SERVING);
}

int Storage(CliContext& context, const ParsedArgs& args) {
  auto health = grpc::health::v1::Health::NewStub(context.connection().channel());
  google::protobuf::Struct all;
  std::vector<std::vector<std::string>> rows;
  bool all_writable = true;
  for (const char* store : kStores) {
    std::string name = absl::StrCat("tonghop.storage.", store);
    absl::StatusOr<std::optional<bool>> writable = Serving(*health, context, name);
    if (!writable.ok()) return PrintError(*context.err, writable.status());
    if (!writable->has_value()) continue;
    absl::StatusOr<std::optional<bool>> room = Serving(*health, context, name + ".space");
    if (!room.ok()) return PrintError(*context.err, room.status());
    all_writable = all_writable && **writable;
    google::protobuf::Struct entry;
    (*entry.mutable_fields())["writable"].set_bool_value(**writable);
    if (room->has_value()) (*entry.mutable_fields())["lowSpace"].set_bool_value(!**room);
    *(*all.mutable_fields())[store].mutable_struct_value() = entry;
    rows.push_back({store, **writable ? kLabels.writable : kLabels.refused,
                    !room->has_value() ? kLabels.unknown
                                       : (**room ? kLabels.room : kLabels.low)});
  }
  if (rows.empty() && context.output == OutputFormat::kTable) {
    *context.out << kLabels.none << "\n";
    return 1;
  }
  PrintResult(context, all, {kLabels.store, kLabels.writes, kLabels.space}, rows);
  return all_writable ? 0 : 1;
}

}  // namespace

void RegisterServerCommands(CommandTable& table) {
  table.Add({"admin storage", "",
             "whether each store of the server takes writes and has disk space left (exit 1 "
             "while one refuses writes)",
             Storage});
}

}  // namespace tonghop::cli
