#include "services/server/operations_service.h"

#include <iostream>
#include <utility>

#include "services/common/grpc_util.h"
#include "services/server/instance_backup.h"

namespace tonghop {

OperationsService::OperationsService(const IdentityResolver* identity,
                                     const AccessPolicy* policy,
                                     std::function<std::vector<NamedStore>()> stores,
                                     std::string data_dir, const Clock* clock)
    : identity_(identity),
      policy_(policy),
      stores_(std::move(stores)),
      data_dir_(std::move(data_dir)),
      clock_(clock) {}

grpc::ServerUnaryReactor* OperationsService::BackupInstance(
    grpc::CallbackServerContext* context, const v1::BackupInstanceRequest* request,
    v1::BackupInstanceResponse* response) {
  absl::StatusOr<Caller> caller = identity_->Resolve(*context);
  if (!caller.ok()) return FinishUnary(context, caller.status());
  absl::Status allowed = policy_->CheckAdministerInstance(*caller, "the instance's backups");
  if (!allowed.ok()) return FinishUnary(context, allowed);
  absl::StatusOr<v1::BackupInstanceResponse> backup =
      BackUpInstance(stores_(), data_dir_, request->directory(), *clock_);
  if (backup.ok()) {
    std::cerr << "tonghopd: " << caller->Actor() << " backed up the instance into "
              << request->directory() << " (backup " << backup->backup_id() << ")" << std::endl;
  }
  return FinishUnary(context, std::move(backup), response);
}

}  // namespace tonghop
