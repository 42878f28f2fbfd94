#ifndef TONGHOP_SERVICES_COMMON_FAILURE_THROTTLE_H_
#define TONGHOP_SERVICES_COMMON_FAILURE_THROTTLE_H_

// Slows repeated failures without holding a thread: a key (a person, a
// client address) that has failed too often is *locked* until a time, and
// the caller refuses attempts naming it until then (a sign-in without
// checking the password, services/registry/people.h; a write without an
// identity without recording it, call_dispatcher.h). The first
// `free_failures` failures in a row cost nothing; each further one locks
// the key for `base_delay` · 2^(n − free_failures − 1),
// at most `max_delay`. A key's failures are forgotten `forget_after` after
// its last one; Clear() forgets them at once (a person's successful
// sign-in). The state is in memory: a restart forgets it.
//
// Thread-safe. Holds at most `max_keys` keys: when full, keys that are
// neither locked nor recently failed are dropped first, then the keys
// whose last failure is oldest.

#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"

namespace tonghop {

class FailureThrottle {
 public:
  struct Options {
    int free_failures = 5;
    absl::Duration base_delay = absl::Seconds(2);
    absl::Duration max_delay = absl::Minutes(15);
    absl::Duration forget_after = absl::Hours(1);
    size_t max_keys = 100000;
  };

  // What a failure did to its key.
  struct Failure {
    // Failures in a row, this one included.
    int count = 0;
    // How long the key is now locked (zero: not locked).
    absl::Duration locked_for;
  };

  // Does not own `clock`, which must outlive the throttle.
  FailureThrottle(const Clock* clock, Options options);

  // How long until `key` may try again; zero when it may now.
  absl::Duration Wait(absl::string_view key) const;
  // Records a failed attempt of `key`.
  Failure RecordFailure(absl::string_view key);
  // Forgets the failures of `key`.
  void Clear(absl::string_view key);
  // The number of keys held.
  size_t size() const;

 private:
  struct Entry {
    int failures = 0;
    absl::Time last_failure;
    absl::Time locked_until;
  };
  // Drops keys until there is room for one more. Requires mu_.
  void MakeRoom(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock* clock_;
  const Options options_;
  mutable absl::Mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_FAILURE_THROTTLE_H_
