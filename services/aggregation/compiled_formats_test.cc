// A property test of the compiled report: for random reports, every figure
// that every compiled format shows (JSON, Markdown, HTML, XLSX, DOCX, PDF)
// equals the roll-up computed here, independently, from the reports as
// stored — by plain arithmetic over the agencies' values, following the
// rules in figures.h — and a figure that cannot be computed is shown as not
// available, never as a number.

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"
#include "services/aggregation/compiled_formats_testing.h"
#include "services/aggregation/queries.h"
#include "services/aggregation/report_render.h"
#include "services/aggregation/test_fixture.h"

namespace tonghop::aggregation {
namespace {

using testing::IntValue;
using testing::MakeReport;

// The agencies of the fixture's Đồng Nai subtree that report.
const std::vector<std::string>& Reporters() {
  static const auto* reporters = new std::vector<std::string>{
      "dong-nai",         "dong-nai-so-tu-phap", "dong-nai-so-y-te", "dong-nai-cong-an-tinh",
      "dong-nai-tand-tinh", "dong-nai-xa-a",     "dong-nai-xa-b"};
  return *reporters;
}

const std::map<std::string, std::vector<std::string>>& Options() {
  static const auto* options = new std::map<std::string, std::vector<std::string>>{
      {"sex", {"female", "male"}}, {"age-group", {"under-16", "16-17", "18-30", "over-60"}}};
  return *options;
}

using formats_testing::Counted;
using formats_testing::Values;

// Random values for one agency: each indicator's total given or not, and
// for the disaggregated ones, some dimensions broken down (cells that add
// up to the total, some left empty).
Values RandomValues(std::mt19937& rng) {
  Values values;
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  auto total = [&](const std::string& indicator, int max) -> std::optional<int64_t> {
    if (!chance(75)) return std::nullopt;
    int64_t v = static_cast<int64_t>(rng() % static_cast<unsigned>(max + 1));
    values[{indicator, ""}] = v;
    return v;
  };
  auto break_down = [&](const std::string& indicator, const std::string& dimension,
                        int64_t total_value) {
    const std::vector<std::string>& options = Options().at(dimension);
    int64_t left = total_value;
    for (size_t i = 0; i < options.size(); ++i) {
      int64_t v = i + 1 == options.size() ? left
                                           : static_cast<int64_t>(rng() % static_cast<unsigned>(left + 1));
      left -= v;
      if (v == 0 && chance(50)) continue;  // an empty cell counts as 0
      values[{indicator, absl::StrCat(dimension, "=", options[i])}] = v;
    }
  };
  if (auto received = total("complaints-received", 40)) {
    for (const char* dimension : {"sex", "age-group"}) {
      if (chance(60)) break_down("complaints-received", dimension, *received);
    }
    if (chance(80)) {
      values[{"complaints-resolved", ""}] =
          static_cast<int64_t>(rng() % static_cast<unsigned>(*received + 1));
    }
  } else if (chance(20)) {
    total("complaints-resolved", 10);
  }
  if (auto identified = total("victims-identified", 12)) {
    if (chance(60)) break_down("victims-identified", "sex", *identified);
    if (chance(85)) {
      int64_t assisted = static_cast<int64_t>(rng() % static_cast<unsigned>(*identified + 1));
      values[{"victims-assisted", ""}] = assisted;
      if (chance(60)) break_down("victims-assisted", "sex", assisted);
    }
  }
  total("largest-case", 500);
  total("staff-now", 90);
  return values;
}

class CompiledFormatsTest : public ::testing::TestWithParam<int> {
 protected:
  // Files random reports for a period; returns the ones that count
  // (accepted, not superseded, returned or awaiting review), with their
  // submit times.
  Counted FileReports(std::mt19937& rng, const std::string& period) {
    Counted counted;
    for (const std::string& agency : Reporters()) {
      if (rng() % 100 < 25) continue;  // never reports
      int revisions = 1 + static_cast<int>(rng() % 2);
      for (int revision = 1; revision <= revisions; ++revision) {
        Values values = RandomValues(rng);
        std::vector<v1::Value> list;
        for (const auto& [key, v] : values) {
          std::map<std::string, std::string> cells;
          if (!key.second.empty()) {
            std::pair<std::string, std::string> kv = absl::StrSplit(key.second, '=');
            cells[kv.first] = kv.second;
          }
          list.push_back(IntValue(key.first, v, cells));
        }
        int64_t submitted = 1790000000 + static_cast<int64_t>(rng() % 100000);
        v1::Report report =
            MakeReport(agency, period, revision, list, testing::kPlan, submitted);
        EXPECT_TRUE(env_.Apply(v1::CHANGE_KIND_SUBMITTED, report).ok());
        int fate = static_cast<int>(rng() % 10);
        if (fate < 7) {
          EXPECT_TRUE(env_.Apply(v1::CHANGE_KIND_ACCEPTED, report).ok());
          counted[agency] = {values, submitted};
        } else if (fate < 9) {
          EXPECT_TRUE(env_.Apply(v1::CHANGE_KIND_RETURNED, report).ok());
          counted.erase(agency);
        } else {
          counted.erase(agency);  // awaiting review: not in the accepted figures
        }
      }
    }
    return counted;
  }

