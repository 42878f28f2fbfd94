#ifndef TONGHOP_SERVICES_AGGREGATION_FIGURES_H_
#define TONGHOP_SERVICES_AGGREGATION_FIGURES_H_

// One figure of a roll-up, computed from the roll-up table: what it is, or
// why it cannot be given. The rules, for a subtree, an indicator and a cell
// (a dimension option, or the total):
//
//  - SUM: the sum of the contributors' values of the cell. A cell figure
//    is marked `partial` when some agency gave the indicator's total but
//    did not break it down by the cell's dimension; an agency that broke it
//    down and left the cell empty gave 0 for it (as report validation reads
//    it).
//  - MAX, LATEST: the largest value, or the value of the latest report.
//  - RATIO: 100 × Σ numerator / Σ denominator over the same reports. It is
//    not available — never 0 — when the numerator (or denominator) is not
//    broken down by the cell's dimension, when it was not reported, when
//    some report gives one part and not the other, or when the denominator
//    is 0.
//  - NONE: never rolled up.
//
// Cells come in the indicator's order of dimensions (for a ratio, its
// denominator's), each dimension's options in the registry's order, the
// total first.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "services/aggregation/aggregate_store.h"
#include "services/common/decimal.h"
#include "services/aggregation/registry_view.h"
#include "tonghop/v1/aggregation_service.pb.h"

namespace tonghop::aggregation {

// How an indicator rolls up (SUM when unspecified or unknown).
v1::Indicator::Aggregation AggregationOf(const v1::Indicator* def);

// The indicator's name in `language`, or `name` when it is unknown.
std::string IndicatorName(const v1::Indicator* def, absl::string_view name,
                          absl::string_view language);

// A dimension's label in `language` ("Giới tính"), from its code ("sex").
std::string DimensionLabel(const RegistrySnapshot& snapshot, absl::string_view dimension,
                           absl::string_view language);

// "Nữ", or with `with_dimension` "Giới tính: Nữ".
std::string CellLabel(const RegistrySnapshot& snapshot, absl::string_view cell_key,
                      absl::string_view language, bool with_dimension = false);

// A figure and its exact value (a percentage in millionths of a percent for
// ratios), for comparisons.
struct Computed {
  v1::Figure figure;
  std::optional<Micros> micros;
};

// The figure of one agency's own report (its own values only).
Computed OwnFigure(const v1::Report& report, absl::string_view indicator,
                   const v1::Indicator* def, const RegistrySnapshot& snapshot,
                   absl::string_view language);

// Computes figures of one plan, period and layer from one consistent read
// of the table. Not thread-safe (it remembers breakdowns it has read); use
// it inside the AggregateStore::Read() callback that gives it its reader.
class FigureCalculator {
 public:
  FigureCalculator(const AggregateReader& reader, const RegistrySnapshot& snapshot, Layer layer,
                   std::string plan, std::string period, std::string language);

  // The figure of `indicator` (defined by `def`, which may be null) for the
  // cell, over `root`'s subtree.
  Computed Compute(absl::string_view root, absl::string_view indicator, const v1::Indicator* def,
                   absl::string_view cell) const;

  // Every cell of the indicator with data in `root`'s subtree (for a ratio,
  // its denominator's), the total first, then in the dimensions' order.
  std::vector<std::string> Cells(absl::string_view root, absl::string_view indicator,
                                 const v1::Indicator* def) const;

  // Sorts cell keys into the order documented above.
  void SortCells(std::vector<std::string>& cells, const v1::Indicator* def) const;

  // The contributions behind a figure, by agency: each agency's value (for
  // a ratio, numerator and denominator; an empty optional for a part it did
  // not give). Agencies that gave nothing for the cell are left out.
  struct Part {
    std::optional<Micros> value;
    std::optional<Micros> numerator;
    std::optional<Micros> denominator;
  };
  std::map<std::string, Part> Parts(absl::string_view root, absl::string_view indicator,
                                    const v1::Indicator* def, absl::string_view cell) const;

  const std::string& language() const { return language_; }

 private:
  Computed Ratio(absl::string_view root, const v1::Indicator& def, absl::string_view cell) const;
  // The ratio of two sums both given by each of `reports` reports.
  Computed RatioOfSums(const v1::Indicator& def, Micros numerator, Micros denominator,
                       int64_t reports) const;
  Computed Sum(absl::string_view root, absl::string_view indicator, const v1::Indicator* def,
               absl::string_view cell) const;
  // The dimensions each agency broke `indicator` down by one at a time
  // (memoized).
  const std::map<std::string, std::set<std::string>>& Breakdowns(
      absl::string_view root, absl::string_view indicator) const;
  // AggregateReader::ReportsCounted under `root` (memoized: a Rollup asks
  // it for every ratio and cell).
  int64_t ReportsCounted(absl::string_view root) const;
  // True when `agency`'s report gives the one-dimension cell of
  // `indicator` as an empty cell of a dimension it broke the indicator
  // down by (then it is 0). A crossed cell is covered only when given.
  bool Covers(absl::string_view root, absl::string_view indicator, absl::string_view agency,
              const std::map<std::string, std::string>& cells) const;
  std::string DimensionName(absl::string_view dimension) const;
  std::string Note(absl::string_view key) const;

  const AggregateReader& reader_;
  const RegistrySnapshot& snapshot_;
  Layer layer_;
  std::string plan_;
  std::string period_;
  std::string language_;
  mutable std::map<std::pair<std::string, std::string>, std::map<std::string, std::set<std::string>>>
      breakdowns_;
  mutable std::map<std::string, int64_t, std::less<>> reports_counted_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_FIGURES_H_
