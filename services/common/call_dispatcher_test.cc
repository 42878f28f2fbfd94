#include "services/common/call_dispatcher.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"

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

// The nice value of the calling thread.
int ThreadNiceness() {
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
  EXPECT_EQ(errno, 0);
  return nice;
}

TEST(CallQueueTest, ItsThreadsRunAtTheNicenessAskedAndOthersAreLeftAlone) {
  const int before = ThreadNiceness();
  std::atomic<int> lowered{-100};
  std::atomic<int> plain{-100};
  {
    CallQueue queue(1, nullptr, /*niceness=*/3);
    queue.Schedule([&] { lowered = ThreadNiceness(); });
    CallQueue other(1, nullptr);
    other.Schedule([&] { plain = ThreadNiceness(); });
  }
  EXPECT_EQ(lowered.load(), std::min(before + 3, 19));
  EXPECT_EQ(plain.load(), before);
  EXPECT_EQ(ThreadNiceness(), before);
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


// ---- LimitUnidentifiedWrite ----

class LimitUnidentifiedWriteTest : public ::testing::Test {
 protected:
  UnidentifiedWriteRefusal Refuse(absl::string_view address) {
    return LimitUnidentifiedWrite(&throttle_, address, refusal_);
  }

  FakeClock clock_{absl::FromUnixSeconds(1800000000)};
  FailureThrottle throttle_{&clock_, UnidentifiedWriteAllowance()};
  const absl::Status refusal_ = absl::UnauthenticatedError("this call carries no identity");
};

TEST_F(LimitUnidentifiedWriteTest, AnAddressIsSlowedOnceItExceedsItsAllowanceAndOnlyIt) {
  // Twenty refusals are answered as they are, and recorded.
  for (int i = 0; i < 20; ++i) {
    UnidentifiedWriteRefusal refused = Refuse("203.0.113.7");
    EXPECT_EQ(refused.answer, refusal_) << i;
    EXPECT_TRUE(refused.audited) << i;
  }
  // The 21st exceeds the allowance: still recorded, but answered with the
  // wait.
  UnidentifiedWriteRefusal exceeded = Refuse("203.0.113.7");
  EXPECT_TRUE(exceeded.audited);
  EXPECT_EQ(exceeded.answer.code(), absl::StatusCode::kResourceExhausted) << exceeded.answer;
  EXPECT_EQ(GetErrorInfo(exceeded.answer).reason(), "UNIDENTIFIED_WRITES_THROTTLED");
  EXPECT_EQ(GetErrorInfo(exceeded.answer).metadata().at("retry_after_seconds"), "2");
  EXPECT_EQ(GetRetryDelay(exceeded.answer), absl::Seconds(2));
  EXPECT_FALSE(GetVietnameseMessage(exceeded.answer).empty());
  // While it waits, its attempts cost nothing: not counted, not recorded.
  clock_.Advance(absl::Milliseconds(500));
  for (int i = 0; i < 1000; ++i) {
    UnidentifiedWriteRefusal waiting = Refuse("203.0.113.7");
    ASSERT_FALSE(waiting.audited);
    ASSERT_EQ(GetRetryDelay(waiting.answer), absl::Seconds(2));  // 1.5 s, rounded up
  }
  // Another address is not affected.
  EXPECT_EQ(Refuse("203.0.113.8").answer, refusal_);
  // After the wait, the next attempt counts again and waits twice as long.
  clock_.Advance(absl::Milliseconds(1500));
  UnidentifiedWriteRefusal again = Refuse("203.0.113.7");
  EXPECT_TRUE(again.audited);
  EXPECT_EQ(GetRetryDelay(again.answer), absl::Seconds(4));
  // An hour without one, and the address starts afresh.
  clock_.Advance(absl::Hours(1) + absl::Seconds(4));
  EXPECT_EQ(Refuse("203.0.113.7").answer, refusal_);
}

TEST_F(LimitUnidentifiedWriteTest, OnlyMissingIdentitiesCountAndNoAddressIsNotLimited) {
  // A resolver that could not answer (its store unavailable) is not the
  // caller's fault.
  for (int i = 0; i < 100; ++i) {
    UnidentifiedWriteRefusal unavailable = LimitUnidentifiedWrite(
        &throttle_, "203.0.113.7", absl::UnavailableError("the store is unavailable"));
    ASSERT_EQ(unavailable.answer.code(), absl::StatusCode::kUnavailable);
  }
  EXPECT_EQ(Refuse("203.0.113.7").answer, refusal_);
  // An in-process call that names no client, and a dispatcher without a
  // throttle, are never limited.
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(Refuse("").answer, refusal_);
    ASSERT_EQ(LimitUnidentifiedWrite(nullptr, "203.0.113.9", refusal_).answer, refusal_);
  }
  EXPECT_EQ(throttle_.size(), 1u);
}

TEST_F(LimitUnidentifiedWriteTest, ManyAddressesCannotGrowItsMemoryWithoutBound) {
  const size_t bound = UnidentifiedWriteAllowance().max_keys;
  // More addresses than it holds, each refused twice (an IPv6 attacker has
  // plenty).
  for (size_t i = 0; i < bound + bound / 2; ++i) {
    std::string address = absl::StrCat("2001:db8::", absl::Hex(i));
    Refuse(address);
    Refuse(address);
  }
  EXPECT_LE(throttle_.size(), bound);
  EXPECT_GT(throttle_.size(), 0u);
}

}  // namespace
}  // namespace tonghop
