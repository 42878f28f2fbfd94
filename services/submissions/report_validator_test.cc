#include "services/submissions/report_validator.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/submissions/report_context.h"
#include "services/submissions/test_fixture.h"

namespace tonghop::submissions {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

class ReportValidatorTest : public ::testing::Test {
 protected:
  ReportValidatorTest() {
    for (const auto& a : testing::FixtureAgencies()) registry_.Put(a);
    for (const auto& d : testing::FixtureDimensions()) registry_.Put(d);
    for (const auto& i : testing::FixtureIndicators()) registry_.Put(i);
    for (const auto& p : testing::FixturePlans()) registry_.Put(p);
    for (const auto& t : testing::FixtureTasks()) registry_.Put(t);
  }

  ReportContext Context(const std::string& agency_id) {
    auto chain = LoadAgencyChain(registry_, "agencies/" + agency_id);
    EXPECT_TRUE(chain.ok());
    auto context = LoadReportContext(registry_, *chain, "plans/dn-2026", "2026", "period");
    EXPECT_TRUE(context.ok()) << context.status();
    return *context;
  }

  // field → description of every violation.
  std::multimap<std::string, std::string> Validate(const std::string& agency_id,
                                                   ValidationMode mode, v1::Report& report) {
    ViolationList violations;
    ValidateReportContent(Context(agency_id), mode, "report", report, violations);
    std::multimap<std::string, std::string> out;
    for (const auto& v : violations.violations()) out.emplace(v.field, v.description);
    return out;
  }

  static v1::Value Count(const std::string& indicator, int64_t value,
                         const std::map<std::string, std::string>& cells = {}) {
    v1::Value v;
    v.set_indicator("indicators/" + indicator);
    v.set_int_value(value);
    for (const auto& [d, o] : cells) (*v.mutable_cells())[d] = o;
    return v;
  }

  static v1::TaskProgress Progress(const std::string& outline, v1::ProgressStatus status) {
    v1::TaskProgress p;
    p.set_task("plans/dn-2026/tasks/" + outline);
    p.set_status(status);
    return p;
  }

