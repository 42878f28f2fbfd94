#ifndef TONGHOP_CLIENTS_LOADGEN_FEDERATION_H_
#define TONGHOP_CLIENTS_LOADGEN_FEDERATION_H_

// The load of the federation drill (deploy/federation-drill.sh): a
// generated country whose provinces each run their own tonghopd pushing to
// the Ministry's (docs/federation.md). Against servers the drill started,
// and kills and restarts meanwhile on the same addresses:
//
//  1. registers the provinces and the national plan (World::NationalPlan)
//     on the Ministry's instance, and each province's subtree and plan
//     (World::ProvincialPlan, feeding the national one) on its own;
//  2. every reporter submits its report to its province's instance and its
//     reviewer accepts it, from `concurrency` threads with the provinces
//     interleaved; a call that finds no server (UNAVAILABLE,
//     DEADLINE_EXCEEDED) is retried with the same request id, so it
//     applies once, until `retry_for` has passed;
//  3. meanwhile it follows each province's change feed (the sequence of
//     each accept) and polls the Ministry's received figures. An accept is
//     in the national figures once the Ministry holds a generation of its
//     province at or after the accept's sequence; its latency is the
//     Ministry's arrive_time of the first such generation seen, less the
//     accept's acknowledgement time (both this host's clock);
//  4. waits until the Ministry holds every province's last change, then
//     compares cell by cell the Ministry's figures of each province, each
//     province's own roll-up and the generated sums.
//
// One call of RunFederation at a time; it starts and joins its own threads.

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/loadgen/generator.h"
#include "clients/loadgen/stats.h"

namespace tonghop::loadgen {

struct FederationOptions {
  // The Ministry's instance, host:port.
  std::string ministry;
  // Province i's instance (World::provinces() order), host:port.
  std::vector<std::string> provinces;
  // The national plan's id on the Ministry's instance.
  std::string national_plan_id = "lg-quoc-gia";
  // deploy/data/dimensions.json (see RegistrationOptions).
  std::string dimensions_file;
  // Threads submitting and accepting, each with its own channels.
  int concurrency = 8;
  // Reports submitted per second over all threads at most (a reporting day
  // spread over time, so that a small drill is still ingesting when its
  // servers are killed); 0: as fast as the servers take them.
  double rate = 0;
  // How long a call is retried while its server is down.
  absl::Duration retry_for = absl::Minutes(3);
  // How long the Ministry may take to hold every province's last change
  // after the last accept.
  absl::Duration settle_timeout = absl::Minutes(10);
  // The pause between two polls of the Ministry's received figures.
  absl::Duration poll_interval = absl::Milliseconds(20);
  // Rewritten while reports are accepted: "accepted N of M", followed by
  // "held H" while the load waits at hold point H (for the drill's script,
  // which kills servers at given points); may be empty.
  std::string progress_file;
  // Hold points, ascending: report H (0-based, in submission order) and
  // every later one wait until the file "<progress_file>.release-H" exists,
  // so that the drill kills its servers at a known point of the load however
  // fast the machine is. At most settle_timeout per hold.
  std::vector<int64_t> hold_at;
  // Progress lines for people watching; may be empty.
  std::function<void(const std::string&)> log;
};

// What one province did and what the Ministry holds of it. Totals are sums
// of the indicators' totals (every cell is compared, these are for people).
struct ProvinceOutcome {
  std::string agency;
  int64_t reports = 0;
  // Acknowledged accepts, and the reports the province's own roll-up counts.
  int64_t accepted = 0;
  int64_t counted = 0;
  // The province's last change of the plan; the generation the Ministry holds.
  int64_t last_sequence = 0;
  int64_t held_generation = 0;
  // Figures (values) the Ministry holds for the province, and the pushes
  // that changed them (retried and superseded ones change nothing).
  int64_t held_values = 0;
  int64_t arrivals = 0;
  int64_t generated_total = 0;
  int64_t provincial_total = 0;
  int64_t held_total = 0;
  // Figures (indicator × cell) the Ministry holds less of than generated,
  // and more of (or not generated at all).
  int64_t lost = 0;
  int64_t twice = 0;
  // Figures of the province's own roll-up that differ from the generated.
  int64_t provincial_differ = 0;
};

struct FederationResult {
  std::vector<ProvinceOutcome> provinces;
  int64_t reports = 0;
  int64_t accepted = 0;
  int64_t errors = 0;
  std::vector<std::string> error_samples;
  // Calls retried because their server was down.
  int64_t retries = 0;
  double registration_seconds = 0;
  double ingest_seconds = 0;
  // From the last accept until the Ministry held every province's last change.
  double settle_seconds = 0;
  bool settled = false;
  // Sums of the indicators' national totals: the Ministry's figures summed
  // over the provinces, the provinces' own roll-ups summed, the generated.
  int64_t national_held_total = 0;
  int64_t national_provincial_total = 0;
  int64_t national_generated_total = 0;
  // National figures (indicator × cell) compared three ways, and those
  // where the three differ.
  int64_t national_figures = 0;
  int64_t national_differ = 0;
  int64_t lost = 0;
  int64_t twice = 0;
  // Acceptance → national figure, communes' accepts and every accept.
  LatencySummary commune_latency;
  LatencySummary all_latency;
  // Accepts whose national arrival was never observed (0 once settled).
  int64_t latency_unmatched = 0;
  // The median gap between two polls of the Ministry: the figures'
  // resolution.
  double poll_gap_ms = 0;
  int64_t ministry_polls = 0;
  int64_t ministry_poll_errors = 0;

  bool ok() const;
};

absl::StatusOr<FederationResult> RunFederation(const World& world,
                                               const FederationOptions& options);

// The drill's figures for people, ending "FEDERATION PASSED" or "FEDERATION
// FAILED".
void PrintFederation(const FederationResult& result, std::ostream& out);

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_FEDERATION_H_
