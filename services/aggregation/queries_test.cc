#include "services/aggregation/queries.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/report_render.h"
#include "services/aggregation/test_fixture.h"
#include "services/common/errors.h"

namespace tonghop::aggregation {
namespace {

using testing::IntValue;
using testing::MakeReport;
using ::testing::ElementsAre;

class QueriesTest : public ::testing::Test {
 protected:
  QueriesTest() : queries_(&env_.queries()) {}

  void Apply(v1::ChangeKind kind, const v1::Report& report) {
    ASSERT_TRUE(env_.Apply(kind, report).ok());
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

  v1::CompileReportRequest CompileRequest() {
    v1::CompileReportRequest r;
    r.set_plan(testing::kPlan);
    r.set_period("2026");
    r.set_agency("agencies/dong-nai");
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
  testing::QueryEnvironment env_;
  const AggregationQueries* queries_;
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

TEST(ExpectedReportersTest, AUnitDissolvedDuringTheRoundLeavesItToItsSuccessor) {
  // A commune of Đồng Nai dissolved on 30/06/2025 into Xã A.
  std::vector<v1::Agency> agencies = testing::Agencies();
  v1::Agency old_commune = testing::MakeAgency("dong-nai-xa-cu", "Xã Cũ", v1::AGENCY_KIND_COMMUNE,
                                               "dong-nai");
  *old_commune.mutable_valid_to() = testing::Day(2025, 6, 30);
  old_commune.add_successors("agencies/dong-nai-xa-a");
  agencies.push_back(old_commune);
  Hierarchy hierarchy(agencies);
  PlanInfo plan{testing::MakePlan(), testing::MakeTasks()};
  auto expected = [&](const char* period) {
    std::set<std::string> names;
    for (const auto& [name, unused] :
         ExpectedReporters(plan, hierarchy, *ParsePeriod(period, "period"), "agencies/dong-nai")) {
      names.insert(name);
    }
    return names;
  };
  // 2024: the old commune owes its report; the new ones did not exist.
  EXPECT_TRUE(expected("2024").count("agencies/dong-nai-xa-cu"));
  EXPECT_FALSE(expected("2024").count("agencies/dong-nai-xa-a"));
  // 2025 is reported after its end: by the communes of then, for the whole
  // year, not by the one dissolved in June.
  EXPECT_FALSE(expected("2025").count("agencies/dong-nai-xa-cu"));
  EXPECT_TRUE(expected("2025").count("agencies/dong-nai-xa-a"));
  EXPECT_TRUE(expected("2025").count("agencies/dong-nai-xa-b"));
  // The first half of 2025 ended on the day it was dissolved: still its own.
  EXPECT_TRUE(expected("2025S1").count("agencies/dong-nai-xa-cu"));
  EXPECT_FALSE(expected("2025S1").count("agencies/dong-nai-xa-a"));
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

TEST_F(QueriesTest, ATrendIsBoundedAndNamesNothingTwice) {
  v1::TrendRequest trend;
  trend.set_agency("agencies/dong-nai");
  trend.set_indicator("indicators/complaint-resolution-rate");
  for (int i = 0; i < 51; ++i) trend.add_plans(testing::kPlan);
  trend.add_periods("2026");
  auto too_many = queries_->Trend(focal_, trend);
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest plans_refused = GetBadRequest(too_many.status());
  ASSERT_GT(plans_refused.field_violations_size(), 0);
  EXPECT_EQ(plans_refused.field_violations(0).field(), "plans");

  trend.clear_plans();
  trend.add_plans(testing::kPlan);
  for (int year = 1800; year < 2100; ++year) trend.add_periods(absl::StrCat(year));
  google::rpc::BadRequest periods_refused =
      GetBadRequest(queries_->Trend(focal_, trend).status());
  ASSERT_GT(periods_refused.field_violations_size(), 0);
  EXPECT_EQ(periods_refused.field_violations(0).field(), "periods");

  trend.clear_periods();
  trend.add_plans(testing::kPlan);
  trend.add_periods("2026");
  trend.add_periods("2026");
  auto twice = queries_->Trend(focal_, trend);
  ASSERT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  google::rpc::BadRequest twice_refused = GetBadRequest(twice.status());
  for (const auto& v : twice_refused.field_violations()) fields.push_back(v.field());
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("plans[1]", "periods[1]"));
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

// The counts-only view says what the full one counts, in every subtree and
// both layers, at every step of a reporting round (it is kept up to date
// from the changes between calls, not read afresh), and lists nobody.
TEST_F(QueriesTest, TheBasicViewCountsWhatTheFullViewLists) {
  auto compare = [&](int step) {
    for (const char* root : {"agencies/bo-tu-phap", "agencies/dong-nai", "agencies/quang-ngai",
                             "agencies/dong-nai-xa-a"}) {
      for (bool unreviewed : {false, true}) {
        SCOPED_TRACE(absl::StrCat("step ", step, " ", root, unreviewed ? " unreviewed" : ""));
        v1::CompletenessRequest request;
        request.set_plan(testing::kPlan);
        request.set_period("2026");
        request.set_agency(root);
        request.set_include_unreviewed(unreviewed);
        auto full = queries_->Completeness(ministry_, request);
        request.set_view(v1::COMPLETENESS_VIEW_BASIC);
        auto basic = queries_->Completeness(ministry_, request);
        ASSERT_TRUE(full.ok()) << full.status();
        ASSERT_TRUE(basic.ok()) << basic.status();
        EXPECT_EQ(full->view(), v1::COMPLETENESS_VIEW_FULL);
        EXPECT_EQ(basic->view(), v1::COMPLETENESS_VIEW_BASIC);
        EXPECT_EQ(basic->expected(), full->expected());
        EXPECT_EQ(basic->received(), full->received());
        EXPECT_EQ(basic->on_time(), full->on_time());
        EXPECT_EQ(basic->late(), full->late());
        EXPECT_EQ(basic->missing(), full->missing());
        EXPECT_EQ(basic->awaiting_review(), full->awaiting_review());
        EXPECT_EQ(basic->returned(), full->returned());
        EXPECT_EQ(basic->applied_sequence(), full->applied_sequence());
        EXPECT_EQ(basic->agency_display_name(), full->agency_display_name());
        EXPECT_EQ(basic->due_date().month(), full->due_date().month());
        EXPECT_EQ(basic->reporters_size() + basic->missing_reporters_size() +
                      basic->other_reporters_size(),
                  0);
      }
    }
  };
  compare(0);
  int step = 0;
  for (const auto& [kind, report] : std::vector<std::pair<v1::ChangeKind, v1::Report>>{
           {v1::CHANGE_KIND_ACCEPTED,
            MakeReport("dong-nai-so-tu-phap", "2026", 1, {}, testing::kPlan, 1790000000, true)},
           {v1::CHANGE_KIND_SUBMITTED,
            MakeReport("dong-nai-xa-a", "2026", 1, {}, testing::kPlan, 1790000000, false)},
           {v1::CHANGE_KIND_ACCEPTED,
            MakeReport("dong-nai-xa-a", "2026", 1, {}, testing::kPlan, 1790000000, false)},
           {v1::CHANGE_KIND_SUBMITTED, MakeReport("dong-nai-cong-an-tinh", "2026", 1, {})},
           {v1::CHANGE_KIND_SUBMITTED, MakeReport("dong-nai-so-y-te", "2026", 1, {})},
           {v1::CHANGE_KIND_RETURNED, MakeReport("dong-nai-so-y-te", "2026", 1, {})},
           {v1::CHANGE_KIND_ACCEPTED, MakeReport("dong-nai", "2026", 1, {})},
           {v1::CHANGE_KIND_SUBMITTED,
            MakeReport("dong-nai-so-tu-phap", "2026", 2, {}, testing::kPlan, 1790000000, false)},
           {v1::CHANGE_KIND_ACCEPTED,
            MakeReport("dong-nai-so-tu-phap", "2026", 2, {}, testing::kPlan, 1790000000, false)},
           {v1::CHANGE_KIND_RETURNED, MakeReport("dong-nai-xa-a", "2026", 1, {})},
           {v1::CHANGE_KIND_ACCEPTED, MakeReport("quang-ngai-so-tu-phap", "2026", 1, {})},
       }) {
    Apply(kind, report);
    compare(++step);
  }
  // A view the API does not have is refused, naming the field.
  v1::CompletenessRequest request;
  request.set_plan(testing::kPlan);
  request.set_period("2026");
  request.set_agency("agencies/dong-nai");
  request.set_view(static_cast<v1::CompletenessView>(9));
  auto refused = queries_->Completeness(ministry_, request);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetBadRequest(refused.status()).field_violations(0).field(), "view");
}

std::vector<std::string> ReporterNames(const v1::CompletenessResponse& response) {
  std::vector<std::string> names;
  for (const v1::Reporter& r : response.reporters()) names.push_back(r.display_name());
  return names;
}

// Reporters are listed by their names in the language asked for, in
// Vietnamese collation; the order is kept between calls and follows the
// registry when a name changes.
TEST_F(QueriesTest, CompletenessListsReportersByNameInTheLanguageAsked) {
  std::vector<v1::Agency> agencies = testing::Agencies();
  for (v1::Agency& a : agencies) {
    if (a.name() == "agencies/dong-nai-so-tu-phap") a.set_english_name("Department of Justice");
    if (a.name() == "agencies/dong-nai-so-y-te") a.set_english_name("Department of Health");
    if (a.name() == "agencies/dong-nai-cong-an-tinh") a.set_english_name("Provincial Police");
    if (a.name() == "agencies/dong-nai-tand-tinh") a.set_english_name("Provincial Court");
    if (a.name() == "agencies/dong-nai-xa-a") a.set_english_name("A Commune");
    if (a.name() == "agencies/dong-nai-xa-b") a.set_english_name("B Commune");
  }
  env_.registry().SetAgencies(agencies);
  v1::CompletenessRequest request;
  request.set_plan(testing::kPlan);
  request.set_period("2026");
  request.set_agency("agencies/dong-nai");
  const std::vector<std::string> vietnamese = {
      "Công an tỉnh Đồng Nai", "Sở Tư pháp tỉnh Đồng Nai", "Sở Y tế tỉnh Đồng Nai",
      "Tòa án nhân dân tỉnh Đồng Nai", "Xã Thử nghiệm A", "Xã Thử nghiệm B"};
  const std::vector<std::string> english = {"A Commune",          "B Commune",
                                            "Department of Health", "Department of Justice",
                                            "Provincial Court",   "Provincial Police"};
  for (int call = 0; call < 2; ++call) {
    EXPECT_EQ(ReporterNames(*queries_->Completeness(focal_, request)), vietnamese);
    request.set_language("en");
    EXPECT_EQ(ReporterNames(*queries_->Completeness(focal_, request)), english);
    request.set_language("vi");
  }
  // The registry renames the court: it moves in the list.
  for (v1::Agency& a : agencies) {
    if (a.name() == "agencies/dong-nai-tand-tinh") a.set_display_name("Ân xá (thử)");
  }
  env_.registry().SetAgencies(agencies);
  EXPECT_EQ(ReporterNames(*queries_->Completeness(focal_, request)).front(), "Ân xá (thử)");
}

// A subtree's coverage line says what its Completeness says, whether it
// is read from the expected reporters' own heads (a small subtree in a
// large plan) or from every head (the whole plan).
TEST_F(QueriesTest, CoverageAgreesWithCompletenessInEverySubtree) {
  for (const char* id : {"dong-nai-so-tu-phap", "dong-nai-so-y-te", "dong-nai-cong-an-tinh",
                         "dong-nai-xa-a", "dong-nai-xa-b", "dong-nai", "quang-ngai-so-tu-phap"}) {
    Accept(MakeReport(id, "2026", 1, {IntValue("complaints-received", 1)}));
  }
  // A dissolved department reports anyway: it counts under its successor,
  // which no assignment expects it for.
  Accept(MakeReport("binh-phuoc-so-y-te", "2026", 1, {IntValue("complaints-received", 1)}));
  int small_subtrees = 0;
  for (const char* root :
       {"agencies/dong-nai-so-y-te", "agencies/dong-nai-xa-a", "agencies/dong-nai-tand-tinh",
        "agencies/dong-nai", "agencies/bo-tu-phap", "agencies/quang-ngai"}) {
    SCOPED_TRACE(root);
    v1::CompletenessRequest request;
    request.set_plan(testing::kPlan);
    request.set_period("2026");
    request.set_agency(root);
    auto completeness = queries_->Completeness(ministry_, request);
    ASSERT_TRUE(completeness.ok()) << completeness.status();
    auto rollup = queries_->Rollup(ministry_, RollupRequest(root));
    ASSERT_TRUE(rollup.ok()) << rollup.status();
    EXPECT_EQ(rollup->coverage().expected(), completeness->expected());
    EXPECT_EQ(rollup->coverage().contributed(), completeness->received());
    EXPECT_EQ(rollup->coverage().other_contributors(), completeness->other_reporters_size());
    if (rollup->coverage().expected() * 4 < 9) ++small_subtrees;
  }
  EXPECT_GE(small_subtrees, 3);
  // The successor's subtree holds the dissolved unit's report as another's.
  auto health = *queries_->Rollup(ministry_, RollupRequest("agencies/dong-nai-so-y-te"));
  EXPECT_EQ(health.coverage().contributed(), 1);
  EXPECT_EQ(health.coverage().other_contributors(), 1);
}

// The national coverage counts each province's expected reporters again
// only when who reports there changed: one expected reporter's report
// returned and another agency's accepted leave the province's count as it
// was, and the coverage must still move.
TEST_F(QueriesTest, CoverageFollowsWhoReportsNotOnlyHowMany) {
  v1::Report health = MakeReport("dong-nai-so-y-te", "2026", 1, {IntValue("complaints-received", 1)});
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1, {IntValue("complaints-received", 1)}));
  Accept(health);
  Accept(MakeReport("quang-ngai-so-tu-phap", "2026", 1, {IntValue("complaints-received", 1)}));
  auto coverage = [&] {
    auto rollup = queries_->Rollup(ministry_, RollupRequest("agencies/bo-tu-phap"));
    EXPECT_TRUE(rollup.ok()) << rollup.status();
    v1::CompletenessRequest request;
    request.set_plan(testing::kPlan);
    request.set_period("2026");
    request.set_agency("agencies/bo-tu-phap");
    auto completeness = queries_->Completeness(ministry_, request);
    EXPECT_TRUE(completeness.ok()) << completeness.status();
    EXPECT_EQ(rollup->coverage().contributed(), completeness->received());
    EXPECT_EQ(rollup->coverage().other_contributors(), completeness->other_reporters_size());
    return std::make_pair(rollup->coverage().contributed(),
                          rollup->coverage().other_contributors());
  };
  // Quảng Ngãi's department is expected by no assignment.
  EXPECT_EQ(coverage(), std::make_pair(2, 1));
  // Đồng Nai still counts two reports, one of them from an agency not
  // expected.
  Apply(v1::CHANGE_KIND_RETURNED, health);
  Accept(MakeReport("binh-phuoc-so-y-te", "2026", 1, {IntValue("complaints-received", 1)}));
  EXPECT_EQ(coverage(), std::make_pair(1, 2));
  // And back.
  Accept(MakeReport("dong-nai-so-y-te", "2026", 2, {IntValue("complaints-received", 2)}));
  EXPECT_EQ(coverage(), std::make_pair(2, 2));
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

// The false numbers: a ratio whose numerator is not broken down by
// sex cannot have a share by sex. It is absent with the reason, never 0.
TEST_F(QueriesTest, RatioCellIsUnavailableWhenTheNumeratorIsNotDisaggregated) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("complaints-received", 10),
                     IntValue("complaints-received", 4, {{"sex", "female"}}),
                     IntValue("complaints-received", 6, {{"sex", "male"}}),
                     IntValue("complaints-resolved", 9)}));
  auto request = RollupRequest();
  request.add_indicators("indicators/complaint-resolution-rate");
  request.set_group_by(v1::ROLLUP_GROUPING_DIMENSION);
  request.set_dimension("dimensions/sex");
  auto response = queries_->Rollup(focal_, request);
  ASSERT_TRUE(response.ok()) << response.status();
  const auto& rate = response->indicators(0);
  EXPECT_EQ(rate.total().value(), "90.00");
  ASSERT_EQ(rate.rows_size(), 2);
  for (const auto& row : rate.rows()) {
    EXPECT_FALSE(row.figure().present()) << row.label();
    EXPECT_EQ(row.figure().value(), "");
    EXPECT_EQ(row.figure().numerator(), "");
    EXPECT_EQ(row.figure().unavailable_reason(),
              v1::UNAVAILABLE_REASON_NUMERATOR_NOT_DISAGGREGATED);
    EXPECT_THAT(row.figure().note(), ::testing::HasSubstr("không được phân tổ theo Giới tính"));
    EXPECT_THAT(row.figure().note(), ::testing::HasSubstr("Chỉ tiêu complaints-resolved"));
  }
  // The compiled report says the same.
  v1::CompileReportRequest compile = CompileRequest();
  auto report = *queries_->Compile(focal_, compile);
  for (const auto& s : report.statistics()) {
    if (s.indicator() != "indicators/complaint-resolution-rate") continue;
    ASSERT_EQ(s.rows_size(), 2);
    for (const auto& row : s.rows()) {
      EXPECT_FALSE(row.figure().present());
      EXPECT_EQ(row.figure().unavailable_reason(),
                v1::UNAVAILABLE_REASON_NUMERATOR_NOT_DISAGGREGATED);
    }
  }
}

