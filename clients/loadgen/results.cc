#include "clients/loadgen/results.h"

#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/text.h"

namespace tonghop::loadgen {
namespace {

using google::protobuf::Struct;

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kGiB = 1024.0 * kMiB;

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// One of the targets, judged on this run's figures.
struct Target {
  std::string name;
  std::string measured;
  std::string goal;
  std::optional<bool> met;  // nullopt: not measured in this run
  double value = 0;
};

std::string Percent(double ratio) { return absl::StrFormat("%.1f %%", 100 * ratio); }

// The durable limit of submits at the run's concurrency and payload: the
// lower of the bare gRPC echo rate and the rate of synced report-sized
// WriteBatches, one per call. nullopt unless both were measured.
struct DurableLimit {
  double calls_per_second = 0;
  // Which of the two it is, as the JSON names its limit.
  std::string bound_by;
};
std::optional<DurableLimit> DurableSubmitLimit(const RunResults& r) {
  if (!r.echo || !r.report_batch) return std::nullopt;
  const double echo = r.echo->calls_per_second();
  const double batches = r.report_batch->batches_per_second();
  if (echo <= 0 || batches <= 0) return std::nullopt;
  if (batches < echo) return DurableLimit{batches, "rocksdb_synced_report_batch"};
  return DurableLimit{echo, "grpc_echo"};
}

// The p99 of dashboard query `name` while ingesting, when it was sampled.
std::optional<double> IngestingP99(const RunResults& r, const std::string& name) {
  if (!r.ingest) return std::nullopt;
  auto it = r.ingest->queries.find(name);
  if (it == r.ingest->queries.end() || it->second.count == 0) return std::nullopt;
  return it->second.p99_ms;
}

// The targets (issue 18, "5. Targets"), each judged on this run's
// figures and, for the two rates, on limits measured in the same run.
std::vector<Target> Targets(const RunResults& r) {
  std::vector<Target> targets;
  auto add = [&](std::string name, std::string goal, std::optional<double> value,
                 std::function<std::string(double)> show, std::function<bool(double)> ok) {
    Target t;
    t.name = std::move(name);
    t.goal = std::move(goal);
    if (value) {
      t.value = *value;
      t.measured = show(*value);
      t.met = ok(*value);
    } else {
      t.measured = "not measured";
    }
    targets.push_back(std::move(t));
  };
  auto ms = [](double v) { return FormatMillis(v); };
  auto seconds = [](double v) { return absl::StrFormat("%.2f s", v); };
  auto at_least_half = [](double v) { return v >= 0.5; };
  std::optional<double> ingest_ratio, submit_ratio, fresh_p99, trend_p99, compile_max, restart,
      rss, rebuild, bytes_per_value;
  if (r.ingest && r.rocksdb_concurrent && r.rocksdb_concurrent->values_per_second() > 0) {
    ingest_ratio = r.ingest->round.ingest_values_per_second() /
                   r.rocksdb_concurrent->values_per_second();
  }
  if (std::optional<DurableLimit> durable = DurableSubmitLimit(r); r.ingest && durable) {
    submit_ratio = r.ingest->round.reports_per_second() / durable->calls_per_second;
  }
  if (r.ingest && r.ingest->freshness.count > 0) fresh_p99 = r.ingest->freshness.p99_ms;
  trend_p99 = IngestingP99(r, "trend");
  if (r.at_rest) {
    auto it = r.at_rest->find("trend");
    if (it != r.at_rest->end() && it->second.count > 0) {
      trend_p99 = std::max(trend_p99.value_or(0), it->second.p99_ms);
    }
  }
  if (r.compile) {
    double worst = 0;
    for (const auto& [format, s] : r.compile->latency) worst = std::max(worst, s.max_ms);
    compile_max = worst;
  }
  if (r.rebuild) rebuild = r.rebuild->seconds;
  if (r.server) {
    const ServerFigures& f = *r.server;
    if (f.restart_serve_seconds > 0) restart = f.restart_serve_seconds;
    if (f.peak_rss_bytes > 0) rss = f.peak_rss_bytes;
    if (f.stored_values > 0 && f.disk.allocated_bytes > 0) {
      bytes_per_value = static_cast<double>(f.disk.allocated_bytes) / f.stored_values;
    }
  }

  add("ingest values/s ÷ raw synced RocksDB values/s", "≥ 50 %", ingest_ratio, Percent,
      at_least_half);
  add("submit reports/s ÷ durable limit (lower of echo, report batch)", "≥ 50 %",
      submit_ratio, Percent, at_least_half);
  add("national Rollup p99 while ingesting", "≤ 5 ms", IngestingP99(r, "national_rollup"), ms,
      [](double v) { return v <= 5; });
  add("national Completeness p99 while ingesting (counts)", "≤ 5 ms",
      IngestingP99(r, "completeness_counts"), ms, [](double v) { return v <= 5; });
  add("freshness p99 (accept → national roll-up) while ingesting", "≤ 100 ms", fresh_p99, ms,
      [](double v) { return v <= 100; });
  add(absl::StrCat(r.history_years, "-year Trend p99 (worse of ingesting and at rest)"),
      "≤ 10 ms", trend_p99, ms, [](double v) { return v <= 10; });
  add("province CompileReport, slowest call of any format", "≤ 250 ms", compile_max, ms,
      [](double v) { return v <= 250; });
  add("restart on the full data set until serving", "≤ 1 s", restart, seconds,
      [](double v) { return v <= 1; });
  add(r.rebuild ? "server peak RSS (VmHWM), including the rebuild"
                : "server peak RSS (VmHWM), no rebuild in this run",
      "≤ 512 MiB", rss, [](double v) { return absl::StrFormat("%.0f MiB", v / kMiB); },
      [](double v) { return v <= 512 * kMiB; });
  add("RebuildAggregates", "≤ 60 s", rebuild, seconds, [](double v) { return v <= 60; });
  add("bytes on disk per stored value", "≤ 64 B", bytes_per_value,
      [](double v) { return absl::StrFormat("%.1f B", v); }, [](double v) { return v <= 64; });
  return targets;
}

google::protobuf::Value Num(double v) {
  google::protobuf::Value value;
  value.set_number_value(v);
  return value;
}
google::protobuf::Value Str(const std::string& s) {
  google::protobuf::Value value;
  value.set_string_value(s);
  return value;
}
google::protobuf::Value Bool(bool b) {
  google::protobuf::Value value;
  value.set_bool_value(b);
  return value;
}
Struct* Child(Struct* parent, const std::string& key) {
  return (*parent->mutable_fields())[key].mutable_struct_value();
}
void Put(Struct* s, const std::string& key, google::protobuf::Value v) {
  (*s->mutable_fields())[key] = std::move(v);
}
void PutStrings(Struct* s, const std::string& key, const std::vector<std::string>& list) {
  auto* values = (*s->mutable_fields())[key].mutable_list_value();
  for (const auto& item : list) *values->add_values() = Str(item);
}
void PutLatency(Struct* s, const std::string& key, const LatencySummary& l) {
  Struct* o = Child(s, key);
  Put(o, "count", Num(l.count));
  Put(o, "p50_ms", Num(l.p50_ms));
  Put(o, "p90_ms", Num(l.p90_ms));
  Put(o, "p99_ms", Num(l.p99_ms));
  Put(o, "max_ms", Num(l.max_ms));
  Put(o, "mean_ms", Num(l.mean_ms));
}
void PutRound(Struct* o, const RoundResult& round) {
  Put(o, "year", Num(round.year));
  Put(o, "reporters", Num(round.reporters));
  Put(o, "submitted", Num(round.submitted));
  Put(o, "accepted", Num(round.accepted));
  Put(o, "values", Num(round.values));
  Put(o, "accepted_values", Num(round.accepted_values));
  Put(o, "errors", Num(round.errors));
  PutStrings(o, "error_samples", round.error_samples);
  Put(o, "submit_seconds", Num(round.submit_seconds));
  Put(o, "round_seconds", Num(round.round_seconds));
  Put(o, "catch_up_seconds", Num(round.catch_up_seconds));
  Put(o, "reports_per_second", Num(round.reports_per_second()));
  Put(o, "values_per_second", Num(round.values_per_second()));
  Put(o, "ingest_values_per_second", Num(round.ingest_values_per_second()));
  PutLatency(o, "submit_latency", round.submit_latency);
  PutLatency(o, "accept_latency", round.accept_latency);
  Put(o, "feed_sequence", Num(round.feed_sequence));
}
void PutVerify(Struct* s, const std::string& key, const VerifyResult& v) {
  Struct* o = Child(s, key);
  Put(o, "passed", Bool(v.passed));
  PutStrings(o, "checks", v.checks);
  PutStrings(o, "failures", v.failures);
}

void PrintLatency(std::ostream& out, const std::string& label, const LatencySummary& l) {
  if (l.count == 0) {
    out << absl::StrFormat("  %-38s no samples\n", label);
    return;
  }
  out << absl::StrFormat("  %-38s p50 %-10s p99 %-10s max %-10s (%s samples)\n", label,
                         FormatMillis(l.p50_ms), FormatMillis(l.p99_ms), FormatMillis(l.max_ms),
                         WithThousands(l.count));
}

void PrintVerify(std::ostream& out, const std::string& label, const VerifyResult& v) {
  out << label << ": " << (v.passed ? "passed" : "FAILED") << "\n";
  for (const auto& c : v.checks) out << "  " << c << "\n";
  for (const auto& f : v.failures) out << "  FAIL " << f << "\n";
}

}  // namespace

MachineInfo DescribeMachine(const std::string& work_dir) {
  MachineInfo m;
  m.cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
      if (absl::StartsWith(line, "model name")) {
        m.cpu_model = std::string(absl::StripLeadingAsciiWhitespace(
            line.substr(line.find(':') + 1)));
        break;
      }
    }
  }
  {
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
      if (absl::StartsWith(line, "MemTotal:")) {
        std::vector<std::string> parts = absl::StrSplit(line, ' ', absl::SkipWhitespace());
        int64_t kib = 0;
        if (parts.size() >= 2 && absl::SimpleAtoi(parts[1], &kib)) m.memory_bytes = kib * 1024;
      }
    }
  }
  {
    // The mount holding the working directory: the longest mount point
    // that prefixes it.
    std::ifstream in("/proc/mounts");
    std::string line, best_point, best;
    while (std::getline(in, line)) {
      std::vector<std::string> f = absl::StrSplit(line, ' ');
      if (f.size() < 3) continue;
      const std::string& point = f[1];
      bool covers = work_dir == point || point == "/" ||
                    absl::StartsWith(work_dir, point + "/");
      if (covers && point.size() >= best_point.size()) {
        best_point = point;
        best = absl::StrCat(f[0], " (", f[2], ", mounted on ", point, ")");
      }
    }
    struct statvfs vfs;
    if (statvfs(work_dir.c_str(), &vfs) == 0) {
      absl::StrAppend(&best, absl::StrFormat(", %.0f GiB",
                                             static_cast<double>(vfs.f_blocks) * vfs.f_frsize /
                                                 kGiB));
    }
    m.disk = best;
  }
  struct utsname u;
  if (uname(&u) == 0) m.kernel = absl::StrCat(u.sysname, " ", u.release);
  m.load_at_start = LoadAverage();
  return m;
}

