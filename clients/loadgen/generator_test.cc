#include "clients/loadgen/generator.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace tonghop::loadgen {
namespace {

World Make(const char* scale_name, int history = 2) {
  absl::StatusOr<Scale> scale = NamedScale(scale_name);
  EXPECT_TRUE(scale.ok()) << scale.status();
  EXPECT_TRUE(ValidateScale(*scale).ok());
  return World::Generate(*scale, "lg-kh-test", 2026, history, 42);
}

TEST(GeneratorTest, NationalHierarchyHasTheIssueShape) {
  World world = Make("national");
  EXPECT_EQ(world.provinces().size(), 34u);
  int communes = 0, departments = 0, bodies = 0;
  std::map<int, int> communes_by_province;
  for (const Reporter& r : world.reporters()) {
    if (r.kind == v1::AGENCY_KIND_COMMUNE) {
      ++communes;
      ++communes_by_province[r.province];
    }
    if (r.kind == v1::AGENCY_KIND_DEPARTMENT) ++departments;
    if (r.kind == v1::AGENCY_KIND_INDEPENDENT_BODY) ++bodies;
  }
  EXPECT_EQ(communes, 3321);
  EXPECT_EQ(departments, 34 * 14);
  EXPECT_EQ(bodies, 34 * 3);
  for (const auto& [province, n] : communes_by_province) {
    EXPECT_TRUE(n == 97 || n == 98) << province << ": " << n;
  }
  EXPECT_EQ(world.provinces()[0].name(), "agencies/lg-p01");
  EXPECT_EQ(world.provinces()[0].focal_agency(), "agencies/lg-p01-so-tu-phap");
  EXPECT_EQ(world.units()[0].name(), "agencies/lg-p01-so-tu-phap");
  std::set<std::string> names;
  for (const auto& u : world.units()) names.insert(u.name());
  EXPECT_TRUE(names.count("agencies/lg-p01-xa-001"));
  EXPECT_TRUE(names.count("agencies/lg-p34-toa-an-nhan-dan-tinh"));
}

TEST(GeneratorTest, EveryAgencyIsGeneratedAndFollowsItsParent) {
  World world = Make("small");
  std::set<std::string> seen = {std::string(World::kMinistry)};
  for (const auto& p : world.provinces()) {
    EXPECT_TRUE(p.generated());
    EXPECT_EQ(p.parent(), World::kMinistry);
    seen.insert(p.name());
  }
  std::set<std::string> units;
  for (const auto& u : world.units()) {
    EXPECT_TRUE(u.generated()) << u.name();
    EXPECT_TRUE(seen.count(u.parent())) << u.name();
    EXPECT_TRUE(absl::StartsWith(u.name(), "agencies/lg-p")) << u.name();
    units.insert(u.name());
  }
  for (const auto& p : world.provinces()) EXPECT_TRUE(units.count(p.focal_agency()));
  // Each report is reviewed by its province's Department of Justice; the
  // Department's own by the ministry.
  for (const auto& r : world.reporters()) {
    EXPECT_TRUE(units.count(r.reviewer) || r.reviewer == "agencies/bo-tu-phap") << r.agency;
    EXPECT_NE(r.reviewer, r.agency);
  }
  // 2 provinces × (5 communes + 3 departments + 1 court).
  EXPECT_EQ(world.reporters().size(), 18u);
}

TEST(GeneratorTest, PlanHasTasksInOrderAndEveryIndicatorOnce) {
  World world = Make("national", 10);
  EXPECT_EQ(world.tasks().size(), 60u);
  EXPECT_EQ(world.plan().first_year(), 2016);
  EXPECT_EQ(world.plan().last_year(), 2026);
  std::set<std::string> tasks;
  std::map<std::string, int> mentions;
  for (const v1::Task& t : world.tasks()) {
    EXPECT_TRUE(absl::StartsWith(t.name(), "plans/lg-kh-test/tasks/")) << t.name();
    if (!t.parent().empty()) {
      EXPECT_TRUE(tasks.count(t.parent())) << t.name();
    }
    EXPECT_TRUE(tasks.insert(t.name()).second) << t.name();
    for (const auto& i : t.indicators()) ++mentions[i];
  }
  int reported = 0, computed = 0;
  for (const v1::Indicator& i : world.indicators()) {
    EXPECT_EQ(mentions[i.name()], 1) << i.name();
    (i.aggregation() == v1::Indicator::AGGREGATION_RATIO ? computed : reported)++;
  }
  EXPECT_EQ(reported, 40);
  EXPECT_EQ(computed, 4);
}

// The checks the submissions service makes: breakdowns add up to the total,
// "resolved" stays within "received" cell by cell, one value per cell.
void ExpectValidReport(const World& world, const v1::Report& report) {
  std::map<std::string, std::map<std::string, int64_t>> values;  // indicator → cell → v
  for (const v1::Value& v : report.values()) {
    EXPECT_LE(v.cells_size(), 1);
    EXPECT_GE(v.int_value(), 0);
    EXPECT_TRUE(values[v.indicator()].emplace(CellKey(v.cells()), v.int_value()).second)
        << v.indicator() << " " << CellKey(v.cells()) << " twice";
  }
  for (const auto& [indicator, cells] : values) {
    std::map<std::string, int64_t> by_dimension;
    for (const auto& [cell, v] : cells) {
      if (!cell.empty()) by_dimension[cell.substr(0, cell.find('='))] += v;
    }
    for (const auto& [dimension, sum] : by_dimension) {
      EXPECT_EQ(sum, cells.at("")) << indicator << " by " << dimension;
    }
  }
  for (const v1::Indicator& ind : world.indicators()) {
    for (const auto& rule : ind.rules()) {
      ASSERT_EQ(rule.kind(), v1::IndicatorRule::KIND_AT_MOST);
      for (const auto& [cell, v] : values[ind.name()]) {
        EXPECT_LE(v, values[rule.other()][cell]) << ind.name() << " " << cell;
      }
    }
  }
}

TEST(GeneratorTest, ReportsHaveTwoHundredValidValuesAtNationalScale) {
  World world = Make("national");
  EXPECT_EQ(world.ValuesPerReport(), 200);
  for (int r : {0, 1, 20, 500, 3898}) {
    v1::Report report = world.BuildReport(r, 2026);
    EXPECT_EQ(report.values_size(), 200) << r;
    ExpectValidReport(world, report);
    EXPECT_FALSE(report.progress().empty());
    EXPECT_TRUE(absl::StartsWith(report.name(), "reports/lg-p")) << report.name();
    EXPECT_TRUE(absl::EndsWith(report.name(), "/lg-kh-test/2026")) << report.name();
  }
}

TEST(GeneratorTest, ReportsAreDeterministicPerAgencyAndYear) {
  World a = Make("small");
  World b = Make("small");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a.BuildReport(3, 2025),
                                                                 b.BuildReport(3, 2025)));
  EXPECT_FALSE(google::protobuf::util::MessageDifferencer::Equals(a.BuildReport(3, 2025),
                                                                  a.BuildReport(3, 2026)));
  EXPECT_EQ(a.BuildReport(3, 2025).values_size(), a.ValuesPerReport());
  ExpectValidReport(a, a.BuildReport(3, 2025));
}

