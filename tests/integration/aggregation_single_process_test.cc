// The default layout: registry, submissions and aggregation in one tonghopd
// process, the aggregation service reading the change feed over the
// in-process channel as the instance's operator agency.

#include "gtest/gtest.h"
#include "tests/integration/aggregation_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

TEST(AggregationSingleProcessTest, RollupsFollowTheFeedInOneProcess) {
  TempDir dir;
  auto server = TestServer::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(LoadAggregationRegistry((*server)->NewChannel()).ok());
  RandomHistory history((*server)->NewChannel(), 8);
  absl::Status run = history.Run(40);
  ASSERT_TRUE(run.ok()) << run;
  int64_t last = *LastSequence((*server)->NewChannel());
  // A deadline, not a wait for readiness: the call returns as soon as the
  // feed is applied up to `last`, and fails only if it never is.
  auto rollup = RollupAt((*server)->NewChannel(), last);
  ASSERT_TRUE(rollup.ok()) << rollup.status()
                           << " (the aggregation service could not read the change feed "
                              "over the in-process channel)";
  EXPECT_EQ(rollup->applied_sequence(), last);
  auto verified = Rebuild((*server)->NewChannel(), true);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->identical());
}

}  // namespace
}  // namespace tonghop::testing
