#include "services/common/metrics.h"

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/instance_monitor.h"

namespace tonghop {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, CountersGaugesAndHistogramsInTheTextFormat) {
  MetricsRegistry metrics;
  CounterFamily& requests =
      metrics.Counter("t_requests_total", "Requests served.", {"method", "code"});
  requests.Increment({"/a/B", "OK"});
  requests.Increment({"/a/B", "OK"}, 2);
  requests.Increment({"/a/B", "NOT_FOUND"});
  metrics.Gauge("t_size_bytes", "Size.\nIn bytes.", {"store"}).Set({"say \"x\"\\y\nz"}, 1.5e10);
  HistogramFamily& latency =
      metrics.Histogram("t_latency_seconds", "Latency.", {"method"}, {0.01, 0.1, 1});
  latency.Observe({"/a/B"}, 0.005);
  latency.Observe({"/a/B"}, 0.05);
  latency.Observe({"/a/B"}, 5);

  std::string text = metrics.TextExposition();
  EXPECT_THAT(text, HasSubstr("# HELP t_requests_total Requests served.\n"
                              "# TYPE t_requests_total counter\n"
                              "t_requests_total{method=\"/a/B\",code=\"NOT_FOUND\"} 1\n"
                              "t_requests_total{method=\"/a/B\",code=\"OK\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("# HELP t_size_bytes Size.\\nIn bytes.\n"));
  EXPECT_THAT(text, HasSubstr("t_size_bytes{store=\"say \\\"x\\\"\\\\y\\nz\"} 15000000000\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE t_latency_seconds histogram\n"
                              "t_latency_seconds_bucket{method=\"/a/B\",le=\"0.01\"} 1\n"
                              "t_latency_seconds_bucket{method=\"/a/B\",le=\"0.1\"} 2\n"
                              "t_latency_seconds_bucket{method=\"/a/B\",le=\"1\"} 2\n"
                              "t_latency_seconds_bucket{method=\"/a/B\",le=\"+Inf\"} 3\n"
                              "t_latency_seconds_sum{method=\"/a/B\"} 5.055\n"
                              "t_latency_seconds_count{method=\"/a/B\"} 3\n"));
  // Families in name order.
  EXPECT_LT(text.find("t_latency_seconds"), text.find("t_requests_total"));
  EXPECT_LT(text.find("t_requests_total"), text.find("t_size_bytes"));
  // One name is one family.
  EXPECT_EQ(&metrics.Counter("t_requests_total", "", {}), &requests);
}

TEST(MetricsTest, CollectorsRunAtEachScrapeUntilRemoved) {
  MetricsRegistry metrics;
  int scrapes = 0;
  int64_t id = metrics.AddCollector([&](MetricsSink& sink) {
    ++scrapes;
    sink.Gauge("t_store_bytes", "Bytes.", {{"store", "registry"}}, scrapes);
    sink.Gauge("t_store_bytes", "Bytes.", {{"store", "submissions"}}, 7);
    sink.Counter("t_compactions_total", "Compactions.", {}, 3);
  });
  EXPECT_THAT(metrics.TextExposition(), HasSubstr("# TYPE t_store_bytes gauge\n"
                                                  "t_store_bytes{store=\"registry\"} 1\n"
                                                  "t_store_bytes{store=\"submissions\"} 7\n"));
  std::string second = metrics.TextExposition();
  EXPECT_THAT(second, HasSubstr("t_store_bytes{store=\"registry\"} 2\n"));
  EXPECT_THAT(second, HasSubstr("# TYPE t_compactions_total counter\nt_compactions_total 3\n"));
  metrics.RemoveCollector(id);
  EXPECT_THAT(metrics.TextExposition(), Not(HasSubstr("t_store_bytes")));
}

TEST(InstanceMonitorTest, FeedAndRollupLagFromBothServices) {
  FakeClock clock(absl::FromUnixSeconds(1000));
  InstanceMonitor monitor(&clock);
  int64_t last = 10;
  int64_t applied = 7;
  bool following = true;
  monitor.SetFeedSource({[&] { return last; },
                         [&](int64_t sequence) -> absl::StatusOr<std::optional<absl::Time>> {
                           // Change n was committed at 900 + n seconds.
                           if (sequence > last) return std::optional<absl::Time>();
                           return std::optional<absl::Time>(absl::FromUnixSeconds(900 + sequence));
                         }});
  monitor.SetRollupSource({[&] { return applied; }, [&] { return following; }});
  std::string text = monitor.metrics().TextExposition();
  EXPECT_THAT(text, HasSubstr("tonghop_feed_last_sequence 10\n"));
  EXPECT_THAT(text, HasSubstr("tonghop_rollup_applied_sequence 7\n"));
  EXPECT_THAT(text, HasSubstr("tonghop_feed_lag_changes 3\n"));
  // Change 8 has waited since 908.
  EXPECT_THAT(text, HasSubstr("tonghop_rollup_lag_seconds 92\n"));
  EXPECT_THAT(text, HasSubstr("tonghop_rollup_following 1\n"));
  EXPECT_TRUE(monitor.NotReadyReasons().empty());

  applied = 10;
  following = false;
  text = monitor.metrics().TextExposition();
  EXPECT_THAT(text, HasSubstr("tonghop_feed_lag_changes 0\n"));
  EXPECT_THAT(text, HasSubstr("tonghop_rollup_lag_seconds 0\n"));
  EXPECT_THAT(monitor.NotReadyReasons(),
              ::testing::ElementsAre("the roll-ups are not following the change feed"));

  // Not published on an instance with no upstream.
  EXPECT_THAT(text, Not(HasSubstr("tonghop_upstream_push_lag_seconds")));
  absl::StatusOr<int64_t> pushed = int64_t{6};
  absl::StatusOr<int64_t> held = int64_t{2};
  monitor.SetUpstreamSource({[&] { return pushed; }, [&] { return held; }});
  text = monitor.metrics().TextExposition();
  EXPECT_THAT(text, HasSubstr("tonghop_upstream_pending_changes 4\n"));
  EXPECT_THAT(text, HasSubstr("tonghop_upstream_held_pushes 2\n"));
  // Change 7 has waited since 907.
  EXPECT_THAT(text, HasSubstr("tonghop_upstream_push_lag_seconds 93\n"));
  pushed = int64_t{10};
  text = monitor.metrics().TextExposition();
  EXPECT_THAT(text, HasSubstr("tonghop_upstream_pending_changes 0\n"));
  EXPECT_THAT(text, HasSubstr("tonghop_upstream_push_lag_seconds 0\n"));
  // A position the pusher cannot read gives no sample rather than a 0.
  pushed = absl::UnavailableError("store closed");
  held = absl::UnavailableError("store closed");
  text = monitor.metrics().TextExposition();
  EXPECT_THAT(text, Not(HasSubstr("tonghop_upstream_held_pushes")));
  EXPECT_THAT(text, Not(HasSubstr("tonghop_upstream_push_lag_seconds")));
  EXPECT_THAT(text, Not(HasSubstr("tonghop_upstream_pending_changes")));

  monitor.ClearSources();
  text = monitor.metrics().TextExposition();
  EXPECT_THAT(text, Not(HasSubstr("tonghop_feed_lag_changes")));
  EXPECT_THAT(text, Not(HasSubstr("tonghop_upstream_pending_changes")));
  EXPECT_TRUE(monitor.NotReadyReasons().empty());
}

}  // namespace
}  // namespace tonghop
