#include "services/common/instance_monitor.h"

#include <algorithm>

namespace tonghop {

InstanceMonitor::InstanceMonitor(const Clock* clock)
    : clock_(clock != nullptr ? clock : RealClock::Get()) {
  collector_ = metrics_.AddCollector([this](MetricsSink& sink) { Collect(sink); });
}

InstanceMonitor::~InstanceMonitor() { metrics_.RemoveCollector(collector_); }

void InstanceMonitor::SetFeedSource(FeedSource source) {
  absl::MutexLock lock(&mu_);
  feed_ = std::move(source);
}

void InstanceMonitor::SetRollupSource(RollupSource source) {
  absl::MutexLock lock(&mu_);
  rollup_ = std::move(source);
}

void InstanceMonitor::ClearSources() {
  absl::MutexLock lock(&mu_);
  feed_.reset();
  rollup_.reset();
  upstream_.reset();
}

void InstanceMonitor::SetUpstreamSource(UpstreamSource source) {
  absl::MutexLock lock(&mu_);
  upstream_ = std::move(source);
}

std::vector<std::string> InstanceMonitor::NotReadyReasons() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> reasons;
  if (rollup_.has_value() && !rollup_->following()) {
    reasons.push_back("the roll-ups are not following the change feed");
  }
  return reasons;
}

void InstanceMonitor::Collect(MetricsSink& sink) const {
  absl::MutexLock lock(&mu_);
  std::optional<int64_t> last;
  std::optional<int64_t> applied;
  if (feed_.has_value()) {
    last = feed_->last_sequence();
    sink.Gauge("tonghop_feed_last_sequence",
               "Sequence number of the last change committed to the submissions change feed.",
               {}, static_cast<double>(*last));
  }
  if (rollup_.has_value()) {
    applied = rollup_->applied_sequence();
    sink.Gauge("tonghop_rollup_applied_sequence",
               "Sequence number of the last change of the feed the roll-ups hold.", {},
               static_cast<double>(*applied));
    sink.Gauge("tonghop_rollup_following",
               "1 while the aggregation service has the change feed open, else 0.", {},
               rollup_->following() ? 1 : 0);
  }
  if (!last.has_value()) return;
  if (applied.has_value()) {
    const int64_t behind = std::max<int64_t>(0, *last - *applied);
    sink.Gauge("tonghop_feed_lag_changes",
               "Changes committed to the change feed and not yet applied to the roll-ups.", {},
               static_cast<double>(behind));
    std::optional<double> lag = WaitedSince(*applied, *last);
    if (lag.has_value()) {
      sink.Gauge("tonghop_rollup_lag_seconds",
                 "How long the oldest change not yet applied to the roll-ups has waited (0 "
                 "when they are current).",
                 {}, *lag);
    }
  }
  if (upstream_.has_value()) {
    if (upstream_->held_pushes) {
      absl::StatusOr<int64_t> held = upstream_->held_pushes();
      if (held.ok()) {
        sink.Gauge("tonghop_upstream_held_pushes",
                   "Pushes of a plan and period the upstream instance refused, held and retried "
                   "by themselves (see Federation.GetUpstreamStatus).",
                   {}, static_cast<double>(*held));
      }
    }
    absl::StatusOr<int64_t> pushed = upstream_->pushed_position();
    if (!pushed.ok()) return;  // unknown: no sample
    sink.Gauge("tonghop_upstream_pending_changes",
               "Changes of the feed the upstream instance has not acknowledged yet.", {},
               static_cast<double>(std::max<int64_t>(0, *last - *pushed)));
    std::optional<double> lag = WaitedSince(*pushed, *last);
    if (lag.has_value()) {
      sink.Gauge("tonghop_upstream_push_lag_seconds",
                 "How long the oldest change the upstream instance has not acknowledged yet "
                 "has waited (0 when it has everything).",
                 {}, *lag);
    }
  }
}

std::optional<double> InstanceMonitor::WaitedSince(int64_t reached, int64_t last) const {
  if (reached >= last) return 0;
  absl::StatusOr<std::optional<absl::Time>> oldest = feed_->change_time(reached + 1);
  if (!oldest.ok() || !oldest->has_value()) return std::nullopt;
  return std::max(0.0, absl::ToDoubleSeconds(clock_->Now() - **oldest));
}

}  // namespace tonghop
