#include "services/registry/registry.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/agency_matcher.h"
#include "services/common/errors.h"
#include "services/common/etag.h"
#include "services/common/pagination.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"
#include "services/registry/resource_table.h"
#include "services/registry/validation.h"
#include "storage/key_encoding.h"

namespace tonghop::registry {
namespace {

using google::protobuf::Message;
using storage::WriteBatch;

constexpr size_t kMaxImportBytes = 10 << 20;

// Task outlines order by document position, then code.
bool TaskBefore(const v1::Task& a, const v1::Task& b) {
  if (a.sequence() != b.sequence()) return a.sequence() < b.sequence();
  return a.outline() < b.outline();
}

std::string TaskPosition(const v1::Task& t) {
  return absl::StrCat(t.sequence(), ":", t.outline());
}

int OutlineDepth(absl::string_view outline) {
  return static_cast<int>(std::count(outline.begin(), outline.end(), '.')) + 1;
}

}  // namespace

// The registry's store as the resource policies and the Registry see it:
// reads, the references the validation resolves, the agencies the access
// policy walks, and the one write path. Thread-safe (see Registry). Does
// not own the store, the access policy or the audit log.
class RegistryCore : public ReferenceResolver, public AgencyDirectory, public TableHost {
 public:
  RegistryCore(storage::KvStore* store, const AccessPolicy* policy, AuditLog* audit)
      : store_(store),
        policy_(policy),
        audit_(audit),
        idempotency_(store, kIdempotencyColumnFamily) {}

  // ---- ReferenceResolver (used by validation) and AgencyDirectory (used
  // by the access policy) ----

  absl::StatusOr<std::optional<v1::Agency>> FindAgency(
      absl::string_view name) const override {
    if (!absl::StartsWith(name, "agencies/")) return std::optional<v1::Agency>();
    return Read<v1::Agency>(AgencyKey(IdOf(name)));
  }
  absl::StatusOr<bool> DimensionExists(absl::string_view name) const override {
    return Exists("dimensions/", name, &DimensionKey);
  }
  absl::StatusOr<std::optional<v1::Dimension>> FindDimension(
      absl::string_view name) const override {
    if (!absl::StartsWith(name, "dimensions/")) return std::optional<v1::Dimension>();
    return Read<v1::Dimension>(DimensionKey(IdOf(name)));
  }
  absl::StatusOr<std::optional<v1::Indicator>> FindIndicator(
      absl::string_view name) const override {
    if (!absl::StartsWith(name, "indicators/")) return std::optional<v1::Indicator>();
    return Read<v1::Indicator>(IndicatorKey(IdOf(name)));
  }
  absl::StatusOr<bool> PlanExists(absl::string_view name) const override {
    return Exists("plans/", name, &PlanKey);
  }
  std::string SuggestAgency(absl::string_view input) const override {
    std::shared_ptr<const AgencyMatcher> matcher = Matcher();
    return matcher == nullptr ? "" : matcher->DidYouMean(input);
  }

  // ---- Suggestions for agencies that do not exist ----

  // The registry's agencies as a matcher, built on first use after a write
  // (an error path: lookups of existing agencies never need it); nullptr
  // when the store cannot be read.
  std::shared_ptr<const AgencyMatcher> Matcher() const {
    uint64_t generation = generation_.load();
    {
      absl::MutexLock lock(&matcher_mu_);
      if (matcher_ != nullptr && matcher_generation_ == generation) return matcher_;
    }
    absl::StatusOr<std::vector<v1::Agency>> agencies = AllAgencies();
    if (!agencies.ok()) return nullptr;
    auto matcher = std::make_shared<const AgencyMatcher>(*agencies);
    absl::MutexLock lock(&matcher_mu_);
    matcher_ = matcher;
    matcher_generation_ = generation;
    return matcher;
  }

  // The error for an agency reference `input` (field `field`, or "" for a
  // resource name) that names no agency, with what it probably meant.
  absl::Status UnknownAgencyError(absl::string_view input, absl::string_view field) const {
    std::shared_ptr<const AgencyMatcher> matcher = Matcher();
    return UnknownAgency(input, field, matcher != nullptr ? *matcher : AgencyMatcher({}));
  }

  // ---- Reads ----

  storage::KvStore& store() const { return *store_; }

  template <typename T>
  absl::StatusOr<std::optional<T>> Read(const std::string& key) const {
    return ParseRecord<T>(ReadRecord(key));
  }

  absl::StatusOr<std::optional<std::string>> ReadRecord(const std::string& key) const override {
    return store_->Get(kResourcesColumnFamily, key);
  }

  absl::StatusOr<bool> Exists(absl::string_view collection, absl::string_view name,
                              std::string (*key)(absl::string_view)) const {
    if (!absl::StartsWith(name, collection)) return false;
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, ReadRecord(key(IdOf(name))));
    return bytes.has_value();
  }

  template <typename T>
  absl::StatusOr<T> GetOrNotFound(const std::string& key, absl::string_view name) const {
    ASSIGN_OR_RETURN(std::optional<T> value, Read<T>(key));
    if (!value) return NotFound(name);
    return *std::move(value);
  }

  // Names of up to `limit` resources referring to `target`.
  absl::StatusOr<std::vector<std::string>> Referrers(absl::string_view target,
                                                     size_t limit) const {
    ASSIGN_OR_RETURN(auto rows, store_->ScanPrefix(kIndexColumnFamily, ReferencePrefix(target), limit));
    std::vector<std::string> out;
    for (const auto& row : rows) {
      if (auto referrer = SecondStringOf(row.key)) out.push_back(*referrer);
    }
    return out;
  }

