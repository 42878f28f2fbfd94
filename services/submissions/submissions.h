#ifndef TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_H_
#define TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_H_

// The submissions service's domain logic: agencies' reports on the rounds of
// a plan, their life cycle (DRAFT → SUBMITTED → ACCEPTED | RETURNED →
// SUBMITTED …), every submitted revision, and the ordered change feed.
// Knows nothing of gRPC; the registry is reached through RegistryReader.
//
// Who may do what is the access policy's to decide (services/common/
// access_policy.h: CheckWriteReport, CheckReviewReport, CheckReadReport,
// CheckAdministerInstance for the change feed); this class gives it the
// agencies it needs, through the registry reader. Writing also needs the
// agency to be registered. Permission is checked before existence, so
// nobody learns whether a report they may not read exists.
//
// Writes: each mutation is validated completely first, then applied in one
// synced WriteBatch together with its idempotency record and, for submit and
// review, its revision record and change-feed entry with the next sequence
// number; a review also queues its e-mail notice (notices.h) in that
// batch. Mutations are serialized by a mutex; registry reads happen before
// it is taken. A request_id seen before returns the first answer unchanged.
//
// Audit: every change is recorded in `audit` (the audit trail of `store`)
// in the same batch, and every write refused with PERMISSION_DENIED or
// UNAUTHENTICATED in a record of its own (services/common/audit_log.h).
// submitted_by and reviewed_by name the person who acted (Caller::Actor()).
//
// On time: a revision is on time when submitted before the end of the
// round's due day in UTC+7 (see period.h); late revisions are accepted and
// flagged on_time = false.
//
// Thread-safe. Does not own `store`, `registry`, `clock`, `policy` or `audit`, which
// must outlive it.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/common/access_policy.h"
#include "services/common/audit_log.h"
#include "services/common/clock.h"
#include "services/common/idempotency.h"
#include "services/common/identity.h"
#include "services/submissions/change_notifier.h"
#include "services/submissions/notices.h"
#include "services/common/registry_reader.h"
#include "services/submissions/submissions_schema.h"
#include "storage/kv_store.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop::submissions {

class Submissions {
 public:
  // Reads the feed's last sequence number from `store`.
  static absl::StatusOr<std::unique_ptr<Submissions>> Open(storage::KvStore* store,
                                                           AuditLog* audit,
                                                           const RegistryReader* registry,
                                                           const Clock* clock,
                                                           const AccessPolicy* policy);
  ~Submissions();
  Submissions(const Submissions&) = delete;
  Submissions& operator=(const Submissions&) = delete;

  absl::StatusOr<v1::Report> GetOrCreateDraft(const Caller& caller,
                                              const v1::GetOrCreateDraftRequest& request);
  absl::StatusOr<v1::Report> UpdateDraft(const Caller& caller,
                                         const v1::UpdateDraftRequest& request);
  // Submits the stored draft (or returned report), or, with request.report,
  // the content given there; with request.report a report that does not
  // exist yet is created and submitted in one step.
  absl::StatusOr<v1::Report> Submit(const Caller& caller, const v1::SubmitRequest& request);
  absl::StatusOr<v1::Report> Withdraw(const Caller& caller, const v1::WithdrawRequest& request);
  absl::StatusOr<v1::Report> Review(const Caller& caller, const v1::ReviewRequest& request);

  absl::StatusOr<v1::Report> GetReport(const Caller& caller,
                                       const v1::GetReportRequest& request) const;
  // Only reports the caller may read are listed, in (plan, period, agency)
  // order.
  absl::StatusOr<v1::ListReportsResponse> ListReports(
      const Caller& caller, const v1::ListReportsRequest& request) const;
  absl::StatusOr<v1::ListDueReportsResponse> ListDueReports(
      const Caller& caller, const v1::ListDueReportsRequest& request) const;
  absl::StatusOr<v1::ListRevisionsResponse> ListRevisions(
      const Caller& caller, const v1::ListRevisionsRequest& request) const;

  // The notices queued and sent, for the instance's administrators
  // (AccessPolicy::CheckAdministerInstance).
  absl::StatusOr<v1::ListNoticesResponse> ListNotices(
      const Caller& caller, const v1::ListNoticesRequest& request) const;
  // The stored report named `name`, or nullopt; for the service's own
  // background work (the notice scheduler): checks no permission.
  absl::StatusOr<std::optional<v1::Report>> StoredReport(absl::string_view name) const;
  // The queue of e-mail notices in the service's store (notices.h): a
  // review queues its notice in the review's own batch.
  NoticeQueue& notice_queue();

  // OK when `caller` may read the change feed.
  absl::Status AuthorizeWatch(const Caller& caller) const;
  // Up to `limit` changes with sequence > `after`, in order, each with the
  // feed's epoch.
  absl::StatusOr<std::vector<v1::Change>> ReadChanges(int64_t after, int limit) const;
  // The feed's epoch: its store's (see storage::StoreEpoch), fixed while
  // the service runs.
  const std::string& feed_epoch() const;
  // OK when a reader that got to `after` in feed epoch `epoch` may go on
  // from there; FAILED_PRECONDITION (FEED_EPOCH_CHANGED, FEED_REWOUND) when
  // the feed was replaced or rewound since. An empty `epoch` is not checked.
  absl::Status CheckFeedPosition(absl::string_view epoch, int64_t after) const;
  // The sequence number of the last committed change (0 when none).
  int64_t last_sequence() const;
  // Tells watchers about commits; Close() it when the service stops.
  ChangeNotifier& notifier();
  // The audit trail of the service's store, for refusals decided before a
  // call reaches this class.
  AuditLog& audit_log();

 private:
  class Impl;
  explicit Submissions(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_H_
