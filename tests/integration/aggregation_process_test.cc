// The aggregation service as a separate tonghopd process: killed with
// SIGKILL in the middle of consuming the change feed and restarted, and the
// three services as three processes, each with its own data directory.

#include <filesystem>
#include <fstream>
#include <iostream>

#include "gtest/gtest.h"
#include "google/protobuf/util/json_util.h"
#include "tests/integration/aggregation_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

std::string Tonghopd() { return BuiltBinary("services/server/tonghopd"); }

TEST(AggregationProcessTest, KillDashNineMidFeedThenRestartEqualsRebuild) {
  TempDir core_dir;
  TempDir agg_dir;
  TestServer::Options core_options;
  core_options.services = {"registry", "submissions"};
  auto core = TestServer::Start(core_dir.path(), core_options);
  ASSERT_TRUE(core.ok()) << core.status();
  ASSERT_TRUE(LoadAggregationRegistry((*core)->NewChannel()).ok());
  RandomHistory history((*core)->NewChannel(), 2026);
  {
    absl::Status run = history.Run(400);
    ASSERT_TRUE(run.ok()) << run;
  }
  int64_t last = *LastSequence((*core)->NewChannel());
  ASSERT_EQ(last, 400);

  std::vector<std::string> args = {"--data-dir=" + agg_dir.path(), "--services=aggregation",
                                   "--registry-address=" + (*core)->address(),
                                   "--submissions-address=" + (*core)->address()};
  int64_t applied_before_kill = 0;
  for (int round = 0; round < 3; ++round) {
    auto agg = ServerProcess::Start(Tonghopd(), args);
    ASSERT_TRUE(agg.ok()) << agg.status();
    // As soon as it has applied something beyond what it had, kill it: it
    // is then in the middle of the 400 changes.
    auto rollup = RollupAt(ChannelTo((*agg)->address()), applied_before_kill + 1);
    ASSERT_TRUE(rollup.ok()) << rollup.status();
    applied_before_kill = rollup->applied_sequence();
    (*agg)->Kill();
    ::testing::Test::RecordProperty(absl::StrCat("killed_at_", round), applied_before_kill);
    std::cerr << "killed with " << applied_before_kill << " of " << last << " applied\n";
    if (applied_before_kill >= last) break;
  }
  auto agg = ServerProcess::Start(Tonghopd(), args);
  ASSERT_TRUE(agg.ok()) << agg.status();
  auto channel = ChannelTo((*agg)->address());
  auto rollup = RollupAt(channel, last);
  ASSERT_TRUE(rollup.ok()) << rollup.status();
  EXPECT_EQ(rollup->applied_sequence(), last);
  auto verified = Rebuild(channel, /*verify_only=*/true);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->identical()) << verified->previous_digest() << " vs "
                                     << verified->rebuilt_digest();
  EXPECT_EQ(verified->previous_sequence(), last);
}

TEST(AggregationProcessTest, ReconnectsWhenTheSubmissionsServiceRestarts) {
  TempDir core_dir;
  TempDir agg_dir;
  std::vector<std::string> core_args = {"--data-dir=" + core_dir.path(),
                                        "--services=registry,submissions"};
  auto core = ServerProcess::Start(Tonghopd(), core_args);
  ASSERT_TRUE(core.ok()) << core.status();
  std::string address = (*core)->address();
  ASSERT_TRUE(LoadAggregationRegistry(ChannelTo(address)).ok());
  RandomHistory history(ChannelTo(address), 17);
  {
    absl::Status run = history.Run(20);
    ASSERT_TRUE(run.ok()) << run;
  }
  auto agg = ServerProcess::Start(
      Tonghopd(), {"--data-dir=" + agg_dir.path(), "--services=aggregation",
                   "--registry-address=" + address, "--submissions-address=" + address});
  ASSERT_TRUE(agg.ok()) << agg.status();
  auto agg_channel = ChannelTo((*agg)->address());
  ASSERT_TRUE(RollupAt(agg_channel, 20).ok());

  // The submissions service dies and comes back on the same address; the
  // consumer's stream breaks and it reconnects on its own.
  (*core)->Kill();
  core_args.push_back("--listen=" + address);
  core = ServerProcess::Start(Tonghopd(), core_args);
  ASSERT_TRUE(core.ok()) << core.status();
  history.set_channel(ChannelTo(address));
  {
    absl::Status run = history.Run(10);
    ASSERT_TRUE(run.ok()) << run;
  }
  int64_t last = *LastSequence(ChannelTo(address));
  auto rollup = RollupAt(agg_channel, last);
  ASSERT_TRUE(rollup.ok()) << rollup.status();
  EXPECT_EQ(rollup->applied_sequence(), last);
  auto verified = Rebuild(agg_channel, true);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->identical());
}

