#ifndef TONGHOP_SERVICES_SUBMISSIONS_WORKER_POOL_H_
#define TONGHOP_SERVICES_SUBMISSIONS_WORKER_POOL_H_

// A fixed set of threads that run queued work in order of arrival.
//
// The submissions service needs it because its calls wait on the registry,
// itself a gRPC call: run on gRPC's callback threads (two of them on a
// two-core machine), a few concurrent calls would occupy every thread that
// could run the registry's answer, and all of them would wait until their
// deadline. The service's handlers therefore hand their work to this pool and
// finish their reactors from it.

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace tonghop::submissions {

// Thread-safe. The destructor runs every task already scheduled, then joins
// the threads; scheduling after destruction has begun is a bug.
class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Schedule(std::function<void()> task);

 private:
  void Run();

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_WORKER_POOL_H_
