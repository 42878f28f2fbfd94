#include "services/aggregation/queries.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/test_fixture.h"
#include "services/common/errors.h"
#include "storage/memory_store.h"

namespace tonghop::aggregation {
namespace {

using testing::IntValue;
using testing::MakeChange;
using testing::MakeReport;
using ::testing::ElementsAre;

class QueriesTest : public ::testing::Test {
 protected:
  QueriesTest() : clock_(absl::FromCivil(absl::CivilSecond(2026, 11, 20, 9, 0, 0), absl::UTCTimeZone())) {
    testing::LoadRegistry(registry_);
    aggregates_ = *AggregateStore::Open(&store_);
    queries_ = std::make_unique<AggregationQueries>(aggregates_.get(), &registry_, &clock_,
                                                    &policy_);
  }

  void Apply(v1::ChangeKind kind, const v1::Report& report) {
    auto snapshot = *registry_.Snapshot(false);
    ASSERT_TRUE(aggregates_->Apply(MakeChange(++sequence_, kind, report), *snapshot->hierarchy).ok());
  }
  void Accept(const v1::Report& report) {
    Apply(v1::CHANGE_KIND_SUBMITTED, report);
    Apply(v1::CHANGE_KIND_ACCEPTED, report);
  }

  v1::RollupRequest RollupRequest(const std::string& agency = "agencies/dong-nai",
                                  const std::string& period = "2026") {
    v1::RollupRequest r;
    r.set_plan(testing::kPlan);
    r.set_period(period);
    r.set_agency(agency);
    return r;
  }

  const v1::IndicatorRollup* Find(const v1::RollupResponse& response, const std::string& id) {
    for (const auto& i : response.indicators()) {
      if (i.indicator() == "indicators/" + id) return &i;
    }
    return nullptr;
  }

  Caller ministry_{"agencies/bo-tu-phap"};
  Caller focal_{"agencies/dong-nai-so-tu-phap"};
  FakeClock clock_;
  StaticRegistryView registry_;
  storage::MemoryStore store_;
  std::unique_ptr<AggregateStore> aggregates_;
  AccessPolicy policy_{"agencies/bo-tu-phap"};
  std::unique_ptr<AggregationQueries> queries_;
  int64_t sequence_ = 0;
};

TEST_F(QueriesTest, RatioIsComputedFromSummedPartsAndShownExactly) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("complaints-received", 1), IntValue("complaints-resolved", 1)}));
  Accept(MakeReport("dong-nai-so-y-te", "2026", 1,
                    {IntValue("complaints-received", 3), IntValue("complaints-resolved", 1)}));
  auto response = queries_->Rollup(focal_, RollupRequest());
  ASSERT_TRUE(response.ok()) << response.status();
  const auto* rate = Find(*response, "complaint-resolution-rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_TRUE(rate->total().present());
  EXPECT_EQ(rate->total().value(), "50.00");
  EXPECT_EQ(rate->total().numerator(), "2");
  EXPECT_EQ(rate->total().denominator(), "4");
  EXPECT_EQ(Find(*response, "complaints-received")->total().value(), "4");
  EXPECT_EQ(Find(*response, "complaints-received")->total().contributors(), 2);
  EXPECT_EQ(response->applied_sequence(), 4);
  // NONE is not rolled up.
  EXPECT_FALSE(Find(*response, "notes")->total().present());
}

TEST_F(QueriesTest, UnreviewedReportsCountOnlyWhenAsked) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1, {IntValue("complaints-received", 10)}));
  Apply(v1::CHANGE_KIND_SUBMITTED,
        MakeReport("dong-nai-so-y-te", "2026", 1, {IntValue("complaints-received", 5)}));
  auto accepted = *queries_->Rollup(focal_, RollupRequest());
  EXPECT_EQ(Find(accepted, "complaints-received")->total().value(), "10");
  auto request = RollupRequest();
  request.set_include_unreviewed(true);
  auto all = *queries_->Rollup(focal_, request);
  EXPECT_EQ(Find(all, "complaints-received")->total().value(), "15");
  // A returned report counts in neither.
  Apply(v1::CHANGE_KIND_RETURNED,
        MakeReport("dong-nai-so-y-te", "2026", 1, {IntValue("complaints-received", 5)}));
  EXPECT_EQ(Find(*queries_->Rollup(focal_, request), "complaints-received")->total().value(), "10");
}

