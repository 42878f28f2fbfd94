#include "clients/cli/operations_commands.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/substitute.h"
#include "absl/time/time.h"
#include "clients/cli/output.h"
#include "tonghop/v1/operations_service.grpc.pb.h"

namespace tonghop::cli {
namespace {

// What operators read, in Vietnamese, with the English beside.
struct Labels {
  // "Backup $0 written to $1 on the server's machine ($2 stores)."
  const char* written = "Đã sao lưu (bản số $0) vào $1 trên máy chủ ($2 kho dữ liệu).";
  // "Not in this backup, hosted by another process: $0."
  const char* not_hosted = "Không có trong bản sao lưu này (do tiến trình khác quản lý): $0.";
  // "Restore it with: tonghopd --restore-from=$0 --data-dir=NEW_DIR"
  const char* restore = "Khôi phục bằng lệnh: tonghopd --restore-from=$0 --data-dir=THU_MUC_MOI";
  const char* store = "Kho dữ liệu";   // Store
  const char* sequence = "Vị trí";      // Sequence
  const char* size = "Dung lượng (byte)";  // Size (bytes)
  const char* files = "Số tệp";         // Files
};
const Labels kLabels;

int Backup(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    *context.err << "usage: tonghop admin backup DIR  (DIR: an absolute path on the server's "
                    "machine)\n";
    return 2;
  }
  v1::BackupInstanceRequest request;
  request.set_directory(args.positional[0]);
  v1::BackupInstanceResponse response;
  // A backup of large stores takes as long as copying them.
  auto call = context.connection().NewStreamContext();
  grpc::Status status =
      v1::Operations::NewStub(context.connection().channel())
          ->BackupInstance(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  if (context.output == OutputFormat::kJson) {
    PrintJson(*context.out, response);
    return 0;
  }
  *context.out << absl::Substitute(kLabels.written, response.backup_id(), response.directory(),
                                   response.stores_size())
               << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& store : response.stores()) {
    rows.push_back({store.store(), absl::StrCat(store.sequence()),
                    absl::StrCat(store.size_bytes()), absl::StrCat(store.files())});
  }
  std::vector<std::string> header = {kLabels.store, kLabels.sequence, kLabels.size,
                                     kLabels.files};
  if (context.output == OutputFormat::kCsv) {
    PrintCsv(*context.out, header, rows);
    return 0;
  }
  PrintTable(*context.out, header, rows);
  if (!response.stores_not_hosted().empty()) {
    *context.out << absl::Substitute(kLabels.not_hosted,
                                     absl::StrJoin(response.stores_not_hosted(), ", "))
                 << "\n";
  }
  *context.out << absl::Substitute(kLabels.restore, response.directory()) << "\n";
  return 0;
}

}  // namespace

void RegisterOperationsCommands(CommandTable& table) {
  table.Add({"admin backup", "DIR",
             "back up every store of the server, online, into DIR on the server's machine "
             "(the instance's authority only)",
             Backup});
}

}  // namespace tonghop::cli
