#include "clients/loadgen/workload.h"

#include <algorithm>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "clients/client/connection.h"
#include "clients/loadgen/feed_watcher.h"
#include "clients/loadgen/rpc.h"
#include "services/common/status_macros.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::loadgen {
namespace {

using AggregationStub = v1::Aggregation::Stub;
using SubmissionsStub = v1::Submissions::Stub;

constexpr int kMaxErrorSamples = 10;
constexpr int kAttempts = 3;

// Counts errors and keeps the first few messages. Thread-safe.
class ErrorLog {
 public:
  void Add(const std::string& message) {
    absl::MutexLock lock(&mu_);
    ++count_;
    if (static_cast<int>(samples_.size()) < kMaxErrorSamples) samples_.push_back(message);
  }
  int64_t count() const {
    absl::MutexLock lock(&mu_);
    return count_;
  }
  std::vector<std::string> samples() const {
    absl::MutexLock lock(&mu_);
    return samples_;
  }

 private:
  mutable absl::Mutex mu_;
  int64_t count_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> samples_ ABSL_GUARDED_BY(mu_);
};

std::string Describe(const grpc::Status& status, absl::string_view what) {
  return absl::StrCat(what, ": code ", static_cast<int>(status.error_code()), ": ",
                      status.error_message());
}

bool Retryable(const grpc::Status& status) {
  // Mutations carry a request id, so a retry after a lost answer applies once.
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
         status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

// A report submitted and waiting for its reviewer.
struct ReviewItem {
  std::string name;
  std::string reviewer;
  int values = 0;
};

// Submitted reports waiting for review. Thread-safe.
class ReviewQueue {
 public:
  void Push(ReviewItem item) {
    absl::MutexLock lock(&mu_);
    items_.push_back(std::move(item));
  }
  // No more items will be pushed.
  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  // The next item; nullopt once closed and drained.
  std::optional<ReviewItem> Pop() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](ReviewQueue* q) ABSL_EXCLUSIVE_LOCKS_REQUIRED(q->mu_) {
          return q->closed_ || q->next_ < q->items_.size();
        },
        this));
    if (next_ >= items_.size()) return std::nullopt;
    return std::move(items_[next_++]);
  }

 private:
  absl::Mutex mu_;
  std::vector<ReviewItem> items_ ABSL_GUARDED_BY(mu_);
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

