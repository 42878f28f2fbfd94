#ifndef TONGHOP_SERVICES_COMMON_CLOCK_H_
#define TONGHOP_SERVICES_COMMON_CLOCK_H_

// Time as an injected dependency, so tests never depend on the wall clock.

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tonghop {

// Source of the current time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The system clock.
class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  // A process-wide instance; never destroyed.
  static Clock* Get() {
    static RealClock* clock = new RealClock;
    return clock;
  }
};

// The system clock moved to start at a given instant: it runs at the real
// rate from `start`. For demonstrations and drills ("as if it were 3
// November"), never for production. Thread-safe.
class ShiftedClock final : public Clock {
 public:
  explicit ShiftedClock(absl::Time start) : offset_(start - absl::Now()) {}
  absl::Time Now() const override { return absl::Now() + offset_; }

 private:
  const absl::Duration offset_;
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_;
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_CLOCK_H_
