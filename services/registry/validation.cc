#include "services/registry/validation.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"

namespace tonghop::registry {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsValidDate(const google::type::Date& date) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (date.year() < 1900 || date.year() > 2200) return false;
  if (date.month() < 1 || date.month() > 12) return false;
  if (date.day() < 1 || date.day() > kDays[date.month() - 1]) return false;
  if (date.month() == 2 && date.day() == 29) {
    int y = date.year();
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  }
  return true;
}

int DateOrdinal(const google::type::Date& d) {
  return d.year() * 10000 + d.month() * 100 + d.day();
}

std::string DateString(const google::type::Date& d) {
  return absl::StrCat(d.year(), "-", d.month(), "-", d.day());
}

bool IsValidMonthDay(int month, int day) {
  google::type::Date date;
  date.set_year(2000);  // a leap year, so 29/02 is allowed
  date.set_month(month);
  date.set_day(day);
  return IsValidDate(date);
}

// Checks that `name` is a well-formed `agencies/{id}` naming an existing
// agency; a violation says which agency was probably meant.
absl::Status CheckAgencyRef(absl::string_view name, const ReferenceResolver& refs,
                            const std::string& field, ViolationList& violations,
                            std::optional<v1::Agency>* found = nullptr) {
  auto add = [&](std::string description) {
    std::string hint = refs.SuggestAgency(name);
    violations.Add(field, hint.empty() ? description : absl::StrCat(description, "; ", hint));
  };
  if (!ParseSimpleName(name, "agencies", field).ok()) {
    add(absl::StrCat(QuoteInput(name), " is not an agency name (agencies/{id})"));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::optional<v1::Agency> agency, refs.FindAgency(name));
  if (!agency) add(absl::StrCat(name, " does not exist"));
  if (found) *found = std::move(agency);
  return absl::OkStatus();
}

absl::Status CheckIndicatorRef(absl::string_view name, const ReferenceResolver& refs,
                               const std::string& field, ViolationList& violations) {
  if (!ParseSimpleName(name, "indicators", field).ok()) {
    violations.Add(field, absl::StrCat(QuoteInput(name), " is not an indicator name (indicators/{id})"));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::optional<v1::Indicator> indicator, refs.FindIndicator(name));
  if (!indicator) violations.Add(field, absl::StrCat(name, " does not exist"));
  return absl::OkStatus();
}

void NormalizeField(Message& message, const FieldDescriptor* f, const std::string& path,
                    ViolationList& violations) {
  const Reflection* r = message.GetReflection();
  auto normalize = [&](const std::string& value, const std::string& at) -> std::optional<std::string> {
    auto nfc = ToNfc(value, at);
    if (!nfc.ok()) {
      violations.Add(at, "is not valid UTF-8");
      return std::nullopt;
    }
    if (std::optional<int32_t> c = ForbiddenCharacterIn(*nfc)) {
      violations.Add(at, absl::StrFormat("holds the control character U+%04X, which text may "
                                         "not hold; remove it",
                                         *c));
      return std::nullopt;
    }
    return std::string(absl::StripAsciiWhitespace(*nfc));
  };
  if (f->is_map()) return;  // registry resources have no string maps
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
      f->type() != FieldDescriptor::TYPE_BYTES) {
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(message, f); ++i) {
        auto v = normalize(r->GetRepeatedString(message, f, i), absl::StrCat(path, "[", i, "]"));
        if (v) r->SetRepeatedString(&message, f, i, *v);
      }
    } else if (r->HasField(message, f) || !r->GetString(message, f).empty()) {
      auto v = normalize(r->GetString(message, f), path);
      if (v) r->SetString(&message, f, *v);
    }
  } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(message, f); ++i) {
        NormalizeStrings(*r->MutableRepeatedMessage(&message, f, i),
                         absl::StrCat(path, "[", i, "]"), violations);
      }
    } else if (r->HasField(message, f)) {
      NormalizeStrings(*r->MutableMessage(&message, f), path, violations);
    }
  }
}

}  // namespace

