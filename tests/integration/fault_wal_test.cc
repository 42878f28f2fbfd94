// A write-ahead log damaged after a crash: tonghopd refuses to start and
// names the store and the ways out, instead of dropping acknowledged
// reports with only a RocksDB LOG line; with --accept-data-loss it starts,
// records what was dropped, and the roll-ups, which had applied the lost
// changes, rebuild themselves from the feed as it now is.

#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/rocksdb_store.h"
#include "tests/integration/aggregation_fixture.h"
#include "tests/integration/fault_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

using ::testing::HasSubstr;

std::string Tonghopd() { return BuiltBinary("services/server/tonghopd"); }

// A server with the aggregation fixture and `changes` acknowledged changes,
// killed with SIGKILL once the roll-ups have applied them all. Returns the
// last sequence.
int64_t LoadAndCrash(const std::string& data_dir, int changes) {
  auto server = ServerProcess::Start(Tonghopd(), {"--data-dir=" + data_dir});
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return 0;
  auto channel = ChannelTo((*server)->address());
  EXPECT_TRUE(LoadAggregationRegistry(channel).ok());
  RandomHistory history(channel, 12);
  absl::Status run = history.Run(changes);
  EXPECT_TRUE(run.ok()) << run;
  absl::StatusOr<int64_t> last = LastSequence(channel);
  EXPECT_TRUE(last.ok());
  auto rollup = RollupAt(channel, *last);
  EXPECT_TRUE(rollup.ok()) << rollup.status();
  (*server)->Kill();
  return *last;
}

// Accepts a report waiting for review, or resubmits a returned one: one
// more change in the feed.
absl::Status OneMoreChange(const std::shared_ptr<grpc::Channel>& channel) {
  v1::ListReportsRequest request;
  request.set_plan(agg::kPlan);
  auto reports =
      client::SubmissionsClient(client::Connection(channel, "bo-tu-phap")).ListReports(request);
  if (!reports.ok()) return reports.status();
  for (const v1::Report& report : *reports) {
    if (report.state() == v1::REPORT_STATE_SUBMITTED) {
      v1::ReviewRequest review;
      review.set_name(report.name());
      review.set_decision(v1::REVIEW_DECISION_ACCEPT);
      return client::SubmissionsClient(
                 client::Connection(channel, ReviewerOf(report.agency().substr(9))))
          .Review(review)
          .status();
    }
  }
  for (const v1::Report& report : *reports) {
    if (report.state() == v1::REPORT_STATE_RETURNED) {
      v1::SubmitRequest submit;
      submit.set_name(report.name());
      std::string agency = report.agency().substr(9);
      *submit.mutable_report() = ContentFor(agency, 777);
      return client::SubmissionsClient(client::Connection(channel, agency))
          .Submit(submit)
          .status();
    }
  }
  return absl::NotFoundError("no report to move on");
}

TEST(FaultWalTest, ADamagedSubmissionsLogIsRefusedThenAcceptedWithTheLossAndRollupsHeal) {
  TempDir dir;
  int64_t acknowledged = LoadAndCrash(dir.path(), 300);
  ASSERT_EQ(acknowledged, 300);
  std::string submissions = dir.path() + "/submissions";
  std::string log = NewestLog(submissions);
  ASSERT_FALSE(log.empty());
  FlipBytes(log, std::filesystem::file_size(log) / 2, 16);

  // Refused, with the store and the ways out named.
  auto refused = ServerProcess::Start(Tonghopd(), {"--data-dir=" + dir.path()});
  ASSERT_FALSE(refused.ok());
  std::string message(refused.status().message());
  EXPECT_THAT(message, HasSubstr("storage submissions"));
  EXPECT_THAT(message, HasSubstr("damaged"));
  EXPECT_THAT(message, HasSubstr("backup"));
  EXPECT_THAT(message, HasSubstr("--accept-data-loss"));

  // Accepted explicitly: it starts, and says what was dropped.
  auto server =
      ServerProcess::Start(Tonghopd(), {"--data-dir=" + dir.path(), "--accept-data-loss"});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_THAT((*server)->Log(), HasSubstr("opened with --accept-data-loss"));
  EXPECT_THAT(ReadText(submissions + "/" + std::string(storage::kDataLossFile)),
              HasSubstr("key writes"));
  auto channel = ChannelTo((*server)->address());
  absl::StatusOr<int64_t> last = LastSequence(channel);
  ASSERT_TRUE(last.ok());
  EXPECT_LT(*last, acknowledged);

  // The roll-ups had applied the lost changes: they rebuild by themselves.
  ASSERT_TRUE((*server)->WaitForLog("aggregation: rebuilt the roll-ups from").ok())
      << (*server)->Log();
  // New changes take the lost numbers and are counted.
  ASSERT_TRUE(OneMoreChange(channel).ok());
  ASSERT_TRUE(OneMoreChange(channel).ok());
  absl::StatusOr<int64_t> now = LastSequence(channel);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(*now, *last + 2);
  auto rollup = RollupAt(channel, *now);
  ASSERT_TRUE(rollup.ok()) << rollup.status();
  auto verified = Rebuild(channel, /*verify_only=*/true);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->identical()) << verified->DebugString();
  EXPECT_FALSE(verified->feed_rewound());
  EXPECT_EQ(verified->applied_sequence(), *now);
}

