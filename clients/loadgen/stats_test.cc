#include "clients/loadgen/stats.h"

#include "gtest/gtest.h"

namespace tonghop::loadgen {
namespace {

TEST(StatsTest, NearestRankPercentiles) {
  std::vector<double> samples;
  for (int i = 100; i >= 1; --i) samples.push_back(i);
  LatencySummary s = Summarize(samples);
  EXPECT_EQ(s.count, 100);
  EXPECT_EQ(s.p50_ms, 50);
  EXPECT_EQ(s.p90_ms, 90);
  EXPECT_EQ(s.p99_ms, 99);
  EXPECT_EQ(s.max_ms, 100);
  EXPECT_DOUBLE_EQ(s.mean_ms, 50.5);
}

TEST(StatsTest, EmptyAndSingle) {
  EXPECT_EQ(Summarize({}).count, 0);
  LatencySummary one = Summarize({7});
  EXPECT_EQ(one.p50_ms, 7);
  EXPECT_EQ(one.p99_ms, 7);
}

TEST(StatsTest, RecorderCollectsFromAnyThread) {
  LatencyRecorder recorder;
  recorder.Add(absl::Milliseconds(3));
  recorder.AddMillis(1);
  EXPECT_EQ(recorder.count(), 2);
  EXPECT_EQ(recorder.Summary().max_ms, 3);
}

TEST(StatsTest, Formatting) {
  EXPECT_EQ(WithThousands(3899), "3,899");
  EXPECT_EQ(WithThousands(12), "12");
  EXPECT_EQ(WithThousands(1234567), "1,234,567");
  EXPECT_EQ(FormatMillis(0.5), "500 µs");
  EXPECT_EQ(FormatMillis(2.5), "2.50 ms");
  EXPECT_EQ(FormatMillis(1500), "1.50 s");
}

}  // namespace
}  // namespace tonghop::loadgen