BundleTasks::BundleTasks(const v1::PlanBundle& bundle) : bundle_(bundle) {
  for (int i = 0; i < bundle.tasks_size(); ++i) {
    first_index_.emplace(bundle.tasks(i).outline(), i);
  }
}

absl::StatusOr<std::optional<v1::Task>> BundleTasks::FindTask(absl::string_view outline) const {
  auto it = first_index_.find(std::string(outline));
  if (it == first_index_.end()) return std::optional<v1::Task>();
  return std::optional<v1::Task>(bundle_.tasks(it->second));
}

bool BundleTasks::IsDuplicate(int index) const {
  auto it = first_index_.find(bundle_.tasks(index).outline());
  return it != first_index_.end() && it->second != index;
}

void NormalizeStrings(Message& message, const std::string& field, ViolationList& violations) {
  const google::protobuf::Descriptor* d = message.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    NormalizeField(message, f, absl::StrCat(field, ".", f->name()), violations);
  }
}

absl::Status ValidateAgency(const v1::Agency& agency, const ReferenceResolver& refs,
                            const std::string& field, ViolationList& violations) {
  if (agency.display_name().empty()) {
    violations.Add(field + ".display_name", "required: the agency's Vietnamese name");
  }
  if (agency.kind() == v1::AGENCY_KIND_UNSPECIFIED) {
    violations.Add(field + ".kind", "required: MINISTRY, PROVINCE, DEPARTMENT, DISTRICT, "
                                    "COMMUNE, INDEPENDENT_BODY or SECURITY_FORCE");
  }
  if (agency.parent().empty()) {
    if (agency.kind() != v1::AGENCY_KIND_MINISTRY &&
        agency.kind() != v1::AGENCY_KIND_UNSPECIFIED) {
      violations.Add(field + ".parent",
                     "required: every agency except a ministry reports to a parent");
    }
  } else if (agency.parent() == agency.name()) {
    violations.Add(field + ".parent", "an agency cannot be its own parent");
  } else {
    std::optional<v1::Agency> parent;
    RETURN_IF_ERROR(CheckAgencyRef(agency.parent(), refs, field + ".parent", violations, &parent));
    // Walk up from the parent: meeting this agency again would close a cycle.
    std::vector<std::string> path = {agency.name(), agency.parent()};
    for (int depth = 0; parent && depth < 64; ++depth) {
      if (parent->parent().empty()) break;
      path.push_back(parent->parent());
      if (parent->parent() == agency.name()) {
        violations.Add(field + ".parent",
                       absl::StrCat("would make a cycle in the hierarchy: ",
                                    absl::StrJoin(path, " → ")));
        break;
      }
      ASSIGN_OR_RETURN(parent, refs.FindAgency(parent->parent()));
    }
  }
  if (!agency.focal_agency().empty() && agency.focal_agency() != agency.name()) {
    RETURN_IF_ERROR(CheckAgencyRef(agency.focal_agency(), refs, field + ".focal_agency", violations));
  }
  std::set<std::string> seen;
  for (int i = 0; i < agency.successors_size(); ++i) {
    std::string at = absl::StrCat(field, ".successors[", i, "]");
    if (agency.successors(i) == agency.name()) {
      violations.Add(at, "an agency cannot succeed itself");
      continue;
    }
    if (!seen.insert(agency.successors(i)).second) {
      violations.Add(at, "listed twice");
      continue;
    }
    RETURN_IF_ERROR(CheckAgencyRef(agency.successors(i), refs, at, violations));
  }
  if (agency.successors_size() > 0 && !agency.has_valid_to()) {
    violations.Add(field + ".valid_to", "required when successors are given: the last day "
                                        "the unit existed");
  }
  if (agency.has_valid_from() && !IsValidDate(agency.valid_from())) {
    violations.Add(field + ".valid_from", "not a valid date");
  }
  if (agency.has_valid_to() && !IsValidDate(agency.valid_to())) {
    violations.Add(field + ".valid_to", "not a valid date");
  }
  if (agency.has_valid_from() && agency.has_valid_to() &&
      IsValidDate(agency.valid_from()) && IsValidDate(agency.valid_to()) &&
      DateOrdinal(agency.valid_from()) > DateOrdinal(agency.valid_to())) {
    violations.Add(field + ".valid_to",
                   absl::StrCat(DateString(agency.valid_to()), " is before valid_from ",
                                DateString(agency.valid_from())));
  }
  std::set<std::string> aliases;
  for (int i = 0; i < agency.aliases_size(); ++i) {
    std::string at = absl::StrCat(field, ".aliases[", i, "]");
    if (agency.aliases(i).empty()) violations.Add(at, "must not be empty");
    else if (!aliases.insert(agency.aliases(i)).second) violations.Add(at, "listed twice");
  }
  if (!agency.email().empty() && !IsValidEmailAddress(agency.email())) {
    violations.Add(field + ".email", "is not an e-mail address (name@domain.vn)");
  }
  return absl::OkStatus();
}

