#include "services/registry/plan_import/plan_import_fuzz.h"

#include <cstdio>
#include <cstdlib>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/resource_names.h"
#include "services/registry/plan_import/plan_importer.h"

namespace tonghop::plan_import {
namespace {

using ::tonghop::v1::Agency;

Agency MakeAgency(absl::string_view id, absl::string_view display,
                  tonghop::v1::AgencyKind kind, absl::string_view parent,
                  std::vector<std::string> aliases) {
  Agency a;
  a.set_name(absl::StrCat("agencies/", id));
  a.set_display_name(std::string(display));
  a.set_kind(kind);
  if (!parent.empty()) a.set_parent(absl::StrCat("agencies/", parent));
  for (std::string& alias : aliases) a.add_aliases(std::move(alias));
  return a;
}

std::string Check(const absl::StatusOr<tonghop::v1::ImportPlanResponse>& result,
                  absl::string_view label) {
  if (!result.ok()) {
    if (result.status().code() != absl::StatusCode::kInvalidArgument) {
      return absl::StrCat(label, ": error is not INVALID_ARGUMENT: ", result.status().ToString());
    }
    if (GetBadRequest(result.status()).field_violations_size() == 0) {
      return absl::StrCat(label, ": error without a field violation: ",
                          result.status().ToString());
    }
    return "";
  }
  const auto& bundle = result->bundle();
  if (result->committed()) return absl::StrCat(label, ": committed is set");
  std::string plan_id;
  if (!bundle.plan().name().empty() || result->report().format() != tonghop::v1::IMPORT_FORMAT_JSON) {
    absl::StatusOr<std::string> id = ParseSimpleName(bundle.plan().name(), "plans", "plan.name");
    if (!id.ok()) return absl::StrCat(label, ": bad plan name \"", bundle.plan().name(), "\"");
    plan_id = *id;
  }
  if (result->report().format() == tonghop::v1::IMPORT_FORMAT_JSON) return "";
  if (result->report().task_count() != bundle.tasks_size()) {
    return absl::StrCat(label, ": task_count ", result->report().task_count(), " for ",
                        bundle.tasks_size(), " tasks");
  }
  for (const auto& d : result->report().diagnostics()) {
    if (d.code().empty() || d.message().empty() || d.remedy().empty() || d.message_en().empty()) {
      return absl::StrCat(label, ": diagnostic without code, message or remedy: ",
                          d.ShortDebugString());
    }
  }
  if (result->report().counts().nodes() != bundle.tasks_size() ||
      result->report().counts().diagnostics() != result->report().diagnostics_size()) {
    return absl::StrCat(label, ": counts do not match the bundle and report");
  }
  if (bundle.tasks_size() == 0) {
    bool said = false;
    for (const auto& d : result->report().diagnostics()) said = said || d.code() == "NO_TASKS";
    if (!said) return absl::StrCat(label, ": a bundle without tasks and no NO_TASKS diagnostic");
  }
  std::set<std::string> names;
  for (int i = 0; i < bundle.tasks_size(); ++i) {
    const auto& t = bundle.tasks(i);
    if (!IsValidOutlineCode(t.outline())) {
      return absl::StrCat(label, ": invalid outline \"", t.outline(), "\"");
    }
    if (t.name() != MakeTaskName(plan_id, t.outline())) {
      return absl::StrCat(label, ": task name \"", t.name(), "\" does not match its outline");
    }
    if (t.sequence() != i + 1) return absl::StrCat(label, ": sequence out of order at ", t.name());
    if (!t.parent().empty()) {
      if (names.count(t.parent()) == 0) {
        return absl::StrCat(label, ": parent \"", t.parent(), "\" of \"", t.name(),
                            "\" is not an earlier task");
      }
      absl::StatusOr<TaskNameParts> parent = ParseTaskName(t.parent(), "parent");
      if (!parent.ok() || !absl::StartsWith(t.outline(), absl::StrCat(parent->outline, "."))) {
        return absl::StrCat(label, ": outline \"", t.outline(), "\" is not under its parent \"",
                            t.parent(), "\"");
      }
    }
    if (!names.insert(t.name()).second) {
      return absl::StrCat(label, ": task \"", t.name(), "\" appears twice");
    }
    for (const auto* list : {&t.lead(), &t.coordinating()}) {
      for (const auto& a : *list) {
        if (!a.has_group() && a.agency().empty()) {
          return absl::StrCat(label, ": assignment without a target in ", t.name());
        }
      }
    }
  }
  return "";
}

}  // namespace

const std::vector<Agency>& FuzzAgencies() {
  static const std::vector<Agency>* agencies = [] {
    using K = tonghop::v1::AgencyKind;
    auto* v = new std::vector<Agency>{
        MakeAgency("bo-tu-phap", "Bộ Tư pháp", K::AGENCY_KIND_MINISTRY, "", {}),
        MakeAgency("dong-nai", "Ủy ban nhân dân tỉnh Đồng Nai", K::AGENCY_KIND_PROVINCE,
                   "bo-tu-phap", {"UBND tỉnh Đồng Nai"}),
        MakeAgency("dong-nai-so-tu-phap", "Sở Tư pháp tỉnh Đồng Nai",
                   K::AGENCY_KIND_DEPARTMENT, "dong-nai", {"Sở Tư pháp"}),
        MakeAgency("dong-nai-so-y-te", "Sở Y tế tỉnh Đồng Nai", K::AGENCY_KIND_DEPARTMENT,
                   "dong-nai", {}),
        MakeAgency("dong-nai-so-van-hoa-the-thao-va-du-lich",
                   "Sở Văn hóa, Thể thao và Du lịch tỉnh Đồng Nai", K::AGENCY_KIND_DEPARTMENT,
                   "dong-nai", {}),
        MakeAgency("dong-nai-cong-an-tinh", "Công an tỉnh Đồng Nai",
                   K::AGENCY_KIND_SECURITY_FORCE, "dong-nai", {}),
        MakeAgency("dong-nai-toa-an-nhan-dan-tinh", "Tòa án nhân dân tỉnh Đồng Nai",
                   K::AGENCY_KIND_INDEPENDENT_BODY, "dong-nai", {"TAND tỉnh"}),
        MakeAgency("dong-nai-phuong-tran-bien", "Phường Trấn Biên", K::AGENCY_KIND_COMMUNE,
                   "dong-nai", {}),
    };
    (*v)[1].set_focal_agency("agencies/dong-nai-so-tu-phap");
    return v;
  }();
  return *agencies;
}

std::string FuzzOneInput(absl::string_view data) {
  ImportOptions options;
  options.issuer = "agencies/dong-nai";
  options.agencies = FuzzAgencies();
  options.format = tonghop::v1::IMPORT_FORMAT_TEXT;
  std::string problem = Check(ParsePlan(data, options), "text");
  if (!problem.empty()) return problem;
  options.format = tonghop::v1::IMPORT_FORMAT_UNSPECIFIED;
  return Check(ParsePlan(data, options), "detected");
}

}  // namespace tonghop::plan_import

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string problem = tonghop::plan_import::FuzzOneInput(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!problem.empty()) {
    std::fprintf(stderr, "plan import invariant broken: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
