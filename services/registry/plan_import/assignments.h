#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_ASSIGNMENTS_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_ASSIGNMENTS_H_

// Reading the agency cells of a task (chủ trì, phối hợp) into assignments,
// and the expected-result cell into items.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/registry/plan_import/agency_resolver.h"
#include "tonghop/v1/plan.pb.h"

namespace tonghop::plan_import {

// The column an agency cell comes from.
enum class AssignmentRole { kLead, kCoordinating };

// What one agency cell says.
struct ParsedAssignments {
  std::vector<tonghop::v1::Assignment> lead;
  std::vector<tonghop::v1::Assignment> coordinating;
  // Names that did not resolve, as written (without their parenthesis).
  std::vector<std::string> unresolved;
  // Things the reader should check ("phối hợp" in the lead column ...).
  std::vector<std::string> warnings;
};

// Splits an agency cell (plain text or the HTML of a pasted cell) into
// single assignments and resolves each.
//
// Items are separated by ";", line breaks, list items and "- " bullets, and
// within an item by "," and "và" — but only where the pieces do not together
// name one agency ("Sở Văn hóa, Thể thao và Du lịch"): the longest run of
// pieces that resolves wins. "Đề nghị X, Y chủ trì thực hiện (…)" marks X and
// Y requested; the verb phrase after the names ("chủ trì thực hiện theo chức
// năng, nhiệm vụ") is not part of them, but a parenthesis or an "đối với …"
// clause there is their scope note, as is a name's own parenthesis. "Các Sở:
// Tư pháp, Ngoại vụ" names "Sở Tư pháp" and "Sở Ngoại vụ". An item of the
// lead column that asks a body to "phối hợp" is recorded as coordinating.
// Independent bodies (courts, procuracies …) are always `requested`.
ParsedAssignments ParseAssignments(absl::string_view cell, AssignmentRole role,
                                   const AgencyResolver& resolver);

// Splits an expected-result cell into items: on line breaks, list items,
// "- " bullets and ";" outside parentheses.
std::vector<std::string> SplitResults(absl::string_view cell);

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_ASSIGNMENTS_H_
