#ifndef TONGHOP_CLIENTS_LOADGEN_FEED_WATCHER_H_
#define TONGHOP_CLIENTS_LOADGEN_FEED_WATCHER_H_

// Follows one server's Submissions change feed as the ministry, counting the
// changes to one plan and handing each accept of that plan (its report name
// and change sequence) to a callback. Reconnects from the last sequence
// seen when the stream breaks (a server restarted on the same address is
// followed again by itself).
//
// Start and Stop are called once each from one thread; the other methods
// from any thread. The callback runs on the watcher's own thread.

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"

namespace tonghop::loadgen {

class FeedWatcher {
 public:
  using OnAccepted = std::function<void(const std::string& report, int64_t sequence)>;

  // Follows `address` after sequence `after`, counting the changes of
  // `plan` ("plans/{id}").
  FeedWatcher(std::string address, std::string plan, int64_t after, OnAccepted on_accepted);
  ~FeedWatcher();
  FeedWatcher(const FeedWatcher&) = delete;
  FeedWatcher& operator=(const FeedWatcher&) = delete;

  void Start();
  void Stop();
  // Waits until `n` changes of the plan have been seen; returns the
  // sequence of the last one, or DEADLINE_EXCEEDED.
  absl::StatusOr<int64_t> WaitForChanges(int64_t n, absl::Duration timeout);
  // The sequence of the last change of the plan seen so far.
  int64_t plan_sequence() const;

 private:
  void Run();

  const std::string address_;
  const std::string plan_;
  const int64_t after_;
  const OnAccepted on_accepted_;
  std::thread thread_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  int64_t plan_changes_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t plan_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  std::string last_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_FEED_WATCHER_H_