TEST(GeneratorTest, LeadTasksAllHaveAStatus) {
  World world = Make("small");
  for (size_t r = 0; r < world.reporters().size(); ++r) {
    v1::Report report = world.BuildReport(static_cast<int>(r), 2026);
    for (const auto& p : report.progress()) {
      EXPECT_NE(p.status(), v1::PROGRESS_STATUS_UNSPECIFIED) << p.task();
    }
  }
}

TEST(GeneratorTest, NationalSumsAreTheSumOfProvincialSums) {
  World world = Make("small");
  ExpectedSums national = world.Expected(2026, -1);
  ExpectedSums p0 = world.Expected(2026, 0);
  ExpectedSums p1 = world.Expected(2026, 1);
  ASSERT_FALSE(national.empty());
  for (const auto& [indicator, cells] : national) {
    for (const auto& [cell, sum] : cells) {
      EXPECT_EQ(sum, p0[indicator][cell] + p1[indicator][cell]) << indicator << " " << cell;
    }
  }
}

TEST(GeneratorTest, ScaleBoundsAreChecked) {
  Scale scale = *NamedScale("small");
  scale.departments_per_province = 0;
  EXPECT_EQ(ValidateScale(scale).code(), absl::StatusCode::kInvalidArgument);
  scale = *NamedScale("small");
  scale.tasks = 1;
  EXPECT_EQ(ValidateScale(scale).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NamedScale("huge").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(GeneratorTest, CellKeyIsSortedAndEmptyForTotals) {
  v1::Value v;
  EXPECT_EQ(CellKey(v.cells()), "");
  (*v.mutable_cells())["sex"] = "female";
  (*v.mutable_cells())["age-group"] = "18-30";
  EXPECT_EQ(CellKey(v.cells()), "age-group=18-30,sex=female");
}

TEST(GeneratorTest, NationalPlanListsEveryReportedIndicatorLedByTheProvinces) {
  World world = Make("small");
  v1::PlanBundle national = world.NationalPlan("lg-quoc-gia");
  EXPECT_EQ(national.plan().name(), "plans/lg-quoc-gia");
  EXPECT_EQ(national.plan().first_year(), world.plan().first_year());
  EXPECT_EQ(national.plan().last_year(), world.plan().last_year());
  ASSERT_EQ(national.tasks_size(), 1);
  const v1::Task& task = national.tasks(0);
  ASSERT_EQ(task.lead_size(), 1);
  EXPECT_EQ(task.lead(0).group().kind(), v1::AGENCY_KIND_PROVINCE);
  EXPECT_EQ(task.lead(0).group().ancestor(), World::kMinistry);
  // Every indicator a report carries, and no percentage (computed, not sent).
  std::set<std::string> reported;
  const v1::Report report = world.BuildReport(0, 2026);
  for (const v1::Value& v : report.values()) reported.insert(v.indicator());
  EXPECT_EQ(std::set<std::string>(task.indicators().begin(), task.indicators().end()), reported);

  v1::PlanBundle provincial = world.ProvincialPlan("plans/lg-quoc-gia");
  EXPECT_EQ(provincial.plan().upstream_plan(), "plans/lg-quoc-gia");
  EXPECT_EQ(provincial.plan().name(), world.plan().name());
  EXPECT_EQ(provincial.tasks_size(), static_cast<int>(world.tasks().size()));
}

TEST(GeneratorTest, InterleavedReportersVisitEveryReporterOnceProvincesInTurn) {
  World world = Make("small");
  std::vector<int> order = world.InterleavedReporters(2026);
  ASSERT_EQ(order.size(), world.reporters().size());
  EXPECT_EQ(std::set<int>(order.begin(), order.end()).size(), order.size());
  // Small: two provinces with as many reporters each, taking turns.
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(world.reporters()[order[i]].province, static_cast<int>(i % 2)) << i;
  }
}

TEST(GeneratorTest, InterleavedReportersOfAHistoricalYearAreTheHistoricalOnes) {
  World world = Make("small");
  std::vector<int> order = world.InterleavedReporters(2024);
  ASSERT_EQ(order.size(), world.historical_reporters().size());
  EXPECT_EQ(std::set<int>(order.begin(), order.end()).size(), order.size());
  // The three historical provinces take turns while all have reporters left.
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(world.historical_reporters()[order[i]].province, static_cast<int>(i)) << i;
  }
}

