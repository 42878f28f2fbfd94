// Federation: a province runs its own instance and the ministry its own. The
// province forwards its compiled figures and task statuses to the ministry's
// instance as its own report there; forwarding twice gives one revision,
// and the ministry's roll-ups include the province.

#include "gtest/gtest.h"
#include "tests/integration/aggregation_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

// One instance: registry and submissions in one server, aggregation in
// another that reaches them over TCP.
struct Instance {
  TempDir core_dir;
  TempDir agg_dir;
  std::unique_ptr<TestServer> core;
  std::unique_ptr<TestServer> agg;

  // `upstream`: where this instance forwards, as `agencies/dong-nai`.
  absl::Status Start(const std::string& upstream = "") {
    TestServer::Options core_options;
    core_options.services = {"registry", "submissions"};
    auto c = TestServer::Start(core_dir.path(), core_options);
    if (!c.ok()) return c.status();
    core = *std::move(c);
    TestServer::Options agg_options;
    agg_options.services = {"aggregation"};
    agg_options.remote_addresses = {{"registry", core->address()},
                                    {"submissions", core->address()}};
    if (!upstream.empty()) {
      agg_options.upstream = upstream;
      agg_options.upstream_agency = "agencies/dong-nai";
    }
    auto a = TestServer::Start(agg_dir.path(), agg_options);
    if (!a.ok()) return a.status();
    agg = *std::move(a);
    return LoadAggregationRegistry(core->NewChannel(), {NationalPlan()});
  }
};