std::string LoadAverage() {
  std::vector<std::string> f = absl::StrSplit(ReadFirstLine("/proc/loadavg"), ' ');
  if (f.size() < 3) return "";
  return absl::StrCat(f[0], " ", f[1], " ", f[2]);
}

bool RunResults::ok() const {
  if (!errors.empty()) return false;
  for (const auto& round : history) {
    if (round.errors > 0 || round.accepted != round.reporters) return false;
  }
  if (!ingest || ingest->round.errors > 0 || ingest->round.accepted != reporters) return false;
  for (const auto* v : {&verify, &verify_after_rebuild, &verify_after_restart}) {
    if (*v && !(*v)->passed) return false;
  }
  return true;
}

void PrintSummary(const RunResults& r, std::ostream& out) {
  const Scale& s = r.scale;
  out << "tonghop-loadgen: scale " << s.name << ": " << s.provinces << " provinces, "
      << WithThousands(s.communes) << " communes, " << s.departments_per_province
      << " departments and " << s.independent_bodies_per_province
      << " independent bodies per province = " << WithThousands(r.reporters)
      << " reporting agencies; plan " << r.plan << " with " << s.tasks << " tasks and "
      << s.indicators << " reported indicators, " << r.values_per_report
      << " values per report; " << r.history_years << " past years + " << r.current_year
      << "\n";
  if (r.current_year - r.history_years < World::kFirstYearOfTodaysHierarchy) {
    out << "  years before " << World::kFirstYearOfTodaysHierarchy
        << " on the hierarchy before 1 July 2025: " << s.historical_provinces << " provinces, "
        << WithThousands(s.historical_districts) << " districts, "
        << WithThousands(s.historical_communes)
        << " communes, dissolved on 30/06/2025 with their successors\n";
  }
  out << "server: " << r.server_mode << "; " << r.concurrency << " submitting and "
      << r.reviewers << " accepting client threads, each with its own channel\n";
  const MachineInfo& m = r.machine;
  out << absl::StrFormat(
      "machine: %d CPUs (%s), %.1f GiB memory, disk %s, %s; load average %s at start, %s at "
      "end\n",
      m.cpus, m.cpu_model, m.memory_bytes / kGiB, m.disk, m.kernel, m.load_at_start,
      m.load_at_end);

  out << "\nlimits measured in this run\n";
  for (const auto* limit : {&r.rocksdb_single, &r.rocksdb_concurrent}) {
    if (!*limit) continue;
    out << absl::StrFormat(
        "  RocksDB synced WriteBatch, %d values/batch, %d writer%s: %s batches/s = %s "
        "values/s\n",
        (*limit)->values_per_batch, (*limit)->writers, (*limit)->writers == 1 ? "" : "s",
        WithThousands(static_cast<int64_t>((*limit)->batches_per_second())),
        WithThousands(static_cast<int64_t>((*limit)->values_per_second())));
  }
  if (r.report_batch) {
    out << absl::StrFormat(
        "  RocksDB synced report-sized WriteBatch, one per call (%s B: report %s B, revision, "
        "change, answer, audit), %d writers: %s batches/s\n",
        WithThousands(r.report_batch->batch_bytes), WithThousands(r.report_batch->report_bytes),
        r.report_batch->writers,
        WithThousands(static_cast<int64_t>(r.report_batch->batches_per_second())));
  }
  if (r.echo) {
    out << absl::StrFormat(
        "  gRPC echo, %s B up / %s B down, %d threads: %s calls/s\n",
        WithThousands(r.echo->request_bytes), WithThousands(r.echo->response_bytes),
        r.echo->threads, WithThousands(static_cast<int64_t>(r.echo->calls_per_second())));
  }
  if (std::optional<DurableLimit> durable = DurableSubmitLimit(r)) {
    out << absl::StrFormat("  durable submit limit (the lower of the last two): %s calls/s\n",
                           WithThousands(static_cast<int64_t>(durable->calls_per_second)));
  }

  if (r.registration) {
    out << absl::StrFormat("\nregistration: %s agencies, %d indicators, %d tasks in %.1f s%s\n",
                           WithThousands(r.registration->agencies), r.registration->indicators,
                           r.registration->tasks, r.registration->seconds,
                           r.registration->created_ministry ? " (created agencies/bo-tu-phap)"
                                                            : "");
  }
  if (!r.history.empty()) {
    int64_t reports = 0, values = 0;
    for (const auto& h : r.history) reports += h.accepted, values += h.accepted_values;
    out << absl::StrFormat("history: %d years, %s reports (%s values) submitted and accepted in "
                           "%.1f s, of which %.1f s waiting for the roll-ups after the last "
                           "accept\n",
                           static_cast<int>(r.history.size()), WithThousands(reports),
                           WithThousands(values), r.history_seconds,
                           r.history_catch_up_seconds);
    for (const auto& h : r.history) {
      out << absl::StrFormat("  %d: %s reports, %.0f reports/s submitted, round %.1f s, "
                             "errors %d\n",
                             h.year, WithThousands(h.reporters), h.reports_per_second(),
                             h.round_seconds, h.errors);
    }
  }
  if (r.ingest) {
    const RoundResult& round = r.ingest->round;
    out << "\nreporting day " << round.year << " (everyone submits, focal agencies accept, "
        << "dashboard reading)\n";
    out << absl::StrFormat("  submitted %s reports (%s values) in %.2f s: %.0f reports/s, %s "
                           "values/s\n",
                           WithThousands(round.submitted), WithThousands(round.values),
                           round.submit_seconds, round.reports_per_second(),
                           WithThousands(static_cast<int64_t>(round.values_per_second())));
    if (r.echo && r.echo->calls_per_second() > 0) {
      out << absl::StrFormat("    = %s of the bare gRPC echo rate\n",
                             Percent(round.reports_per_second() / r.echo->calls_per_second()));
    }
    if (r.report_batch && r.report_batch->batches_per_second() > 0) {
      out << absl::StrFormat(
          "    = %s of the synced report-sized WriteBatch rate\n",
          Percent(round.reports_per_second() / r.report_batch->batches_per_second()));
    }
    out << absl::StrFormat("  accepted %s reports; whole round %.2f s: ingest %s values/s\n",
                           WithThousands(round.accepted), round.round_seconds,
                           WithThousands(static_cast<int64_t>(round.ingest_values_per_second())));
    if (r.rocksdb_concurrent) {
      out << absl::StrFormat(
          "    = %s of the raw synced RocksDB value rate (%d writers); submit alone %s\n",
          Percent(round.ingest_values_per_second() / r.rocksdb_concurrent->values_per_second()),
          r.rocksdb_concurrent->writers,
          Percent(round.values_per_second() / r.rocksdb_concurrent->values_per_second()));
    }
    out << absl::StrFormat("  roll-ups caught up %.3f s after the last accept; errors: %d\n",
                           round.catch_up_seconds, round.errors);
    out << absl::StrFormat("  CPU over the round's %.2f s: load generator %.2f s",
                           r.ingest_wall_seconds, r.ingest_client_cpu_seconds);
    if (r.server) {
      out << absl::StrFormat(", server %.2f s (%.2f of %d cores busy)",
                             r.server->ingest_cpu_seconds,
                             r.ingest_wall_seconds > 0
                                 ? r.server->ingest_cpu_seconds / r.ingest_wall_seconds
                                 : 0.0,
                             r.machine.cpus);
    }
    out << "\n";
    for (const auto& e : round.error_samples) out << "    " << e << "\n";
    PrintLatency(out, "submit latency", round.submit_latency);
    PrintLatency(out, "accept latency", round.accept_latency);
    PrintLatency(out, "freshness accept → national roll-up", r.ingest->freshness);
    out << absl::StrFormat("    (every accept; resolution: answers every %s)\n",
                           FormatMillis(r.ingest->freshness_resolution_ms));
    PrintLatency(out, "freshness, probed with min_sequence", r.ingest->freshness_probe);
    out << "queries while ingesting\n";
    for (const auto& [name, l] : r.ingest->queries) PrintLatency(out, name, l);
    if (r.ingest->query_errors > 0) {
      out << "  query errors: " << r.ingest->query_errors << "\n";
      for (const auto& e : r.ingest->query_error_samples) out << "    " << e << "\n";
    }
  }
  if (r.at_rest) {
    out << "queries at rest\n";
    for (const auto& [name, l] : *r.at_rest) PrintLatency(out, name, l);
  }
  if (r.compile) {
    out << "CompileReport " << r.compile->agency << "\n";
    for (const auto& [format, l] : r.compile->latency) {
      PrintLatency(out, absl::StrCat(format, " (", WithThousands(r.compile->bytes.at(format)),
                                     " B)"),
                   l);
    }
  }
  if (r.rebuild) {
    out << absl::StrFormat(
        "RebuildAggregates: %.2f s, %s changes replayed, %s records, identical: %s\n",
        r.rebuild->seconds, WithThousands(r.rebuild->changes_replayed),
        WithThousands(r.rebuild->records), r.rebuild->identical ? "yes" : "no");
  }
  if (r.server) {
    const ServerFigures& f = *r.server;
    out << absl::StrFormat("server: peak RSS %.0f MiB; %.1f MiB on disk for %s stored values = "
                           "%.1f bytes/value\n",
                           f.peak_rss_bytes / kMiB, f.disk.allocated_bytes / kMiB,
                           WithThousands(f.stored_values),
                           f.stored_values > 0
                               ? static_cast<double>(f.disk.allocated_bytes) / f.stored_values
                               : 0.0);
    for (const auto& [entry, bytes] : f.disk.allocated_by_entry) {
      out << absl::StrFormat("  %-14s %.1f MiB\n", entry, bytes / kMiB);
    }
    out << absl::StrFormat("  shutdown %.2f s; restart: listening after %.2f s, serving the "
                           "national roll-up after %.2f s; RSS after restart %.0f MiB\n",
                           f.shutdown_seconds, f.restart_listen_seconds,
                           f.restart_serve_seconds, f.rss_after_restart_bytes / kMiB);
  }

  out << "\ntargets (2-core machine)\n";
  // Padded by characters, not bytes: the names and goals hold ÷, → and ≤.
  auto pad = [](const std::string& text, size_t width) {
    const size_t shown = DisplayWidth(text);
    return shown >= width ? text : text + std::string(width - shown, ' ');
  };
  for (const Target& t : Targets(r)) {
    out << "  " << pad(t.name, 64) << " " << pad(t.measured, 12) << " " << pad(t.goal, 9) << " "
        << (!t.met ? "" : *t.met ? "met" : "MISSED") << "\n";
  }
  out << "\n";
  if (r.verify) PrintVerify(out, "verification", *r.verify);
  if (r.verify_after_rebuild) {
    PrintVerify(out, "verification after rebuild", *r.verify_after_rebuild);
  }
  if (r.verify_after_restart) {
    PrintVerify(out, "verification after restart", *r.verify_after_restart);
  }
  for (const auto& e : r.errors) out << "ERROR " << e << "\n";
  out << absl::StrFormat("run took %.1f s: %s\n", r.total_seconds, r.ok() ? "ok" : "FAILED");
}

