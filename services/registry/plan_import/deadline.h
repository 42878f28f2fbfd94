#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DEADLINE_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DEADLINE_H_

// Reading a task's deadline ("Thời hạn thực hiện") into a structured Deadline.

#include <vector>

#include "absl/strings/string_view.h"
#include "tonghop/v1/plan.pb.h"

namespace tonghop::plan_import {

// Parses the deadline as written (plain text, one line). Recognised shapes:
//   "Hàng năm"                                  → EVERY_YEAR
//   "Năm 2022", "2019-2022", "Trong năm 2030, theo yêu cầu của X"
//                                               → YEAR_RANGE (+ requested_by)
//   "Theo yêu cầu của Bộ Công an hàng năm"      → ON_REQUEST, annual
//   "Theo hướng dẫn của X", "Sau khi có chỉ đạo, hướng dẫn của X"
//                                               → ON_REQUEST
//   "Báo cáo sơ kết: năm 2028 Báo cáo tổng kết: năm 2030"
//                                               → MILESTONES
//   "Thường xuyên", "Theo chương trình công tác …" → ONGOING
//   "Trước ngày 30/6/2026", "Tháng 6/2026", "Quý II/2026" → BY_DATE
// Anything else keeps kind UNSPECIFIED. source_text is always the input
// (whitespace collapsed). Pure function.
tonghop::v1::Deadline ParseDeadline(absl::string_view text);

// The years a deadline names (range ends and milestones), for inferring
// the years a plan covers.
std::vector<int> DeadlineYears(const tonghop::v1::Deadline& deadline);

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DEADLINE_H_