  // Random reports for 2025 and 2026, Đồng Nai's compiled 2026 report and
  // its roll-up computed independently.
  struct Scenario {
    v1::CompiledReport report;
    formats_testing::Expected expected;
  };
  Scenario RandomScenario() {
    std::mt19937 rng(static_cast<uint32_t>(GetParam()));
    Counted previous = FileReports(rng, "2025");
    Counted current = FileReports(rng, "2026");
    v1::CompileReportRequest request;
    request.set_plan(testing::kPlan);
    request.set_period("2026");
    request.set_agency("agencies/dong-nai");
    absl::StatusOr<v1::CompiledReport> report =
        env_.queries().Compile(Caller{"agencies/dong-nai-so-tu-phap"}, request);
    EXPECT_TRUE(report.ok()) << report.status();
    return {report.value_or(v1::CompiledReport()),
            formats_testing::IndependentRollup(env_.registry(), current, previous)};
  }

  testing::QueryEnvironment env_;
};

TEST_P(CompiledFormatsTest, EveryFormatShowsTheIndependentRollup) {
  Scenario scenario = RandomScenario();
  const v1::CompiledReport& report = scenario.report;
  const formats_testing::Expected& expected = scenario.expected;
  ASSERT_FALSE(expected.rows.empty());

  std::string temp = (std::filesystem::temp_directory_path() /
                      absl::StrCat("compiled-formats-", GetParam()))
                         .string();
  std::filesystem::create_directories(temp);
  for (v1::ReportFormat format :
       {v1::REPORT_FORMAT_JSON, v1::REPORT_FORMAT_MARKDOWN, v1::REPORT_FORMAT_HTML,
        v1::REPORT_FORMAT_XLSX, v1::REPORT_FORMAT_DOCX, v1::REPORT_FORMAT_PDF}) {
    absl::StatusOr<RenderedReport> rendered = RenderReport(report, format, temp);
    ASSERT_TRUE(rendered.ok()) << v1::ReportFormat_Name(format) << ": " << rendered.status();
    absl::StatusOr<formats_testing::Shown> shown =
        formats_testing::ReadFigures(rendered->content, format, &expected);
    ASSERT_TRUE(shown.ok()) << v1::ReportFormat_Name(format) << ": " << shown.status();
    formats_testing::ExpectSame(expected, *shown, v1::ReportFormat_Name(format));
  }
  std::filesystem::remove_all(temp);
}

// The readers are not blind: a figure off by one, or shown where the
// roll-up has none, is noticed in every format.
TEST_P(CompiledFormatsTest, TheComparisonNoticesAWrongFigure) {
  Scenario scenario = RandomScenario();
  const v1::CompiledReport& report = scenario.report;
  const formats_testing::Expected& expected = scenario.expected;
  formats_testing::Expected off = expected;
  auto present = std::find_if(off.rows.begin(), off.rows.end(),
                              [](const formats_testing::Row& r) { return r.current.present; });
  ASSERT_NE(present, off.rows.end());
  present->current.exact = absl::StrCat(std::stoll(present->current.exact) + 1);
  formats_testing::Expected invented = expected;
  auto absent = std::find_if(invented.rows.begin(), invented.rows.end(),
                             [](const formats_testing::Row& r) {
                               return !r.current.present && !r.current.withheld;
                             });
  ASSERT_NE(absent, invented.rows.end());
  absent->current = formats_testing::Figure{true, "0", /*noted=*/true, false, false};
  for (v1::ReportFormat format :
       {v1::REPORT_FORMAT_JSON, v1::REPORT_FORMAT_MARKDOWN, v1::REPORT_FORMAT_HTML,
        v1::REPORT_FORMAT_XLSX, v1::REPORT_FORMAT_DOCX, v1::REPORT_FORMAT_PDF}) {
    auto rendered = RenderReport(report, format, ::testing::TempDir());
    ASSERT_TRUE(rendered.ok());
    auto shown = formats_testing::ReadFigures(rendered->content, format, &expected);
    ASSERT_TRUE(shown.ok()) << shown.status();
    EXPECT_NONFATAL_FAILURE(formats_testing::ExpectSame(off, *shown, "off by one"), "expected");
    EXPECT_NONFATAL_FAILURE(formats_testing::ExpectSame(invented, *shown, "invented 0"),
                            "expected 0 (note), shown —");
  }
}

INSTANTIATE_TEST_SUITE_P(RandomReports, CompiledFormatsTest, ::testing::Range(1, 41));

}  // namespace
}  // namespace tonghop::aggregation