TEST_F(QueriesTest, BreakdownsByDimensionAndChildAgency) {
  Accept(MakeReport("dong-nai-so-y-te", "2026", 1,
                    {IntValue("complaints-received", 9),
                     IntValue("complaints-received", 4, {{"sex", "female"}}),
                     IntValue("complaints-received", 5, {{"sex", "male"}})}));
  Accept(MakeReport("dong-nai-xa-a", "2026", 1,
                    {IntValue("complaints-received", 2),
                     IntValue("complaints-received", 2, {{"sex", "female"}})}));
  auto request = RollupRequest();
  request.add_indicators("indicators/complaints-received");
  request.set_group_by(v1::ROLLUP_GROUPING_DIMENSION);
  request.set_dimension("dimensions/sex");
  auto by_sex = *queries_->Rollup(focal_, request);
  ASSERT_EQ(by_sex.indicators_size(), 1);
  const auto& rows = by_sex.indicators(0).rows();
  ASSERT_EQ(rows.size(), 2);
  EXPECT_EQ(rows[0].label(), "Nữ");
  EXPECT_EQ(rows[0].figure().value(), "6");
  EXPECT_EQ(rows[1].label(), "Nam");
  EXPECT_EQ(rows[1].figure().value(), "5");

  request.set_group_by(v1::ROLLUP_GROUPING_CHILD_AGENCY);
  auto by_child = *queries_->Rollup(focal_, request);
  std::map<std::string, std::string> values;
  for (const auto& row : by_child.indicators(0).rows()) {
    values[row.agency()] = row.figure().present() ? row.figure().value() : "-";
  }
  EXPECT_EQ(values["agencies/dong-nai-so-y-te"], "9");
  EXPECT_EQ(values["agencies/dong-nai-xa-a"], "2");
  EXPECT_EQ(values["agencies/dong-nai-xa-b"], "-");
  EXPECT_EQ(values.count("agencies/binh-phuoc"), 0u);  // dissolved before 2026
}

TEST_F(QueriesTest, SubtreeSpanningADissolvedUnitAndItsSuccessor) {
  Accept(MakeReport("binh-phuoc-so-y-te", "2024", 1, {IntValue("complaints-received", 30)}));
  Accept(MakeReport("dong-nai-so-y-te", "2024", 1, {IntValue("complaints-received", 20)}));
  Accept(MakeReport("dong-nai-so-y-te", "2026", 1, {IntValue("complaints-received", 45)}));
  auto r2024 = *queries_->Rollup(focal_, RollupRequest("agencies/dong-nai", "2024"));
  EXPECT_EQ(Find(r2024, "complaints-received")->total().value(), "50");
  auto ministry = *queries_->Rollup(ministry_, RollupRequest("agencies/bo-tu-phap", "2024"));
  EXPECT_EQ(Find(ministry, "complaints-received")->total().value(), "50");
  auto request = RollupRequest("agencies/dong-nai", "2024");
  request.set_group_by(v1::ROLLUP_GROUPING_CHILD_AGENCY);
  request.add_indicators("indicators/complaints-received");
  bool saw_binh_phuoc = false;
  auto by_child = *queries_->Rollup(focal_, request);
  for (const auto& row : by_child.indicators(0).rows()) {
    if (row.agency() == "agencies/binh-phuoc") {
      saw_binh_phuoc = true;
      EXPECT_EQ(row.figure().value(), "30");
    }
  }
  EXPECT_TRUE(saw_binh_phuoc);
  // The trend lines up 2024 (with Bình Phước) and 2026.
  v1::TrendRequest trend;
  trend.set_agency("agencies/dong-nai");
  trend.set_indicator("indicators/complaints-received");
  trend.add_plans(testing::kPlan);
  auto points = *queries_->Trend(focal_, trend);
  ASSERT_EQ(points.points_size(), 2);
  EXPECT_EQ(points.points(0).period(), "2024");
  EXPECT_EQ(points.points(0).figure().value(), "50");
  EXPECT_EQ(points.points(1).figure().value(), "45");
  EXPECT_EQ(points.points(1).change(), "-5");
  // Complaints received should fall: a fall is as wanted.
  EXPECT_FALSE(points.points(1).against_direction());
}

