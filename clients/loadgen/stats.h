#ifndef TONGHOP_CLIENTS_LOADGEN_STATS_H_
#define TONGHOP_CLIENTS_LOADGEN_STATS_H_

// Latency samples and their percentiles.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace tonghop::loadgen {

// Percentiles of a set of samples, in milliseconds. count == 0 means no
// sample was taken (every other field is then 0).
struct LatencySummary {
  int64_t count = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  double mean_ms = 0;
};

// Nearest-rank percentiles of `samples_ms` (order irrelevant).
LatencySummary Summarize(std::vector<double> samples_ms);

// Collects latency samples from many threads. Thread-safe; every sample is
// kept (runs are at most a few hundred thousand calls).
class LatencyRecorder {
 public:
  void Add(absl::Duration latency);
  void AddMillis(double ms);
  LatencySummary Summary() const;
  int64_t count() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<double> samples_ms_ ABSL_GUARDED_BY(mu_);
};

// "12.3 ms" / "850 µs" / "2.41 s" for humans.
std::string FormatMillis(double ms);
// "12,345" for humans.
std::string WithThousands(int64_t n);

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_STATS_H_