  absl::Status RefuseIfReferenced(absl::string_view name) const override {
    ASSIGN_OR_RETURN(std::vector<std::string> referrers, Referrers(name, 6));
    if (referrers.empty()) return absl::OkStatus();
    std::string shown = absl::StrJoin(referrers.begin(),
                                      referrers.begin() + std::min<size_t>(5, referrers.size()),
                                      ", ");
    return FailedPrecondition(
        "RESOURCE_IN_USE",
        absl::StrCat(name, " is still referred to by ", shown,
                     referrers.size() > 5 ? " and others" : "",
                     "; remove those references first"),
        name);
  }
  // Every record whose key starts with `prefix`, in key order.
  template <typename T>
  absl::StatusOr<std::vector<T>> ScanRecords(const std::string& prefix) const {
    std::vector<T> records;
    absl::Status inner = absl::OkStatus();
    RETURN_IF_ERROR(store_->Scan(kResourcesColumnFamily, prefix, storage::PrefixEnd(prefix),
                                 [&](absl::string_view, absl::string_view value) {
                                   absl::StatusOr<std::optional<T>> record =
                                       ParseRecord<T>(std::optional<std::string>(value));
                                   if (!record.ok()) inner = record.status();
                                   if (!inner.ok()) return false;
                                   records.push_back(**std::move(record));
                                   return true;
                                 }));
    RETURN_IF_ERROR(inner);
    return records;
  }

  // A plan's tasks in document order.
  absl::StatusOr<std::vector<v1::Task>> PlanTasks(absl::string_view plan_id) const {
    ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, ScanRecords<v1::Task>(TaskPrefix(plan_id)));
    std::sort(tasks.begin(), tasks.end(), TaskBefore);
    return tasks;
  }

  absl::StatusOr<std::vector<v1::Agency>> AllAgencies() const {
    return ScanRecords<v1::Agency>(TagPrefix(kTagAgency));
  }

  // ---- Permissions ----

  const AccessPolicy& access() const { return *policy_; }

  absl::StatusOr<bool> RegistryHasNoAgencies() const {
    ASSIGN_OR_RETURN(auto rows,
                     store_->ScanPrefix(kResourcesColumnFamily, TagPrefix(kTagAgency), 1));
    return rows.empty();
  }

  absl::Status CheckWriteAgency(const Caller& caller, const std::optional<v1::Agency>& before,
                                const std::optional<v1::Agency>& after) const {
    ASSIGN_OR_RETURN(bool empty, RegistryHasNoAgencies());
    return policy_->CheckWriteAgency(caller, *this, before, after, empty);
  }

  // The agencies every task of a plan (as it will be) assigns duties to,
  // and its compiler: a plan binds only agencies its issuer reaches.
  static std::vector<std::string> PlanAssignees(const v1::Plan& plan,
                                                const std::vector<v1::Task>& tasks) {
    std::vector<std::string> assignees = AssigneesOf(tasks);
    if (!plan.compiler().empty()) assignees.push_back(plan.compiler());
    return assignees;
  }

  absl::Status AuthorizePlan(const Caller& caller, absl::string_view plan,
                             absl::string_view issuer_before, absl::string_view issuer_after,
                             const std::vector<std::string>& assignees) const {
    ASSIGN_OR_RETURN(bool empty, RegistryHasNoAgencies());
    return policy_->CheckWritePlan(caller, *this, plan, issuer_before, issuer_after, assignees,
                                   empty);
  }

  // ---- The write path shared by every mutation ----

  // Runs `apply` under the write mutex. A request id seen before returns the
  // stored answer; otherwise `apply` validates and fills the batch, and the
  // batch is written together with the answer (unless validate_only).
  template <typename Response>
  absl::StatusOr<Response> Mutate(
      const Caller& caller, const Message& request, absl::string_view method,
      bool validate_only,
      const std::function<absl::StatusOr<Response>(WriteBatch&)>& apply) {
    return internal::TypedMutation<Response>(
        [&](const MessageApply& untyped) {
          return MutateMessage(caller, request, method, validate_only, untyped);
        },
        apply);
  }

  // Mutate with an untyped answer, returned serialized. `request`'s
  // request_id field, when it has one, is the idempotency key; the rest is
  // its fingerprint.
  absl::StatusOr<std::string> MutateMessage(const Caller& caller, const Message& request,
                                            absl::string_view method, bool validate_only,
                                            const MessageApply& apply) override {
    std::unique_ptr<Message> fingerprinted(request.New());
    fingerprinted->CopyFrom(request);
    std::string request_id;
    const google::protobuf::FieldDescriptor* id_field =
        request.GetDescriptor()->FindFieldByName("request_id");
    if (id_field != nullptr) {
      request_id = request.GetReflection()->GetString(request, id_field);
      fingerprinted->GetReflection()->ClearField(fingerprinted.get(), id_field);
    }
    std::string fingerprint = IdempotencyTable::Fingerprint(*fingerprinted);
    absl::MutexLock lock(&write_mu_);
    if (!validate_only) {
      ASSIGN_OR_RETURN(std::optional<std::string> answered,
                       idempotency_.Lookup(caller.Actor(), request_id, method, fingerprint));
      if (answered) return *std::move(answered);
    }
    WriteBatch batch;
    ASSIGN_OR_RETURN(std::unique_ptr<Message> response, apply(batch));
    std::string answer = response->SerializeAsString();
    if (validate_only) return answer;
    idempotency_.Record(batch, caller.Actor(), request_id, method, fingerprint, answer);
    RETURN_IF_ERROR(
        audit_->Write(batch, MakeAuditEvent(caller, method, request, response.get())));
    generation_.fetch_add(1);
    return answer;
  }

  void PutReference(WriteBatch& batch, absl::string_view target, absl::string_view referrer,
                    bool present) const {
    if (present) {
      batch.Put(kIndexColumnFamily, ReferenceKey(target, referrer), "");
    } else {
      batch.Delete(kIndexColumnFamily, ReferenceKey(target, referrer));
    }
  }

  AuditLog& audit() const override { return *audit_; }

 private:
  storage::KvStore* store_;
  const AccessPolicy* policy_;
  AuditLog* audit_;
  IdempotencyTable idempotency_;
  absl::Mutex write_mu_;
  // Counts committed mutations, so that Matcher() knows when to rebuild.
  std::atomic<uint64_t> generation_{0};
  mutable absl::Mutex matcher_mu_;
  mutable std::shared_ptr<const AgencyMatcher> matcher_ ABSL_GUARDED_BY(matcher_mu_);
  mutable uint64_t matcher_generation_ ABSL_GUARDED_BY(matcher_mu_) = 0;
};

// ---- The resource policies: what is particular to each kind ----

namespace {

// A policy with the registry it belongs to.
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
  static std::set<std::string> References(const v1::Agency& a) {
    std::set<std::string> refs(a.successors().begin(), a.successors().end());
    if (!a.focal_agency().empty() && a.focal_agency() != a.name()) {
      refs.insert(a.focal_agency());
    }
    return refs;
  }