  FakeRegistryReader registry_;
};

TEST_F(ReportValidatorTest, DraftOfADepartmentHasItsTasksAndOneDimensionAtATime) {
  v1::Report draft = BuildDraft(Context("dong-nai-so-y-te"));
  EXPECT_EQ(draft.name(), "reports/dong-nai-so-y-te/dn-2026/2026");
  ASSERT_EQ(draft.progress_size(), 1);  // A.1 only: A.3 is an open group
  EXPECT_EQ(draft.progress(0).task(), "plans/dn-2026/tasks/A.1");
  EXPECT_TRUE(draft.progress(0).lead());
  EXPECT_EQ(draft.progress(0).title(), "Nhiệm vụ A.1");
  std::vector<std::string> cells;
  for (const v1::Value& v : draft.values()) {
    std::string cell = v.indicator().substr(11);
    for (const auto& [d, o] : v.cells()) cell += ":" + d + "=" + o;
    cells.push_back(cell);
    EXPECT_EQ(v.value_case(), v1::Value::VALUE_NOT_SET);
  }
  // The computed rate is not asked for; no cross-tabulated cells.
  EXPECT_THAT(cells, ElementsAre("complaints-received", "complaints-received:sex=male",
                                 "complaints-received:sex=female",
                                 "complaints-received:age-group=under-18",
                                 "complaints-received:age-group=adult", "complaints-resolved"));
}

TEST_F(ReportValidatorTest, DraftOfACommuneComesFromClosedGroups) {
  v1::Report draft = BuildDraft(Context("dong-nai-xa-a"));
  ASSERT_EQ(draft.progress_size(), 2);
  EXPECT_EQ(draft.progress(0).task(), "plans/dn-2026/tasks/A.2");
  EXPECT_TRUE(draft.progress(0).lead());
  EXPECT_EQ(draft.progress(1).task(), "plans/dn-2026/tasks/A.4");
  EXPECT_FALSE(draft.progress(1).lead());
  EXPECT_EQ(draft.values_size(), 3);  // training-participants total, male, female
}

TEST_F(ReportValidatorTest, ACompleteReportPasses) {
  v1::Report report;
  *report.add_progress() = Progress("A.1", v1::PROGRESS_STATUS_COMPLETED);
  report.mutable_progress(0)->set_summary("  Đã tổ chức tiếp công dân.  ");
  *report.add_values() = Count("complaints-received", 10);
  *report.add_values() = Count("complaints-received", 6, {{"sex", "male"}});
  *report.add_values() = Count("complaints-received", 4, {{"sex", "female"}});
  *report.add_values() = Count("complaints-resolved", 9);
  v1::Value empty;
  empty.set_indicator("indicators/complaints-received");
  (*empty.mutable_cells())["age-group"] = "adult";
  *report.add_values() = empty;  // left empty: not reported
  EXPECT_TRUE(Validate("dong-nai-so-y-te", ValidationMode::kSubmit, report).empty());
  EXPECT_EQ(report.progress(0).summary(), "Đã tổ chức tiếp công dân.");
  EXPECT_TRUE(report.progress(0).lead());
  EXPECT_EQ(report.values_size(), 4);  // the empty value is dropped on submit
}

TEST_F(ReportValidatorTest, EveryFaultOfOneReportIsReported) {
  v1::Report report;
  *report.add_progress() = Progress("A.1", v1::PROGRESS_STATUS_IN_PROGRESS);  // [0] fine
  *report.add_progress() = Progress("A.2", v1::PROGRESS_STATUS_COMPLETED);    // [1] unassigned
  *report.add_progress() = Progress("Z.9", v1::PROGRESS_STATUS_COMPLETED);    // [2] unknown
  *report.add_progress() = Progress("A.1", v1::PROGRESS_STATUS_COMPLETED);    // [3] duplicate
  v1::TaskProgress other_plan;
  other_plan.set_task("plans/dn-half/tasks/H.1");
  *report.add_progress() = other_plan;                                        // [4]
  *report.add_values() = Count("complaints-received", 10);                    // [0] total
  *report.add_values() = Count("complaints-received", 3, {{"sex", "male"}});  // [1]
  *report.add_values() = Count("complaints-received", 4, {{"sex", "female"}});  // [2] sum 7≠10
  *report.add_values() = Count("complaints-resolved", 12);                    // [3] > received
  *report.add_values() = Count("complaints-received", 2, {{"sex", "other"}}); // [4] bad option
  *report.add_values() = Count("complaints-received", 2, {{"religion", "x"}});  // [5] bad dim
  *report.add_values() = Count("complaint-resolution-rate", 90);              // [6] computed
  *report.add_values() = Count("no-such-indicator", 1);                       // [7] unknown
  *report.add_values() = Count("complaints-resolved", -1, {});                // [8] dup + neg
  v1::Value decimal;
  decimal.set_indicator("indicators/complaints-resolved");
  decimal.set_decimal_value("1.5");
  (*decimal.mutable_cells())["sex"] = "male";
  *report.add_values() = decimal;  // [9] wrong type and a dimension it lacks
  *report.add_values() = Count("training-participants", 5);  // [10] not asked of so-y-te
  *report.add_values() =
      Count("complaints-received", 1, {{"sex", "male"}, {"age-group", "adult"}});  // [11]

  auto faults = Validate("dong-nai-so-y-te", ValidationMode::kSubmit, report);
  std::vector<std::string> fields;
  for (const auto& [field, description] : faults) fields.push_back(field);
  EXPECT_THAT(fields,
              UnorderedElementsAre(
                  "report.progress[1].task", "report.progress[2].task",
                  "report.progress[3].task", "report.progress[4].task",
                  "report.values[0].value",   // cells add up to 7, not 10
                  "report.values[3].value",   // resolved 12 > received 10
                  "report.values[4].cells", "report.values[5].cells",
                  "report.values[6].indicator", "report.values[7].indicator",
                  "report.values[8].value",   // negative
                  "report.values[9].cells", "report.values[9].value",
                  "report.values[10].indicator", "report.values[11].cells"))
      << ::testing::PrintToString(faults);
  EXPECT_THAT(faults.find("report.values[0].value")->second, HasSubstr("add up to 7"));
  EXPECT_THAT(faults.find("report.values[3].value")->second,
              HasSubstr("không thể lớn hơn"));
  EXPECT_THAT(faults.find("report.progress[1].task")->second, HasSubstr("not assigned"));
}

TEST_F(ReportValidatorTest, DuplicateCellsAreRefused) {
  v1::Report report;
  *report.add_values() = Count("complaints-received", 1, {{"sex", "male"}});
  *report.add_values() = Count("complaints-received", 1, {{"sex", "male"}});
  *report.add_values() = Count("complaints-received", 1);
  auto faults = Validate("dong-nai-so-y-te", ValidationMode::kDraft, report);
  ASSERT_EQ(faults.size(), 1u) << ::testing::PrintToString(faults);
  EXPECT_EQ(faults.begin()->first, "report.values[1]");
  EXPECT_THAT(faults.begin()->second, HasSubstr("already given at report.values[0]"));
}

TEST_F(ReportValidatorTest, BreakdownWithoutTotalIsRefused) {
  v1::Report report;
  *report.add_values() = Count("complaints-received", 1, {{"sex", "male"}});
  auto faults = Validate("dong-nai-so-y-te", ValidationMode::kDraft, report);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults.begin()->first, "report.values[0].value");
  EXPECT_THAT(faults.begin()->second, HasSubstr("total"));
}

