#include "services/audit/audit_service.h"

#include "services/common/grpc_util.h"

namespace tonghop::audit {

absl::Status AuditService::Authorize(grpc::CallbackServerContext* context) const {
  absl::StatusOr<Caller> caller = identity_->Resolve(*context);
  if (!caller.ok()) return caller.status();
  return policy_->CheckAdministerInstance(*caller, "the audit trail");
}

grpc::ServerUnaryReactor* AuditService::ListAuditRecords(
    grpc::CallbackServerContext* context, const v1::ListAuditRecordsRequest* request,
    v1::ListAuditRecordsResponse* response) {
  absl::Status allowed = Authorize(context);
  if (!allowed.ok()) return FinishUnary(context, allowed);
  return FinishUnary(context, trail_->List(*request), response);
}

grpc::ServerUnaryReactor* AuditService::VerifyAuditLog(grpc::CallbackServerContext* context,
                                                       const v1::VerifyAuditLogRequest* request,
                                                       v1::VerifyAuditLogResponse* response) {
  absl::Status allowed = Authorize(context);
  if (!allowed.ok()) return FinishUnary(context, allowed);
  return FinishUnary(context, trail_->Verify(*request), response);
}

}  // namespace tonghop::audit
