#ifndef TONGHOP_SERVICES_AUDIT_AUDIT_TRAIL_H_
#define TONGHOP_SERVICES_AUDIT_AUDIT_TRAIL_H_

// The audit trails of the stores one process hosts, read together: the
// Audit service's domain logic (listing and verifying). Knows nothing of
// gRPC; the records themselves are written by each service through its own
// AuditLog (services/common/audit_log.h).

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/audit_log.h"
#include "tonghop/v1/audit_service.pb.h"

namespace tonghop::audit {

// Listing merges the stores' chains: each store's records come in the order
// they were written, and the next record is always the earliest (by time,
// then store name) of the stores' next ones, so pages are stable and a page
// token is each store's last sequence listed. Filters apply to every field
// named in the request; a damaged record matches every filter, so that no
// damage is filtered out of sight.
//
// Thread-safe and immutable. Does not own the logs, which must outlive it.
class AuditTrail {
 public:
  // `logs` have distinct store names.
  explicit AuditTrail(std::vector<const AuditLog*> logs);

  absl::StatusOr<v1::ListAuditRecordsResponse> List(
      const v1::ListAuditRecordsRequest& request) const;
  absl::StatusOr<v1::VerifyAuditLogResponse> Verify(
      const v1::VerifyAuditLogRequest& request) const;

 private:
  // The logs `parent` names ("", "stores/-" or "stores/{store}"), by name.
  absl::StatusOr<std::vector<const AuditLog*>> Select(absl::string_view parent) const;

  std::vector<const AuditLog*> logs_;  // by store name
};

}  // namespace tonghop::audit

#endif  // TONGHOP_SERVICES_AUDIT_AUDIT_TRAIL_H_
