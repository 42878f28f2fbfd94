#include "services/aggregation/change_journal.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"

namespace tonghop::aggregation {

void ChangeJournal::Reset(int64_t position) {
  absl::MutexLock lock(&mu_);
  entries_.clear();
  covered_after_ = position;
}

void ChangeJournal::Record(std::vector<Entry> entries) {
  absl::MutexLock lock(&mu_);
  for (Entry& entry : entries) entries_.push_back(std::move(entry));
  while (entries_.size() > capacity_) {
    covered_after_ = std::max(covered_after_, entries_.front().sequence);
    entries_.pop_front();
  }
}

void ChangeJournal::ForgetAfter(int64_t position) {
  absl::MutexLock lock(&mu_);
  while (!entries_.empty() && entries_.back().sequence > position) entries_.pop_back();
}

std::optional<std::vector<std::string>> ChangeJournal::ChangedBetween(absl::string_view plan,
                                                                      absl::string_view period,
                                                                      int64_t from,
                                                                      int64_t to) const {
  absl::MutexLock lock(&mu_);
  if (from < covered_after_) return std::nullopt;
  auto first = std::upper_bound(
      entries_.begin(), entries_.end(), from,
      [](int64_t sequence, const Entry& entry) { return sequence < entry.sequence; });
  absl::flat_hash_set<absl::string_view> seen;
  std::vector<std::string> agencies;
  for (auto it = first; it != entries_.end() && it->sequence <= to; ++it) {
    if (it->plan != plan || it->period != period) continue;
    if (seen.insert(it->agency).second) agencies.push_back(it->agency);
  }
  return agencies;
}

}  // namespace tonghop::aggregation
