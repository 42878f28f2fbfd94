#ifndef TONGHOP_CLIENTS_LOADGEN_RESULTS_H_
#define TONGHOP_CLIENTS_LOADGEN_RESULTS_H_

// Everything one load-generator run measured, and its two renderings: a
// summary for people (stdout) and JSON for tools (--json-out). Every
// throughput is shown beside the limit measured in the same run.

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "clients/loadgen/generator.h"
#include "clients/loadgen/limits.h"
#include "clients/loadgen/registration.h"
#include "clients/loadgen/server_process.h"
#include "clients/loadgen/workload.h"

namespace tonghop::loadgen {

struct MachineInfo {
  int cpus = 0;
  std::string cpu_model;
  int64_t memory_bytes = 0;
  // The filesystem of the working directory: device, type, size.
  std::string disk;
  // /proc/loadavg at the start and end of the run.
  std::string load_at_start;
  std::string load_at_end;
  std::string kernel;
};

// Reads /proc and the filesystem of `work_dir`.
MachineInfo DescribeMachine(const std::string& work_dir);
// The 1-minute load average now, as /proc/loadavg has it.
std::string LoadAverage();

// What only a spawned server lets us measure.
struct ServerFigures {
  int64_t peak_rss_bytes = 0;
  DiskUsage disk;
  // Values in every accepted report stored (history and current year).
  int64_t stored_values = 0;
  double first_start_seconds = 0;
  double shutdown_seconds = 0;
  // Restart on the full data set: until it listens, and until the national
  // roll-up answers at the position the feed had reached.
  double restart_listen_seconds = 0;
  double restart_serve_seconds = 0;
  int64_t rss_after_restart_bytes = 0;
  // CPU seconds the server used during the reporting-day round.
  double ingest_cpu_seconds = 0;
};

struct RunResults {
  Scale scale;
  std::string plan;
  int current_year = 0;
  int history_years = 0;
  int concurrency = 0;
  int reviewers = 0;
  int reporters = 0;
  int values_per_report = 0;
  // Serialized SubmitRequest and (estimated) response sizes, averaged.
  int request_bytes = 0;
  int response_bytes = 0;
  std::string server_mode;  // "spawn" or "server ADDRESS"
  // The national total of each reported indicator for the current year, as
  // generated: what the national roll-up must show.
  std::map<std::string, int64_t> expected_national_totals;
  MachineInfo machine;

  std::optional<RocksDbLimit> rocksdb_single;
  std::optional<RocksDbLimit> rocksdb_concurrent;
  std::optional<ReportBatchLimit> report_batch;
  std::optional<EchoLimit> echo;

  std::optional<RegistrationResult> registration;
  std::vector<RoundResult> history;
  // The whole history load, and the part of it spent after the last accept
  // waiting for the roll-ups.
  double history_seconds = 0;
  double history_catch_up_seconds = 0;
  std::optional<IngestResult> ingest;
  // CPU seconds this load generator used during the reporting-day round,
  // and the round's wall time measured the same way (including the wait
  // for the roll-ups to catch up).
  double ingest_client_cpu_seconds = 0;
  double ingest_wall_seconds = 0;
  std::optional<QueryLatencies> at_rest;
  std::optional<CompileResult> compile;
  std::optional<RebuildResult> rebuild;
  std::optional<ServerFigures> server;
  std::optional<VerifyResult> verify;
  std::optional<VerifyResult> verify_after_rebuild;
  std::optional<VerifyResult> verify_after_restart;

  // Steps that failed, in order; the run goes on where it can.
  std::vector<std::string> errors;
  double total_seconds = 0;

  // True when every report was submitted and accepted, nothing failed and
  // every verification that ran passed.
  bool ok() const;
};

void PrintSummary(const RunResults& results, std::ostream& out);
std::string ToJson(const RunResults& results);

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_RESULTS_H_