TEST(AggregationForwardTest, ProvinceForwardsToTheMinistryOnceAndItsRollupIncludesIt) {
  Instance province, ministry;
  ASSERT_TRUE(ministry.Start().ok());
  ASSERT_TRUE(province.Start(ministry.core->address()).ok());
  ASSERT_TRUE(SubmitAndAccept(province.core->NewChannel(), "dong-nai-so-tu-phap", 5).ok());
  ASSERT_TRUE(SubmitAndAccept(province.core->NewChannel(), "dong-nai-so-y-te", 8).ok());
  int64_t last = *LastSequence(province.core->NewChannel());
  auto local = RollupAt(province.agg->NewChannel(), last, "agencies/dong-nai", "2026", agg::kPlan,
                        "dong-nai-so-tu-phap");
  ASSERT_TRUE(local.ok()) << local.status();
  std::string received = TotalOf(*local, "complaints-received");
  ASSERT_EQ(received, "33");  // 15 + 18

  v1::ForwardRequest request;
  request.set_plan(agg::kPlan);
  request.set_period("2026");
  request.set_agency("agencies/dong-nai");
  request.set_target_plan(kNationalPlan);
  request.set_min_sequence(last);
  auto stub = v1::Aggregation::NewStub(province.agg->NewChannel());
  v1::ForwardResponse first;
  grpc::Status status =
      stub->Forward(AggregationContext("dong-nai-so-tu-phap").get(), request, &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(first.unchanged());
  EXPECT_EQ(first.report().revision(), 1);
  EXPECT_EQ(first.report().state(), v1::REPORT_STATE_SUBMITTED);
  EXPECT_EQ(first.progress(), 1);
  EXPECT_GT(first.values(), 0);

  // Forwarding again changes nothing on the ministry's side.
  v1::ForwardResponse second;
  ASSERT_TRUE(stub->Forward(AggregationContext("dong-nai-so-tu-phap").get(), request, &second).ok());
  EXPECT_EQ(first.outcome(), v1::FORWARD_OUTCOME_SENT);
  EXPECT_FALSE(first.request_id().empty());
  EXPECT_TRUE(second.unchanged()) << first.report().DebugString();
  EXPECT_EQ(second.outcome(), v1::FORWARD_OUTCOME_UNCHANGED);
  EXPECT_TRUE(second.request_id().empty());
  auto revisions = client::SubmissionsClient(client::Connection(ministry.core->NewChannel(),
                                                                "bo-tu-phap"))
                       .ListRevisions(first.report().name());
  ASSERT_TRUE(revisions.ok()) << revisions.status();
  EXPECT_EQ(revisions->size(), 1u);

  // The ministry accepts it; its roll-up includes Đồng Nai's figures.
  v1::ReviewRequest review;
  review.set_name(first.report().name());
  review.set_decision(v1::REVIEW_DECISION_ACCEPT);
  ASSERT_TRUE(client::SubmissionsClient(client::Connection(ministry.core->NewChannel(),
                                                           "bo-tu-phap"))
                  .Review(review)
                  .ok());
  int64_t ministry_last = *LastSequence(ministry.core->NewChannel());
  auto national = RollupAt(ministry.agg->NewChannel(), ministry_last, "agencies/bo-tu-phap",
                           "2026", kNationalPlan);
  ASSERT_TRUE(national.ok()) << national.status();
  EXPECT_EQ(TotalOf(*national, "complaints-received"), received);
  EXPECT_EQ(TotalOf(*national, "complaints-resolved"), TotalOf(*local, "complaints-resolved"));
  EXPECT_EQ(TotalOf(*national, "complaint-resolution-rate"),
            TotalOf(*local, "complaint-resolution-rate"));
  EXPECT_EQ(national->coverage().contributed(), 1);
}

// A provincial plan whose indicator the national plan names differently
// (its indicator_mappings) forwards that figure under the national name, as
// its continuous push does, rather than leaving it out.
TEST(AggregationForwardTest, AMappedIndicatorIsForwardedUnderTheNationalName) {
  Instance province, ministry;
  ASSERT_TRUE(ministry.Start().ok());
  // The Ministry names complaints received its own way.
  auto registry = v1::Registry::NewStub(ministry.core->NewChannel());
  v1::CreateIndicatorRequest create;
  create.set_indicator_id("khieu-nai-da-nhan");
  for (const v1::Indicator& i : agg::Indicators()) {
    if (i.name() == "indicators/complaints-received") *create.mutable_indicator() = i;
  }
  create.mutable_indicator()->set_name("indicators/khieu-nai-da-nhan");
  v1::Indicator created;
  grpc::Status status =
      registry->CreateIndicator(AggregationContext("bo-tu-phap").get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::UpdateTaskRequest task;
  task.mutable_task()->set_name(std::string(kNationalPlan) + "/tasks/A.1");
  task.mutable_task()->add_indicators("indicators/khieu-nai-da-nhan");
  task.mutable_task()->add_indicators("indicators/complaints-resolved");
  task.mutable_update_mask()->add_paths("indicators");
  v1::Task updated;
  status = registry->UpdateTask(AggregationContext("bo-tu-phap").get(), task, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // The province's plan feeds the national one and says which is which.
  ASSERT_TRUE(province.Start(ministry.core->address()).ok());
  v1::UpdatePlanRequest plan;
  plan.mutable_plan()->set_name(agg::kPlan);
  plan.mutable_plan()->set_upstream_plan(kNationalPlan);
  v1::IndicatorMapping* mapping = plan.mutable_plan()->add_indicator_mappings();
  mapping->set_indicator("indicators/complaints-received");
  mapping->set_upstream_indicator("indicators/khieu-nai-da-nhan");
  plan.mutable_update_mask()->add_paths("upstream_plan");
  plan.mutable_update_mask()->add_paths("indicator_mappings");
  v1::Plan changed;
  status = v1::Registry::NewStub(province.core->NewChannel())
               ->UpdatePlan(AggregationContext("bo-tu-phap").get(), plan, &changed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(SubmitAndAccept(province.core->NewChannel(), "dong-nai-so-tu-phap", 5).ok());
  ASSERT_TRUE(SubmitAndAccept(province.core->NewChannel(), "dong-nai-so-y-te", 8).ok());
  int64_t last = *LastSequence(province.core->NewChannel());

  // No target plan: the one the plan feeds.
  v1::ForwardRequest request;
  request.set_plan(agg::kPlan);
  request.set_period("2026");
  request.set_agency("agencies/dong-nai");
  request.set_min_sequence(last);
  v1::ForwardResponse forwarded;
  status = v1::Aggregation::NewStub(province.agg->NewChannel())
               ->Forward(AggregationContext("dong-nai-so-tu-phap").get(), request, &forwarded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(forwarded.report().plan(), kNationalPlan);
  std::string received;
  for (const v1::Value& value : forwarded.report().values()) {
    if (value.indicator() == "indicators/khieu-nai-da-nhan" && value.cells().empty()) {
      received = absl::StrCat(value.int_value());
    }
  }
  EXPECT_EQ(received, "33");  // 15 + 18
}

}  // namespace
}  // namespace tonghop::testing