TEST_F(ReportValidatorTest, LeadStatusIsRequiredOnSubmitOnly) {
  v1::Report report;  // no progress at all
  EXPECT_TRUE(Validate("dong-nai-so-y-te", ValidationMode::kDraft, report).empty());
  auto faults = Validate("dong-nai-so-y-te", ValidationMode::kSubmit, report);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults.begin()->first, "report.progress");
  EXPECT_THAT(faults.begin()->second, HasSubstr("plans/dn-2026/tasks/A.1"));

  v1::Report unspecified;
  *unspecified.add_progress() = Progress("A.1", v1::PROGRESS_STATUS_UNSPECIFIED);
  auto status_faults = Validate("dong-nai-so-y-te", ValidationMode::kSubmit, unspecified);
  ASSERT_EQ(status_faults.size(), 1u);
  EXPECT_EQ(status_faults.begin()->first, "report.progress[0].status");
}

TEST_F(ReportValidatorTest, CoordinatorsNeedNoStatus) {
  v1::Report report;  // so-tu-phap leads A.4 and coordinates A.1
  *report.add_progress() = Progress("A.4", v1::PROGRESS_STATUS_ONGOING);
  *report.add_progress() = Progress("A.1", v1::PROGRESS_STATUS_UNSPECIFIED);
  EXPECT_TRUE(Validate("dong-nai-so-tu-phap", ValidationMode::kSubmit, report).empty());
  EXPECT_FALSE(report.progress(1).lead());
}

TEST_F(ReportValidatorTest, OpenGroupsMayReportButAreNotExpected) {
  v1::Report report;
  *report.add_progress() = Progress("A.1", v1::PROGRESS_STATUS_COMPLETED);
  *report.add_progress() = Progress("A.3", v1::PROGRESS_STATUS_IN_PROGRESS);
  v1::Value budget;
  budget.set_indicator("indicators/budget-spent");
  budget.set_decimal_value("1250.75");
  *report.add_values() = budget;
  EXPECT_TRUE(Validate("dong-nai-so-y-te", ValidationMode::kSubmit, report).empty());
  EXPECT_TRUE(report.progress(1).lead());

  // Hà Nội's department is outside the group's subtree.
  ReportContext ha_noi = Context("ha-noi-so-y-te");
  EXPECT_FALSE(ha_noi.concerned());
}

