#include "services/submissions/worker_pool.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace tonghop::submissions {
namespace {

TEST(WorkerPoolTest, RunsEveryTaskScheduledBeforeDestruction) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(3);
    for (int i = 0; i < 100; ++i) pool.Schedule([&] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 100);
}

TEST(WorkerPoolTest, ABlockedTaskDoesNotHoldUpTheOthers) {
  WorkerPool pool(2);
  absl::Notification release;
  absl::Notification other_ran;
  pool.Schedule([&] { release.WaitForNotification(); });
  pool.Schedule([&] { other_ran.Notify(); });
  other_ran.WaitForNotification();
  release.Notify();
}

}  // namespace
}  // namespace tonghop::submissions
