#ifndef TONGHOP_CLIENTS_LOADGEN_GENERATOR_H_
#define TONGHOP_CLIENTS_LOADGEN_GENERATOR_H_

// The synthetic country the load generator reports on: a national hierarchy
// of generated provinces, departments, independent bodies and communes under
// the Ministry of Justice; one national plan with its tasks, indicators and
// validation rules; and every report every agency submits, derived
// deterministically from (seed, agency, year) so that the expected roll-ups
// are known exactly without remembering what was sent.
//
// The hierarchy has two eras, as the real one does. From 1 July 2025 (the
// 2025 reorganisation) it is today's: provinces, their departments and
// bodies, communes directly under the province. Before, it was the
// historical one: more provinces, districts between province and commune,
// more communes. Today's provinces 1..N existed before and absorbed the
// historical provinces N+1..; their departments and bodies carry on; every
// district and historical commune, and every unit of an absorbed province,
// was dissolved on 30 June 2025 and names its successor in today's hierarchy
// (registered as the registry expects: `valid_to` the last day,
// `successors` the units that took over). Years up to 2024 are reported on
// the historical hierarchy, 2025 and later on today's: a yearly report is
// made at the end of its year, when only today's units exist. The
// aggregation counts a dissolved unit's reports under its successors too,
// so today's provinces and the nation show figures across the boundary.
//
// Everything here is plain data: no network, no clock. A World is immutable
// once generated and safe to read from any number of threads.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tonghop/v1/agency.pb.h"
#include "tonghop/v1/indicator.pb.h"
#include "tonghop/v1/plan.pb.h"
#include "tonghop/v1/report.pb.h"

namespace tonghop::loadgen {

// The size of the generated country and plan.
struct Scale {
  std::string name;
  int provinces = 0;
  // Communes over the whole country, spread as evenly as possible over the
  // provinces (the first provinces get one more when it does not divide).
  int communes = 0;
  // Departments per province, Sở Tư pháp first (at most 14).
  int departments_per_province = 0;
  // Independent bodies per province: court, procuracy, Fatherland Front
  // (0 to 3).
  int independent_bodies_per_province = 0;
  // The hierarchy before 1 July 2025 (used only when a year before 2025 is
  // loaded): provinces, at least `provinces` (the first `provinces` of them
  // are today's, the others merged into them); districts and communes over
  // the whole country, spread as evenly as possible (districts over the
  // provinces, communes over the districts).
  int historical_provinces = 0;
  int historical_districts = 0;
  int historical_communes = 0;
  // Tasks of the plan, headings included.
  int tasks = 0;
  // Reported (count) indicators; percentage indicators computed from them
  // are added on top (one per received/resolved pair, at most 4).
  int indicators = 0;
};

// "small" (a test in seconds), "medium" (every province, few communes) or
// "national" (34 provinces, 3,321 communes, 60 tasks, 40 indicators; before
// 1 July 2025 63 provinces, 700 districts and 10,600 communes).
absl::StatusOr<Scale> NamedScale(absl::string_view name);

// Checks the bounds the generator relies on (ids and outline codes stay
// well-formed); INVALID_ARGUMENT naming the offending field otherwise.
absl::Status ValidateScale(const Scale& scale);

// INVALID_ARGUMENT unless `current_year` is reported on today's hierarchy
// (World::kFirstYearOfTodaysHierarchy or later).
absl::Status CheckCurrentYear(int current_year);

// One agency that reports on the plan, with who reviews its reports.
struct Reporter {
  // `agencies/{id}`.
  std::string agency;
  // Who reviews its reports: its province's focal agency, or the ministry
  // for that focal agency itself.
  std::string reviewer;
  // 0-based index of its province in the hierarchy it reports on: into
  // World::provinces() for today's reporters, into
  // World::HistoricalProvinces() for those of the years before 2025.
  int province = 0;
  // 0-based index into World::provinces() of today's province whose
  // subtree its reports count in (its province's successor, or its
  // province itself).
  int todays_province = 0;
  v1::AgencyKind kind = v1::AGENCY_KIND_UNSPECIFIED;
};

// Expected roll-up sums of one subtree and period: indicator name → cell key
// → sum. The cell key is "" for the total and "dimension=option" for a cell
// ("sex=female"), the form CellKey() builds.
using ExpectedSums = std::map<std::string, std::map<std::string, int64_t>>;

// The key of a Value's cells in ExpectedSums.
std::string CellKey(const google::protobuf::Map<std::string, std::string>& cells);

class World {
 public:
  // The ministry every generated province reports to. Not generated: the
  // registry's own `agencies/bo-tu-phap`.
  static constexpr absl::string_view kMinistry = "agencies/bo-tu-phap";
  // The first year reported on today's hierarchy (in force from 1 July
  // 2025); earlier years are reported on the historical one.
  static constexpr int kFirstYearOfTodaysHierarchy = 2025;

  // Generates the country for `scale`, with a plan `plan_id` covering
  // `current_year - history_years` to `current_year`, and the historical
  // hierarchy when that reaches back before kFirstYearOfTodaysHierarchy.
  // `scale` must pass ValidateScale; `current_year` must be at least
  // kFirstYearOfTodaysHierarchy (CheckCurrentYear).
  static World Generate(const Scale& scale, std::string plan_id, int current_year,
                        int history_years, uint64_t seed);

