#include "clients/loadgen/stats.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"

namespace tonghop::loadgen {
namespace {

// The smallest sample with at least `p` percent of the samples at or below
// it (nearest rank). `sorted` is not empty.
double NearestRank(const std::vector<double>& sorted, double p) {
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

}  // namespace

LatencySummary Summarize(std::vector<double> samples_ms) {
  LatencySummary s;
  if (samples_ms.empty()) return s;
  std::sort(samples_ms.begin(), samples_ms.end());
  s.count = static_cast<int64_t>(samples_ms.size());
  s.p50_ms = NearestRank(samples_ms, 50);
  s.p90_ms = NearestRank(samples_ms, 90);
  s.p99_ms = NearestRank(samples_ms, 99);
  s.max_ms = samples_ms.back();
  double sum = 0;
  for (double v : samples_ms) sum += v;
  s.mean_ms = sum / samples_ms.size();
  return s;
}

void LatencyRecorder::Add(absl::Duration latency) {
  AddMillis(absl::ToDoubleMilliseconds(latency));
}

void LatencyRecorder::AddMillis(double ms) {
  absl::MutexLock lock(&mu_);
  samples_ms_.push_back(ms);
}

LatencySummary LatencyRecorder::Summary() const {
  std::vector<double> copy;
  {
    absl::MutexLock lock(&mu_);
    copy = samples_ms_;
  }
  return Summarize(std::move(copy));
}

int64_t LatencyRecorder::count() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(samples_ms_.size());
}

std::string FormatMillis(double ms) {
  if (ms < 1) return absl::StrFormat("%.0f µs", ms * 1000);
  if (ms < 10) return absl::StrFormat("%.2f ms", ms);
  if (ms < 1000) return absl::StrFormat("%.1f ms", ms);
  return absl::StrFormat("%.2f s", ms / 1000);
}

std::string WithThousands(int64_t n) {
  std::string digits = absl::StrFormat("%d", n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace tonghop::loadgen
