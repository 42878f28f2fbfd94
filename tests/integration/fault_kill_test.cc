// kill -9 at random points of a small load, with every acknowledged write
// checked afterwards.
//
// Four writers submit, return and accept reports (each writer owns its own
// reports, so its model of them is exact). When a random number of writes
// has been acknowledged, tonghopd is killed with SIGKILL while writes are in
// flight; every third round it is rebuilding its roll-ups at that moment.
// After the restart, each request that was in flight is sent again with the
// same request id, and then every report must be exactly as acknowledged:
// no acknowledged change lost, none applied twice, the change feed holding
// one change per acknowledged write, and the roll-ups equal to a rebuild.
//
// TONGHOP_FAULT_KILLS sets the number of kills (default 3, for the
// standing run); TONGHOP_FAULT_TABLE names a file to write the fault table
// to (Markdown). The times in the table are measured, never asserted.

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/integration/aggregation_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

std::string Tonghopd() { return BuiltBinary("services/server/tonghopd"); }

constexpr int kWriters = 4;

// One report as its writer knows it: every acknowledged write on it.
struct ReportModel {
  std::string name;
  std::string agency_id;
  int revision = 0;
  v1::ReportState state = v1::REPORT_STATE_UNSPECIFIED;
  std::map<int, std::string> content;  // revision → what was submitted (Content())
  int acknowledged = 0;             // writes acknowledged (= changes expected)
};

// What a revision says: its tasks' progress and its figures, in a form the
// server keeps as given.
std::string Content(const v1::Report& report) {
  std::vector<std::string> parts;
  for (const v1::TaskProgress& p : report.progress()) {
    parts.push_back(absl::StrCat(p.task(), "|", p.status(), "|", p.summary()));
  }
  for (const v1::Value& v : report.values()) {
    std::map<std::string, std::string> cells(v.cells().begin(), v.cells().end());
    std::string cell_text;
    for (const auto& [dimension, option] : cells) {
      absl::StrAppend(&cell_text, dimension, "=", option, ",");
    }
    parts.push_back(absl::StrCat(v.indicator(), "|", cell_text, "|", v.int_value(), "|",
                                 v.decimal_value()));
  }
  std::sort(parts.begin(), parts.end());
  return absl::StrJoin(parts, "\n");
}

// A write that was sent, and not (yet) acknowledged.
struct InFlight {
  ReportModel* report = nullptr;
  bool submit = false;
  v1::SubmitRequest submit_request;
  v1::ReviewRequest review_request;
};

struct RoundFigures {
  int kill = 0;
  std::string phase;
  int64_t acknowledged = 0;  // writes acknowledged so far, in total
  int64_t lost = 0;
  int64_t applied_twice = 0;
  int retried = 0;  // writes in flight at the kill, sent again
  absl::Duration to_serve;
  absl::Duration to_catch_up;
};

class Load {
 public:
  // `accept_one_in`: how rarely a review accepts (an accepted report takes
  // no more writes), so that a run of many kills still has reports to write.
  explicit Load(int accept_one_in) : accept_one_in_(accept_one_in) {
    std::vector<std::string> agencies = {"dong-nai-so-tu-phap", "dong-nai-so-y-te",
                                         "dong-nai-cong-an-tinh", "dong-nai-tand-tinh",
                                         "dong-nai-xa-a", "dong-nai-xa-b"};
    int next = 0;
    for (int year = 2024; year <= 2030; ++year) {
      for (const std::string& agency : agencies) {
        if (year < 2026 && agency.find("-xa-") != std::string::npos) continue;
        auto report = std::make_unique<ReportModel>();
        report->agency_id = agency;
        report->name = ReportName(agency, absl::StrCat(year));
        owned_[next++ % kWriters].push_back(report.get());
        reports_.push_back(std::move(report));
      }
    }
  }