TEST_F(ReportValidatorTest, DecimalValuesFollowTheOneDecimalRule) {
  // Every text services/common/decimal refuses is refused at its field, and
  // the largest it accepts is accepted.
  for (const char* bad : {"", "-", "1.", ".5", "1.2345678", "1e3", "1,5", " 1", "+1",
                          "1234567890123456"}) {
    v1::Report report;
    v1::Value budget;
    budget.set_indicator("indicators/budget-spent");
    budget.set_decimal_value(bad);
    *report.add_values() = budget;
    auto faults = Validate("dong-nai-so-y-te", ValidationMode::kDraft, report);
    ASSERT_EQ(faults.size(), 1u) << bad;
    EXPECT_EQ(faults.begin()->first, "report.values[0].value") << bad;
  }
  v1::Report report;
  v1::Value budget;
  budget.set_indicator("indicators/budget-spent");
  budget.set_decimal_value("999999999999999.999999");
  *report.add_values() = budget;
  EXPECT_TRUE(Validate("dong-nai-so-y-te", ValidationMode::kDraft, report).empty());
}

TEST_F(ReportValidatorTest, RoleOfGroupMembers) {
  std::vector<v1::Agency> chain = *LoadAgencyChain(registry_, "agencies/dong-nai-xa-b");
  ASSERT_EQ(chain.size(), 3u);  // xa-b, dong-nai, bo-tu-phap
  std::vector<v1::Agency> ancestors(chain.begin() + 1, chain.end());
  v1::Task closed = testing::FixtureTasks()[2];  // A.2: every commune of dong-nai
  TaskRole role = RoleOf(closed, chain[0], ancestors);
  EXPECT_TRUE(role.expected && role.lead_expected && role.lead && role.concerned);
  v1::Task open = testing::FixtureTasks()[3];  // A.3: open group
  role = RoleOf(open, chain[0], ancestors);
  EXPECT_TRUE(role.concerned && role.lead);
  EXPECT_FALSE(role.expected || role.lead_expected);
  // A department is not a commune.
  std::vector<v1::Agency> dept = *LoadAgencyChain(registry_, "agencies/dong-nai-so-y-te");
  std::vector<v1::Agency> dept_ancestors(dept.begin() + 1, dept.end());
  role = RoleOf(closed, dept[0], dept_ancestors);
  EXPECT_FALSE(role.concerned);
}

// complaints-received asks for sex × age-group as a two-way grid: rows
// male, female; columns under-18, adult.
class CrossedValidatorTest : public ReportValidatorTest {
 protected:
  CrossedValidatorTest() { registry_.Put(testing::FixtureCrossedIndicator()); }

  static v1::Value Cell(const std::string& sex, const std::string& age, int64_t value) {
    return Count("complaints-received", value, {{"sex", sex}, {"age-group", age}});
  }
  static v1::Value Blank(const std::string& sex, const std::string& age) {
    v1::Value v = Cell(sex, age, 0);
    v.clear_int_value();
    return v;
  }

  // Total 10; male 6, female 4; under-18 3, adult 7: values[0..4].
  static v1::Report Margins() {
    v1::Report report;
    *report.add_values() = Count("complaints-received", 10);
    *report.add_values() = Count("complaints-received", 6, {{"sex", "male"}});
    *report.add_values() = Count("complaints-received", 4, {{"sex", "female"}});
    *report.add_values() = Count("complaints-received", 3, {{"age-group", "under-18"}});
    *report.add_values() = Count("complaints-received", 7, {{"age-group", "adult"}});
    return report;
  }
};

TEST_F(ReportValidatorTest, ACellOfTwoDimensionsNeedsADeclaredCrossing) {
  v1::Report report;
  *report.add_values() = Count("complaints-received", 10);
  *report.add_values() =
      Count("complaints-received", 10, {{"sex", "male"}, {"age-group", "adult"}});
  ViolationList violations;
  ValidateReportContent(Context("dong-nai-so-y-te"), ValidationMode::kDraft, "report", report,
                        violations);
  ASSERT_EQ(violations.violations().size(), 1u);
  const auto& v = violations.violations()[0];
  EXPECT_EQ(v.field, "report.values[1].cells");
  EXPECT_THAT(v.description, HasSubstr("not cross-tabulated by age-group × sex"));
  EXPECT_THAT(v.description, HasSubstr("asks for no crossing"));
  EXPECT_THAT(v.vietnamese, HasSubstr("không có bảng phân tổ chéo theo Nhóm tuổi × Giới tính"));
}

