#ifndef TONGHOP_SERVICES_AGGREGATION_RECEIVED_FIGURES_H_
#define TONGHOP_SERVICES_AGGREGATION_RECEIVED_FIGURES_H_

// The receiving side of federation: the figures other instances (the
// provinces') push to this one (the Ministry's), one record per plan,
// period and sender, holding the sender's newest generation.
//
// A push is accepted only from the sending instance itself (a machine
// caller, not a person, whose agency, from its instance certificate, is the
// agency the figures are of), for a plan of
// this instance and an agency and indicators this instance knows. Pushes are
// idempotent by generation: the same generation again changes nothing and
// answers ALREADY_RECEIVED, an older one SUPERSEDED; a newer one replaces
// the sender's figures whole, so a correction replaces what it corrects and
// nothing is counted twice. A push also carries the sender's completeness
// for the round, kept with the generation it came with (so, like the
// figures, exactly once). Each figure held is labelled with when it arrived
// with its value. The record, and the audit record of an applied
// push, are written in one synced batch before the answer.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/aggregation/aggregate_schema.h"
#include "services/aggregation/registry_view.h"
#include "services/common/access_policy.h"
#include "services/common/audit_log.h"
#include "services/common/clock.h"
#include "services/common/identity.h"
#include "storage/kv_store.h"
#include "tonghop/v1/federation_service.pb.h"

namespace tonghop::aggregation {

// A plan and period named `plans/{plan}/periods/{period}`.
struct PlanPeriod {
  std::string plan;    // "plans/{plan}"
  std::string period;  // "2026"
};
// Parses the name; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<PlanPeriod> ParsePlanPeriodName(absl::string_view name, absl::string_view field);

// A figure's identity and value as one string (indicator, cells in order,
// value), to tell whether a new generation repeats it.
std::string ValueKey(const v1::Value& value);

// Thread-safe (pushes are serialized by one mutex; reads see a snapshot of
// one record each). Does not own its collaborators, which must outlive it.
class ReceivedFiguresStore {
 public:
  ReceivedFiguresStore(storage::KvStore* store, RegistryView* registry,
                       const AccessPolicy* policy, AuditLog* audit, const Clock* clock);

  absl::StatusOr<v1::PushFiguresResponse> Push(const Caller& caller,
                                               const v1::PushFiguresRequest& request);
  absl::StatusOr<v1::ReceivedFigures> Get(const Caller& caller,
                                          const v1::GetReceivedFiguresRequest& request) const;
  // Every sender's record for the plan and period, values included, by
  // agency name; for callers already authorized (NationalView).
  absl::StatusOr<std::vector<v1::ReceivedFigures>> All(absl::string_view plan,
                                                       absl::string_view period) const;
  // The senders whose subtree the caller may read.
  absl::StatusOr<v1::ListReceivedFiguresResponse> List(
      const Caller& caller, const v1::ListReceivedFiguresRequest& request) const;

 private:
  storage::KvStore* store_;
  RegistryView* registry_;
  const AccessPolicy* policy_;
  AuditLog* audit_;
  const Clock* clock_;
  absl::Mutex push_mu_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_RECEIVED_FIGURES_H_
