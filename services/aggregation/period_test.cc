#include "services/aggregation/period.h"

#include "gtest/gtest.h"

namespace tonghop::aggregation {
namespace {

TEST(PeriodTest, ParsesLabels) {
  Period year = *ParsePeriod("2026", "period");
  EXPECT_EQ(year.first_day, absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(year.last_day, absl::CivilDay(2026, 12, 31));
  Period s2 = *ParsePeriod("2026S2", "period");
  EXPECT_EQ(s2.first_day, absl::CivilDay(2026, 7, 1));
  EXPECT_EQ(s2.last_day, absl::CivilDay(2026, 12, 31));
  Period q1 = *ParsePeriod("2024Q1", "period");
  EXPECT_EQ(q1.last_day, absl::CivilDay(2024, 3, 31));
  for (const char* bad : {"", "26", "2026S3", "2026Q5", "2026X1", "abcd", "20261"}) {
    EXPECT_FALSE(ParsePeriod(bad, "period").ok()) << bad;
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

TEST(PeriodTest, DueDateFromTheSchedule) {
  v1::Plan plan;
  auto* round = plan.add_schedule();
  round->set_period_type(v1::PERIOD_TYPE_ANNUAL);
  round->mutable_due()->set_month(11);
  round->mutable_due()->set_day(5);
  EXPECT_EQ(*DueDate(plan, *ParsePeriod("2026", "p")), absl::CivilDay(2026, 11, 5));
  EXPECT_FALSE(DueDate(plan, *ParsePeriod("2026S1", "p")).has_value());
  auto* semi = plan.add_schedule();
  semi->set_period_type(v1::PERIOD_TYPE_SEMIANNUAL);
  semi->mutable_due()->set_month(6);
  semi->mutable_due()->set_day(15);
  EXPECT_EQ(*DueDate(plan, *ParsePeriod("2026S2", "p")), absl::CivilDay(2026, 12, 15));
}

}  // namespace
}  // namespace tonghop::aggregation
