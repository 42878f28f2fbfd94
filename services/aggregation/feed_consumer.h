#ifndef TONGHOP_SERVICES_AGGREGATION_FEED_CONSUMER_H_
#define TONGHOP_SERVICES_AGGREGATION_FEED_CONSUMER_H_

// Reading the Submissions change feed over gRPC: a ChangeSource for
// rebuilds, and the background consumer that keeps the roll-ups current.

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/registry_view.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::aggregation {

// WatchChanges(after_sequence, stop_at_end) as `agency`. Not thread-safe;
// one per reader.
class GrpcChangeSource final : public ChangeSource {
 public:
  GrpcChangeSource(std::shared_ptr<grpc::Channel> channel, std::string agency)
      : channel_(std::move(channel)), agency_(std::move(agency)) {}
  absl::Status ReadToEnd(int64_t after_sequence,
                         const std::function<absl::Status(const v1::Change&)>& visit) override;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::string agency_;
};

// Follows the change feed from the applied position and applies every change
// (WatchChanges without stop_at_end, so the stream stays open). Each stream
// starts one change before the applied position, in the epoch the table was
// built from, and checks that this change is still the one applied: when
// the feed was rewound or replaced instead (the submissions service says
// FEED_EPOCH_CHANGED or FEED_REWOUND, or the change differs), the consumer
// rebuilds the roll-ups from the feed as it is, by itself, with `rebuild`,
// and goes on from there. One thread
// reads the stream; another applies whatever has arrived since its last
// write as one batch, so the table keeps up however fast reports come. When the
// stream breaks — the submissions service is not up yet, restarts, or the
// registry cannot be read — it reconnects after a backoff that doubles from
// 100 ms up to 5 s. A second thread re-reads the registry every
// `registry_poll` (shorter than the registry view's time to live, so queries
// find a fresh reading) and re-homes contributions when the hierarchy
// changed.
//
// Start and Stop are called once each, from one thread; Stop cancels the
// stream and joins. Does not own the store or the registry view.
class FeedConsumer {
 public:
  // Rebuilds the roll-ups from the whole feed and swaps them in.
  using Rebuild = std::function<absl::Status()>;

  FeedConsumer(AggregateStore* store, RegistryView* registry,
               std::shared_ptr<grpc::Channel> submissions, std::string agency, Rebuild rebuild,
               absl::Duration registry_poll = absl::Seconds(20));
  ~FeedConsumer();

  void Start();
  void Stop();
  // True while a stream of the change feed is open (for readiness).
  bool following() const;

 private:
  void Run();
  void Maintain();
  // How one stream ended.
  struct StreamEnd {
    absl::Status status;
    bool progressed = false;  // it applied at least one change
    bool rewound = false;     // the feed is not the one the table was built from
  };
  // One stream, until it ends, fails or Stop() cancels it.
  StreamEnd ConsumeOnce();
  // Empty when the change the table applied last is still in the feed, as
  // it was; otherwise how the feed was rewound or replaced. An error when
  // the feed could not be read.
  absl::StatusOr<std::string> FeedMismatch(v1::Submissions::Stub& stub);
  bool WaitForStop(absl::Duration timeout);

  AggregateStore* store_;
  RegistryView* registry_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string agency_;
  Rebuild rebuild_;
  absl::Duration registry_poll_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* stream_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread consumer_;
  std::thread maintainer_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_FEED_CONSUMER_H_
