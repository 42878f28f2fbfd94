#include "services/common/resource_names.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/common/text.h"

namespace tonghop {

bool IsValidSlugId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return id.front() != '-' && id.back() != '-';
}

bool IsValidOutlineCode(absl::string_view outline) {
  if (outline.empty() || outline.size() > 63) return false;
  for (absl::string_view part : absl::StrSplit(outline, '.')) {
    if (part.empty()) return false;
    for (char c : part) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9');
      if (!ok) return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> ParseSimpleName(absl::string_view name,
                                            absl::string_view collection,
                                            absl::string_view field) {
  std::string prefix = absl::StrCat(collection, "/");
  if (name.empty()) {
    return InvalidField(field, absl::StrCat("required; expected ", prefix, "{id}"));
  }
  if (!absl::StartsWith(name, prefix) ||
      !IsValidSlugId(name.substr(prefix.size()))) {
    return InvalidField(
        field, absl::StrCat(QuoteInput(name), " is not a valid name; expected ",
                            prefix, "{id} with id of lowercase letters, digits "
                            "and hyphens"));
  }
  return std::string(name.substr(prefix.size()));
}

std::string MakeName(absl::string_view collection, absl::string_view id) {
  return absl::StrCat(collection, "/", id);
}

std::string IdOf(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

absl::StatusOr<TaskNameParts> ParseTaskName(absl::string_view name,
                                            absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, absl::MaxSplits('/', 3));
  if (parts.size() != 4 || parts[0] != "plans" || parts[2] != "tasks" ||
      !IsValidSlugId(parts[1]) || !IsValidOutlineCode(parts[3])) {
    return InvalidField(field, absl::StrCat(QuoteInput(name),
                                            " is not a valid task name; "
                                            "expected plans/{plan}/tasks/{outline}"));
  }
  return TaskNameParts{std::string(parts[1]), std::string(parts[3])};
}

std::string MakeTaskName(absl::string_view plan_id, absl::string_view outline) {
  return absl::StrCat("plans/", plan_id, "/tasks/", outline);
}

absl::StatusOr<ReportNameParts> ParseReportName(absl::string_view name,
                                                absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "reports" || !IsValidSlugId(parts[1]) ||
      !IsValidSlugId(parts[2]) || parts[3].empty()) {
    return InvalidField(field, absl::StrCat(QuoteInput(name),
                                            " is not a valid report name; "
                                            "expected reports/{agency}/{plan}/{period}"));
  }
  return ReportNameParts{std::string(parts[1]), std::string(parts[2]),
                         std::string(parts[3])};
}

std::string MakeReportName(absl::string_view agency_id,
                           absl::string_view plan_id, absl::string_view period) {
  return absl::StrCat("reports/", agency_id, "/", plan_id, "/", period);
}

}  // namespace tonghop
