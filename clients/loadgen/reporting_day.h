#ifndef TONGHOP_CLIENTS_LOADGEN_REPORTING_DAY_H_
#define TONGHOP_CLIENTS_LOADGEN_REPORTING_DAY_H_

// The reporting-day benchmark's run (tonghop-loadgen without --federation):
// limits, the server, registration, history, the reporting day, queries at
// rest, verification, rebuild, restart. main.cc reads the flags into
// ReportingDayOptions; RunReportingDay does the rest.

#include <functional>
#include <string>

#include "clients/loadgen/generator.h"

namespace tonghop::loadgen {

struct ReportingDayOptions {
  Scale scale;
  // Past years of accepted reports loaded first.
  int years = 0;
  int current_year = 0;
  int seed = 1;
  // Submitting threads, and the reviewers' threads among them.
  int concurrency = 8;
  int reviewers = 4;
  // Start a tonghopd (`tonghopd`, plaintext, on loopback) instead of using
  // the one at `server`.
  bool spawn = false;
  std::string tonghopd;
  std::string server;
  // The aggregation service's address when another process hosts it.
  std::string aggregation_server;
  std::string plan_id;
  // deploy/data/dimensions.json.
  std::string dimensions_file;
  // Measure the RocksDB and echo limits, each for about `limit_seconds`.
  bool limits = true;
  double limit_seconds = 2;
  bool dashboard = true;
  int at_rest_rounds = 50;
  int compile_repetitions = 5;
  bool rebuild = true;
  bool verify = true;
  // The working directory (empty: one of its own) and whether to keep it.
  std::string work_dir;
  bool keep_work_dir = false;
  // Where every figure goes as JSON; may be empty.
  std::string json_out;
  // Progress lines for people watching.
  std::function<void(const std::string&)> log;
};

// Runs the reporting day and prints its summary on standard output. Returns
// the exit status: 0 when every report was submitted and accepted and every
// verification passed, 1 otherwise.
int RunReportingDay(const ReportingDayOptions& options);

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_REPORTING_DAY_H_
