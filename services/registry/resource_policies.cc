#include "services/registry/resource_policies.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/errors.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"

namespace tonghop::registry {
namespace {

// Finds tasks of one plan while validating, in the store.
class StoredTasks : public TaskLookup {
 public:
  StoredTasks(const RegistryCore* core, std::string plan_id)
      : core_(core), plan_id_(std::move(plan_id)) {}
  absl::StatusOr<std::optional<v1::Task>> FindTask(absl::string_view outline) const override {
    return core_->Read<v1::Task>(TaskKey(plan_id_, outline));
  }

 private:
  const RegistryCore* core_;
  std::string plan_id_;
};

}  // namespace

std::set<std::string> AgencyPolicy::References(const v1::Agency& a) {
  std::set<std::string> refs(a.successors().begin(), a.successors().end());
  if (!a.focal_agency().empty() && a.focal_agency() != a.name()) {
    refs.insert(a.focal_agency());
  }
  return refs;
}

absl::Status AgencyPolicy::AuthorizeDelete(const Caller& caller, absl::string_view name,
                                           const std::optional<v1::Agency>& existing) const {
  // A missing agency is judged by its name alone.
  v1::Agency judged;
  judged.set_name(std::string(name));
  return core->CheckWriteAgency(caller, existing ? *existing : judged, std::nullopt);
}

void AgencyPolicy::PutIndexKeys(storage::WriteBatch& batch, const std::optional<v1::Agency>& before,
                                const v1::Agency* after) {
  std::string id = IdOf(after != nullptr ? after->name() : before->name());
  std::string old_parent = before ? before->parent() : "";
  std::string new_parent = after != nullptr ? after->parent() : "";
  if (!old_parent.empty() && IdOf(old_parent) != IdOf(new_parent)) {
    batch.Delete(kIndexColumnFamily, ChildKey(IdOf(old_parent), id));
  }
  if (!new_parent.empty()) batch.Put(kIndexColumnFamily, ChildKey(IdOf(new_parent), id), "");
}

absl::Status AgencyPolicy::RefuseDelete(const DeleteRequest& request,
                                        const v1::Agency& existing) const {
  ASSIGN_OR_RETURN(auto children, core->store().ScanPrefix(kIndexColumnFamily,
                                                           ChildPrefix(IdOf(existing.name())), 4));
  if (children.empty()) return absl::OkStatus();
  std::vector<std::string> names;
  for (const auto& row : children) {
    names.push_back(MakeName("agencies", SecondStringOf(row.key).value_or("?")));
  }
  return FailedPrecondition(
      "AGENCY_HAS_CHILDREN",
      absl::StrCat(request.name(), " still has child agencies (", absl::StrJoin(names, ", "),
                   children.size() > 3 ? ", …" : "", "); delete or move them first"),
      request.name());
}

absl::Status DimensionPolicy::Validate(const v1::Dimension& dimension,
                                       ViolationList& violations) const {
  ValidateDimension(dimension, Field(), violations);
  return absl::OkStatus();
}

std::set<std::string> IndicatorPolicy::References(const v1::Indicator& i) {
  std::set<std::string> refs(i.dimensions().begin(), i.dimensions().end());
  if (!i.numerator().empty()) refs.insert(i.numerator());
  if (!i.denominator().empty()) refs.insert(i.denominator());
  for (const auto& rule : i.rules()) refs.insert(rule.other());
  return refs;
}

absl::StatusOr<std::string> TaskPolicy::KeyOf(absl::string_view name, absl::string_view field) {
  ASSIGN_OR_RETURN(TaskNameParts parts, ParseTaskName(name, field));
  return TaskKey(parts.plan_id, parts.outline);
}

absl::StatusOr<v1::Task> TaskPolicy::Named(const CreateRequest& request) {
  ASSIGN_OR_RETURN(std::string plan_id, ParseSimpleName(request.parent(), "plans", "parent"));
  v1::Task task = request.task();
  if (!IsValidOutlineCode(task.outline())) {
    return InvalidField("task.outline", "required: letters, digits and dots, like A.II.1.2");
  }
  task.set_name(MakeTaskName(plan_id, task.outline()));
  return task;
}

void TaskPolicy::FollowName(v1::Task& task) {
  absl::StatusOr<TaskNameParts> parts = ParseTaskName(task.name(), "name");
  if (parts.ok()) task.set_outline(parts->outline);
}

std::set<std::string> TaskPolicy::References(const v1::Task& t) {
  std::set<std::string> refs(t.indicators().begin(), t.indicators().end());
  for (const auto* list : {&t.lead(), &t.coordinating()}) {
    for (const v1::Assignment& a : *list) {
      if (a.has_group()) {
        refs.insert(a.group().ancestor());
      } else if (!a.agency().empty()) {
        refs.insert(a.agency());
      }
    }
  }
  return refs;
}

absl::Status TaskPolicy::AuthorizeWrite(const Caller& caller, const std::optional<v1::Task>&,
                                        const v1::Task& task) const {
  ASSIGN_OR_RETURN(std::string plan_id, PlanIdOf(task.name()));
  ASSIGN_OR_RETURN(v1::Plan plan,
                   core->GetOrNotFound<v1::Plan>(PlanKey(plan_id), MakeName("plans", plan_id)));
  return core->AuthorizePlan(caller, task.name(), plan.issuer(), plan.issuer(),
                             AssigneesOf({task}));
}

absl::Status TaskPolicy::AuthorizeDelete(const Caller& caller, absl::string_view name,
                                         const std::optional<v1::Task>&) const {
  ASSIGN_OR_RETURN(std::string plan_id, PlanIdOf(name));
  ASSIGN_OR_RETURN(std::optional<v1::Plan> plan, core->Read<v1::Plan>(PlanKey(plan_id)));
  return core->AuthorizePlan(caller, name, plan ? plan->issuer() : "", "", {});
}

absl::Status TaskPolicy::Validate(const v1::Task& task, ViolationList& violations) const {
  ASSIGN_OR_RETURN(std::string plan_id, PlanIdOf(task.name()));
  StoredTasks lookup(core, plan_id);
  return ValidateTask(task, plan_id, *core, lookup, Field(), violations);
}

absl::Status TaskPolicy::Complete(v1::Task& task, const std::optional<v1::Task>& before) const {
  if (task.sequence() != 0) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string plan_id, PlanIdOf(task.name()));
  ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, core->PlanTasks(plan_id));
  int max_sequence = 0;
  for (const v1::Task& t : tasks) max_sequence = std::max(max_sequence, t.sequence());
  task.set_sequence(before && before->sequence() > 0 ? before->sequence() : max_sequence + 1);
  return absl::OkStatus();
}

