#include "services/common/failure_throttle.h"

#include "gtest/gtest.h"

namespace tonghop {
namespace {

class FailureThrottleTest : public ::testing::Test {
 protected:
  FakeClock clock_{absl::FromUnixSeconds(1800000000)};
};

TEST_F(FailureThrottleTest, FreeFailuresThenDoublingLocks) {
  FailureThrottle::Options options;
  options.free_failures = 3;
  options.base_delay = absl::Seconds(2);
  options.max_delay = absl::Seconds(20);
  FailureThrottle throttle(&clock_, options);
  for (int i = 1; i <= 3; ++i) {
    FailureThrottle::Failure f = throttle.RecordFailure("users/lan");
    EXPECT_EQ(f.count, i);
    EXPECT_EQ(f.locked_for, absl::ZeroDuration());
    EXPECT_EQ(throttle.Wait("users/lan"), absl::ZeroDuration());
  }
  EXPECT_EQ(throttle.RecordFailure("users/lan").locked_for, absl::Seconds(2));
  EXPECT_EQ(throttle.Wait("users/lan"), absl::Seconds(2));
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(throttle.Wait("users/lan"), absl::Seconds(1));
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(throttle.Wait("users/lan"), absl::ZeroDuration());
  EXPECT_EQ(throttle.RecordFailure("users/lan").locked_for, absl::Seconds(4));
  clock_.Advance(absl::Seconds(4));
  EXPECT_EQ(throttle.RecordFailure("users/lan").locked_for, absl::Seconds(8));
  clock_.Advance(absl::Seconds(8));
  EXPECT_EQ(throttle.RecordFailure("users/lan").locked_for, absl::Seconds(16));
  clock_.Advance(absl::Seconds(16));
  EXPECT_EQ(throttle.RecordFailure("users/lan").locked_for, absl::Seconds(20));  // capped
  // Another key is not affected.
  EXPECT_EQ(throttle.Wait("users/minh"), absl::ZeroDuration());
}

TEST_F(FailureThrottleTest, ClearAndForgetting) {
  FailureThrottle::Options options;
  options.free_failures = 1;
  options.forget_after = absl::Minutes(10);
  FailureThrottle throttle(&clock_, options);
  throttle.RecordFailure("k");
  EXPECT_GT(throttle.RecordFailure("k").locked_for, absl::ZeroDuration());
  throttle.Clear("k");
  EXPECT_EQ(throttle.Wait("k"), absl::ZeroDuration());
  EXPECT_EQ(throttle.RecordFailure("k").count, 1);
  clock_.Advance(absl::Minutes(10));
  EXPECT_EQ(throttle.RecordFailure("k").count, 1);  // forgotten, counts afresh
}

TEST_F(FailureThrottleTest, BoundedMemoryKeepsLockedKeys) {
  FailureThrottle::Options options;
  options.free_failures = 0;
  options.max_keys = 8;
  options.forget_after = absl::Minutes(1);
  FailureThrottle throttle(&clock_, options);
  throttle.RecordFailure("attacker");
  clock_.Advance(absl::Seconds(1));
  for (int i = 0; i < 100; ++i) {
    clock_.Advance(absl::Seconds(1));
    throttle.RecordFailure("peer-" + std::to_string(i));
  }
  EXPECT_LE(throttle.size(), 8u);
  // The oldest entries went first; the latest is still locked.
  EXPECT_GT(throttle.Wait("peer-99"), absl::ZeroDuration());
}

}  // namespace
}  // namespace tonghop
