#include "services/submissions/submissions_errors.h"

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/text.h"

namespace tonghop::submissions {

absl::Status ReportAccepted(absl::string_view report, int revision) {
  return WithVietnamese(
      FailedPrecondition("REPORT_ACCEPTED",
                         absl::StrCat(report, " was accepted (revision ", revision,
                                      ") and is locked"),
                         report),
      absl::StrCat("Báo cáo ", report, " đã được chấp nhận (lần nộp thứ ", revision,
                   ") và đã khóa; không thể sửa hay nộp lại."));
}

absl::Status ReportAwaitingReview(absl::string_view report, int revision) {
  return WithVietnamese(
      FailedPrecondition("REPORT_SUBMITTED",
                         absl::StrCat(report, " is submitted (revision ", revision,
                                      ") and waiting for review; submit it again to replace "
                                      "the pending revision, or withdraw it"),
                         report),
      absl::StrCat("Báo cáo ", report, " đã nộp (lần thứ ", revision,
                   ") và đang chờ duyệt: muốn sửa, hãy nộp lại bản đã sửa (thay cho bản "
                   "đang chờ) hoặc rút báo cáo về."));
}

absl::Status ReportNotSubmitted(absl::string_view report, absl::string_view state) {
  return WithVietnamese(
      FailedPrecondition("REPORT_NOT_SUBMITTED",
                         absl::StrCat(report, " is ", state,
                                      "; only a submitted report can be reviewed"),
                         report),
      absl::StrCat("Báo cáo ", report,
                   " không ở trạng thái chờ duyệt nên không thể duyệt."));
}

absl::Status ReportNotPending(absl::string_view report, absl::string_view state) {
  return WithVietnamese(
      FailedPrecondition("REPORT_NOT_PENDING",
                         absl::StrCat(report, " is ", state,
                                      "; only a report waiting for review can be withdrawn"),
                         report),
      absl::StrCat("Báo cáo ", report,
                   " không ở trạng thái chờ duyệt nên không thể rút về."));
}

absl::Status NotAssigned(absl::string_view plan, absl::string_view agency) {
  return WithVietnamese(
      FailedPrecondition("NOT_ASSIGNED",
                         absl::StrCat("no task of ", plan, " is assigned to ", agency,
                                      ", by name or through a group it belongs to; it has "
                                      "nothing to report on this plan"),
                         plan),
      absl::StrCat("Kế hoạch ", plan, " không giao nhiệm vụ nào cho ", agency,
                   " nên cơ quan này không có gì để báo cáo."));
}

absl::Status PlanNotActive(absl::string_view plan) {
  return WithVietnamese(
      FailedPrecondition("PLAN_NOT_ACTIVE",
                         absl::StrCat(plan, " is still a draft; agencies report on it once "
                                            "it is active"),
                         plan),
      absl::StrCat("Kế hoạch ", plan, " còn là dự thảo; chưa nhận báo cáo."));
}

absl::Status InvalidReport(absl::Status violations) {
  size_t listed = static_cast<size_t>(GetBadRequest(violations).field_violations_size());
  size_t count = listed + GetOmittedViolations(violations);
  std::string vietnamese =
      count == 1 ? std::string("Báo cáo có 1 lỗi; xem chi tiết theo từng trường bên dưới.")
      : count == listed
          ? absl::StrCat("Báo cáo có ", GroupThousands(count),
                         " lỗi; xem chi tiết theo từng trường bên dưới.")
          : absl::StrCat("Báo cáo có ", GroupThousands(count), " lỗi; bên dưới là ",
                         GroupThousands(listed),
                         " lỗi đầu tiên, sửa xong hãy nộp lại để xem các lỗi còn lại.");
  return WithVietnamese(std::move(violations), vietnamese);
}

}  // namespace tonghop::submissions
