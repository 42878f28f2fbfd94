#ifndef TONGHOP_SERVICES_AUDIT_AUDIT_SERVICE_H_
#define TONGHOP_SERVICES_AUDIT_AUDIT_SERVICE_H_

// The gRPC adapter of the Audit service, hosted once per process by
// ServerHost over the audit trails of the services it hosts: resolves the
// caller, asks the access policy, and hands the call to AuditTrail, through
// the instance's CallDispatcher (services/common/call_dispatcher.h).

#include "services/audit/audit_trail.h"
#include "services/common/access_policy.h"
#include "services/common/call_dispatcher.h"
#include "tonghop/v1/audit_service.grpc.pb.h"

namespace tonghop::audit {

// Only the instance's authority reads the trail
// (AccessPolicy::CheckAdministerInstance). Listing reads at most a few pages
// of each store; verifying reads every record once.
//
// Thread-safe. Does not own its collaborators, which must outlive it.
class AuditService final : public v1::Audit::CallbackService {
 public:
  AuditService(const AuditTrail* trail, CallDispatcher* dispatcher, const AccessPolicy* policy)
      : trail_(trail), dispatcher_(dispatcher), policy_(policy) {}

  grpc::ServerUnaryReactor* ListAuditRecords(grpc::CallbackServerContext* context,
                                             const v1::ListAuditRecordsRequest* request,
                                             v1::ListAuditRecordsResponse* response) override;
  grpc::ServerUnaryReactor* VerifyAuditLog(grpc::CallbackServerContext* context,
                                           const v1::VerifyAuditLogRequest* request,
                                           v1::VerifyAuditLogResponse* response) override;

 private:

  const AuditTrail* trail_;
  CallDispatcher* dispatcher_;
  const AccessPolicy* policy_;
};

}  // namespace tonghop::audit

#endif  // TONGHOP_SERVICES_AUDIT_AUDIT_SERVICE_H_
