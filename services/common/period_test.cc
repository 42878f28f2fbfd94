#include "services/common/period.h"

#include "gtest/gtest.h"
#include "services/common/errors.h"

namespace tonghop {
namespace {

absl::Time Vietnam(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), VietnamTime());
}

// Reports due 5 November of each year, 2026-2027.
v1::Plan AnnualPlan() {
  v1::Plan plan;
  plan.set_name("plans/annual");
  plan.set_first_year(2026);
  plan.set_last_year(2027);
  auto* round = plan.add_schedule();
  round->set_period_type(v1::PERIOD_TYPE_ANNUAL);
  round->mutable_due()->set_month(11);
  round->mutable_due()->set_day(5);
  return plan;
}

// Half-yearly reports, the first due 15 July, in 2026.
v1::Plan SemiAnnualPlan() {
  v1::Plan plan;
  plan.set_name("plans/semi");
  plan.set_first_year(2026);
  plan.set_last_year(2026);
  auto* round = plan.add_schedule();
  round->set_period_type(v1::PERIOD_TYPE_SEMIANNUAL);
  round->mutable_due()->set_month(7);
  round->mutable_due()->set_day(15);
  return plan;
}

TEST(PeriodTest, ParsesTheThreeForms) {
  Period year = *ParsePeriod("2026", "period");
  EXPECT_EQ(year.type, v1::PERIOD_TYPE_ANNUAL);
  EXPECT_EQ(year.first_day, absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(year.last_day, absl::CivilDay(2026, 12, 31));
  Period s2 = *ParsePeriod("2026S2", "period");
  EXPECT_EQ(s2.type, v1::PERIOD_TYPE_SEMIANNUAL);
  EXPECT_EQ(s2.sub_period, 2);
  EXPECT_EQ(s2.first_day, absl::CivilDay(2026, 7, 1));
  EXPECT_EQ(s2.last_day, absl::CivilDay(2026, 12, 31));
  Period q4 = *ParsePeriod("2027Q4", "period");
  EXPECT_EQ(q4.type, v1::PERIOD_TYPE_QUARTERLY);
  EXPECT_EQ(q4.sub_period, 4);
  EXPECT_EQ(ParsePeriod("2024Q1", "period")->last_day, absl::CivilDay(2024, 3, 31));
}

TEST(PeriodTest, RefusesOtherLabels) {
  for (const char* bad : {"", "26", "2026S3", "2026Q0", "2026Q5", "2026-1", "2026s1", "abcd",
                          "2026H1", "20261", "1899", "+202"}) {
    auto parsed = ParsePeriod(bad, "period");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(GetBadRequest(parsed.status()).field_violations(0).field(), "period");
  }
}

TEST(PeriodTest, PreviousAndOrder) {
  EXPECT_EQ(PreviousPeriod(*ParsePeriod("2026", "p")).label, "2025");
  EXPECT_EQ(PreviousPeriod(*ParsePeriod("2026S1", "p")).label, "2025S2");
  EXPECT_EQ(PreviousPeriod(*ParsePeriod("2026S2", "p")).label, "2026S1");
  EXPECT_EQ(PreviousPeriod(*ParsePeriod("2026Q1", "p")).label, "2025Q4");
  EXPECT_TRUE(PeriodBefore(*ParsePeriod("2025", "p"), *ParsePeriod("2026S1", "p")));
  EXPECT_TRUE(PeriodBefore(*ParsePeriod("2026S1", "p"), *ParsePeriod("2026", "p")));
}

TEST(PeriodTest, AnnualDueDateIsTheEndOfTheDueDayInVietnam) {
  auto dates = DueDates(AnnualPlan(), *ParsePeriod("2026", "period"), "period");
  ASSERT_TRUE(dates.ok()) << dates.status();
  EXPECT_EQ(dates->due_day, absl::CivilDay(2026, 11, 5));
  EXPECT_EQ(dates->due_day_start, Vietnam(2026, 11, 5));
  EXPECT_TRUE(IsOnTime(*dates, Vietnam(2026, 11, 5, 23, 59, 59)));
  EXPECT_FALSE(IsOnTime(*dates, Vietnam(2026, 11, 6, 0, 0, 0)));
  // 5 November 20:00 UTC is already 6 November in Vietnam.
  EXPECT_FALSE(IsOnTime(*dates, absl::FromCivil(absl::CivilSecond(2026, 11, 5, 20, 0, 0),
                                                absl::UTCTimeZone())));
}

TEST(PeriodTest, CompileDueDayIsTheRoundsCompileDueMovedAsTheDueDate) {
  v1::Plan plan = AnnualPlan();
  EXPECT_FALSE(CompileDueDay(plan, *ParsePeriod("2026", "p")).has_value())
      << "a round without compile_due has none";
  plan.mutable_schedule(0)->mutable_compile_due()->set_month(11);
  plan.mutable_schedule(0)->mutable_compile_due()->set_day(20);
  EXPECT_EQ(*CompileDueDay(plan, *ParsePeriod("2026", "p")), absl::CivilDay(2026, 11, 20));
  v1::Plan half = SemiAnnualPlan();
  half.mutable_schedule(0)->mutable_compile_due()->set_month(7);
  half.mutable_schedule(0)->mutable_compile_due()->set_day(31);
  // Moved six months for the second half: 31 January of the next year.
  EXPECT_EQ(*CompileDueDay(half, *ParsePeriod("2026S2", "p")), absl::CivilDay(2027, 1, 31));
}

TEST(PeriodTest, SubPeriodZeroMovesByTheSubPeriodLength) {
  v1::Plan plan = SemiAnnualPlan();
  EXPECT_EQ(*DueDay(plan, *ParsePeriod("2026S1", "p")), absl::CivilDay(2026, 7, 15));
  EXPECT_EQ(*DueDay(plan, *ParsePeriod("2026S2", "p")), absl::CivilDay(2027, 1, 15));
  // A round for the exact sub-period wins.
  auto* s2 = plan.add_schedule();
  s2->set_period_type(v1::PERIOD_TYPE_SEMIANNUAL);
  s2->set_sub_period(2);
  s2->mutable_due()->set_month(12);
  s2->mutable_due()->set_day(15);
  EXPECT_EQ(*DueDay(plan, *ParsePeriod("2026S2", "p")), absl::CivilDay(2026, 12, 15));
  EXPECT_FALSE(DueDay(AnnualPlan(), *ParsePeriod("2026S1", "p")).has_value());
}

TEST(PeriodTest, DayPastTheMonthEndIsTheLastDay) {
  v1::Plan plan = SemiAnnualPlan();
  plan.mutable_schedule(0)->set_period_type(v1::PERIOD_TYPE_QUARTERLY);
  plan.mutable_schedule(0)->mutable_due()->set_month(1);
  plan.mutable_schedule(0)->mutable_due()->set_day(31);
  EXPECT_EQ(DueDates(plan, *ParsePeriod("2026Q2", "p"), "p")->due_day_start, Vietnam(2026, 4, 30));
}

TEST(PeriodTest, RefusesPeriodsOutsideThePlan) {
  v1::Plan plan = AnnualPlan();
  EXPECT_EQ(DueDates(plan, *ParsePeriod("2025", "period"), "period").status().code(),
            absl::StatusCode::kInvalidArgument);
  auto wrong_type = DueDates(plan, *ParsePeriod("2026S1", "period"), "period");
  ASSERT_EQ(wrong_type.status().code(), absl::StatusCode::kInvalidArgument);
  // The message lists what is valid.
  EXPECT_NE(GetBadRequest(wrong_type.status()).field_violations(0).description().find("2026, 2027"),
            std::string::npos);
}

TEST(PeriodTest, DateIntervalsOverlapPeriods) {
  google::type::Date unset;
  google::type::Date to = ToProtoDate(absl::CivilDay(2025, 6, 30));
  EXPECT_TRUE(Overlaps(unset, to, *ParsePeriod("2025", "p")));
  EXPECT_FALSE(Overlaps(unset, to, *ParsePeriod("2026", "p")));
  EXPECT_FALSE(Overlaps(unset, to, *ParsePeriod("2025S2", "p")));
  EXPECT_TRUE(Overlaps(unset, unset, *ParsePeriod("2030", "p")));
}

}  // namespace
}  // namespace tonghop