TEST_F(QueriesTest, TrendFlagsMovesAgainstTheWantedDirection) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2025", 1,
                    {IntValue("complaints-received", 10), IntValue("complaints-resolved", 9)}));
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("complaints-received", 10), IntValue("complaints-resolved", 6)}));
  v1::TrendRequest trend;
  trend.set_agency("agencies/dong-nai");
  trend.set_indicator("indicators/complaint-resolution-rate");
  trend.add_plans(testing::kPlan);
  trend.add_periods("2026");
  trend.add_periods("2025");
  trend.add_periods("2024");
  auto response = *queries_->Trend(focal_, trend);
  ASSERT_EQ(response.points_size(), 3);
  EXPECT_FALSE(response.points(0).figure().present());
  EXPECT_EQ(response.points(1).figure().value(), "90.00");
  EXPECT_EQ(response.points(2).figure().value(), "60.00");
  EXPECT_EQ(response.points(2).change(), "-30.00");
  EXPECT_TRUE(response.points(2).against_direction());
  EXPECT_EQ(response.against_direction(), 1);
}

TEST_F(QueriesTest, CompletenessNamesExactlyTheMissingAgencies) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1, {}, testing::kPlan, 1790000000, true));
  Accept(MakeReport("dong-nai-xa-a", "2026", 1, {}, testing::kPlan, 1790000000, false));
  Apply(v1::CHANGE_KIND_SUBMITTED, MakeReport("dong-nai-cong-an-tinh", "2026", 1, {}));
  Apply(v1::CHANGE_KIND_SUBMITTED, MakeReport("dong-nai-so-y-te", "2026", 1, {}));
  Apply(v1::CHANGE_KIND_RETURNED, MakeReport("dong-nai-so-y-te", "2026", 1, {}));
  // Not expected by any assignment: reports anyway.
  Accept(MakeReport("dong-nai", "2026", 1, {}));
  v1::CompletenessRequest request;
  request.set_plan(testing::kPlan);
  request.set_period("2026");
  request.set_agency("agencies/dong-nai");
  auto c = *queries_->Completeness(focal_, request);
  // so-tu-phap, so-y-te (coordinating), both communes (closed group),
  // cong-an, tand (requested); the open group adds nobody.
  EXPECT_EQ(c.expected(), 6);
  EXPECT_EQ(c.received(), 2);
  EXPECT_EQ(c.on_time(), 1);
  EXPECT_EQ(c.late(), 1);
  EXPECT_EQ(c.awaiting_review(), 1);
  EXPECT_EQ(c.returned(), 1);
  EXPECT_EQ(c.missing(), 3);
  std::vector<std::string> missing;
  for (const auto& m : c.missing_reporters()) missing.push_back(m.agency());
  std::sort(missing.begin(), missing.end());
  EXPECT_THAT(missing, ElementsAre("agencies/dong-nai-so-y-te", "agencies/dong-nai-tand-tinh",
                                   "agencies/dong-nai-xa-b"));
  for (const auto& m : c.missing_reporters()) {
    EXPECT_EQ(m.requested(), m.agency() == "agencies/dong-nai-tand-tinh");
  }
  ASSERT_EQ(c.other_reporters_size(), 1);
  EXPECT_EQ(c.other_reporters(0).agency(), "agencies/dong-nai");
  EXPECT_EQ(c.due_date().month(), 11);
  // Counting unreviewed reports receives the police's report too.
  request.set_include_unreviewed(true);
  auto all = *queries_->Completeness(focal_, request);
  EXPECT_EQ(all.received(), 3);
  EXPECT_EQ(all.missing(), 3);
}