  absl::Status AuthorizeWrite(const Caller& caller, const std::optional<v1::Agency>& before,
                              const v1::Agency& after) const {
    return core->CheckWriteAgency(caller, before, after);
  }
  absl::Status AuthorizeDelete(const Caller& caller, absl::string_view name,
                               const std::optional<v1::Agency>& existing) const {
    // A missing agency is judged by its name alone.
    v1::Agency judged;
    judged.set_name(std::string(name));
    return core->CheckWriteAgency(caller, existing ? *existing : judged, std::nullopt);
  }
  absl::Status Validate(const v1::Agency& agency, ViolationList& violations) const {
    return ValidateAgency(agency, *core, Field(), violations);
  }

  static void PutIndexKeys(WriteBatch& batch, const std::optional<v1::Agency>& before,
                           const v1::Agency* after) {
    std::string id = IdOf(after != nullptr ? after->name() : before->name());
    std::string old_parent = before ? before->parent() : "";
    std::string new_parent = after != nullptr ? after->parent() : "";
    if (!old_parent.empty() && IdOf(old_parent) != IdOf(new_parent)) {
      batch.Delete(kIndexColumnFamily, ChildKey(IdOf(old_parent), id));
    }
    if (!new_parent.empty()) batch.Put(kIndexColumnFamily, ChildKey(IdOf(new_parent), id), "");
  }

  absl::Status RefuseDelete(const DeleteRequest& request, const v1::Agency& existing) const {
    ASSIGN_OR_RETURN(auto children, core->store().ScanPrefix(
                                        kIndexColumnFamily, ChildPrefix(IdOf(existing.name())), 4));
    if (children.empty()) return absl::OkStatus();
    std::vector<std::string> names;
    for (const auto& row : children) {
      names.push_back(MakeName("agencies", SecondStringOf(row.key).value_or("?")));
    }
    return FailedPrecondition("AGENCY_HAS_CHILDREN",
                              absl::StrCat(request.name(), " still has child agencies (",
                                           absl::StrJoin(names, ", "),
                                           children.size() > 3 ? ", …" : "",
                                           "); delete or move them first"),
                              request.name());
  }
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

  absl::Status Validate(const v1::Dimension& dimension, ViolationList& violations) const {
    ValidateDimension(dimension, Field(), violations);
    return absl::OkStatus();
  }
};

struct IndicatorPolicy
    : ReferenceDataPolicy<IndicatorPolicy, v1::Indicator, v1::CreateIndicatorRequest,
                          v1::UpdateIndicatorRequest, v1::DeleteIndicatorRequest> {
  static constexpr SimpleKind kKind = {"indicators", kTagIndicator};
  using ReferenceDataPolicy::ReferenceDataPolicy;

  static std::set<std::string> References(const v1::Indicator& i) {
    std::set<std::string> refs(i.dimensions().begin(), i.dimensions().end());
    if (!i.numerator().empty()) refs.insert(i.numerator());
    if (!i.denominator().empty()) refs.insert(i.denominator());
    for (const auto& rule : i.rules()) refs.insert(rule.other());
    return refs;
  }

  absl::Status Validate(const v1::Indicator& indicator, ViolationList& violations) const {
    return ValidateIndicator(indicator, *core, Field(), violations);
  }
};

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

// Tasks: rooted in their plan, whose issuer's reach decides who may write
// them; their outline is their id; sub-tasks block a delete; nothing in
// the registry refers to a task.
struct TaskPolicy : CorePolicy<TaskPolicy, v1::Task, v1::CreateTaskRequest,
                               v1::UpdateTaskRequest, v1::DeleteTaskRequest> {
  static constexpr bool kRefusedWhileReferenced = false;
  using CorePolicy::CorePolicy;

  static absl::StatusOr<std::string> KeyOf(absl::string_view name, absl::string_view field) {
    ASSIGN_OR_RETURN(TaskNameParts parts, ParseTaskName(name, field));
    return TaskKey(parts.plan_id, parts.outline);
  }
  static absl::StatusOr<v1::Task> Named(const CreateRequest& request) {
    ASSIGN_OR_RETURN(std::string plan_id, ParseSimpleName(request.parent(), "plans", "parent"));
    v1::Task task = request.task();
    if (!IsValidOutlineCode(task.outline())) {
      return InvalidField("task.outline", "required: letters, digits and dots, like A.II.1.2");
    }
    task.set_name(MakeTaskName(plan_id, task.outline()));
    return task;
  }
  static void FollowName(v1::Task& task) {
    absl::StatusOr<TaskNameParts> parts = ParseTaskName(task.name(), "name");
    if (parts.ok()) task.set_outline(parts->outline);
  }

  static std::set<std::string> References(const v1::Task& t) {
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

  absl::Status AuthorizeWrite(const Caller& caller, const std::optional<v1::Task>&,
                              const v1::Task& task) const {
    ASSIGN_OR_RETURN(std::string plan_id, PlanIdOf(task.name()));
    ASSIGN_OR_RETURN(v1::Plan plan,
                     core->GetOrNotFound<v1::Plan>(PlanKey(plan_id), MakeName("plans", plan_id)));
    return core->AuthorizePlan(caller, task.name(), plan.issuer(), plan.issuer(),
                               AssigneesOf({task}));
  }
  absl::Status AuthorizeDelete(const Caller& caller, absl::string_view name,
                               const std::optional<v1::Task>&) const {
    ASSIGN_OR_RETURN(std::string plan_id, PlanIdOf(name));
    ASSIGN_OR_RETURN(std::optional<v1::Plan> plan, core->Read<v1::Plan>(PlanKey(plan_id)));
    return core->AuthorizePlan(caller, name, plan ? plan->issuer() : "", "", {});
  }
  absl::Status Validate(const v1::Task& task, ViolationList& violations) const {
    ASSIGN_OR_RETURN(std::string plan_id, PlanIdOf(task.name()));
    StoredTasks lookup(core, plan_id);
    return ValidateTask(task, plan_id, *core, lookup, Field(), violations);
  }
  // A task without a place in the document goes where it was, else last.
  absl::Status Complete(v1::Task& task, const std::optional<v1::Task>& before) const {
    if (task.sequence() != 0) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::string plan_id, PlanIdOf(task.name()));
    ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, core->PlanTasks(plan_id));
    int max_sequence = 0;
    for (const v1::Task& t : tasks) max_sequence = std::max(max_sequence, t.sequence());
    task.set_sequence(before && before->sequence() > 0 ? before->sequence() : max_sequence + 1);
    return absl::OkStatus();
  }

  absl::Status RefuseDelete(const DeleteRequest& request, const v1::Task&) const {
    ASSIGN_OR_RETURN(std::string plan_id, PlanIdOf(request.name()));
    ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, core->PlanTasks(plan_id));
    for (const v1::Task& t : tasks) {
      if (t.parent() == request.name()) {
        return FailedPrecondition("TASK_HAS_CHILDREN",
                                  absl::StrCat(request.name(), " still has sub-tasks (", t.name(),
                                               "); delete them first"),
                                  request.name());
      }
    }
    return absl::OkStatus();
  }

  static absl::StatusOr<std::string> PlanIdOf(absl::string_view task_name) {
    ASSIGN_OR_RETURN(TaskNameParts parts, ParseTaskName(task_name, "name"));
    return parts.plan_id;
  }
};
using TaskTable = ResourceTable<TaskPolicy>;

