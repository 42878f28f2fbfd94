#ifndef TONGHOP_SERVICES_COMMON_METRICS_H_
#define TONGHOP_SERVICES_COMMON_METRICS_H_

// Prometheus metrics, written by hand in the text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): Debian 12
// ships no C++ client library for it.
//
// Two ways to publish a value:
// - instruments kept here: counters, gauges and histograms, declared once
//   by name with their label names and updated with label values;
// - collectors: functions called at each scrape that write values read from
//   elsewhere at that moment (store sizes, feed positions).
//
//   MetricsRegistry metrics;
//   CounterFamily& requests = metrics.Counter(
//       "tonghop_requests_total", "Requests served.", {"method", "code"});
//   requests.Increment({"/tonghop.v1.Registry/GetAgency", "OK"});
//   std::string text = metrics.TextExposition();
//
// Thread-safe. Families live as long as the registry; collectors must be
// removed before what they read is destroyed.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace tonghop {

// Label name/value pairs of one sample, in order.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Where collectors write their values at a scrape. Not thread-safe; used by
// one scrape.
class MetricsSink {
 public:
  void Gauge(absl::string_view name, absl::string_view help, const MetricLabels& labels,
             double value);
  void Counter(absl::string_view name, absl::string_view help, const MetricLabels& labels,
               double value);

 private:
  friend class MetricsRegistry;
  struct Family {
    std::string type;
    std::string help;
    std::vector<std::pair<MetricLabels, double>> samples;
  };
  void Add(absl::string_view name, absl::string_view type, absl::string_view help,
           const MetricLabels& labels, double value);
  std::map<std::string, Family> families_;
};

// The instruments of one name, one series per combination of label values.
class MetricFamily {
 public:
  MetricFamily(std::string name, std::string type, std::string help,
               std::vector<std::string> label_names, std::vector<double> buckets);
  virtual ~MetricFamily() = default;
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

  // Appends the family's lines in the exposition format.
  void Write(std::string& out) const;

 protected:
  struct Series {
    double value = 0;                    // counter, gauge
    std::vector<uint64_t> bucket_counts;  // histogram: per upper bound
    uint64_t count = 0;
    double sum = 0;
  };
  // The series of `label_values` (one per label name; missing ones are
  // empty), created at zero.
  Series& SeriesLocked(const std::vector<std::string>& label_values)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string name_;
  const std::string type_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> buckets_;
  mutable absl::Mutex mu_;
  std::map<std::vector<std::string>, Series> series_ ABSL_GUARDED_BY(mu_);
};

class CounterFamily final : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  // Adds `by` (>= 0) to the series of `label_values`.
  void Increment(const std::vector<std::string>& label_values, double by = 1);
};

class GaugeFamily final : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  void Set(const std::vector<std::string>& label_values, double value);
};

class HistogramFamily final : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  void Observe(const std::vector<std::string>& label_values, double value);
};

class MetricsRegistry {
 public:
  // Seconds, for request latencies: 1 ms to 30 s.
  static const std::vector<double>& LatencyBuckets();

  // The family called `name`, made on the first call; later calls return
  // the same one (and must ask for the same kind).
  CounterFamily& Counter(absl::string_view name, absl::string_view help,
                         std::vector<std::string> label_names);
  GaugeFamily& Gauge(absl::string_view name, absl::string_view help,
                     std::vector<std::string> label_names);
  HistogramFamily& Histogram(absl::string_view name, absl::string_view help,
                             std::vector<std::string> label_names, std::vector<double> buckets);

  // Calls `collect` at every scrape, until RemoveCollector(id).
  using Collector = std::function<void(MetricsSink&)>;
  int64_t AddCollector(Collector collect);
  // Returns once no scrape is calling the collector any more.
  void RemoveCollector(int64_t id);

  // Every family and collected value, sorted by name.
  std::string TextExposition() const;

 private:
  template <typename T>
  T& Family(absl::string_view name, absl::string_view type, absl::string_view help,
            std::vector<std::string> label_names, std::vector<double> buckets);

  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<MetricFamily>> families_ ABSL_GUARDED_BY(mu_);
  // Held by scrapes while they call collectors, and by RemoveCollector.
  mutable absl::Mutex collect_mu_;
  std::map<int64_t, Collector> collectors_ ABSL_GUARDED_BY(collect_mu_);
  int64_t next_collector_ ABSL_GUARDED_BY(collect_mu_) = 1;
};

// The content type of TextExposition().
inline constexpr char kPrometheusTextFormat[] = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_METRICS_H_