// A real 0 %: the numerator was reported, and it is 0.
TEST_F(QueriesTest, ZeroPercentIsShownWhenTheNumeratorIsZero) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("complaints-received", 5), IntValue("complaints-resolved", 0)}));
  Accept(MakeReport("dong-nai-so-y-te", "2026", 1,
                    {IntValue("complaints-received", 3), IntValue("complaints-resolved", 0)}));
  auto response = *queries_->Rollup(focal_, RollupRequest());
  const auto* rate = Find(response, "complaint-resolution-rate");
  EXPECT_TRUE(rate->total().present());
  EXPECT_EQ(rate->total().value(), "0.00");
  EXPECT_EQ(rate->total().numerator(), "0");
  EXPECT_EQ(rate->total().denominator(), "8");
  EXPECT_EQ(rate->total().contributors(), 2);
  EXPECT_EQ(rate->total().unavailable_reason(), v1::UNAVAILABLE_REASON_UNSPECIFIED);
}

// Where every report counted gave both parts, the ratio is read from the
// sums; a report with neither part (counted, giving nothing) or with one
// part makes the subtree's figure come from each agency's parts instead,
// and the answer is the same as if only the reports giving parts counted.
TEST_F(QueriesTest, ARatioIsTheSameWhetherEveryReportGaveBothPartsOrNot) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("complaints-received", 3), IntValue("complaints-resolved", 1)}));
  Accept(MakeReport("dong-nai-so-y-te", "2026", 1,
                    {IntValue("complaints-received", 5), IntValue("complaints-resolved", 2)}));
  auto both = Find(*queries_->Rollup(focal_, RollupRequest()), "complaint-resolution-rate")->total();
  EXPECT_EQ(both.value(), "37.50");
  EXPECT_EQ(both.contributors(), 2);
  // A report with no figures at all counts in the subtree, with no part.
  Accept(MakeReport("dong-nai-cong-an-tinh", "2026", 1, {}));
  auto with_empty =
      Find(*queries_->Rollup(focal_, RollupRequest()), "complaint-resolution-rate")->total();
  EXPECT_EQ(with_empty.value(), "37.50");
  EXPECT_EQ(with_empty.numerator(), "3");
  EXPECT_EQ(with_empty.denominator(), "8");
  EXPECT_EQ(with_empty.contributors(), 2);
  // The same report now gives both parts: read from the sums again.
  Accept(MakeReport("dong-nai-cong-an-tinh", "2026", 2,
                    {IntValue("complaints-received", 2), IntValue("complaints-resolved", 2)}));
  auto three = Find(*queries_->Rollup(focal_, RollupRequest()), "complaint-resolution-rate")->total();
  EXPECT_EQ(three.value(), "50.00");
  EXPECT_EQ(three.contributors(), 3);
  // Then only one part: the parts were reported apart.
  Accept(MakeReport("dong-nai-cong-an-tinh", "2026", 3, {IntValue("complaints-received", 2)}));
  auto apart = Find(*queries_->Rollup(focal_, RollupRequest()), "complaint-resolution-rate")->total();
  EXPECT_FALSE(apart.present());
  EXPECT_EQ(apart.unavailable_reason(), v1::UNAVAILABLE_REASON_PARTS_REPORTED_APART);
}