void ValidateDimension(const v1::Dimension& dimension, const std::string& field,
                       ViolationList& violations) {
  if (dimension.display_name().empty()) {
    violations.Add(field + ".display_name", "required");
  }
  if (dimension.options_size() == 0) {
    violations.Add(field + ".options", "required: a dimension has at least one option");
  }
  std::set<std::string> codes;
  for (int i = 0; i < dimension.options_size(); ++i) {
    const auto& option = dimension.options(i);
    std::string at = absl::StrCat(field, ".options[", i, "]");
    if (!IsValidSlugId(option.code())) {
      violations.Add(at + ".code", absl::StrCat(QuoteInput(option.code()),
                                                " is not a valid code (lowercase letters, "
                                                "digits, hyphens)"));
    } else if (!codes.insert(option.code()).second) {
      violations.Add(at + ".code", absl::StrCat(QuoteInput(option.code()), " appears twice"));
    }
    if (option.display_name().empty()) violations.Add(at + ".display_name", "required");
  }
}

absl::Status ValidateIndicator(const v1::Indicator& indicator, const ReferenceResolver& refs,
                               const std::string& field, ViolationList& violations) {
  if (indicator.display_name().empty()) violations.Add(field + ".display_name", "required");
  if (indicator.unit().empty()) violations.Add(field + ".unit", "required: e.g. \"vụ việc\", \"người\"");
  if (indicator.value_type() == v1::VALUE_TYPE_UNSPECIFIED) {
    violations.Add(field + ".value_type", "required: COUNT, DECIMAL or PERCENT");
  }
  if (indicator.aggregation() == v1::Indicator::AGGREGATION_UNSPECIFIED) {
    violations.Add(field + ".aggregation", "required: SUM, RATIO, MAX, LATEST or NONE");
  }
  if (indicator.aggregation() == v1::Indicator::AGGREGATION_RATIO) {
    for (const auto& [name, which] :
         {std::pair<std::string, std::string>{indicator.numerator(), "numerator"},
          {indicator.denominator(), "denominator"}}) {
      std::string at = field + "." + which;
      if (name.empty()) {
        violations.Add(at, "required for a RATIO indicator");
      } else if (name == indicator.name()) {
        violations.Add(at, "a ratio cannot refer to itself");
      } else {
        RETURN_IF_ERROR(CheckIndicatorRef(name, refs, at, violations));
        auto other = refs.FindIndicator(name);
        if (other.ok() && *other && (*other)->value_type() == v1::VALUE_TYPE_PERCENT) {
          violations.Add(at, absl::StrCat(name, " is itself a percentage; a ratio is "
                                                "computed from sums of counts or decimals"));
        }
      }
    }
  } else {
    if (!indicator.numerator().empty()) {
      violations.Add(field + ".numerator", "only a RATIO indicator has a numerator");
    }
    if (!indicator.denominator().empty()) {
      violations.Add(field + ".denominator", "only a RATIO indicator has a denominator");
    }
  }
  std::set<std::string> dims;
  for (int i = 0; i < indicator.dimensions_size(); ++i) {
    std::string at = absl::StrCat(field, ".dimensions[", i, "]");
    const std::string& name = indicator.dimensions(i);
    if (!dims.insert(name).second) {
      violations.Add(at, "listed twice");
      continue;
    }
    ASSIGN_OR_RETURN(bool exists, refs.DimensionExists(name));
    if (!exists) violations.Add(at, absl::StrCat(name, " does not exist"));
  }
  std::set<std::pair<std::string, std::string>> crossed;
  for (int i = 0; i < indicator.crossings_size(); ++i) {
    const v1::DimensionCrossing& crossing = indicator.crossings(i);
    std::string at = absl::StrCat(field, ".crossings[", i, "]");
    bool named = true;
    for (const auto& [name, which] :
         {std::pair<std::string, std::string>{crossing.rows(), "rows"},
          {crossing.columns(), "columns"}}) {
      if (name.empty()) {
        violations.Add(at + "." + which, "required: one of the indicator's dimensions",
                       "Chưa chọn chiều phân tổ để lập bảng chéo.");
        named = false;
      } else if (!dims.count(name)) {
        violations.Add(at + "." + which,
                       absl::StrCat(name, " is not one of this indicator's dimensions (",
                                    indicator.dimensions_size() == 0
                                        ? std::string("it has none")
                                        : absl::StrJoin(indicator.dimensions(), ", "),
                                    ")"),
                       absl::StrCat("Chỉ tiêu không phân tổ theo ", name,
                                    " nên không lập bảng chéo theo chiều này được."));
        named = false;
      }
    }
    if (!named) continue;
    if (crossing.rows() == crossing.columns()) {
      violations.Add(at + ".columns",
                     absl::StrCat("a crossing is of two different dimensions; both are ",
                                  crossing.rows()),
                     "Bảng chéo phải gồm hai chiều phân tổ khác nhau.");
      continue;
    }
    if (!crossed.insert(std::minmax(crossing.rows(), crossing.columns())).second) {
      violations.Add(at, absl::StrCat(crossing.rows(), " × ", crossing.columns(),
                                      " is already crossed (in either order)"),
                     "Bảng chéo này đã được khai báo.");
    }
  }
  for (int i = 0; i < indicator.rules_size(); ++i) {
    const auto& rule = indicator.rules(i);
    std::string at = absl::StrCat(field, ".rules[", i, "]");
    if (rule.kind() == v1::IndicatorRule::KIND_UNSPECIFIED) {
      violations.Add(at + ".kind", "required: KIND_AT_MOST or KIND_AT_LEAST");
    }
    if (rule.other() == indicator.name()) {
      violations.Add(at + ".other", "a rule compares with another indicator");
    } else {
      RETURN_IF_ERROR(CheckIndicatorRef(rule.other(), refs, at + ".other", violations));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePlan(const v1::Plan& plan, const ReferenceResolver& refs,
                          const std::string& field, ViolationList& violations) {
  if (plan.symbol().empty()) violations.Add(field + ".symbol", "required: e.g. \"74/KH-UBND\"");
  if (plan.title().empty()) violations.Add(field + ".title", "required");
  if (plan.issuer().empty()) {
    violations.Add(field + ".issuer", "required: the issuing agency (agencies/{id})");
  } else {
    RETURN_IF_ERROR(CheckAgencyRef(plan.issuer(), refs, field + ".issuer", violations));
  }
  if (!plan.compiler().empty()) {
    RETURN_IF_ERROR(CheckAgencyRef(plan.compiler(), refs, field + ".compiler", violations));
  }
  if (plan.has_issued_on() && !IsValidDate(plan.issued_on())) {
    violations.Add(field + ".issued_on", "not a valid date");
  }
  if (plan.first_year() < 1945 || plan.first_year() > 2200) {
    violations.Add(field + ".first_year", "required: the first year the plan covers");
  }
  if (plan.last_year() < plan.first_year() || plan.last_year() > 2200) {
    violations.Add(field + ".last_year",
                   absl::StrCat("must be a year from first_year (", plan.first_year(), ") on"));
  }
  if (absl::StartsWith(plan.implements(), "plans/")) {
    if (plan.implements() == plan.name()) {
      violations.Add(field + ".implements", "a plan cannot implement itself");
    } else {
      ASSIGN_OR_RETURN(bool exists, refs.PlanExists(plan.implements()));
      if (!exists) violations.Add(field + ".implements", absl::StrCat(plan.implements(), " does not exist"));
    }
  }
  if (!plan.upstream_plan().empty() &&
      !ParseSimpleName(plan.upstream_plan(), "plans", "upstream_plan").ok()) {
    violations.Add(field + ".upstream_plan",
                   absl::StrCat("\"", plan.upstream_plan(),
                                "\" is not plans/{plan} (the plan on the upstream instance)"));
  }
  std::set<std::string> mapped;
  for (int i = 0; i < plan.indicator_mappings_size(); ++i) {
    const v1::IndicatorMapping& mapping = plan.indicator_mappings(i);
    std::string at = absl::StrCat(field, ".indicator_mappings[", i, "]");
    if (plan.upstream_plan().empty()) {
      violations.Add(at, "an indicator mapping needs upstream_plan");
    }
    RETURN_IF_ERROR(CheckIndicatorRef(mapping.indicator(), refs, at + ".indicator", violations));
    if (!mapped.insert(mapping.indicator()).second) {
      violations.Add(at + ".indicator", absl::StrCat(mapping.indicator(), " is mapped twice"));
    }
    if (!ParseSimpleName(mapping.upstream_indicator(), "indicators", "upstream_indicator").ok()) {
      violations.Add(at + ".upstream_indicator",
                     absl::StrCat("\"", mapping.upstream_indicator(),
                                  "\" is not indicators/{indicator} (on the upstream instance)"));
    }
  }
  for (int i = 0; i < plan.schedule_size(); ++i) {
    const v1::ReportingRound& round = plan.schedule(i);
    std::string at = absl::StrCat(field, ".schedule[", i, "]");
    if (round.period_type() == v1::PERIOD_TYPE_UNSPECIFIED) {
      violations.Add(at + ".period_type", "required: ANNUAL, SEMIANNUAL or QUARTERLY");
    }
    int max_sub = round.period_type() == v1::PERIOD_TYPE_SEMIANNUAL ? 2
                  : round.period_type() == v1::PERIOD_TYPE_QUARTERLY ? 4 : 0;
    if (round.sub_period() < 0 || round.sub_period() > max_sub) {
      violations.Add(at + ".sub_period", absl::StrCat("must be 0 to ", max_sub));
    }
    if (!round.has_due() || !IsValidMonthDay(round.due().month(), round.due().day())) {
      violations.Add(at + ".due", "required: a valid month and day");
    }
    if (round.has_compile_due() &&
        !IsValidMonthDay(round.compile_due().month(), round.compile_due().day())) {
      violations.Add(at + ".compile_due", "not a valid month and day");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTask(const v1::Task& task, const std::string& plan_id,
                          const ReferenceResolver& refs, const TaskLookup& tasks,
                          const std::string& field, ViolationList& violations) {
  if (!IsValidOutlineCode(task.outline())) {
    violations.Add(field + ".outline", "required: letters, digits and dots, like A.II.1.2");
  }
  if (task.title().empty()) violations.Add(field + ".title", "required");
  if (!task.parent().empty()) {
    auto parent_name = ParseTaskName(task.parent(), field + ".parent");
    if (!parent_name.ok() || parent_name->plan_id != plan_id) {
      violations.Add(field + ".parent",
                     absl::StrCat(QuoteInput(task.parent()), " is not a task of plans/", plan_id));
    } else if (parent_name->outline == task.outline()) {
      violations.Add(field + ".parent", "a task cannot be its own parent");
    } else if (!absl::StartsWith(task.outline(), parent_name->outline + ".")) {
      violations.Add(field + ".parent",
                     absl::StrCat("outline \"", task.outline(),
                                  "\" does not continue its parent's outline \"",
                                  parent_name->outline, "\""));
    } else {
      ASSIGN_OR_RETURN(std::optional<v1::Task> parent, tasks.FindTask(parent_name->outline));
      if (!parent) violations.Add(field + ".parent", absl::StrCat(task.parent(), " does not exist"));
    }
  }
  for (const auto& [list, which] :
       {std::pair<const google::protobuf::RepeatedPtrField<v1::Assignment>*, std::string>{
            &task.lead(), "lead"},
        {&task.coordinating(), "coordinating"}}) {
    for (int i = 0; i < list->size(); ++i) {
      const v1::Assignment& a = list->Get(i);
      std::string at = absl::StrCat(field, ".", which, "[", i, "]");
      if (a.has_group()) {
        if (a.group().ancestor().empty()) {
          violations.Add(at + ".group.ancestor", "required: the agency whose subtree is meant");
        } else {
          RETURN_IF_ERROR(CheckAgencyRef(a.group().ancestor(), refs, at + ".group.ancestor",
                                         violations));
        }
      } else if (a.agency().empty()) {
        violations.Add(at, "names no agency: set agency or group");
      } else {
        RETURN_IF_ERROR(CheckAgencyRef(a.agency(), refs, at + ".agency", violations));
      }
    }
  }
  std::set<std::string> indicators;
  for (int i = 0; i < task.indicators_size(); ++i) {
    std::string at = absl::StrCat(field, ".indicators[", i, "]");
    if (!indicators.insert(task.indicators(i)).second) {
      violations.Add(at, "listed twice");
      continue;
    }
    RETURN_IF_ERROR(CheckIndicatorRef(task.indicators(i), refs, at, violations));
  }
  const v1::Deadline& d = task.deadline();
  std::string at = field + ".deadline";
  if (d.from_year() != 0 && d.to_year() != 0 && d.from_year() > d.to_year()) {
    violations.Add(at + ".to_year", absl::StrCat(d.to_year(), " is before from_year ", d.from_year()));
  }
  switch (d.kind()) {
    case v1::DEADLINE_KIND_YEAR_RANGE:
      if (d.from_year() == 0 && d.to_year() == 0) {
        violations.Add(at, "a year range needs from_year or to_year");
      }
      break;
    case v1::DEADLINE_KIND_BY_DATE: {
      // google.type.Date allows day 0 for "some day of that month"
      // ("tháng 9/2026").
      google::type::Date date = d.date();
      if (date.day() == 0) date.set_day(1);
      if (!d.has_date() || !IsValidDate(date)) {
        violations.Add(at + ".date", "required: a valid date (day 0 for a whole month)");
      }
      break;
    }
    case v1::DEADLINE_KIND_MILESTONES:
      if (d.milestones_size() == 0) violations.Add(at + ".milestones", "required for MILESTONES");
      for (int i = 0; i < d.milestones_size(); ++i) {
        if (d.milestones(i).year() < 1945 || d.milestones(i).year() > 2200) {
          violations.Add(absl::StrCat(at, ".milestones[", i, "].year"), "required: a year");
        }
      }
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

}  // namespace tonghop::registry
