// The aggregation service end to end over gRPC: the registry and the
// submissions service in one server, the aggregation service in another
// that reaches them over TCP, a random report history driven through the
// Submissions API, and the roll-ups checked against a rebuild from the feed
// and against the reports themselves.

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "google/protobuf/util/json_util.h"
#include "tests/integration/aggregation_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

class AggregationE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServer::Options core_options;
    core_options.services = {"registry", "submissions"};
    auto core = TestServer::Start(core_dir_.path(), core_options);
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = *std::move(core);
    TestServer::Options agg_options;
    agg_options.services = {"aggregation"};
    agg_options.remote_addresses = {{"registry", core_->address()},
                                    {"submissions", core_->address()}};
    auto agg = TestServer::Start(agg_dir_.path(), agg_options);
    ASSERT_TRUE(agg.ok()) << agg.status();
    agg_ = *std::move(agg);
    ASSERT_TRUE(LoadAggregationRegistry(core_->NewChannel()).ok());
  }

  TempDir core_dir_;
  TempDir agg_dir_;
  std::unique_ptr<TestServer> core_;
  std::unique_ptr<TestServer> agg_;
};

TEST_F(AggregationE2eTest, IncrementalEqualsRebuildOnARandomHistory) {
  RandomHistory history(core_->NewChannel(), 1234);
  {
    absl::Status run = history.Run(120);
    ASSERT_TRUE(run.ok()) << run;
  }
  absl::StatusOr<int64_t> last = LastSequence(core_->NewChannel());
  ASSERT_TRUE(last.ok()) << last.status();
  ASSERT_EQ(*last, 120);
  auto rollup = RollupAt(agg_->NewChannel(), *last);
  ASSERT_TRUE(rollup.ok()) << rollup.status();
  EXPECT_EQ(rollup->applied_sequence(), 120);

  auto verified = Rebuild(agg_->NewChannel(), /*verify_only=*/true);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->identical());
  EXPECT_FALSE(verified->swapped());
  EXPECT_EQ(verified->changes_replayed(), 120);
  EXPECT_GT(verified->records(), 0);

  auto swapped = Rebuild(agg_->NewChannel(), /*verify_only=*/false);
  ASSERT_TRUE(swapped.ok()) << swapped.status();
  EXPECT_TRUE(swapped->identical());
  EXPECT_TRUE(swapped->swapped());
  auto after = RollupAt(agg_->NewChannel(), *last);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->SerializeAsString(), rollup->SerializeAsString());

  // The live consumer keeps going on the swapped-in table.
  {
    absl::Status run = history.Run(40);
    ASSERT_TRUE(run.ok()) << run;
  }
  last = LastSequence(core_->NewChannel());
  ASSERT_TRUE(RollupAt(agg_->NewChannel(), *last).ok());
  verified = Rebuild(agg_->NewChannel(), true);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->identical());
}

TEST_F(AggregationE2eTest, TotalsEqualTheSumOfTheAcceptedReports) {
  RandomHistory history(core_->NewChannel(), 77);
  {
    absl::Status run = history.Run(100);
    ASSERT_TRUE(run.ok()) << run;
  }
  int64_t last = *LastSequence(core_->NewChannel());
  for (const char* period : {"2024", "2025", "2026"}) {
    SCOPED_TRACE(period);
    v1::ListReportsRequest list;
    list.set_plan(agg::kPlan);
    list.set_period(period);
    list.set_state(v1::REPORT_STATE_ACCEPTED);
    auto reports = client::SubmissionsClient(client::Connection(core_->NewChannel(), "bo-tu-phap"))
                       .ListReports(list);
    ASSERT_TRUE(reports.ok()) << reports.status();
    int64_t received = 0, resolved = 0;
    for (const v1::Report& r : *reports) {
      for (const v1::Value& v : r.values()) {
        if (!v.cells().empty()) continue;
        if (v.indicator() == "indicators/complaints-received") received += v.int_value();
        if (v.indicator() == "indicators/complaints-resolved") resolved += v.int_value();
      }
    }
    auto rollup = RollupAt(agg_->NewChannel(), last, "agencies/dong-nai", period);
    ASSERT_TRUE(rollup.ok()) << rollup.status();
    EXPECT_EQ(TotalOf(*rollup, "complaints-received"),
              received == 0 ? "" : absl::StrCat(received));
    EXPECT_EQ(TotalOf(*rollup, "complaints-resolved"),
              resolved == 0 ? "" : absl::StrCat(resolved));
  }
}

