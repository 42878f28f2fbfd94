#include "clients/loadgen/federation.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <thread>
#include <unordered_map>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "clients/client/connection.h"
#include "clients/loadgen/feed_watcher.h"
#include "clients/loadgen/registration.h"
#include "clients/loadgen/rpc.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/status_macros.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"
#include "tonghop/v1/federation_service.grpc.pb.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::loadgen {
namespace {

constexpr int kMaxErrorSamples = 10;
constexpr absl::Duration kCallTimeout = absl::Seconds(30);
constexpr absl::Duration kFirstRetryPause = absl::Milliseconds(50);
constexpr absl::Duration kMaxRetryPause = absl::Seconds(1);

bool ServerDown(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

// Makes calls again while their server is down (killed, restarting), for
// at most `retry_for` each, and counts the attempts made again. A call's
// request carries one request id for every attempt, so a call applied
// before its answer was lost applies once. Thread-safe.
class Retrier {
 public:
  explicit Retrier(absl::Duration retry_for) : retry_for_(retry_for) {}

  // Calls `call` until it succeeds, fails otherwise than for want of a
  // server, or the time is up; returns its last status.
  grpc::Status Call(const std::function<grpc::Status()>& call) {
    const absl::Time give_up = absl::Now() + retry_for_;
    absl::Duration pause = kFirstRetryPause;
    while (true) {
      grpc::Status status = call();
      if (status.ok() || !ServerDown(status) || absl::Now() + pause > give_up) return status;
      retries_.fetch_add(1);
      absl::SleepFor(pause);
      pause = std::min(pause * 2, kMaxRetryPause);
    }
  }
  int64_t retries() const { return retries_.load(); }

 private:
  const absl::Duration retry_for_;
  std::atomic<int64_t> retries_{0};
};

int64_t SumOfTotals(const ExpectedSums& sums) {
  int64_t total = 0;
  for (const auto& [indicator, cells] : sums) {
    auto it = cells.find("");
    if (it != cells.end()) total += it->second;
  }
  return total;
}

// Figures of `got` below / above `want`, over the keys of both.
std::pair<int64_t, int64_t> CompareSums(const ExpectedSums& got, const ExpectedSums& want) {
  int64_t below = 0, above = 0;
  auto visit = [&](const ExpectedSums& a, const ExpectedSums& b, bool a_is_got) {
    for (const auto& [indicator, cells] : a) {
      for (const auto& [cell, value] : cells) {
        auto bi = b.find(indicator);
        bool in_b = bi != b.end() && bi->second.count(cell);
        if (in_b && !a_is_got) continue;  // counted from the other side
        int64_t other = in_b ? bi->second.at(cell) : 0;
        int64_t g = a_is_got ? value : other;
        int64_t w = a_is_got ? other : value;
        if (g < w) ++below;
        if (g > w) ++above;
      }
    }
  };
  visit(got, want, true);
  visit(want, got, false);
  return {below, above};
}

// What the Ministry holds of one province, as polled.
struct Arrival {
  int64_t generation = 0;
  absl::Time arrive_time;
};

// Polls the Ministry's received figures of the national plan and period,
// keeping each province's sequence of held generations with their arrival
// times. Thread-safe.
class MinistryPoller {
 public:
  MinistryPoller(std::string address, std::string parent, absl::Duration interval)
      : address_(std::move(address)), parent_(std::move(parent)), interval_(interval) {}
  ~MinistryPoller() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }
  // Waits until the Ministry holds at least `generations[agency]` for
  // every agency.
  bool WaitFor(const std::map<std::string, int64_t>& generations, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      for (const auto& [agency, generation] : generations) {
        auto it = arrivals_.find(agency);
        const bool held = it != arrivals_.end() && it->second.back().generation >= generation;
        if (generation > 0 && !held) return false;
      }
      return true;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  // The first generation seen at or after `sequence` of `agency`.
  std::optional<Arrival> FirstAtLeast(const std::string& agency, int64_t sequence) const {
    absl::MutexLock lock(&mu_);
    auto it = arrivals_.find(agency);
    if (it == arrivals_.end()) return std::nullopt;
    for (const Arrival& a : it->second) {
      if (a.generation >= sequence) return a;
    }
    return std::nullopt;
  }
  int64_t polls() const {
    absl::MutexLock lock(&mu_);
    return polls_;
  }
  int64_t errors() const {
    absl::MutexLock lock(&mu_);
    return errors_;
  }
  double median_gap_ms() const {
    absl::MutexLock lock(&mu_);
    return Summarize(gaps_ms_).p50_ms;
  }

 private:
  void Run() {
    auto stub = v1::Federation::NewStub(NewDedicatedChannel(address_));
    absl::Time previous = absl::InfinitePast();
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) return;
      }
      v1::ListReceivedFiguresRequest request;
      request.set_parent(parent_);
      request.set_page_size(1000);
      std::vector<v1::ReceivedFigures> received;
      grpc::Status status;
      while (true) {
        v1::ListReceivedFiguresResponse response;
        status = stub->ListReceivedFigures(CallAs(MinistryName(), absl::Seconds(5)).get(), request,
                                           &response);
        if (!status.ok()) break;
        for (auto& r : *response.mutable_received_figures()) received.push_back(std::move(r));
        if (response.next_page_token().empty()) break;
        request.set_page_token(response.next_page_token());
      }
      const absl::Time now = absl::Now();
      absl::MutexLock lock(&mu_);
      if (!status.ok()) {
        ++errors_;
        continue;
      }
      ++polls_;
      if (previous != absl::InfinitePast()) {
        gaps_ms_.push_back(absl::ToDoubleMilliseconds(now - previous));
      }
      previous = now;
      for (const v1::ReceivedFigures& r : received) {
        std::vector<Arrival>& seen = arrivals_[r.agency()];
        if (!seen.empty() && seen.back().generation >= r.generation()) continue;
        seen.push_back(Arrival{
            r.generation(),
            absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(
                r.arrive_time()))});
      }
    }
  }

  const std::string address_;
  const std::string parent_;
  const absl::Duration interval_;
  std::thread thread_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, std::vector<Arrival>> arrivals_ ABSL_GUARDED_BY(mu_);
  std::vector<double> gaps_ms_ ABSL_GUARDED_BY(mu_);
  int64_t polls_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t errors_ ABSL_GUARDED_BY(mu_) = 0;
};

