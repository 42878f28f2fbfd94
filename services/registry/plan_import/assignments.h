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

// Agencies written into a task's sentence rather than in fields of their own.
struct InlineAgencies {
  bool found = false;
  std::string lead;          // "Sở Tư pháp", "Đề nghị Tòa án nhân dân tỉnh"
  std::string coordinating;  // "Sở Nội vụ và Ủy ban nhân dân các xã, phường"
};

// Reads "[Giao] X chủ trì[, phối hợp với Y] <việc>", "X phối hợp với Y <việc>"
// and the same in a closing parenthesis ("… (Sở Tư pháp chủ trì, phối hợp Sở
// Nội vụ)"): X is the lead when it resolves wholly to agencies, Y is
// everything up to the verb that opens the work ("tổ chức", "triển khai",
// "xây dựng" …; not "các tổ chức"). Not found when X does not resolve.
InlineAgencies FindInlineAgencies(absl::string_view sentence, const AgencyResolver& resolver);

// Whether `text` names agencies only ("Sở Tư pháp", "Sở Y tế, Công an tỉnh",
// "UBND các xã, phường"): every name resolves and there is at least one.
bool IsAgencyList(absl::string_view text, const AgencyResolver& resolver);

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_ASSIGNMENTS_H_
