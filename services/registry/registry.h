#ifndef TONGHOP_SERVICES_REGISTRY_REGISTRY_H_
#define TONGHOP_SERVICES_REGISTRY_REGISTRY_H_

// The plan registry's domain logic: agencies, dimensions, indicators, plans
// and tasks, validated and stored in a KvStore. Knows nothing of gRPC.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/common/access_policy.h"
#include "services/common/audit_log.h"
#include "services/common/identity.h"
#include "services/common/idempotency.h"
#include "storage/kv_store.h"
#include "tonghop/v1/registry_service.pb.h"

namespace tonghop::registry {

// The column families the registry's store must have.
std::vector<std::string> RegistryColumnFamilies();

// Turns a plan document (text or table) into a bundle and an import report.
// Injected so the registry does not depend on the parsers; nullptr means only
// the canonical JSON format is accepted.
using PlanDocumentParser = std::function<absl::StatusOr<v1::ImportPlanResponse>(
    const v1::ImportPlanRequest& request, const std::vector<v1::Agency>& agencies)>;

// Turns a bundle back into the appendix table as CSV (nullptr: CSV export
// is unavailable).
using PlanCsvWriter = std::function<std::string(
    const v1::PlanBundle& bundle, const std::vector<v1::Agency>& agencies)>;

// The registry. Every mutation is validated completely (all violations
// reported at once), checked against the caller's permissions, applied in one
// synced WriteBatch together with its reference index and idempotency record,
// and refused without any change when anything is wrong.
//
// Every change is recorded in `audit` (the audit trail of `store`) in the
// same batch, and every mutation refused with PERMISSION_DENIED or
// UNAUTHENTICATED in a record of its own (services/common/audit_log.h).
//
// Thread-safe: reads run concurrently; mutations are serialized by an
// internal mutex so validation and write see the same state. Does not own
// `store` or `audit`, which must outlive it.
//
// Who may write is the access policy's to decide (services/common/
// access_policy.h); the registry gives it the agencies it needs. Reads take
// no caller: the gRPC adapter asks the policy before calling them. Does not
// own `policy`, which must outlive it.
class Registry {
 public:
  Registry(storage::KvStore* store, const AccessPolicy* policy, AuditLog* audit,
           PlanDocumentParser parser = nullptr, PlanCsvWriter csv_writer = nullptr);

  absl::StatusOr<v1::Agency> GetAgency(absl::string_view name) const;
  absl::StatusOr<v1::ListAgenciesResponse> ListAgencies(
      const v1::ListAgenciesRequest& request) const;
  absl::StatusOr<v1::Agency> CreateAgency(const Caller& caller,
                                          const v1::CreateAgencyRequest& request);
  absl::StatusOr<v1::Agency> UpdateAgency(const Caller& caller,
                                          const v1::UpdateAgencyRequest& request);
  absl::Status DeleteAgency(const Caller& caller,
                            const v1::DeleteAgencyRequest& request);

  absl::StatusOr<v1::Dimension> GetDimension(absl::string_view name) const;
  absl::StatusOr<v1::ListDimensionsResponse> ListDimensions(
      const v1::ListDimensionsRequest& request) const;
  absl::StatusOr<v1::Dimension> CreateDimension(
      const Caller& caller, const v1::CreateDimensionRequest& request);
  absl::StatusOr<v1::Dimension> UpdateDimension(
      const Caller& caller, const v1::UpdateDimensionRequest& request);
  absl::Status DeleteDimension(const Caller& caller,
                               const v1::DeleteDimensionRequest& request);

  absl::StatusOr<v1::Indicator> GetIndicator(absl::string_view name) const;
  absl::StatusOr<v1::ListIndicatorsResponse> ListIndicators(
      const v1::ListIndicatorsRequest& request) const;
  absl::StatusOr<v1::Indicator> CreateIndicator(
      const Caller& caller, const v1::CreateIndicatorRequest& request);
  absl::StatusOr<v1::Indicator> UpdateIndicator(
      const Caller& caller, const v1::UpdateIndicatorRequest& request);
  absl::Status DeleteIndicator(const Caller& caller,
                               const v1::DeleteIndicatorRequest& request);

  absl::StatusOr<v1::Plan> GetPlan(absl::string_view name) const;
  absl::StatusOr<v1::ListPlansResponse> ListPlans(
      const v1::ListPlansRequest& request) const;
  absl::StatusOr<v1::Plan> CreatePlan(const Caller& caller,
                                      const v1::CreatePlanRequest& request);
  absl::StatusOr<v1::Plan> UpdatePlan(const Caller& caller,
                                      const v1::UpdatePlanRequest& request);
  absl::Status DeletePlan(const Caller& caller,
                          const v1::DeletePlanRequest& request);

  absl::StatusOr<v1::Task> GetTask(absl::string_view name) const;
  absl::StatusOr<v1::ListTasksResponse> ListTasks(
      const v1::ListTasksRequest& request) const;
  absl::StatusOr<v1::Task> CreateTask(const Caller& caller,
                                      const v1::CreateTaskRequest& request);
  absl::StatusOr<v1::Task> UpdateTask(const Caller& caller,
                                      const v1::UpdateTaskRequest& request);
  absl::Status DeleteTask(const Caller& caller,
                          const v1::DeleteTaskRequest& request);

  absl::StatusOr<v1::ImportPlanResponse> ImportPlan(
      const Caller& caller, const v1::ImportPlanRequest& request);
  absl::StatusOr<v1::ExportPlanResponse> ExportPlan(
      const v1::ExportPlanRequest& request) const;

  // The audit trail of the registry's store, for refusals decided before a
  // call reaches the registry and for records with no other change.
  AuditLog& audit_log() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tonghop::registry

#endif  // TONGHOP_SERVICES_REGISTRY_REGISTRY_H_
