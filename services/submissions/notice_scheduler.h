#ifndef TONGHOP_SERVICES_SUBMISSIONS_NOTICE_SCHEDULER_H_
#define TONGHOP_SERVICES_SUBMISSIONS_NOTICE_SCHEDULER_H_

// Queues the notices that follow from the calendar rather than from an
// event: reminders before a round's due day, and after it the digest of the
// reports still missing, to each focal agency.

#include <vector>

#include "absl/status/statusor.h"
#include "services/common/clock.h"
#include "services/submissions/notices.h"
#include "services/common/registry_reader.h"
#include "services/submissions/submissions.h"

namespace tonghop::submissions {

// How many days after a round's due day its digest of missing reports may
// still be queued (an instance started later sends none for that round).
inline constexpr int kDigestWindowDays = 14;

// Each RunOnce() reads the active plans, their tasks and every agency, and,
// for every round of a plan whose due day (UTC+7) is near on the clock:
//
//  - from `remind_days` before the due day until the due day itself, a
//    reminder to each agency the round expects a report from and that has
//    not submitted it (no report, a draft, a returned or withdrawn one);
//    one per (report, remind-days setting), keyed
//    "reminder/{report}/{days}": with 7,1, a reminder 7 days before and
//    another 1 day before; a scheduler first run 3 days before sends the
//    7-day one only;
//  - on the days 1 to kDigestWindowDays after the due day, one digest per
//    focal agency of the reports of its subtree still missing, keyed
//    "digest/{plan}/{period}/{focal agency}". The focal agency of a report
//    is the focal_agency of its agency's nearest ancestor that has one.
//
// The keys make a run idempotent: running again, or after a restart, queues
// nothing twice. Not thread-safe: one thread calls RunOnce. Does not own its
// arguments.
class NoticeScheduler {
 public:
  NoticeScheduler(const RegistryReader* registry, const Submissions* submissions,
                  NoticeQueue* queue, const Clock* clock, std::vector<int> remind_days);

  // Queues what is due now; returns how many notices it queued.
  absl::StatusOr<int> RunOnce();

 private:
  const RegistryReader* registry_;
  const Submissions* submissions_;
  NoticeQueue* queue_;
  const Clock* clock_;
  std::vector<int> remind_days_;  // ascending, each once
};

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_NOTICE_SCHEDULER_H_