// The latest of several times, from many threads.
class LatestTime {
 public:
  void Update(absl::Time t) {
    absl::MutexLock lock(&mu_);
    if (t > latest_) latest_ = t;
  }
  absl::Time Get() const {
    absl::MutexLock lock(&mu_);
    return latest_;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time latest_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// The dashboard's queries, by index.
// "completeness" is the national list of every reporter;
// "completeness_counts" its counts only, what the national overview asks.
constexpr const char* kQueryNames[] = {"national_rollup", "province_rollup", "completeness",
                                       "completeness_counts", "trend"};
constexpr int kQueryCount = 5;

// What a dashboard query answered: its status and the change-feed
// position the answer reflects.
struct QueryAnswer {
  grpc::Status status;
  int64_t applied_sequence = 0;
};

// Runs dashboard query `query` (the k-th time).
QueryAnswer RunQuery(AggregationStub& stub, const World& world, int query, int k,
                     absl::Duration timeout) {
  const std::string period = World::PeriodOf(world.current_year());
  QueryAnswer answer;
  switch (query) {
    case 0:
    case 1: {
      v1::RollupRequest request;
      request.set_plan(world.plan().name());
      request.set_period(period);
      request.set_agency(query == 0 ? MinistryName()
                                    : world.provinces()[k % world.provinces().size()].name());
      v1::RollupResponse response;
      answer.status = stub.Rollup(CallAs(MinistryName(), timeout).get(), request, &response);
      answer.applied_sequence = response.applied_sequence();
      break;
    }
    case 2:
    case 3: {
      v1::CompletenessRequest request;
      request.set_plan(world.plan().name());
      request.set_period(period);
      request.set_agency(MinistryName());
      if (query == 3) request.set_view(v1::COMPLETENESS_VIEW_BASIC);
      v1::CompletenessResponse response;
      answer.status = stub.Completeness(CallAs(MinistryName(), timeout).get(), request, &response);
      answer.applied_sequence = response.applied_sequence();
      break;
    }
    default: {
      v1::TrendRequest request;
      request.set_agency(MinistryName());
      request.set_indicator(world.indicators()[0].name());
      request.add_plans(world.plan().name());
      v1::TrendResponse response;
      answer.status = stub.Trend(CallAs(MinistryName(), timeout).get(), request, &response);
      answer.applied_sequence = response.applied_sequence();
      break;
    }
  }
  return answer;
}


}  // namespace

// Freshness: accepts acknowledged and their change-feed sequences, matched
// by report name; and every observation of the aggregation's applied
// position (any answer of the dashboard or the prober carries it). An
// accept is visible from the first observation after its acknowledgement
// whose applied position has reached its sequence. The prober also asks for
// the newest matched accept explicitly (Rollup with min_sequence).
// Thread-safe.
class Workload::Freshness {
 public:
  void SetEnabled(bool enabled) {
    absl::MutexLock lock(&mu_);
    enabled_ = enabled;
    acks_.clear();
    sequences_.clear();
    latest_.reset();
    matched_.clear();
    observations_.clear();
  }
  void OnAccepted(const std::string& name, absl::Time ack) {
    absl::MutexLock lock(&mu_);
    if (!enabled_) return;
    auto it = sequences_.find(name);
    if (it == sequences_.end()) {
      acks_[name] = ack;
      return;
    }
    Match(it->second, ack);
    sequences_.erase(it);
  }
  void OnChange(const std::string& name, int64_t sequence) {
    absl::MutexLock lock(&mu_);
    if (!enabled_) return;
    auto it = acks_.find(name);
    if (it == acks_.end()) {
      sequences_[name] = sequence;
      return;
    }
    Match(sequence, it->second);
    acks_.erase(it);
  }
  void Observe(absl::Time when, int64_t applied) {
    absl::MutexLock lock(&mu_);
    if (enabled_) observations_.emplace_back(when, applied);
  }
  // The newest matched accept not probed yet (older ones are skipped: the
  // prober measures one at a time), waiting up to `wait` for one.
  std::optional<std::pair<int64_t, absl::Time>> TakeLatest(absl::Duration wait) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(
                             +[](std::optional<std::pair<int64_t, absl::Time>>* latest) {
                               return latest->has_value();
                             },
                             &latest_),
                         wait);
    auto taken = latest_;
    latest_.reset();
    return taken;
  }
  // For every matched accept, milliseconds from its acknowledgement to the
  // first observation showing it; accepts never observed are left out.
  // Also the median gap between observations, the resolution of the figure.
  std::pair<std::vector<double>, double> Compute() {
    absl::MutexLock lock(&mu_);
    std::vector<std::pair<absl::Time, int64_t>> seen = observations_;
    std::sort(seen.begin(), seen.end());
    // From the end, the highest position observed at or after each time:
    // answers can arrive slightly out of order.
    std::vector<int64_t> best_after(seen.size() + 1, -1);
    for (size_t i = seen.size(); i-- > 0;) {
      best_after[i] = std::max(best_after[i + 1], seen[i].second);
    }
    std::vector<double> samples;
    for (const auto& [sequence, ack] : matched_) {
      // First observation at or after the acknowledgement…
      size_t lo = std::lower_bound(seen.begin(), seen.end(), std::make_pair(ack, int64_t{-1})) -
                  seen.begin();
      if (best_after[lo] < sequence) continue;
      // …then the first from there that has applied the accept.
      for (size_t i = lo; i < seen.size(); ++i) {
        if (seen[i].second >= sequence) {
          samples.push_back(absl::ToDoubleMilliseconds(seen[i].first - ack));
          break;
        }
      }
    }
    std::vector<double> gaps;
    for (size_t i = 1; i < seen.size(); ++i) {
      gaps.push_back(absl::ToDoubleMilliseconds(seen[i].first - seen[i - 1].first));
    }
    double resolution = gaps.empty() ? 0 : Summarize(gaps).p50_ms;
    return {std::move(samples), resolution};
  }

 private:
  void Match(int64_t sequence, absl::Time ack) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    matched_.emplace_back(sequence, ack);
    if (!latest_ || latest_->first < sequence) latest_ = std::make_pair(sequence, ack);
  }

  absl::Mutex mu_;
  bool enabled_ ABSL_GUARDED_BY(mu_) = false;
  std::unordered_map<std::string, absl::Time> acks_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, int64_t> sequences_ ABSL_GUARDED_BY(mu_);
  std::optional<std::pair<int64_t, absl::Time>> latest_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<int64_t, absl::Time>> matched_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<absl::Time, int64_t>> observations_ ABSL_GUARDED_BY(mu_);
};