TEST(GeneratorTest, HistoricalHierarchyHasTheShapeOfTheYearsBefore2025) {
  World world = Make("national", 10);
  ASSERT_TRUE(world.has_history());
  EXPECT_EQ(world.HistoricalProvinces().size(), 63u);
  EXPECT_EQ(world.dissolved_provinces().size(), 63u - 34u);
  int districts = 0, communes = 0, units = 0;
  for (const v1::Agency& a : world.dissolved_units()) {
    if (a.kind() == v1::AGENCY_KIND_DISTRICT) ++districts;
    else if (a.kind() == v1::AGENCY_KIND_COMMUNE) ++communes;
    else ++units;
  }
  EXPECT_EQ(districts, 700);
  EXPECT_EQ(communes, 10600);
  EXPECT_EQ(units, (63 - 34) * (14 + 3));
  // Every historical province's departments and bodies report, and every
  // historical commune; districts do not.
  EXPECT_EQ(world.historical_reporters().size(), 63u * (14 + 3) + 10600);
  EXPECT_EQ(world.dissolved_provinces()[0].name(), "agencies/lg-p35");
  // Years up to 2024 on the historical hierarchy, 2025 on today's.
  EXPECT_EQ(&world.ReportersOf(2024), &world.historical_reporters());
  EXPECT_EQ(&world.ReportersOf(2025), &world.reporters());
}