TEST_F(QueriesTest, RatioIsUnavailableWhenAPartIsMissing) {
  // Only the denominator: the numerator was not reported at all.
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1, {IntValue("complaints-received", 5)}));
  auto rate = Find(*queries_->Rollup(focal_, RollupRequest()), "complaint-resolution-rate")->total();
  EXPECT_FALSE(rate.present());
  EXPECT_EQ(rate.unavailable_reason(), v1::UNAVAILABLE_REASON_NUMERATOR_NOT_REPORTED);
  // Another report gives both: one report still gives only one part.
  Accept(MakeReport("dong-nai-so-y-te", "2026", 1,
                    {IntValue("complaints-received", 4), IntValue("complaints-resolved", 4)}));
  rate = Find(*queries_->Rollup(focal_, RollupRequest()), "complaint-resolution-rate")->total();
  EXPECT_FALSE(rate.present());
  EXPECT_EQ(rate.unavailable_reason(), v1::UNAVAILABLE_REASON_PARTS_REPORTED_APART);
  EXPECT_THAT(rate.note(), ::testing::HasSubstr("có trong 1 báo cáo"));
  EXPECT_THAT(rate.note(), ::testing::HasSubstr("có trong 2 báo cáo"));
  // The first agency resubmits with both parts: now computable.
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 2,
                    {IntValue("complaints-received", 5), IntValue("complaints-resolved", 1)}));
  rate = Find(*queries_->Rollup(focal_, RollupRequest()), "complaint-resolution-rate")->total();
  EXPECT_EQ(rate.value(), "55.56");
  // A zero denominator is not a 0 %.
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 3,
                    {IntValue("complaints-received", 0), IntValue("complaints-resolved", 0)}));
  Accept(MakeReport("dong-nai-so-y-te", "2026", 2,
                    {IntValue("complaints-received", 0), IntValue("complaints-resolved", 0)}));
  rate = Find(*queries_->Rollup(focal_, RollupRequest()), "complaint-resolution-rate")->total();
  EXPECT_FALSE(rate.present());
  EXPECT_EQ(rate.unavailable_reason(), v1::UNAVAILABLE_REASON_DENOMINATOR_ZERO);
  EXPECT_EQ(rate.denominator(), "0");
}