Workload::Workload(const World& world, WorkloadOptions options)
    : world_(world), options_(std::move(options)), freshness_(std::make_unique<Freshness>()) {}

Workload::~Workload() { StopFeedWatcher(); }

void Workload::SetAddress(std::string address, std::string aggregation_address) {
  options_.address = std::move(address);
  options_.aggregation_address = std::move(aggregation_address);
}

const std::string& Workload::AggregationAddress() const {
  return options_.aggregation_address.empty() ? options_.address
                                              : options_.aggregation_address;
}

absl::Status Workload::StartFeedWatcher(std::optional<int64_t> after) {
  if (!after) {
    // Every change of this run comes after what the aggregation has applied
    // now; starting there avoids replaying the whole feed. The aggregation
    // reads the registry through a cache, so an agency registered a moment
    // ago may be unknown to it for a while: ask again until it is known.
    auto stub = v1::Aggregation::NewStub(NewDedicatedChannel(AggregationAddress()));
    const absl::Time deadline = absl::Now() + absl::Seconds(90);
    while (true) {
      v1::RollupRequest request;
      request.set_plan(world_.plan().name());
      request.set_period(World::PeriodOf(world_.current_year()));
      request.set_agency(MinistryName());
      request.add_indicators(world_.indicators()[0].name());
      v1::RollupResponse response;
      grpc::Status status = stub->Rollup(CallAs(MinistryName()).get(), request, &response);
      if (status.ok()) {
        after = response.applied_sequence();
        break;
      }
      if (status.error_code() != grpc::StatusCode::NOT_FOUND || absl::Now() > deadline) {
        return FromGrpc(status, "national roll-up before the load");
      }
      absl::SleepFor(absl::Milliseconds(500));
    }
  }
  watcher_ = std::make_unique<FeedWatcher>(
      options_.address, world_.plan().name(), *after,
      [freshness = freshness_.get()](const std::string& report, int64_t sequence) {
        freshness->OnChange(report, sequence);
      });
  watcher_->Start();
  return absl::OkStatus();
}

void Workload::StopFeedWatcher() {
  if (!watcher_) return;
  watcher_->Stop();
  last_sequence_ = watcher_->plan_sequence();
  watcher_.reset();
}

int64_t Workload::feed_sequence() const {
  return watcher_ ? watcher_->plan_sequence() : last_sequence_;
}

absl::StatusOr<int64_t> Workload::WaitForApplied(int64_t sequence, absl::Duration timeout) {
  auto stub = v1::Aggregation::NewStub(NewDedicatedChannel(AggregationAddress()));
  v1::RollupRequest request;
  request.set_plan(world_.plan().name());
  request.set_period(World::PeriodOf(world_.current_year()));
  request.set_agency(MinistryName());
  request.add_indicators(world_.indicators()[0].name());
  request.set_min_sequence(sequence);
  v1::RollupResponse response;
  RETURN_IF_ERROR(FromGrpc(stub->Rollup(CallAs(MinistryName(), timeout).get(), request, &response),
                           absl::StrCat("national roll-up at sequence ", sequence)));
  if (response.applied_sequence() < sequence) {
    return absl::InternalError(absl::StrCat("the roll-up answered at sequence ",
                                            response.applied_sequence(), " although ",
                                            sequence, " was asked for"));
  }
  return response.applied_sequence();
}

absl::StatusOr<RoundResult> Workload::LoadYear(int year) {
  return RunRound(year, /*with_dashboard=*/false, nullptr);
}

absl::StatusOr<double> Workload::WaitForAllApplied(absl::Duration timeout) {
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(int64_t sequence, watcher_->WaitForChanges(changes_made_.load(), timeout));
  RETURN_IF_ERROR(WaitForApplied(sequence, timeout).status());
  return absl::ToDoubleSeconds(absl::Now() - start);
}