  // Runs the writers against `channel` until each of them has had a write
  // fail (the server was killed); returns what they had in flight.
  std::vector<InFlight> RunUntilKilled(const std::shared_ptr<grpc::Channel>& channel,
                                       uint32_t seed) {
    std::vector<InFlight> in_flight(kWriters);
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([this, w, channel, seed, &in_flight] {
        std::mt19937 rng(seed * 31 + w);
        while (true) {
          InFlight write = NextWrite(w, rng);
          if (write.report == nullptr) return;  // every report accepted
          if (!Send(channel, write)) {
            in_flight[w] = std::move(write);
            return;
          }
          absl::MutexLock lock(&mu_);
          ++acknowledged_;
        }
      });
    }
    for (std::thread& t : writers) t.join();
    return in_flight;
  }

  // Waits until `count` writes have been acknowledged in total.
  bool WaitForAcknowledged(int64_t count) {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() -> bool {
      mu_.AssertHeld();
      return acknowledged_ >= count;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), absl::Minutes(2));
  }
  int64_t acknowledged() {
    absl::MutexLock lock(&mu_);
    return acknowledged_;
  }

  // Sends a write again after the restart, with its request id: it is
  // applied once, whether or not it was applied before the kill.
  absl::Status Retry(const std::shared_ptr<grpc::Channel>& channel, InFlight& write) {
    if (write.report == nullptr) return absl::OkStatus();
    if (!Send(channel, write, /*retry=*/true)) {
      return absl::InternalError(absl::StrCat("the retry of a write on ", write.report->name,
                                              " failed: ", last_retry_error_));
    }
    absl::MutexLock lock(&mu_);
    ++acknowledged_;
    return absl::OkStatus();
  }

  // Checks every report against the server: returns the acknowledged writes
  // it does not hold and those it holds twice.
  std::pair<int64_t, int64_t> Check(const std::shared_ptr<grpc::Channel>& channel) {
    std::map<std::string, int> changes;
    absl::Status read = client::SubmissionsClient(client::Connection(channel, "bo-tu-phap"))
                            .WatchChanges(0, true, [&](const v1::Change& c) {
                              ++changes[c.report().name()];
                              return true;
                            });
    EXPECT_TRUE(read.ok()) << read;
    int64_t lost = 0, twice = 0;
    for (const auto& report : reports_) {
      int held = changes[report->name];
      lost += std::max(0, report->acknowledged - held);
      twice += std::max(0, held - report->acknowledged);
      if (report->acknowledged == 0) continue;
      auto revisions = client::SubmissionsClient(client::Connection(channel, "bo-tu-phap"))
                           .ListRevisions(report->name);
      EXPECT_TRUE(revisions.ok()) << revisions.status();
      if (!revisions.ok()) continue;
      EXPECT_EQ(static_cast<int>(revisions->size()), report->revision) << report->name;
      for (const v1::Report& r : *revisions) {
        auto expected = report->content.find(static_cast<int>(r.revision()));
        if (expected == report->content.end() || Content(r) != expected->second) {
          ADD_FAILURE() << report->name << " revision " << r.revision()
                        << " differs from what was acknowledged";
        }
      }
      auto current = client::SubmissionsClient(client::Connection(channel, "bo-tu-phap"))
                         .GetReport(report->name);
      EXPECT_TRUE(current.ok()) << current.status();
      if (current.ok()) {
        EXPECT_EQ(current->state(), report->state) << report->name;
      }
    }
    return {lost, twice};
  }

 private:
  // The next write of writer `w`: submit a report not submitted yet or
  // returned, or review one that waits.
  InFlight NextWrite(int w, std::mt19937& rng) {
    std::vector<ReportModel*> open;
    for (ReportModel* r : owned_[w]) {
      if (r->state != v1::REPORT_STATE_ACCEPTED) open.push_back(r);
    }
    InFlight write;
    if (open.empty()) return write;
    ReportModel* report = open[std::uniform_int_distribution<size_t>(0, open.size() - 1)(rng)];
    write.report = report;
    if (report->state == v1::REPORT_STATE_SUBMITTED) {
      bool accept = std::uniform_int_distribution<int>(1, accept_one_in_)(rng) == 1;
      write.review_request.set_name(report->name);
      write.review_request.set_decision(accept ? v1::REVIEW_DECISION_ACCEPT
                                               : v1::REVIEW_DECISION_RETURN);
      if (!accept) write.review_request.set_reason("Đề nghị bổ sung số liệu.");
      write.review_request.set_request_id(client::NewRequestId());
    } else {
      write.submit = true;
      write.submit_request.set_name(report->name);
      *write.submit_request.mutable_report() =
          ContentFor(report->agency_id, std::uniform_int_distribution<int64_t>(1, 1000000)(rng));
      write.submit_request.set_request_id(client::NewRequestId());
    }
    return write;
  }

  // Sends `write`; on success updates the model and returns true.
  bool Send(const std::shared_ptr<grpc::Channel>& channel, const InFlight& write,
            bool retry = false) {
    ReportModel* report = write.report;
    std::string caller = write.submit ? report->agency_id : ReviewerOf(report->agency_id);
    client::SubmissionsClient submissions(client::Connection(channel, caller));
    absl::StatusOr<v1::Report> answer = write.submit ? submissions.Submit(write.submit_request)
                                                     : submissions.Review(write.review_request);
    if (!answer.ok()) {
      if (retry) last_retry_error_ = answer.status().ToString();
      return false;
    }
    report->revision = static_cast<int>(answer->revision());
    report->state = answer->state();
    if (write.submit) {
      report->content[report->revision] = Content(write.submit_request.report());
    }
    ++report->acknowledged;
    return true;
  }

  const int accept_one_in_;
  std::vector<std::unique_ptr<ReportModel>> reports_;
  std::vector<ReportModel*> owned_[kWriters];
  absl::Mutex mu_;
  int64_t acknowledged_ ABSL_GUARDED_BY(mu_) = 0;
  std::string last_retry_error_;
};

