#ifndef TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_ERRORS_H_
#define TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_ERRORS_H_

// The submissions service's own errors, each with its English message for
// developers and its Vietnamese message for officials (attached as a
// google.rpc.LocalizedMessage), kept together here.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace tonghop::submissions {

// FAILED_PRECONDITION REPORT_ACCEPTED: the report is locked.
absl::Status ReportAccepted(absl::string_view report, int revision);
// FAILED_PRECONDITION REPORT_SUBMITTED: waiting for review, so not editable.
absl::Status ReportAwaitingReview(absl::string_view report, int revision);
// FAILED_PRECONDITION REPORT_NOT_SUBMITTED: nothing to review.
absl::Status ReportNotSubmitted(absl::string_view report, absl::string_view state);
// FAILED_PRECONDITION REPORT_NOT_PENDING: nothing waits for review to
// withdraw.
absl::Status ReportNotPending(absl::string_view report, absl::string_view state);
// FAILED_PRECONDITION NOT_ASSIGNED: the plan asks nothing of the agency.
absl::Status NotAssigned(absl::string_view plan, absl::string_view agency);
// FAILED_PRECONDITION PLAN_NOT_ACTIVE: the plan is still a draft.
absl::Status PlanNotActive(absl::string_view plan);
// INVALID_ARGUMENT with every violation of a report, with a Vietnamese
// summary that counts them.
absl::Status InvalidReport(absl::Status violations);

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_ERRORS_H_
