#include "services/aggregation/national_view.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "services/aggregation/test_fixture.h"
#include "services/common/errors.h"
#include "services/common/period.h"
#include "storage/memory_store.h"

namespace tonghop::aggregation {
namespace {

using testing::DecimalValue;
using testing::IntValue;
using testing::LoadRegistry;
using testing::MakePlan;

constexpr char kNational[] = "plans/national-2026";
constexpr char kName[] = "plans/national-2026/periods/2026";

absl::Time Vietnam(int year, int month, int day, int hour) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, 0, 0), VietnamTime());
}

class NationalViewTest : public ::testing::Test {
 protected:
  NationalViewTest()
      : clock_(Vietnam(2026, 11, 10, 9)),
        audit_(&store_, "aggregation", &clock_),
        policy_("agencies/bo-tu-phap"),
        received_(&store_, &registry_, &policy_, &audit_, &clock_),
        national_(&received_, &registry_, &policy_, ::testing::TempDir()) {
    LoadRegistry(registry_);
    v1::Plan plan = MakePlan(kNational);
    plan.set_symbol("2715/QĐ-TTg");
    plan.set_issuer("agencies/bo-tu-phap");
    plan.mutable_schedule(0)->mutable_compile_due()->set_month(11);
    plan.mutable_schedule(0)->mutable_compile_due()->set_day(20);
    v1::Task task;
    task.set_name(std::string(kNational) + "/tasks/A");
    for (const char* id : {"complaints-received", "complaints-resolved",
                           "complaint-resolution-rate", "budget", "staff-now"}) {
      task.add_indicators(absl::StrCat("indicators/", id));
    }
    registry_.SetPlan(plan, {task});
  }

  // A push from `province` of its figures for `period`.
  void Send(const std::string& province, const std::string& period, int64_t generation,
            std::vector<v1::Value> values, int accepted = 3) {
    v1::PushFiguresRequest request;
    request.set_plan(kNational);
    request.set_period(period);
    request.set_agency("agencies/" + province);
    request.set_generation(generation);
    request.set_request_id(absl::StrCat("push-", province, "-", period, "-", generation));
    for (v1::Value& v : values) *request.add_values() = std::move(v);
    v1::SenderCompleteness* c = request.mutable_completeness();
    c->set_expected(5);
    c->set_received(accepted + 1);
    c->set_accepted(accepted);
    c->set_on_time(accepted);
    c->set_missing(5 - accepted - 1);
    c->set_awaiting_review(1);
    auto pushed = received_.Push(Caller("agencies/" + province), request);
    ASSERT_TRUE(pushed.ok()) << pushed.status();
    ASSERT_EQ(pushed->outcome(), v1::PUSH_OUTCOME_APPLIED);
  }

  v1::NationalOverview Overview(const Caller& caller) {
    v1::GetNationalOverviewRequest request;
    request.set_name(kName);
    absl::StatusOr<v1::NationalOverview> overview = national_.Overview(caller, request);
    EXPECT_TRUE(overview.ok()) << overview.status();
    return overview.ok() ? *overview : v1::NationalOverview();
  }

  static const v1::NationalIndicator& Indicator(const v1::NationalOverview& o,
                                                const std::string& id) {
    for (const v1::NationalIndicator& i : o.indicators()) {
      if (i.indicator() == "indicators/" + id) return i;
    }
    ADD_FAILURE() << "no indicator " << id;
    return o.indicators(0);
  }

  FakeClock clock_;
  storage::MemoryStore store_;
  StaticRegistryView registry_;
  AuditLog audit_;
  AccessPolicy policy_;
  ReceivedFiguresStore received_;
  NationalView national_;
  Caller ministry_{"agencies/bo-tu-phap"};
};

TEST_F(NationalViewTest, EveryProvinceInForceWithWhenAndWhetherOnTimeAndNeverZeroForNotSent) {
  Send("dong-nai", "2026", 7,
       {IntValue("complaints-received", 18), IntValue("complaints-resolved", 12),
        DecimalValue("budget", "0.1"), IntValue("staff-now", 40)});

  v1::NationalOverview o = Overview(ministry_);
  EXPECT_EQ(o.compile_due().day(), 20);
  EXPECT_EQ(o.compile_due().month(), 11);
  // Bình Phước ended in 2025: not a province of 2026.
  ASSERT_EQ(o.provinces_size(), 2);
  EXPECT_EQ(o.provinces_expected(), 2);
  EXPECT_EQ(o.provinces_received(), 1);
  EXPECT_EQ(o.provinces_on_time(), 1);
  const v1::ProvinceStatus& dong_nai = o.provinces(0);
  EXPECT_EQ(dong_nai.agency(), "agencies/dong-nai");
  EXPECT_EQ(dong_nai.display_name(), "Tỉnh Đồng Nai");
  EXPECT_EQ(dong_nai.receipt(), v1::PROVINCE_RECEIPT_ON_TIME);
  EXPECT_EQ(dong_nai.first_arrive_time().seconds(), absl::ToUnixSeconds(Vietnam(2026, 11, 10, 9)));
  EXPECT_EQ(dong_nai.completeness().accepted(), 3);
  EXPECT_EQ(dong_nai.completeness().expected(), 5);
  const v1::ProvinceStatus& quang_ngai = o.provinces(1);
  EXPECT_EQ(quang_ngai.receipt(), v1::PROVINCE_RECEIPT_NOT_RECEIVED);
  EXPECT_FALSE(quang_ngai.has_first_arrive_time());

  const v1::NationalIndicator& complaints = Indicator(o, "complaints-received");
  EXPECT_EQ(complaints.total().value(), "18");
  EXPECT_EQ(complaints.total().contributors(), 1);
  ASSERT_EQ(complaints.provinces_size(), 2);
  EXPECT_EQ(complaints.provinces(0).figure().value(), "18");
  EXPECT_FALSE(complaints.provinces(1).figure().present()) << "a province that did not send is not 0";
  EXPECT_EQ(complaints.provinces(1).figure().value(), "");
}

