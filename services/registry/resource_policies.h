#ifndef TONGHOP_SERVICES_REGISTRY_RESOURCE_POLICIES_H_
#define TONGHOP_SERVICES_REGISTRY_RESOURCE_POLICIES_H_

// What is particular to each kind of registry resource, for its
// ResourceTable (resource_table.h): where it is kept, who may write it
// (through the one AccessPolicy), how it is validated (validation.h), what
// it refers to, what refuses its deletion, and the index keys kept beside
// it. Everything else about Get, Create, Update and Delete is the table's.
// Policies are copyable views of a RegistryCore; thread-safe as it is.

#include <optional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/identity.h"
#include "services/registry/registry_core.h"
#include "services/registry/registry_schema.h"
#include "services/registry/resource_table.h"
#include "services/registry/validation.h"
#include "storage/kv_store.h"
#include "tonghop/v1/registry_service.pb.h"

namespace tonghop::registry {
// A policy with the registry it belongs to, which must outlive it.
template <typename Derived, typename Resource, typename... Requests>
struct CorePolicy : ResourcePolicy<Derived, Resource, Requests...> {
  explicit CorePolicy(const RegistryCore* core) : core(core) {}
  const RegistryCore* core;
};

// Agencies: the access policy decides on the agency before and after; the
// child index follows the parent; children and references block a delete.
struct AgencyPolicy : CorePolicy<AgencyPolicy, v1::Agency, v1::CreateAgencyRequest,
                                 v1::UpdateAgencyRequest, v1::DeleteAgencyRequest> {
  static constexpr SimpleKind kKind = {"agencies", kTagAgency};
  using CorePolicy::CorePolicy;

  // Other than its parent, which the child index keeps.
  static std::set<std::string> References(const v1::Agency& a);

  absl::Status AuthorizeWrite(const Caller& caller, const std::optional<v1::Agency>& before,
                              const v1::Agency& after) const {
    return core->CheckWriteAgency(caller, before, after);
  }
  absl::Status AuthorizeDelete(const Caller& caller, absl::string_view name,
                               const std::optional<v1::Agency>& existing) const;
  absl::Status Validate(const v1::Agency& agency, ViolationList& violations) const {
    return ValidateAgency(agency, *core, Field(), violations);
  }

  static void PutIndexKeys(storage::WriteBatch& batch, const std::optional<v1::Agency>& before,
                           const v1::Agency* after);

  absl::Status RefuseDelete(const DeleteRequest& request, const v1::Agency& existing) const;
};

// Dimensions and indicators: reference data, written by the instance's
// authority alone.
template <typename Derived, typename Resource, typename... Requests>
struct ReferenceDataPolicy : CorePolicy<Derived, Resource, Requests...> {
  using CorePolicy<Derived, Resource, Requests...>::CorePolicy;

  absl::Status AuthorizeWrite(const Caller& caller, const std::optional<Resource>&,
                              const Resource& after) const {
    return this->core->access().CheckWriteReferenceData(caller, after.name());
  }
  absl::Status AuthorizeDelete(const Caller& caller, absl::string_view name,
                               const std::optional<Resource>&) const {
    return this->core->access().CheckWriteReferenceData(caller, name);
  }
};

struct DimensionPolicy
    : ReferenceDataPolicy<DimensionPolicy, v1::Dimension, v1::CreateDimensionRequest,
                          v1::UpdateDimensionRequest, v1::DeleteDimensionRequest> {
  static constexpr SimpleKind kKind = {"dimensions", kTagDimension};
  using ReferenceDataPolicy::ReferenceDataPolicy;

  absl::Status Validate(const v1::Dimension& dimension, ViolationList& violations) const;
};

struct IndicatorPolicy
    : ReferenceDataPolicy<IndicatorPolicy, v1::Indicator, v1::CreateIndicatorRequest,
                          v1::UpdateIndicatorRequest, v1::DeleteIndicatorRequest> {
  static constexpr SimpleKind kKind = {"indicators", kTagIndicator};
  using ReferenceDataPolicy::ReferenceDataPolicy;

  static std::set<std::string> References(const v1::Indicator& i);

  absl::Status Validate(const v1::Indicator& indicator, ViolationList& violations) const {
    return ValidateIndicator(indicator, *core, Field(), violations);
  }
};

// Tasks: rooted in their plan, whose issuer's reach decides who may write
// them; their outline is their id; sub-tasks block a delete; nothing in
// the registry refers to a task.
struct TaskPolicy : CorePolicy<TaskPolicy, v1::Task, v1::CreateTaskRequest, v1::UpdateTaskRequest,
                               v1::DeleteTaskRequest> {
  static constexpr bool kRefusedWhileReferenced = false;
  using CorePolicy::CorePolicy;

  static absl::StatusOr<std::string> KeyOf(absl::string_view name, absl::string_view field);
  static absl::StatusOr<v1::Task> Named(const CreateRequest& request);
  static void FollowName(v1::Task& task);

  static std::set<std::string> References(const v1::Task& t);

  absl::Status AuthorizeWrite(const Caller& caller, const std::optional<v1::Task>&,
                              const v1::Task& task) const;
  absl::Status AuthorizeDelete(const Caller& caller, absl::string_view name,
                               const std::optional<v1::Task>&) const;
  absl::Status Validate(const v1::Task& task, ViolationList& violations) const;
  // A task without a place in the document goes where it was, else last.
  absl::Status Complete(v1::Task& task, const std::optional<v1::Task>& before) const;

  absl::Status RefuseDelete(const DeleteRequest& request, const v1::Task&) const;

  // The id of the plan a task named `task_name` belongs to.
  static absl::StatusOr<std::string> PlanIdOf(absl::string_view task_name);
};
using TaskTable = ResourceTable<TaskPolicy>;

// Plans: their issuer's reach decides who may write them and whom their
// tasks may bind; their tasks go with them only when forced.
struct PlanPolicy : CorePolicy<PlanPolicy, v1::Plan, v1::CreatePlanRequest, v1::UpdatePlanRequest,
                               v1::DeletePlanRequest> {
  static constexpr SimpleKind kKind = {"plans", kTagPlan};
  using CorePolicy::CorePolicy;

  static std::set<std::string> References(const v1::Plan& p);

  absl::Status AuthorizeWrite(const Caller& caller, const std::optional<v1::Plan>& before,
                              const v1::Plan& plan) const;
  absl::Status AuthorizeDelete(const Caller& caller, absl::string_view name,
                               const std::optional<v1::Plan>& existing) const {
    return core->AuthorizePlan(caller, name, existing ? existing->issuer() : "", "", {});
  }
  absl::Status Validate(const v1::Plan& plan, ViolationList& violations) const {
    return ValidatePlan(plan, *core, Field(), violations);
  }

  absl::Status DeleteDependents(storage::WriteBatch& batch, const DeleteRequest& request,
                                const v1::Plan& existing) const;
};
using PlanTable = ResourceTable<PlanPolicy>;

}  // namespace tonghop::registry

#endif  // TONGHOP_SERVICES_REGISTRY_RESOURCE_POLICIES_H_
