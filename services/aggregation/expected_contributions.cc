#include "services/aggregation/expected_contributions.h"

#include <algorithm>
#include <map>
#include <optional>

namespace tonghop::aggregation {

ExpectedContributions::ExpectedContributions(const Hierarchy& hierarchy, absl::string_view root,
                                             absl::string_view plan, absl::string_view period,
                                             const std::vector<std::string>& expected)
    : root_(root), plan_(plan), period_(period) {
  // Each reporter goes to the subtree under the root, among those it counts
  // in, with the fewest roots of its own: the one nearest the root, which
  // holds the most reporters. Any of them would do: the reporter counts in
  // each exactly when it has a head.
  absl::flat_hash_map<std::string, size_t> depth;
  std::map<std::string, std::vector<std::string>> by_subtree;
  for (const std::string& agency : expected) {
    std::optional<std::string> nearest;
    size_t nearest_depth = 0;
    for (const std::string& subtree : hierarchy.Roots(agency)) {
      if (subtree == root_ || !hierarchy.InSubtree(subtree, root_)) continue;
      auto [it, added] = depth.try_emplace(subtree, 0);
      if (added) it->second = hierarchy.Roots(subtree).size();
      if (!nearest.has_value() || it->second < nearest_depth) {
        nearest = subtree;
        nearest_depth = it->second;
      }
    }
    if (nearest.has_value()) {
      by_subtree[*nearest].push_back(agency);
    } else {
      alone_.push_back(agency);
    }
  }
  for (auto& [subtree, agencies] : by_subtree) {
    if (agencies.size() == 1) {
      alone_.push_back(std::move(agencies.front()));
    } else {
      groups_.push_back(Group{subtree, std::move(agencies)});
    }
  }
}

int64_t ExpectedContributions::Contributed(const AggregateReader& reader, Layer layer) const {
  int64_t contributed = 0;
  for (size_t group = 0; group < groups_.size(); ++group) {
    contributed += GroupContributed(reader, layer, group);
  }
  for (const std::string& agency : alone_) {
    std::optional<records::Contribution> head = reader.Head(layer, plan_, period_, agency);
    if (head.has_value() &&
        std::find(head->roots().begin(), head->roots().end(), root_) != head->roots().end()) {
      ++contributed;
    }
  }
  return contributed;
}

int64_t ExpectedContributions::GroupContributed(const AggregateReader& reader, Layer layer,
                                                size_t group) const {
  const Group& g = groups_[group];
  const AggregateReader::Counted counted = reader.CountedIn(layer, plan_, period_, g.subtree);
  if (counted.reports == 0) return 0;
  const std::pair<int, size_t> key{layer == Layer::kAccepted ? 0 : 1, group};
  {
    absl::MutexLock lock(&mu_);
    auto it = known_.find(key);
    if (it != known_.end() && it->second.counted.reports == counted.reports &&
        it->second.counted.members == counted.members) {
      return it->second.contributed;
    }
  }
  int64_t contributed = 0;
  for (const std::string& agency : g.agencies) {
    if (reader.Head(layer, plan_, period_, agency).has_value()) ++contributed;
  }
  // A reader that failed part way counted from empty reads: nothing to keep.
  if (!reader.status().ok()) return contributed;
  absl::MutexLock lock(&mu_);
  known_[key] = Known{counted, contributed};
  return contributed;
}

}  // namespace tonghop::aggregation
