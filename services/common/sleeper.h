#ifndef TONGHOP_SERVICES_COMMON_SLEEPER_H_
#define TONGHOP_SERVICES_COMMON_SLEEPER_H_

// Waiting as an injected dependency, beside Clock: a background loop waits
// out its backoff or its poll interval through a Sleeper, so that a test
// drives it with FakeSleeper and never waits on the wall clock; Backoff
// says how long.

#include <algorithm>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace tonghop {

// The delays between attempts of something that fails: from `first`,
// doubling up to `max`; Reset() after a success starts again from `first`.
// Not thread-safe; one per loop.
// The delay after `attempts` failures (1 for the first): `first`, doubling
// with each further one, at most `max`; zero before any.
inline absl::Duration DoublingDelay(absl::Duration first, absl::Duration max, int attempts) {
  if (attempts <= 0) return absl::ZeroDuration();
  absl::Duration delay = first;
  for (int i = 1; i < attempts && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

class Backoff {
 public:
  Backoff(absl::Duration first, absl::Duration max) : first_(first), max_(max), next_(first) {}
  // The delay to wait now; the one after is twice as long, up to `max`.
  absl::Duration Next() {
    absl::Duration delay = next_;
    next_ = std::min(next_ * 2, max_);
    return delay;
  }
  void Reset() { next_ = first_; }

 private:
  absl::Duration first_;
  absl::Duration max_;
  absl::Duration next_;
};

// A wait that a shutdown cuts short. Implementations are thread-safe:
// several threads may sleep on one Sleeper, and any thread may interrupt it.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Waits `duration`. Returns true when the time passed, false when
  // Interrupt() was called before or during the wait (then at once).
  virtual bool SleepFor(absl::Duration duration) = 0;
  // Ends every wait in progress and every later one, for good.
  virtual void Interrupt() = 0;
};

// Waits on the wall clock. Thread-safe.
class RealSleeper final : public Sleeper {
 public:
  bool SleepFor(absl::Duration duration) override {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&interrupted_), duration);
    return !interrupted_;
  }
  void Interrupt() override {
    absl::MutexLock lock(&mu_);
    interrupted_ = true;
  }

 private:
  absl::Mutex mu_;
  bool interrupted_ ABSL_GUARDED_BY(mu_) = false;
};

// Waits on a time that only moves when told to (Advance), and records every
// wait asked of it. Thread-safe.
class FakeSleeper final : public Sleeper {
 public:
  bool SleepFor(absl::Duration duration) override {
    absl::MutexLock lock(&mu_);
    requests_.push_back(duration);
    const absl::Duration until = now_ + duration;
    auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return interrupted_ || now_ >= until; };
    mu_.Await(absl::Condition(&done));
    return !interrupted_;
  }
  void Interrupt() override {
    absl::MutexLock lock(&mu_);
    interrupted_ = true;
  }

  // Moves the fake time on: the waits that end by then return.
  void Advance(absl::Duration duration) {
    absl::MutexLock lock(&mu_);
    now_ += duration;
  }
  // Every duration SleepFor was called with, in order.
  std::vector<absl::Duration> requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }
  // Waits (on the wall clock, at most `limit`, as a guard against a test
  // that hangs) until SleepFor has been called `count` times in all.
  // Returns whether it was.
  bool AwaitRequests(size_t count, absl::Duration limit = absl::Seconds(60)) const {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return requests_.size() >= count; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), limit);
  }

 private:
  mutable absl::Mutex mu_;
  absl::Duration now_ ABSL_GUARDED_BY(mu_);
  bool interrupted_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<absl::Duration> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_SLEEPER_H_