// Accepts acknowledged, and the sequences the provinces' feeds gave them.
// Thread-safe.
class AcceptLog {
 public:
  void Acknowledged(const std::string& report, int province, bool commune, absl::Time at) {
    absl::MutexLock lock(&mu_);
    acks_[report] = Ack{province, commune, at};
  }
  void Sequenced(const std::string& report, int64_t sequence) {
    absl::MutexLock lock(&mu_);
    // A restarted feed replays from its last position: the first is kept.
    sequences_.emplace(report, sequence);
  }
  struct Ack {
    int province = 0;
    bool commune = false;
    absl::Time at;
  };
  std::vector<std::pair<Ack, std::optional<int64_t>>> All() const {
    absl::MutexLock lock(&mu_);
    std::vector<std::pair<Ack, std::optional<int64_t>>> all;
    for (const auto& [report, ack] : acks_) {
      auto it = sequences_.find(report);
      all.emplace_back(ack, it == sequences_.end() ? std::nullopt
                                                   : std::optional<int64_t>(it->second));
    }
    return all;
  }

 private:
  mutable absl::Mutex mu_;
  std::unordered_map<std::string, Ack> acks_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, int64_t> sequences_ ABSL_GUARDED_BY(mu_);
};

// "held" is the hold point the load waits at once every report before it
// has finished, 0 otherwise.
void WriteProgress(const std::string& path, int64_t accepted, int64_t reports,
                   int64_t held = 0) {
  if (path.empty()) return;
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial);
    out << "accepted " << accepted << " of " << reports;
    if (held > 0) out << " held " << held;
    out << "\n";
  }
  std::rename(partial.c_str(), path.c_str());
}

}  // namespace

bool FederationResult::ok() const {
  bool all = errors == 0 && settled && accepted == reports && lost == 0 && twice == 0 &&
             national_differ == 0 && national_figures > 0 && latency_unmatched == 0 &&
             all_latency.count > 0;
  for (const ProvinceOutcome& p : provinces) {
    all = all && p.accepted == p.reports && p.counted == p.reports && p.provincial_differ == 0 &&
          p.held_generation >= p.last_sequence;
  }
  return all;
}