// An agency that broke a part down by sex and left a cell empty gave 0 for
// it; one that gave only the total leaves the cell unknown.
TEST_F(QueriesTest, RatioCellsCountEmptyCellsOfABreakdownAsZero) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("victims-identified", 5),
                     IntValue("victims-identified", 3, {{"sex", "female"}}),
                     IntValue("victims-identified", 2, {{"sex", "male"}}),
                     IntValue("victims-assisted", 3),
                     IntValue("victims-assisted", 3, {{"sex", "female"}})}));
  auto request = RollupRequest();
  request.add_indicators("indicators/assistance-rate");
  request.set_group_by(v1::ROLLUP_GROUPING_DIMENSION);
  request.set_dimension("dimensions/sex");
  auto rows = queries_->Rollup(focal_, request)->indicators(0).rows();
  ASSERT_EQ(rows.size(), 2);
  EXPECT_EQ(rows[0].label(), "Nữ");
  EXPECT_EQ(rows[0].figure().value(), "100.00");
  EXPECT_EQ(rows[1].label(), "Nam");
  EXPECT_EQ(rows[1].figure().value(), "0.00");
  EXPECT_EQ(rows[1].figure().numerator(), "0");
  // A second agency gives the numerator's total only: its share by sex is
  // unknown, so the province's is too.
  Accept(MakeReport("dong-nai-so-y-te", "2026", 1,
                    {IntValue("victims-identified", 2),
                     IntValue("victims-identified", 2, {{"sex", "male"}}),
                     IntValue("victims-assisted", 1)}));
  rows = queries_->Rollup(focal_, request)->indicators(0).rows();
  ASSERT_EQ(rows.size(), 2);
  EXPECT_EQ(rows[0].figure().value(), "100.00");  // so-y-te has no women
  EXPECT_FALSE(rows[1].figure().present());
  EXPECT_EQ(rows[1].figure().unavailable_reason(), v1::UNAVAILABLE_REASON_PARTS_REPORTED_APART);
}

