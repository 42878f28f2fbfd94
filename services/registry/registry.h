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
#include "google/protobuf/message.h"
#include "services/common/access_policy.h"
#include "services/common/audit_log.h"
#include "services/common/identity.h"
#include "services/common/idempotency.h"
#include "services/registry/registry_schema.h"
#include "storage/kv_store.h"
#include "tonghop/v1/registry_service.pb.h"

namespace tonghop::registry {

// What a mutation does to the store: fills the batch and returns the
// answer (or why it refuses, changing nothing).
using MessageApply = std::function<absl::StatusOr<std::unique_ptr<google::protobuf::Message>>(
    storage::WriteBatch& batch)>;

namespace internal {
// Runs a mutation through `run` (a write path that deals in untyped answers
// and hands back the answer serialized) with a typed `apply`, and returns
// the typed answer.
template <typename Response>
absl::StatusOr<Response> TypedMutation(
    const std::function<absl::StatusOr<std::string>(const MessageApply&)>& run,
    const std::function<absl::StatusOr<Response>(storage::WriteBatch&)>& apply) {
  absl::StatusOr<std::string> answer = run(
      [&apply](storage::WriteBatch& batch)
          -> absl::StatusOr<std::unique_ptr<google::protobuf::Message>> {
        absl::StatusOr<Response> response = apply(batch);
        if (!response.ok()) return response.status();
        return std::unique_ptr<google::protobuf::Message>(
            new Response(*std::move(response)));
      });
  if (!answer.ok()) return answer.status();
  Response response;
  if (!response.ParseFromString(*answer)) return absl::DataLossError("corrupt stored answer");
  return response;
}
}  // namespace internal

// Turns a plan file (the canonical JSON, a document's text, a table, .docx,
// .pdf) into a bundle and an import report: plan_import::ParseImportRequest.
// Injected so the registry's own tests need not read documents; nullptr
// means plans cannot be imported.
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

  // ---- For the records kept beside the registry (people.h) ----

  // The registry's agencies, for the access policy and for references.
  const AgencyDirectory& agencies() const;

  // Runs `apply` on the registry's one write path: under its write mutex
  // (so that the checks `apply` makes and the write see the same agencies),
  // answering a request id seen before with the stored answer, else writing
  // the batch `apply` fills, synced, with the answer (unless
  // validate_only). `request`'s request_id field, when it has one, is the
  // idempotency key and the rest its fingerprint: it must hold no secret.
  template <typename Response>
  absl::StatusOr<Response> Mutate(
      const Caller& caller, const google::protobuf::Message& request,
      absl::string_view method, bool validate_only,
      const std::function<absl::StatusOr<Response>(storage::WriteBatch&)>& apply) {
    return internal::TypedMutation<Response>(
        [&](const MessageApply& untyped) {
          return MutateMessage(caller, request, method, validate_only, untyped);
        },
        apply);
  }
  // Mutate with an untyped answer; returns the answer serialized.
  absl::StatusOr<std::string> MutateMessage(const Caller& caller,
                                            const google::protobuf::Message& request,
                                            absl::string_view method, bool validate_only,
                                            const MessageApply& apply);

  // Adds to `batch` that `referrer` refers to `target` (present) or no
  // longer does. While it does, deleting `target` is refused
  // (RESOURCE_IN_USE).
  void PutReference(storage::WriteBatch& batch, absl::string_view target,
                    absl::string_view referrer, bool present) const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tonghop::registry

#endif  // TONGHOP_SERVICES_REGISTRY_REGISTRY_H_
