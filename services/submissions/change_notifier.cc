#include "services/submissions/change_notifier.h"

namespace tonghop::submissions {

bool ChangeNotifier::Subscribe(ChangeListener* listener) {
  absl::MutexLock lock(&mu_);
  if (closed_) return false;
  listeners_.insert(listener);
  return true;
}

void ChangeNotifier::Unsubscribe(ChangeListener* listener) {
  absl::MutexLock lock(&mu_);
  listeners_.erase(listener);
}

void ChangeNotifier::Notify(int64_t sequence) {
  absl::MutexLock lock(&mu_);
  for (ChangeListener* listener : listeners_) listener->OnNewChanges(sequence);
}

void ChangeNotifier::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
  for (ChangeListener* listener : listeners_) listener->OnClose();
}

size_t ChangeNotifier::listener_count() const {
  absl::MutexLock lock(&mu_);
  return listeners_.size();
}

}  // namespace tonghop::submissions
