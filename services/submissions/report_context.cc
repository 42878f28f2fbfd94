#include "services/submissions/report_context.h"

#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/submissions/submissions_errors.h"

namespace tonghop::submissions {
namespace {

// Chains longer than this are treated as broken data rather than walked.
constexpr int kMaxDepth = 64;

// Whether `assignment` names the agency, and whether it names it as one
// expected to report (directly or through a closed group).
struct Match {
  bool named = false;
  bool expected = false;
};

Match Matches(const v1::Assignment& assignment, const v1::Agency& agency,
              const std::vector<v1::Agency>& ancestors) {
  if (assignment.has_group()) {
    const v1::AgencyGroup& group = assignment.group();
    if (group.kind() != v1::AGENCY_KIND_UNSPECIFIED && group.kind() != agency.kind()) {
      return {};
    }
    for (const v1::Agency& ancestor : ancestors) {
      if (ancestor.name() == group.ancestor()) return {true, !group.open()};
    }
    return {};
  }
  if (assignment.agency() == agency.name()) return {true, true};
  return {};
}

}  // namespace

TaskRole RoleOf(const v1::Task& task, const v1::Agency& agency,
                const std::vector<v1::Agency>& ancestors) {
  TaskRole role;
  for (const v1::Assignment& a : task.lead()) {
    Match m = Matches(a, agency, ancestors);
    if (!m.named) continue;
    role.concerned = role.lead = true;
    if (m.expected) role.expected = role.lead_expected = true;
  }
  for (const v1::Assignment& a : task.coordinating()) {
    Match m = Matches(a, agency, ancestors);
    if (!m.named) continue;
    role.concerned = true;
    if (m.expected) role.expected = true;
  }
  return role;
}

absl::StatusOr<std::vector<v1::Agency>> LoadAgencyChain(const RegistryReader& registry,
                                                        absl::string_view agency) {
  std::vector<v1::Agency> chain;
  std::set<std::string> seen;
  std::string current(agency);
  while (!current.empty() && static_cast<int>(chain.size()) < kMaxDepth &&
         seen.insert(current).second) {
    ASSIGN_OR_RETURN(std::optional<v1::Agency> node, registry.FindAgency(current));
    if (!node) break;
    current = node->parent();
    chain.push_back(*std::move(node));
  }
  return chain;
}

bool IsComputed(const v1::Indicator& indicator) {
  return indicator.value_type() == v1::VALUE_TYPE_PERCENT ||
         indicator.aggregation() == v1::Indicator::AGGREGATION_RATIO;
}

std::string DimensionCode(absl::string_view dimension_name) { return IdOf(dimension_name); }

absl::StatusOr<ReportContext> LoadReportContext(const RegistryReader& registry,
                                                std::vector<v1::Agency> chain,
                                                absl::string_view plan,
                                                absl::string_view period,
                                                absl::string_view period_field) {
  if (chain.empty()) return absl::InternalError("report context without an agency");
  ReportContext context;
  context.agency = chain.front();
  context.ancestors.assign(chain.begin() + 1, chain.end());

  ASSIGN_OR_RETURN(std::optional<v1::Plan> found, registry.FindPlan(plan));
  if (!found) return NotFound(plan);
  context.plan = *std::move(found);
  if (context.plan.state() == v1::PLAN_STATE_DRAFT) {
    return PlanNotActive(plan);
  }
  ASSIGN_OR_RETURN(context.period, ParsePeriod(period, period_field));
  ASSIGN_OR_RETURN(context.dates, DueDates(context.plan, context.period, period_field));
  ASSIGN_OR_RETURN(context.tasks, registry.ListTasks(plan));

  for (const v1::Task& task : context.tasks) {
    TaskRole role = RoleOf(task, context.agency, context.ancestors);
    if (!role.concerned) continue;
    context.roles[task.name()] = role;
    for (const std::string& name : task.indicators()) {
      if (context.indicators.count(name)) continue;
      ASSIGN_OR_RETURN(std::optional<v1::Indicator> indicator, registry.FindIndicator(name));
      if (!indicator) continue;
      for (const std::string& dimension : indicator->dimensions()) {
        if (context.dimensions.count(dimension)) continue;
        ASSIGN_OR_RETURN(std::optional<v1::Dimension> found_dimension,
                         registry.FindDimension(dimension));
        if (found_dimension) context.dimensions[dimension] = *std::move(found_dimension);
      }
      context.indicators[name] = *std::move(indicator);
    }
  }
  return context;
}

v1::Report BuildDraft(const ReportContext& context) {
  v1::Report report;
  std::string agency_id = IdOf(context.agency.name());
  std::string plan_id = IdOf(context.plan.name());
  report.set_name(MakeReportName(agency_id, plan_id, context.period.label));
  report.set_agency(context.agency.name());
  report.set_plan(context.plan.name());
  report.set_period(context.period.label);
  report.set_state(v1::REPORT_STATE_DRAFT);

  std::vector<std::string> indicator_order;
  std::set<std::string> listed;
  for (const v1::Task& task : context.tasks) {
    auto role = context.roles.find(task.name());
    if (role == context.roles.end() || !role->second.expected) continue;
    v1::TaskProgress* progress = report.add_progress();
    progress->set_task(task.name());
    progress->set_lead(role->second.lead);
    progress->set_title(task.title());
    for (const std::string& name : task.indicators()) {
      if (listed.insert(name).second) indicator_order.push_back(name);
    }
  }
  for (const std::string& name : indicator_order) {
    auto indicator = context.indicators.find(name);
    if (indicator == context.indicators.end() || IsComputed(indicator->second)) continue;
    report.add_values()->set_indicator(name);
    for (const std::string& dimension_name : indicator->second.dimensions()) {
      auto dimension = context.dimensions.find(dimension_name);
      if (dimension == context.dimensions.end()) continue;
      for (const v1::DimensionOption& option : dimension->second.options()) {
        v1::Value* value = report.add_values();
        value->set_indicator(name);
        (*value->mutable_cells())[DimensionCode(dimension_name)] = option.code();
      }
    }
    for (const v1::DimensionCrossing& crossing : indicator->second.crossings()) {
      auto rows = context.dimensions.find(crossing.rows());
      auto columns = context.dimensions.find(crossing.columns());
      if (rows == context.dimensions.end() || columns == context.dimensions.end()) continue;
      for (const v1::DimensionOption& row : rows->second.options()) {
        for (const v1::DimensionOption& column : columns->second.options()) {
          v1::Value* value = report.add_values();
          value->set_indicator(name);
          (*value->mutable_cells())[DimensionCode(crossing.rows())] = row.code();
          (*value->mutable_cells())[DimensionCode(crossing.columns())] = column.code();
        }
      }
    }
  }
  return report;
}

namespace {

// A value's place: its indicator and its cells in code order.
std::string SlotKey(const v1::Value& value) {
  std::map<std::string, std::string> cells(value.cells().begin(), value.cells().end());
  std::string key = value.indicator();
  for (const auto& [dimension, option] : cells) absl::StrAppend(&key, "|", dimension, "=", option);
  return key;
}

}  // namespace

v1::Report WithEverySlot(const ReportContext& context, v1::Report report) {
  std::map<std::string, const v1::Value*> held;
  for (const v1::Value& value : report.values()) held.emplace(SlotKey(value), &value);
  std::set<std::string> placed;
  google::protobuf::RepeatedPtrField<v1::Value> values;
  const v1::Report draft = BuildDraft(context);
  for (const v1::Value& slot : draft.values()) {
    std::string key = SlotKey(slot);
    auto it = held.find(key);
    *values.Add() = it == held.end() ? slot : *it->second;
    placed.insert(std::move(key));
  }
  for (const v1::Value& value : report.values()) {
    if (placed.insert(SlotKey(value)).second) *values.Add() = value;
  }
  *report.mutable_values() = std::move(values);
  return report;
}

}  // namespace tonghop::submissions
