#include "services/common/metrics.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"

namespace tonghop {
namespace {

// A sample value as Prometheus reads it: shortest round-trip form.
std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Whole numbers (counts, bytes) in full, as long as a double holds them
  // exactly.
  if (std::trunc(value) == value && std::fabs(value) < 9007199254740992.0) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (error != std::errc()) return "NaN";
  return std::string(buffer, end);
}

// Label values escape backslash, double quote and line feed.
void AppendLabelValue(std::string& out, absl::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
}

// Help text escapes backslash and line feed.
std::string EscapeHelp(absl::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void AppendHeader(std::string& out, absl::string_view name, absl::string_view type,
                  absl::string_view help) {
  absl::StrAppend(&out, "# HELP ", name, " ", EscapeHelp(help), "\n# TYPE ", name, " ", type,
                  "\n");
}

// name{a="x",b="y"} value
void AppendSample(std::string& out, absl::string_view name, const MetricLabels& labels,
                  double value) {
  out.append(name.data(), name.size());
  if (!labels.empty()) {
    out.push_back('{');
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) out.push_back(',');
      absl::StrAppend(&out, labels[i].first, "=\"");
      AppendLabelValue(out, labels[i].second);
      out.push_back('"');
    }
    out.push_back('}');
  }
  absl::StrAppend(&out, " ", FormatValue(value), "\n");
}

}  // namespace

void MetricsSink::Add(absl::string_view name, absl::string_view type, absl::string_view help,
                      const MetricLabels& labels, double value) {
  Family& family = families_[std::string(name)];
  if (family.type.empty()) {
    family.type = std::string(type);
    family.help = std::string(help);
  }
  family.samples.emplace_back(labels, value);
}

void MetricsSink::Gauge(absl::string_view name, absl::string_view help,
                        const MetricLabels& labels, double value) {
  Add(name, "gauge", help, labels, value);
}

void MetricsSink::Counter(absl::string_view name, absl::string_view help,
                          const MetricLabels& labels, double value) {
  Add(name, "counter", help, labels, value);
}

MetricFamily::MetricFamily(std::string name, std::string type, std::string help,
                           std::vector<std::string> label_names, std::vector<double> buckets)
    : name_(std::move(name)),
      type_(std::move(type)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)) {}

MetricFamily::Series& MetricFamily::SeriesLocked(const std::vector<std::string>& label_values) {
  std::vector<std::string> key = label_values;
  key.resize(label_names_.size());
  auto [it, inserted] = series_.try_emplace(std::move(key));
  if (inserted) it->second.bucket_counts.assign(buckets_.size(), 0);
  return it->second;
}

void MetricFamily::Write(std::string& out) const {
  absl::MutexLock lock(&mu_);
  AppendHeader(out, name_, type_, help_);
  for (const auto& [values, series] : series_) {
    MetricLabels labels;
    for (size_t i = 0; i < label_names_.size(); ++i) {
      labels.emplace_back(label_names_[i], values[i]);
    }
    if (type_ != "histogram") {
      AppendSample(out, name_, labels, series.value);
      continue;
    }
    const std::string bucket = absl::StrCat(name_, "_bucket");
    uint64_t cumulative = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      cumulative += series.bucket_counts[i];
      MetricLabels with_le = labels;
      with_le.emplace_back("le", FormatValue(buckets_[i]));
      AppendSample(out, bucket, with_le, static_cast<double>(cumulative));
    }
    MetricLabels with_inf = labels;
    with_inf.emplace_back("le", "+Inf");
    AppendSample(out, bucket, with_inf, static_cast<double>(series.count));
    AppendSample(out, absl::StrCat(name_, "_sum"), labels, series.sum);
    AppendSample(out, absl::StrCat(name_, "_count"), labels, static_cast<double>(series.count));
  }
}

void CounterFamily::Increment(const std::vector<std::string>& label_values, double by) {
  absl::MutexLock lock(&mu_);
  SeriesLocked(label_values).value += by;
}

void GaugeFamily::Set(const std::vector<std::string>& label_values, double value) {
  absl::MutexLock lock(&mu_);
  SeriesLocked(label_values).value = value;
}

void HistogramFamily::Observe(const std::vector<std::string>& label_values, double value) {
  absl::MutexLock lock(&mu_);
  Series& series = SeriesLocked(label_values);
  for (size_t i = 0; i < buckets_.size(); ++i) {
    if (value <= buckets_[i]) {
      ++series.bucket_counts[i];
      break;
    }
  }
  ++series.count;
  series.sum += value;
}

const std::vector<double>& MetricsRegistry::LatencyBuckets() {
  static const auto* buckets = new std::vector<double>{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return *buckets;
}

template <typename T>
T& MetricsRegistry::Family(absl::string_view name, absl::string_view type,
                           absl::string_view help, std::vector<std::string> label_names,
                           std::vector<double> buckets) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<MetricFamily>& slot = families_[std::string(name)];
  if (slot == nullptr) {
    slot = std::make_unique<T>(std::string(name), std::string(type), std::string(help),
                               std::move(label_names), std::move(buckets));
  }
  T* family = dynamic_cast<T*>(slot.get());
  if (family == nullptr) {
    // A programming error: one name declared as two kinds.
    std::cerr << "metrics: " << name << " is declared as two kinds of metric" << std::endl;
    std::abort();
  }
  return *family;
}

CounterFamily& MetricsRegistry::Counter(absl::string_view name, absl::string_view help,
                                        std::vector<std::string> label_names) {
  return Family<CounterFamily>(name, "counter", help, std::move(label_names), {});
}

GaugeFamily& MetricsRegistry::Gauge(absl::string_view name, absl::string_view help,
                                    std::vector<std::string> label_names) {
  return Family<GaugeFamily>(name, "gauge", help, std::move(label_names), {});
}

HistogramFamily& MetricsRegistry::Histogram(absl::string_view name, absl::string_view help,
                                            std::vector<std::string> label_names,
                                            std::vector<double> buckets) {
  return Family<HistogramFamily>(name, "histogram", help, std::move(label_names),
                                 std::move(buckets));
}

int64_t MetricsRegistry::AddCollector(Collector collect) {
  absl::MutexLock lock(&collect_mu_);
  int64_t id = next_collector_++;
  collectors_[id] = std::move(collect);
  return id;
}

void MetricsRegistry::RemoveCollector(int64_t id) {
  absl::MutexLock lock(&collect_mu_);
  collectors_.erase(id);
}

std::string MetricsRegistry::TextExposition() const {
  MetricsSink sink;
  {
    absl::MutexLock lock(&collect_mu_);
    for (const auto& [id, collect] : collectors_) collect(sink);
  }
  // Instruments and collected families, merged in name order.
  std::map<std::string, std::string> blocks;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, family] : families_) family->Write(blocks[name]);
  }
  for (const auto& [name, family] : sink.families_) {
    std::string& block = blocks[name];
    if (!block.empty()) continue;  // an instrument of that name wins
    AppendHeader(block, name, family.type, family.help);
    for (const auto& [labels, value] : family.samples) AppendSample(block, name, labels, value);
  }
  std::string out;
  for (const auto& [name, block] : blocks) out += block;
  return out;
}

}  // namespace tonghop