TEST_F(NationalViewTest, RollsUpExactlyByProvinceAndByDimensionAndLateAfterTheCompileDueDay) {
  Send("dong-nai", "2026", 7,
       {IntValue("complaints-received", 18), IntValue("complaints-received", 10, {{"sex", "female"}}),
        IntValue("complaints-resolved", 12), DecimalValue("budget", "0.1"),
        IntValue("staff-now", 40)});
  clock_.Set(Vietnam(2026, 11, 21, 8));
  Send("quang-ngai", "2026", 3,
       {IntValue("complaints-received", 2), IntValue("complaints-received", 1, {{"sex", "female"}}),
        IntValue("complaints-resolved", 1), DecimalValue("budget", "0.2"),
        IntValue("staff-now", 9)});

  v1::NationalOverview o = Overview(ministry_);
  EXPECT_EQ(o.provinces(1).receipt(), v1::PROVINCE_RECEIPT_LATE);
  EXPECT_EQ(o.provinces_late(), 1);
  EXPECT_EQ(Indicator(o, "complaints-received").total().value(), "20");
  EXPECT_EQ(Indicator(o, "budget").total().value(), "0.3") << "exact decimals, never 0.30000000000000004";
  // 13 / 20 resolved.
  const v1::Figure& rate = Indicator(o, "complaint-resolution-rate").total();
  EXPECT_EQ(rate.value(), "65.00");
  EXPECT_EQ(rate.numerator(), "13");
  EXPECT_EQ(rate.denominator(), "20");
  EXPECT_EQ(Indicator(o, "complaint-resolution-rate").provinces(1).figure().value(), "50.00");
  // Latest values are each province's own, not added up across provinces.
  EXPECT_FALSE(Indicator(o, "staff-now").total().present());
  EXPECT_EQ(Indicator(o, "staff-now").provinces(0).figure().value(), "40");

  const v1::NationalIndicator& complaints = Indicator(o, "complaints-received");
  ASSERT_EQ(complaints.cells_size(), 2);
  EXPECT_TRUE(complaints.cells(0).cells().empty());
  EXPECT_EQ(complaints.cells(1).cells().at("sex"), "female");
  EXPECT_EQ(complaints.cells(1).figure().value(), "11");
}

TEST_F(NationalViewTest, OnlyTheMinistryReadsIt) {
  Send("dong-nai", "2026", 7, {IntValue("complaints-received", 18)});
  v1::GetNationalOverviewRequest request;
  request.set_name(kName);
  Caller province_reviewer("agencies/dong-nai-so-tu-phap");
  province_reviewer.kind = CallerKind::kPerson;
  province_reviewer.user = "users/hung";
  province_reviewer.roles = static_cast<RoleSet>(Role::kReviewer);
  EXPECT_TRUE(absl::IsPermissionDenied(national_.Overview(province_reviewer, request).status()));
  EXPECT_TRUE(absl::IsPermissionDenied(
      national_.Overview(Caller("agencies/dong-nai"), request).status()));
  EXPECT_TRUE(absl::IsPermissionDenied(
      national_.Overview(Caller("agencies/bo-ngoai-giao"), request).status()));
  Caller analyst("agencies/bo-tu-phap");
  analyst.kind = CallerKind::kPerson;
  analyst.user = "users/mai";
  analyst.roles = static_cast<RoleSet>(Role::kAnalyst);
  EXPECT_TRUE(national_.Overview(analyst, request).ok());
  EXPECT_TRUE(absl::IsUnauthenticated(national_.Overview(Caller(), request).status()));

  request.set_name("plans/national-2026/periods/2026X");
  EXPECT_TRUE(absl::IsInvalidArgument(national_.Overview(ministry_, request).status()));
}