// Plans: their issuer's reach decides who may write them and whom their
// tasks may bind; their tasks go with them only when forced.
struct PlanPolicy : CorePolicy<PlanPolicy, v1::Plan, v1::CreatePlanRequest,
                               v1::UpdatePlanRequest, v1::DeletePlanRequest> {
  static constexpr SimpleKind kKind = {"plans", kTagPlan};
  using CorePolicy::CorePolicy;

  static std::set<std::string> References(const v1::Plan& p) {
    std::set<std::string> refs;
    if (!p.issuer().empty()) refs.insert(p.issuer());
    if (!p.compiler().empty()) refs.insert(p.compiler());
    if (absl::StartsWith(p.implements(), "plans/")) refs.insert(p.implements());
    for (const v1::IndicatorMapping& m : p.indicator_mappings()) refs.insert(m.indicator());
    return refs;
  }

  absl::Status AuthorizeWrite(const Caller& caller, const std::optional<v1::Plan>& before,
                              const v1::Plan& plan) const {
    std::vector<v1::Task> tasks;
    if (before) {
      ASSIGN_OR_RETURN(tasks, core->PlanTasks(IdOf(plan.name())));
    }
    return core->AuthorizePlan(caller, plan.name(), before ? before->issuer() : "",
                               plan.issuer(), RegistryCore::PlanAssignees(plan, tasks));
  }
  absl::Status AuthorizeDelete(const Caller& caller, absl::string_view name,
                               const std::optional<v1::Plan>& existing) const {
    return core->AuthorizePlan(caller, name, existing ? existing->issuer() : "", "", {});
  }
  absl::Status Validate(const v1::Plan& plan, ViolationList& violations) const {
    return ValidatePlan(plan, *core, Field(), violations);
  }

  absl::Status DeleteDependents(WriteBatch& batch, const DeleteRequest& request,
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
};
using PlanTable = ResourceTable<PlanPolicy>;

}  // namespace


// The registry: a table for each resource kind, their lists, and plan
// import and export. Members are the Registry's (see there); the tables
// are views of this object.
class Registry::Impl : public RegistryCore {
 public:
  Impl(storage::KvStore* store, const AccessPolicy* policy, AuditLog* audit,
       PlanDocumentParser parser, PlanCsvWriter csv_writer)
      : RegistryCore(store, policy, audit),
        parser_(std::move(parser)),
        csv_writer_(std::move(csv_writer)) {}

  absl::StatusOr<v1::ListAgenciesResponse> ListAgencies(
      const v1::ListAgenciesRequest& request) const {
    ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
    std::string query = absl::StrCat("parent=", request.parent(), ";kind=", request.kind(),
                                     ";prefix=", request.id_prefix());
    ASSIGN_OR_RETURN(std::string after, DecodePageToken(request.page_token(), query));
    v1::ListAgenciesResponse response;
    std::string last_id;
    bool more = false;
    auto consider = [&](const v1::Agency& agency) -> bool {
      if (static_cast<int>(response.agencies_size()) == page_size) {
        more = true;
        return false;
      }
      std::string id = IdOf(agency.name());
      if (request.kind() != v1::AGENCY_KIND_UNSPECIFIED && agency.kind() != request.kind()) {
        return true;
      }
      if (!absl::StartsWith(id, request.id_prefix())) return true;
      *response.add_agencies() = agency;
      last_id = id;
      return true;
    };
    absl::Status inner = absl::OkStatus();
    if (!request.parent().empty()) {
      // A parent that does not exist has no children, but is a mistake:
      // NOT_FOUND (AIP-132), with what it probably meant.
      if (!ParseSimpleName(request.parent(), "agencies", "parent").ok()) {
        return UnknownAgencyError(request.parent(), "parent");
      }
      std::string parent_id = IdOf(request.parent());
      ASSIGN_OR_RETURN(std::optional<std::string> parent,
                       store().Get(kResourcesColumnFamily, AgencyKey(parent_id)));
      if (!parent) return UnknownAgencyError(request.parent(), "");
      std::string prefix = ChildPrefix(parent_id);
      std::string start = after.empty() ? prefix : ChildKey(parent_id, after) + '\0';
      RETURN_IF_ERROR(store().Scan(
          kIndexColumnFamily, start, storage::PrefixEnd(prefix),
          [&](absl::string_view key, absl::string_view) {
            std::optional<std::string> child = SecondStringOf(key);
            if (!child) return true;
            auto agency = Read<v1::Agency>(AgencyKey(*child));
            if (!agency.ok()) {
              inner = agency.status();
              return false;
            }
            return !*agency || consider(**agency);
          }));
    } else {
      std::string prefix = TagPrefix(kTagAgency);
      std::string start = prefix;
      if (!after.empty()) start = AgencyKey(after) + '\0';
      else if (!request.id_prefix().empty()) start = ResourceIdPrefixStart(kTagAgency, request.id_prefix());
      RETURN_IF_ERROR(store().Scan(
          kResourcesColumnFamily, start, storage::PrefixEnd(prefix),
          [&](absl::string_view, absl::string_view value) {
            v1::Agency agency;
            if (!agency.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
              inner = absl::DataLossError("corrupt agency record");
              return false;
            }
            if (!request.id_prefix().empty() &&
                IdOf(agency.name()) > request.id_prefix() &&
                !absl::StartsWith(IdOf(agency.name()), request.id_prefix())) {
              return false;  // past the prefix range
            }
            return consider(agency);
          }));
    }
    RETURN_IF_ERROR(inner);
    if (more) response.set_next_page_token(EncodePageToken(last_id, query));
    return response;
  }