TEST_F(QueriesTest, ACellOfASumSaysWhenSomeAgenciesDidNotBreakItDown) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("complaints-received", 5),
                     IntValue("complaints-received", 5, {{"sex", "female"}})}));
  Accept(MakeReport("dong-nai-so-y-te", "2026", 1, {IntValue("complaints-received", 7)}));
  auto request = RollupRequest();
  request.add_indicators("indicators/complaints-received");
  request.set_group_by(v1::ROLLUP_GROUPING_DIMENSION);
  request.set_dimension("dimensions/sex");
  auto row = queries_->Rollup(focal_, request)->indicators(0).rows(0);
  EXPECT_EQ(row.figure().value(), "5");
  EXPECT_TRUE(row.figure().partial());
  EXPECT_EQ(row.figure().note(),
            "Gồm số liệu của 1/2 cơ quan; các cơ quan còn lại không phân tổ theo Giới tính");
}

// Breakdown rows follow the indicator's order of dimensions and each
// dimension's order of options, whatever order they were reported in.
TEST_F(QueriesTest, BreakdownRowsComeInTheDimensionsOrder) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("complaints-received", 10),
                     IntValue("complaints-received", 1, {{"age-group", "over-60"}}),
                     IntValue("complaints-received", 6, {{"sex", "male"}}),
                     IntValue("complaints-received", 2, {{"age-group", "16-17"}}),
                     IntValue("complaints-received", 4, {{"sex", "female"}}),
                     IntValue("complaints-received", 7, {{"age-group", "18-30"}}),
                     IntValue("complaints-resolved", 9)}));
  v1::CompileReportRequest compile = CompileRequest();
  auto report = *queries_->Compile(focal_, compile);
  for (const auto& s : report.statistics()) {
    if (s.indicator() != "indicators/complaints-received" &&
        s.indicator() != "indicators/complaint-resolution-rate") {
      continue;
    }
    std::vector<std::string> labels;
    for (const auto& row : s.rows()) labels.push_back(row.label());
    EXPECT_THAT(labels, ElementsAre("Giới tính: Nữ", "Giới tính: Nam",
                                    "Nhóm tuổi: Từ đủ 16 đến dưới 18 tuổi",
                                    "Nhóm tuổi: Từ 18 đến 30 tuổi", "Nhóm tuổi: Trên 60 tuổi"))
        << s.indicator();
  }
}

TEST_F(QueriesTest, AnswersSayWhenTheirDataIsFrom) {
  auto empty = *queries_->Rollup(focal_, RollupRequest());
  EXPECT_FALSE(empty.has_data_as_of());
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1, {IntValue("complaints-received", 5)}));
  // MakeChange dates change N at 1790000000 + N seconds.
  auto rollup = *queries_->Rollup(focal_, RollupRequest());
  EXPECT_EQ(rollup.data_as_of().seconds(), 1790000002);
  v1::CompileReportRequest compile = CompileRequest();
  EXPECT_EQ(queries_->Compile(focal_, compile)->data_as_of().seconds(), 1790000002);
}