TEST_F(NationalViewTest, ExportsTheCrossProvinceTableAsCsvAndXlsx) {
  Send("dong-nai", "2026", 7,
       {IntValue("complaints-received", 1250), DecimalValue("budget", "12.5")});
  v1::ExportNationalTableRequest request;
  request.set_name(kName);
  request.set_format(v1::TABLE_FORMAT_CSV);
  auto csv = national_.Export(ministry_, request);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(csv->filename(), "so-lieu-cac-tinh-national-2026-2026.csv");
  EXPECT_TRUE(absl::StartsWith(csv->content(), "\xEF\xBB\xBF\"Tỉnh, thành phố\",Tình trạng gửi,"))
      << csv->content();
  EXPECT_TRUE(absl::StrContains(csv->content(), "Tỉnh Đồng Nai,Đúng hạn,\"09:00, 10/11/2026\""))
      << csv->content();
  EXPECT_TRUE(absl::StrContains(csv->content(), "10/11/2026\",1250,—,—,12.5,—\r\n"))
      << csv->content();
  EXPECT_TRUE(absl::StrContains(csv->content(), "Tỉnh Quảng Ngãi,Chưa gửi,,,—,—,—,—,—"))
      << csv->content();
  EXPECT_TRUE(absl::StrContains(csv->content(), "Cả nước,,,,1250,—,—,12.5,—\r\n")) << csv->content();

  request.set_format(v1::TABLE_FORMAT_XLSX);
  auto xlsx = national_.Export(ministry_, request);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_TRUE(absl::StartsWith(xlsx->content(), "PK")) << "a zip container";
  EXPECT_EQ(xlsx->filename(), "so-lieu-cac-tinh-national-2026-2026.xlsx");
}

TEST_F(NationalViewTest, TrendOverThePeriodsReceived) {
  Send("dong-nai", "2026", 7, {IntValue("complaints-received", 18)});
  Send("dong-nai", "2027", 9, {IntValue("complaints-received", 25)});
  Send("quang-ngai", "2027", 4, {IntValue("complaints-received", 5)});
  v1::GetNationalTrendRequest request;
  request.set_plan(kNational);
  auto trend = national_.Trend(ministry_, request);
  ASSERT_TRUE(trend.ok()) << trend.status();
  ASSERT_EQ(trend->periods_size(), 2);
  EXPECT_EQ(trend->periods(0), "2026");
  const v1::NationalIndicatorTrend& complaints = trend->indicators(0);
  EXPECT_EQ(complaints.indicator(), "indicators/complaints-received");
  ASSERT_EQ(complaints.points_size(), 2);
  EXPECT_EQ(complaints.points(0).figure().value(), "18");
  EXPECT_EQ(complaints.points(1).figure().value(), "30");
  EXPECT_EQ(complaints.points(1).provinces(), 2);
  EXPECT_EQ(complaints.points(1).change(), "+12");
  // The plan wants complaints to fall.
  EXPECT_TRUE(complaints.points(1).against_direction());
  EXPECT_FALSE(trend->indicators(1).points(0).figure().present());
}

TEST_F(NationalViewTest, CompletenessIsKeptWithItsGenerationAndFiguresKeepTheirArrival) {
  Send("dong-nai", "2026", 7,
       {IntValue("complaints-received", 18), IntValue("complaints-resolved", 12)}, 3);
  const absl::Time first = clock_.Now();
  clock_.Set(first + absl::Hours(2));
  Send("dong-nai", "2026", 9,
       {IntValue("complaints-received", 18), IntValue("complaints-resolved", 14)}, 4);
  v1::GetReceivedFiguresRequest get;
  get.set_name("plans/national-2026/periods/2026/receivedFigures/dong-nai");
  auto held = received_.Get(ministry_, get);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->completeness().accepted(), 4);
  ASSERT_EQ(held->value_arrive_times_size(), 2);
  EXPECT_EQ(held->value_arrive_times(0).seconds(), absl::ToUnixSeconds(first))
      << "an unchanged figure keeps the time it arrived";
  EXPECT_EQ(held->value_arrive_times(1).seconds(), absl::ToUnixSeconds(first + absl::Hours(2)));

  // A retry of the older generation changes neither the figures nor the
  // completeness.
  v1::PushFiguresRequest retry;
  retry.set_plan(kNational);
  retry.set_period("2026");
  retry.set_agency("agencies/dong-nai");
  retry.set_generation(7);
  retry.set_request_id("push-dong-nai-2026-7");
  retry.mutable_completeness()->set_expected(5);
  auto answer = received_.Push(Caller("agencies/dong-nai"), retry);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->outcome(), v1::PUSH_OUTCOME_SUPERSEDED);
  held = received_.Get(ministry_, get);
  EXPECT_EQ(held->completeness().accepted(), 4);

  // Counts that do not add up are refused.
  retry.set_generation(11);
  retry.mutable_completeness()->set_accepted(7);
  EXPECT_TRUE(absl::IsInvalidArgument(received_.Push(Caller("agencies/dong-nai"), retry).status()));
}

}  // namespace
}  // namespace tonghop::aggregation