TEST_F(QueriesTest, TaskStatusAndOverdueRule) {
  v1::Report so_tu_phap = MakeReport("dong-nai-so-tu-phap", "2026", 1, {});
  auto* p = so_tu_phap.add_progress();
  p->set_task(std::string(testing::kPlan) + "/tasks/A.1");
  p->set_status(v1::PROGRESS_STATUS_ONGOING);
  p->set_summary("Đã tiếp nhận và giải quyết 10 vụ việc");
  p->set_lead(true);
  Accept(so_tu_phap);
  v1::Report cong_an = MakeReport("dong-nai-cong-an-tinh", "2026", 1, {});
  auto* q = cong_an.add_progress();
  q->set_task(std::string(testing::kPlan) + "/tasks/A.4");
  q->set_status(v1::PROGRESS_STATUS_IN_PROGRESS);
  q->set_lead(true);
  Accept(cong_an);
  v1::Report so_y_te = MakeReport("dong-nai-so-y-te", "2026", 1, {});
  auto* r = so_y_te.add_progress();
  r->set_task(std::string(testing::kPlan) + "/tasks/A.3");
  r->set_status(v1::PROGRESS_STATUS_NOT_APPLICABLE);
  Accept(so_y_te);

  v1::TaskStatusRequest request;
  request.set_plan(testing::kPlan);
  request.set_period("2026");
  request.set_agency("agencies/dong-nai");
  auto response = *queries_->TaskStatus(focal_, request);  // as of 20 Nov 2026
  std::map<std::string, const v1::TaskStatusEntry*> tasks;
  for (const auto& t : response.tasks()) tasks[t.outline()] = &t;
  ASSERT_EQ(tasks.size(), 5u);
  // A.1: every year, due 5 Nov; the lead reported ONGOING (recurring work done).
  EXPECT_FALSE(tasks["A.1"]->overdue());
  ASSERT_EQ(tasks["A.1"]->assignees_size(), 2);
  EXPECT_EQ(tasks["A.1"]->assignees(0).summary(), "Đã tiếp nhận và giải quyết 10 vụ việc");
  EXPECT_TRUE(tasks["A.1"]->assignees(0).lead());
  EXPECT_FALSE(tasks["A.1"]->assignees(1).lead());
  // A.2: year range ending 2026, due 31 Dec: not yet.
  EXPECT_FALSE(tasks["A.2"]->overdue());
  EXPECT_EQ(tasks["A.2"]->leads(), 2);
  // A.3: on request: never overdue; the health department reported as a
  // member of the open group.
  EXPECT_FALSE(tasks["A.3"]->overdue());
  bool from_open_group = false;
  for (const auto& a : tasks["A.3"]->assignees()) {
    if (a.agency() == "agencies/dong-nai-so-y-te") from_open_group = a.from_open_group();
  }
  EXPECT_TRUE(from_open_group);
  // A.4: by 30 June 2026, only in progress: overdue.
  EXPECT_TRUE(tasks["A.4"]->overdue());
  EXPECT_EQ(response.overdue(), 1);
  // In January 2027 the 2026 year range has passed too.
  *request.mutable_as_of() = google::protobuf::Timestamp();
  request.mutable_as_of()->set_seconds(absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(2027, 1, 15, 0, 0, 0), absl::UTCTimeZone())));
  request.set_overdue_only(true);
  auto later = *queries_->TaskStatus(focal_, request);
  std::vector<std::string> overdue;
  for (const auto& t : later.tasks()) overdue.push_back(t.outline());
  EXPECT_THAT(overdue, ElementsAre("A.2", "A.4"));
}

