#ifndef TONGHOP_SERVICES_COMMON_RESOURCE_NAMES_H_
#define TONGHOP_SERVICES_COMMON_RESOURCE_NAMES_H_

// Resource names (AIP-122) and resource ids.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop {

// True for a slug id: 1 to 63 characters of [a-z0-9-], starting with a
// letter or digit and not ending with a hyphen.
bool IsValidSlugId(absl::string_view id);

// True for a task outline code: 1 to 63 characters of [A-Za-z0-9.], no
// empty component ("A.II.1.2").
bool IsValidOutlineCode(absl::string_view outline);

// Splits `name` = "{collection}/{id}" and returns the id, or INVALID_ARGUMENT
// naming `field` when the name is malformed.
absl::StatusOr<std::string> ParseSimpleName(absl::string_view name,
                                            absl::string_view collection,
                                            absl::string_view field);

// Builds "{collection}/{id}".
std::string MakeName(absl::string_view collection, absl::string_view id);

// The last segment of a resource name, for display and for keys that hold
// ids: "agencies/dong-nai" → "dong-nai", "plans/p/tasks/1.2" → "1.2". A
// name without '/' is returned whole. Not a validation: use the Parse*
// functions for names that come from callers.
std::string IdOf(absl::string_view name);

// The parts of a task name, "plans/{plan}/tasks/{task}".
struct TaskNameParts {
  std::string plan_id;
  std::string outline;
};
absl::StatusOr<TaskNameParts> ParseTaskName(absl::string_view name,
                                            absl::string_view field);
std::string MakeTaskName(absl::string_view plan_id, absl::string_view outline);

// The parts of a report name, "reports/{agency}/{plan}/{period}".
struct ReportNameParts {
  std::string agency_id;
  std::string plan_id;
  std::string period;
};
absl::StatusOr<ReportNameParts> ParseReportName(absl::string_view name,
                                                absl::string_view field);
std::string MakeReportName(absl::string_view agency_id,
                           absl::string_view plan_id, absl::string_view period);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_RESOURCE_NAMES_H_
