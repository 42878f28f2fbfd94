#include "services/aggregation/figures.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/substitute.h"
#include "services/aggregation/report_text.h"

namespace tonghop::aggregation {
namespace {

std::string DimensionId(absl::string_view name) {
  size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

// True when the indicator's definition breaks it down by `dimension` (a
// dimension code: "sex"). An unknown definition is taken at its word: its
// values say what it breaks down by.
bool Disaggregates(const v1::Indicator* def, absl::string_view dimension) {
  if (def == nullptr) return true;
  for (const std::string& d : def->dimensions()) {
    if (DimensionId(d) == dimension) return true;
  }
  return false;
}

void SetValue(Computed& c, Micros micros, bool percent) {
  c.micros = micros;
  c.figure.set_present(true);
  c.figure.set_value(percent ? FormatRounded(micros, 2) : FormatMicros(micros));
  c.figure.set_approximate(ToDouble(micros));
}

Computed Unavailable(v1::UnavailableReason reason, std::string note) {
  Computed c;
  c.figure.set_unavailable_reason(reason);
  c.figure.set_note(std::move(note));
  return c;
}

}  // namespace

v1::Indicator::Aggregation AggregationOf(const v1::Indicator* def) {
  if (def == nullptr || def->aggregation() == v1::Indicator::AGGREGATION_UNSPECIFIED) {
    return v1::Indicator::AGGREGATION_SUM;
  }
  return def->aggregation();
}

std::string IndicatorName(const v1::Indicator* def, absl::string_view name,
                          absl::string_view language) {
  if (def == nullptr) return std::string(name);
  if (language == "en" && !def->english_name().empty()) return def->english_name();
  return def->display_name();
}

namespace {

std::string OptionLabel(const RegistrySnapshot& snapshot, absl::string_view dimension,
                        absl::string_view option, absl::string_view language) {
  const v1::Dimension* dim = snapshot.FindDimension(absl::StrCat("dimensions/", dimension));
  if (dim != nullptr) {
    for (const v1::DimensionOption& o : dim->options()) {
      if (o.code() != option) continue;
      if (language == "en" && !o.english_name().empty()) return o.english_name();
      return o.display_name();
    }
  }
  return std::string(option);
}

}  // namespace

std::string DimensionLabel(const RegistrySnapshot& snapshot, absl::string_view dimension,
                           absl::string_view language) {
  const v1::Dimension* dim = snapshot.FindDimension(absl::StrCat("dimensions/", dimension));
  if (dim == nullptr) return std::string(dimension);
  return language == "en" && !dim->english_name().empty() ? dim->english_name()
                                                          : dim->display_name();
}

std::string CellLabel(const RegistrySnapshot& snapshot, absl::string_view cell_key,
                      absl::string_view language, bool with_dimension) {
  std::vector<std::string> parts;
  for (const auto& [dimension, option] : ParseCellKey(cell_key)) {
    std::string label = OptionLabel(snapshot, dimension, option, language);
    if (with_dimension) {
      label = absl::StrCat(DimensionLabel(snapshot, dimension, language), ": ", label);
    }
    parts.push_back(std::move(label));
  }
  return absl::StrJoin(parts, ", ");
}

Computed OwnFigure(const v1::Report& report, absl::string_view indicator,
                   const v1::Indicator* def, const RegistrySnapshot& snapshot,
                   absl::string_view language) {
  auto values = ReportValues(report);
  auto find = [&](absl::string_view ind) -> std::optional<Micros> {
    auto it = values.find({std::string(ind), std::string()});
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
  auto name = [&](absl::string_view ind) {
    return IndicatorName(snapshot.FindIndicator(ind), ind, language);
  };
  Computed c;
  switch (AggregationOf(def)) {
    case v1::Indicator::AGGREGATION_NONE:
      return Unavailable(v1::UNAVAILABLE_REASON_NOT_AGGREGATED, Text("note_not_aggregated", language));
    case v1::Indicator::AGGREGATION_RATIO: {
      auto n = find(def->numerator());
      auto d = find(def->denominator());
      if (!d.has_value()) {
        return Unavailable(v1::UNAVAILABLE_REASON_NOT_REPORTED,
                           absl::Substitute(Text("note_denominator_not_reported", language),
                                            name(def->denominator())));
      }
      if (!n.has_value()) {
        return Unavailable(v1::UNAVAILABLE_REASON_NUMERATOR_NOT_REPORTED,
                           absl::Substitute(Text("note_numerator_not_reported", language),
                                            name(def->numerator())));
      }
      c.figure.set_numerator(FormatMicros(*n));
      c.figure.set_denominator(FormatMicros(*d));
      c.figure.set_contributors(1);
      std::optional<Micros> percent = PercentMicros(*n, *d);
      if (!percent.has_value()) {
        c.figure.set_unavailable_reason(v1::UNAVAILABLE_REASON_DENOMINATOR_ZERO);
        c.figure.set_note(absl::Substitute(Text("note_denominator_zero", language),
                                                       name(def->denominator())));
        return c;
      }
      SetValue(c, *percent, true);
      return c;
    }
    default: {
      auto v = find(indicator);
      if (!v.has_value()) {
        return Unavailable(v1::UNAVAILABLE_REASON_NOT_REPORTED, Text("note_not_reported", language));
      }
      c.figure.set_contributors(1);
      SetValue(c, *v, false);
      return c;
    }
  }
}

FigureCalculator::FigureCalculator(const AggregateReader& reader, const RegistrySnapshot& snapshot,
                                   Layer layer, std::string plan, std::string period,
                                   std::string language)
    : reader_(reader),
      snapshot_(snapshot),
      layer_(layer),
      plan_(std::move(plan)),
      period_(std::move(period)),
      language_(std::move(language)) {}

std::string FigureCalculator::Note(absl::string_view key) const { return Text(key, language_); }

std::string FigureCalculator::DimensionName(absl::string_view dimension) const {
  return DimensionLabel(snapshot_, dimension, language_);
}

const std::map<std::string, std::set<std::string>>& FigureCalculator::Breakdowns(
    absl::string_view root, absl::string_view indicator) const {
  auto key = std::make_pair(std::string(root), std::string(indicator));
  auto it = breakdowns_.find(key);
  if (it == breakdowns_.end()) {
    it = breakdowns_
             .emplace(key, reader_.BreakdownDimensions(layer_, plan_, period_, root, indicator))
             .first;
  }
  return it->second;
}

int64_t FigureCalculator::ReportsCounted(absl::string_view root) const {
  auto it = reports_counted_.find(root);
  if (it == reports_counted_.end()) {
    it = reports_counted_
             .emplace(std::string(root), reader_.ReportsCounted(layer_, plan_, period_, root))
             .first;
  }
  return it->second;
}

bool FigureCalculator::Covers(absl::string_view root, absl::string_view indicator,
                              absl::string_view agency,
                              const std::map<std::string, std::string>& cells) const {
  // The total is never implied, nor is a blank cell of a two-way grid.
  if (cells.size() != 1) return false;
  const auto& breakdowns = Breakdowns(root, indicator);
  auto it = breakdowns.find(std::string(agency));
  if (it == breakdowns.end()) return false;
  for (const auto& [dimension, unused] : cells) {
    if (!it->second.count(dimension)) return false;
  }
  return true;
}

Computed FigureCalculator::Compute(absl::string_view root, absl::string_view indicator,
                                   const v1::Indicator* def, absl::string_view cell) const {
  switch (AggregationOf(def)) {
    case v1::Indicator::AGGREGATION_NONE:
      return Unavailable(v1::UNAVAILABLE_REASON_NOT_AGGREGATED, Note("note_not_aggregated"));
    case v1::Indicator::AGGREGATION_RATIO:
      return Ratio(root, *def, cell);
    case v1::Indicator::AGGREGATION_MAX:
    case v1::Indicator::AGGREGATION_LATEST: {
      auto sum = reader_.Sum(layer_, plan_, period_, root, indicator, cell);
      if (!sum.has_value()) {
        return Unavailable(v1::UNAVAILABLE_REASON_NOT_REPORTED, Note("note_not_reported"));
      }
      Computed c;
      c.figure.set_contributors(static_cast<int32_t>(sum->contributors));
      std::optional<Micros> v =
          AggregationOf(def) == v1::Indicator::AGGREGATION_MAX
              ? reader_.Max(layer_, plan_, period_, root, indicator, cell)
              : reader_.Latest(layer_, plan_, period_, root, indicator, cell);
      if (v.has_value()) SetValue(c, *v, false);
      return c;
    }
    default:
      return Sum(root, indicator, def, cell);
  }
}

Computed FigureCalculator::Sum(absl::string_view root, absl::string_view indicator,
                               const v1::Indicator* def, absl::string_view cell) const {
  auto sum = reader_.Sum(layer_, plan_, period_, root, indicator, cell);
  if (!sum.has_value()) {
    return Unavailable(v1::UNAVAILABLE_REASON_NOT_REPORTED, Note("note_not_reported"));
  }
  Computed c;
  c.figure.set_contributors(static_cast<int32_t>(sum->contributors));
  SetValue(c, sum->micros, false);
  if (cell.empty()) return c;
  // A cell sums what was given for it; agencies that gave only the total
  // are missing from it.
  auto total = reader_.Sum(layer_, plan_, period_, root, indicator, "");
  if (!total.has_value()) return c;
  std::map<std::string, std::string> cells = ParseCellKey(cell);
  int64_t covering = 0;
  if (cells.size() > 1) {
    // A blank cell of a two-way grid is unknown, not 0: only the agencies
    // that gave this very cell cover it.
    covering = sum->contributors;
  } else {
    for (const auto& [agency, dimensions] : Breakdowns(root, indicator)) {
      bool all = true;
      for (const auto& [dimension, unused] : cells) all = all && dimensions.count(dimension) > 0;
      if (all) ++covering;
    }
  }
  if (covering < total->contributors) {
    std::vector<std::string> names;
    for (const auto& [dimension, unused] : cells) names.push_back(DimensionName(dimension));
    c.figure.set_partial(true);
    c.figure.set_note(absl::Substitute(Note("note_partial"), covering,
                                                   total->contributors,
                                                   absl::StrJoin(names, ", ")));
  }
  return c;
}

Computed FigureCalculator::Ratio(absl::string_view root, const v1::Indicator& def,
                                 absl::string_view cell) const {
  auto name = [&](absl::string_view indicator) {
    return IndicatorName(snapshot_.FindIndicator(indicator), indicator, language_);
  };
  const v1::Indicator* numerator_def = snapshot_.FindIndicator(def.numerator());
  const v1::Indicator* denominator_def = snapshot_.FindIndicator(def.denominator());
  std::map<std::string, std::string> cells = ParseCellKey(cell);
  for (const auto& [dimension, unused] : cells) {
    if (!Disaggregates(denominator_def, dimension)) {
      return Unavailable(v1::UNAVAILABLE_REASON_DENOMINATOR_NOT_DISAGGREGATED,
                         absl::Substitute(Note("note_denominator_not_disaggregated"),
                                          name(def.denominator()), DimensionName(dimension)));
    }
    if (!Disaggregates(numerator_def, dimension)) {
      return Unavailable(v1::UNAVAILABLE_REASON_NUMERATOR_NOT_DISAGGREGATED,
                         absl::Substitute(Note("note_numerator_not_disaggregated"),
                                          name(def.numerator()), DimensionName(dimension)));
    }
  }
  // When every report counted in the subtree gave both parts of the cell,
  // each part's sum has them all as contributors: the ratio is that of the
  // sums, read without each agency's values. (Either part's contributors
  // are among the reports counted, so equal counts mean the same agencies.)
  const int64_t counted = ReportsCounted(root);
  if (counted > 0) {
    std::optional<AggregateReader::SumValue> numerator_sum =
        reader_.Sum(layer_, plan_, period_, root, def.numerator(), cell);
    std::optional<AggregateReader::SumValue> denominator_sum =
        reader_.Sum(layer_, plan_, period_, root, def.denominator(), cell);
    if (numerator_sum.has_value() && denominator_sum.has_value() &&
        numerator_sum->contributors == counted && denominator_sum->contributors == counted) {
      return RatioOfSums(def, numerator_sum->micros, denominator_sum->micros, counted);
    }
  }
  std::map<std::string, Micros> numerators =
      reader_.Values(layer_, plan_, period_, root, def.numerator(), cell);
  std::map<std::string, Micros> denominators =
      reader_.Values(layer_, plan_, period_, root, def.denominator(), cell);
  if (denominators.empty() && numerators.empty()) {
    return Unavailable(v1::UNAVAILABLE_REASON_NOT_REPORTED, Note("note_not_reported"));
  }
  // Every report that gives one part must give the other, explicitly or as
  // an empty cell of a dimension it broke that part down by.
  std::set<std::string> agencies;
  for (const auto& [agency, unused] : numerators) agencies.insert(agency);
  for (const auto& [agency, unused] : denominators) agencies.insert(agency);
  int64_t with_numerator = 0;
  int64_t with_denominator = 0;
  for (const std::string& agency : agencies) {
    if (numerators.count(agency) || Covers(root, def.numerator(), agency, cells)) ++with_numerator;
    if (denominators.count(agency) || Covers(root, def.denominator(), agency, cells)) {
      ++with_denominator;
    }
  }
  const int64_t reports = static_cast<int64_t>(agencies.size());
  if (with_denominator == 0) {
    return Unavailable(v1::UNAVAILABLE_REASON_NOT_REPORTED,
                       absl::Substitute(Note("note_denominator_not_reported"),
                                        name(def.denominator())));
  }
  if (with_numerator == 0) {
    return Unavailable(v1::UNAVAILABLE_REASON_NUMERATOR_NOT_REPORTED,
                       absl::Substitute(Note("note_numerator_not_reported"), name(def.numerator())));
  }
  if (with_numerator < reports || with_denominator < reports) {
    return Unavailable(v1::UNAVAILABLE_REASON_PARTS_REPORTED_APART,
                       absl::Substitute(Note("note_parts_apart"), name(def.numerator()),
                                        with_numerator, name(def.denominator()),
                                        with_denominator));
  }
  Micros n = 0;
  Micros d = 0;
  for (const auto& [agency, v] : numerators) n += v;
  for (const auto& [agency, v] : denominators) d += v;
  return RatioOfSums(def, n, d, reports);
}

Computed FigureCalculator::RatioOfSums(const v1::Indicator& def, Micros numerator,
                                       Micros denominator, int64_t reports) const {
  Computed c;
  c.figure.set_numerator(FormatMicros(numerator));
  c.figure.set_denominator(FormatMicros(denominator));
  c.figure.set_contributors(static_cast<int32_t>(reports));
  std::optional<Micros> percent = PercentMicros(numerator, denominator);
  if (!percent.has_value()) {
    c.figure.set_unavailable_reason(v1::UNAVAILABLE_REASON_DENOMINATOR_ZERO);
    c.figure.set_note(absl::Substitute(
        Note("note_denominator_zero"),
        IndicatorName(snapshot_.FindIndicator(def.denominator()), def.denominator(), language_)));
    return c;
  }
  SetValue(c, *percent, true);
  return c;
}

std::vector<std::string> FigureCalculator::Cells(absl::string_view root,
                                                 absl::string_view indicator,
                                                 const v1::Indicator* def) const {
  std::vector<std::string> cells;
  if (AggregationOf(def) == v1::Indicator::AGGREGATION_NONE) return cells;
  absl::string_view source = AggregationOf(def) == v1::Indicator::AGGREGATION_RATIO
                                 ? absl::string_view(def->denominator())
                                 : indicator;
  for (const auto& [cell, unused] : reader_.Sums(layer_, plan_, period_, root, source)) {
    cells.push_back(cell);
  }
  SortCells(cells, def);
  return cells;
}

void FigureCalculator::SortCells(std::vector<std::string>& cells, const v1::Indicator* def) const {
  // A ratio's cells are its denominator's, in the denominator's order.
  const v1::Indicator* order_def = def;
  if (AggregationOf(def) == v1::Indicator::AGGREGATION_RATIO) {
    const v1::Indicator* denominator = snapshot_.FindIndicator(def->denominator());
    if (denominator != nullptr) order_def = denominator;
  }
  // (dimension rank, dimension code, option rank, option code) per part.
  using Rank = std::vector<std::tuple<int, std::string, int, std::string>>;
  auto rank = [&](const std::string& cell) {
    Rank r;
    for (const auto& [dimension, option] : ParseCellKey(cell)) {
      int dimension_index = 1 << 20;
      if (order_def != nullptr) {
        for (int i = 0; i < order_def->dimensions_size(); ++i) {
          if (DimensionId(order_def->dimensions(i)) == dimension) dimension_index = i;
        }
      }
      int option_index = 1 << 20;
      if (const v1::Dimension* dim =
              snapshot_.FindDimension(absl::StrCat("dimensions/", dimension))) {
        for (int i = 0; i < dim->options_size(); ++i) {
          if (dim->options(i).code() == option) option_index = i;
        }
      }
      r.emplace_back(dimension_index, dimension, option_index, option);
    }
    return r;
  };
  std::vector<std::pair<Rank, std::string>> ranked;
  ranked.reserve(cells.size());
  for (std::string& cell : cells) ranked.emplace_back(rank(cell), std::move(cell));
  std::sort(ranked.begin(), ranked.end());
  cells.clear();
  for (auto& [unused, cell] : ranked) cells.push_back(std::move(cell));
}

std::map<std::string, FigureCalculator::Part> FigureCalculator::Parts(
    absl::string_view root, absl::string_view indicator, const v1::Indicator* def,
    absl::string_view cell) const {
  std::map<std::string, Part> parts;
  if (AggregationOf(def) == v1::Indicator::AGGREGATION_RATIO) {
    for (const auto& [agency, v] :
         reader_.Values(layer_, plan_, period_, root, def->numerator(), cell)) {
      parts[agency].numerator = v;
    }
    for (const auto& [agency, v] :
         reader_.Values(layer_, plan_, period_, root, def->denominator(), cell)) {
      parts[agency].denominator = v;
    }
    // An empty cell of a dimension an agency broke a part down by is 0.
    std::map<std::string, std::string> cells = ParseCellKey(cell);
    for (auto& [agency, part] : parts) {
      if (!part.numerator && Covers(root, def->numerator(), agency, cells)) part.numerator = 0;
      if (!part.denominator && Covers(root, def->denominator(), agency, cells)) {
        part.denominator = 0;
      }
    }
    return parts;
  }
  if (AggregationOf(def) == v1::Indicator::AGGREGATION_NONE) return parts;
  for (const auto& [agency, v] : reader_.Values(layer_, plan_, period_, root, indicator, cell)) {
    parts[agency].value = v;
  }
  return parts;
}

}  // namespace tonghop::aggregation
