#include "services/aggregation/report_draft.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_split.h"
#include "absl/strings/substitute.h"
#include "services/aggregation/report_text.h"
#include "services/common/display_format.h"
#include "services/common/errors.h"
#include "services/common/period.h"
#include "services/common/resource_names.h"
#include "services/common/text.h"

namespace tonghop::aggregation {
namespace {

std::string IdOf(absl::string_view name) {
  size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

// "Tỉnh Đồng Nai" → "Đồng Nai"; "Thành phố Hà Nội" → "Hà Nội".
std::string PlaceName(absl::string_view display_name) {
  for (absl::string_view prefix : {"Tỉnh ", "tỉnh ", "Thành phố ", "thành phố "}) {
    if (absl::ConsumePrefix(&display_name, prefix)) break;
  }
  return std::string(display_name);
}

// "Sở Tư pháp tỉnh Đồng Nai" → "Sở Tư pháp": the body's own name, without
// the province it belongs to (which the governing body's line says).
std::string BodyName(absl::string_view display_name, absl::string_view parent_display_name) {
  std::string lower_parent = std::string(parent_display_name);
  if (!lower_parent.empty()) {
    // "Tỉnh Đồng Nai" appears as "tỉnh Đồng Nai" inside a name.
    std::string as_suffix = absl::StrCat(" ", lower_parent);
    if (absl::StartsWith(lower_parent, "Tỉnh ")) as_suffix = absl::StrCat(" t", lower_parent.substr(1));
    if (absl::StartsWith(lower_parent, "Thành phố ")) {
      as_suffix = absl::StrCat(" t", lower_parent.substr(1));
    }
    if (absl::EndsWith(display_name, as_suffix)) {
      display_name.remove_suffix(as_suffix.size());
    }
  }
  return std::string(display_name);
}

// "Tỉnh Đồng Nai" → "tỉnh Đồng Nai", for use inside a sentence.
std::string InSentence(absl::string_view name) {
  for (auto [from, to] : {std::pair<absl::string_view, absl::string_view>{"Tỉnh ", "tỉnh "},
                          {"Thành phố ", "thành phố "}}) {
    if (absl::StartsWith(name, from)) return absl::StrCat(to, name.substr(from.size()));
  }
  return std::string(name);
}

std::string Roman(int n) {
  static constexpr const char* kRoman[] = {"", "I", "II", "III", "IV"};
  return n >= 1 && n <= 4 ? kRoman[n] : absl::StrCat(n);
}

// At most `limit` names, then "và N cơ quan khác".
std::string NameList(const std::vector<std::string>& names, size_t limit,
                     absl::string_view language) {
  std::vector<std::string> shown(names.begin(),
                                 names.begin() + static_cast<long>(std::min(limit, names.size())));
  std::string text = absl::StrJoin(shown, "; ");
  if (names.size() > limit) {
    absl::StrAppend(&text, absl::Substitute(Text("draft_and_others", language),
                                            names.size() - limit));
  }
  return text;
}

// The top-level groups of tasks (outline without a dot), in plan order,
// each with the outlines of the tasks below it.
struct TaskGroup {
  std::string outline;
  std::string title;
};
std::vector<TaskGroup> TaskGroups(const v1::CompiledReport& report) {
  std::vector<TaskGroup> groups;
  for (const v1::TaskStatusEntry& t : report.tasks()) {
    if (t.depth() == 1) groups.push_back({t.outline(), t.title()});
  }
  return groups;
}

bool InGroup(absl::string_view outline, absl::string_view group) {
  return outline == group || absl::StartsWith(outline, absl::StrCat(group, "."));
}

std::string GroupResults(const v1::CompiledReport& report, const TaskGroup& group,
                         absl::string_view language) {
  std::vector<std::string> lines;
  for (const v1::TaskStatusEntry& t : report.tasks()) {
    if (!InGroup(t.outline(), group.outline)) continue;
    std::vector<std::string> accounts;
    for (const v1::AssigneeStatus& a : t.assignees()) {
      if (!a.lead() || a.status() == v1::PROGRESS_STATUS_UNSPECIFIED) continue;
      std::string account = absl::StrCat(a.display_name(), " (",
                                         ProgressLabel(a.status(), language), ")");
      if (!a.summary().empty()) {
        absl::StrAppend(&account, ": ", absl::StripSuffix(a.summary(), "."));
      }
      for (const std::string& output : a.outputs()) absl::StrAppend(&account, "; ", output);
      accounts.push_back(std::move(account));
    }
    if (accounts.empty()) continue;
    std::string line = absl::StrCat("- ", t.outline(), ". ", Truncate(t.title(), 120), " — ",
                                    absl::StrJoin(accounts, "; "));
    if (line.back() != '.') line.push_back('.');
    lines.push_back(std::move(line));
  }
  if (lines.empty()) return Text("draft_group_no_results", language);
  return absl::StrCat(Text("draft_group_results_intro", language), "\n",
                      absl::StrJoin(lines, "\n"));
}

}  // namespace

std::string DraftName(absl::string_view agency, absl::string_view plan, absl::string_view period) {
  return absl::StrCat("compiledReports/", IdOf(agency), "/", IdOf(plan), "/", period, "/draft");
}

absl::StatusOr<DraftNameParts> ParseDraftName(absl::string_view name, absl::string_view field) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 5 || parts[0] != "compiledReports" || parts[4] != "draft" ||
      !IsValidSlugId(parts[1]) || !IsValidSlugId(parts[2]) ||
      !ParsePeriod(parts[3], field).ok()) {
    return InvalidField(field, absl::StrCat("\"", name,
                                            "\" is not compiledReports/{agency}/{plan}/{period}/draft"));
  }
  return DraftNameParts{absl::StrCat("agencies/", parts[1]), absl::StrCat("plans/", parts[2]),
                        parts[3]};
}