  template <typename Resource, typename Response>
  absl::StatusOr<Response> ListSimple(uint8_t tag, int requested_size,
                                      const std::string& page_token,
                                      const std::function<bool(const Resource&)>& keep,
                                      const std::string& query,
                                      google::protobuf::RepeatedPtrField<Resource>* (Response::*field)()) const {
    ASSIGN_OR_RETURN(int page_size, EffectivePageSize(requested_size));
    ASSIGN_OR_RETURN(std::string after, DecodePageToken(page_token, query));
    std::string prefix = TagPrefix(tag);
    std::string start = after.empty() ? prefix : ResourceKey(tag, after) + '\0';
    Response response;
    std::string last_id;
    bool more = false;
    absl::Status inner = absl::OkStatus();
    RETURN_IF_ERROR(store().Scan(
        kResourcesColumnFamily, start, storage::PrefixEnd(prefix),
        [&](absl::string_view, absl::string_view value) {
          Resource resource;
          if (!resource.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            inner = absl::DataLossError("corrupt registry record");
            return false;
          }
          if (!keep(resource)) return true;
          auto* list = (response.*field)();
          if (list->size() == page_size) {
            more = true;
            return false;
          }
          last_id = IdOf(resource.name());
          *list->Add() = std::move(resource);
          return true;
        }));
    RETURN_IF_ERROR(inner);
    if (more) response.set_next_page_token(EncodePageToken(last_id, query));
    return response;
  }

