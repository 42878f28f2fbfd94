#include "services/submissions/period.h"

#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "services/submissions/test_fixture.h"

namespace tonghop::submissions {
namespace {

absl::Time Vietnam(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), VietnamTime());
}

TEST(PeriodTest, ParsesTheThreeForms) {
  auto annual = ParsePeriod("2026", "period");
  ASSERT_TRUE(annual.ok());
  EXPECT_EQ(annual->year, 2026);
  EXPECT_EQ(annual->type, v1::PERIOD_TYPE_ANNUAL);
  auto half = ParsePeriod("2026S2", "period");
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(half->type, v1::PERIOD_TYPE_SEMIANNUAL);
  EXPECT_EQ(half->sub_period, 2);
  auto quarter = ParsePeriod("2027Q4", "period");
  ASSERT_TRUE(quarter.ok());
  EXPECT_EQ(quarter->type, v1::PERIOD_TYPE_QUARTERLY);
  EXPECT_EQ(quarter->sub_period, 4);
}

TEST(PeriodTest, RefusesOtherLabels) {
  for (const char* bad : {"", "26", "2026S3", "2026Q0", "2026Q5", "2026-1", "2026s1",
                          "abcd", "2026H1", "20261"}) {
    auto parsed = ParsePeriod(bad, "period");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(GetBadRequest(parsed.status()).field_violations(0).field(), "period");
  }
}

TEST(PeriodTest, AnnualDueDateIsTheEndOfTheDueDayInVietnam) {
  v1::Plan plan = testing::FixturePlans()[0];  // due 5 November, 2026-2027
  auto period = ParsePeriod("2026", "period");
  ASSERT_TRUE(period.ok());
  auto dates = DueDates(plan, *period, "period");
  ASSERT_TRUE(dates.ok()) << dates.status();
  EXPECT_EQ(dates->due_day_start, Vietnam(2026, 11, 5));
  EXPECT_TRUE(IsOnTime(*dates, Vietnam(2026, 11, 5, 23, 59, 59)));
  EXPECT_FALSE(IsOnTime(*dates, Vietnam(2026, 11, 6, 0, 0, 0)));
  // 5 November 20:00 UTC is already 6 November in Vietnam.
  EXPECT_FALSE(IsOnTime(*dates, absl::FromCivil(absl::CivilSecond(2026, 11, 5, 20, 0, 0),
                                                absl::UTCTimeZone())));
}

TEST(PeriodTest, SubPeriodZeroMovesByTheSubPeriodLength) {
  v1::Plan plan = testing::FixturePlans()[1];  // semi-annual, due 15 July, 2026
  auto s1 = DueDates(plan, *ParsePeriod("2026S1", "p"), "p");
  auto s2 = DueDates(plan, *ParsePeriod("2026S2", "p"), "p");
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_EQ(s1->due_day_start, Vietnam(2026, 7, 15));
  EXPECT_EQ(s2->due_day_start, Vietnam(2027, 1, 15));
}

TEST(PeriodTest, DayPastTheMonthEndIsTheLastDay) {
  v1::Plan plan = testing::FixturePlans()[1];
  plan.mutable_schedule(0)->set_period_type(v1::PERIOD_TYPE_QUARTERLY);
  plan.mutable_schedule(0)->mutable_due()->set_month(1);
  plan.mutable_schedule(0)->mutable_due()->set_day(31);
  auto q2 = DueDates(plan, *ParsePeriod("2026Q2", "p"), "p");
  ASSERT_TRUE(q2.ok());
  EXPECT_EQ(q2->due_day_start, Vietnam(2026, 4, 30));
}

TEST(PeriodTest, RefusesPeriodsOutsideThePlan) {
  v1::Plan plan = testing::FixturePlans()[0];
  auto before = DueDates(plan, *ParsePeriod("2025", "period"), "period");
  EXPECT_EQ(before.status().code(), absl::StatusCode::kInvalidArgument);
  auto wrong_type = DueDates(plan, *ParsePeriod("2026S1", "period"), "period");
  ASSERT_EQ(wrong_type.status().code(), absl::StatusCode::kInvalidArgument);
  // The message lists what is valid.
  EXPECT_NE(GetBadRequest(wrong_type.status()).field_violations(0).description().find("2026, 2027"),
            std::string::npos);
}

}  // namespace
}  // namespace tonghop::submissions
