#ifndef TONGHOP_SERVICES_SUBMISSIONS_NOTICES_H_
#define TONGHOP_SERVICES_SUBMISSIONS_NOTICES_H_

// E-mail notices of the submissions service: the durable queue they wait in,
// and their text. A notice is queued in the same WriteBatch as the event
// that causes it (a review), or, for reminders and digests, by the scheduler
// (notice_scheduler.h) under a key that names its event, so that the same
// event never queues two notices. The sender (notice_sender.h) delivers
// what is pending. See docs/notices.md.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/submissions/submissions_schema.h"
#include "storage/kv_store.h"
#include "tonghop/v1/notice.pb.h"
#include "tonghop/v1/plan.pb.h"
#include "tonghop/v1/report.pb.h"

namespace tonghop::submissions {

// The id part of a notice's name: derived from its dedup key, so the same
// event always gets the same notice.
std::string NoticeId(absl::string_view dedup_key);

// The durable queue of notices, in the `notices` column family of the
// submissions store: every notice by id, and an index of the pending ones
// by the time of their next attempt.
//
// Thread-safe as far as the store is: Add only fills a batch; AddOnce is
// called by one thread (the scheduler), the Mark* methods by one thread
// (the sender); each changes only notices the others do not. Does not own
// `store` or `clock`.
class NoticeQueue {
 public:
  NoticeQueue(storage::KvStore* store, const Clock* clock);

  // Adds `notice` (kind, dedup_key, agency, subject, body and, for a report,
  // report set) to `batch` as pending and due now; fills in its name,
  // message_id, state and times. Returns the notice as it will be stored.
  v1::Notice Add(storage::WriteBatch& batch, v1::Notice notice) const;
  // Queues `notice` (as Add) in a synced write of its own unless a notice
  // with the same dedup key exists; true when it was queued.
  absl::StatusOr<bool> AddOnce(v1::Notice notice);

  absl::StatusOr<std::optional<v1::Notice>> Get(absl::string_view id) const;
  // Pending notices whose next attempt is due at `now`, soonest first, at
  // most `limit`.
  absl::StatusOr<std::vector<v1::Notice>> Due(absl::Time now, int limit) const;
  // The relay accepted `notice` for `recipients` at `when`.
  absl::Status MarkSent(v1::Notice notice, const std::vector<std::string>& recipients,
                        absl::Time when);
  // Nobody has an address to send `notice` to; it is not tried again.
  absl::Status MarkNoRecipient(v1::Notice notice);
  // An attempt failed with `error`; tried again at `retry_at`.
  absl::Status MarkFailed(v1::Notice notice, absl::string_view error, absl::Time retry_at);

  // Notices in name order, filtered by state; page_size and page_token as
  // in every List method.
  absl::StatusOr<v1::ListNoticesResponse> List(const v1::ListNoticesRequest& request) const;

 private:
  absl::Status Replace(const v1::Notice& before, const v1::Notice& after);

  storage::KvStore* store_;
  const Clock* clock_;
};

// What a notice about one report says of it.
struct ReportNoticeFacts {
  std::string report;        // reports/{agency}/{plan}/{period}
  std::string agency;        // agencies/{agency}
  std::string agency_title;  // its Vietnamese name
  const v1::Plan* plan = nullptr;
  std::string period;        // "2026"
  absl::CivilDay due_day;
};

// "dd/mm/yyyy".
std::string FormatDay(absl::CivilDay day);

// The notice of a review: accepted, or returned with `reason`, of revision
// `revision`, by `reviewer`.
v1::Notice ReviewNotice(const ReportNoticeFacts& facts, bool accepted, absl::string_view reason,
                        absl::string_view reviewer, int64_t revision);
// The reminder `days_left` days before the due day, for the remind-days
// setting `remind_days` (part of its key).
v1::Notice ReminderNotice(const ReportNoticeFacts& facts, int days_left, int remind_days);

// One report missing after its due day, for a digest.
struct MissingReport {
  std::string report;
  std::string agency_title;
  v1::ReportState state = v1::REPORT_STATE_UNSPECIFIED;  // UNSPECIFIED: never drafted
};

// The digest, to `focal_agency`, of the reports of its subtree still
// missing after the due day of `plan`'s round `period`.
v1::Notice DigestNotice(const v1::Plan& plan, absl::string_view period, absl::CivilDay due_day,
                        absl::string_view focal_agency, absl::string_view focal_title,
                        const std::vector<MissingReport>& missing);

// The message to hand to the relay: RFC 5322 headers (the subject encoded
// per RFC 2047, a Message-ID that is the notice's own on every attempt) and
// the body as UTF-8 text in base64, lines ending in CRLF.
std::string FormatMailMessage(const v1::Notice& notice, absl::string_view from,
                              const std::vector<std::string>& recipients, absl::Time date);

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_NOTICES_H_