TEST_F(CrossedValidatorTest, TheDraftHasACellForEveryCrossing) {
  v1::Report draft = BuildDraft(Context("dong-nai-so-y-te"));
  std::vector<std::string> crossed;
  for (const v1::Value& v : draft.values()) {
    if (v.cells_size() != 2) continue;
    crossed.push_back(v.cells().at("sex") + "/" + v.cells().at("age-group"));
  }
  EXPECT_THAT(crossed, ElementsAre("male/under-18", "male/adult", "female/under-18",
                                   "female/adult"));
}

TEST_F(CrossedValidatorTest, ACompleteGridThatAddsUpPasses) {
  v1::Report report = Margins();
  *report.add_progress() = Progress("A.1", v1::PROGRESS_STATUS_COMPLETED);
  *report.add_values() = Cell("male", "under-18", 2);
  *report.add_values() = Cell("male", "adult", 4);
  *report.add_values() = Cell("female", "under-18", 1);
  *report.add_values() = Cell("female", "adult", 3);
  EXPECT_THAT(Validate("dong-nai-so-y-te", ValidationMode::kSubmit, report), ::testing::IsEmpty());
  EXPECT_EQ(report.values_size(), 9);
}

TEST_F(CrossedValidatorTest, RowsColumnsAndTheTotalAreCheckedAgainstTheirMargins) {
  v1::Report report = Margins();
  *report.add_values() = Cell("male", "under-18", 2);   // male row: 2 + 5 = 7, not 6
  *report.add_values() = Cell("male", "adult", 5);      // adult column: 5 + 3 = 8, not 7
  *report.add_values() = Cell("female", "under-18", 1); // female row 4 and under-18 3 hold
  *report.add_values() = Cell("female", "adult", 3);    // grid: 11, not 10
  ViolationList violations;
  ValidateReportContent(Context("dong-nai-so-y-te"), ValidationMode::kDraft, "report", report,
                        violations);
  std::map<std::string, std::pair<std::string, std::string>> faults;
  for (const auto& v : violations.violations()) faults[v.field] = {v.description, v.vietnamese};
  ASSERT_EQ(faults.size(), 3u) << violations.ToStatus();
  // male: values[1]; adult: values[4]; the total: values[0].
  EXPECT_THAT(faults["report.values[1].value"].first,
              HasSubstr("its age-group cells for sex=male add up to 7, not the sex=male value 6"));
  EXPECT_EQ(faults["report.values[1].value"].second,
            "Bảng chéo Giới tính × Nhóm tuổi: các ô Nam cộng lại được 7, khác số Nam đã nhập "
            "(6).");
  EXPECT_THAT(faults["report.values[4].value"].first,
              HasSubstr("its sex cells for age-group=adult add up to 8"));
  EXPECT_THAT(faults["report.values[0].value"].first,
              HasSubstr("the sex × age-group grid of indicators/complaints-received adds up to "
                        "11, not the total 10"));
  EXPECT_THAT(faults["report.values[0].value"].second,
              HasSubstr("cộng lại được 11, khác tổng số 10"));
}

TEST_F(CrossedValidatorTest, BlankCellsAreUnknownNotZero) {
  v1::Report report = Margins();
  *report.add_values() = Blank("male", "under-18");
  *report.add_values() = Cell("male", "adult", 4);      // male: 4 + ? ≤ 6
  *report.add_values() = Cell("female", "under-18", 1); // under-18: ? + 1 ≤ 3
  *report.add_values() = Cell("female", "adult", 3);    // adult 4 + 3 = 7 holds
  EXPECT_THAT(Validate("dong-nai-so-y-te", ValidationMode::kDraft, report), ::testing::IsEmpty())
      << "no sum with an unknown cell is compared as if the cell were 0";

  // Given cells already above their margin are wrong whatever the blank is.
  report.mutable_values(6)->set_int_value(7);  // male: 7 + ? > 6; adult: 7 + 3 > 7
  auto faults = Validate("dong-nai-so-y-te", ValidationMode::kDraft, report);
  ASSERT_EQ(faults.size(), 3u) << ::testing::PrintToString(faults);
  EXPECT_THAT(faults.find("report.values[1].value")->second,
              HasSubstr("given for sex=male already add up to 7, more than"));
  EXPECT_THAT(faults.find("report.values[4].value")->second, HasSubstr("add up to 10, not"));
  EXPECT_THAT(faults.find("report.values[0].value")->second,
              HasSubstr("already add up to 11, more than the total 10"));
}