std::string PeriodPhrase(absl::string_view period, absl::string_view language) {
  absl::StatusOr<Period> p = ParsePeriod(period, "period");
  if (!p.ok()) return std::string(period);
  bool en = language == "en";
  switch (p->type) {
    case v1::PERIOD_TYPE_SEMIANNUAL:
      if (en) return absl::StrCat(p->sub_period == 1 ? "the first" : "the second", " half of ", p->year);
      return absl::StrCat(p->sub_period == 1 ? "6 tháng đầu năm " : "6 tháng cuối năm ", p->year);
    case v1::PERIOD_TYPE_QUARTERLY:
      if (en) return absl::StrCat("Q", p->sub_period, " ", p->year);
      return absl::StrCat("quý ", Roman(p->sub_period), " năm ", p->year);
    default:
      return en ? absl::StrCat(p->year) : absl::StrCat("năm ", p->year);
  }
}

v1::CompiledReportDraft GenerateDraft(const v1::CompiledReport& report, const PlanInfo& plan,
                                      const Hierarchy& hierarchy) {
  const std::string language = report.language().empty() ? "vi" : report.language();
  const bool en = language == "en";
  v1::CompiledReportDraft draft;
  draft.set_name(DraftName(report.agency(), report.plan(), report.period()));

  // Letterhead: the compiler under its parent ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG
  // NAI" / "SỞ TƯ PHÁP"); a body with no parent above it stands alone.
  const v1::Agency* compiler = hierarchy.Find(report.compiler());
  const v1::Agency* parent = compiler != nullptr ? hierarchy.Find(compiler->parent()) : nullptr;
  std::string parent_name = parent != nullptr ? hierarchy.DisplayName(parent->name(), "vi") : "";
  std::string body = BodyName(hierarchy.DisplayName(report.compiler(), "vi"), parent_name);
  if (parent != nullptr && parent->kind() == v1::AGENCY_KIND_PROVINCE) {
    // The decree lets the governing body's line abbreviate "Ủy ban nhân
    // dân" (Appendix I), as provinces' letterheads do.
    draft.set_governing_body(ToUpperVietnamese(absl::StrCat("UBND ", InSentence(parent_name))));
  } else if (parent != nullptr && parent->kind() != v1::AGENCY_KIND_MINISTRY) {
    draft.set_governing_body(ToUpperVietnamese(parent_name));
  }
  draft.set_issuing_body(ToUpperVietnamese(body));
  draft.set_number_symbol(absl::StrCat("/BC-", Initials(body)));
  const v1::Agency* root = hierarchy.Find(report.agency());
  const v1::Agency* province = root;
  if (root != nullptr && root->kind() != v1::AGENCY_KIND_PROVINCE && parent != nullptr &&
      parent->kind() == v1::AGENCY_KIND_PROVINCE) {
    province = parent;
  }
  if (province != nullptr && province->kind() == v1::AGENCY_KIND_PROVINCE) {
    draft.set_place(PlaceName(hierarchy.DisplayName(province->name(), "vi")));
  } else {
    draft.set_place(en ? "Hanoi" : "Hà Nội");
  }
  const std::string period = PeriodPhrase(report.period(), language);
  draft.set_summary(absl::Substitute(Text("draft_summary", language), report.plan_symbol(), period));

  // I. The situation: the plan and who has reported.
  const v1::CompletenessResponse& c = report.completeness();
  std::string issued_on = IsSet(plan.plan.issued_on()) ? FormatDate(plan.plan.issued_on()) : "";
  // A province issues its plans as its People's Committee.
  std::string issuer = hierarchy.DisplayName(plan.plan.issuer(), language);
  const v1::Agency* issuing_agency = hierarchy.Find(plan.plan.issuer());
  if (issuing_agency != nullptr && issuing_agency->kind() == v1::AGENCY_KIND_PROVINCE) {
    issuer = absl::StrCat(en ? "People's Committee of " : "Ủy ban nhân dân ", InSentence(issuer));
  }
  std::string plan_reference =
      issued_on.empty()
          ? absl::Substitute(Text("draft_plan_reference", language), report.plan_symbol(),
                             InSentence(issuer), LowerFirstLetter(report.plan_title()))
          : absl::Substitute(Text("draft_plan_reference_dated", language), report.plan_symbol(),
                             issued_on, InSentence(issuer), LowerFirstLetter(report.plan_title()));
  std::string situation = absl::Substitute(Text("draft_situation", language), plan_reference,
                                           body, period);
  absl::StrAppend(
      &situation, "\n\n",
      absl::Substitute(Text("draft_received", language), FormatDate(report.compiled_on()),
                       FormatCount(c.received(), language), FormatCount(c.expected(), language),
                       FormatCount(c.on_time(), language), FormatCount(c.late(), language),
                       FormatCount(c.missing(), language)));
  absl::StrAppend(&situation, "\n\n", absl::Substitute(Text("draft_basis", language), body));
  draft.set_situation(situation);

  // II. Results, one section per group of tasks.
  for (const TaskGroup& group : TaskGroups(report)) {
    v1::ReportSection* section = draft.add_results();
    section->set_task_group(group.outline);
    section->set_title(group.title);
    section->set_text(GroupResults(report, group, language));
  }

  // III. Difficulties: what the data shows went wrong.
  std::vector<std::string> difficulties;
  std::vector<std::string> overdue;
  for (const v1::TaskStatusEntry& t : report.tasks()) {
    if (!t.overdue()) continue;
    std::vector<std::string> leads;
    for (const v1::AssigneeStatus& a : t.assignees()) {
      if (a.lead()) {
        leads.push_back(absl::StrCat(a.display_name(), ": ", ProgressLabel(a.status(), language)));
      }
    }
    overdue.push_back(absl::StrCat(t.outline(), " (", absl::StrJoin(leads, ", "), ")"));
  }
  if (!overdue.empty()) {
    difficulties.push_back(absl::Substitute(Text("draft_overdue", language),
                                            FormatCount(static_cast<int64_t>(overdue.size()), language),
                                            NameList(overdue, 10, language)));
  }
  std::vector<std::string> missing;
  for (const v1::Reporter& r : c.missing_reporters()) missing.push_back(r.display_name());
  if (!missing.empty()) {
    difficulties.push_back(absl::Substitute(Text("draft_missing", language),
                                            FormatCount(static_cast<int64_t>(missing.size()), language),
                                            NameList(missing, 10, language)));
  }
  std::vector<std::string> not_computed;
  std::set<std::string> seen;
  for (const v1::CompiledStatistic& s : report.statistics()) {
    std::vector<std::string> cells;
    for (const v1::RollupRow& row : s.rows()) {
      v1::UnavailableReason reason = row.figure().unavailable_reason();
      if (reason == v1::UNAVAILABLE_REASON_NUMERATOR_NOT_DISAGGREGATED ||
          reason == v1::UNAVAILABLE_REASON_DENOMINATOR_NOT_DISAGGREGATED ||
          reason == v1::UNAVAILABLE_REASON_PARTS_REPORTED_APART || row.figure().partial()) {
        std::string dimension = row.label().substr(0, row.label().find(':'));
        if (seen.insert(absl::StrCat(s.indicator(), "|", dimension)).second) {
          cells.push_back(dimension);
        }
      }
    }
    if (!cells.empty()) {
      not_computed.push_back(absl::StrCat(s.display_name(), " (", absl::StrJoin(cells, ", "), ")"));
    }
  }
  if (!not_computed.empty()) {
    difficulties.push_back(
        absl::Substitute(Text("draft_not_disaggregated", language), NameList(not_computed, 10, language)));
  }
  if (difficulties.empty()) {
    draft.set_difficulties(Text("draft_no_difficulties", language));
  } else {
    std::string text;
    for (const std::string& d : difficulties) absl::StrAppend(&text, "- ", d, "\n");
    absl::StrAppend(&text, "\n", Text("draft_causes", language));
    draft.set_difficulties(text);
  }

  // IV. Recommendations that follow from the difficulties.
  std::vector<std::string> recommendations;
  if (!missing.empty()) {
    recommendations.push_back(absl::Substitute(Text("draft_recommend_missing", language), body));
  }
  if (!overdue.empty()) recommendations.push_back(Text("draft_recommend_overdue", language));
  if (!not_computed.empty()) recommendations.push_back(Text("draft_recommend_breakdown", language));
  std::string recommendation_text;
  for (const std::string& r : recommendations) absl::StrAppend(&recommendation_text, "- ", r, "\n");
  draft.set_recommendations(recommendations.empty() ? Text("draft_no_recommendations", language)
                                                    : recommendation_text);

  // Recipients: the ministry above and the governing body, then the file.
  std::string ministry;
  for (const std::string& ancestor : hierarchy.Roots(report.agency())) {
    const v1::Agency* a = hierarchy.Find(ancestor);
    if (a != nullptr && a->kind() == v1::AGENCY_KIND_MINISTRY) {
      ministry = hierarchy.DisplayName(ancestor, language);
    }
  }
  if (!ministry.empty() && (compiler == nullptr || compiler->kind() != v1::AGENCY_KIND_MINISTRY)) {
    draft.add_recipients(absl::Substitute(Text("draft_recipient_report", language), ministry));
  }
  if (parent != nullptr && parent->kind() == v1::AGENCY_KIND_PROVINCE) {
    draft.add_recipients(absl::Substitute(Text("draft_recipient_report", language),
                                          absl::StrCat(en ? "People's Committee of " : "UBND ",
                                                       InSentence(parent_name))));
  }
  draft.add_recipients(Text("draft_recipient_file", language));
  draft.set_signer_title(compiler != nullptr && compiler->kind() == v1::AGENCY_KIND_DEPARTMENT
                             ? Text("draft_director", language)
                             : Text("draft_head", language));
  return draft;
}

}  // namespace tonghop::aggregation