  absl::StatusOr<v1::ListTasksResponse> ListTasks(const v1::ListTasksRequest& request) const {
    ASSIGN_OR_RETURN(std::string plan_id, ParseSimpleName(request.parent(), "plans", "parent"));
    ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
    std::string query = absl::StrCat(request.parent(), ";assignee=", request.assignee());
    ASSIGN_OR_RETURN(std::string after, DecodePageToken(request.page_token(), query));
    ASSIGN_OR_RETURN(bool plan_exists, PlanExists(request.parent()));
    if (!plan_exists) return NotFound(request.parent());
    ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, PlanTasks(plan_id));
    int after_sequence = -1;
    std::string after_outline;
    if (!after.empty()) {
      std::vector<std::string> parts = absl::StrSplit(after, absl::MaxSplits(':', 1));
      if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &after_sequence)) {
        return InvalidField("page_token", "malformed page token");
      }
      after_outline = parts[1];
    }
    v1::ListTasksResponse response;
    for (const v1::Task& task : tasks) {
      if (after_sequence >= 0 &&
          std::make_pair(task.sequence(), task.outline()) <=
              std::make_pair(after_sequence, after_outline)) {
        continue;
      }
      if (!request.assignee().empty()) {
        bool assigned = false;
        for (const auto* list : {&task.lead(), &task.coordinating()}) {
          for (const v1::Assignment& a : *list) assigned = assigned || a.agency() == request.assignee();
        }
        if (!assigned) continue;
      }
      if (response.tasks_size() == page_size) {
        response.set_next_page_token(
            EncodePageToken(TaskPosition(response.tasks(page_size - 1)), query));
        break;
      }
      *response.add_tasks() = task;
    }
    return response;
  }

  // ---- Import and export ----

  // FAILED_PRECONDITION naming, in Vietnamese, each gap of `report` (what the
  // document did not say and the official must supply); INVALID_ARGUMENT
  // when it holds no task at all; OK without gaps.
  static absl::Status RefuseGaps(const v1::ImportReport& report, const std::string& plan_name) {
    if (report.diagnostics().empty()) return absl::OkStatus();
    for (const v1::ImportDiagnostic& d : report.diagnostics()) {
      if (d.code() == "NO_TASKS") {
        return WithVietnamese(InvalidField("content", d.message_en(), "NO_TASKS"),
                              absl::StrCat(d.message(), " ", d.remedy()));
      }
    }
    std::string vietnamese = absl::StrCat("Chưa lưu kế hoạch: còn ", report.diagnostics_size(),
                                          " điểm văn bản chưa nêu hoặc chưa đọc được, cần bổ sung:");
    std::vector<std::string> english;
    for (int i = 0; i < report.diagnostics_size(); ++i) {
      const v1::ImportDiagnostic& d = report.diagnostics(i);
      absl::StrAppend(&vietnamese, "\n", i + 1, ". ", d.message(), " ", d.remedy());
      english.push_back(absl::StrCat(d.code(), " (", d.field(), "): ", d.message_en()));
    }
    return WithVietnamese(
        FailedPrecondition("IMPORT_GAPS",
                           absl::StrCat(report.diagnostics_size(),
                                        " things the document does not state must be supplied "
                                        "before the plan is stored: ",
                                        absl::StrJoin(english, "; "),
                                        " (run with validate_only to see each with its remedy)"),
                           plan_name),
        vietnamese);
  }

  // The field violations of a dry run's bundle as diagnostics of `report`,
  // except those a gap already names.
  static void AddInvalidFields(const ViolationList& violations, v1::ImportReport* report) {
    std::vector<std::string> named;
    for (const v1::ImportDiagnostic& d : report->diagnostics()) named.push_back(d.field());
    for (const FieldViolation& v : violations.violations()) {
      bool covered = std::any_of(named.begin(), named.end(), [&](const std::string& f) {
        return !f.empty() && absl::StartsWith(v.field, f);
      });
      if (covered) continue;
      v1::ImportDiagnostic* d = report->add_diagnostics();
      d->set_code("INVALID_FIELD");
      d->set_field(v.field);
      d->set_message(absl::StrCat("Trường ", v.field, " chưa hợp lệ: ", v.description, "."));
      d->set_remedy("Sửa văn bản hoặc bổ sung giá trị này rồi chạy thử lại.");
      d->set_message_en(absl::StrCat(v.field, ": ", v.description));
    }
    report->mutable_counts()->set_diagnostics(report->diagnostics_size());
  }

  // Parses the request's content into a bundle and a report.
  absl::StatusOr<v1::ImportPlanResponse> ParseImport(const v1::ImportPlanRequest& request) const {
    if (request.content().empty()) {
      return InvalidField("content", "the file is empty", "EMPTY_INPUT");
    }
    if (request.content().size() > kMaxImportBytes) {
      return WithVietnamese(
          InvalidField("content",
                       absl::StrCat("the file is ", request.content().size() >> 20,
                                    " MB; a plan is at most 10 MB"),
                       "INPUT_TOO_LARGE"),
          absl::StrCat("Tệp quá lớn (", request.content().size() >> 20,
                       " MB); một kế hoạch tối đa 10 MB. Tệp không được đọc."));
    }
    if (!parser_) {
      return absl::FailedPreconditionError("this server was built without the plan reader");
    }
    ASSIGN_OR_RETURN(std::vector<v1::Agency> agencies, AgenciesNamable(request.issuer()));
    return parser_(request, agencies);
  }

  // The agencies a plan of `issuer` may name: those within the issuer's
  // reach (a plan binds no one else, see AccessPolicy::CheckWritePlan) and
  // the issuer's ancestors (the groups it may name, like "các bộ, ngành
  // liên quan"). A name outside them stays unresolved, for the official to
  // see, rather than resolving to a namesake in another province. Every
  // agency when the issuer is not known (validation refuses it later).
  absl::StatusOr<std::vector<v1::Agency>> AgenciesNamable(absl::string_view issuer) const {
    ASSIGN_OR_RETURN(std::vector<v1::Agency> all, AllAgencies());
    ASSIGN_OR_RETURN(std::optional<v1::Agency> known, FindAgency(issuer));
    if (!known) return all;
    std::set<std::string> ancestors;
    for (std::string at = known->parent(); !at.empty() && ancestors.size() < 64;) {
      if (!ancestors.insert(at).second) break;
      ASSIGN_OR_RETURN(std::optional<v1::Agency> node, FindAgency(at));
      if (!node) break;
      at = node->parent();
    }
    std::vector<v1::Agency> namable;
    for (v1::Agency& agency : all) {
      ASSIGN_OR_RETURN(bool reach, access().InReach(*this, issuer, agency.name()));
      if (reach || ancestors.count(agency.name())) namable.push_back(std::move(agency));
    }
    return namable;
  }

  absl::StatusOr<v1::ImportPlanResponse> ImportPlan(const Caller& caller,
                                                    const v1::ImportPlanRequest& request) {
    RETURN_IF_ERROR(access().CheckImportPlan(caller, *this, request.issuer()));
    ASSIGN_OR_RETURN(v1::ImportPlanResponse parsed, ParseImport(request));
    v1::PlanBundle& bundle = *parsed.mutable_bundle();
    v1::ImportReport& report = *parsed.mutable_report();

    // The plan's id: given (which renames the plan in the file), else the
    // bundle's own.
    std::string plan_id = request.plan_id();
    if (plan_id.empty() && !bundle.plan().name().empty()) plan_id = IdOf(bundle.plan().name());
    if (plan_id.empty() || !IsValidSlugId(plan_id)) {
      return InvalidField("plan_id", plan_id.empty()
                                         ? "required: the file names no plan"
                                         : absl::StrCat(QuoteInput(plan_id), " is not a valid id"));
    }
    std::string plan_name = MakeName("plans", plan_id);
    bundle.mutable_plan()->set_name(plan_name);
    bundle.mutable_plan()->clear_etag();
    if (!request.issuer().empty() && bundle.plan().issuer().empty()) {
      bundle.mutable_plan()->set_issuer(request.issuer());
    }
    ViolationList violations;
    std::map<std::string, int> depth_counts;
    for (int i = 0; i < bundle.tasks_size(); ++i) {
      v1::Task& task = *bundle.mutable_tasks(i);
      std::string field = absl::StrCat("bundle.tasks[", i, "]");
      if (!IsValidOutlineCode(task.outline())) {
        violations.Add(field + ".outline", "required: letters, digits and dots, like A.II.1.2");
        continue;
      }
      std::string expected = MakeTaskName(plan_id, task.outline());
      if (!task.name().empty() && task.name() != expected &&
          IdOf(task.name()) != task.outline()) {
        violations.Add(field + ".name",
                       absl::StrCat(QuoteInput(task.name()), " does not match outline \"",
                                    task.outline(), "\""));
      }
      // Parents named under another plan id (a renamed import) follow the plan.
      if (!task.parent().empty()) {
        auto parent = ParseTaskName(task.parent(), field + ".parent");
        if (parent.ok()) task.set_parent(MakeTaskName(plan_id, parent->outline));
      }
      task.set_name(expected);
      task.clear_etag();
      if (task.sequence() == 0) task.set_sequence(i + 1);
      ++depth_counts[absl::StrCat(OutlineDepth(task.outline()))];
    }
    RETURN_IF_ERROR(violations.ToStatus());
    report.clear_level_counts();
    for (int depth = 1; depth <= 16; ++depth) {
      auto it = depth_counts.find(absl::StrCat(depth));
      if (it == depth_counts.end()) continue;
      auto* count = report.add_level_counts();
      count->set_level(depth);
      count->set_count(it->second);
    }
    report.set_task_count(bundle.tasks_size());

    NormalizeStrings(*bundle.mutable_plan(), "bundle.plan", violations);
    for (int i = 0; i < bundle.tasks_size(); ++i) {
      NormalizeStrings(*bundle.mutable_tasks(i), absl::StrCat("bundle.tasks[", i, "]"), violations);
    }
    RETURN_IF_ERROR(violations.ToStatus());

    // The rest runs on the registry's one write path, under its write
    // mutex (the file was read and normalized outside it). The request is
    // keyed by its plan id, derived from the file when not given, so that
    // the audit record names the plan; a retry derives the same id.
    v1::ImportPlanRequest keyed = request;
    keyed.set_plan_id(plan_id);
    return Mutate<v1::ImportPlanResponse>(
        caller, keyed, "ImportPlan", request.validate_only(),
        [&](WriteBatch& batch) -> absl::StatusOr<v1::ImportPlanResponse> {
          ASSIGN_OR_RETURN(std::optional<v1::Plan> existing, Read<v1::Plan>(PlanKey(plan_id)));
          // A table carries tasks only: it corrects the task list of an existing
          // plan, whose header (symbol, title, years, schedule) it keeps.
          bool table_only =
              request.format() == v1::IMPORT_FORMAT_CSV || report.format() == v1::IMPORT_FORMAT_CSV;
          if (table_only && bundle.plan().symbol().empty()) {
            if (!existing) {
              return InvalidField(
                  "plan_id",
                  absl::StrCat("plans/", plan_id,
                               " does not exist and a table carries no plan "
                               "header (symbol, title, years): import the table into an existing "
                               "plan, or import the document's full text"));
            }
            v1::Plan kept = *existing;
            kept.clear_etag();
            *bundle.mutable_plan() = std::move(kept);
          }
          std::vector<v1::Task> bundle_tasks(bundle.tasks().begin(), bundle.tasks().end());
          RETURN_IF_ERROR(AuthorizePlan(caller, plan_name, existing ? existing->issuer() : "",
                                        bundle.plan().issuer(),
                                        PlanAssignees(bundle.plan(), bundle_tasks)));
          // What the document left out must be supplied before the plan is stored.
          if (!request.validate_only()) RETURN_IF_ERROR(RefuseGaps(report, plan_name));
          RETURN_IF_ERROR(ValidatePlan(bundle.plan(), *this, "bundle.plan", violations));
          BundleTasks lookup(bundle);
          for (int i = 0; i < bundle.tasks_size(); ++i) {
            std::string field = absl::StrCat("bundle.tasks[", i, "]");
            if (lookup.IsDuplicate(i)) {
              violations.Add(field + ".outline",
                             absl::StrCat(QuoteInput(bundle.tasks(i).outline()), " appears twice"));
            }
            RETURN_IF_ERROR(
                ValidateTask(bundle.tasks(i), plan_id, *this, lookup, field, violations));
          }
          // A dry run of a published document shows what it read, the fields
          // still invalid among its diagnostics; a canonical file is refused.
          bool document = report.format() != v1::IMPORT_FORMAT_JSON &&
                          report.format() != v1::IMPORT_FORMAT_UNSPECIFIED;
          if (request.validate_only() && document) {
            AddInvalidFields(violations, &report);
          } else {
            RETURN_IF_ERROR(violations.ToStatus());
          }

          // Stored resources carry etags; the response shows them.
          *bundle.mutable_plan() = WithEtag(bundle.plan());
          for (v1::Task& task : *bundle.mutable_tasks()) task = WithEtag(std::move(task));
          if (request.validate_only()) {
            parsed.set_committed(false);
            return parsed;
          }
          if (report.unresolved_agencies_size() > 0) {
            std::vector<std::string> names;
            for (const auto& u : report.unresolved_agencies()) names.push_back(u.text());
            return FailedPrecondition(
                "UNRESOLVED_AGENCIES",
                absl::StrCat(report.unresolved_agencies_size(), " agency names did not resolve (",
                             absl::StrJoin(names, "; "),
                             "); add them as agencies or aliases, or fix the document, then "
                             "import again (run with --dry-run to see the candidates)"),
                plan_name);
          }

          RETURN_IF_ERROR(PlanTable::Put(batch, existing, bundle.plan()));
          ASSIGN_OR_RETURN(std::vector<v1::Task> old_tasks, PlanTasks(plan_id));
          std::map<std::string, v1::Task> old_by_outline;
          for (v1::Task& t : old_tasks) old_by_outline[t.outline()] = std::move(t);
          for (const v1::Task& task : bundle.tasks()) {
            std::optional<v1::Task> before;
            auto it = old_by_outline.find(task.outline());
            if (it != old_by_outline.end()) {
              before = std::move(it->second);
              old_by_outline.erase(it);
            }
            RETURN_IF_ERROR(TaskTable::Put(batch, before, task));
          }
          for (const auto& [outline, task] : old_by_outline) {
            RETURN_IF_ERROR(TaskTable::Remove(batch, task));
          }
          parsed.set_committed(true);
          return parsed;
        });
  }

  absl::StatusOr<v1::ExportPlanResponse> ExportPlan(const v1::ExportPlanRequest& request) const {
    ASSIGN_OR_RETURN(v1::Plan plan, plan_table_.Get(request.name()));
    ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, PlanTasks(IdOf(plan.name())));
    v1::ExportPlanResponse response;
    v1::PlanBundle& bundle = *response.mutable_bundle();
    *bundle.mutable_plan() = std::move(plan);
    bundle.mutable_plan()->clear_etag();
    for (v1::Task& task : tasks) {
      task.clear_etag();
      *bundle.add_tasks() = std::move(task);
    }
    if (request.format() == v1::EXPORT_FORMAT_CSV) {
      if (!csv_writer_) {
        return InvalidField("format", "CSV export is not available on this server");
      }
      ASSIGN_OR_RETURN(std::vector<v1::Agency> agencies, AllAgencies());
      response.set_content(csv_writer_(bundle, agencies));
    }
    return response;
  }

  ResourceTable<AgencyPolicy> agency_table_{this, AgencyPolicy(this)};
  ResourceTable<DimensionPolicy> dimension_table_{this, DimensionPolicy(this)};
  ResourceTable<IndicatorPolicy> indicator_table_{this, IndicatorPolicy(this)};
  PlanTable plan_table_{this, PlanPolicy(this)};
  TaskTable task_table_{this, TaskPolicy(this)};
  PlanDocumentParser parser_;
  PlanCsvWriter csv_writer_;
};

