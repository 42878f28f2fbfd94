#include "services/common/call_dispatcher.h"

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace tonghop {
namespace {

// A call that records how it ended.
class RecordingCall final : public QueuedCall {
 public:
  explicit RecordingCall(int64_t min_position = 0, std::function<void()> work = nullptr)
      : min_position_(min_position), work_(std::move(work)) {}

  void Run() override {
    if (work_) work_();
    absl::MutexLock lock(&mu_);
    ran_ = true;
  }
  void Abandon(const absl::Status& status) override {
    absl::MutexLock lock(&mu_);
    abandoned_ = status;
  }
  int64_t min_position() const override { return min_position_; }

  bool ran() {
    absl::MutexLock lock(&mu_);
    return ran_;
  }
  std::optional<absl::Status> abandoned() {
    absl::MutexLock lock(&mu_);
    return abandoned_;
  }
  // Blocks until the call ran or was abandoned.
  void AwaitEnd() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](RecordingCall* call) ABSL_EXCLUSIVE_LOCKS_REQUIRED(call->mu_) {
          return call->ran_ || call->abandoned_.has_value();
        },
        this));
  }

 private:
  const int64_t min_position_;
  std::function<void()> work_;
  absl::Mutex mu_;
  bool ran_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> abandoned_ ABSL_GUARDED_BY(mu_);
};

TEST(CallQueueTest, RunsEveryCallQueuedBeforeShutdown) {
  std::vector<std::unique_ptr<RecordingCall>> calls;
  for (int i = 0; i < 100; ++i) calls.push_back(std::make_unique<RecordingCall>());
  {
    CallQueue queue(3, nullptr);
    for (auto& call : calls) queue.Submit(call.get());
  }
  for (auto& call : calls) {
    EXPECT_TRUE(call->ran());
    EXPECT_FALSE(call->abandoned().has_value());
  }
}

TEST(CallQueueTest, ABlockedCallDoesNotHoldUpTheOthers) {
  CallQueue queue(2, nullptr);
  absl::Notification release;
  RecordingCall blocked(0, [&] { release.WaitForNotification(); });
  RecordingCall other;
  queue.Submit(&blocked);
  queue.Submit(&other);
  other.AwaitEnd();
  EXPECT_TRUE(other.ran());
  release.Notify();
  blocked.AwaitEnd();
}

TEST(CallQueueTest, ACallWaitsForItsPositionWithoutHoldingAThread) {
  std::atomic<int64_t> applied{5};
  CallQueue queue(1, [&] { return applied.load(); });
  RecordingCall caught_up(5);
  RecordingCall ahead(8);
  RecordingCall after(0);
  queue.Submit(&ahead);
  queue.Submit(&caught_up);
  queue.Submit(&after);
  // The one thread is free for the calls behind the parked one.
  caught_up.AwaitEnd();
  after.AwaitEnd();
  EXPECT_FALSE(ahead.ran());

  applied = 7;
  queue.OnApplied(7);
  // One thread, in order: had the call been released, it would run first.
  absl::Notification drained;
  queue.Schedule([&] { drained.Notify(); });
  drained.WaitForNotification();
  EXPECT_FALSE(ahead.ran());

  applied = 8;
  queue.OnApplied(8);
  ahead.AwaitEnd();
  EXPECT_TRUE(ahead.ran());
}

TEST(CallQueueTest, CancellingAParkedCallAbandonsItOnce) {
  CallQueue queue(1, [] { return int64_t{0}; });
  RecordingCall parked(3);
  queue.Submit(&parked);
  queue.Cancel(&parked);
  ASSERT_TRUE(parked.abandoned().has_value());
  EXPECT_EQ(parked.abandoned()->code(), absl::StatusCode::kCancelled);
  EXPECT_NE(parked.abandoned()->message().find("sequence 3"), std::string::npos);
  // Reaching its position later runs nothing: it is no longer parked.
  queue.OnApplied(3);
  queue.Shutdown();
  EXPECT_FALSE(parked.ran());
}

TEST(CallQueueTest, CancellingAQueuedCallLeavesItToRun) {
  CallQueue queue(1, nullptr);
  absl::Notification release;
  RecordingCall blocker(0, [&] { release.WaitForNotification(); });
  RecordingCall queued;
  queue.Submit(&blocker);
  queue.Submit(&queued);
  queue.Cancel(&queued);
  EXPECT_FALSE(queued.abandoned().has_value());
  release.Notify();
  queued.AwaitEnd();
  EXPECT_TRUE(queued.ran());
}

TEST(CallQueueTest, ShutdownAbandonsParkedCallsAndRefusesNewOnes) {
  CallQueue queue(2, [] { return int64_t{1}; });
  RecordingCall parked(9);
  queue.Submit(&parked);
  queue.Shutdown();
  ASSERT_TRUE(parked.abandoned().has_value());
  EXPECT_EQ(parked.abandoned()->code(), absl::StatusCode::kUnavailable);

  RecordingCall late;
  queue.Submit(&late);
  ASSERT_TRUE(late.abandoned().has_value());
  EXPECT_EQ(late.abandoned()->code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(late.ran());

  // A stream's task still runs (on the caller's thread), so that the
  // stream can finish itself.
  bool ran = false;
  queue.Schedule([&] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST(CallQueueTest, ForgettingAParkedCallDropsIt) {
  CallQueue queue(1, [] { return int64_t{0}; });
  RecordingCall parked(2);
  queue.Submit(&parked);
  queue.Forget(&parked);
  queue.OnApplied(2);
  queue.Shutdown();
  EXPECT_FALSE(parked.ran());
  EXPECT_FALSE(parked.abandoned().has_value());
}

}  // namespace
}  // namespace tonghop
