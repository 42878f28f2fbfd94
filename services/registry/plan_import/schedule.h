#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_SCHEDULE_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_SCHEDULE_H_

// Reading a plan's reporting schedule from the sentences of its body.

#include <string>
#include <utility>
#include <vector>

#include "tonghop/v1/plan.pb.h"

namespace tonghop::plan_import {

// The reporting rounds a document states.
struct ScheduleRead {
  // Every round found. A round the document names without a due date ("định
  // kỳ 6 tháng, năm báo cáo …") has no `due`; the caller reports it as a gap.
  std::vector<tonghop::v1::ReportingRound> rounds;
  // The line each round was first read from, parallel to `rounds`.
  std::vector<int> round_lines;
  // Every line that contributed.
  std::vector<int> used_lines;
};

// Reads the schedule sentences among `lines` (1-based line number, text).
// A clause (sentence or ";"-part) that asks for reports ("báo cáo",
// "định kỳ", "gửi") names its periods: "hằng năm" / "năm" after "6 tháng,",
// "06 tháng" / "6 tháng" / "nửa năm", "hằng quý" / "định kỳ quý"; each date
// without a year that follows a period ("trước ngày 15/12", "ngày 20 tháng 6",
// "trước ngày 15 của tháng cuối quý") is that period's due date, or, when the
// clause has the focal agency compile ("Sở Tư pháp tổng hợp …", "… tổng
// hợp … báo cáo Bộ …"), its compile date. "năm sau" puts the date in the
// following year. Two semi-annual dates (four quarterly ones) are the
// sub-periods in order. Pure function.
ScheduleRead ReadSchedule(const std::vector<std::pair<int, std::string>>& lines);

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_SCHEDULE_H_