TEST_F(CrossedValidatorTest, ALineWithoutItsMarginIsNotCompared) {
  v1::Report report;
  *report.add_values() = Count("complaints-received", 10);
  *report.add_values() = Cell("male", "under-18", 2);
  *report.add_values() = Cell("male", "adult", 5);
  *report.add_values() = Cell("female", "under-18", 1);
  *report.add_values() = Cell("female", "adult", 2);
  EXPECT_THAT(Validate("dong-nai-so-y-te", ValidationMode::kDraft, report), ::testing::IsEmpty());
  report.mutable_values(4)->set_int_value(3);
  auto faults = Validate("dong-nai-so-y-te", ValidationMode::kDraft, report);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_THAT(faults.find("report.values[0].value")->second, HasSubstr("adds up to 11"));
}

TEST_F(CrossedValidatorTest, AGridWithoutItsTotalIsRefused) {
  v1::Report report;
  *report.add_values() = Blank("male", "under-18");
  *report.add_values() = Cell("male", "adult", 5);
  ViolationList violations;
  ValidateReportContent(Context("dong-nai-so-y-te"), ValidationMode::kDraft, "report", report,
                        violations);
  ASSERT_EQ(violations.violations().size(), 1u);
  EXPECT_EQ(violations.violations()[0].field, "report.values[1].value");
  EXPECT_THAT(violations.violations()[0].description, HasSubstr("its total is not"));
  EXPECT_THAT(violations.violations()[0].vietnamese,
              HasSubstr("Đã nhập bảng chéo Giới tính × Nhóm tuổi nhưng chưa nhập tổng số"));
}

TEST_F(CrossedValidatorTest, ABadNumberInTheGridIsTheOnlyFaultShown) {
  v1::Report report = Margins();
  *report.add_values() = Cell("male", "under-18", -2);
  *report.add_values() = Cell("male", "adult", 50);
  *report.add_values() = Cell("female", "under-18", 1);
  *report.add_values() = Cell("female", "adult", 3);
  auto faults = Validate("dong-nai-so-y-te", ValidationMode::kDraft, report);
  ASSERT_EQ(faults.size(), 1u) << ::testing::PrintToString(faults);
  EXPECT_EQ(faults.begin()->first, "report.values[5].value");
  EXPECT_THAT(faults.begin()->second, HasSubstr("negative"));
}

TEST_F(CrossedValidatorTest, OnlyTheDeclaredPairAndKnownOptionsAreCrossed) {
  v1::Report report = Margins();
  *report.add_values() = Cell("male", "elderly", 1);
  *report.add_values() =
      Count("complaints-received", 1, {{"sex", "male"}, {"religion", "none"}});
  auto faults = Validate("dong-nai-so-y-te", ValidationMode::kDraft, report);
  ASSERT_EQ(faults.size(), 3u) << ::testing::PrintToString(faults);
  EXPECT_THAT(faults.find("report.values[5].cells")->second, HasSubstr("not an option"));
  EXPECT_EQ(faults.count("report.values[6].cells"), 2u);  // not crossed; no such breakdown
  EXPECT_THAT(faults.find("report.values[6].cells")->second,
              HasSubstr("only sex × age-group"));
}

TEST_F(CrossedValidatorTest, ARefusedReportIsLeftAsItWas) {
  v1::Report report = Margins();
  *report.add_progress() = Progress("A.1", v1::PROGRESS_STATUS_COMPLETED);
  *report.add_values() = Blank("male", "under-18");
  *report.add_values() = Cell("male", "adult", 9);
  v1::Report before = report;
  EXPECT_FALSE(Validate("dong-nai-so-y-te", ValidationMode::kSubmit, report).empty());
  EXPECT_EQ(report.values_size(), before.values_size()) << "blank values are dropped only "
                                                           "from a report that is accepted";
  EXPECT_EQ(report.values(5).value_case(), v1::Value::VALUE_NOT_SET);
}

}  // namespace
}  // namespace tonghop::submissions