// The generated draft: the letterhead Decree 30/2020/NĐ-CP asks for and
// narrative drafted from the lead agencies' own summaries.
TEST_F(QueriesTest, CompiledReportCarriesAGeneratedDraft) {
  v1::Report so_tu_phap = MakeReport("dong-nai-so-tu-phap", "2026", 1,
                                     {IntValue("complaints-received", 5)});
  auto* p = so_tu_phap.add_progress();
  p->set_task(std::string(testing::kPlan) + "/tasks/A.1");
  p->set_status(v1::PROGRESS_STATUS_COMPLETED);
  p->set_summary("Đã giải quyết 5 vụ việc.");
  p->set_lead(true);
  Accept(so_tu_phap);
  auto report = *queries_->Compile(focal_, CompileRequest());
  const v1::CompiledReportDraft& d = report.draft();
  EXPECT_EQ(d.name(), "compiledReports/dong-nai/dong-nai-74-2026/2026/draft");
  EXPECT_EQ(d.governing_body(), "UBND TỈNH ĐỒNG NAI");
  EXPECT_EQ(d.issuing_body(), "SỞ TƯ PHÁP");
  EXPECT_EQ(d.number_symbol(), "/BC-STP");
  EXPECT_EQ(d.place(), "Đồng Nai");
  EXPECT_EQ(d.summary(), "Kết quả thực hiện Kế hoạch số 74/KH-UBND năm 2026");
  EXPECT_THAT(d.situation(), ::testing::HasSubstr("Kế hoạch số 74/KH-UBND của Ủy ban nhân dân tỉnh Đồng Nai"));
  EXPECT_THAT(d.situation(), ::testing::HasSubstr("đã nhận được báo cáo của 1/6 cơ quan"));
  ASSERT_EQ(d.results_size(), 1);
  EXPECT_EQ(d.results(0).task_group(), "A");
  EXPECT_THAT(d.results(0).text(),
              ::testing::HasSubstr("- A.1. Giải quyết khiếu nại — Sở Tư pháp tỉnh Đồng Nai "
                                   "(Hoàn thành): Đã giải quyết 5 vụ việc."));
  EXPECT_THAT(d.difficulties(), ::testing::HasSubstr("Còn 5 cơ quan, đơn vị chưa gửi báo cáo"));
  EXPECT_THAT(d.recommendations(), ::testing::HasSubstr("khẩn trương gửi báo cáo về Sở Tư pháp"));
  EXPECT_THAT(d.recipients(), ElementsAre("Bộ Tư pháp (để báo cáo);",
                                          "UBND tỉnh Đồng Nai (để báo cáo);", "Lưu: VT."));
  EXPECT_EQ(d.signer_title(), "GIÁM ĐỐC");
  EXPECT_EQ(d.revision(), 0);
  EXPECT_EQ(d.etag(), "");
}

TEST_F(QueriesTest, ExplainFigureListsTheReportsThatAddUpToIt) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("complaints-received", 12),
                     IntValue("complaints-received", 5, {{"sex", "female"}}),
                     IntValue("complaints-resolved", 11), IntValue("largest-case", 40)}));
  Accept(MakeReport("dong-nai-xa-a", "2026", 1,
                    {IntValue("complaints-received", 4),
                     IntValue("complaints-received", 4, {{"sex", "female"}}),
                     IntValue("complaints-resolved", 2), IntValue("largest-case", 90)}));
  Accept(MakeReport("dong-nai-so-y-te", "2026", 2, {IntValue("complaints-received", 7),
                                                    IntValue("complaints-resolved", 6)}));
  v1::ExplainFigureRequest request;
  request.set_plan(testing::kPlan);
  request.set_period("2026");
  request.set_agency("agencies/dong-nai");
  request.set_indicator("indicators/complaints-received");
  auto explained = queries_->ExplainFigure(focal_, request);
  ASSERT_TRUE(explained.ok()) << explained.status();
  EXPECT_EQ(explained->figure().value(), "23");
  ASSERT_EQ(explained->contributions_size(), 3);
  int64_t sum = 0;
  for (const auto& c : explained->contributions()) sum += std::stoll(c.value());
  EXPECT_EQ(sum, 23);
  // By display name, with the revision that counts.
  EXPECT_EQ(explained->contributions(0).display_name(), "Sở Tư pháp tỉnh Đồng Nai");
  EXPECT_EQ(explained->contributions(1).display_name(), "Sở Y tế tỉnh Đồng Nai");
  EXPECT_EQ(explained->contributions(1).revision(), 2);
  EXPECT_EQ(explained->contributions(1).report(), "reports/dong-nai-so-y-te/dong-nai-74-2026/2026");
  EXPECT_EQ(explained->contributions(2).display_name(), "Xã Thử nghiệm A");

  // A cell: the agencies that gave it.
  (*request.mutable_cells())["sex"] = "female";
  explained = queries_->ExplainFigure(focal_, request);
  EXPECT_EQ(explained->figure().value(), "9");
  EXPECT_EQ(explained->cell_label(), "Giới tính: Nữ");
  EXPECT_EQ(explained->contributions_size(), 2);

  // A ratio: numerators and denominators add up to the figure's.
  request.clear_cells();
  request.set_indicator("indicators/complaint-resolution-rate");
  explained = queries_->ExplainFigure(focal_, request);
  EXPECT_EQ(explained->figure().numerator(), "19");
  EXPECT_EQ(explained->figure().denominator(), "23");
  int64_t n = 0;
  int64_t d = 0;
  for (const auto& c : explained->contributions()) {
    n += std::stoll(c.numerator());
    d += std::stoll(c.denominator());
  }
  EXPECT_EQ(n, 19);
  EXPECT_EQ(d, 23);

  // MAX: the report that gives the figure is marked.
  request.set_indicator("indicators/largest-case");
  explained = queries_->ExplainFigure(focal_, request);
  EXPECT_EQ(explained->figure().value(), "90");
  for (const auto& c : explained->contributions()) {
    EXPECT_EQ(c.determines_figure(), c.agency() == "agencies/dong-nai-xa-a") << c.agency();
  }

  // Only the subtree's own reporting chain sees agencies' own values.
  EXPECT_EQ(queries_->ExplainFigure(Caller{"agencies/bo-ngoai-giao"}, request).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(queries_->ExplainFigure(ministry_, request).ok());
}