absl::StatusOr<FederationResult> RunFederation(const World& world,
                                               const FederationOptions& options) {
  const int n = static_cast<int>(world.provinces().size());
  if (static_cast<int>(options.provinces.size()) != n) {
    return absl::InvalidArgumentError(absl::StrCat("the World has ", n, " provinces and ",
                                                   options.provinces.size(), " servers"));
  }
  auto log = [&](const std::string& line) {
    if (options.log) options.log(line);
  };
  FederationResult result;
  const std::string period = World::PeriodOf(world.current_year());
  const std::string national = absl::StrCat("plans/", options.national_plan_id);

  // 1. Registration: the Ministry's, then every province's (a few at once).
  const absl::Time registration_start = absl::Now();
  {
    RegistrationOptions ministry;
    ministry.address = options.ministry;
    ministry.dimensions_file = options.dimensions_file;
    ministry.provinces_only = true;
    ministry.plan = world.NationalPlan(options.national_plan_id);
    log(absl::StrCat("registering ", n, " provinces and ", national, " on the Ministry's"));
    RETURN_IF_ERROR(RegisterWorld(world, ministry).status());
  }
  log(absl::StrCat("registering each province's agencies and plan on its instance"));
  RETURN_IF_ERROR(ParallelFor(std::min(n, 4), n, [&](int, int p) {
    RegistrationOptions province;
    province.address = options.provinces[p];
    province.dimensions_file = options.dimensions_file;
    province.concurrency = 2;
    province.province = p;
    province.plan = world.ProvincialPlan(national);
    absl::Status status = RegisterWorld(world, province).status();
    if (!status.ok()) {
      return absl::Status(status.code(),
                          absl::StrCat(world.provinces()[p].name(), ": ", status.message()));
    }
    return absl::OkStatus();
  }));
  result.registration_seconds = absl::ToDoubleSeconds(absl::Now() - registration_start);

  // 2. Watchers: each province's feed (fresh instances: from the start) and
  //    the Ministry's received figures.
  AcceptLog accepts;
  std::vector<std::unique_ptr<FeedWatcher>> watchers;
  for (int p = 0; p < n; ++p) {
    watchers.push_back(std::make_unique<FeedWatcher>(
        options.provinces[p], world.plan().name(), 0,
        [&accepts](const std::string& report, int64_t sequence) {
          accepts.Sequenced(report, sequence);
        }));
    watchers.back()->Start();
  }
  MinistryPoller poller(options.ministry, absl::StrCat(national, "/periods/", period),
                        options.poll_interval);
  poller.Start();

  // 3. Every reporter submits to its province's instance; its reviewer accepts.
  const std::vector<int> order = world.InterleavedReporters(world.current_year());
  result.reports = static_cast<int64_t>(order.size());
  std::vector<std::atomic<int64_t>> accepted_in(n);
  std::vector<std::atomic<int64_t>> changes_in(n);
  std::atomic<int64_t> accepted{0};
  // Reports accepted or failed, and the hold point a thread waits at (0: none).
  std::atomic<int64_t> finished{0};
  std::atomic<int64_t> waiting_at{0};
  auto wait_for_release = [&](int64_t report) {
    for (int64_t hold : options.hold_at) {
      if (report < hold) return;
      const std::string release = absl::StrCat(options.progress_file, ".release-", hold);
      const absl::Time give_up = absl::Now() + options.settle_timeout;
      while (!std::filesystem::exists(release) && absl::Now() < give_up) {
        waiting_at.store(hold);
        absl::SleepFor(absl::Milliseconds(10));
      }
    }
  };
  Retrier retrier(options.retry_for);
  std::atomic<int> next{0};
  absl::Mutex errors_mu;
  std::vector<std::string> errors;
  auto fail = [&](std::string message) {
    absl::MutexLock lock(&errors_mu);
    errors.push_back(std::move(message));
  };
  WriteProgress(options.progress_file, 0, result.reports);
  const absl::Time ingest_start = absl::Now();
  absl::Time last_accept = ingest_start;
  absl::Mutex last_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, options.concurrency); ++t) {
    threads.emplace_back([&] {
      std::vector<std::unique_ptr<v1::Submissions::Stub>> stubs;
      for (const std::string& address : options.provinces) {
        stubs.push_back(v1::Submissions::NewStub(NewDedicatedChannel(address)));
      }
      while (true) {
        const int i = next.fetch_add(1);
        if (i >= static_cast<int>(order.size())) return;
        wait_for_release(i);
        if (options.rate > 0) {
          absl::SleepFor(ingest_start + absl::Seconds(i / options.rate) - absl::Now());
        }
        const int r = order[i];
        const Reporter& who = world.reporters()[r];
        v1::Submissions::Stub& stub = *stubs[who.province];
        v1::SubmitRequest submit;
        *submit.mutable_report() = world.BuildReport(r, world.current_year());
        submit.set_name(submit.report().name());
        submit.set_request_id(client::NewRequestId());
        v1::Report answer;
        grpc::Status status = retrier.Call([&] {
          return stub.Submit(CallAs(who.agency, kCallTimeout).get(), submit, &answer);
        });
        if (!status.ok()) {
          fail(absl::StrCat("submit ", submit.name(), ": ", status.error_message()));
          finished.fetch_add(1);
          continue;
        }
        changes_in[who.province].fetch_add(1);
        v1::ReviewRequest review;
        review.set_name(submit.name());
        review.set_decision(v1::REVIEW_DECISION_ACCEPT);
        review.set_request_id(client::NewRequestId());
        status = retrier.Call([&] {
          return stub.Review(CallAs(who.reviewer, kCallTimeout).get(), review, &answer);
        });
        const absl::Time acknowledged = absl::Now();
        if (!status.ok()) {
          fail(absl::StrCat("accept ", review.name(), ": ", status.error_message()));
          finished.fetch_add(1);
          continue;
        }
        changes_in[who.province].fetch_add(1);
        accepts.Acknowledged(review.name(), who.province, who.kind == v1::AGENCY_KIND_COMMUNE,
                             acknowledged);
        accepted_in[who.province].fetch_add(1);
        accepted.fetch_add(1);
        finished.fetch_add(1);
        absl::MutexLock lock(&last_mu);
        last_accept = std::max(last_accept, acknowledged);
      }
    });
  }
  std::atomic<bool> ingest_done{false};
  std::thread progress([&] {
    absl::Time logged = absl::Now();
    while (!ingest_done.load()) {
      absl::SleepFor(absl::Milliseconds(20));
      const int64_t hold = waiting_at.load();
      WriteProgress(options.progress_file, accepted.load(), result.reports,
                    hold > 0 && finished.load() == hold ? hold : 0);
      if (absl::Now() - logged > absl::Seconds(10)) {
        logged = absl::Now();
        log(absl::StrCat("accepted ", accepted.load(), " of ", result.reports, " (",
                         retrier.retries(), " calls retried while a server was down)"));
      }
    }
  });
  for (std::thread& t : threads) t.join();
  ingest_done.store(true);
  progress.join();
  WriteProgress(options.progress_file, accepted.load(), result.reports);
  result.ingest_seconds = absl::ToDoubleSeconds(last_accept - ingest_start);
  result.accepted = accepted.load();
  result.errors = static_cast<int64_t>(errors.size());
  for (size_t e = 0; e < errors.size() && e < kMaxErrorSamples; ++e) {
    result.error_samples.push_back(errors[e]);
  }
  log(absl::StrCat("accepted ", result.accepted, " of ", result.reports,
                   "; waiting for the Ministry to hold every province's last change"));

  // 4. Every province's last change, then the Ministry holding it.
  std::map<std::string, int64_t> last;
  result.provinces.resize(n);
  for (int p = 0; p < n; ++p) {
    ProvinceOutcome& outcome = result.provinces[p];
    outcome.agency = world.provinces()[p].name();
    outcome.accepted = accepted_in[p].load();
    absl::StatusOr<int64_t> sequence =
        watchers[p]->WaitForChanges(changes_in[p].load(), options.settle_timeout);
    if (!sequence.ok()) {
      result.error_samples.push_back(std::string(sequence.status().message()));
      ++result.errors;
    } else {
      outcome.last_sequence = *sequence;
    }
    last[outcome.agency] = outcome.last_sequence;
  }
  for (const Reporter& reporter : world.reporters()) ++result.provinces[reporter.province].reports;
  result.settled = poller.WaitFor(last, options.settle_timeout);
  result.settle_seconds = absl::ToDoubleSeconds(absl::Now() - last_accept);
  poller.Stop();
  for (auto& watcher : watchers) watcher->Stop();

  // 5. Acceptance → national figure.
  std::vector<double> commune_ms, all_ms;
  for (const auto& [ack, sequence] : accepts.All()) {
    std::optional<Arrival> arrival =
        sequence ? poller.FirstAtLeast(world.provinces()[ack.province].name(), *sequence)
                 : std::nullopt;
    if (!arrival) {
      ++result.latency_unmatched;
      continue;
    }
    // The push can arrive before the accept's answer is back here.
    double ms = std::max(0.0, absl::ToDoubleMilliseconds(arrival->arrive_time - ack.at));
    all_ms.push_back(ms);
    if (ack.commune) commune_ms.push_back(ms);
  }
  result.all_latency = Summarize(all_ms);
  result.commune_latency = Summarize(commune_ms);
  result.poll_gap_ms = poller.median_gap_ms();
  result.ministry_polls = poller.polls();
  result.ministry_poll_errors = poller.errors();

  // 6. The figures, three ways.
  std::map<std::string, ExpectedSums> held;
  {
    auto stub = v1::Federation::NewStub(NewDedicatedChannel(options.ministry));
    v1::ListReceivedFiguresRequest request;
    request.set_parent(absl::StrCat(national, "/periods/", period));
    request.set_include_values(true);
    request.set_page_size(100);
    std::map<std::string, const v1::ReceivedFigures*> by_agency;
    std::vector<v1::ReceivedFigures> received;
    while (true) {
      v1::ListReceivedFiguresResponse response;
      grpc::Status status = retrier.Call([&] {
        return stub->ListReceivedFigures(CallAs(MinistryName(), absl::Minutes(2)).get(), request,
                                         &response);
      });
      RETURN_IF_ERROR(FromGrpc(status, "the Ministry's received figures"));
      for (auto& r : *response.mutable_received_figures()) received.push_back(std::move(r));
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    for (const v1::ReceivedFigures& r : received) {
      for (ProvinceOutcome& outcome : result.provinces) {
        if (outcome.agency != r.agency()) continue;
        outcome.held_generation = r.generation();
        outcome.held_values = r.value_count();
        outcome.arrivals = r.arrivals();
      }
      ExpectedSums& sums = held[r.agency()];
      for (const v1::Value& value : r.values()) {
        // Generated indicators are counts: a decimal can only be a mismatch.
        sums[value.indicator()][CellKey(value.cells())] +=
            value.value_case() == v1::Value::kDecimalValue ? -1 : value.int_value();
      }
    }
  }
  ExpectedSums national_held, national_provincial;
  for (int p = 0; p < n; ++p) {
    ProvinceOutcome& outcome = result.provinces[p];
    const ExpectedSums generated = world.Expected(world.current_year(), p);
    outcome.generated_total = SumOfTotals(generated);
    const ExpectedSums& at_ministry = held[outcome.agency];
    outcome.held_total = SumOfTotals(at_ministry);
    std::tie(outcome.lost, outcome.twice) = CompareSums(at_ministry, generated);
    result.lost += outcome.lost;
    result.twice += outcome.twice;
    for (const auto& [indicator, cells] : at_ministry) {
      for (const auto& [cell, value] : cells) national_held[indicator][cell] += value;
    }

    // The province's own roll-up, cell by cell.
    auto aggregation = v1::Aggregation::NewStub(NewDedicatedChannel(options.provinces[p]));
    v1::RollupRequest request;
    request.set_plan(world.plan().name());
    request.set_period(period);
    request.set_agency(outcome.agency);
    request.set_group_by(v1::ROLLUP_GROUPING_CELLS);
    request.set_min_sequence(outcome.last_sequence);
    v1::RollupResponse response;
    grpc::Status status = retrier.Call([&] {
      return aggregation->Rollup(CallAs(MinistryName(), absl::Minutes(2)).get(), request, &response);
    });
    RETURN_IF_ERROR(FromGrpc(status, absl::StrCat(outcome.agency, "'s own roll-up")));
    outcome.counted = response.coverage().contributed() + response.coverage().other_contributors();
    ExpectedSums own;
    auto add = [&](const std::string& indicator, const std::string& cell,
                   const v1::Figure& figure) {
      if (!figure.present()) return;
      int64_t value = 0;
      if (!absl::SimpleAtoi(figure.value(), &value)) value = -1;
      own[indicator][cell] += value;
    };
    for (const v1::IndicatorRollup& ind : response.indicators()) {
      if (ind.aggregation() == v1::Indicator::AGGREGATION_RATIO) continue;
      add(ind.indicator(), "", ind.total());
      for (const v1::RollupRow& row : ind.rows()) {
        std::string key = CellKey(row.cells());
        if (!key.empty()) add(ind.indicator(), key, row.figure());
      }
    }
    auto [below, above] = CompareSums(own, generated);
    outcome.provincial_differ = below + above;
    outcome.provincial_total = SumOfTotals(own);
    for (const auto& [indicator, cells] : own) {
      for (const auto& [cell, value] : cells) national_provincial[indicator][cell] += value;
    }
  }
  const ExpectedSums national_generated = world.Expected(world.current_year(), -1);
  result.national_held_total = SumOfTotals(national_held);
  result.national_provincial_total = SumOfTotals(national_provincial);
  result.national_generated_total = SumOfTotals(national_generated);
  for (const auto& [indicator, cells] : national_generated) {
    result.national_figures += static_cast<int64_t>(cells.size());
  }
  auto [held_below, held_above] = CompareSums(national_held, national_generated);
  auto [own_below, own_above] = CompareSums(national_provincial, national_generated);
  result.national_differ = held_below + held_above + own_below + own_above;
  result.retries = retrier.retries();
  return result;
}

