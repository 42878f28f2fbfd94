#include "services/aggregation/exact_number.h"

#include "gtest/gtest.h"

namespace tonghop::aggregation {
namespace {

TEST(ExactNumberTest, ParsesDecimalsExactly) {
  EXPECT_EQ(*ParseDecimal("1250.5", "v"), Micros(1250500000));
  EXPECT_EQ(*ParseDecimal("-0.000001", "v"), Micros(-1));
  EXPECT_EQ(*ParseDecimal(".5", "v"), Micros(500000));
  EXPECT_EQ(*ParseDecimal("42", "v"), FromInt(42));
  for (const char* bad : {"", "1.", "1.2345678", "1e5", "12a", "-", " 1"}) {
    EXPECT_FALSE(ParseDecimal(bad, "v").ok()) << bad;
  }
}

TEST(ExactNumberTest, SumsBeyondInt64StayExact) {
  // 9 × 10^15 VND in millionths overflows int64; the sum must not.
  Micros a = *ParseDecimal("9000000000000000.000001", "v");
  Micros sum = a + a + a;
  EXPECT_EQ(FormatMicros(sum), "27000000000000000.000003");
  EXPECT_EQ(*ParseInt128(Int128ToString(sum)), sum);
  EXPECT_EQ(Int128ToString(-sum), "-27000000000000000000003");
}

TEST(ExactNumberTest, FormatsTrimmedAndRounded) {
  EXPECT_EQ(FormatMicros(FromInt(42)), "42");
  EXPECT_EQ(FormatMicros(1250500000), "1250.5");
  EXPECT_EQ(FormatMicros(-1500000), "-1.5");
  EXPECT_EQ(FormatRounded(87499999, 2), "87.50");
  EXPECT_EQ(FormatRounded(87494999, 2), "87.49");
  EXPECT_EQ(FormatRounded(-1005000, 2), "-1.01");
  EXPECT_EQ(FormatRounded(4000, 2), "0.00");
  EXPECT_EQ(FormatChange(FromInt(12)), "+12");
  EXPECT_EQ(FormatChange(-3500000), "-3.5");
  EXPECT_EQ(FormatChange(0), "0");
}

TEST(ExactNumberTest, PercentFromSumsNotFromAveragedRates) {
  // Two agencies: 1 of 1 resolved (100%) and 1 of 3 resolved (33.3%). The
  // average of rates would say 66.67%; the ratio of sums says 50%.
  Micros resolved = FromInt(1) + FromInt(1);
  Micros received = FromInt(1) + FromInt(3);
  EXPECT_EQ(FormatRounded(*PercentMicros(resolved, received), 2), "50.00");
  EXPECT_EQ(FormatRounded(*PercentMicros(FromInt(2), FromInt(3)), 2), "66.67");
  EXPECT_FALSE(PercentMicros(FromInt(1), 0).has_value());
}

}  // namespace
}  // namespace tonghop::aggregation
