#ifndef TONGHOP_SERVICES_AUDIT_AUDIT_SERVICE_H_
#define TONGHOP_SERVICES_AUDIT_AUDIT_SERVICE_H_

// The gRPC adapter of the Audit service, hosted once per process by
// ServerHost over the audit trails of the services it hosts: resolves the
// caller, asks the access policy, and hands the call to AuditTrail.

#include "services/audit/audit_trail.h"
#include "services/common/access_policy.h"
#include "services/common/identity.h"
#include "tonghop/v1/audit_service.grpc.pb.h"

namespace tonghop::audit {

// Only the instance's authority reads the trail
// (AccessPolicy::CheckAdministerInstance). Calls run on gRPC's callback
// threads: listing reads at most a few pages of each store; verifying reads
// every record once.
//
// Thread-safe. Does not own its collaborators, which must outlive it.
class AuditService final : public v1::Audit::CallbackService {
 public:
  AuditService(const AuditTrail* trail, const IdentityResolver* identity,
               const AccessPolicy* policy)
      : trail_(trail), identity_(identity), policy_(policy) {}

  grpc::ServerUnaryReactor* ListAuditRecords(grpc::CallbackServerContext* context,
                                             const v1::ListAuditRecordsRequest* request,
                                             v1::ListAuditRecordsResponse* response) override;
  grpc::ServerUnaryReactor* VerifyAuditLog(grpc::CallbackServerContext* context,
                                           const v1::VerifyAuditLogRequest* request,
                                           v1::VerifyAuditLogResponse* response) override;

 private:
  // OK when the call's caller may read the trail.
  absl::Status Authorize(grpc::CallbackServerContext* context) const;

  const AuditTrail* trail_;
  const IdentityResolver* identity_;
  const AccessPolicy* policy_;
};

}  // namespace tonghop::audit

#endif  // TONGHOP_SERVICES_AUDIT_AUDIT_SERVICE_H_
