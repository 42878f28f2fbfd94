#include "services/common/display_format.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace tonghop {
namespace {

struct Case {
  std::string kind;
  std::string input;
  std::string vi;
  std::string en;
};

// The table the dashboard's display_format.ts is tested against too.
std::vector<Case> SharedCases() {
  std::ifstream in(TONGHOP_DISPLAY_FORMAT_CASES);
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    if (fields.size() != 4) {
      ADD_FAILURE() << "not kind<TAB>input<TAB>vi<TAB>en: " << line;
      continue;
    }
    cases.push_back({fields[0], fields[1], fields[2], fields[3]});
  }
  return cases;
}

std::string Apply(const Case& c, absl::string_view language) {
  if (c.kind == "number") return FormatNumber(c.input, language);
  if (c.kind == "percent") return FormatPercent(c.input, language);
  if (c.kind == "date") {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(c.input, &day)) return "unparsable day " + c.input;
    return FormatDate(day);
  }
  if (c.kind == "datetime" || c.kind == "day") {
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, c.input, &time, &error)) return error;
    return c.kind == "day" ? FormatDate(time) : FormatDateTime(time);
  }
  return "unknown kind " + c.kind;
}

TEST(DisplayFormatTest, SharedCases) {
  std::vector<Case> cases = SharedCases();
  ASSERT_GT(cases.size(), 20u);
  for (const Case& c : cases) {
    EXPECT_EQ(Apply(c, "vi"), c.vi) << c.kind << " " << c.input;
    EXPECT_EQ(Apply(c, "en"), c.en) << c.kind << " " << c.input;
  }
}

TEST(DisplayFormatTest, CountsAndProtoDates) {
  EXPECT_EQ(FormatCount(1234, "vi"), "1.234");
  EXPECT_EQ(FormatCount(-5, "en"), "-5");
  google::type::Date date;
  EXPECT_EQ(FormatDate(date), "");
  date.set_year(2026);
  date.set_month(11);
  date.set_day(5);
  EXPECT_EQ(FormatDate(date), "05/11/2026");
}

TEST(DisplayFormatTest, CountsOfEveryMagnitude) {
  EXPECT_EQ(FormatCount(1234567, "vi"), "1.234.567");
  EXPECT_EQ(FormatCount(1234567, "en"), "1,234,567");
  EXPECT_EQ(FormatCount(-1234, "vi"), "-1.234");
  EXPECT_EQ(FormatCount(INT64_MIN, "vi"), "-9.223.372.036.854.775.808");
}

TEST(DisplayFormatTest, MomentsInVietnamTime) {
  // 17:05:09 UTC is 00:05:09 the next day in Vietnam (UTC+7).
  absl::Time time = absl::FromCivil(absl::CivilSecond(2026, 11, 6, 17, 5, 9), absl::UTCTimeZone());
  EXPECT_EQ(FormatDate(time), "07/11/2026");
  EXPECT_EQ(FormatDateTime(time), "00:05, 07/11/2026");
  EXPECT_EQ(FormatDateTime(time, /*seconds=*/true), "00:05:09, 07/11/2026");
}

TEST(DisplayFormatTest, DocumentDateFollowsTheDecree) {
  EXPECT_EQ(FormatDocumentDate(absl::CivilDay(2026, 11, 7), "vi"), "ngày 07 tháng 11 năm 2026");
  EXPECT_EQ(FormatDocumentDate(absl::CivilDay(2026, 2, 5), "vi"), "ngày 05 tháng 02 năm 2026");
  EXPECT_EQ(FormatDocumentDate(absl::CivilDay(2026, 3, 15), "vi"), "ngày 15 tháng 3 năm 2026");
  EXPECT_EQ(FormatDocumentDate(absl::CivilDay(2026, 11, 7), "en"), "7 November 2026");
}

}  // namespace
}  // namespace tonghop