TEST(FaultWalTest, AnAcknowledgedRegistryWriteCutFromTheLogIsRefused) {
  TempDir dir;
  {
    auto server = ServerProcess::Start(Tonghopd(), {"--data-dir=" + dir.path()});
    ASSERT_TRUE(server.ok()) << server.status();
    ASSERT_TRUE(LoadAggregationRegistry(ChannelTo((*server)->address())).ok());
    (*server)->Kill();
  }
  // The log cut short loses no checksum: the last plans simply vanish.
  std::string log = NewestLog(dir.path() + "/registry");
  ASSERT_FALSE(log.empty());
  std::filesystem::resize_file(log, std::filesystem::file_size(log) * 7 / 10);

  auto refused = ServerProcess::Start(Tonghopd(), {"--data-dir=" + dir.path()});
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("storage registry"));
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("before the last acknowledged write"));
  auto server =
      ServerProcess::Start(Tonghopd(), {"--data-dir=" + dir.path(), "--accept-data-loss"});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_THAT(ReadText(dir.path() + "/registry/" + std::string(storage::kDataLossFile)),
              HasSubstr("cut short"));
}

TEST(FaultWalTest, ASubmissionsStoreRestoredFromAnOlderBackupIsFollowedByTheRollups) {
  TempDir dir;
  TempDir backup;
  std::vector<std::string> args = {"--data-dir=" + dir.path()};
  auto server = ServerProcess::Start(Tonghopd(), args);
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = ChannelTo((*server)->address());
  ASSERT_TRUE(LoadAggregationRegistry(channel).ok());
  RandomHistory history(channel, 21);
  ASSERT_TRUE(history.Run(100).ok());
  EXPECT_EQ((*server)->Terminate(), 0);
  std::filesystem::copy(dir.path() + "/submissions", backup.path() + "/submissions",
                        std::filesystem::copy_options::recursive);

  server = ServerProcess::Start(Tonghopd(), args);
  ASSERT_TRUE(server.ok()) << server.status();
  channel = ChannelTo((*server)->address());
  history.set_channel(channel);
  ASSERT_TRUE(history.Run(50).ok());
  ASSERT_TRUE(RollupAt(channel, 150).ok());
  EXPECT_EQ((*server)->Terminate(), 0);

  // The operator restores the submissions store from the older backup: the
  // feed is back at 100, the roll-ups at 150.
  std::filesystem::remove_all(dir.path() + "/submissions");
  std::filesystem::copy(backup.path() + "/submissions", dir.path() + "/submissions",
                        std::filesystem::copy_options::recursive);
  server = ServerProcess::Start(Tonghopd(), args);
  ASSERT_TRUE(server.ok()) << server.status();
  channel = ChannelTo((*server)->address());
  ASSERT_TRUE((*server)->WaitForLog("aggregation: rebuilt the roll-ups from 100 changes").ok())
      << (*server)->Log();
  ASSERT_TRUE(OneMoreChange(channel).ok());
  ASSERT_TRUE(RollupAt(channel, 101).ok());
  auto verified = Rebuild(channel, /*verify_only=*/true);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->identical()) << verified->DebugString();
  EXPECT_EQ(verified->applied_sequence(), 101);
}

TEST(FaultWalTest, AServerKilledMidWriteStartsWithoutAFlag) {
  // An ordinary crash leaves at most a torn last record, never an
  // acknowledged one: no refusal, no loss record.
  TempDir dir;
  int64_t acknowledged = LoadAndCrash(dir.path(), 60);
  auto server = ServerProcess::Start(Tonghopd(), {"--data-dir=" + dir.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(*LastSequence(ChannelTo((*server)->address())), acknowledged);
  for (const char* store : {"registry", "submissions", "aggregation"}) {
    EXPECT_FALSE(std::filesystem::exists(dir.path() + "/" + store + "/" +
                                         std::string(storage::kDataLossFile)));
  }
}

}  // namespace
}  // namespace tonghop::testing
