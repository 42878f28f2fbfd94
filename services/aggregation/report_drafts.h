#ifndef TONGHOP_SERVICES_AGGREGATION_REPORT_DRAFTS_H_
#define TONGHOP_SERVICES_AGGREGATION_REPORT_DRAFTS_H_

// The drafts of compiled reports (v1::CompiledReportDraft): the letterhead
// and narrative the Department of Justice edits before issuing. Until it
// edits one, a draft is generated from the data (report_draft.h); each edit
// stores the whole draft as a new revision, kept for ever, and compiled
// reports use the latest.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/aggregation/queries.h"
#include "services/common/access_policy.h"
#include "services/common/audit_log.h"
#include "services/common/clock.h"
#include "services/common/idempotency.h"
#include "services/common/identity.h"
#include "storage/kv_store.h"
#include "tonghop/v1/aggregation_service.pb.h"

namespace tonghop::aggregation {

// The stored revisions, in their own column family of the aggregation
// service's store (not under a roll-up generation: a rebuild of the
// roll-ups never touches them). Thread-safe as the store is; does not own
// it.
class DraftStore {
 public:
  // The column families the drafts need.
  static std::vector<std::string> ColumnFamilies();

  explicit DraftStore(storage::KvStore* store) : store_(store) {}

  // The latest stored revision of the draft `name`, or nullopt.
  absl::StatusOr<std::optional<v1::CompiledReportDraft>> Latest(absl::string_view name) const;
  // One stored revision, or nullopt.
  absl::StatusOr<std::optional<v1::CompiledReportDraft>> Revision(absl::string_view name,
                                                                  int32_t revision) const;
  // Stored revisions below `before` (0: every one), newest first, at most
  // `limit`.
  absl::StatusOr<std::vector<v1::CompiledReportDraft>> Revisions(absl::string_view name,
                                                                 int32_t before, int limit) const;
  // Adds the puts that store `draft` (its revision set) as the latest.
  void Stage(storage::WriteBatch& batch, const v1::CompiledReportDraft& draft) const;

  storage::KvStore* store() const { return store_; }

 private:
  storage::KvStore* store_;
};

// Get, Update and ListRevisions of drafts. Reading a draft is allowed to
// whoever may compile the subtree's report; editing it to the compiling
// agency (the plan's compiler, else the root's focal agency) as the access
// policy decides (CheckEditCompiledReport). Each revision is written with
// its record in `audit`. Thread-safe (updates are serialized);
// does not own its collaborators.
class ReportDrafts {
 public:
  ReportDrafts(DraftStore* drafts, const AggregationQueries* queries, const Clock* clock,
               const AccessPolicy* policy, AuditLog* audit);

  absl::StatusOr<v1::CompiledReportDraft> Get(const Caller& caller,
                                              const v1::GetCompiledReportDraftRequest& request) const;
  absl::StatusOr<v1::CompiledReportDraft> Update(
      const Caller& caller, const v1::UpdateCompiledReportDraftRequest& request);
  absl::StatusOr<v1::ListCompiledReportDraftRevisionsResponse> ListRevisions(
      const Caller& caller, const v1::ListCompiledReportDraftRevisionsRequest& request) const;

 private:
  // The compiled report of the draft's subtree (checking the caller may
  // read it), whose `draft` is the current one.
  absl::StatusOr<v1::CompiledReport> Compiled(const Caller& caller, absl::string_view name,
                                              absl::string_view language) const;

  DraftStore* drafts_;
  const AggregationQueries* queries_;
  const Clock* clock_;
  const AccessPolicy* policy_;
  AuditLog* audit_;
  IdempotencyTable idempotency_;
  absl::Mutex write_mu_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_REPORT_DRAFTS_H_
