#include "clients/loadgen/verifier.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "clients/loadgen/rpc.h"

namespace tonghop::loadgen {
namespace {

constexpr absl::Duration kTimeout = absl::Minutes(5);
// Mismatches reported per check; the count says how many there were.
constexpr int kReportedMismatches = 5;

std::string FormatPercent(int64_t numerator, int64_t denominator) {
  // 100 × n / d with two fraction digits, rounded half away from zero.
  __int128 scaled = (static_cast<__int128>(numerator) * 20000 + denominator) / (2 * denominator);
  int64_t v = static_cast<int64_t>(scaled);
  return absl::StrFormat("%d.%02d", v / 100, v % 100);
}

}  // namespace

Verifier::Verifier(const World& world, const std::string& submissions_address,
                   const std::string& aggregation_address, int64_t sequence)
    : world_(world),
      sequence_(sequence),
      submissions_(v1::Submissions::NewStub(NewDedicatedChannel(submissions_address))),
      aggregation_(v1::Aggregation::NewStub(NewDedicatedChannel(aggregation_address))) {}

VerifyResult Verifier::Run(const std::vector<int>& years) {
  CheckAcceptedReports();
  for (int year : years) CheckNationalRollup(year);
  // Today's first province: before 2025 it shows the reports of the
  // provinces merged into it (the aggregation counts a dissolved unit's
  // reports under its successors).
  const std::string& province = world_.provinces()[0].name();
  for (int year : years) CheckSubtreeTotals(province, year, world_.Expected(year, 0));
  // A dissolved province keeps its own years: the hierarchy as it was.
  if (!world_.dissolved_provinces().empty()) {
    const int dissolved = static_cast<int>(world_.provinces().size());
    for (int year : years) {
      if (!World::IsHistorical(year)) continue;
      CheckSubtreeTotals(world_.dissolved_provinces()[0].name(), year,
                         world_.ExpectedWhere(year, [dissolved](const Reporter& r) {
                           return r.province == dissolved;
                         }));
    }
  }
  for (int year : years) CheckCompleteness(year);
  CheckTrend(MinistryName(), -1, years);
  CheckTrend(province, 0, years);
  result_.passed = result_.failures.empty();
  return std::move(result_);
}

void Verifier::Fail(std::string message) { result_.failures.push_back(std::move(message)); }

void Verifier::FailCall(const grpc::Status& status, absl::string_view what) {
  Fail(absl::StrCat(what, ": code ", static_cast<int>(status.error_code()), ": ",
                    status.error_message()));
}

void Verifier::CheckAcceptedReports() {
  const int current = world_.current_year();
  const std::string period = World::PeriodOf(current);
  std::set<std::string> expected;
  for (size_t r = 0; r < world_.reporters().size(); ++r) {
    expected.insert(world_.BuildReport(static_cast<int>(r), current).name());
  }
  std::set<std::string> listed;
  v1::ListReportsRequest request;
  request.set_plan(world_.plan().name());
  request.set_period(period);
  request.set_agency_subtree(MinistryName());
  request.set_state(v1::REPORT_STATE_ACCEPTED);
  request.set_page_size(500);
  while (true) {
    v1::ListReportsResponse response;
    grpc::Status status =
        submissions_->ListReports(CallAs(MinistryName(), kTimeout).get(), request, &response);
    if (!status.ok()) return FailCall(status, "list reports");
    for (const v1::Report& report : response.reports()) listed.insert(report.name());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  result_.checks.push_back(absl::StrCat("ListReports (accepted, ", period, "): ", listed.size(),
                                        " reports, ", expected.size(), " generated agencies"));
  if (listed != expected) {
    int missing = 0;
    for (const auto& name : expected) missing += listed.count(name) ? 0 : 1;
    Fail(absl::StrCat("ListReports shows ", listed.size(), " accepted reports for ", period,
                      "; expected ", expected.size(), " (", missing, " missing)"));
  }
}

void Verifier::CheckNationalRollup(int year) {
  const std::string period = World::PeriodOf(year);
  ExpectedSums expected = world_.Expected(year, -1);
  v1::RollupRequest request;
  request.set_plan(world_.plan().name());
  request.set_period(period);
  request.set_agency(MinistryName());
  request.set_group_by(v1::ROLLUP_GROUPING_CELLS);
  request.set_min_sequence(sequence_);
  v1::RollupResponse response;
  grpc::Status status =
      aggregation_->Rollup(CallAs(MinistryName(), kTimeout).get(), request, &response);
  if (!status.ok()) return FailCall(status, absl::StrCat("national roll-up ", period));
  int compared = 0;
  int mismatches = 0;
  auto compare = [&](const std::string& what, const std::string& got, const std::string& want) {
    ++compared;
    if (got != want && ++mismatches <= kReportedMismatches) {
      Fail(absl::StrCat("national ", period, " ", what, ": roll-up says \"", got,
                        "\", generated \"", want, "\""));
    }
  };
  std::set<std::string> answered;
  for (const v1::IndicatorRollup& ind : response.indicators()) {
    answered.insert(ind.indicator());
    if (ind.aggregation() == v1::Indicator::AGGREGATION_RATIO) {
      const v1::Indicator* def = nullptr;
      for (const auto& i : world_.indicators()) {
        if (i.name() == ind.indicator()) def = &i;
      }
      if (!def) continue;
      int64_t num = expected[def->numerator()][""];
      int64_t den = expected[def->denominator()][""];
      compare(ind.indicator() + " numerator", ind.total().numerator(), absl::StrCat(num));
      compare(ind.indicator() + " denominator", ind.total().denominator(), absl::StrCat(den));
      if (den > 0) compare(ind.indicator(), ind.total().value(), FormatPercent(num, den));
      continue;
    }
    const auto& cells = expected[ind.indicator()];
    auto total = cells.find("");
    compare(ind.indicator() + " total", ind.total().value(),
            absl::StrCat(total == cells.end() ? 0 : total->second));
    std::set<std::string> rows;
    for (const v1::RollupRow& row : ind.rows()) {
      std::string key = CellKey(row.cells());
      if (key.empty()) continue;
      rows.insert(key);
      auto want = cells.find(key);
      compare(absl::StrCat(ind.indicator(), " [", key, "]"), row.figure().value(),
              absl::StrCat(want == cells.end() ? 0 : want->second));
    }
    for (const auto& [key, sum] : cells) {
      if (!key.empty() && sum != 0 && !rows.count(key)) {
        compare(absl::StrCat(ind.indicator(), " [", key, "]"), "(no row)", absl::StrCat(sum));
      }
    }
  }
  for (const v1::Indicator& i : world_.indicators()) {
    if (!answered.count(i.name())) Fail(absl::StrCat("national ", period, ": no ", i.name()));
  }
  // Every generated reporter of the year is expected and reported.
  const std::string reporters = absl::StrCat(world_.ReportersOf(year).size());
  compare("coverage: expected", absl::StrCat(response.coverage().expected()), reporters);
  compare("coverage: contributed", absl::StrCat(response.coverage().contributed()), reporters);
  compare("coverage: other contributors",
          absl::StrCat(response.coverage().other_contributors()), "0");
  result_.checks.push_back(absl::StrCat("national Rollup ", period,
                                        World::IsHistorical(year) ? " (before 2025)" : "", ": ",
                                        compared,
                                        " figures compared, ", mismatches, " differ"));
}

void Verifier::CheckSubtreeTotals(const std::string& agency, int year,
                                  const ExpectedSums& expected) {
  const std::string period = World::PeriodOf(year);
  v1::RollupRequest request;
  request.set_plan(world_.plan().name());
  request.set_period(period);
  request.set_agency(agency);
  request.set_min_sequence(sequence_);
  v1::RollupResponse response;
  grpc::Status status =
      aggregation_->Rollup(CallAs(MinistryName(), kTimeout).get(), request, &response);
  if (!status.ok()) return FailCall(status, absl::StrCat("roll-up ", agency, " ", period));
  int differ = 0, compared = 0;
  for (const v1::IndicatorRollup& ind : response.indicators()) {
    if (ind.aggregation() == v1::Indicator::AGGREGATION_RATIO) continue;
    ++compared;
    auto cells = expected.find(ind.indicator());
    std::string want = "0";
    if (cells != expected.end() && cells->second.count("")) {
      want = absl::StrCat(cells->second.at(""));
    }
    if (ind.total().value() != want && ++differ <= kReportedMismatches) {
      Fail(absl::StrCat(agency, " ", period, " ", ind.indicator(), ": roll-up says \"",
                        ind.total().value(), "\", generated \"", want, "\""));
    }
  }
  if (compared == 0) Fail(absl::StrCat(agency, " ", period, ": the roll-up has no totals"));
  result_.checks.push_back(absl::StrCat("Rollup ", agency, " ", period,
                                        World::IsHistorical(year) ? " (before 2025)" : "", ": ",
                                        compared, " totals compared, ", differ, " differ"));
}

void Verifier::CheckCompleteness(int year) {
  const std::string period = World::PeriodOf(year);
  // Who reported that year: on the hierarchy of then (before 2025, the
  // historical one; for 2025, reported after its end, today's).
  const size_t reporters = world_.ReportersOf(year).size();
  v1::CompletenessRequest request;
  request.set_plan(world_.plan().name());
  request.set_period(period);
  request.set_agency(MinistryName());
  request.set_min_sequence(sequence_);
  v1::CompletenessResponse response;
  grpc::Status status =
      aggregation_->Completeness(CallAs(MinistryName(), kTimeout).get(), request, &response);
  if (!status.ok()) return FailCall(status, absl::StrCat("completeness ", period));
  result_.checks.push_back(absl::StrCat("Completeness ", period, ": expected ",
                                        response.expected(), ", received ", response.received(),
                                        ", missing ", response.missing()));
  if (response.received() != static_cast<int>(reporters) || response.missing() != 0) {
    Fail(absl::StrCat("Completeness ", period, " received ", response.received(), " and ",
                      response.missing(), " missing; ", reporters,
                      " generated agencies reported, every one expected"));
  }
  // The counts-only view, kept up to date from the changes, counts the same.
  request.set_view(v1::COMPLETENESS_VIEW_BASIC);
  v1::CompletenessResponse counts;
  status = aggregation_->Completeness(CallAs(MinistryName(), kTimeout).get(), request, &counts);
  if (!status.ok()) return FailCall(status, absl::StrCat("completeness counts ", period));
  if (counts.expected() != response.expected() || counts.received() != response.received() ||
      counts.on_time() != response.on_time() || counts.late() != response.late() ||
      counts.missing() != response.missing() ||
      counts.awaiting_review() != response.awaiting_review() ||
      counts.returned() != response.returned()) {
    Fail(absl::StrCat("Completeness ", period, " counts only: expected ", counts.expected(),
                      ", received ", counts.received(), ", missing ", counts.missing(),
                      "; the full answer: ", response.expected(), ", ", response.received(),
                      ", ", response.missing()));
  }
}

void Verifier::CheckTrend(const std::string& agency, int province,
                          const std::vector<int>& years) {
  const std::string& indicator = world_.indicators()[0].name();
  v1::TrendRequest request;
  request.set_agency(agency);
  request.set_indicator(indicator);
  request.add_plans(world_.plan().name());
  request.set_min_sequence(sequence_);
  v1::TrendResponse response;
  grpc::Status status =
      aggregation_->Trend(CallAs(MinistryName(), kTimeout).get(), request, &response);
  if (!status.ok()) return FailCall(status, absl::StrCat("trend ", agency));
  std::map<std::string, std::string> points;
  for (const auto& p : response.points()) points[p.period()] = p.figure().value();
  int differ = 0, historical = 0;
  for (int year : years) {
    historical += World::IsHistorical(year) ? 1 : 0;
    std::string want = absl::StrCat(world_.Expected(year, province)[indicator][""]);
    auto it = points.find(World::PeriodOf(year));
    std::string got = it == points.end() ? "(no point)" : it->second;
    if (got != want && ++differ <= kReportedMismatches) {
      Fail(absl::StrCat("trend ", agency, " ", indicator, " ", year, ": \"", got,
                        "\", generated \"", want, "\""));
    }
  }
  result_.checks.push_back(absl::StrCat("Trend ", agency, " ", indicator, ": ",
                                        response.points_size(), " points, ", years.size(),
                                        " years checked (", historical, " before 2025), ",
                                        differ, " differ"));
}

}  // namespace tonghop::loadgen
