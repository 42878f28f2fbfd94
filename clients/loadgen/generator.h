#ifndef TONGHOP_CLIENTS_LOADGEN_GENERATOR_H_
#define TONGHOP_CLIENTS_LOADGEN_GENERATOR_H_

// The synthetic country the load generator reports on: a national hierarchy
// of generated provinces, departments, independent bodies and communes under
// the Ministry of Justice; one national plan with its tasks, indicators and
// validation rules; and every report every agency submits, derived
// deterministically from (seed, agency, year) so that the expected roll-ups
// are known exactly without remembering what was sent.
//
// Everything here is plain data: no network, no clock. A World is immutable
// once generated and safe to read from any number of threads.

#include <cstdint>
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
  // Tasks of the plan, headings included.
  int tasks = 0;
  // Reported (count) indicators; percentage indicators computed from them
  // are added on top (one per received/resolved pair, at most 4).
  int indicators = 0;
};

// "small" (a test in seconds), "medium" (every province, few communes) or
// "national" (34 provinces, 3,321 communes, 60 tasks, 40 indicators).
absl::StatusOr<Scale> NamedScale(absl::string_view name);

// Checks the bounds the generator relies on (ids and outline codes stay
// well-formed); INVALID_ARGUMENT naming the offending field otherwise.
absl::Status ValidateScale(const Scale& scale);

// One agency that reports on the plan, with who reviews its reports.
struct Reporter {
  // `agencies/{id}`.
  std::string agency;
  // Who reviews its reports: its province's focal agency, or the ministry
  // for that focal agency itself.
  std::string reviewer;
  // 0-based index of its province.
  int province = 0;
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

  // Generates the country for `scale`, with a plan `plan_id` covering
  // `current_year - history_years` to `current_year`. `scale` must pass
  // ValidateScale.
  static World Generate(const Scale& scale, std::string plan_id, int current_year,
                        int history_years, uint64_t seed);

  const Scale& scale() const { return scale_; }
  int current_year() const { return current_year_; }
  int first_year() const { return first_year_; }
  uint64_t seed() const { return seed_; }

  // Provinces (focal_agency set), in order.
  const std::vector<v1::Agency>& provinces() const { return provinces_; }
  // Every agency under the provinces (departments, bodies, communes), each
  // after its parent.
  const std::vector<v1::Agency>& units() const { return units_; }
  // Every reporting agency, in registration order.
  const std::vector<Reporter>& reporters() const { return reporters_; }

  // Indices into reporters() with the provinces interleaved (each
  // province's first reporter, then each one's second, …), so that every
  // province is busy at once, as on the real reporting day.
  std::vector<int> InterleavedReporters() const;

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

  // The report `reporter` (an index into reporters()) submits for `year`:
  // its name, a progress entry for every task the plan expects from it and
  // every value. Deterministic in (seed, reporter, year).
  v1::Report BuildReport(int reporter, int year) const;
  // Number of values in every report BuildReport() makes.
  int ValuesPerReport() const;
  // The period label of `year` ("2026").
  static std::string PeriodOf(int year);

  // The sums of every value the reporters of province `province` (or all
  // reporters, when `province` is -1) send for `year`.
  ExpectedSums Expected(int year, int province) const;

 private:
  World() = default;
  void GenerateAgencies();
  void GenerateIndicators();
  void GeneratePlan(const std::string& plan_id);

  Scale scale_;
  int current_year_ = 0;
  int first_year_ = 0;
  uint64_t seed_ = 0;
  std::vector<v1::Agency> provinces_;
  std::vector<v1::Agency> units_;
  std::vector<Reporter> reporters_;
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
