#ifndef TONGHOP_SERVICES_REGISTRY_REGISTRY_CORE_H_
#define TONGHOP_SERVICES_REGISTRY_REGISTRY_CORE_H_

// What the registry's parts share: its store as they read it, and its one
// write path. Internal to services/registry (registry.cc and the resource
// policies); other code uses Registry.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/common/access_policy.h"
#include "services/common/agency_matcher.h"
#include "services/common/audit_log.h"
#include "services/common/errors.h"
#include "services/common/idempotency.h"
#include "services/common/identity.h"
#include "services/common/status_macros.h"
#include "services/registry/registry.h"
#include "services/registry/registry_schema.h"
#include "services/registry/resource_table.h"
#include "services/registry/validation.h"
#include "storage/kv_store.h"

namespace tonghop::registry {

// The registry's store as the resource policies and the Registry see it:
// reads, the references validation resolves, the agencies the access
// policy walks, and the one write path (MutateMessage: under one mutex, a
// request id seen before answered from the idempotency table, else the
// batch written synced with its idempotency and audit records).
//
// Thread-safe: reads run concurrently, mutations one at a time. Does not
// own the store, the access policy or the audit log, which must outlive it.
class RegistryCore : public ReferenceResolver, public AgencyDirectory, public TableHost {
 public:
  RegistryCore(storage::KvStore* store, const AccessPolicy* policy, AuditLog* audit)
      : store_(store),
        policy_(policy),
        audit_(audit),
        idempotency_(store, kIdempotencyColumnFamily) {}

  // ---- ReferenceResolver (used by validation) and AgencyDirectory (used
  // by the access policy) ----

  absl::StatusOr<std::optional<v1::Agency>> FindAgency(absl::string_view name) const override;
  absl::StatusOr<bool> DimensionExists(absl::string_view name) const override;
  absl::StatusOr<std::optional<v1::Dimension>> FindDimension(absl::string_view name) const override;
  absl::StatusOr<std::optional<v1::Indicator>> FindIndicator(absl::string_view name) const override;
  absl::StatusOr<bool> PlanExists(absl::string_view name) const override;
  std::string SuggestAgency(absl::string_view input) const override;

  // ---- Suggestions for agencies that do not exist ----

  // The registry's agencies as a matcher, built on first use after a write
  // (an error path: lookups of existing agencies never need it); nullptr
  // when the store cannot be read.
  std::shared_ptr<const AgencyMatcher> Matcher() const;

  // The error for an agency reference `input` (field `field`, or "" for a
  // resource name) that names no agency, with what it probably meant.
  absl::Status UnknownAgencyError(absl::string_view input, absl::string_view field) const;

  // ---- Reads ----

  storage::KvStore& store() const { return *store_; }

  absl::StatusOr<std::optional<std::string>> ReadRecord(const std::string& key) const override;

  template <typename T>
  absl::StatusOr<std::optional<T>> Read(const std::string& key) const {
    return ParseRecord<T>(ReadRecord(key));
  }

  template <typename T>
  absl::StatusOr<T> GetOrNotFound(const std::string& key, absl::string_view name) const {
    ASSIGN_OR_RETURN(std::optional<T> value, Read<T>(key));
    if (!value) return NotFound(name);
    return *std::move(value);
  }

  // Whether `name` is of `collection` ("plans/") and stored under key(id).
  absl::StatusOr<bool> Exists(absl::string_view collection, absl::string_view name,
                              std::string (*key)(absl::string_view)) const;

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
  absl::StatusOr<std::vector<v1::Task>> PlanTasks(absl::string_view plan_id) const;

  absl::StatusOr<std::vector<v1::Agency>> AllAgencies() const;

  // Names of up to `limit` resources referring to `target`.
  absl::StatusOr<std::vector<std::string>> Referrers(absl::string_view target, size_t limit) const;

  absl::Status RefuseIfReferenced(absl::string_view name) const override;

  // ---- Permissions ----

  const AccessPolicy& access() const { return *policy_; }

  absl::StatusOr<bool> RegistryHasNoAgencies() const;

  // AccessPolicy::CheckWriteAgency on this registry.
  absl::Status CheckWriteAgency(const Caller& caller, const std::optional<v1::Agency>& before,
                                const std::optional<v1::Agency>& after) const;

  // The agencies every task of a plan (as it will be) assigns duties to,
  // and its compiler: a plan binds only agencies its issuer reaches.
  static std::vector<std::string> PlanAssignees(const v1::Plan& plan,
                                                const std::vector<v1::Task>& tasks);

  // AccessPolicy::CheckWritePlan on this registry.
  absl::Status AuthorizePlan(const Caller& caller, absl::string_view plan,
                             absl::string_view issuer_before, absl::string_view issuer_after,
                             const std::vector<std::string>& assignees) const;

  // ---- The write path shared by every mutation ----

  // Runs `apply` under the write mutex. A request id seen before returns the
  // stored answer; otherwise `apply` validates and fills the batch, and the
  // batch is written together with the answer (unless validate_only).
  // `request`'s request_id field, when it has one, is the idempotency key;
  // the rest is its fingerprint. Returns the answer serialized.
  absl::StatusOr<std::string> MutateMessage(const Caller& caller,
                                            const google::protobuf::Message& request,
                                            absl::string_view method, bool validate_only,
                                            const MessageApply& apply) override;

  // See Registry::PutReference.
  void PutReference(storage::WriteBatch& batch, absl::string_view target,
                    absl::string_view referrer, bool present) const;

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

}  // namespace tonghop::registry

#endif  // TONGHOP_SERVICES_REGISTRY_REGISTRY_CORE_H_