// Small counts are withheld, with the cells that would give them away, in
// the figures as published and in every compiled report; the chain sees
// exact figures.
TEST_F(QueriesTest, SmallCountsAreWithheldInPublishedFigures) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("complaints-received", 17),
                     IntValue("complaints-received", 3, {{"sex", "female"}}),
                     IntValue("complaints-received", 14, {{"sex", "male"}}),
                     IntValue("complaints-received", 2, {{"age-group", "16-17"}}),
                     IntValue("complaints-received", 0, {{"age-group", "under-16"}}),
                     IntValue("complaints-received", 7, {{"age-group", "18-30"}}),
                     IntValue("complaints-received", 8, {{"age-group", "over-60"}}),
                     IntValue("victims-identified", 8),
                     IntValue("victims-identified", 2, {{"sex", "female"}}),
                     IntValue("victims-identified", 6, {{"sex", "male"}}),
                     IntValue("victims-assisted", 5),
                     IntValue("victims-assisted", 2, {{"sex", "female"}}),
                     IntValue("victims-assisted", 3, {{"sex", "male"}})}));
  auto request = RollupRequest();
  request.add_indicators("indicators/complaints-received");
  request.add_indicators("indicators/assistance-rate");
  request.set_group_by(v1::ROLLUP_GROUPING_CELLS);
  auto values = [](const v1::IndicatorRollup& i) {
    std::map<std::string, std::string> out;
    for (const auto& row : i.rows()) {
      out[row.label()] = row.figure().present() ? row.figure().value()
                         : row.figure().unavailable_reason() ==
                                 v1::UNAVAILABLE_REASON_SUPPRESSED_SMALL_COUNT
                             ? "small"
                         : row.figure().unavailable_reason() ==
                                 v1::UNAVAILABLE_REASON_SUPPRESSED_COMPLEMENTARY
                             ? "complement"
                             : "—";
    }
    return out;
  };
  // The Department of Justice compiles the province's figures: exact.
  auto exact = *queries_->Rollup(focal_, request);
  EXPECT_FALSE(exact.disclosure_controlled());
  EXPECT_EQ(values(exact.indicators(0))["Giới tính: Nữ"], "3");
  // Another ministry is outside Đồng Nai's reach: it reads nothing of it.
  EXPECT_EQ(queries_->Rollup(Caller{"agencies/bo-ngoai-giao"}, request).status().code(),
            absl::StatusCode::kPermissionDenied);
  // The figures as published, as a reader outside the chain would see them.
  request.set_published(true);
  auto outside = *queries_->Rollup(focal_, request);
  EXPECT_TRUE(outside.disclosure_controlled());
  auto received = values(outside.indicators(0));
  EXPECT_EQ(outside.indicators(0).total().value(), "17");
  EXPECT_EQ(received["Giới tính: Nữ"], "small");
  EXPECT_EQ(received["Giới tính: Nam"], "complement");  // else 17 − 14 gives 3
  EXPECT_EQ(received["Nhóm tuổi: Dưới 16 tuổi"], "0");   // a zero identifies nobody
  EXPECT_EQ(received["Nhóm tuổi: Từ đủ 16 đến dưới 18 tuổi"], "small");
  EXPECT_EQ(received["Nhóm tuổi: Từ 18 đến 30 tuổi"], "complement");  // the next smallest
  EXPECT_EQ(received["Nhóm tuổi: Trên 60 tuổi"], "8");
  for (const auto& row : outside.indicators(0).rows()) {
    if (!row.figure().present()) {
      EXPECT_THAT(row.figure().note(), ::testing::HasSubstr("Không công bố"));
    }
  }
  // A ratio's cells go with its denominator's.
  auto rate = values(outside.indicators(1));
  EXPECT_EQ(rate["Giới tính: Nữ"], "complement");
  EXPECT_EQ(rate["Giới tính: Nam"], "complement");
  EXPECT_EQ(values(exact.indicators(1))["Giới tính: Nữ"], "100.00");
  for (const auto& row : outside.indicators(1).rows()) {
    if (row.cells().empty()) continue;  // the total, shown
    EXPECT_EQ(row.figure().numerator(), "");
  }

  // A compiled report is published: controlled whoever compiles it.
  auto report = *queries_->Compile(focal_, CompileRequest());
  EXPECT_TRUE(report.disclosure_controlled());
  for (const auto& s : report.statistics()) {
    if (s.indicator() != "indicators/complaints-received") continue;
    for (const auto& row : s.rows()) {
      if (row.label() == "Giới tính: Nữ") {
        EXPECT_FALSE(row.figure().present());
      }
    }
  }

  // A trend of one cell shows what its table would.
  v1::TrendRequest trend;
  trend.set_agency("agencies/dong-nai");
  trend.set_indicator("indicators/complaints-received");
  trend.add_plans(testing::kPlan);
  (*trend.mutable_cells())["sex"] = "female";
  EXPECT_EQ(queries_->Trend(focal_, trend)->points(0).figure().value(), "3");
  trend.set_published(true);
  EXPECT_EQ(queries_->Trend(focal_, trend)->points(0).figure().unavailable_reason(),
            v1::UNAVAILABLE_REASON_SUPPRESSED_SMALL_COUNT);

  // The threshold is the dimension's: at 3, a count of 3 is shown.
  v1::Dimension sex = testing::SexDimension();
  sex.set_disclosure_threshold(3);
  env_.registry().AddDimension(sex);
  auto lower = *queries_->Rollup(focal_, request);
  EXPECT_EQ(values(lower.indicators(0))["Giới tính: Nữ"], "3");
}

// complaints-received asks for sex × age-group as a two-way grid.
class CrossedQueriesTest : public QueriesTest {
 protected:
  CrossedQueriesTest() {
    for (v1::Indicator indicator : testing::Indicators()) {
      if (indicator.name() != "indicators/complaints-received") continue;
      v1::DimensionCrossing* crossing = indicator.add_crossings();
      crossing->set_rows("dimensions/sex");
      crossing->set_columns("dimensions/age-group");
      env_.registry().AddIndicator(indicator);
    }
  }
  static v1::Value Crossed(const std::string& sex, const std::string& age, int64_t v) {
    return IntValue("complaints-received", v, {{"sex", sex}, {"age-group", age}});
  }
  // cell key → shown value, "partial:" before a partial one, or the reason
  // a figure is withheld.
  static std::map<std::string, std::string> Crossings(const v1::IndicatorRollup& i) {
    std::map<std::string, std::string> out;
    for (const auto& row : i.rows()) {
      if (row.cells_size() != 2) continue;
      out[row.cells().at("sex") + "/" + row.cells().at("age-group")] =
          row.figure().present()
              ? (row.figure().partial() ? "partial:" : "") + row.figure().value()
              : v1::UnavailableReason_Name(row.figure().unavailable_reason());
    }
    return out;
  }
};

