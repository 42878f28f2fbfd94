#include "clients/loadgen/reporting_day.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/loadgen/limits.h"
#include "clients/loadgen/registration.h"
#include "clients/loadgen/results.h"
#include "clients/loadgen/rpc.h"
#include "clients/loadgen/server_process.h"
#include "clients/loadgen/work_dir.h"
#include "clients/loadgen/workload.h"
#include "services/common/status_macros.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop::loadgen {
namespace {

// A reporter's SubmitRequest for the current year, and the Report the
// server stores and answers with after it (the request's content plus the
// task titles and the fields the server fills in).
struct SampleSubmission {
  v1::SubmitRequest request;
  v1::Report stored;
};

// The submissions of a sample of reporters spread over the country.
std::vector<SampleSubmission> SampleSubmissions(const World& world) {
  std::map<std::string, std::string> titles;
  for (const auto& t : world.tasks()) titles[t.name()] = t.title();
  std::vector<SampleSubmission> samples;
  int n = std::min<int>(20, static_cast<int>(world.reporters().size()));
  for (int i = 0; i < n; ++i) {
    int r = i * static_cast<int>(world.reporters().size()) / n;
    SampleSubmission sample;
    v1::SubmitRequest& request = sample.request;
    *request.mutable_report() = world.BuildReport(r, world.current_year());
    request.set_name(request.report().name());
    request.set_request_id("00000000-0000-4000-8000-000000000000");
    v1::Report& answer = sample.stored;
    answer = request.report();
    for (auto& p : *answer.mutable_progress()) {
      p.set_title(titles[p.task()]);
      p.set_lead(true);
    }
    answer.set_agency(world.reporters()[r].agency);
    answer.set_plan(world.plan().name());
    answer.set_period(World::PeriodOf(world.current_year()));
    answer.set_state(v1::REPORT_STATE_SUBMITTED);
    answer.set_revision(1);
    answer.set_submitted_by(world.reporters()[r].agency);
    answer.set_on_time(true);
    answer.mutable_submit_time()->set_seconds(1'790'000'000);
    answer.mutable_submit_time()->set_nanos(123'456'789);
    *answer.mutable_first_submit_time() = answer.submit_time();
    *answer.mutable_due_time() = answer.submit_time();
    answer.set_etag("0123456789abcdef");
    samples.push_back(std::move(sample));
  }
  return samples;
}

// Average serialized sizes of the samples' SubmitRequests and answers.
std::pair<int, int> MessageSizes(const std::vector<SampleSubmission>& samples) {
  int64_t up = 0, down = 0;
  for (const SampleSubmission& sample : samples) {
    up += static_cast<int64_t>(sample.request.ByteSizeLong());
    down += static_cast<int64_t>(sample.stored.ByteSizeLong());
  }
  const int64_t n = std::max<int64_t>(1, static_cast<int64_t>(samples.size()));
  return {static_cast<int>(up / n), static_cast<int>(down / n)};
}

// The national roll-up answering at `sequence` is what "serving on the
// full data set" means after a restart. Polls: the new process has no other
// way of saying it is ready.
absl::StatusOr<absl::Time> WaitUntilServing(const std::string& address, const World& world,
                                            int64_t sequence, absl::Duration timeout) {
  auto stub = v1::Aggregation::NewStub(NewDedicatedChannel(address));
  const absl::Time deadline = absl::Now() + timeout;
  std::string last_error;
  while (absl::Now() < deadline) {
    v1::RollupRequest request;
    request.set_plan(world.plan().name());
    request.set_period(World::PeriodOf(world.current_year()));
    request.set_agency(std::string(World::kMinistry));
    request.set_min_sequence(sequence);
    v1::RollupResponse response;
    grpc::Status status =
        stub->Rollup(CallAs(std::string(World::kMinistry), absl::Seconds(5)).get(), request,
                     &response);
    if (status.ok() && response.applied_sequence() >= sequence) return absl::Now();
    last_error = status.ok() ? "behind" : status.error_message();
    absl::SleepFor(absl::Milliseconds(5));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("the restarted server did not serve the national roll-up at sequence ",
                   sequence, ": ", last_error));
}

// One run, step by step. A step that returns an error ends the run (its
// figures so far are still printed); the others record their errors in the
// results and the run goes on.
class ReportingDay {
 public:
  ReportingDay(const ReportingDayOptions& options, WorkDir work_dir)
      : options_(options),
        log_(options.log ? options.log : [](const std::string&) {}),
        work_dir_(std::move(work_dir)),
        data_dir_(work_dir_.Entry("data")),
        log_path_(work_dir_.Entry("tonghopd.log")) {}

  int Run() {
    const absl::Time run_start = absl::Now();
    results_.machine = DescribeMachine(work_dir_.path());
    log_(absl::StrCat("generating scale ", options_.scale.name, " with ", options_.years,
                      " past years"));
    world_.emplace(World::Generate(options_.scale, options_.plan_id, options_.current_year,
                                   options_.years, options_.seed));
    Describe();
    absl::Status ended = RunSteps();
    if (!ended.ok()) {
      results_.errors.push_back(std::string(ended.message()));
      log_(absl::StrCat("FAILED ", ended.message()));
    } else {
      log_("done");
    }
    results_.machine.load_at_end = LoadAverage();
    results_.total_seconds = absl::ToDoubleSeconds(absl::Now() - run_start);
    Report();
    return ended.ok() && results_.ok() ? 0 : 1;
  }

 private:
  // What the run is about: the generated country, message sizes, the
  // national totals expected.
  void Describe() {
    const World& world = *world_;
    results_.scale = options_.scale;
    results_.plan = world.plan().name();
    results_.current_year = options_.current_year;
    results_.history_years = options_.years;
    results_.concurrency = options_.concurrency;
    results_.reviewers = options_.reviewers;
    results_.reporters = static_cast<int>(world.reporters().size());
    results_.values_per_report = world.ValuesPerReport();
    samples_ = SampleSubmissions(world);
    std::tie(results_.request_bytes, results_.response_bytes) = MessageSizes(samples_);
    for (const auto& [indicator, cells] : world.Expected(options_.current_year, -1)) {
      results_.expected_national_totals[indicator] = cells.at("");
    }
  }

  absl::Status RunSteps() {
    if (options_.limits) RETURN_IF_ERROR(MeasureLimits());
    RETURN_IF_ERROR(StartServer());
    RETURN_IF_ERROR(Register());
    WorkloadOptions workload_options;
    workload_options.address = address_;
    workload_options.aggregation_address = options_.spawn ? "" : options_.aggregation_server;
    workload_options.concurrency = options_.concurrency;
    workload_options.reviewers = options_.reviewers;
    workload_options.dashboard = options_.dashboard;
    workload_options.log = log_;
    Workload workload(*world_, workload_options);
    // A spawned server's feed starts empty.
    if (absl::Status s = workload.StartFeedWatcher(options_.spawn ? std::optional<int64_t>(0)
                                                                  : std::nullopt);
        !s.ok()) {
      return Step("feed watcher", s);
    }
    RETURN_IF_ERROR(LoadHistory(workload));
    RETURN_IF_ERROR(Ingest(workload));
    QueriesAtRest(workload);
    const int64_t final_sequence = workload.feed_sequence();
    workload.StopFeedWatcher();
    if (server_ != nullptr) RestartAndMeasure(workload, final_sequence);
    return absl::OkStatus();
  }

  // `status` with the step's name in front.
  static absl::Status Step(absl::string_view step, const absl::Status& status) {
    return status.ok() ? status
                       : absl::Status(status.code(), absl::StrCat(step, ": ", status.message()));
  }
  // 1. Limits, right before the load, on the disk the data will be on.
  absl::Status MeasureLimits() {
    const absl::Duration min_time = absl::Seconds(options_.limit_seconds);
    const int64_t round_values =
        static_cast<int64_t>(results_.reporters) * results_.values_per_report;
    log_("measuring the RocksDB synced WriteBatch limit (1 writer)");
    auto single = MeasureRocksDbLimit(work_dir_.Entry("limit-rocksdb-1"), 1,
                                      results_.values_per_report, round_values, min_time);
    if (!single.ok()) return Step("RocksDB limit", single.status());
    results_.rocksdb_single = *single;
    log_(absl::StrCat("measuring the RocksDB synced WriteBatch limit (", options_.concurrency,
                      " writers)"));
    auto concurrent = MeasureRocksDbLimit(work_dir_.Entry("limit-rocksdb-n"),
                                          options_.concurrency, results_.values_per_report,
                                          round_values, min_time);
    if (!concurrent.ok()) return Step("RocksDB limit", concurrent.status());
    results_.rocksdb_concurrent = *concurrent;
    log_(absl::StrCat("measuring the RocksDB synced report-sized WriteBatch limit (",
                      options_.concurrency, " writers)"));
    std::vector<v1::Report> stored_reports;
    for (const SampleSubmission& sample : samples_) stored_reports.push_back(sample.stored);
    auto report_batch =
        MeasureReportBatchLimit(work_dir_.Entry("limit-rocksdb-report"), options_.concurrency,
                                stored_reports, results_.reporters, min_time);
    if (!report_batch.ok()) return Step("RocksDB report-batch limit", report_batch.status());
    results_.report_batch = *report_batch;
    log_(absl::StrCat("measuring bare gRPC echo (", options_.concurrency, " threads)"));
    auto echo = MeasureEchoLimit(options_.concurrency, results_.request_bytes,
                                 results_.response_bytes, results_.reporters, min_time);
    if (!echo.ok()) return Step("gRPC echo limit", echo.status());
    results_.echo = *echo;
    return absl::OkStatus();
  }

  // 2. The server.
  absl::Status StartServer() {
    address_ = options_.server;
    if (!options_.spawn) {
      results_.server_mode = absl::StrCat("running tonghopd at ", address_);
      return absl::OkStatus();
    }
    log_(absl::StrCat("starting ", options_.tonghopd, " on ", data_dir_));
    auto started =
        TonghopdProcess::Start(options_.tonghopd, data_dir_, log_path_, absl::Seconds(60));
    if (!started.ok()) return Step("start tonghopd", started.status());
    server_ = *std::move(started);
    address_ = server_->address();
    figures_.first_start_seconds = absl::ToDoubleSeconds(server_->time_to_listen());
    results_.server_mode =
        absl::StrCat("spawned tonghopd at ", address_, " (log ", log_path_, ")");
    return absl::OkStatus();
  }

  // 3. Registration.
  absl::Status Register() {
    const World& world = *world_;
    RegistrationOptions registration;
    registration.address = address_;
    registration.concurrency = options_.concurrency;
    registration.dimensions_file = options_.dimensions_file;
    const size_t dissolved = world.dissolved_provinces().size() + world.dissolved_units().size();
    log_(absl::StrCat("registering ", world.provinces().size() + world.units().size() + dissolved,
                      " agencies (", dissolved, " of them dissolved on 30/06/2025), ",
                      world.indicators().size(), " indicators and ",
                      world.tasks().size(), " tasks"));
    auto registered = RegisterWorld(world, registration);
    if (!registered.ok()) return Step("registration", registered.status());
    results_.registration = *registered;
    return absl::OkStatus();
  }

  // 4. History, oldest first.
  absl::Status LoadHistory(Workload& workload) {
    const absl::Time history_start = absl::Now();
    for (int year = world_->first_year(); year < options_.current_year; ++year) {
      log_(absl::StrCat("loading ", year, ": ", world_->ReportersOf(year).size(), " reports on ",
                        World::IsHistorical(year) ? "the historical" : "today's", " hierarchy"));
      auto round = workload.LoadYear(year);
      if (!round.ok()) return Step(absl::StrCat("history ", year), round.status());
      results_.history.push_back(*round);
      stored_values_ += round->accepted_values;
      loaded_years_.push_back(year);
      if (round->errors > 0) {
        results_.errors.push_back(absl::StrCat("history ", year, ": ", round->errors, " errors"));
      }
    }
    if (!results_.history.empty()) {
      log_("waiting for the roll-ups to apply the history");
      auto waited = workload.WaitForAllApplied(absl::Hours(6));
      if (!waited.ok()) return Step("history catch-up", waited.status());
      results_.history_catch_up_seconds = *waited;
    }
    results_.history_seconds = absl::ToDoubleSeconds(absl::Now() - history_start);
    return absl::OkStatus();
  }

  // 5. The reporting day.
  absl::Status Ingest(Workload& workload) {
    log_(absl::StrCat("reporting day ", options_.current_year, ": ", results_.reporters,
                      " agencies submit, focal agencies accept, the dashboard reads"));
    const double client_cpu_before = OwnCpuSeconds();
    const double server_cpu_before = server_ ? server_->CpuSeconds().value_or(0) : 0;
    const absl::Time ingest_start = absl::Now();
    auto ingest = workload.Ingest(options_.current_year);
    results_.ingest_wall_seconds = absl::ToDoubleSeconds(absl::Now() - ingest_start);
    results_.ingest_client_cpu_seconds = OwnCpuSeconds() - client_cpu_before;
    if (server_) {
      figures_.ingest_cpu_seconds = server_->CpuSeconds().value_or(0) - server_cpu_before;
    }
    if (!ingest.ok()) return Step("ingest", ingest.status());
    results_.ingest = *ingest;
    stored_values_ += ingest->round.accepted_values;
    loaded_years_.push_back(options_.current_year);
    log_(absl::StrCat("submitted ", ingest->round.submitted, ", accepted ",
                      ingest->round.accepted, ", errors ", ingest->round.errors));
    return absl::OkStatus();
  }

  // 6. At rest: the dashboard alone, a province's compiled report, then what
  // the server holds, before and after a rebuild.
  void QueriesAtRest(Workload& workload) {
    log_("queries at rest");
    auto at_rest = workload.QueriesAtRest(options_.at_rest_rounds);
    if (!at_rest.ok()) {
      results_.errors.push_back(absl::StrCat("queries at rest: ", at_rest.status().message()));
    } else {
      results_.at_rest = *at_rest;
    }
    log_("CompileReport");
    auto compiled = workload.Compile(0, options_.current_year, options_.compile_repetitions);
    if (!compiled.ok()) {
      results_.errors.push_back(absl::StrCat("CompileReport: ", compiled.status().message()));
    } else {
      results_.compile = *compiled;
    }
    if (options_.verify) {
      log_("verifying what the server holds");
      results_.verify = workload.Verify(loaded_years_);
    }
    if (options_.rebuild) {
      log_("RebuildAggregates");
      auto rebuilt = workload.Rebuild();
      if (!rebuilt.ok()) {
        results_.errors.push_back(
            absl::StrCat("RebuildAggregates: ", rebuilt.status().message()));
      } else {
        results_.rebuild = *rebuilt;
        if (options_.verify) results_.verify_after_rebuild = workload.Verify(loaded_years_);
      }
    }
  }

  // 7. What only a spawned server shows: memory, disk, restart.
  void RestartAndMeasure(Workload& workload, int64_t final_sequence) {
    auto peak = server_->PeakRssBytes();
    if (peak.ok()) figures_.peak_rss_bytes = *peak;
    log_("stopping tonghopd");
    auto stopped = server_->Terminate(absl::Seconds(60));
    if (!stopped.ok()) {
      results_.errors.push_back(absl::StrCat("shutdown: ", stopped.status().message()));
    } else {
      figures_.shutdown_seconds = absl::ToDoubleSeconds(*stopped);
    }
    figures_.disk = MeasureDisk(data_dir_);
    figures_.stored_values = stored_values_;
    log_("restarting tonghopd on the full data set");
    auto restarted =
        TonghopdProcess::Start(options_.tonghopd, data_dir_, log_path_, absl::Seconds(300));
    if (!restarted.ok()) {
      results_.errors.push_back(absl::StrCat("restart: ", restarted.status().message()));
      results_.server = figures_;
      return;
    }
    server_ = *std::move(restarted);
    figures_.restart_listen_seconds = absl::ToDoubleSeconds(server_->time_to_listen());
    auto serving =
        WaitUntilServing(server_->address(), *world_, final_sequence, absl::Seconds(300));
    if (!serving.ok()) {
      results_.errors.push_back(absl::StrCat("restart: ", serving.status().message()));
    } else {
      figures_.restart_serve_seconds = absl::ToDoubleSeconds(*serving - server_->started_at());
      auto rss = server_->RssBytes();
      if (rss.ok()) figures_.rss_after_restart_bytes = *rss;
      if (options_.verify) {
        workload.SetAddress(server_->address(), "");
        results_.verify_after_restart = workload.Verify(loaded_years_);
      }
    }
    auto peak_again = server_->PeakRssBytes();
    if (peak_again.ok()) figures_.peak_rss_bytes = std::max(figures_.peak_rss_bytes, *peak_again);
    auto stopped_again = server_->Terminate(absl::Seconds(60));
    if (!stopped_again.ok()) {
      results_.errors.push_back(
          absl::StrCat("second shutdown: ", stopped_again.status().message()));
    }
    results_.server = figures_;
  }

  // The summary, the JSON, and the working directory's cleaning.
  void Report() {
    PrintSummary(results_, std::cout);
    if (!options_.json_out.empty()) {
      std::ofstream out(options_.json_out);
      out << ToJson(results_) << "\n";
      if (!out) std::cerr << "tonghop-loadgen: cannot write " << options_.json_out << "\n";
    }
    if (options_.keep_work_dir) {
      log_(absl::StrCat("kept ", work_dir_.path()));
    } else {
      work_dir_.Clean();
    }
  }

  const ReportingDayOptions& options_;
  const std::function<void(const std::string&)> log_;
  const WorkDir work_dir_;
  const std::string data_dir_;
  const std::string log_path_;
  std::optional<World> world_;
  std::vector<SampleSubmission> samples_;
  RunResults results_;
  ServerFigures figures_;
  std::unique_ptr<TonghopdProcess> server_;
  std::string address_;
  int64_t stored_values_ = 0;
  std::vector<int> loaded_years_;
};

}  // namespace

int RunReportingDay(const ReportingDayOptions& options) {
  absl::StatusOr<WorkDir> work_dir = WorkDir::Prepare(options.work_dir);
  if (!work_dir.ok()) {
    std::cerr << "tonghop-loadgen: " << work_dir.status().message() << "\n";
    return 1;
  }
  return ReportingDay(options, *std::move(work_dir)).Run();
}

}  // namespace tonghop::loadgen
