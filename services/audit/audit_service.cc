#include "services/audit/audit_service.h"

#include "services/common/status_macros.h"

namespace tonghop::audit {

grpc::ServerUnaryReactor* AuditService::ListAuditRecords(
    grpc::CallbackServerContext* context, const v1::ListAuditRecordsRequest* request,
    v1::ListAuditRecordsResponse* response) {
  return dispatcher_->Serve(
      context, *request, response, {"ListAuditRecords"},
      [=](const Caller& caller) -> absl::StatusOr<v1::ListAuditRecordsResponse> {
        RETURN_IF_ERROR(policy_->CheckAdministerInstance(caller, "the audit trail"));
        return trail_->List(*request);
      });
}

grpc::ServerUnaryReactor* AuditService::VerifyAuditLog(grpc::CallbackServerContext* context,
                                                       const v1::VerifyAuditLogRequest* request,
                                                       v1::VerifyAuditLogResponse* response) {
  return dispatcher_->Serve(
      context, *request, response, {"VerifyAuditLog"},
      [=](const Caller& caller) -> absl::StatusOr<v1::VerifyAuditLogResponse> {
        RETURN_IF_ERROR(policy_->CheckAdministerInstance(caller, "the audit trail"));
        return trail_->Verify(*request);
      });
}

}  // namespace tonghop::audit
