#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DIAGNOSTICS_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DIAGNOSTICS_H_

// The gaps an import reports: what it could not derive from the document and
// what the official supplies for it. The Vietnamese text for officials is
// kept here, in one place, with the English beside it.
//
// A gap's remedy names the CLI flag or fix-up line that supplies it; the same
// fields of ImportSupplement are what the dashboard sends.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tonghop/v1/plan.pb.h"
#include "tonghop/v1/registry_service.pb.h"

namespace tonghop::plan_import {

// The codes of ImportDiagnostic.code.
inline constexpr absl::string_view kGapScheduleMissing = "SCHEDULE_MISSING";
inline constexpr absl::string_view kGapScheduleDue = "SCHEDULE_DUE_MISSING";
inline constexpr absl::string_view kGapTaskDeadline = "TASK_DEADLINE_UNREADABLE";
inline constexpr absl::string_view kGapTaskLead = "TASK_LEAD_MISSING";
inline constexpr absl::string_view kGapAgency = "AGENCY_UNRESOLVED";
inline constexpr absl::string_view kGapPlanId = "PLAN_ID_MISSING";
inline constexpr absl::string_view kGapSymbol = "PLAN_SYMBOL_MISSING";
inline constexpr absl::string_view kGapTitle = "PLAN_TITLE_MISSING";
inline constexpr absl::string_view kGapYears = "PLAN_YEARS_MISSING";
inline constexpr absl::string_view kGapNoTasks = "NO_TASKS";
inline constexpr absl::string_view kGapSupplement = "SUPPLEMENT_UNUSABLE";

// The period as officials name it: "hằng năm", "6 tháng", "hằng quý".
std::string PeriodNameVi(tonghop::v1::PeriodType period);

// The document states no reporting schedule at all.
tonghop::v1::ImportDiagnostic ScheduleMissingGap();

// The document says agencies report `period`ly but not by when (line `line`,
// text `text`).
tonghop::v1::ImportDiagnostic ScheduleDueGap(tonghop::v1::PeriodType period, int line,
                                             absl::string_view text);

// Task `outline` (bundle index `index`) has a deadline that could not be read.
tonghop::v1::ImportDiagnostic TaskDeadlineGap(absl::string_view task_name,
                                              absl::string_view outline, int index, int line,
                                              absl::string_view text);

// Task `outline` (bundle index `index`), a task without sub-tasks, names no
// lead agency. `above` is, in a table, the lead of the row above, when it
// has one: a cell merged over both rows that the copy left empty in the
// second.
tonghop::v1::ImportDiagnostic TaskLeadGap(absl::string_view task_name, absl::string_view outline,
                                          int index, int line, absl::string_view above);

// Agency name `text` of task `outline` did not resolve; `candidates` are the
// closest registry agencies, `agencies/{id}`, best first.
tonghop::v1::ImportDiagnostic AgencyGap(absl::string_view text, absl::string_view task_name,
                                        absl::string_view outline, int index, int line,
                                        const std::vector<std::string>& candidates);

// Plan header fields the document does not show.
tonghop::v1::ImportDiagnostic PlanIdGap(absl::string_view placeholder_id);
tonghop::v1::ImportDiagnostic SymbolGap();
tonghop::v1::ImportDiagnostic TitleGap();
tonghop::v1::ImportDiagnostic YearsGap();

// No task was found in the document.
tonghop::v1::ImportDiagnostic NoTasksGap(bool table);

// A supplied value could not be used (`what` says which, in Vietnamese and
// English).
tonghop::v1::ImportDiagnostic SupplementGap(absl::string_view field, absl::string_view message_vi,
                                            absl::string_view message_en);

// The counts of `bundle` and `report` (nodes, leaves, leads, deadlines,
// diagnostics); pure.
tonghop::v1::ImportCounts CountImport(const tonghop::v1::PlanBundle& bundle,
                                      const tonghop::v1::ImportReport& report);

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DIAGNOSTICS_H_