absl::Status TaskPolicy::RefuseDelete(const DeleteRequest& request, const v1::Task&) const {
  ASSIGN_OR_RETURN(std::string plan_id, PlanIdOf(request.name()));
  ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, core->PlanTasks(plan_id));
  for (const v1::Task& t : tasks) {
    if (t.parent() == request.name()) {
      return FailedPrecondition(
          "TASK_HAS_CHILDREN",
          absl::StrCat(request.name(), " still has sub-tasks (", t.name(), "); delete them first"),
          request.name());
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> TaskPolicy::PlanIdOf(absl::string_view task_name) {
  ASSIGN_OR_RETURN(TaskNameParts parts, ParseTaskName(task_name, "name"));
  return parts.plan_id;
}

std::set<std::string> PlanPolicy::References(const v1::Plan& p) {
  std::set<std::string> refs;
  if (!p.issuer().empty()) refs.insert(p.issuer());
  if (!p.compiler().empty()) refs.insert(p.compiler());
  if (absl::StartsWith(p.implements(), "plans/")) refs.insert(p.implements());
  for (const v1::IndicatorMapping& m : p.indicator_mappings()) refs.insert(m.indicator());
  return refs;
}

absl::Status PlanPolicy::AuthorizeWrite(const Caller& caller, const std::optional<v1::Plan>& before,
                                        const v1::Plan& plan) const {
  std::vector<v1::Task> tasks;
  if (before) {
    ASSIGN_OR_RETURN(tasks, core->PlanTasks(IdOf(plan.name())));
  }
  return core->AuthorizePlan(caller, plan.name(), before ? before->issuer() : "", plan.issuer(),
                             RegistryCore::PlanAssignees(plan, tasks));
}

absl::Status PlanPolicy::DeleteDependents(storage::WriteBatch& batch, const DeleteRequest& request,
                                          const v1::Plan& existing) const {
  ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, core->PlanTasks(IdOf(existing.name())));
  if (!tasks.empty() && !request.force()) {
    return FailedPrecondition("PLAN_HAS_TASKS",
                              absl::StrCat(request.name(), " still has ", tasks.size(),
                                           " tasks; delete them first or set force"),
                              request.name());
  }
  for (const v1::Task& task : tasks) RETURN_IF_ERROR(TaskTable::Remove(batch, task));
  return absl::OkStatus();
}

}  // namespace tonghop::registry
