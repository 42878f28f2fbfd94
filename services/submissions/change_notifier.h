#ifndef TONGHOP_SERVICES_SUBMISSIONS_CHANGE_NOTIFIER_H_
#define TONGHOP_SERVICES_SUBMISSIONS_CHANGE_NOTIFIER_H_

// Wakes the readers of the change feed when a change commits. It carries no
// data: a woken reader reads the feed from storage after the last sequence
// it sent, so a reader can never skip or repeat a change, however wake-ups
// and commits interleave.

#include <set>

#include "absl/synchronization/mutex.h"

namespace tonghop::submissions {

// A reader of the feed that wants to hear about new changes.
class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  // Changes up to at least `sequence` have committed.
  virtual void OnNewChanges(int64_t sequence) = 0;
  // The service is stopping; finish now.
  virtual void OnClose() = 0;
};

// The set of listeners. Thread-safe. Listener callbacks run under the
// notifier's lock, so once Unsubscribe() returns no callback is running or
// will run on that listener; a callback must therefore never call back into
// the notifier.
class ChangeNotifier {
 public:
  // False (and not added) once Close() has been called.
  bool Subscribe(ChangeListener* listener);
  void Unsubscribe(ChangeListener* listener);
  // Tells every listener that changes up to `sequence` have committed.
  void Notify(int64_t sequence);
  // Tells every listener to finish, and refuses new ones.
  void Close();
  size_t listener_count() const;

 private:
  mutable absl::Mutex mu_;
  std::set<ChangeListener*> listeners_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_CHANGE_NOTIFIER_H_
