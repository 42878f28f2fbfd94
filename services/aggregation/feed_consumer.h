#ifndef TONGHOP_SERVICES_AGGREGATION_FEED_CONSUMER_H_
#define TONGHOP_SERVICES_AGGREGATION_FEED_CONSUMER_H_

// The background consumer that keeps the roll-ups current with the
// Submissions change feed.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/change_stream.h"
#include "services/aggregation/registry_view.h"
#include "services/common/sleeper.h"

namespace tonghop::aggregation {

// How a FeedConsumer paces itself.
struct FeedConsumerOptions {
  // How often the registry is re-read and contributions re-homed: shorter
  // than the registry view's time to live, so queries find a fresh reading.
  absl::Duration registry_poll = absl::Seconds(20);
  // Where the backoff between streams and the registry polls are waited
  // out; the wall clock when null. Not owned; Stop() interrupts them.
  Sleeper* backoff_sleeper = nullptr;
  Sleeper* poll_sleeper = nullptr;
};

// Follows the change feed from the applied position and applies every change.
// Each stream starts one change before the applied position, in the epoch
// the table was built from, and checks that this change is still the one
// applied: when the feed was rewound or replaced instead (the submissions
// service says FEED_EPOCH_CHANGED or FEED_REWOUND, or the change differs),
// the consumer rebuilds the roll-ups from the feed as it is, by itself, with
// `rebuild`, and goes on from there. A thread applies whatever the stream
// received since its last write as one batch (at most kMaxBatch changes,
// with their position, in one AggregateStore::ApplyBatch; GrpcChangeStream
// reads ahead meanwhile), so the table keeps up however fast reports come.
// When the stream breaks — the submissions service is not up yet,
// restarts, or the registry cannot be read — it reconnects after a backoff
// that doubles from 100 ms up to 5 s, and starts again from 100 ms once a
// stream applied a change. A second thread re-reads the registry every
// `registry_poll` and re-homes contributions when the hierarchy changed.
//
// Start and Stop are called once each, from one thread; Stop cancels the
// stream and the waits, and joins. Does not own the store, the registry
// view, the stream or the sleepers, which must outlive it.
class FeedConsumer {
 public:
  // Rebuilds the roll-ups from the whole feed and swaps them in.
  using Rebuild = std::function<absl::Status()>;

  // The most changes applied in one batch (about 200 values each in a large
  // plan): bounds the memory a batch stages and the time it holds the table.
  static constexpr size_t kMaxBatch = 256;

  FeedConsumer(AggregateStore* store, RegistryView* registry, ChangeStream* stream,
               Rebuild rebuild, FeedConsumerOptions options = {});
  ~FeedConsumer();

  void Start();
  void Stop();
  // True while a stream of the change feed is open (for readiness).
  bool following() const;

 private:
  void Run();
  void Maintain();
  bool stopping() const;
  void SetFollowing(bool following);
  // How one stream ended.
  struct StreamEnd {
    absl::Status status;
    bool progressed = false;  // it applied at least one change
    bool rewound = false;     // the feed is not the one the table was built from
  };
  // One stream, until it ends, fails or Stop() cancels it.
  StreamEnd Follow();
  // Empty when the change the table applied last is still in the feed, as
  // it was; otherwise how the feed was rewound or replaced. An error when
  // the feed could not be read.
  absl::StatusOr<std::string> FeedMismatch();

  AggregateStore* store_;
  RegistryView* registry_;
  ChangeStream* stream_;
  Rebuild rebuild_;
  absl::Duration registry_poll_;
  RealSleeper real_sleeper_;  // for the sleepers not given
  Sleeper* backoff_sleeper_;
  Sleeper* poll_sleeper_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool following_ ABSL_GUARDED_BY(mu_) = false;
  std::thread consumer_;
  std::thread maintainer_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_FEED_CONSUMER_H_