TEST_F(AggregationE2eTest, CompletenessNamesExactlyTheMissingAgencies) {
  for (const char* agency : {"dong-nai-so-tu-phap", "dong-nai-xa-a"}) {
    v1::SubmitRequest submit;
    submit.set_name(ReportName(agency, "2026"));
    *submit.mutable_report() = ContentFor(agency, 1);
    auto s = client::SubmissionsClient(client::Connection(core_->NewChannel(), agency)).Submit(submit);
    ASSERT_TRUE(s.ok()) << s.status();
    v1::ReviewRequest review;
    review.set_name(submit.name());
    review.set_decision(v1::REVIEW_DECISION_ACCEPT);
    ASSERT_TRUE(client::SubmissionsClient(
                    client::Connection(core_->NewChannel(), ReviewerOf(agency)))
                    .Review(review)
                    .ok());
  }
  int64_t last = *LastSequence(core_->NewChannel());
  v1::CompletenessRequest request;
  request.set_plan(agg::kPlan);
  request.set_period("2026");
  request.set_agency("agencies/dong-nai");
  request.set_min_sequence(last);
  v1::CompletenessResponse response;
  auto stub = v1::Aggregation::NewStub(agg_->NewChannel());
  ASSERT_TRUE(
      stub->Completeness(AggregationContext("dong-nai-so-tu-phap").get(), request, &response).ok());
  EXPECT_EQ(response.expected(), 6);
  EXPECT_EQ(response.received(), 2);
  std::vector<std::string> missing;
  for (const auto& m : response.missing_reporters()) missing.push_back(m.agency());
  std::sort(missing.begin(), missing.end());
  EXPECT_EQ(missing, (std::vector<std::string>{
                         "agencies/dong-nai-cong-an-tinh", "agencies/dong-nai-so-y-te",
                         "agencies/dong-nai-tand-tinh", "agencies/dong-nai-xa-b"}));
}

TEST_F(AggregationE2eTest, CompiledWorkbookHoldsTheRollupsNumbers) {
  RandomHistory history(core_->NewChannel(), 99);
  {
    absl::Status run = history.Run(80);
    ASSERT_TRUE(run.ok()) << run;
  }
  int64_t last = *LastSequence(core_->NewChannel());
  v1::CompileReportRequest request;
  request.set_plan(agg::kPlan);
  request.set_period("2026");
  request.set_agency("agencies/dong-nai");
  request.set_format(v1::REPORT_FORMAT_XLSX);
  request.set_min_sequence(last);
  request.set_include_unreviewed(true);
  v1::CompileReportResponse compiled;
  auto stub = v1::Aggregation::NewStub(agg_->NewChannel());
  ASSERT_TRUE(
      stub->CompileReport(AggregationContext("dong-nai").get(), request, &compiled).ok());
  auto rollup = RollupAt(agg_->NewChannel(), last, "agencies/dong-nai", "2026", agg::kPlan,
                         "dong-nai", /*include_unreviewed=*/true);
  ASSERT_TRUE(rollup.ok());
  std::string dir = agg_dir_.path() + "/check";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/report.xlsx", std::ios::binary) << compiled.content();
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(*rollup, &json).ok());
  std::ofstream(dir + "/rollup.json") << json;
  std::string command = absl::StrCat(Python(), " ",
                                     SourcePath("tests/tools/xlsx_matches_rollup.py"), " ", dir,
                                     "/report.xlsx ", dir, "/rollup.json");
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

TEST_F(AggregationE2eTest, ARestartedAggregationServiceResumesFromItsPosition) {
  RandomHistory history(core_->NewChannel(), 5);
  {
    absl::Status run = history.Run(30);
    ASSERT_TRUE(run.ok()) << run;
  }
  int64_t last = *LastSequence(core_->NewChannel());
  ASSERT_TRUE(RollupAt(agg_->NewChannel(), last).ok());
  ASSERT_TRUE(agg_->Restart().ok());
  {
    absl::Status run = history.Run(30);
    ASSERT_TRUE(run.ok()) << run;
  }
  last = *LastSequence(core_->NewChannel());
  auto rollup = RollupAt(agg_->NewChannel(), last);
  ASSERT_TRUE(rollup.ok());
  EXPECT_EQ(rollup->applied_sequence(), last);
  auto verified = Rebuild(agg_->NewChannel(), true);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->identical());
}

}  // namespace
}  // namespace tonghop::testing