TEST_F(CrossedQueriesTest, CrossedCellsRollUpAndABlankOneIsUnknown) {
  Accept(MakeReport("dong-nai-so-y-te", "2026", 1,
                    {IntValue("complaints-received", 20), Crossed("female", "18-30", 8),
                     Crossed("male", "18-30", 7), Crossed("female", "over-60", 5)}));
  Accept(MakeReport("dong-nai-xa-a", "2026", 1,
                    {IntValue("complaints-received", 16), Crossed("female", "18-30", 6),
                     Crossed("male", "18-30", 10)}));
  auto request = RollupRequest();
  request.add_indicators("indicators/complaints-received");
  request.set_group_by(v1::ROLLUP_GROUPING_CELLS);
  auto rollup = *queries_->Rollup(focal_, request);
  auto cells = Crossings(rollup.indicators(0));
  EXPECT_EQ(cells["female/18-30"], "14");
  EXPECT_EQ(cells["male/18-30"], "17");
  // The commune left female/over-60 blank: unknown, so the sum is partial.
  EXPECT_EQ(cells["female/over-60"], "partial:5");
  // Nobody gave sex alone: a crossed cell does not make a one-dimension one.
  for (const auto& row : rollup.indicators(0).rows()) EXPECT_NE(row.cells_size(), 1);

  // One crossed figure explained: the reports that add up to it.
  v1::ExplainFigureRequest explain;
  explain.set_plan(testing::kPlan);
  explain.set_period("2026");
  explain.set_agency("agencies/dong-nai");
  explain.set_indicator("indicators/complaints-received");
  (*explain.mutable_cells())["sex"] = "male";
  (*explain.mutable_cells())["age-group"] = "18-30";
  auto explained = queries_->ExplainFigure(focal_, explain);
  ASSERT_TRUE(explained.ok()) << explained.status();
  EXPECT_EQ(explained->figure().value(), "17");
  EXPECT_EQ(explained->contributions_size(), 2);

  // A crossing the indicator does not ask for is refused, naming the field.
  explain.set_indicator("indicators/victims-identified");
  auto refused = queries_->ExplainFigure(focal_, explain);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              ::testing::HasSubstr("not cross-tabulated by age-group × sex"));
}

TEST_F(CrossedQueriesTest, TheCompiledReportShowsAGridAsATwoWayTable) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("complaints-received", 40), Crossed("female", "18-30", 18),
                     Crossed("female", "over-60", 7), Crossed("male", "18-30", 10),
                     Crossed("male", "over-60", 5)}));
  auto report = queries_->Compile(focal_, CompileRequest());
  ASSERT_TRUE(report.ok()) << report.status();
  const v1::CompiledStatistic* stat = nullptr;
  for (const auto& s : report->statistics()) {
    if (s.indicator() == "indicators/complaints-received") stat = &s;
  }
  ASSERT_NE(stat, nullptr);
  ASSERT_EQ(stat->crossings_size(), 1);
  const v1::CompiledCrossing& crossing = stat->crossings(0);
  EXPECT_EQ(crossing.rows_label(), "Giới tính");
  EXPECT_THAT(crossing.row_labels(), ElementsAre("Nữ", "Nam"));
  EXPECT_THAT(crossing.column_labels(),
              ElementsAre("Dưới 16 tuổi", "Từ đủ 16 đến dưới 18 tuổi", "Từ 18 đến 30 tuổi",
                          "Trên 60 tuổi"));
  ASSERT_EQ(crossing.cells_size(), 8);
  EXPECT_EQ(crossing.cells(2).value(), "18");
  EXPECT_EQ(crossing.cells(7).value(), "5");
  EXPECT_FALSE(crossing.cells(0).present()) << "nobody gave it: not 0";

  std::string md = RenderMarkdown(*report);
  EXPECT_THAT(md, ::testing::HasSubstr("Bảng phân tổ chéo: Chỉ tiêu complaints-received (vụ "
                                       "việc), theo Giới tính và Nhóm tuổi"));
  EXPECT_THAT(md, ::testing::HasSubstr("| **Nữ** | — | — | 18 | 7 |"));
  EXPECT_THAT(md, ::testing::HasSubstr("| **Nam** | — | — | 10 | 5 |"));
  EXPECT_THAT(md, ::testing::Not(::testing::HasSubstr("Nhóm tuổi: Từ 18 đến 30 tuổi, Giới tính")))
      << "crossed cells are not listed again as rows";
}

TEST_F(CrossedQueriesTest, APublishedGridWithASmallCountIsWithheldWhole) {
  Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                    {IntValue("complaints-received", 40),
                     IntValue("complaints-received", 20, {{"sex", "female"}}),
                     IntValue("complaints-received", 20, {{"sex", "male"}}),
                     Crossed("female", "18-30", 18), Crossed("female", "over-60", 2),
                     Crossed("male", "18-30", 10), Crossed("male", "over-60", 10)}));
  auto request = RollupRequest();
  request.add_indicators("indicators/complaints-received");
  request.set_group_by(v1::ROLLUP_GROUPING_CELLS);
  EXPECT_EQ(Crossings(queries_->Rollup(focal_, request)->indicators(0))["male/over-60"], "10");
  request.set_published(true);
  auto published = Crossings(queries_->Rollup(focal_, request)->indicators(0));
  EXPECT_EQ(published["female/over-60"], "UNAVAILABLE_REASON_SUPPRESSED_SMALL_COUNT");
  // Else 20 − 18 would give it away, and then the other line and column.
  EXPECT_EQ(published["female/18-30"], "UNAVAILABLE_REASON_SUPPRESSED_COMPLEMENTARY");
  EXPECT_EQ(published["male/18-30"], "UNAVAILABLE_REASON_SUPPRESSED_COMPLEMENTARY");
  EXPECT_EQ(published["male/over-60"], "UNAVAILABLE_REASON_SUPPRESSED_COMPLEMENTARY");
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
