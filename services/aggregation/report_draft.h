#ifndef TONGHOP_SERVICES_AGGREGATION_REPORT_DRAFT_H_
#define TONGHOP_SERVICES_AGGREGATION_REPORT_DRAFT_H_

// The generated draft of a compiled report's letterhead and narrative
// (v1::CompiledReportDraft): what the Department of Justice starts from
// before editing and issuing. The letterhead follows Decree 30/2020/NĐ-CP
// (governing body, issuing body, "Số: /BC-…", place and date); the
// narrative sections are drafted from the data: the situation from the
// completeness of the reports, the results of each group of tasks from
// the lead agencies' own progress summaries, the difficulties from overdue
// tasks, missing reports and figures that cannot be computed, and the
// recommendations from the same. Pure functions; thread-safe.

#include <string>

#include "absl/status/statusor.h"
#include "services/aggregation/hierarchy.h"
#include "services/aggregation/registry_view.h"
#include "tonghop/v1/aggregation_service.pb.h"

namespace tonghop::aggregation {

// `compiledReports/{agency}/{plan}/{period}/draft` for resource names
// `agencies/{agency}` and `plans/{plan}`.
std::string DraftName(absl::string_view agency, absl::string_view plan, absl::string_view period);

// The subtree, plan and period a draft's name refers to, as resource names
// (`agencies/…`, `plans/…`) and a period label; INVALID_ARGUMENT naming
// `field` when the name is not of that form.
struct DraftNameParts {
  std::string agency;
  std::string plan;
  std::string period;
};
absl::StatusOr<DraftNameParts> ParseDraftName(absl::string_view name, absl::string_view field);

// The period as a document says it: "năm 2026", "6 tháng đầu năm 2026",
// "quý III năm 2026" (English: "2026", "the first half of 2026", "Q3 2026").
std::string PeriodPhrase(absl::string_view period, absl::string_view language);

// The draft generated from `report` (completeness, tasks and statistics
// filled in), the plan and the hierarchy, in the report's language.
v1::CompiledReportDraft GenerateDraft(const v1::CompiledReport& report, const PlanInfo& plan,
                                      const Hierarchy& hierarchy);

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_REPORT_DRAFT_H_