TEST(GeneratorTest, NoHistoricalHierarchyWithoutYearsBefore2025) {
  World world = Make("small", 1);
  EXPECT_FALSE(world.has_history());
  EXPECT_TRUE(world.dissolved_provinces().empty());
  EXPECT_TRUE(world.dissolved_units().empty());
  EXPECT_TRUE(world.HistoricalProvinces().empty());
  EXPECT_TRUE(CheckCurrentYear(2025).ok());
  EXPECT_EQ(CheckCurrentYear(2024).code(), absl::StatusCode::kInvalidArgument);
}

// The 2025 merges as the registry expects them: every dissolved unit ends on
// 30 June 2025 and names successors of today's hierarchy, which are in force
// after it; every historical reporter's reports reach the province of today
// it is counted in by following parents and successors, as the
// aggregation does.
TEST(GeneratorTest, EveryDissolvedUnitHasASuccessorInTodaysHierarchy) {
  World world = Make("small");
  ASSERT_TRUE(world.has_history());
  EXPECT_EQ(world.HistoricalProvinces().size(), 3u);
  EXPECT_EQ(world.dissolved_provinces().size(), 1u);
  std::map<std::string, const v1::Agency*> today, before;
  for (const auto& a : world.provinces()) today[a.name()] = &a;
  for (const auto& a : world.units()) today[a.name()] = &a;
  for (const auto& a : world.dissolved_provinces()) before[a.name()] = &a;
  int districts = 0, communes = 0;
  for (const auto& a : world.dissolved_units()) {
    // Each after its parent, which existed before 2025.
    EXPECT_TRUE(before.count(a.parent()) || today.count(a.parent())) << a.name();
    EXPECT_FALSE(today.count(a.name())) << a.name();
    before[a.name()] = &a;
    districts += a.kind() == v1::AGENCY_KIND_DISTRICT ? 1 : 0;
    communes += a.kind() == v1::AGENCY_KIND_COMMUNE ? 1 : 0;
  }
  EXPECT_EQ(districts, 4);
  EXPECT_EQ(communes, 16);
  for (const auto& [name, agency] : before) {
    EXPECT_TRUE(agency->generated()) << name;
    ASSERT_TRUE(agency->has_valid_to()) << name;
    EXPECT_EQ(agency->valid_to().year(), 2025) << name;
    EXPECT_EQ(agency->valid_to().month(), 6) << name;
    EXPECT_EQ(agency->valid_to().day(), 30) << name;
    ASSERT_EQ(agency->successors_size(), 1) << name;
    const auto successor = today.find(agency->successors(0));
    ASSERT_NE(successor, today.end()) << name << " → " << agency->successors(0);
    EXPECT_FALSE(successor->second->has_valid_to()) << successor->first;
    EXPECT_EQ(successor->second->kind(), agency->kind() == v1::AGENCY_KIND_DISTRICT
                                             ? v1::AGENCY_KIND_PROVINCE
                                             : agency->kind())
        << name;
  }
  // Today's communes were formed on 1 July 2025.
  for (const auto& u : world.units()) {
    if (u.kind() != v1::AGENCY_KIND_COMMUNE) continue;
    ASSERT_TRUE(u.has_valid_from()) << u.name();
    EXPECT_EQ(u.valid_from().year(), 2025);
    EXPECT_EQ(u.valid_from().month(), 7);
    EXPECT_EQ(u.valid_from().day(), 1);
  }
  // Followed up by parents and successors, every historical reporter
  // reaches the ministry and its province of today.
  auto find = [&](const std::string& name) -> const v1::Agency* {
    if (auto it = today.find(name); it != today.end()) return it->second;
    if (auto it = before.find(name); it != before.end()) return it->second;
    return nullptr;
  };
  std::map<int, int> by_todays_province;
  for (const Reporter& r : world.historical_reporters()) {
    std::set<std::string> reached;
    std::vector<std::string> stack = {r.agency};
    while (!stack.empty()) {
      std::string at = stack.back();
      stack.pop_back();
      if (!reached.insert(at).second) continue;
      const v1::Agency* node = find(at);
      if (node == nullptr) continue;
      if (!node->parent().empty()) stack.push_back(node->parent());
      for (const auto& s : node->successors()) stack.push_back(s);
    }
    EXPECT_TRUE(find(r.agency) != nullptr) << r.agency;
    EXPECT_TRUE(reached.count(std::string(World::kMinistry))) << r.agency;
    EXPECT_TRUE(reached.count(world.provinces()[r.todays_province].name())) << r.agency;
    for (size_t p = 0; p < world.provinces().size(); ++p) {
      if (static_cast<int>(p) == r.todays_province) continue;
      EXPECT_FALSE(reached.count(world.provinces()[p].name())) << r.agency;
    }
    // Reviewed within the hierarchy it reported on.
    EXPECT_EQ(r.reviewer,
              r.kind == v1::AGENCY_KIND_DEPARTMENT && absl::EndsWith(r.agency, "-so-tu-phap")
                  ? std::string(World::kMinistry)
                  : world.HistoricalProvinces()[r.province]->focal_agency())
        << r.agency;
    ++by_todays_province[r.todays_province];
  }
  // 3 historical provinces × (3 departments + 1 court) + 16 communes; the
  // third merged into the first.
  EXPECT_EQ(world.historical_reporters().size(), 28u);
  EXPECT_EQ(world.dissolved_provinces()[0].successors(0), world.provinces()[0].name());
  EXPECT_GT(by_todays_province[0], by_todays_province[1]);
}

TEST(GeneratorTest, SumsAcrossThe2025BoundaryAddUpOverTodaysProvinces) {
  World world = Make("small");
  for (int year : {2024, 2025}) {
    ExpectedSums national = world.Expected(year, -1);
    ExpectedSums p0 = world.Expected(year, 0);
    ExpectedSums p1 = world.Expected(year, 1);
    ASSERT_FALSE(national.empty());
    for (const auto& [indicator, cells] : national) {
      for (const auto& [cell, sum] : cells) {
        EXPECT_EQ(sum, p0[indicator][cell] + p1[indicator][cell]) << year << indicator << cell;
      }
    }
  }
  // A historical report is a valid report of a historical agency.
  v1::Report report = world.BuildReport(world.historical_reporters().size() - 1, 2024);
  ExpectValidReport(world, report);
  EXPECT_TRUE(absl::StartsWith(report.name(), "reports/lg-p03-huyen-")) << report.name();
  EXPECT_TRUE(absl::EndsWith(report.name(), "/lg-kh-test/2024")) << report.name();
}

}  // namespace
}  // namespace tonghop::loadgen