absl::StatusOr<IngestResult> Workload::Ingest(int year) {
  IngestResult ingest;
  ASSIGN_OR_RETURN(ingest.round, RunRound(year, options_.dashboard, &ingest));
  return ingest;
}

absl::StatusOr<RoundResult> Workload::RunRound(int year, bool with_dashboard,
                                               IngestResult* ingest) {
  if (!watcher_) return absl::FailedPreconditionError("the feed watcher is not running");
  const std::vector<int> order = world_.InterleavedReporters(year);
  const int n = static_cast<int>(order.size());
  const absl::Duration timeout = options_.call_timeout;

  // Connect every client before the clock starts.
  auto connect = [&](int count, const std::string& address)
      -> absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> {
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    for (int i = 0; i < count; ++i) {
      auto channel = NewDedicatedChannel(address);
      if (!channel->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(10)))) {
        return absl::UnavailableError(absl::StrCat("cannot connect to ", address));
      }
      channels.push_back(std::move(channel));
    }
    return channels;
  };
  ASSIGN_OR_RETURN(auto submit_channels,
                   connect(std::max(1, options_.concurrency), options_.address));
  ASSIGN_OR_RETURN(auto review_channels,
                   connect(std::max(1, options_.reviewers), options_.address));

  RoundResult result;
  result.year = year;
  result.reporters = n;
  ReviewQueue queue;
  ErrorLog errors;
  LatencyRecorder submit_latency, accept_latency;
  std::atomic<int> next{0};
  std::atomic<int64_t> submitted{0}, accepted{0}, values{0}, accepted_values{0};
  LatestTime last_submit, last_accept;
  const std::string period = World::PeriodOf(year);

  // The dashboard and the freshness prober, during the current year only.
  std::atomic<bool> stop_dashboard{false};
  std::atomic<bool> stop_prober{false};
  std::map<std::string, std::unique_ptr<LatencyRecorder>> query_latency;
  for (const char* q : kQueryNames) query_latency[q] = std::make_unique<LatencyRecorder>();
  ErrorLog query_errors;
  LatencyRecorder probe;
  std::vector<std::thread> observers;
  if (with_dashboard) {
    freshness_->SetEnabled(true);
    ASSIGN_OR_RETURN(auto observer_channels, connect(2, AggregationAddress()));
    observers.emplace_back([&, channel = observer_channels[0]] {
      auto stub = v1::Aggregation::NewStub(channel);
      for (int k = 0; !stop_dashboard.load(); ++k) {
        int query = k % kQueryCount;
        absl::Time t0 = absl::Now();
        QueryAnswer answer = RunQuery(*stub, world_, query, k / kQueryCount, timeout);
        const grpc::Status& status = answer.status;
        if (status.ok()) {
          absl::Time t1 = absl::Now();
          query_latency[kQueryNames[query]]->Add(t1 - t0);
          freshness_->Observe(t1, answer.applied_sequence);
        } else {
          query_errors.Add(Describe(status, kQueryNames[query]));
          if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) return;
        }
      }
    });
    observers.emplace_back([&, channel = observer_channels[1]] {
      auto stub = v1::Aggregation::NewStub(channel);
      while (true) {
        auto sample = freshness_->TakeLatest(absl::Milliseconds(50));
        if (!sample) {
          if (stop_prober.load()) return;
          continue;
        }
        v1::RollupRequest request;
        request.set_plan(world_.plan().name());
        request.set_period(period);
        request.set_agency(MinistryName());
        request.set_min_sequence(sample->first);
        v1::RollupResponse response;
        grpc::Status status = stub->Rollup(CallAs(MinistryName(), timeout).get(), request, &response);
        absl::Time visible = absl::Now();
        if (status.ok()) freshness_->Observe(visible, response.applied_sequence());
        if (status.ok() && response.applied_sequence() >= sample->first) {
          probe.Add(visible - sample->second);
        } else if (!status.ok()) {
          query_errors.Add(Describe(status, "freshness roll-up"));
        }
      }
    });
  }

  const absl::Time start = absl::Now();
  std::vector<std::thread> submitters;
  for (size_t t = 0; t < submit_channels.size(); ++t) {
    submitters.emplace_back([&, channel = submit_channels[t]] {
      auto stub = v1::Submissions::NewStub(channel);
      while (true) {
        int i = next.fetch_add(1);
        if (i >= n) return;
        const int r = order[i];
        const Reporter& who = world_.ReportersOf(year)[r];
        v1::SubmitRequest request;
        *request.mutable_report() = world_.BuildReport(r, year);
        request.set_name(request.report().name());
        request.set_request_id(client::NewRequestId());
        const int report_values = request.report().values_size();
        v1::Report answer;
        grpc::Status status;
        for (int attempt = 0; attempt < kAttempts; ++attempt) {
          absl::Time t0 = absl::Now();
          status = stub->Submit(CallAs(who.agency, timeout).get(), request, &answer);
          absl::Time t1 = absl::Now();
          if (status.ok()) {
            submit_latency.Add(t1 - t0);
            last_submit.Update(t1);
            break;
          }
          if (!Retryable(status)) break;
        }
        if (!status.ok()) {
          errors.Add(Describe(status, absl::StrCat("submit ", request.name())));
          continue;
        }
        submitted.fetch_add(1);
        values.fetch_add(report_values);
        changes_made_.fetch_add(1);
        queue.Push(ReviewItem{request.name(), who.reviewer, report_values});
      }
    });
  }
  std::vector<std::thread> reviewers;
  for (size_t t = 0; t < review_channels.size(); ++t) {
    reviewers.emplace_back([&, channel = review_channels[t]] {
      auto stub = v1::Submissions::NewStub(channel);
      while (std::optional<ReviewItem> item = queue.Pop()) {
        v1::ReviewRequest request;
        request.set_name(item->name);
        request.set_decision(v1::REVIEW_DECISION_ACCEPT);
        request.set_request_id(client::NewRequestId());
        v1::Report answer;
        grpc::Status status;
        for (int attempt = 0; attempt < kAttempts; ++attempt) {
          absl::Time t0 = absl::Now();
          status = stub->Review(CallAs(item->reviewer, timeout).get(), request, &answer);
          absl::Time t1 = absl::Now();
          if (status.ok()) {
            accept_latency.Add(t1 - t0);
            last_accept.Update(t1);
            freshness_->OnAccepted(item->name, t1);
            break;
          }
          if (!Retryable(status)) break;
        }
        if (!status.ok()) {
          errors.Add(Describe(status, absl::StrCat("accept ", item->name)));
          continue;
        }
        accepted.fetch_add(1);
        accepted_values.fetch_add(item->values);
        changes_made_.fetch_add(1);
      }
    });
  }
  // Progress for people watching a long run.
  absl::Mutex progress_mu;
  bool round_done = false;
  std::thread progress([&] {
    if (!options_.log) return;
    absl::MutexLock lock(&progress_mu);
    while (!progress_mu.AwaitWithTimeout(absl::Condition(&round_done), absl::Seconds(10))) {
      options_.log(absl::StrCat(period, ": submitted ", submitted.load(), "/", n, ", accepted ",
                                accepted.load(), ", errors ", errors.count()));
    }
  });
  for (std::thread& t : submitters) t.join();
  queue.Close();
  for (std::thread& t : reviewers) t.join();
  stop_dashboard.store(true);
  {
    absl::MutexLock lock(&progress_mu);
    round_done = true;
  }
  progress.join();

  result.submitted = submitted.load();
  result.accepted = accepted.load();
  result.values = values.load();
  result.accepted_values = accepted_values.load();
  result.errors = errors.count();
  result.error_samples = errors.samples();
  result.submit_latency = submit_latency.Summary();
  result.accept_latency = accept_latency.Summary();
  if (result.submitted > 0) {
    result.submit_seconds = absl::ToDoubleSeconds(last_submit.Get() - start);
  }
  if (result.accepted > 0) {
    result.round_seconds = absl::ToDoubleSeconds(last_accept.Get() - start);
  }

  // Every change of the round must reach the feed, then the roll-ups.
  absl::StatusOr<int64_t> sequence =
      watcher_->WaitForChanges(changes_made_.load(), absl::Seconds(120));
  stop_prober.store(true);
  for (std::thread& t : observers) t.join();
  if (!sequence.ok()) {
    freshness_->SetEnabled(false);
    return sequence.status();
  }
  result.feed_sequence = *sequence;
  if (!with_dashboard) {
    // History: the roll-ups catch up while the next year loads.
    freshness_->SetEnabled(false);
    return result;
  }
  absl::StatusOr<int64_t> applied = WaitForApplied(result.feed_sequence, absl::Minutes(30));
  absl::Time caught_up = absl::Now();
  if (applied.ok()) freshness_->Observe(caught_up, *applied);
  auto [fresh, resolution] = freshness_->Compute();
  freshness_->SetEnabled(false);
  RETURN_IF_ERROR(applied.status());
  if (result.accepted > 0) {
    result.catch_up_seconds =
        std::max(0.0, absl::ToDoubleSeconds(caught_up - last_accept.Get()));
  }

  if (ingest) {
    for (const auto& [name, recorder] : query_latency) {
      ingest->queries[name] = recorder->Summary();
    }
    ingest->query_errors = query_errors.count();
    ingest->query_error_samples = query_errors.samples();
    ingest->freshness = Summarize(std::move(fresh));
    ingest->freshness_resolution_ms = resolution;
    ingest->freshness_probe = probe.Summary();
  }
  return result;
}

