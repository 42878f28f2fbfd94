#include "services/registry/registry_core.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/resource_names.h"

namespace tonghop::registry {
namespace {

using google::protobuf::Message;
using storage::WriteBatch;

// Task outlines order by document position, then code.
bool TaskBefore(const v1::Task& a, const v1::Task& b) {
  if (a.sequence() != b.sequence()) return a.sequence() < b.sequence();
  return a.outline() < b.outline();
}

}  // namespace

absl::StatusOr<std::optional<v1::Agency>> RegistryCore::FindAgency(absl::string_view name) const {
  if (!absl::StartsWith(name, "agencies/")) return std::optional<v1::Agency>();
  return Read<v1::Agency>(AgencyKey(IdOf(name)));
}

absl::StatusOr<bool> RegistryCore::DimensionExists(absl::string_view name) const {
  return Exists("dimensions/", name, &DimensionKey);
}

absl::StatusOr<std::optional<v1::Dimension>> RegistryCore::FindDimension(
    absl::string_view name) const {
  if (!absl::StartsWith(name, "dimensions/")) return std::optional<v1::Dimension>();
  return Read<v1::Dimension>(DimensionKey(IdOf(name)));
}

absl::StatusOr<std::optional<v1::Indicator>> RegistryCore::FindIndicator(
    absl::string_view name) const {
  if (!absl::StartsWith(name, "indicators/")) return std::optional<v1::Indicator>();
  return Read<v1::Indicator>(IndicatorKey(IdOf(name)));
}

absl::StatusOr<bool> RegistryCore::PlanExists(absl::string_view name) const {
  return Exists("plans/", name, &PlanKey);
}

std::string RegistryCore::SuggestAgency(absl::string_view input) const {
  std::shared_ptr<const AgencyMatcher> matcher = Matcher();
  return matcher == nullptr ? "" : matcher->DidYouMean(input);
}

std::shared_ptr<const AgencyMatcher> RegistryCore::Matcher() const {
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

absl::Status RegistryCore::UnknownAgencyError(absl::string_view input,
                                              absl::string_view field) const {
  std::shared_ptr<const AgencyMatcher> matcher = Matcher();
  return UnknownAgency(input, field, matcher != nullptr ? *matcher : AgencyMatcher({}));
}

absl::StatusOr<std::optional<std::string>> RegistryCore::ReadRecord(const std::string& key) const {
  return store_->Get(kResourcesColumnFamily, key);
}

absl::StatusOr<bool> RegistryCore::Exists(absl::string_view collection, absl::string_view name,
                                          std::string (*key)(absl::string_view)) const {
  if (!absl::StartsWith(name, collection)) return false;
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, ReadRecord(key(IdOf(name))));
  return bytes.has_value();
}

absl::StatusOr<std::vector<std::string>> RegistryCore::Referrers(absl::string_view target,
                                                                 size_t limit) const {
  ASSIGN_OR_RETURN(auto rows,
                   store_->ScanPrefix(kIndexColumnFamily, ReferencePrefix(target), limit));
  std::vector<std::string> out;
  for (const auto& row : rows) {
    if (auto referrer = SecondStringOf(row.key)) out.push_back(*referrer);
  }
  return out;
}

absl::Status RegistryCore::RefuseIfReferenced(absl::string_view name) const {
  ASSIGN_OR_RETURN(std::vector<std::string> referrers, Referrers(name, 6));
  if (referrers.empty()) return absl::OkStatus();
  std::string shown = absl::StrJoin(
      referrers.begin(), referrers.begin() + std::min<size_t>(5, referrers.size()), ", ");
  return FailedPrecondition(
      "RESOURCE_IN_USE",
      absl::StrCat(name, " is still referred to by ", shown,
                   referrers.size() > 5 ? " and others" : "", "; remove those references first"),
      name);
}

absl::StatusOr<std::vector<v1::Task>> RegistryCore::PlanTasks(absl::string_view plan_id) const {
  ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, ScanRecords<v1::Task>(TaskPrefix(plan_id)));
  std::sort(tasks.begin(), tasks.end(), TaskBefore);
  return tasks;
}

absl::StatusOr<std::vector<v1::Agency>> RegistryCore::AllAgencies() const {
  return ScanRecords<v1::Agency>(TagPrefix(kTagAgency));
}

absl::StatusOr<bool> RegistryCore::RegistryHasNoAgencies() const {
  ASSIGN_OR_RETURN(auto rows, store_->ScanPrefix(kResourcesColumnFamily, TagPrefix(kTagAgency), 1));
  return rows.empty();
}

absl::Status RegistryCore::CheckWriteAgency(const Caller& caller,
                                            const std::optional<v1::Agency>& before,
                                            const std::optional<v1::Agency>& after) const {
  ASSIGN_OR_RETURN(bool empty, RegistryHasNoAgencies());
  return policy_->CheckWriteAgency(caller, *this, before, after, empty);
}

std::vector<std::string> RegistryCore::PlanAssignees(const v1::Plan& plan,
                                                     const std::vector<v1::Task>& tasks) {
  std::vector<std::string> assignees = AssigneesOf(tasks);
  if (!plan.compiler().empty()) assignees.push_back(plan.compiler());
  return assignees;
}

absl::Status RegistryCore::AuthorizePlan(const Caller& caller, absl::string_view plan,
                                         absl::string_view issuer_before,
                                         absl::string_view issuer_after,
                                         const std::vector<std::string>& assignees) const {
  ASSIGN_OR_RETURN(bool empty, RegistryHasNoAgencies());
  return policy_->CheckWritePlan(caller, *this, plan, issuer_before, issuer_after, assignees,
                                 empty);
}

absl::StatusOr<std::string> RegistryCore::MutateMessage(const Caller& caller,
                                                        const Message& request,
                                                        absl::string_view method,
                                                        bool validate_only,
                                                        const MessageApply& apply) {
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
  RETURN_IF_ERROR(audit_->Write(batch, MakeAuditEvent(caller, method, request, response.get())));
  generation_.fetch_add(1);
  return answer;
}

void RegistryCore::PutReference(WriteBatch& batch, absl::string_view target,
                                absl::string_view referrer, bool present) const {
  if (present) {
    batch.Put(kIndexColumnFamily, ReferenceKey(target, referrer), "");
  } else {
    batch.Delete(kIndexColumnFamily, ReferenceKey(target, referrer));
  }
}

}  // namespace tonghop::registry