void PrintFederation(const FederationResult& r, std::ostream& out) {
  out << absl::StrFormat("%-12s %8s %8s %8s %12s %12s %7s %8s %5s %5s %16s\n", "province",
                         "reports", "accepted", "counted", "last change", "Ministry gen",
                         "pushes", "figures", "lost", "twice", "provincial total");
  for (const ProvinceOutcome& p : r.provinces) {
    out << absl::StrFormat("%-12s %8d %8d %8d %12d %12d %7d %8d %5d %5d %16s%s\n",
                           p.agency.substr(sizeof("agencies/") - 1), p.reports, p.accepted,
                           p.counted, p.last_sequence, p.held_generation, p.arrivals,
                           p.held_values, p.lost, p.twice, WithThousands(p.provincial_total),
                           p.provincial_differ == 0 && p.held_total == p.provincial_total &&
                                   p.provincial_total == p.generated_total
                               ? ""
                               : "  MISMATCH");
  }
  int64_t held_values = 0;
  for (const ProvinceOutcome& p : r.provinces) held_values += p.held_values;
  out << "reports accepted: " << WithThousands(r.accepted) << " of "
      << WithThousands(r.reports) << " (" << WithThousands(r.retries)
      << " calls retried while a server was down; errors " << r.errors << ")\n";
  for (const std::string& e : r.error_samples) out << "  error: " << e << "\n";
  out << "figures the Ministry holds: " << WithThousands(held_values) << " over "
      << r.provinces.size() << " provinces\n";
  out << "lost = " << r.lost << "\n";
  out << "counted twice = " << r.twice << "\n";
  out << "national total (sum of the indicators' totals): Ministry "
      << WithThousands(r.national_held_total) << " = sum of provincial totals "
      << WithThousands(r.national_provincial_total) << " = generated "
      << WithThousands(r.national_generated_total) << "; " << WithThousands(r.national_figures)
      << " national figures (indicator x cell) compared, " << r.national_differ << " differ\n";
  out << absl::StrFormat(
      "acceptance -> national figure, communes: p50 %s, p99 %s, max %s (%d accepts)\n",
      FormatMillis(r.commune_latency.p50_ms), FormatMillis(r.commune_latency.p99_ms),
      FormatMillis(r.commune_latency.max_ms), r.commune_latency.count);
  out << absl::StrFormat(
      "acceptance -> national figure, every accept: p50 %s, p99 %s, max %s (%d accepts, %d not "
      "observed)\n",
      FormatMillis(r.all_latency.p50_ms), FormatMillis(r.all_latency.p99_ms),
      FormatMillis(r.all_latency.max_ms), r.all_latency.count, r.latency_unmatched);
  out << absl::StrFormat(
      "  measured: the Ministry's arrive_time of the first generation covering the accept's "
      "change, polled every %s (%d polls, %d failed while it was down), less the accept's "
      "acknowledgement time\n",
      FormatMillis(r.poll_gap_ms), r.ministry_polls, r.ministry_poll_errors);
  out << absl::StrFormat(
      "registration %.1f s, ingest %.1f s, last accept -> Ministry holds every province's last "
      "change %.1f s%s\n",
      r.registration_seconds, r.ingest_seconds, r.settle_seconds,
      r.settled ? "" : " (NOT SETTLED)");
  out << (r.ok() ? "FEDERATION PASSED" : "FEDERATION FAILED") << "\n";
}

}  // namespace tonghop::loadgen