std::string Milliseconds(absl::Duration d) {
  return absl::StrFormat("%.0f", absl::ToDoubleMilliseconds(d));
}

TEST(FaultKillTest, EveryAcknowledgedWriteSurvivesKillsAtRandomPoints) {
  const char* kills_env = std::getenv("TONGHOP_FAULT_KILLS");
  const int kills = kills_env != nullptr ? std::atoi(kills_env) : 3;
  const uint32_t seed = static_cast<uint32_t>(absl::ToUnixNanos(absl::Now()));
  std::cerr << "fault run: " << kills << " kills, seed " << seed << "\n";
  std::mt19937 rng(seed);
  TempDir dir;
  std::vector<std::string> args = {"--data-dir=" + dir.path()};
  auto server = ServerProcess::Start(Tonghopd(), args);
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = ChannelTo((*server)->address());
  ASSERT_TRUE(LoadAggregationRegistry(channel).ok());

  // About 50 writes per kill; 42 reports, each taking about
  // 2 * accept_one_in writes before it is accepted.
  Load load(std::max(6, 2 * kills));
  std::vector<RoundFigures> table;
  for (int kill = 1; kill <= kills; ++kill) {
    RoundFigures round;
    round.kill = kill;
    const bool mid_rebuild = kill % 3 == 0;
    round.phase = mid_rebuild ? "writes + roll-up rebuild" : "writes";
    int64_t target =
        load.acknowledged() + std::uniform_int_distribution<int>(20, 80)(rng);
    std::atomic<bool> killed{false};
    std::thread rebuilder;
    if (mid_rebuild) {
      rebuilder = std::thread([&killed, channel] {
        while (!killed && Rebuild(channel, /*verify_only=*/false).ok()) {
        }
      });
    }
    std::vector<InFlight> in_flight;
    std::thread writers([&] { in_flight = load.RunUntilKilled(channel, seed + kill); });
    bool reached = load.WaitForAcknowledged(target);
    (*server)->Kill();
    killed = true;
    writers.join();
    if (rebuilder.joinable()) rebuilder.join();
    ASSERT_TRUE(reached) << "the load ran out of reports to write";

    absl::Time spawned = absl::Now();
    server = ServerProcess::Start(Tonghopd(), args);
    ASSERT_TRUE(server.ok()) << server.status();
    absl::Time serving = absl::Now();
    round.to_serve = serving - spawned;
    channel = ChannelTo((*server)->address());
    // What the roll-ups must reach: every change acknowledged before the
    // kill (and any in flight that made it).
    absl::StatusOr<int64_t> at_kill = LastSequence(channel);
    ASSERT_TRUE(at_kill.ok()) << at_kill.status();
    auto caught_up = RollupAt(channel, *at_kill);
    ASSERT_TRUE(caught_up.ok()) << caught_up.status();
    round.to_catch_up = absl::Now() - serving;

    for (InFlight& write : in_flight) {
      if (write.report != nullptr) ++round.retried;
      absl::Status retried = load.Retry(channel, write);
      ASSERT_TRUE(retried.ok()) << retried;
    }
    round.acknowledged = load.acknowledged();
    std::tie(round.lost, round.applied_twice) = load.Check(channel);
    EXPECT_EQ(round.lost, 0) << "kill " << kill;
    EXPECT_EQ(round.applied_twice, 0) << "kill " << kill;
    table.push_back(round);
    std::cerr << "kill " << kill << " (" << round.phase << "): " << round.acknowledged
              << " acknowledged, " << round.lost << " lost, " << round.applied_twice
              << " applied twice, " << round.retried << " in flight retried; serving after "
              << Milliseconds(round.to_serve) << " ms, caught up after "
              << Milliseconds(round.to_catch_up) << " ms\n";
  }

  // The roll-ups, after all that, equal a rebuild from the feed.
  absl::StatusOr<int64_t> last = LastSequence(channel);
  ASSERT_TRUE(last.ok());
  ASSERT_TRUE(RollupAt(channel, *last).ok());
  auto verified = Rebuild(channel, /*verify_only=*/true);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->identical()) << verified->DebugString();

  if (const char* path = std::getenv("TONGHOP_FAULT_TABLE")) {
    std::ofstream out(path);
    out << "| kill | killed during | acknowledged writes (total) | lost | applied twice | "
           "in flight, sent again | time to serve (ms) | time to catch up (ms) |\n"
        << "|---:|---|---:|---:|---:|---:|---:|---:|\n";
    for (const RoundFigures& r : table) {
      out << "| " << r.kill << " | " << r.phase << " | " << r.acknowledged << " | " << r.lost
          << " | " << r.applied_twice << " | " << r.retried << " | "
          << Milliseconds(r.to_serve) << " | " << Milliseconds(r.to_catch_up) << " |\n";
    }
    out << "\nseed " << seed << "; the roll-ups equalled a rebuild at the end: "
        << (verified->identical() ? "yes" : "no") << "\n";
  }
}

}  // namespace
}  // namespace tonghop::testing
