#ifndef TONGHOP_SERVICES_AGGREGATION_UPSTREAM_PUSHER_H_
#define TONGHOP_SERVICES_AGGREGATION_UPSTREAM_PUSHER_H_

// Continuous federation, the sending side. On an instance started with
// --upstream, after the roll-ups have applied new changes (an acceptance,
// a return, a correction), it reads those changes from the Submissions
// change feed, and for each plan and period they touch whose plan names an
// `upstream_plan` it pushes the figures of the agency this instance is
// upstream (its accepted figures, its subtree's sums, and its completeness
// for the round) to the upstream's Federation.PushFigures, indicators
// renamed by the plan's `indicator_mappings`.
//
// Exactly once: a push's generation is the feed position its figures
// reflect and its request id is derived from the agency, plan, period and
// generation, so a retried or repeated push is recognised upstream and
// changes nothing; the upstream keeps only the newest generation, so
// nothing is counted twice. Resumable: the feed position every change up to
// which is upstream is persisted (after the pushes it covers were
// acknowledged), so a restarted or reconnected instance catches up from
// there by itself.
//
// Failures repair themselves, and one plan's never holds back another's:
// - a push the upstream could not answer (unreachable, overloaded, timed
//   out, an internal error there or here) is retried after a backoff
//   doubling from 100 ms to 5 s, and later changes wait behind it;
// - a push the upstream answered with a refusal of that push (its plan or
//   period is not one the upstream takes, the figures are not valid there,
//   the sender may not push it) is *held*: recorded with the upstream's
//   answer (records::UpstreamHold), retried by itself after a delay
//   doubling from 1 s to 5 min and at once with the next change to that
//   plan and period, while every other plan and period goes on. Every push
//   carries the plan and period's whole current figures, so the first one
//   the upstream takes (once it is mended, on either side) brings it up to
//   date and ends the hold: nothing is lost, and no operator edits a store.
//
// Reconciled with the upstream: at start, whenever this instance's change
// feed begins another epoch (its store restored from a backup or replaced,
// so positions start again), and every 10 minutes, it compares what the
// upstream holds from it for every round of every plan that feeds one with
// what it has, and pushes again, whatever it last pushed, each plan and
// period the upstream holds from another epoch (figures this instance no
// longer has) or older than it acknowledged (the upstream restored from a
// backup). Every push carries the feed epoch; the upstream lets a new epoch
// replace an old one whatever the generation (ReceivedFiguresStore).
//
// The access policy decides as for Forward (CheckForward): the instance
// acts as its operator and may push only the agency its upstream identity
// names.
//
// Start and Stop are called once each from one thread; OnApplied from any.
// Does not own its collaborators, which must outlive it.

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/aggregation_records.pb.h"
#include "services/aggregation/forwarder.h"
#include "services/aggregation/queries.h"
#include "services/aggregation/registry_view.h"
#include "services/common/access_policy.h"
#include "services/common/clock.h"
#include "services/common/registry_reader.h"
#include "storage/kv_store.h"
#include "tonghop/v1/federation_service.pb.h"

namespace tonghop::aggregation {

// The completeness a push carries, from the sender's own answer counted
// without unreviewed reports.
v1::SenderCompleteness SenderCompletenessOf(const v1::CompletenessResponse& completeness);


// How long a held push waits before its next attempt, after `attempts`
// refusals: 1 s, doubling, at most 5 minutes.
absl::Duration HoldDelay(int attempts);

class UpstreamPusher {
 public:
  UpstreamPusher(storage::KvStore* store, const AggregateStore* aggregates,
                 const AggregationQueries* queries, RegistryView* registry,
                 const RegistryReader* plans, const AccessPolicy* policy, const Clock* clock,
                 Upstream upstream, std::string operator_agency);
  ~UpstreamPusher();

  // Starts pushing; `submissions` is where the change feed is read.
  void Start(std::shared_ptr<grpc::Channel> submissions);
  void Stop();
  // The roll-ups applied up to `sequence` (the aggregate store's listener).
  void OnApplied(int64_t sequence);

  // The persisted position: every change up to it is upstream, or held.
  absl::StatusOr<int64_t> PushedPosition() const;
  // The pushes the upstream refused, held and retried.
  absl::StatusOr<std::vector<records::UpstreamHold>> HeldPushes() const;
  // Where this instance pushes, how far, and what is held; for those who
  // may read the roll-ups of the agency it pushes as.
  absl::StatusOr<v1::UpstreamStatus> Status(const Caller& caller) const;

 private:
  void Run();
  // Pushes what the changes in (after, upto] touched, then persists `upto`.
  absl::Status PushRange(int64_t after, int64_t upto);
  // Pushes one plan and period's current figures (nothing when the
  // upstream already has them, unless `force` or the hold is one of a
  // forced push), ending its hold when there is one.
  absl::Status PushOne(const std::string& plan, const std::string& period, bool force = false);
  // PushOne; a refusal of this push (RefusedByUpstream, forwarder.h), the upstream's or
  // this instance's own, is recorded as a hold and is not an error here.
  absl::Status PushOrHold(const std::string& plan, const std::string& period,
                          bool force = false);
  // The position and generations acknowledged are of one feed epoch: when
  // the roll-ups follow another (`epoch`, not empty), they start again from
  // nothing, so that the new feed is pushed from its own positions. Holds
  // are kept.
  absl::Status FollowFeedEpoch(const std::string& epoch);
  // Pushes again what the upstream holds from another feed epoch or older
  // than acknowledged (see the class comment).
  absl::Status Reconcile();
  // Records `refusal` of a push, forced (`replace`) or not.
  absl::Status Hold(const std::string& plan, const std::string& period,
                    const absl::Status& refusal, bool replace);
  // Tries again every held push whose delay has passed.
  absl::Status RetryDueHolds();
  bool WaitForStop(absl::Duration timeout);

  storage::KvStore* store_;
  const AggregateStore* aggregates_;
  const AggregationQueries* queries_;
  RegistryView* registry_;
  const RegistryReader* plans_;
  const AccessPolicy* policy_;
  const Clock* clock_;
  Upstream upstream_;
  std::string operator_agency_;
  std::shared_ptr<grpc::Channel> submissions_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t announced_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread worker_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_UPSTREAM_PUSHER_H_