absl::StatusOr<QueryLatencies> Workload::QueriesAtRest(int rounds) {
  auto stub = v1::Aggregation::NewStub(NewDedicatedChannel(AggregationAddress()));
  std::map<std::string, std::vector<double>> samples;
  for (int k = 0; k < rounds; ++k) {
    for (int query = 0; query < kQueryCount; ++query) {
      absl::Time t0 = absl::Now();
      grpc::Status status = RunQuery(*stub, world_, query, k, options_.call_timeout).status;
      if (!status.ok()) {
        return FromGrpc(status, absl::StrCat(kQueryNames[query], " at rest"));
      }
      samples[kQueryNames[query]].push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    }
  }
  QueryLatencies result;
  for (auto& [name, values] : samples) result[name] = Summarize(std::move(values));
  return result;
}

absl::StatusOr<CompileResult> Workload::Compile(int province, int year, int repetitions) {
  auto stub = v1::Aggregation::NewStub(NewDedicatedChannel(AggregationAddress()));
  const v1::Agency& root = world_.provinces()[province];
  CompileResult result;
  result.agency = root.name();
  const std::pair<const char*, v1::ReportFormat> formats[] = {
      {"markdown", v1::REPORT_FORMAT_MARKDOWN},
      {"html", v1::REPORT_FORMAT_HTML},
      {"xlsx", v1::REPORT_FORMAT_XLSX},
      {"json", v1::REPORT_FORMAT_JSON}};
  for (const auto& [name, format] : formats) {
    std::vector<double> samples;
    for (int i = 0; i < repetitions; ++i) {
      v1::CompileReportRequest request;
      request.set_plan(world_.plan().name());
      request.set_period(World::PeriodOf(year));
      request.set_agency(root.name());
      request.set_format(format);
      v1::CompileReportResponse response;
      absl::Time t0 = absl::Now();
      RETURN_IF_ERROR(FromGrpc(
          stub->CompileReport(CallAs(root.focal_agency(), options_.call_timeout).get(), request,
                              &response),
          absl::StrCat("compile ", root.name(), " as ", name)));
      samples.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
      result.bytes[name] = static_cast<int64_t>(response.content().size());
    }
    result.latency[name] = Summarize(std::move(samples));
  }
  return result;
}

absl::StatusOr<RebuildResult> Workload::Rebuild() {
  auto stub = v1::Aggregation::NewStub(NewDedicatedChannel(AggregationAddress()));
  v1::RebuildAggregatesRequest request;
  v1::RebuildAggregatesResponse response;
  absl::Time t0 = absl::Now();
  RETURN_IF_ERROR(FromGrpc(
      stub->RebuildAggregates(CallAs(MinistryName(), absl::Hours(2)).get(), request, &response),
      "rebuild aggregates"));
  RebuildResult result;
  result.seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  result.changes_replayed = response.changes_replayed();
  result.records = response.records();
  result.identical = response.identical();
  result.swapped = response.swapped();
  result.applied_sequence = response.applied_sequence();
  return result;
}

VerifyResult Workload::Verify(const std::vector<int>& years) {
  return Verifier(world_, options_.address, AggregationAddress(), feed_sequence()).Run(years);
}

}  // namespace tonghop::loadgen