Registry::Registry(storage::KvStore* store, const AccessPolicy* policy, AuditLog* audit,
                   PlanDocumentParser parser, PlanCsvWriter csv_writer)
    : impl_(std::make_shared<Impl>(store, policy, audit, std::move(parser),
                                   std::move(csv_writer))) {}

AuditLog& Registry::audit_log() const { return impl_->audit(); }

const AgencyDirectory& Registry::agencies() const { return *impl_; }

absl::StatusOr<std::string> Registry::MutateMessage(const Caller& caller,
                                                    const google::protobuf::Message& request,
                                                    absl::string_view method, bool validate_only,
                                                    const MessageApply& apply) {
  return impl_->MutateMessage(caller, request, method, validate_only, apply);
}

void Registry::PutReference(WriteBatch& batch, absl::string_view target,
                            absl::string_view referrer, bool present) const {
  impl_->PutReference(batch, target, referrer, present);
}

absl::StatusOr<v1::Agency> Registry::GetAgency(absl::string_view name) const {
  // A name that is no agency's is answered with what it probably meant.
  if (!ParseSimpleName(name, "agencies", "name").ok()) {
    return impl_->UnknownAgencyError(name, "name");
  }
  ASSIGN_OR_RETURN(std::optional<v1::Agency> agency, impl_->agency_table_.Find(name));
  if (!agency) return impl_->UnknownAgencyError(name, "");
  return *std::move(agency);
}
absl::StatusOr<v1::ListAgenciesResponse> Registry::ListAgencies(
    const v1::ListAgenciesRequest& request) const {
  return impl_->ListAgencies(request);
}
absl::StatusOr<v1::Agency> Registry::CreateAgency(const Caller& caller,
                                                  const v1::CreateAgencyRequest& request) {
  return impl_->agency_table_.Create(caller, request);
}
absl::StatusOr<v1::Agency> Registry::UpdateAgency(const Caller& caller,
                                                  const v1::UpdateAgencyRequest& request) {
  return impl_->agency_table_.Update(caller, request);
}
absl::Status Registry::DeleteAgency(const Caller& caller, const v1::DeleteAgencyRequest& request) {
  return impl_->agency_table_.Delete(caller, request);
}

