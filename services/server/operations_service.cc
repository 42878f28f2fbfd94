#include "services/server/operations_service.h"

#include <iostream>
#include <utility>

#include "services/common/status_macros.h"
#include "services/server/instance_backup.h"

namespace tonghop {

OperationsService::OperationsService(CallDispatcher* dispatcher, const AccessPolicy* policy,
                                     std::function<std::vector<NamedStore>()> stores,
                                     std::string data_dir, const Clock* clock)
    : dispatcher_(dispatcher),
      policy_(policy),
      stores_(std::move(stores)),
      data_dir_(std::move(data_dir)),
      clock_(clock) {}

grpc::ServerUnaryReactor* OperationsService::BackupInstance(
    grpc::CallbackServerContext* context, const v1::BackupInstanceRequest* request,
    v1::BackupInstanceResponse* response) {
  return dispatcher_->Serve(
      context, *request, response, {"BackupInstance"},
      [=](const Caller& caller) -> absl::StatusOr<v1::BackupInstanceResponse> {
        RETURN_IF_ERROR(policy_->CheckAdministerInstance(caller, "the instance's backups"));
        ASSIGN_OR_RETURN(v1::BackupInstanceResponse backup,
                         BackUpInstance(stores_(), data_dir_, request->directory(), *clock_));
        std::cerr << "tonghopd: " << caller.Actor() << " backed up the instance into "
                  << request->directory() << " (backup " << backup.backup_id() << ")"
                  << std::endl;
        return backup;
      });
}

}  // namespace tonghop