std::string ToJson(const RunResults& r) {
  Struct root;
  Struct* scale = Child(&root, "scale");
  Put(scale, "name", Str(r.scale.name));
  Put(scale, "provinces", Num(r.scale.provinces));
  Put(scale, "communes", Num(r.scale.communes));
  Put(scale, "departments_per_province", Num(r.scale.departments_per_province));
  Put(scale, "independent_bodies_per_province", Num(r.scale.independent_bodies_per_province));
  Put(scale, "historical_provinces", Num(r.scale.historical_provinces));
  Put(scale, "historical_districts", Num(r.scale.historical_districts));
  Put(scale, "historical_communes", Num(r.scale.historical_communes));
  Put(scale, "tasks", Num(r.scale.tasks));
  Put(scale, "indicators", Num(r.scale.indicators));
  Put(&root, "plan", Str(r.plan));
  Put(&root, "current_year", Num(r.current_year));
  Put(&root, "history_years", Num(r.history_years));
  Put(&root, "concurrency", Num(r.concurrency));
  Put(&root, "reviewers", Num(r.reviewers));
  Put(&root, "reporters", Num(r.reporters));
  Put(&root, "values_per_report", Num(r.values_per_report));
  Put(&root, "request_bytes", Num(r.request_bytes));
  Put(&root, "response_bytes", Num(r.response_bytes));
  Put(&root, "server_mode", Str(r.server_mode));
  Struct* expected = Child(&root, "expected_national_totals");
  for (const auto& [indicator, total] : r.expected_national_totals) {
    Put(expected, indicator, Num(static_cast<double>(total)));
  }
  Struct* machine = Child(&root, "machine");
  Put(machine, "cpus", Num(r.machine.cpus));
  Put(machine, "cpu_model", Str(r.machine.cpu_model));
  Put(machine, "memory_bytes", Num(r.machine.memory_bytes));
  Put(machine, "disk", Str(r.machine.disk));
  Put(machine, "kernel", Str(r.machine.kernel));
  Put(machine, "load_at_start", Str(r.machine.load_at_start));
  Put(machine, "load_at_end", Str(r.machine.load_at_end));

  Struct* limits = Child(&root, "limits");
  auto put_rocks = [&](const char* key, const std::optional<RocksDbLimit>& l) {
    if (!l) return;
    Struct* o = Child(limits, key);
    Put(o, "writers", Num(l->writers));
    Put(o, "values_per_batch", Num(l->values_per_batch));
    Put(o, "batches", Num(l->batches));
    Put(o, "values", Num(l->values));
    Put(o, "seconds", Num(l->seconds));
    Put(o, "values_per_second", Num(l->values_per_second()));
    Put(o, "batches_per_second", Num(l->batches_per_second()));
  };
  put_rocks("rocksdb_synced_single_writer", r.rocksdb_single);
  put_rocks("rocksdb_synced_concurrent", r.rocksdb_concurrent);
  if (r.report_batch) {
    Struct* o = Child(limits, "rocksdb_synced_report_batch");
    Put(o, "writers", Num(r.report_batch->writers));
    Put(o, "batch_bytes", Num(r.report_batch->batch_bytes));
    Put(o, "report_bytes", Num(r.report_batch->report_bytes));
    Put(o, "batches", Num(r.report_batch->batches));
    Put(o, "seconds", Num(r.report_batch->seconds));
    Put(o, "batches_per_second", Num(r.report_batch->batches_per_second()));
  }
  if (r.echo) {
    Struct* o = Child(limits, "grpc_echo");
    Put(o, "threads", Num(r.echo->threads));
    Put(o, "request_bytes", Num(r.echo->request_bytes));
    Put(o, "response_bytes", Num(r.echo->response_bytes));
    Put(o, "calls", Num(r.echo->calls));
    Put(o, "seconds", Num(r.echo->seconds));
    Put(o, "calls_per_second", Num(r.echo->calls_per_second()));
  }
  if (std::optional<DurableLimit> durable = DurableSubmitLimit(r)) {
    Struct* o = Child(limits, "durable_submit");
    Put(o, "calls_per_second", Num(durable->calls_per_second));
    Put(o, "bound_by", Str(durable->bound_by));
  }
  if (r.registration) {
    Struct* o = Child(&root, "registration");
    Put(o, "agencies", Num(r.registration->agencies));
    Put(o, "indicators", Num(r.registration->indicators));
    Put(o, "tasks", Num(r.registration->tasks));
    Put(o, "seconds", Num(r.registration->seconds));
    Put(o, "created_ministry", Bool(r.registration->created_ministry));
    PutStrings(o, "created_dimensions", r.registration->created_dimensions);
  }
  {
    Struct* o = Child(&root, "history");
    Put(o, "seconds", Num(r.history_seconds));
    Put(o, "catch_up_seconds", Num(r.history_catch_up_seconds));
    auto* rounds = (*o->mutable_fields())["rounds"].mutable_list_value();
    for (const auto& h : r.history) PutRound(rounds->add_values()->mutable_struct_value(), h);
  }
  if (r.ingest) {
    Struct* o = Child(&root, "ingest");
    PutRound(Child(o, "round"), r.ingest->round);
    const double reports_per_second = r.ingest->round.reports_per_second();
    if (r.echo && r.echo->calls_per_second() > 0) {
      Put(o, "submit_fraction_of_echo", Num(reports_per_second / r.echo->calls_per_second()));
    }
    if (r.report_batch && r.report_batch->batches_per_second() > 0) {
      Put(o, "submit_fraction_of_report_batch",
          Num(reports_per_second / r.report_batch->batches_per_second()));
    }
    PutLatency(o, "freshness", r.ingest->freshness);
    Put(o, "freshness_resolution_ms", Num(r.ingest->freshness_resolution_ms));
    PutLatency(o, "freshness_probe", r.ingest->freshness_probe);
    Struct* q = Child(o, "queries");
    for (const auto& [name, l] : r.ingest->queries) PutLatency(q, name, l);
    Put(o, "query_errors", Num(r.ingest->query_errors));
    PutStrings(o, "query_error_samples", r.ingest->query_error_samples);
    Put(o, "wall_seconds", Num(r.ingest_wall_seconds));
    Put(o, "client_cpu_seconds", Num(r.ingest_client_cpu_seconds));
  }
  if (r.at_rest) {
    Struct* q = Child(&root, "queries_at_rest");
    for (const auto& [name, l] : *r.at_rest) PutLatency(q, name, l);
  }
  if (r.compile) {
    Struct* o = Child(&root, "compile_report");
    Put(o, "agency", Str(r.compile->agency));
    for (const auto& [format, l] : r.compile->latency) {
      Struct* f = Child(o, format);
      PutLatency(f, "latency", l);
      Put(f, "bytes", Num(r.compile->bytes.at(format)));
    }
  }
  if (r.rebuild) {
    Struct* o = Child(&root, "rebuild_aggregates");
    Put(o, "seconds", Num(r.rebuild->seconds));
    Put(o, "changes_replayed", Num(r.rebuild->changes_replayed));
    Put(o, "records", Num(r.rebuild->records));
    Put(o, "identical", Bool(r.rebuild->identical));
    Put(o, "swapped", Bool(r.rebuild->swapped));
    Put(o, "applied_sequence", Num(r.rebuild->applied_sequence));
  }
  if (r.server) {
    Struct* o = Child(&root, "server");
    const ServerFigures& f = *r.server;
    Put(o, "peak_rss_bytes", Num(f.peak_rss_bytes));
    Put(o, "disk_allocated_bytes", Num(f.disk.allocated_bytes));
    Put(o, "disk_file_bytes", Num(f.disk.file_bytes));
    Struct* by = Child(o, "disk_allocated_by_service");
    for (const auto& [entry, bytes] : f.disk.allocated_by_entry) Put(by, entry, Num(bytes));
    Put(o, "stored_values", Num(f.stored_values));
    Put(o, "bytes_per_stored_value",
        Num(f.stored_values > 0 ? static_cast<double>(f.disk.allocated_bytes) / f.stored_values
                                : 0));
    Put(o, "first_start_seconds", Num(f.first_start_seconds));
    Put(o, "shutdown_seconds", Num(f.shutdown_seconds));
    Put(o, "restart_listen_seconds", Num(f.restart_listen_seconds));
    Put(o, "restart_serve_seconds", Num(f.restart_serve_seconds));
    Put(o, "rss_after_restart_bytes", Num(f.rss_after_restart_bytes));
    Put(o, "ingest_cpu_seconds", Num(f.ingest_cpu_seconds));
  }
  {
    auto* list = (*root.mutable_fields())["targets"].mutable_list_value();
    for (const Target& t : Targets(r)) {
      Struct* o = list->add_values()->mutable_struct_value();
      Put(o, "name", Str(t.name));
      Put(o, "goal", Str(t.goal));
      Put(o, "measured", Str(t.measured));
      if (t.met) {
        Put(o, "value", Num(t.value));
        Put(o, "met", Bool(*t.met));
      }
    }
  }
  if (r.verify) PutVerify(&root, "verification", *r.verify);
  if (r.verify_after_rebuild) {
    PutVerify(&root, "verification_after_rebuild", *r.verify_after_rebuild);
  }
  if (r.verify_after_restart) {
    PutVerify(&root, "verification_after_restart", *r.verify_after_restart);
  }
  PutStrings(&root, "errors", r.errors);
  Put(&root, "total_seconds", Num(r.total_seconds));
  Put(&root, "ok", Bool(r.ok()));

  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(root, &json, options);
  return json;
}

}  // namespace tonghop::loadgen
