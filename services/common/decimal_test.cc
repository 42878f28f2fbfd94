#include "services/common/decimal.h"

#include "gtest/gtest.h"
#include "services/common/errors.h"

namespace tonghop {
namespace {

TEST(DecimalTest, ParsesCanonicalDecimalsExactly) {
  EXPECT_EQ(*ParseDecimal("0"), Micros(0));
  EXPECT_EQ(*ParseDecimal("1250.5"), Micros(1250500000));
  EXPECT_EQ(*ParseDecimal("-0.000001"), Micros(-1));
  EXPECT_EQ(*ParseDecimal("42"), FromInt(42));
  EXPECT_EQ(*ParseDecimal("999999999999999.999999"),
            Micros(999999999999999) * kMicrosPerUnit + 999999);
}

TEST(DecimalTest, RefusesEverythingButTheCanonicalText) {
  // The one rule every path follows: the submissions' validator, the roll-ups,
  // figures received from a province and imported files.
  for (const char* bad : {"", "-", "1.", ".5", "-.5", "1.2345678", "1e3", "1,5", " 1", "1 ",
                          "+1", "12a", "1.000.000", "1234567890123456", "--1", "0x10"}) {
    absl::StatusOr<Micros> parsed = ParseDecimal(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(DecimalTest, ErrorsSayWhyAndNameTheField) {
  EXPECT_EQ(ParseDecimal("+1").status().message(), "a sign other than '-'");
  EXPECT_EQ(ParseDecimal(".5").status().message(), "no digit before the point");
  EXPECT_EQ(ParseDecimal("1.2345678").status().message(), "more than 6 digits after the point");
  EXPECT_EQ(ParseDecimal("1234567890123456").status().message(),
            "more than 15 digits before the point");
  absl::Status named = ParseDecimal("1,5", "report.values[3].decimal_value").status();
  EXPECT_EQ(named.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(named.ToString().find("report.values[3].decimal_value"), std::string::npos) << named;
}

TEST(DecimalTest, SumsMayHaveMoreDigitsThanAReportedFigure) {
  EXPECT_EQ(*ParseDecimalSum("27000000000000000.000003", "v"),
            FromInt(27000000000000000) + 3);
  EXPECT_FALSE(ParseDecimal("27000000000000000.000003", "v").ok());
  EXPECT_FALSE(ParseDecimalSum("1234567890123456789012345", "v").ok());
  EXPECT_FALSE(ParseDecimalSum("+1", "v").ok());
}

TEST(DecimalTest, FormatAndParseRoundTrip) {
  for (const char* text : {"0", "1", "-1", "1250.5", "0.000001", "-999999999999999.999999"}) {
    EXPECT_EQ(FormatMicros(*ParseDecimal(text)), text);
  }
}

TEST(DecimalTest, SumsBeyondInt64StayExact) {
  // 9 × 10^15 VND in millionths overflows int64; the sum must not.
  Micros a = FromInt(9000000000000000) + 1;
  Micros sum = a + a + a;
  EXPECT_EQ(FormatMicros(sum), "27000000000000000.000003");
  EXPECT_EQ(*ParseInt128(Int128ToString(sum)), sum);
  EXPECT_EQ(Int128ToString(-sum), "-27000000000000000000003");
}

TEST(DecimalTest, FormatsTrimmedAndRounded) {
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

TEST(DecimalTest, PercentFromSumsNotFromAveragedRates) {
  // Two agencies: 1 of 1 resolved (100%) and 1 of 3 resolved (33.3%). The
  // average of rates would say 66.67%; the ratio of sums says 50%.
  Micros resolved = FromInt(1) + FromInt(1);
  Micros received = FromInt(1) + FromInt(3);
  EXPECT_EQ(FormatRounded(*PercentMicros(resolved, received), 2), "50.00");
  EXPECT_EQ(FormatRounded(*PercentMicros(FromInt(2), FromInt(3)), 2), "66.67");
  EXPECT_FALSE(PercentMicros(FromInt(1), 0).has_value());
}

}  // namespace
}  // namespace tonghop