TEST(AggregationProcessTest, ThreeServicesAsThreeProcesses) {
  TempDir registry_dir, submissions_dir, aggregation_dir;
  auto registry = ServerProcess::Start(
      Tonghopd(), {"--data-dir=" + registry_dir.path(), "--services=registry"});
  ASSERT_TRUE(registry.ok()) << registry.status();
  auto submissions = ServerProcess::Start(
      Tonghopd(), {"--data-dir=" + submissions_dir.path(), "--services=submissions",
                   "--registry-address=" + (*registry)->address()});
  ASSERT_TRUE(submissions.ok()) << submissions.status();
  auto aggregation = ServerProcess::Start(
      Tonghopd(), {"--data-dir=" + aggregation_dir.path(), "--services=aggregation",
                   "--registry-address=" + (*registry)->address(),
                   "--submissions-address=" + (*submissions)->address()});
  ASSERT_TRUE(aggregation.ok()) << aggregation.status();

  ASSERT_TRUE(LoadAggregationRegistry(ChannelTo((*registry)->address())).ok());
  RandomHistory history(ChannelTo((*submissions)->address()), 31);
  {
    absl::Status run = history.Run(60);
    ASSERT_TRUE(run.ok()) << run;
  }
  int64_t last = *LastSequence(ChannelTo((*submissions)->address()));
  auto agg_channel = ChannelTo((*aggregation)->address());
  auto rollup = RollupAt(agg_channel, last, "agencies/dong-nai", "2026", agg::kPlan, "dong-nai",
                         /*include_unreviewed=*/true);
  ASSERT_TRUE(rollup.ok()) << rollup.status();
  EXPECT_EQ(rollup->applied_sequence(), last);
  auto verified = Rebuild(agg_channel, true);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->identical());

  // The compiled workbook, through the CLI as an official would get it,
  // holds the same numbers as the CLI's roll-up.
  std::string cli = BuiltBinary("clients/cli/tonghop");
  std::string dir = aggregation_dir.path() + "/out";
  std::filesystem::create_directories(dir);
  std::string common = absl::StrCat(cli, " --server=", (*aggregation)->address(),
                                    " --agency=dong-nai --state-dir=", dir, "/state");
  std::string scope = absl::StrCat(" --plan=", agg::kPlan,
                                   " --period=2026 --include-unreviewed --min-sequence=", last);
  ASSERT_EQ(std::system(absl::StrCat(common, " compile", scope, " --format=xlsx --out=", dir,
                                     "/report.xlsx 2>/dev/null")
                            .c_str()),
            0);
  ASSERT_EQ(std::system(absl::StrCat(common, " --output=json rollup", scope, " > ", dir,
                                     "/rollup.json")
                            .c_str()),
            0);
  std::string check = absl::StrCat(Python(), " ", SourcePath("tests/tools/xlsx_matches_rollup.py"),
                                   " ", dir, "/report.xlsx ", dir, "/rollup.json");
  EXPECT_EQ(std::system(check.c_str()), 0) << check;
}

}  // namespace
}  // namespace tonghop::testing
