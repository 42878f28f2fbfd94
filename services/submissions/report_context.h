#ifndef TONGHOP_SERVICES_SUBMISSIONS_REPORT_CONTEXT_H_
#define TONGHOP_SERVICES_SUBMISSIONS_REPORT_CONTEXT_H_

// What the registry says about one agency's report on one round of a plan:
// which tasks the plan assigns to the agency and how, which indicators and
// dimension cells those tasks ask for, and the round's due dates. Loaded
// once per request, before the service takes its write lock, so that slow
// registry reads never hold up other writers.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/period.h"
#include "services/common/registry_reader.h"
#include "tonghop/v1/report.pb.h"

namespace tonghop::submissions {

// How a task concerns an agency.
//
//  - `expected`: the agency is named directly, or is a member of a closed
//    group (every agency of a kind under an ancestor), as lead or
//    coordinator. The draft is pre-filled with the task.
//  - `lead_expected`: expected, as a lead. The report needs a progress
//    status for the task before it can be submitted.
//  - `concerned`: expected, or in the subtree (and of the kind, if any) of
//    an open group ("các Sở, ngành có liên quan"). The agency may report on
//    the task, but nobody expects it to.
//  - `lead`: concerned through a lead assignment.
struct TaskRole {
  bool concerned = false;
  bool expected = false;
  bool lead = false;
  bool lead_expected = false;
};

// The role of the agency whose ancestors (parent first, not including the
// agency itself) are `ancestors`. A group covers the strict descendants of
// its ancestor.
TaskRole RoleOf(const v1::Task& task, const v1::Agency& agency,
                const std::vector<v1::Agency>& ancestors);

// The agency followed by its ancestors, parent first, as the registry has
// them. A missing parent ends the chain; a cycle is cut where it closes.
// Empty when the agency itself is unknown.
absl::StatusOr<std::vector<v1::Agency>> LoadAgencyChain(const RegistryReader& registry,
                                                        absl::string_view agency);

// Everything needed to pre-fill or validate one report.
struct ReportContext {
  v1::Agency agency;
  std::vector<v1::Agency> ancestors;  // parent first
  v1::Plan plan;
  Period period;
  RoundDates dates;
  // Every task of the plan, in document order.
  std::vector<v1::Task> tasks;
  // The role of the agency in each task that concerns it, by task name.
  std::map<std::string, TaskRole> roles;
  // The indicators that tasks concerning the agency ask for, by name
  // (indicators the registry no longer has are left out).
  std::map<std::string, v1::Indicator> indicators;
  // The dimensions of those indicators, by name.
  std::map<std::string, v1::Dimension> dimensions;

  // True when the agency may report on at least one task.
  bool concerned() const { return !roles.empty(); }
};

// Loads the context of a report by `agency` (which must exist) on `plan`
// for `period`. NOT_FOUND for an unknown plan; FAILED_PRECONDITION for a
// plan still being drafted; INVALID_ARGUMENT on `period_field` for a period
// that is not a round of the plan.
absl::StatusOr<ReportContext> LoadReportContext(const RegistryReader& registry,
                                                std::vector<v1::Agency> chain,
                                                absl::string_view plan,
                                                absl::string_view period,
                                                absl::string_view period_field);

// True for indicators computed from others (percentages, ratios), which
// reports never carry.
bool IsComputed(const v1::Indicator& indicator);

// The dimension code used as a key of Value.cells: "dimensions/sex" → "sex".
std::string DimensionCode(absl::string_view dimension_name);

// A new draft: one progress entry per expected task (document order), and
// one empty value per indicator total, per option of each of its
// dimensions (one dimension at a time) and per cell of each two-way grid it
// asks for (Indicator.crossings), for every reported (not computed)
// indicator those tasks ask for, in order of first mention. Name, agency,
// plan and period are set; state DRAFT; no etag.
v1::Report BuildDraft(const ReportContext& context);

// `report` with a slot (a value without a number) for every value the
// agency is expected to report that it does not hold yet, in BuildDraft's
// order, its own values kept where they are expected and the rest after
// them: what a returned report or an older draft is edited from, so that a
// figure never reported can still be added (in the form or its workbook).
v1::Report WithEverySlot(const ReportContext& context, v1::Report report);

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_REPORT_CONTEXT_H_
