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
// - the push to the upstream instance, the feed position up to which the
//   upstream has acknowledged every change (SetUpstreamSource).
// From these it derives, at each scrape, the feed lag (changes committed but
// not yet in the roll-ups) and the roll-up lag (how long the oldest of them
// has waited), and the same two for the upstream push, when the services
// they compare run in this process.
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
  // The continuous push of this instance's figures to its upstream.
  struct UpstreamSource {
    // The feed position every change up to which the upstream has
    // acknowledged (0: none yet).
    std::function<absl::StatusOr<int64_t>()> pushed_position;
    // How many pushes the upstream refused and are held (retried by
    // themselves); empty: not published.
    std::function<absl::StatusOr<int64_t>()> held_pushes;
  };

  // `clock` must outlive the monitor; nullptr: the real clock.
  explicit InstanceMonitor(const Clock* clock = nullptr);
  ~InstanceMonitor();
  InstanceMonitor(const InstanceMonitor&) = delete;
  InstanceMonitor& operator=(const InstanceMonitor&) = delete;

  MetricsRegistry& metrics() { return metrics_; }

  void SetFeedSource(FeedSource source);
  void SetRollupSource(RollupSource source);
  // Published, with the feed source, as tonghop_upstream_pending_changes
  // and tonghop_upstream_push_lag_seconds (how long the oldest change the
  // upstream lacks has waited), and tonghop_upstream_held_pushes.
  void SetUpstreamSource(UpstreamSource source);
  // Forgets the sources.
  void ClearSources();

  // Why the services are not ready to serve, in short English phrases; empty
  // when they are.
  std::vector<std::string> NotReadyReasons() const;

 private:
  void Collect(MetricsSink& sink) const;
  // Seconds since the change after `reached` was committed (0 when
  // `reached` is `last`); nullopt when the feed cannot tell.
  std::optional<double> WaitedSince(int64_t reached, int64_t last) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock* clock_;
  MetricsRegistry metrics_;
  int64_t collector_ = 0;
  mutable absl::Mutex mu_;
  std::optional<FeedSource> feed_ ABSL_GUARDED_BY(mu_);
  std::optional<RollupSource> rollup_ ABSL_GUARDED_BY(mu_);
  std::optional<UpstreamSource> upstream_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_INSTANCE_MONITOR_H_