TEST_F(QueriesTest, ReadingIsLimitedToOwnSubtreeFocalAgenciesAndTheMinistry) {
  EXPECT_TRUE(queries_->Rollup(ministry_, RollupRequest()).ok());
  EXPECT_TRUE(queries_->Rollup(focal_, RollupRequest()).ok());
  EXPECT_TRUE(queries_->Rollup(Caller{"agencies/dong-nai"}, RollupRequest()).ok());
  EXPECT_TRUE(
      queries_->Rollup(Caller{"agencies/dong-nai-so-y-te"}, RollupRequest("agencies/dong-nai-so-y-te"))
          .ok());
  EXPECT_EQ(queries_->Rollup(Caller{"agencies/dong-nai-so-y-te"}, RollupRequest()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(queries_->Rollup(Caller{"agencies/quang-ngai-so-tu-phap"}, RollupRequest())
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(queries_->Rollup(Caller{""}, RollupRequest()).status().code(),
            absl::StatusCode::kUnauthenticated);
  // Permission before existence: an unknown subtree is NOT_FOUND for the
  // ministry and PERMISSION_DENIED for others.
  EXPECT_EQ(queries_->Rollup(ministry_, RollupRequest("agencies/nowhere")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(queries_->Rollup(focal_, RollupRequest("agencies/nowhere")).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(QueriesTest, BadRequestsNameTheField) {
  auto request = RollupRequest();
  request.set_period("2026S3");
  request.set_plan("dong-nai-74-2026");
  auto status = queries_->Rollup(ministry_, request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  auto bad = GetBadRequest(status);
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(0).field(), "plan");
  EXPECT_EQ(bad.field_violations(1).field(), "period");
  request = RollupRequest();
  request.set_group_by(v1::ROLLUP_GROUPING_DIMENSION);
  EXPECT_EQ(GetBadRequest(queries_->Rollup(ministry_, request).status()).field_violations(0).field(),
            "dimension");
  request = RollupRequest();
  request.set_plan("plans/missing");
  EXPECT_EQ(queries_->Rollup(ministry_, request).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(QueriesTest, CompiledReportComparesWithThePreviousPeriod) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2025", 1,
                    {IntValue("complaints-received", 10), IntValue("complaints-resolved", 8)}));
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("complaints-received", 12), IntValue("complaints-resolved", 6),
                     testing::DecimalValue("budget", "1250.5")}));
  v1::CompileReportRequest request;
  request.set_plan(testing::kPlan);
  request.set_period("2026");
  request.set_agency("agencies/dong-nai");
  auto report = *queries_->Compile(focal_, request);
  EXPECT_EQ(report.plan_symbol(), "74/KH-UBND");
  EXPECT_EQ(report.compiler(), "agencies/dong-nai-so-tu-phap");
  EXPECT_EQ(report.previous_period(), "2025");
  EXPECT_EQ(report.compiled_on().day(), 20);
  std::map<std::string, const v1::CompiledStatistic*> stats;
  for (const auto& s : report.statistics()) stats[s.indicator()] = &s;
  EXPECT_EQ(stats.count("indicators/notes"), 0u);
  const auto* received = stats["indicators/complaints-received"];
  EXPECT_EQ(received->current().value(), "12");
  EXPECT_EQ(received->previous().value(), "10");
  EXPECT_EQ(received->change(), "+2");
  EXPECT_TRUE(received->against_direction());  // wanted down
  const auto* rate = stats["indicators/complaint-resolution-rate"];
  EXPECT_EQ(rate->current().value(), "50.00");
  EXPECT_EQ(rate->previous().value(), "80.00");
  EXPECT_EQ(rate->change(), "-30.00");
  EXPECT_TRUE(rate->against_direction());
  EXPECT_EQ(stats["indicators/budget"]->current().value(), "1250.5");
  EXPECT_EQ(report.completeness().expected(), 6);
  EXPECT_EQ(report.tasks_size(), 5);
}

TEST(TaskDueDateTest, FollowsTheDeadlineShape) {
  v1::Plan plan = testing::MakePlan();
  Period y2026 = *ParsePeriod("2026", "p");
  Period y2027 = *ParsePeriod("2027", "p");
  v1::Task task;
  task.mutable_deadline()->set_kind(v1::DEADLINE_KIND_MILESTONES);
  auto* m = task.mutable_deadline()->add_milestones();
  m->set_label("Báo cáo sơ kết");
  m->set_year(2027);
  EXPECT_FALSE(TaskDueDate(task, plan, y2026).has_value());
  EXPECT_EQ(*TaskDueDate(task, plan, y2027), absl::CivilDay(2027, 12, 31));
  task.mutable_deadline()->set_kind(v1::DEADLINE_KIND_ONGOING);
  EXPECT_FALSE(TaskDueDate(task, plan, y2026).has_value());
  task.mutable_deadline()->set_kind(v1::DEADLINE_KIND_ON_REQUEST);
  task.mutable_deadline()->set_annual(true);
  EXPECT_EQ(*TaskDueDate(task, plan, y2026), absl::CivilDay(2026, 11, 5));
}

}  // namespace
}  // namespace tonghop::aggregation
