// An online backup taken while reports keep arriving holds every write
// acknowledged before it started, and restores onto another data directory
// into an instance whose roll-ups agree with its change feed.
//
// Four writers cycle reports of Sở Y tế through submit (the acknowledged
// write, recorded with the value it carried) and return (so that the next
// submit is accepted). `tonghop admin backup` runs while they go on;
// `tonghopd --restore-from` restores it into a new directory, and a server
// started there must hold every revision acknowledged before the backup
// began, with its value, and roll-ups equal to a rebuild from its feed.

#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/integration/submissions_fixture.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"

namespace tonghop::testing {
namespace {

std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

// One acknowledged submit: the revision it made and the value it carried.
struct Acknowledged {
  std::string report;
  int64_t revision = 0;
  int64_t value = 0;
};

// Submits and returns `report` over and over until `stop`; records each
// acknowledged submit (under `mu`) as it returns.
void Cycle(const std::shared_ptr<grpc::Channel>& channel, const std::string& report, bool annual,
           std::atomic<bool>& stop, absl::Mutex& mu, std::vector<Acknowledged>& acknowledged,
           std::atomic<int>& failures) {
  auto so_y_te = ClientAs(channel, "dong-nai-so-y-te");
  auto so_tu_phap = ClientAs(channel, "dong-nai-so-tu-phap");
  for (int i = 1; !stop.load(); ++i) {
    v1::SubmitRequest submit;
    submit.set_name(report);
    submit.set_request_id(absl::StrCat(report, "/", i));
    if (annual) {
      *submit.mutable_report() = SoYTeContent(100 + i, i);
    } else {
      v1::TaskProgress* progress = submit.mutable_report()->add_progress();
      progress->set_task("plans/dn-half/tasks/H.1");
      progress->set_status(v1::PROGRESS_STATUS_IN_PROGRESS);
      progress->set_summary(absl::StrCat("Lần ", i));
    }
    absl::StatusOr<v1::Report> submitted = so_y_te.Submit(submit);
    if (!submitted.ok()) {
      ADD_FAILURE() << report << ": " << submitted.status();
      failures.fetch_add(1);
      return;
    }
    {
      absl::MutexLock lock(&mu);
      acknowledged.push_back({report, submitted->revision(), annual ? 100 + i : i});
    }
    v1::ReviewRequest give_back;
    give_back.set_name(report);
    give_back.set_decision(v1::REVIEW_DECISION_RETURN);
    give_back.set_reason(absl::StrCat("Trả lại lần ", i));
    absl::StatusOr<v1::Report> returned = so_tu_phap.Review(give_back);
    if (!returned.ok()) {
      ADD_FAILURE() << report << ": " << returned.status();
      failures.fetch_add(1);
      return;
    }
  }
}

int RunShell(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(BackupRestoreTest, RestoredInstanceHoldsEveryWriteAcknowledgedBeforeTheBackup) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string backups = dir.path() + "/backups";
  const std::string restored = dir.path() + "/restored";
  const std::string binary = BuiltBinary("services/server/tonghopd");
  auto process = ServerProcess::Start(binary, {"--data-dir=" + data, "--request-log=none"});
  ASSERT_TRUE(process.ok()) << process.status();
  auto channel = ChannelTo((*process)->address());
  ASSERT_TRUE(LoadRegistryFixture(channel).ok());

  const std::vector<std::pair<std::string, bool>> reports = {
      {"reports/dong-nai-so-y-te/dn-2026/2026", true},
      {"reports/dong-nai-so-y-te/dn-2026/2027", true},
      {"reports/dong-nai-so-y-te/dn-half/2026S1", false},
      {"reports/dong-nai-so-y-te/dn-half/2026S2", false}};
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  absl::Mutex mu;
  std::vector<Acknowledged> acknowledged;
  std::vector<std::thread> writers;
  for (const auto& [report, annual] : reports) {
    writers.emplace_back([&, report = report, annual = annual] {
      Cycle(ChannelTo((*process)->address()), report, annual, stop, mu, acknowledged, failures);
    });
  }
  auto acknowledged_count = [&] {
    absl::MutexLock lock(&mu);
    return acknowledged.size();
  };
  while (acknowledged_count() < 40 && failures.load() == 0) std::this_thread::yield();
  ASSERT_EQ(failures.load(), 0);

  // Everything acknowledged up to here must be in the backup; the writers
  // go on during it.
  std::vector<Acknowledged> before_backup;
  {
    absl::MutexLock lock(&mu);
    before_backup = acknowledged;
  }
  std::string output;
  int backed_up = RunCli(absl::StrCat("--server=", (*process)->address(),
                                      " --agency=bo-tu-phap admin backup ", backups),
                         &output);
  ASSERT_EQ(backed_up, 0) << output;
  const size_t at_backup_end = acknowledged_count();
  // A few more cycles after the backup, which it may or may not hold.
  while (acknowledged_count() < at_backup_end + 8 && failures.load() == 0) {
    std::this_thread::yield();
  }
  stop.store(true);
  for (std::thread& writer : writers) writer.join();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_GT(acknowledged.size(), before_backup.size()) << "the writes did not go on";
  EXPECT_NE(output.find("aggregation"), std::string::npos) << output;
  (*process)->Terminate();

  // Only an authority may back up, and a backup restores into an empty
  // directory only.
  auto second = ServerProcess::Start(binary, {"--data-dir=" + data, "--request-log=none"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(RunCli(absl::StrCat("--server=", (*second)->address(),
                                " --agency=dong-nai-so-tu-phap admin backup ", backups),
                   &output),
            1)
      << output;
  EXPECT_NE(output.find("PERMISSION_DENIED"), std::string::npos) << output;
  (*second)->Terminate();
  EXPECT_NE(RunShell(absl::StrCat(binary, " --restore-from=", backups, " --data-dir=", data,
                             " >/dev/null 2>&1")),
            0);

  ASSERT_EQ(RunShell(absl::StrCat(binary, " --restore-from=", backups, " --data-dir=", restored)),
            0);
  auto restarted = ServerProcess::Start(binary, {"--data-dir=" + restored, "--request-log=none"});
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  channel = ChannelTo((*restarted)->address());
  auto ministry = ClientAs(channel, "bo-tu-phap");
  std::map<std::string, std::vector<v1::Report>> revisions;
  for (const auto& [report, annual] : reports) {
    auto listed = ministry.ListRevisions(report);
    ASSERT_TRUE(listed.ok()) << report << ": " << listed.status();
    revisions[report] = *listed;
  }
  for (const Acknowledged& ack : before_backup) {
    const std::vector<v1::Report>& held = revisions[ack.report];
    ASSERT_GE(static_cast<int64_t>(held.size()), ack.revision)
        << ack.report << " revision " << ack.revision << " was acknowledged before the backup "
        << "and is missing from the restored instance";
    const v1::Report& revision = held[ack.revision - 1];
    EXPECT_EQ(revision.revision(), ack.revision);
    if (revision.values_size() > 0) {
      EXPECT_EQ(revision.values(0).int_value(), ack.value) << ack.report;
    } else {
      EXPECT_EQ(revision.progress(0).summary(), absl::StrCat("Lần ", ack.value)) << ack.report;
    }
  }

  // The restored feed is whole and in order, and the roll-ups, once caught
  // up, are what a rebuild from that feed gives.
  int64_t last = 0;
  ASSERT_TRUE(ministry
                  .WatchChanges(0, true,
                                [&](const v1::Change& change) {
                                  EXPECT_EQ(change.sequence(), last + 1);
                                  last = change.sequence();
                                  return true;
                                })
                  .ok());
  EXPECT_GE(last, static_cast<int64_t>(2 * before_backup.size()) - 4);
  auto aggregation = v1::Aggregation::NewStub(channel);
  client::Connection as_ministry(channel, "bo-tu-phap");
  v1::CompletenessRequest completeness;
  completeness.set_plan("plans/dn-2026");
  completeness.set_period("2026");
  completeness.set_agency("agencies/dong-nai");
  completeness.set_min_sequence(last);
  v1::CompletenessResponse caught_up;
  grpc::Status status = aggregation->Completeness(as_ministry.NewContext().get(), completeness,
                                                  &caught_up);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(caught_up.applied_sequence(), last);
  v1::RebuildAggregatesRequest verify;
  verify.set_verify_only(true);
  v1::RebuildAggregatesResponse verified;
  status = aggregation->RebuildAggregates(as_ministry.NewContext().get(), verify, &verified);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(verified.applied_sequence(), last);
  EXPECT_TRUE(verified.identical()) << verified.ShortDebugString();
}

}  // namespace
}  // namespace tonghop::testing