absl::StatusOr<v1::Dimension> Registry::GetDimension(absl::string_view name) const {
  return impl_->dimension_table_.Get(name);
}
absl::StatusOr<v1::ListDimensionsResponse> Registry::ListDimensions(
    const v1::ListDimensionsRequest& request) const {
  return impl_->ListSimple<v1::Dimension, v1::ListDimensionsResponse>(
      kTagDimension, request.page_size(), request.page_token(),
      [](const v1::Dimension&) { return true; }, "dimensions",
      &v1::ListDimensionsResponse::mutable_dimensions);
}
absl::StatusOr<v1::Dimension> Registry::CreateDimension(
    const Caller& caller, const v1::CreateDimensionRequest& request) {
  return impl_->dimension_table_.Create(caller, request);
}
absl::StatusOr<v1::Dimension> Registry::UpdateDimension(
    const Caller& caller, const v1::UpdateDimensionRequest& request) {
  return impl_->dimension_table_.Update(caller, request);
}
absl::Status Registry::DeleteDimension(const Caller& caller,
                                       const v1::DeleteDimensionRequest& request) {
  return impl_->dimension_table_.Delete(caller, request);
}

absl::StatusOr<v1::Indicator> Registry::GetIndicator(absl::string_view name) const {
  return impl_->indicator_table_.Get(name);
}
absl::StatusOr<v1::ListIndicatorsResponse> Registry::ListIndicators(
    const v1::ListIndicatorsRequest& request) const {
  return impl_->ListSimple<v1::Indicator, v1::ListIndicatorsResponse>(
      kTagIndicator, request.page_size(), request.page_token(),
      [](const v1::Indicator&) { return true; }, "indicators",
      &v1::ListIndicatorsResponse::mutable_indicators);
}
absl::StatusOr<v1::Indicator> Registry::CreateIndicator(
    const Caller& caller, const v1::CreateIndicatorRequest& request) {
  return impl_->indicator_table_.Create(caller, request);
}
absl::StatusOr<v1::Indicator> Registry::UpdateIndicator(
    const Caller& caller, const v1::UpdateIndicatorRequest& request) {
  return impl_->indicator_table_.Update(caller, request);
}
absl::Status Registry::DeleteIndicator(const Caller& caller,
                                       const v1::DeleteIndicatorRequest& request) {
  return impl_->indicator_table_.Delete(caller, request);
}

absl::StatusOr<v1::Plan> Registry::GetPlan(absl::string_view name) const {
  return impl_->plan_table_.Get(name);
}
absl::StatusOr<v1::ListPlansResponse> Registry::ListPlans(
    const v1::ListPlansRequest& request) const {
  std::string issuer = request.issuer();
  return impl_->ListSimple<v1::Plan, v1::ListPlansResponse>(
      kTagPlan, request.page_size(), request.page_token(),
      [issuer](const v1::Plan& p) { return issuer.empty() || p.issuer() == issuer; },
      absl::StrCat("plans;issuer=", issuer), &v1::ListPlansResponse::mutable_plans);
}
absl::StatusOr<v1::Plan> Registry::CreatePlan(const Caller& caller,
                                              const v1::CreatePlanRequest& request) {
  return impl_->plan_table_.Create(caller, request);
}
absl::StatusOr<v1::Plan> Registry::UpdatePlan(const Caller& caller,
                                              const v1::UpdatePlanRequest& request) {
  return impl_->plan_table_.Update(caller, request);
}
absl::Status Registry::DeletePlan(const Caller& caller, const v1::DeletePlanRequest& request) {
  return impl_->plan_table_.Delete(caller, request);
}

absl::StatusOr<v1::Task> Registry::GetTask(absl::string_view name) const {
  return impl_->task_table_.Get(name);
}
absl::StatusOr<v1::ListTasksResponse> Registry::ListTasks(
    const v1::ListTasksRequest& request) const {
  return impl_->ListTasks(request);
}
absl::StatusOr<v1::Task> Registry::CreateTask(const Caller& caller,
                                              const v1::CreateTaskRequest& request) {
  return impl_->task_table_.Create(caller, request);
}
absl::StatusOr<v1::Task> Registry::UpdateTask(const Caller& caller,
                                              const v1::UpdateTaskRequest& request) {
  return impl_->task_table_.Update(caller, request);
}
absl::Status Registry::DeleteTask(const Caller& caller, const v1::DeleteTaskRequest& request) {
  return impl_->task_table_.Delete(caller, request);
}

absl::StatusOr<v1::ImportPlanResponse> Registry::ImportPlan(
    const Caller& caller, const v1::ImportPlanRequest& request) {
  return AuditRefusal(impl_->audit(), caller, "ImportPlan", request,
                      impl_->ImportPlan(caller, request));
}
absl::StatusOr<v1::ExportPlanResponse> Registry::ExportPlan(
    const v1::ExportPlanRequest& request) const {
  return impl_->ExportPlan(request);
}

}  // namespace tonghop::registry
