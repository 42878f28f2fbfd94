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
// there by itself. A failed push is retried after a backoff doubling from
// 100 ms to 5 s; later changes wait behind it, never skipped.
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

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/forwarder.h"
#include "services/aggregation/queries.h"
#include "services/aggregation/registry_view.h"
#include "services/common/access_policy.h"
#include "services/common/clock.h"
#include "storage/kv_store.h"
#include "tonghop/v1/federation_service.pb.h"

namespace tonghop::aggregation {

// The completeness a push carries, from the sender's own answer counted
// without unreviewed reports.
v1::SenderCompleteness SenderCompletenessOf(const v1::CompletenessResponse& completeness);

class UpstreamPusher {
 public:
  UpstreamPusher(storage::KvStore* store, const AggregateStore* aggregates,
                 const AggregationQueries* queries, RegistryView* registry,
                 const AccessPolicy* policy, const Clock* clock, Upstream upstream,
                 std::string operator_agency);
  ~UpstreamPusher();

  // Starts pushing; `submissions` is where the change feed is read.
  void Start(std::shared_ptr<grpc::Channel> submissions);
  void Stop();
  // The roll-ups applied up to `sequence` (the aggregate store's listener).
  void OnApplied(int64_t sequence);

  // The persisted position: every change up to it is upstream.
  absl::StatusOr<int64_t> PushedPosition() const;

 private:
  void Run();
  // Pushes what the changes in (after, upto] touched, then persists `upto`.
  absl::Status PushRange(int64_t after, int64_t upto);
  absl::Status PushOne(const std::string& plan, const std::string& period);
  bool WaitForStop(absl::Duration timeout);

  storage::KvStore* store_;
  const AggregateStore* aggregates_;
  const AggregationQueries* queries_;
  RegistryView* registry_;
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
