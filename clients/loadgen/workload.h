#ifndef TONGHOP_CLIENTS_LOADGEN_WORKLOAD_H_
#define TONGHOP_CLIENTS_LOADGEN_WORKLOAD_H_

// The reporting-day workload against a running tonghopd whose registry
// already holds a World (see registration.h):
//
//  - a year's round: every reporter submits its report from one of
//    `concurrency` client threads (each its own channel, calling as that
//    reporter), and `reviewers` threads accept each submitted report as the
//    province's focal agency as soon as it arrives;
//  - during the current year's round, a dashboard reader queries the
//    national and provincial roll-ups, completeness and the trend the whole
//    time, and a prober measures freshness: from an accept's
//    acknowledgement until a national Rollup asked for that accept's change
//    sequence (min_sequence) answers — the sequence comes from the
//    Submissions change feed, which a watcher follows for the whole run;
//  - queries at rest, a province's CompileReport, RebuildAggregates, and a
//    verification of what the server holds against what was generated.
//
// One Workload is driven from one thread; it starts and joins its own
// threads inside each call. The World must outlive it.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/loadgen/feed_watcher.h"
#include "clients/loadgen/generator.h"
#include "clients/loadgen/stats.h"
#include "clients/loadgen/verifier.h"

namespace tonghop::loadgen {

struct WorkloadOptions {
  // Where the Registry and Submissions services are.
  std::string address;
  // Where the Aggregation service is, when it runs in another process
  // (empty: at `address`).
  std::string aggregation_address;
  // Submitting client threads.
  int concurrency = 8;
  // Accepting client threads.
  int reviewers = 4;
  // Run the dashboard reader and freshness prober during the current year.
  bool dashboard = true;
  // How long one call may take.
  absl::Duration call_timeout = absl::Seconds(60);
  // Progress lines for people watching a long run (every 10 s per round);
  // may be empty.
  std::function<void(const std::string&)> log;
};

// One year's round of submissions and acceptances.
struct RoundResult {
  int year = 0;
  // The year's reporting agencies (World::ReportersOf): fewer today than
  // on the historical hierarchy.
  int64_t reporters = 0;
  int64_t submitted = 0;
  int64_t accepted = 0;
  // Values in the submitted reports, and in the accepted ones.
  int64_t values = 0;
  int64_t accepted_values = 0;
  int64_t errors = 0;
  std::vector<std::string> error_samples;
  // From the first submit call to the last submit's answer.
  double submit_seconds = 0;
  // From the first submit call to the last accept's answer.
  double round_seconds = 0;
  // After the last accept: until the national roll-up had applied every
  // change of the round (current year only).
  double catch_up_seconds = 0;
  LatencySummary submit_latency;
  LatencySummary accept_latency;
  // The change-feed position after the round.
  int64_t feed_sequence = 0;

  double reports_per_second() const {
    return submit_seconds > 0 ? submitted / submit_seconds : 0;
  }
  double values_per_second() const { return submit_seconds > 0 ? values / submit_seconds : 0; }
  // Values of accepted reports per second over the whole round (each
  // submitted and accepted).
  double ingest_values_per_second() const {
    return round_seconds > 0 ? accepted_values / round_seconds : 0;
  }
};

// Latency of each dashboard query, by query name: "national_rollup",
// "province_rollup", "completeness", "trend".
using QueryLatencies = std::map<std::string, LatencySummary>;

struct IngestResult {
  RoundResult round;
  QueryLatencies queries;
  int64_t query_errors = 0;
  std::vector<std::string> query_error_samples;
  // Accept acknowledged → visible in the national roll-up, for every
  // accept: until the first answer (of any dashboard query or the prober)
  // whose applied position includes it. Resolution: the median gap between
  // those answers.
  LatencySummary freshness;
  double freshness_resolution_ms = 0;
  // The same measured exactly for a sample of accepts: a national Rollup
  // with min_sequence set to the accept's sequence, sent as soon as the
  // sequence is known.
  LatencySummary freshness_probe;
};

struct CompileResult {
  std::string agency;
  // By format name ("markdown", "html", "xlsx", "json").
  std::map<std::string, LatencySummary> latency;
  std::map<std::string, int64_t> bytes;
};

struct RebuildResult {
  double seconds = 0;
  int64_t changes_replayed = 0;
  int64_t records = 0;
  bool identical = false;
  bool swapped = false;
  int64_t applied_sequence = 0;
};

class Workload {
 public:
  Workload(const World& world, WorkloadOptions options);
  ~Workload();
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  // Starts following the change feed after `after`, by default after the
  // position the aggregation has applied now (every change of this run
  // comes after it).
  absl::Status StartFeedWatcher(std::optional<int64_t> after = std::nullopt);
  void StopFeedWatcher();

  // One year's round without the dashboard (history). Does not wait for
  // the roll-ups to catch up: see WaitForAllApplied.
  absl::StatusOr<RoundResult> LoadYear(int year);
  // Waits until the roll-ups have applied every change this run has made;
  // returns how long that took.
  absl::StatusOr<double> WaitForAllApplied(absl::Duration timeout);
  // The current year's round with the dashboard reader and the prober.
  absl::StatusOr<IngestResult> Ingest(int year);
  // `rounds` of each dashboard query, nothing else running.
  absl::StatusOr<QueryLatencies> QueriesAtRest(int rounds);
  // CompileReport of province `province` for `year`, `repetitions` times in
  // each format, as the province's focal agency.
  absl::StatusOr<CompileResult> Compile(int province, int year, int repetitions);
  absl::StatusOr<RebuildResult> Rebuild();
  // What the server holds for `years` against the generated values.
  VerifyResult Verify(const std::vector<int>& years);
  // Blocks until the national roll-up has applied `sequence` (or the
  // timeout passes); returns the applied position.
  absl::StatusOr<int64_t> WaitForApplied(int64_t sequence, absl::Duration timeout);
  // The feed position of this run's last change seen so far (kept after
  // the watcher stops).
  int64_t feed_sequence() const;

  // Points the workload at other addresses (after a server restart).
  void SetAddress(std::string address, std::string aggregation_address);

 private:
  class Freshness;
  const std::string& AggregationAddress() const;
  absl::StatusOr<RoundResult> RunRound(int year, bool with_dashboard, IngestResult* ingest);

  const World& world_;
  WorkloadOptions options_;
  std::unique_ptr<Freshness> freshness_;
  std::unique_ptr<FeedWatcher> watcher_;
  // The watcher's position when it was stopped.
  int64_t last_sequence_ = 0;
  // Changes this run has caused and the watcher should see.
  std::atomic<int64_t> changes_made_{0};
};

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_WORKLOAD_H_
