#include "services/aggregation/hierarchy.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_format.h"

namespace tonghop::aggregation {

Hierarchy::Hierarchy(std::vector<v1::Agency> agencies) {
  for (v1::Agency& agency : agencies) {
    std::string name = agency.name();
    agencies_[name] = std::move(agency);
  }
  uint64_t hash = 0xcbf29ce484222325ULL;
  auto mix = [&hash](absl::string_view s) {
    for (unsigned char c : s) {
      hash ^= c;
      hash *= 0x100000001b3ULL;
    }
    hash ^= 0xff;
    hash *= 0x100000001b3ULL;
  };
  for (const auto& [name, agency] : agencies_) {
    mix(name);
    mix(agency.parent());
    if (!agency.parent().empty()) below_[agency.parent()].push_back(name);
    for (const std::string& successor : agency.successors()) {
      mix(successor);
      if (successor != agency.parent()) below_[successor].push_back(name);
    }
    mix("|");
  }
  fingerprint_ = absl::StrFormat("%016x:%d", hash, agencies_.size());
  for (const auto& [name, agency] : agencies_) by_name_[name] = &agency;
  for (const auto& [name, agency] : agencies_) roots_[name] = WalkRoots(name);
}

const v1::Agency* Hierarchy::Find(absl::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

absl::StatusOr<std::optional<v1::Agency>> Hierarchy::FindAgency(absl::string_view name) const {
  const v1::Agency* agency = Find(name);
  if (agency == nullptr) return std::optional<v1::Agency>();
  return std::optional<v1::Agency>(*agency);
}

std::vector<std::string> Hierarchy::Roots(absl::string_view agency) const {
  auto it = roots_.find(agency);
  if (it != roots_.end()) return it->second;
  return {std::string(agency)};
}

std::vector<std::string> Hierarchy::WalkRoots(absl::string_view agency) const {
  std::set<std::string> seen;
  std::vector<std::string> stack = {std::string(agency)};
  while (!stack.empty()) {
    std::string current = std::move(stack.back());
    stack.pop_back();
    if (current.empty() || !seen.insert(current).second) continue;
    const v1::Agency* node = Find(current);
    if (node == nullptr) continue;
    stack.push_back(node->parent());
    for (const std::string& successor : node->successors()) stack.push_back(successor);
  }
  return std::vector<std::string>(seen.begin(), seen.end());
}

bool Hierarchy::HasBelow(absl::string_view agency) const {
  return below_.find(std::string(agency)) != below_.end();
}

bool Hierarchy::InSubtree(absl::string_view agency, absl::string_view root) const {
  auto it = roots_.find(agency);
  if (it == roots_.end()) return agency == root;
  return std::binary_search(it->second.begin(), it->second.end(), root,
                            [](absl::string_view a, absl::string_view b) { return a < b; });
}

bool Hierarchy::InForce(const v1::Agency& agency, const Period& period) {
  return Overlaps(agency.valid_from(), agency.valid_to(), period);
}

std::vector<const v1::Agency*> Hierarchy::Children(absl::string_view root,
                                                   const Period& period) const {
  std::vector<const v1::Agency*> children;
  auto it = below_.find(std::string(root));
  if (it == below_.end()) return children;
  std::set<std::string> names(it->second.begin(), it->second.end());
  for (const std::string& name : names) {
    const v1::Agency* child = Find(name);
    if (child != nullptr && InForce(*child, period)) children.push_back(child);
  }
  return children;
}

std::vector<const v1::Agency*> Hierarchy::GroupMembers(const v1::AgencyGroup& group,
                                                       const Period& period) const {
  std::vector<const v1::Agency*> members;
  for (const auto& [name, agency] : agencies_) {
    if (name == group.ancestor() || !InForce(agency, period)) continue;
    if (group.kind() != v1::AGENCY_KIND_UNSPECIFIED && agency.kind() != group.kind()) continue;
    if (InSubtree(name, group.ancestor())) members.push_back(&agency);
  }
  return members;
}

std::vector<std::string> Hierarchy::Resolve(absl::string_view agency, const Period& period) const {
  std::vector<std::string> result;
  std::set<std::string> seen;
  std::vector<std::string> stack = {std::string(agency)};
  while (!stack.empty()) {
    std::string current = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(current).second) continue;
    const v1::Agency* node = Find(current);
    if (node == nullptr || InForce(*node, period) || node->successors().empty()) {
      if (node == nullptr || InForce(*node, period)) result.push_back(current);
      continue;
    }
    for (const std::string& successor : node->successors()) stack.push_back(successor);
  }
  std::sort(result.begin(), result.end());
  return result;
}

std::string Hierarchy::DisplayName(absl::string_view agency, absl::string_view language) const {
  const v1::Agency* node = Find(agency);
  if (node == nullptr) return std::string(agency);
  if (language == "en" && !node->english_name().empty()) return node->english_name();
  return node->display_name().empty() ? node->name() : node->display_name();
}

}  // namespace tonghop::aggregation
