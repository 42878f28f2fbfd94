#ifndef TONGHOP_SERVICES_COMMON_INSTANCE_MONITOR_H_
#define TONGHOP_SERVICES_COMMON_INSTANCE_MONITOR_H_

// What an instance tells its operator beyond the answers to calls: its
// Prometheus metrics (docs/operations.md lists them) and the parts of its
// readiness that only a service knows. One per process, owned by the
// server host and handed to the services in ServiceEnvironment::monitor.
//
// The services plug in what they know:
// - the submissions service, its change feed (SetFeedSource);
// - the aggregation service, how far its roll-ups have applied the feed and
//   whether it is following it (SetRollupSource);
// - the push to the upstream instance, how far behind it is
//   (SetUpstreamPushLag).
// From these it derives, at each scrape, the feed lag (changes committed but
// not yet in the roll-ups) and the roll-up lag (how long the oldest of them
// has waited), when both services run in this process.
//
// Thread-safe. The sources are called at scrapes and readiness checks,
// under a lock that ClearSources() takes: clear them before what they read
// is destroyed.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/metrics.h"

namespace tonghop {

class InstanceMonitor {
 public:
  // The submissions service's change feed.
  struct FeedSource {
    // The sequence number of the last committed change (0: none).
    std::function<int64_t()> last_sequence;
    // When change `sequence` was committed; nullopt when there is none.
    std::function<absl::StatusOr<std::optional<absl::Time>>(int64_t sequence)> change_time;
  };
  // The aggregation service's roll-ups.
  struct RollupSource {
    // The last change of the feed the roll-ups hold.
    std::function<int64_t()> applied_sequence;
    // True while its consumer has the change feed open.
    std::function<bool()> following;
  };

  // `clock` must outlive the monitor; nullptr: the real clock.
  explicit InstanceMonitor(const Clock* clock = nullptr);
  ~InstanceMonitor();
  InstanceMonitor(const InstanceMonitor&) = delete;
  InstanceMonitor& operator=(const InstanceMonitor&) = delete;

  MetricsRegistry& metrics() { return metrics_; }

  void SetFeedSource(FeedSource source);
  void SetRollupSource(RollupSource source);
  // The push of this instance's figures to its upstream: the time since
  // the oldest change accepted here that the upstream has not acknowledged
  // yet was committed (zero when it has everything), and how many such
  // changes there are. Published as tonghop_upstream_push_lag_seconds and
  // tonghop_upstream_pending_changes from the first call on.
  void SetUpstreamPushLag(absl::Duration lag, int64_t pending_changes);
  // Forgets the feed and roll-up sources.
  void ClearSources();

  // Why the services are not ready to serve, in short English phrases; empty
  // when they are.
  std::vector<std::string> NotReadyReasons() const;

 private:
  void Collect(MetricsSink& sink) const;

  const Clock* clock_;
  MetricsRegistry metrics_;
  int64_t collector_ = 0;
  mutable absl::Mutex mu_;
  std::optional<FeedSource> feed_ ABSL_GUARDED_BY(mu_);
  std::optional<RollupSource> rollup_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_INSTANCE_MONITOR_H_