  const Scale& scale() const { return scale_; }
  int current_year() const { return current_year_; }
  int first_year() const { return first_year_; }
  uint64_t seed() const { return seed_; }

  // Today's provinces (focal_agency set), in order.
  const std::vector<v1::Agency>& provinces() const { return provinces_; }
  // Every agency of today's hierarchy under the provinces (departments,
  // bodies, communes), each after its parent.
  const std::vector<v1::Agency>& units() const { return units_; }
  // Every reporting agency of today's hierarchy, in registration order.
  const std::vector<Reporter>& reporters() const { return reporters_; }

  // True when the plan's years reach back before 2025, and so the
  // historical hierarchy was generated.
  bool has_history() const { return !historical_reporters_.empty(); }
  // The provinces merged into today's ones on 1 July 2025 (valid_to 30 June
  // 2025, one successor each, focal agency set), in order; empty without
  // history.
  const std::vector<v1::Agency>& dissolved_provinces() const { return dissolved_provinces_; }
  // Every other unit dissolved on 1 July 2025, each after its parent and
  // with its successors: the departments and bodies of the dissolved
  // provinces, every district, every historical commune.
  const std::vector<v1::Agency>& dissolved_units() const { return dissolved_units_; }
  // The provinces before 1 July 2025: today's (which existed then), then
  // the dissolved ones.
  std::vector<const v1::Agency*> HistoricalProvinces() const;
  // Every reporting agency of the historical hierarchy: today's departments
  // and bodies that carried on, and the dissolved reporters.
  const std::vector<Reporter>& historical_reporters() const { return historical_reporters_; }

  // Whether `year` is reported on the historical hierarchy.
  static bool IsHistorical(int year) { return year < kFirstYearOfTodaysHierarchy; }
  // The reporters of `year`: historical_reporters() before 2025, else
  // reporters(). BuildReport's `reporter` indexes this.
  const std::vector<Reporter>& ReportersOf(int year) const;

  // Indices into ReportersOf(year) with the provinces interleaved (each
  // province's first reporter, then each one's second, …), so that every
  // province is busy at once, as on the real reporting day.
  std::vector<int> InterleavedReporters(int year) const;

  // The dimensions the indicators use, `dimensions/{code}`, with the option
  // codes reports put in cells.
  const std::map<std::string, std::vector<std::string>>& dimension_options() const {
    return dimension_options_;
  }
  // Reported indicators first (each "received" before its "resolved"), then
  // the computed percentages.
  const std::vector<v1::Indicator>& indicators() const { return indicators_; }
  const v1::Plan& plan() const { return plan_; }
  // Tasks in document order, each after its parent.
  const std::vector<v1::Task>& tasks() const { return tasks_; }

  // The national plan `plans/{plan_id}` on the Ministry's instance that
  // this World's plan feeds under federation (docs/federation.md): the same
  // years and schedule, one task led by every province that lists every
  // reported (count) indicator. Percentages are left out: the Ministry
  // receives their parts and computes them.
  v1::PlanBundle NationalPlan(const std::string& plan_id) const;
  // This World's plan and tasks, naming `upstream_plan` ("plans/{id}", or
  // empty) as the national plan it feeds.
  v1::PlanBundle ProvincialPlan(const std::string& upstream_plan) const;

  // The report `reporter` (an index into ReportersOf(year)) submits for
  // `year`:
  // its name, a progress entry for every task the plan expects from it and
  // every value. Deterministic in (seed, reporter, year).
  v1::Report BuildReport(int reporter, int year) const;
  // Number of values in every report BuildReport() makes.
  int ValuesPerReport() const;
  // The period label of `year` ("2026").
  static std::string PeriodOf(int year);

  // The sums of every value the reporters of `year` send whose reports
  // count in today's province `province` (an index into provinces()), or
  // all of them when `province` is -1. Before 2025 these are the reports of
  // the province's predecessors: the figures its subtree shows for the year.
  ExpectedSums Expected(int year, int province) const;
  // The sums of every value sent for `year` by the reporters of that year
  // for which `counts` is true.
  ExpectedSums ExpectedWhere(int year, const std::function<bool(const Reporter&)>& counts) const;

 private:
  World() = default;
  void GenerateAgencies();
  void GenerateHistoricalAgencies();
  void GenerateIndicators();
  void GeneratePlan(const std::string& plan_id);

  Scale scale_;
  int current_year_ = 0;
  int first_year_ = 0;
  uint64_t seed_ = 0;
  std::vector<v1::Agency> provinces_;
  std::vector<v1::Agency> units_;
  std::vector<Reporter> reporters_;
  std::vector<v1::Agency> dissolved_provinces_;
  std::vector<v1::Agency> dissolved_units_;
  std::vector<Reporter> historical_reporters_;
  std::map<std::string, std::vector<std::string>> dimension_options_;
  std::vector<v1::Indicator> indicators_;
  // Per reported indicator (same order as indicators_): whether it is the
  // "resolved" half of a pair, bounded cell by cell by the indicator before.
  std::vector<bool> bounded_by_previous_;
  v1::Plan plan_;
  std::vector<v1::Task> tasks_;
  // Which tasks each kind of reporter is expected on, and whether as lead.
  std::map<v1::AgencyKind, std::vector<std::pair<int, bool>>> tasks_by_kind_;
};

// World::kMinistry as a string, for request fields.
inline const std::string& MinistryName() {
  static const auto* name = new std::string(World::kMinistry);
  return *name;
}

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_GENERATOR_H_
