#include "services/common/failure_throttle.h"

#include <algorithm>
#include <vector>

#include "services/common/sleeper.h"

namespace tonghop {

FailureThrottle::FailureThrottle(const Clock* clock, Options options)
    : clock_(clock), options_(options) {}

absl::Duration FailureThrottle::Wait(absl::string_view key) const {
  absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.locked_until <= now) return absl::ZeroDuration();
  return it->second.locked_until - now;
}

FailureThrottle::Failure FailureThrottle::RecordFailure(absl::string_view key) {
  absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    MakeRoom(now);
    it = entries_.emplace(std::string(key), Entry()).first;
  }
  Entry& entry = it->second;
  if (entry.failures > 0 && now - entry.last_failure >= options_.forget_after) {
    entry.failures = 0;
  }
  entry.failures += 1;
  entry.last_failure = now;
  Failure failure;
  failure.count = entry.failures;
  int over = entry.failures - options_.free_failures;
  if (over > 0) {
    const absl::Duration delay = DoublingDelay(options_.base_delay, options_.max_delay, over);
    entry.locked_until = std::max(entry.locked_until, now + delay);
    failure.locked_for = entry.locked_until - now;
  }
  return failure;
}

void FailureThrottle::Clear(absl::string_view key) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) entries_.erase(it);
}

size_t FailureThrottle::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

void FailureThrottle::MakeRoom(absl::Time now) {
  if (entries_.size() < options_.max_keys) return;
  for (auto it = entries_.begin(); it != entries_.end();) {
    bool idle = it->second.locked_until <= now &&
                now - it->second.last_failure >= options_.forget_after;
    it = idle ? entries_.erase(it) : std::next(it);
  }
  if (entries_.size() < options_.max_keys) return;
  // Still full of recent failures: drop the oldest quarter.
  std::vector<std::pair<absl::Time, std::string>> by_age;
  by_age.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) by_age.emplace_back(entry.last_failure, key);
  size_t drop = std::max<size_t>(1, by_age.size() / 4);
  std::nth_element(by_age.begin(), by_age.begin() + (drop - 1), by_age.end());
  for (size_t i = 0; i < drop; ++i) entries_.erase(by_age[i].second);
}

}  // namespace tonghop
