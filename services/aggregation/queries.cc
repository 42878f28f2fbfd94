#include "services/aggregation/queries.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "services/aggregation/disclosure.h"
#include "services/aggregation/exchange.h"
#include "services/aggregation/figures.h"
#include "services/aggregation/report_draft.h"
#include "services/aggregation/report_drafts.h"
#include "services/common/errors.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"
#include "unicode/coll.h"
#include "unicode/locid.h"
#include "unicode/unistr.h"

namespace tonghop::aggregation {
namespace {

Layer LayerFor(bool include_unreviewed) {
  return include_unreviewed ? Layer::kUnreviewed : Layer::kAccepted;
}

// Sorts by a Vietnamese collation of `key(item)`, so "Ủy ban" sorts among
// the U's rather than after Z; equal names keep their order. Each key is
// turned into a collation key once, not at every comparison: a national
// completeness list has thousands of names.
template <typename T, typename Key>
void SortVietnamese(std::vector<T>& items, Key key) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Collator> collator(icu::Collator::createInstance(icu::Locale("vi"), status));
  struct Ranked {
    std::string collation_key;
    std::string text;
    size_t index;
  };
  std::vector<Ranked> ranked;
  ranked.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    Ranked r{"", std::string(key(items[i])), i};
    if (!U_FAILURE(status) && collator != nullptr) {
      icu::UnicodeString text = icu::UnicodeString::fromUTF8(r.text);
      int32_t length = collator->getSortKey(text, nullptr, 0);
      r.collation_key.resize(static_cast<size_t>(length));
      collator->getSortKey(text, reinterpret_cast<uint8_t*>(r.collation_key.data()), length);
    }
    ranked.push_back(std::move(r));
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    return std::tie(a.collation_key, a.text, a.index) < std::tie(b.collation_key, b.text, b.index);
  });
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (const Ranked& r : ranked) sorted.push_back(std::move(items[r.index]));
  items = std::move(sorted);
}


google::protobuf::Timestamp ToTimestamp(absl::Time t);

// Sets `answer.data_as_of` to the time of the last change `reader`
// reflects, when it is known.
template <typename Answer>
void SetDataAsOf(const AggregateReader& reader, Answer& answer) {
  if (reader.applied_time() == absl::InfinitePast()) return;
  *answer.mutable_data_as_of() = ToTimestamp(reader.applied_time());
}

void FillIndicator(v1::IndicatorRollup& out, absl::string_view name, const v1::Indicator* def,
                   absl::string_view language) {
  out.set_indicator(std::string(name));
  out.set_display_name(IndicatorName(def, name, language));
  if (def != nullptr) {
    out.set_unit(def->unit());
    out.set_aggregation(def->aggregation());
    out.set_value_type(def->value_type());
    out.set_direction(def->direction());
  }
}

// The breakdown rows of an indicator (every cell but the total) over
// `root`'s subtree, in the dimensions' order; `only_dimension` keeps one
// dimension's.
std::vector<v1::RollupRow> BreakdownRows(const FigureCalculator& figures,
                                         const RegistrySnapshot& snapshot, absl::string_view root,
                                         absl::string_view indicator, const v1::Indicator* def,
                                         bool with_dimension,
                                         absl::string_view only_dimension = "") {
  std::vector<v1::RollupRow> rows;
  for (const std::string& cell : figures.Cells(root, indicator, def)) {
    if (cell.empty()) continue;
    std::map<std::string, std::string> parsed = ParseCellKey(cell);
    if (!only_dimension.empty() &&
        (parsed.size() != 1 || parsed.begin()->first != only_dimension)) {
      continue;
    }
    v1::RollupRow row;
    for (const auto& [d, o] : parsed) (*row.mutable_cells())[d] = o;
    row.set_label(CellLabel(snapshot, cell, figures.language(), with_dimension));
    *row.mutable_figure() = figures.Compute(root, indicator, def, cell).figure;
    rows.push_back(std::move(row));
  }
  return rows;
}

// True when `cells` names the two dimensions of a crossing that `def` asks
// for (a ratio: that its denominator asks for).
bool AsksForCrossing(const RegistrySnapshot& snapshot, const v1::Indicator* def,
                     const std::map<std::string, std::string>& cells) {
  if (def == nullptr || cells.size() != 2) return false;
  if (AggregationOf(def) == v1::Indicator::AGGREGATION_RATIO) {
    def = snapshot.FindIndicator(def->denominator());
    if (def == nullptr) return false;
  }
  for (const v1::DimensionCrossing& c : def->crossings()) {
    std::string rows = IdOf(c.rows());
    std::string columns = IdOf(c.columns());
    if (rows != columns && cells.count(rows) && cells.count(columns)) return true;
  }
  return false;
}

// The two-way tables of the crossings `def` asks for (a ratio: its
// denominator), from the crossed rows of `stat` (as disclosure control left
// them); none for a crossing nobody gave a cell of.
void AddCrossings(const RegistrySnapshot& snapshot, const v1::Indicator* def,
                  absl::string_view language, v1::CompiledStatistic& stat) {
  if (def != nullptr && AggregationOf(def) == v1::Indicator::AGGREGATION_RATIO) {
    def = snapshot.FindIndicator(def->denominator());
  }
  if (def == nullptr) return;
  std::map<std::string, const v1::Figure*> figures;
  for (const v1::RollupRow& row : stat.rows()) {
    if (row.cells_size() == 2) figures[CellKey(row.cells())] = &row.figure();
  }
  for (const v1::DimensionCrossing& c : def->crossings()) {
    const v1::Dimension* rows = snapshot.FindDimension(c.rows());
    const v1::Dimension* columns = snapshot.FindDimension(c.columns());
    if (rows == nullptr || columns == nullptr || rows == columns) continue;
    const std::string row_code = IdOf(c.rows());
    const std::string column_code = IdOf(c.columns());
    v1::CompiledCrossing crossing;
    crossing.set_rows(c.rows());
    crossing.set_columns(c.columns());
    crossing.set_rows_label(DimensionLabel(snapshot, row_code, language));
    crossing.set_columns_label(DimensionLabel(snapshot, column_code, language));
    for (const v1::DimensionOption& o : columns->options()) {
      crossing.add_column_labels(
          CellLabel(snapshot, absl::StrCat(column_code, "=", o.code()), language));
    }
    bool any = false;
    for (const v1::DimensionOption& r : rows->options()) {
      crossing.add_row_labels(CellLabel(snapshot, absl::StrCat(row_code, "=", r.code()), language));
      for (const v1::DimensionOption& o : columns->options()) {
        google::protobuf::Map<std::string, std::string> cells;
        cells[row_code] = r.code();
        cells[column_code] = o.code();
        auto found = figures.find(CellKey(cells));
        v1::Figure* cell = crossing.add_cells();
        if (found == figures.end()) {
          cell->set_unavailable_reason(v1::UNAVAILABLE_REASON_NOT_REPORTED);
          continue;
        }
        *cell = *found->second;
        any = true;
      }
    }
    if (any) *stat.add_crossings() = std::move(crossing);
  }
}

// True for the figures disclosure control withholds directly: sums of
// counts of people or cases.
bool IsCount(const v1::Indicator* def) {
  return AggregationOf(def) == v1::Indicator::AGGREGATION_SUM && def != nullptr &&
         (def->value_type() == v1::VALUE_TYPE_COUNT ||
          def->value_type() == v1::VALUE_TYPE_UNSPECIFIED);
}

// Withholds small counts in `rows` (an indicator's breakdown; see
// disclosure.h); a ratio's cells follow its denominator's.
void ControlDisclosure(const FigureCalculator& figures, const RegistrySnapshot& snapshot,
                       absl::string_view root, absl::string_view indicator,
                       const v1::Indicator* def, const v1::Figure& total,
                       std::vector<v1::RollupRow*>& rows) {
  if (IsCount(def)) {
    Suppress(snapshot, total, rows, /*counts=*/true, {}, figures.language());
    return;
  }
  if (AggregationOf(def) != v1::Indicator::AGGREGATION_RATIO) return;
  const v1::Indicator* denominator = snapshot.FindIndicator(def->denominator());
  if (!IsCount(denominator)) return;
  std::vector<v1::RollupRow> parts =
      BreakdownRows(figures, snapshot, root, def->denominator(), denominator, false);
  std::vector<v1::RollupRow*> part_rows;
  for (v1::RollupRow& row : parts) part_rows.push_back(&row);
  std::vector<std::string> withheld =
      Suppress(snapshot, figures.Compute(root, def->denominator(), denominator, "").figure,
               part_rows, /*counts=*/true, {}, figures.language());
  Suppress(snapshot, total, rows, /*counts=*/false, withheld, figures.language());
}

// The change between two points and whether it goes against `direction`.
struct Movement {
  std::string change;
  bool against = false;
};
std::optional<Movement> Move(const Computed& previous, const Computed& current,
                             v1::Direction direction, bool percent) {
  if (!previous.micros.has_value() || !current.micros.has_value()) return std::nullopt;
  Micros delta = *current.micros - *previous.micros;
  Movement m;
  m.change = FormatChange(delta, percent ? 2 : -1);
  m.against = (direction == v1::DIRECTION_UP && delta < 0) ||
              (direction == v1::DIRECTION_DOWN && delta > 0);
  return m;
}

bool IsPercent(const v1::Indicator* def) {
  return AggregationOf(def) == v1::Indicator::AGGREGATION_RATIO;
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  ts.set_nanos(
      static_cast<int32_t>((t - absl::FromUnixSeconds(ts.seconds())) / absl::Nanoseconds(1)));
  return ts;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

void CheckLanguage(absl::string_view language, ViolationList& violations) {
  if (!language.empty() && language != "vi" && language != "en") {
    violations.Add("language", absl::StrCat(QuoteInput(language), " is not \"vi\" or \"en\""));
  }
}

}  // namespace

std::map<std::string, ExpectedReporter> ExpectedReporters(const PlanInfo& plan,
                                                          const Hierarchy& hierarchy,
                                                          const Period& round,
                                                          absl::string_view root) {
  // Who owes the round's report: those in force on its last day.
  const Period period = ReportingDay(round);
  std::map<std::string, ExpectedReporter> expected;
  std::map<std::string, std::vector<const v1::Agency*>> groups;
  std::set<std::pair<std::string, bool>> groups_added;
  auto add = [&](const std::string& agency, bool requested) {
    if (!hierarchy.InSubtree(agency, root)) return;
    auto [it, inserted] = expected.try_emplace(agency);
    it->second.requested = (inserted || it->second.requested) && requested;
  };
  for (const v1::Task& task : plan.tasks) {
    for (const auto* list : {&task.lead(), &task.coordinating()}) {
      for (const v1::Assignment& a : *list) {
        if (a.has_group()) {
          if (a.group().open()) continue;
          // Plans name the same few groups in many tasks: adding a group's
          // members again with the same flag changes nothing.
          std::string group_key = absl::StrCat(a.group().ancestor(), "/", a.group().kind());
          if (!groups_added.insert({group_key, a.requested()}).second) continue;
          auto members = groups.find(group_key);
          if (members == groups.end()) {
            members = groups.emplace(group_key, hierarchy.GroupMembers(a.group(), period)).first;
          }
          for (const v1::Agency* member : members->second) add(member->name(), a.requested());
        } else if (!a.agency().empty()) {
          for (const std::string& agency : hierarchy.Resolve(a.agency(), period)) {
            add(agency, a.requested());
          }
        }
      }
    }
  }
  return expected;
}

std::optional<absl::CivilDay> TaskDueDate(const v1::Task& task, const v1::Plan& plan,
                                          const Period& period) {
  const v1::Deadline& d = task.deadline();
  auto year_end_in_period = [&](int year) -> std::optional<absl::CivilDay> {
    absl::CivilDay end(year, 12, 31);
    if (year > 0 && period.first_day <= end && end <= period.last_day) return end;
    return std::nullopt;
  };
  switch (d.kind()) {
    case v1::DEADLINE_KIND_EVERY_YEAR: {
      std::optional<absl::CivilDay> due = DueDay(plan, period);
      return due.has_value() ? due : std::optional<absl::CivilDay>(period.last_day);
    }
    case v1::DEADLINE_KIND_ON_REQUEST:
      if (d.annual()) {
        std::optional<absl::CivilDay> due = DueDay(plan, period);
        return due.has_value() ? due : std::optional<absl::CivilDay>(period.last_day);
      }
      return std::nullopt;
    case v1::DEADLINE_KIND_YEAR_RANGE:
      return year_end_in_period(d.to_year() != 0 ? d.to_year() : d.from_year());
    case v1::DEADLINE_KIND_BY_DATE: {
      if (!IsSet(d.date())) return std::nullopt;
      absl::CivilDay day = ToCivilDay(d.date());
      if (period.first_day <= day && day <= period.last_day) return day;
      return std::nullopt;
    }
    case v1::DEADLINE_KIND_MILESTONES:
      for (const v1::Milestone& m : d.milestones()) {
        if (auto due = year_end_in_period(m.year())) return due;
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

struct AggregationQueries::Scope {
  std::shared_ptr<const RegistrySnapshot> snapshot;
  std::shared_ptr<const PlanInfo> plan;
  Period period;
  std::string root;
  Layer layer = Layer::kAccepted;
  bool include_unreviewed = false;
  std::string language = "vi";
  const Hierarchy& hierarchy() const { return *snapshot->hierarchy; }
  std::string plan_name() const { return plan->plan.name(); }
};

AggregationQueries::AggregationQueries(AggregateStore* store, RegistryView* registry,
                                       const Clock* clock, const AccessPolicy* policy,
                                       const DraftStore* drafts)
    : store_(store),
      registry_(registry),
      clock_(clock),
      policy_(policy),
      drafts_(drafts) {}

std::shared_ptr<const std::map<std::string, ExpectedReporter>> AggregationQueries::Expected(
    const Scope& scope) const {
  {
    absl::MutexLock lock(&expected_mu_);
    for (const ExpectedEntry& entry : expected_cache_) {
      if (entry.snapshot == scope.snapshot && entry.plan == scope.plan &&
          entry.period == scope.period.label && entry.root == scope.root) {
        return entry.expected;
      }
    }
  }
  auto expected = std::make_shared<const std::map<std::string, ExpectedReporter>>(
      ExpectedReporters(*scope.plan, scope.hierarchy(), scope.period, scope.root));
  absl::MutexLock lock(&expected_mu_);
  // Entries of older registry readings will not be asked for again.
  expected_cache_.erase(
      std::remove_if(expected_cache_.begin(), expected_cache_.end(),
                     [&](const ExpectedEntry& entry) { return entry.snapshot != scope.snapshot; }),
      expected_cache_.end());
  if (expected_cache_.size() >= kExpectedCacheSize) expected_cache_.pop_front();
  expected_cache_.push_back(
      ExpectedEntry{scope.snapshot, scope.plan, scope.period.label, scope.root, expected});
  return expected;
}

std::shared_ptr<const std::vector<std::string>> AggregationQueries::InNameOrder(
    const Scope& scope,
    const std::shared_ptr<const std::map<std::string, ExpectedReporter>>& expected) const {
  {
    absl::MutexLock lock(&expected_mu_);
    for (const NameOrderEntry& entry : name_order_cache_) {
      if (entry.expected == expected && entry.language == scope.language) return entry.order;
    }
  }
  struct Named {
    const std::string* agency;
    std::string display_name;
  };
  std::vector<Named> named;
  named.reserve(expected->size());
  for (const auto& [agency, unused] : *expected) {
    named.push_back({&agency, scope.hierarchy().DisplayName(agency, scope.language)});
  }
  SortVietnamese(named, [](const Named& n) { return n.display_name; });
  auto order = std::make_shared<std::vector<std::string>>();
  order->reserve(named.size());
  for (const Named& n : named) order->push_back(*n.agency);
  absl::MutexLock lock(&expected_mu_);
  if (name_order_cache_.size() >= kExpectedCacheSize) name_order_cache_.pop_front();
  name_order_cache_.push_back(NameOrderEntry{expected, scope.language, order});
  return order;
}

AggregationQueries::Counters AggregationQueries::CountersOf(
    const Scope& scope,
    const std::shared_ptr<const std::map<std::string, ExpectedReporter>>& expected) const {
  {
    absl::MutexLock lock(&expected_mu_);
    for (const CountersEntry& entry : counters_cache_) {
      if (entry.expected == expected) return entry.counters;
    }
  }
  std::vector<std::string> agencies;
  agencies.reserve(expected->size());
  for (const auto& [agency, unused] : *expected) agencies.push_back(agency);
  Counters counters;
  counters.contributions = std::make_shared<const ExpectedContributions>(
      scope.hierarchy(), scope.root, scope.plan_name(), scope.period.label, agencies);
  counters.tally = std::make_shared<const CompletenessTally>(scope.plan_name(), scope.period.label,
                                                             std::move(agencies));
  absl::MutexLock lock(&expected_mu_);
  if (counters_cache_.size() >= kExpectedCacheSize) counters_cache_.pop_front();
  counters_cache_.push_back(CountersEntry{expected, counters});
  return counters;
}

absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> AggregationQueries::SnapshotKnowing(
    const std::vector<std::string>& names) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const RegistrySnapshot> snapshot, registry_->Snapshot(false));
  for (const std::string& name : names) {
    if (!name.empty() && !snapshot->hierarchy->Contains(name)) return registry_->Snapshot(true);
  }
  return snapshot;
}

absl::Status AggregationQueries::AuthorizeAdmin(const Caller& caller) const {
  return policy_->CheckAdministerInstance(caller, "the aggregates");
}

absl::Status AggregationQueries::AuthorizeRead(const Caller& caller, const Hierarchy& hierarchy,
                                               absl::string_view root) const {
  return policy_->CheckReadRollup(caller, hierarchy, root);
}

absl::Status AggregationQueries::UnknownAgencyIn(const RegistrySnapshot& snapshot,
                                                 absl::string_view agency) const {
  std::shared_ptr<const AgencyMatcher> matcher;
  {
    absl::MutexLock lock(&matcher_mu_);
    if (matched_.lock() == snapshot.hierarchy) matcher = matcher_;
  }
  if (matcher == nullptr) {
    std::vector<v1::Agency> agencies;
    agencies.reserve(snapshot.hierarchy->size());
    for (const auto& [name, a] : snapshot.hierarchy->agencies()) agencies.push_back(a);
    matcher = std::make_shared<const AgencyMatcher>(agencies);
    absl::MutexLock lock(&matcher_mu_);
    matched_ = snapshot.hierarchy;
    matcher_ = matcher;
  }
  return UnknownAgency(agency, "", *matcher);
}

absl::StatusOr<AggregationQueries::Scope> AggregationQueries::Resolve(
    const Caller& caller, absl::string_view plan, absl::string_view period, absl::string_view root,
    bool include_unreviewed, absl::string_view language) const {
  ViolationList violations;
  if (!ParseSimpleName(plan, "plans", "plan").ok()) {
    violations.Add("plan", plan.empty() ? "is required (plans/{plan})"
                                        : absl::StrCat(QuoteInput(plan), " is not plans/{plan}"));
  }
  absl::StatusOr<Period> parsed = ParsePeriod(period, "period");
  if (!parsed.ok()) {
    violations.Add("period",
                   period.empty()
                       ? "is required (e.g. 2026)"
                       : GetBadRequest(parsed.status()).field_violations(0).description());
  }
  if (!ParseSimpleName(root, "agencies", "agency").ok()) {
    violations.Add("agency", root.empty()
                                 ? "is required (agencies/{agency})"
                                 : absl::StrCat(QuoteInput(root), " is not agencies/{agency}"));
  }
  CheckLanguage(language, violations);
  RETURN_IF_ERROR(violations.ToStatus());
  Scope scope;
  ASSIGN_OR_RETURN(scope.snapshot, SnapshotKnowing({caller.agency, std::string(root)}));
  RETURN_IF_ERROR(AuthorizeRead(caller, scope.hierarchy(), root));
  if (!scope.hierarchy().Contains(root)) return UnknownAgencyIn(*scope.snapshot, root);
  ASSIGN_OR_RETURN(scope.plan, registry_->Plan(plan));
  // A plan may name indicators created after the snapshot was read (the
  // snapshot is kept for a while); read it again rather than answer without
  // their definitions.
  bool missing_indicator = false;
  for (const v1::Task& task : scope.plan->tasks) {
    for (const std::string& indicator : task.indicators()) {
      missing_indicator = missing_indicator || scope.snapshot->FindIndicator(indicator) == nullptr;
    }
  }
  if (missing_indicator) {
    ASSIGN_OR_RETURN(scope.snapshot, registry_->Snapshot(true));
  }
  scope.period = *parsed;
  scope.root = std::string(root);
  scope.layer = LayerFor(include_unreviewed);
  scope.include_unreviewed = include_unreviewed;
  scope.language = language.empty() ? "vi" : std::string(language);
  return scope;
}

absl::StatusOr<AggregationQueries::RollupAsked> AggregationQueries::ReadRollupRequest(
    const Scope& scope, const v1::RollupRequest& request) const {
  RollupAsked asked;
  if (request.group_by() != v1::ROLLUP_GROUPING_UNSPECIFIED) asked.grouping = request.group_by();
  if (asked.grouping == v1::ROLLUP_GROUPING_DIMENSION) {
    absl::StatusOr<std::string> id =
        ParseSimpleName(request.dimension(), "dimensions", "dimension");
    if (!id.ok()) {
      return InvalidField("dimension", "grouping by dimension needs dimensions/{dimension}");
    }
    if (scope.snapshot->FindDimension(request.dimension()) == nullptr) {
      return NotFound(request.dimension());
    }
    asked.dimension = *id;
  }
  asked.indicators.assign(request.indicators().begin(), request.indicators().end());
  for (size_t i = 0; i < asked.indicators.size(); ++i) {
    const std::string& indicator = asked.indicators[i];
    if (!ParseSimpleName(indicator, "indicators", "indicators").ok()) {
      return InvalidField(absl::StrCat("indicators[", i, "]"),
                          absl::StrCat(QuoteInput(indicator), " is not indicators/{indicator}"));
    }
    if (scope.snapshot->FindIndicator(indicator) == nullptr) return NotFound(indicator);
  }
  if (asked.indicators.empty()) asked.indicators = PlanIndicators(*scope.plan);
  return asked;
}

std::vector<v1::RollupRow> AggregationQueries::CellRows(const Scope& scope,
                                                        const FigureCalculator& figures,
                                                        const RollupAsked& asked,
                                                        const std::string& indicator,
                                                        const v1::Indicator* def) const {
  std::vector<v1::RollupRow> rows;
  for (const std::string& cell : figures.Cells(scope.root, indicator, def)) {
    std::map<std::string, std::string> parsed = ParseCellKey(cell);
    if (asked.grouping == v1::ROLLUP_GROUPING_DIMENSION &&
        (parsed.size() != 1 || parsed.begin()->first != asked.dimension)) {
      continue;
    }
    v1::RollupRow& row = rows.emplace_back();
    for (const auto& [d, o] : parsed) (*row.mutable_cells())[d] = o;
    row.set_label(CellLabel(*scope.snapshot, cell, scope.language,
                            asked.grouping == v1::ROLLUP_GROUPING_CELLS));
    *row.mutable_figure() = figures.Compute(scope.root, indicator, def, cell).figure;
  }
  return rows;
}

std::vector<v1::RollupRow> AggregationQueries::ChildAgencyRows(
    const Scope& scope, const FigureCalculator& figures, const AggregateReader& reader,
    const std::string& indicator, const v1::Indicator* def) const {
  std::vector<v1::RollupRow> rows;
  std::optional<records::Contribution> own =
      reader.Contribution(scope.layer, scope.plan_name(), scope.period.label, scope.root);
  if (own.has_value()) {
    v1::RollupRow& row = rows.emplace_back();
    row.set_agency(scope.root);
    row.set_own_report(true);
    row.set_label(scope.hierarchy().DisplayName(scope.root, scope.language));
    *row.mutable_figure() =
        OwnFigure(own->report(), indicator, def, *scope.snapshot, scope.language).figure;
  }
  std::vector<v1::RollupRow> children;
  for (const v1::Agency* child : scope.hierarchy().Children(scope.root, scope.period)) {
    v1::RollupRow& row = children.emplace_back();
    row.set_agency(child->name());
    row.set_label(scope.hierarchy().DisplayName(child->name(), scope.language));
    *row.mutable_figure() = figures.Compute(child->name(), indicator, def, "").figure;
  }
  SortVietnamese(children, [](const v1::RollupRow& r) { return r.label(); });
  for (v1::RollupRow& row : children) rows.push_back(std::move(row));
  return rows;
}

v1::Coverage AggregationQueries::RollupCoverage(const Scope& scope,
                                                const AggregateReader& reader) const {
  std::shared_ptr<const std::map<std::string, ExpectedReporter>> expected = Expected(scope);
  v1::Coverage coverage;
  coverage.set_expected(static_cast<int32_t>(expected->size()));
  const std::string plan = scope.plan_name();
  const int64_t counted = reader.ReportsCounted(scope.layer, plan, scope.period.label, scope.root);
  if (counted == 0) return coverage;
  if (!reader.placed_with().empty() && reader.placed_with() == scope.hierarchy().fingerprint()) {
    // Every head's roots are this hierarchy's: the expected reporters are
    // counted group by group, each group read again only when who counts in
    // it changed.
    const int64_t contributed =
        CountersOf(scope, expected).contributions->Contributed(reader, scope.layer);
    coverage.set_contributed(static_cast<int32_t>(contributed));
    coverage.set_other_contributors(static_cast<int32_t>(counted - contributed));
    return coverage;
  }
  // Contributions are being re-homed to another hierarchy, or were placed
  // with one the query does not have.
  // Reports counted in the subtree are either from expected reporters or
  // others. When the expected reporters are few beside the reports of the
  // whole plan and period (a province's, not the country's), their own
  // heads are read, one lookup each, rather than every head there is; a
  // lookup costs a few steps of a scan.
  constexpr int64_t kLookupCostInScanSteps = 4;
  int64_t widest = counted;
  for (const std::string& above : scope.hierarchy().Roots(scope.root)) {
    if (above == scope.root) continue;
    widest = std::max(widest, reader.ReportsCounted(scope.layer, plan, scope.period.label, above));
  }
  if (static_cast<int64_t>(expected->size()) * kLookupCostInScanSteps < widest) {
    int64_t contributed = 0;
    for (const auto& [agency, unused] : *expected) {
      std::optional<records::Contribution> head =
          reader.Head(scope.layer, plan, scope.period.label, agency);
      if (head.has_value() && std::find(head->roots().begin(), head->roots().end(),
                                        scope.root) != head->roots().end()) {
        ++contributed;
      }
    }
    coverage.set_contributed(static_cast<int32_t>(contributed));
    coverage.set_other_contributors(static_cast<int32_t>(counted - contributed));
    return coverage;
  }
  for (const auto& [agency, contribution] :
       reader.Contributions(scope.layer, scope.plan_name(), scope.period.label)) {
    bool in_subtree = std::find(contribution.roots().begin(), contribution.roots().end(),
                                scope.root) != contribution.roots().end();
    if (!in_subtree) continue;
    if (expected->count(agency)) {
      coverage.set_contributed(coverage.contributed() + 1);
    } else {
      coverage.set_other_contributors(coverage.other_contributors() + 1);
    }
  }
  return coverage;
}

absl::StatusOr<v1::RollupResponse> AggregationQueries::Rollup(
    const Caller& caller, const v1::RollupRequest& request) const {
  ASSIGN_OR_RETURN(Scope scope, Resolve(caller, request.plan(), request.period(), request.agency(),
                                        request.include_unreviewed(), request.language()));
  ASSIGN_OR_RETURN(RollupAsked asked, ReadRollupRequest(scope, request));
  v1::RollupResponse response;
  response.set_plan(scope.plan_name());
  response.set_period(scope.period.label);
  response.set_agency(scope.root);
  response.set_agency_display_name(scope.hierarchy().DisplayName(scope.root, scope.language));
  response.set_include_unreviewed(scope.include_unreviewed);
  // Callers outside the subtree's reporting chain, and those who ask for the
  // figures as published, see small counts withheld.
  const bool controlled =
      request.published() || !InReportingChain(caller, scope.hierarchy(), scope.root, *policy_);
  response.set_disclosure_controlled(controlled);
  RETURN_IF_ERROR(store_->Read([&](const AggregateReader& reader) -> absl::Status {
    response.set_applied_sequence(reader.applied_sequence());
    SetDataAsOf(reader, response);
    FigureCalculator figures(reader, *scope.snapshot, scope.layer, scope.plan_name(),
                             scope.period.label, scope.language);
    for (const std::string& indicator : asked.indicators) {
      const v1::Indicator* def = scope.snapshot->FindIndicator(indicator);
      v1::IndicatorRollup* out = response.add_indicators();
      FillIndicator(*out, indicator, def, scope.language);
      *out->mutable_total() = figures.Compute(scope.root, indicator, def, "").figure;
      std::vector<v1::RollupRow> rows;
      if (asked.grouping == v1::ROLLUP_GROUPING_DIMENSION ||
          asked.grouping == v1::ROLLUP_GROUPING_CELLS) {
        rows = CellRows(scope, figures, asked, indicator, def);
        if (controlled) {
          std::vector<v1::RollupRow*> shown;
          for (v1::RollupRow& row : rows) shown.push_back(&row);
          ControlDisclosure(figures, *scope.snapshot, scope.root, indicator, def, out->total(),
                            shown);
        }
      } else if (asked.grouping == v1::ROLLUP_GROUPING_CHILD_AGENCY) {
        rows = ChildAgencyRows(scope, figures, reader, indicator, def);
      }
      for (v1::RollupRow& row : rows) *out->add_rows() = std::move(row);
    }
    *response.mutable_coverage() = RollupCoverage(scope, reader);
    return absl::OkStatus();
  }));
  return response;
}

v1::CompletenessResponse AggregationQueries::CompletenessHeader(
    const Scope& scope, const AggregateReader& reader) const {
  v1::CompletenessResponse response;
  response.set_plan(scope.plan_name());
  response.set_period(scope.period.label);
  response.set_agency(scope.root);
  response.set_agency_display_name(scope.hierarchy().DisplayName(scope.root, scope.language));
  response.set_include_unreviewed(scope.include_unreviewed);
  response.set_applied_sequence(reader.applied_sequence());
  SetDataAsOf(reader, response);
  if (auto due = DueDay(scope.plan->plan, scope.period)) {
    *response.mutable_due_date() = ToProtoDate(*due);
  }
  return response;
}

v1::CompletenessResponse AggregationQueries::CompletenessFrom(const Scope& scope,
                                                              const AggregateReader& reader) const {
  const std::string plan = scope.plan_name();
  const Hierarchy& h = scope.hierarchy();
  v1::CompletenessResponse response = CompletenessHeader(scope, reader);
  std::shared_ptr<const std::map<std::string, ExpectedReporter>> expected_ptr = Expected(scope);
  const auto& expected = *expected_ptr;
  auto statuses = reader.Statuses(plan, scope.period.label);
  auto contributions = reader.Contributions(scope.layer, plan, scope.period.label);
  auto fill = [&](const std::string& agency, v1::Reporter& r) {
    r.set_agency(agency);
    r.set_display_name(h.DisplayName(agency, scope.language));
    if (const v1::Agency* a = h.Find(agency)) r.set_kind(a->kind());
    auto st = statuses.find(agency);
    if (st != statuses.end()) {
      r.set_state(StateOf(st->second.state()));
      r.set_revision(st->second.revision());
      *r.mutable_submit_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          st->second.submit_time_micros());
    } else {
      r.set_state(v1::REPORTER_STATE_NOT_SUBMITTED);
    }
    auto c = contributions.find(agency);
    if (c != contributions.end()) {
      r.set_counted(true);
      r.set_on_time(c->second.report().on_time());
      r.set_revision(c->second.report().revision());
      *r.mutable_submit_time() = c->second.report().submit_time();
    }
  };
  std::shared_ptr<const std::vector<std::string>> order = InNameOrder(scope, expected_ptr);
  std::vector<v1::Reporter> reporters;
  reporters.reserve(order->size());
  for (const std::string& agency : *order) {
    v1::Reporter r;
    fill(agency, r);
    r.set_requested(expected.at(agency).requested);
    reporters.push_back(std::move(r));
  }
  CompletenessCounts counts;
  for (const v1::Reporter& r : reporters) {
    const ReporterStanding standing{r.counted(), r.on_time(), r.state()};
    counts.Add(standing);
    if (standing.missing()) *response.add_missing_reporters() = r;
    *response.add_reporters() = r;
  }
  counts.WriteTo(response);
  response.set_view(v1::COMPLETENESS_VIEW_FULL);
  std::vector<v1::Reporter> others;
  for (const auto& [agency, contribution] : contributions) {
    if (expected.count(agency)) continue;
    if (std::find(contribution.roots().begin(), contribution.roots().end(), scope.root) ==
        contribution.roots().end()) {
      continue;
    }
    v1::Reporter r;
    fill(agency, r);
    r.set_requested(false);
    others.push_back(std::move(r));
  }
  SortVietnamese(others, [](const v1::Reporter& r) { return r.display_name(); });
  for (v1::Reporter& r : others) *response.add_other_reporters() = std::move(r);
  return response;
}

v1::CompletenessResponse AggregationQueries::CompletenessCountsFrom(
    const Scope& scope, const AggregateReader& reader) const {
  v1::CompletenessResponse response = CompletenessHeader(scope, reader);
  CountersOf(scope, Expected(scope))
      .tally->Count(reader, store_->journal(), scope.layer)
      .WriteTo(response);
  response.set_view(v1::COMPLETENESS_VIEW_BASIC);
  return response;
}

absl::StatusOr<v1::CompletenessResponse> AggregationQueries::Completeness(
    const Caller& caller, const v1::CompletenessRequest& request) const {
  if (!v1::CompletenessView_IsValid(request.view())) {
    return InvalidField("view", absl::StrCat("unknown view ", request.view()));
  }
  ASSIGN_OR_RETURN(Scope scope, Resolve(caller, request.plan(), request.period(), request.agency(),
                                        request.include_unreviewed(), request.language()));
  v1::CompletenessResponse response;
  RETURN_IF_ERROR(store_->Read([&](const AggregateReader& reader) {
    response = request.view() == v1::COMPLETENESS_VIEW_BASIC ? CompletenessCountsFrom(scope, reader)
                                                             : CompletenessFrom(scope, reader);
    return absl::OkStatus();
  }));
  return response;
}

v1::TaskStatusResponse AggregationQueries::TaskStatusFrom(const Scope& scope,
                                                          const AggregateReader& reader,
                                                          absl::Time as_of,
                                                          bool overdue_only) const {
  const std::string plan = scope.plan_name();
  const Hierarchy& h = scope.hierarchy();
  v1::TaskStatusResponse response;
  response.set_plan(plan);
  response.set_period(scope.period.label);
  response.set_agency(scope.root);
  response.set_include_unreviewed(scope.include_unreviewed);
  response.set_applied_sequence(reader.applied_sequence());
  SetDataAsOf(reader, response);
  *response.mutable_as_of() = ToTimestamp(as_of);
  absl::CivilDay today = absl::ToCivilDay(as_of, VietnamTime());

  auto statuses = reader.Statuses(plan, scope.period.label);
  // The counted reports of the subtree, whole: progress is not in the heads.
  auto contributions = reader.Contributions(scope.layer, plan, scope.period.label);
  for (auto it = contributions.begin(); it != contributions.end();) {
    if (std::find(it->second.roots().begin(), it->second.roots().end(), scope.root) ==
        it->second.roots().end()) {
      it = contributions.erase(it);
      continue;
    }
    if (auto whole = reader.Contribution(scope.layer, plan, scope.period.label, it->first)) {
      it->second = std::move(*whole);
    }
    ++it;
  }
  // Progress entries by task, from counted reports in the subtree.
  std::map<std::string, std::vector<std::pair<std::string, const v1::TaskProgress*>>> progress;
  for (const auto& [agency, contribution] : contributions) {
    for (const v1::TaskProgress& p : contribution.report().progress()) {
      progress[p.task()].push_back({agency, &p});
    }
  }

  for (const v1::Task& task : scope.plan->tasks) {
    v1::TaskStatusEntry entry;
    entry.set_task(task.name());
    entry.set_outline(task.outline());
    entry.set_title(task.title());
    entry.set_depth(
        static_cast<int32_t>(std::count(task.outline().begin(), task.outline().end(), '.')) + 1);
    entry.set_deadline_text(task.deadline().source_text());
    std::set<std::string> listed;
    auto add = [&](const std::string& agency, bool lead, const v1::Assignment* a,
                   bool from_open_group) {
      if (!h.InSubtree(agency, scope.root) || !listed.insert(agency).second) return;
      v1::AssigneeStatus* s = entry.add_assignees();
      s->set_agency(agency);
      s->set_display_name(h.DisplayName(agency, scope.language));
      s->set_lead(lead);
      if (a != nullptr) {
        s->set_requested(a->requested());
        s->set_scope_note(a->scope_note());
      }
      s->set_from_open_group(from_open_group);
      auto st = statuses.find(agency);
      s->set_report_state(st == statuses.end() ? v1::REPORTER_STATE_NOT_SUBMITTED
                                               : StateOf(st->second.state()));
      auto c = contributions.find(agency);
      if (c == contributions.end()) return;
      for (const v1::TaskProgress& p : c->second.report().progress()) {
        if (p.task() != task.name()) continue;
        s->set_status(p.status());
        s->set_summary(p.summary());
        for (const std::string& o : p.outputs()) s->add_outputs(o);
        break;
      }
    };
    std::vector<const v1::Assignment*> open_groups;
    for (bool lead : {true, false}) {
      for (const v1::Assignment& a : lead ? task.lead() : task.coordinating()) {
        if (a.has_group()) {
          if (a.group().open()) {
            open_groups.push_back(&a);
            continue;
          }
          for (const v1::Agency* m : h.GroupMembers(a.group(), scope.period)) {
            add(m->name(), lead, &a, false);
          }
        } else {
          for (const std::string& agency : h.Resolve(a.agency(), scope.period)) {
            add(agency, lead, &a, false);
          }
        }
      }
    }
    // Whoever else reported on the task: members of open groups, or bodies
    // reporting of their own accord.
    auto reported = progress.find(task.name());
    if (reported != progress.end()) {
      for (const auto& [agency, p] : reported->second) {
        const v1::Assignment* group = nullptr;
        for (const v1::Assignment* a : open_groups) {
          if (h.InSubtree(agency, a->group().ancestor())) group = a;
        }
        add(agency, p->lead(), group, true);
      }
    }
    bool every_year =
        task.deadline().kind() == v1::DEADLINE_KIND_EVERY_YEAR ||
        (task.deadline().kind() == v1::DEADLINE_KIND_ON_REQUEST && task.deadline().annual());
    for (const v1::AssigneeStatus& s : entry.assignees()) {
      if (!s.lead()) continue;
      entry.set_leads(entry.leads() + 1);
      if (s.status() != v1::PROGRESS_STATUS_UNSPECIFIED) {
        entry.set_leads_reported(entry.leads_reported() + 1);
      }
      if (s.status() == v1::PROGRESS_STATUS_COMPLETED ||
          s.status() == v1::PROGRESS_STATUS_NOT_APPLICABLE ||
          (every_year && s.status() == v1::PROGRESS_STATUS_ONGOING)) {
        entry.set_leads_completed(entry.leads_completed() + 1);
      }
    }
    if (auto due = TaskDueDate(task, scope.plan->plan, scope.period)) {
      *entry.mutable_due_date() = ToProtoDate(*due);
      entry.set_overdue(entry.leads() > 0 && today > *due && entry.leads_completed() == 0);
    }
    if (entry.overdue()) response.set_overdue(response.overdue() + 1);
    if (overdue_only && !entry.overdue()) continue;
    *response.add_tasks() = std::move(entry);
  }
  return response;
}

absl::StatusOr<v1::TaskStatusResponse> AggregationQueries::TaskStatus(
    const Caller& caller, const v1::TaskStatusRequest& request) const {
  ASSIGN_OR_RETURN(Scope scope, Resolve(caller, request.plan(), request.period(), request.agency(),
                                        request.include_unreviewed(), request.language()));
  absl::Time as_of = request.has_as_of() ? FromTimestamp(request.as_of()) : clock_->Now();
  v1::TaskStatusResponse response;
  RETURN_IF_ERROR(store_->Read([&](const AggregateReader& reader) {
    response = TaskStatusFrom(scope, reader, as_of, request.overdue_only());
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::TrendResponse> AggregationQueries::Trend(const Caller& caller,
                                                            const v1::TrendRequest& request) const {
  // A trend is read from every plan and period it names: bounded, so that
  // one request cannot hold the server's threads for minutes.
  constexpr int kMaxTrendPlans = 50;
  constexpr int kMaxTrendPeriods = 240;  // twenty years of months
  if (request.plans_size() > kMaxTrendPlans || request.periods_size() > kMaxTrendPeriods) {
    return InvalidField(request.plans_size() > kMaxTrendPlans ? "plans" : "periods",
                        absl::StrCat("a trend reads at most ", kMaxTrendPlans, " plans and ",
                                     kMaxTrendPeriods, " periods; this one names ",
                                     request.plans_size(), " and ", request.periods_size()));
  }
  ViolationList violations;
  if (request.plans().empty()) violations.Add("plans", "name at least one plan (plans/{plan})");
  std::set<std::string> plans_seen;
  for (int i = 0; i < request.plans_size(); ++i) {
    if (!plans_seen.insert(request.plans(i)).second) {
      violations.Add(absl::StrCat("plans[", i, "]"),
                     absl::StrCat(QuoteInput(request.plans(i)), " is named twice"));
    }
    if (!ParseSimpleName(request.plans(i), "plans", "plans").ok()) {
      violations.Add(absl::StrCat("plans[", i, "]"),
                     absl::StrCat(QuoteInput(request.plans(i)), " is not plans/{plan}"));
    }
  }
  if (!ParseSimpleName(request.indicator(), "indicators", "indicator").ok()) {
    violations.Add("indicator", request.indicator().empty()
                                    ? "is required (indicators/{indicator})"
                                    : absl::StrCat(QuoteInput(request.indicator()),
                                                   " is not indicators/{indicator}"));
  }
  if (!ParseSimpleName(request.agency(), "agencies", "agency").ok()) {
    violations.Add("agency", "is required (agencies/{agency})");
  }
  std::vector<Period> periods;
  for (int i = 0; i < request.periods_size(); ++i) {
    absl::StatusOr<Period> p = ParsePeriod(request.periods(i), "periods");
    if (!p.ok()) {
      violations.Add(absl::StrCat("periods[", i, "]"),
                     absl::StrCat(QuoteInput(request.periods(i)), " is not a period"));
    } else if (std::any_of(periods.begin(), periods.end(),
                           [&](const Period& seen) { return seen.label == p->label; })) {
      violations.Add(absl::StrCat("periods[", i, "]"),
                     absl::StrCat(QuoteInput(request.periods(i)), " is named twice"));
    } else {
      periods.push_back(*p);
    }
  }
  CheckLanguage(request.language(), violations);
  RETURN_IF_ERROR(violations.ToStatus());
  std::string language = request.language().empty() ? "vi" : request.language();
  ASSIGN_OR_RETURN(auto snapshot, SnapshotKnowing({caller.agency, request.agency()}));
  RETURN_IF_ERROR(AuthorizeRead(caller, *snapshot->hierarchy, request.agency()));
  if (!snapshot->hierarchy->Contains(request.agency())) {
    return UnknownAgencyIn(*snapshot, request.agency());
  }
  const v1::Indicator* def = snapshot->FindIndicator(request.indicator());
  if (def == nullptr) return NotFound(request.indicator());
  for (const std::string& plan : request.plans()) {
    RETURN_IF_ERROR(registry_->Plan(plan).status());
  }
  std::map<std::string, std::string> cell_map(request.cells().begin(), request.cells().end());
  google::protobuf::Map<std::string, std::string> cells(cell_map.begin(), cell_map.end());
  std::string cell = CellKey(cells);
  Layer layer = LayerFor(request.include_unreviewed());

  const bool controlled =
      request.published() ||
      !InReportingChain(caller, *snapshot->hierarchy, request.agency(), *policy_);
  v1::TrendResponse response;
  response.set_disclosure_controlled(controlled);
  response.set_agency(request.agency());
  response.set_indicator(request.indicator());
  response.set_display_name(IndicatorName(def, request.indicator(), language));
  response.set_unit(def->unit());
  response.set_direction(def->direction());
  RETURN_IF_ERROR(store_->Read([&](const AggregateReader& reader) -> absl::Status {
    response.set_applied_sequence(reader.applied_sequence());
    SetDataAsOf(reader, response);
    if (periods.empty()) {
      std::set<std::string> labels;
      for (const std::string& plan : request.plans()) {
        for (const std::string& p : reader.Periods(plan)) labels.insert(p);
      }
      for (const std::string& label : labels) {
        absl::StatusOr<Period> p = ParsePeriod(label, "period");
        if (p.ok()) periods.push_back(*p);
      }
    }
    std::stable_sort(periods.begin(), periods.end(), PeriodBefore);
    std::optional<Computed> previous;
    for (const Period& period : periods) {
      v1::TrendPoint* point = response.add_points();
      point->set_period(period.label);
      // The first plan with the figure supplies it; when none has it, the
      // first that has some data says why.
      std::optional<Computed> found;
      std::optional<Computed> why;
      bool withheld = false;
      for (const std::string& plan : request.plans()) {
        FigureCalculator figures(reader, *snapshot, layer, plan, period.label, language);
        Computed c = figures.Compute(request.agency(), request.indicator(), def, cell);
        if (c.figure.present() && controlled && cell_map.size() == 1) {
          // The cell is shown only if its breakdown table would show it.
          std::vector<v1::RollupRow> rows =
              BreakdownRows(figures, *snapshot, request.agency(), request.indicator(), def,
                            false, cell_map.begin()->first);
          std::vector<v1::RollupRow*> pointers;
          for (v1::RollupRow& row : rows) pointers.push_back(&row);
          ControlDisclosure(figures, *snapshot, request.agency(), request.indicator(), def,
                            figures.Compute(request.agency(), request.indicator(), def, "").figure,
                            pointers);
          for (const v1::RollupRow& row : rows) {
            if (CellKey(row.cells()) == cell && !row.figure().present()) {
              c.figure = row.figure();
              c.micros.reset();
              point->set_plan(plan);
              withheld = true;
            }
          }
          if (withheld) {
            why = c;
            break;
          }
        }
        if (c.figure.present()) {
          found = c;
          point->set_plan(plan);
          break;
        }
        if (!why.has_value() ||
            why->figure.unavailable_reason() == v1::UNAVAILABLE_REASON_NOT_REPORTED) {
          why = c;
        }
      }
      if (!found.has_value()) {
        if (why.has_value()) *point->mutable_figure() = why->figure;
        continue;
      }
      *point->mutable_figure() = found->figure;
      if (!found->micros.has_value()) continue;
      if (previous.has_value()) {
        if (auto m = Move(*previous, *found, def->direction(), IsPercent(def))) {
          point->set_change(m->change);
          point->set_against_direction(m->against);
          if (m->against) response.set_against_direction(response.against_direction() + 1);
        }
      }
      previous = found;
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::CompiledReport> AggregationQueries::Compile(
    const Caller& caller, const v1::CompileReportRequest& request) const {
  ASSIGN_OR_RETURN(Scope scope, Resolve(caller, request.plan(), request.period(), request.agency(),
                                        request.include_unreviewed(), request.language()));
  std::string previous_plan =
      request.previous_plan().empty() ? scope.plan_name() : request.previous_plan();
  if (!ParseSimpleName(previous_plan, "plans", "previous_plan").ok()) {
    return InvalidField("previous_plan",
                        absl::StrCat(QuoteInput(previous_plan), " is not plans/{plan}"));
  }
  absl::Time as_of = request.has_as_of() ? FromTimestamp(request.as_of()) : clock_->Now();
  const Hierarchy& h = scope.hierarchy();
  const v1::Plan& plan = scope.plan->plan;
  Period previous = PreviousPeriod(scope.period);

  v1::CompiledReport report;
  report.set_plan(plan.name());
  report.set_period(scope.period.label);
  report.set_agency(scope.root);
  report.set_agency_display_name(h.DisplayName(scope.root, scope.language));
  std::string compiler = plan.compiler();
  if (compiler.empty()) {
    const v1::Agency* root = h.Find(scope.root);
    compiler = root != nullptr && !root->focal_agency().empty() ? root->focal_agency() : scope.root;
  }
  report.set_compiler(compiler);
  report.set_compiler_display_name(h.DisplayName(compiler, scope.language));
  report.set_plan_symbol(plan.symbol());
  report.set_plan_title(plan.title());
  report.set_previous_period(previous.label);
  *report.mutable_compiled_on() = ToProtoDate(absl::ToCivilDay(as_of, VietnamTime()));
  report.set_language(scope.language);
  report.set_include_unreviewed(scope.include_unreviewed);
  report.set_disclosure_controlled(true);

  const std::string plan_name = plan.name();
  RETURN_IF_ERROR(store_->Read([&](const AggregateReader& reader) -> absl::Status {
    report.set_applied_sequence(reader.applied_sequence());
    SetDataAsOf(reader, report);
    FigureCalculator current_figures(reader, *scope.snapshot, scope.layer, plan_name,
                                     scope.period.label, scope.language);
    FigureCalculator previous_figures(reader, *scope.snapshot, scope.layer, previous_plan,
                                      previous.label, scope.language);
    *report.mutable_completeness() = CompletenessFrom(scope, reader);
    v1::TaskStatusResponse tasks = TaskStatusFrom(scope, reader, as_of, false);
    for (v1::TaskStatusEntry& t : *tasks.mutable_tasks()) *report.add_tasks() = std::move(t);
    std::map<std::string, std::vector<std::string>> tasks_of;
    for (const v1::Task& task : scope.plan->tasks) {
      for (const std::string& indicator : task.indicators()) {
        tasks_of[indicator].push_back(task.outline());
      }
    }
    for (const std::string& indicator : PlanIndicators(*scope.plan)) {
      const v1::Indicator* def = scope.snapshot->FindIndicator(indicator);
      if (AggregationOf(def) == v1::Indicator::AGGREGATION_NONE) continue;
      v1::CompiledStatistic* stat = report.add_statistics();
      stat->set_indicator(indicator);
      stat->set_display_name(IndicatorName(def, indicator, scope.language));
      if (def != nullptr) {
        stat->set_unit(def->unit());
        stat->set_direction(def->direction());
        stat->set_aggregation(def->aggregation());
      }
      for (const std::string& outline : tasks_of[indicator]) stat->add_tasks(outline);
      Computed current = current_figures.Compute(scope.root, indicator, def, "");
      Computed before = previous_figures.Compute(scope.root, indicator, def, "");
      *stat->mutable_current() = current.figure;
      *stat->mutable_previous() = before.figure;
      if (auto m = Move(before, current, def ? def->direction() : v1::DIRECTION_UNSPECIFIED,
                        IsPercent(def))) {
        stat->set_change(m->change);
        stat->set_against_direction(m->against);
      }
      for (v1::RollupRow& row : BreakdownRows(current_figures, *scope.snapshot, scope.root,
                                              indicator, def, /*with_dimension=*/true)) {
        *stat->add_rows() = std::move(row);
      }
      // A compiled report is published: small counts are withheld whoever
      // compiles it.
      std::vector<v1::RollupRow*> rows;
      for (v1::RollupRow& row : *stat->mutable_rows()) rows.push_back(&row);
      ControlDisclosure(current_figures, *scope.snapshot, scope.root, indicator, def,
                        stat->current(), rows);
      AddCrossings(*scope.snapshot, def, scope.language, *stat);
    }
    return absl::OkStatus();
  }));
  // The letterhead and narrative: as the compiling agency last edited
  // them, else drafted from the data.
  std::optional<v1::CompiledReportDraft> edited;
  if (drafts_ != nullptr) {
    ASSIGN_OR_RETURN(edited, drafts_->Latest(DraftName(scope.root, plan.name(), scope.period.label)));
  }
  *report.mutable_draft() = edited.has_value() ? *std::move(edited) : GenerateDraft(report, *scope.plan, h);
  return report;
}

absl::StatusOr<v1::ExplainFigureResponse> AggregationQueries::ExplainFigure(
    const Caller& caller, const v1::ExplainFigureRequest& request) const {
  ASSIGN_OR_RETURN(Scope scope, Resolve(caller, request.plan(), request.period(), request.agency(),
                                        request.include_unreviewed(), request.language()));
  if (!InReportingChain(caller, scope.hierarchy(), scope.root, *policy_)) {
    return PermissionDenied(caller.agency, "see the reports behind the figures of", scope.root);
  }
  if (!ParseSimpleName(request.indicator(), "indicators", "indicator").ok()) {
    return InvalidField("indicator", request.indicator().empty()
                                         ? "is required (indicators/{indicator})"
                                         : absl::StrCat("\"", request.indicator(),
                                                        "\" is not indicators/{indicator}"));
  }
  const v1::Indicator* def = scope.snapshot->FindIndicator(request.indicator());
  if (def == nullptr) return NotFound(request.indicator());
  std::map<std::string, std::string> cell_map(request.cells().begin(), request.cells().end());
  if (cell_map.size() > 1 && !AsksForCrossing(*scope.snapshot, def, cell_map)) {
    std::vector<std::string> dimensions;
    for (const auto& [dimension, unused] : cell_map) dimensions.push_back(dimension);
    return InvalidField("cells",
                        absl::StrCat(request.indicator(), " is not cross-tabulated by ",
                                     absl::StrJoin(dimensions, " × "),
                                     "; a figure breaks down by one dimension, or by two that "
                                     "the indicator crosses"));
  }
  google::protobuf::Map<std::string, std::string> cells(cell_map.begin(), cell_map.end());
  const std::string cell = CellKey(cells);

  v1::ExplainFigureResponse response;
  response.set_plan(scope.plan_name());
  response.set_period(scope.period.label);
  response.set_agency(scope.root);
  response.set_indicator(request.indicator());
  response.set_display_name(IndicatorName(def, request.indicator(), scope.language));
  response.set_unit(def->unit());
  response.set_aggregation(def->aggregation());
  *response.mutable_cells() = cells;
  response.set_cell_label(CellLabel(*scope.snapshot, cell, scope.language, true));
  const std::string plan = scope.plan_name();
  RETURN_IF_ERROR(store_->Read([&](const AggregateReader& reader) -> absl::Status {
    response.set_applied_sequence(reader.applied_sequence());
    SetDataAsOf(reader, response);
    FigureCalculator figures(reader, *scope.snapshot, scope.layer, plan, scope.period.label,
                             scope.language);
    *response.mutable_figure() = figures.Compute(scope.root, request.indicator(), def, cell).figure;
    auto heads = reader.Contributions(scope.layer, plan, scope.period.label);
    std::vector<v1::FigureContribution> contributions;
    for (const auto& [agency, part] : figures.Parts(scope.root, request.indicator(), def, cell)) {
      v1::FigureContribution c;
      c.set_agency(agency);
      c.set_display_name(scope.hierarchy().DisplayName(agency, scope.language));
      auto head = heads.find(agency);
      if (head != heads.end()) {
        c.set_report(head->second.report().name());
        c.set_revision(head->second.report().revision());
        *c.mutable_submit_time() = head->second.report().submit_time();
      }
      if (part.value) c.set_value(FormatMicros(*part.value));
      if (part.numerator) c.set_numerator(FormatMicros(*part.numerator));
      if (part.denominator) c.set_denominator(FormatMicros(*part.denominator));
      contributions.push_back(std::move(c));
    }
    // MAX and LATEST come from one report: the largest value (the first
    // agency by name among equals), or the latest submitted.
    v1::Indicator::Aggregation aggregation = AggregationOf(def);
    if (aggregation == v1::Indicator::AGGREGATION_MAX ||
        aggregation == v1::Indicator::AGGREGATION_LATEST) {
      v1::FigureContribution* best = nullptr;
      for (v1::FigureContribution& c : contributions) {
        if (best == nullptr) {
          best = &c;
          continue;
        }
        bool better =
            aggregation == v1::Indicator::AGGREGATION_MAX
                ? *ParseDecimal(c.value(), "value") > *ParseDecimal(best->value(), "value")
                : google::protobuf::util::TimeUtil::TimestampToMicroseconds(c.submit_time()) >
                      google::protobuf::util::TimeUtil::TimestampToMicroseconds(best->submit_time());
        if (better) best = &c;
      }
      if (best != nullptr) best->set_determines_figure(true);
    }
    SortVietnamese(contributions,
                   [](const v1::FigureContribution& c) { return c.display_name(); });
    for (v1::FigureContribution& c : contributions) *response.add_contributions() = std::move(c);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::ExportFiguresResponse> AggregationQueries::ExportFigures(
    const Caller& caller, const v1::ExportFiguresRequest& request) const {
  ASSIGN_OR_RETURN(Scope scope, Resolve(caller, request.plan(), request.period(), request.agency(),
                                        request.include_unreviewed(), "vi"));
  if (request.exact() && !InReportingChain(caller, scope.hierarchy(), scope.root, *policy_)) {
    return PermissionDenied(caller.agency, "export exact figures of", scope.root);
  }
  const bool controlled = !request.exact();
  ExchangeData data;
  data.agency = std::string(absl::StripPrefix(scope.root, "agencies/"));
  data.plan = std::string(absl::StripPrefix(scope.plan_name(), "plans/"));
  data.period = scope.period.label;
  data.exported = clock_->Now();
  data.snapshot = scope.snapshot.get();
  for (const auto& [name, agency] : scope.hierarchy().agencies()) {
    if (scope.hierarchy().InSubtree(name, scope.root) && Hierarchy::InForce(agency, scope.period)) {
      data.agencies[std::string(absl::StripPrefix(name, "agencies/"))] = agency.display_name();
    }
  }
  v1::ExportFiguresResponse response;
  response.set_disclosure_controlled(controlled);
  const std::string plan = scope.plan_name();
  RETURN_IF_ERROR(store_->Read([&](const AggregateReader& reader) -> absl::Status {
    response.set_applied_sequence(reader.applied_sequence());
    SetDataAsOf(reader, response);
    FigureCalculator figures(reader, *scope.snapshot, scope.layer, plan, scope.period.label, "vi");
    for (const std::string& indicator : PlanIndicators(*scope.plan)) {
      const v1::Indicator* def = scope.snapshot->FindIndicator(indicator);
      if (AggregationOf(def) == v1::Indicator::AGGREGATION_NONE) continue;
      const std::string id(absl::StripPrefix(indicator, "indicators/"));
      v1::Figure total = figures.Compute(scope.root, indicator, def, "").figure;
      std::vector<v1::RollupRow> rows =
          BreakdownRows(figures, *scope.snapshot, scope.root, indicator, def, false);
      if (controlled) {
        std::vector<v1::RollupRow*> pointers;
        for (v1::RollupRow& row : rows) pointers.push_back(&row);
        ControlDisclosure(figures, *scope.snapshot, scope.root, indicator, def, total, pointers);
      }
      data.values.push_back({id, {}, total});
      for (const v1::RollupRow& row : rows) {
        data.values.push_back(
            {id, std::map<std::string, std::string>(row.cells().begin(), row.cells().end()),
             row.figure()});
      }
    }
    return absl::OkStatus();
  }));
  for (const ExchangeValue& v : data.values) {
    if (v.figure.present()) response.set_values(response.values() + 1);
    if (v.figure.unavailable_reason() == v1::UNAVAILABLE_REASON_SUPPRESSED_SMALL_COUNT ||
        v.figure.unavailable_reason() == v1::UNAVAILABLE_REASON_SUPPRESSED_COMPLEMENTARY) {
      response.set_withheld(response.withheld() + 1);
    }
  }
  std::string base = absl::StrCat(data.agency, "-", data.plan, "-", data.period);
  if (request.format() == v1::EXCHANGE_FORMAT_SDMX_CSV) {
    response.set_content(WriteSdmxCsv(data));
    response.set_content_type("application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8");
    response.set_filename(base + ".csv");
    for (auto& [name, content] : SdmxCodeLists(data)) {
      v1::ExchangeFile* file = response.add_code_lists();
      file->set_filename(name);
      file->set_content_type("text/csv; charset=utf-8");
      file->set_content(std::move(content));
    }
  } else {
    ASSIGN_OR_RETURN(std::string adx, WriteAdx(data));
    response.set_content(std::move(adx));
    response.set_content_type("application/adx+xml");
    response.set_filename(base + ".adx.xml");
    v1::ExchangeFile* schema = response.add_code_lists();
    schema->set_filename(absl::StrCat(data.plan, ".adx.xsd"));
    schema->set_content_type("application/xml");
    schema->set_content(AdxDataSetSchema(data));
  }
  return response;
}

absl::StatusOr<AggregationQueries::SubtreeFigures> AggregationQueries::SubtreeValues(
    const Caller& caller, absl::string_view plan, absl::string_view period, absl::string_view root,
    bool include_unreviewed) const {
  ASSIGN_OR_RETURN(Scope scope, Resolve(caller, plan, period, root, include_unreviewed, "vi"));
  SubtreeFigures figures;
  std::vector<v1::Value>& values = figures.values;
  const std::string plan_name = scope.plan_name();
  RETURN_IF_ERROR(store_->Read([&](const AggregateReader& reader) -> absl::Status {
    figures.applied_sequence = reader.applied_sequence();
    for (const std::string& indicator : PlanIndicators(*scope.plan)) {
      const v1::Indicator* def = scope.snapshot->FindIndicator(indicator);
      v1::Indicator::Aggregation aggregation = AggregationOf(def);
      if (aggregation == v1::Indicator::AGGREGATION_RATIO ||
          aggregation == v1::Indicator::AGGREGATION_NONE)
        continue;
      for (const auto& [cell, sum] :
           reader.Sums(scope.layer, plan_name, scope.period.label, scope.root, indicator)) {
        std::optional<Micros> micros = sum.micros;
        if (aggregation == v1::Indicator::AGGREGATION_MAX) {
          micros =
              reader.Max(scope.layer, plan_name, scope.period.label, scope.root, indicator, cell);
        } else if (aggregation == v1::Indicator::AGGREGATION_LATEST) {
          micros = reader.Latest(scope.layer, plan_name, scope.period.label, scope.root, indicator,
                                 cell);
        }
        if (!micros.has_value()) continue;
        v1::Value value;
        value.set_indicator(indicator);
        for (const auto& [d, o] : ParseCellKey(cell)) (*value.mutable_cells())[d] = o;
        bool decimal = def != nullptr && def->value_type() == v1::VALUE_TYPE_DECIMAL;
        if (!decimal && *micros % kMicrosPerUnit == 0 && *micros / kMicrosPerUnit <= INT64_MAX &&
            *micros / kMicrosPerUnit >= INT64_MIN) {
          value.set_int_value(static_cast<int64_t>(*micros / kMicrosPerUnit));
        } else {
          value.set_decimal_value(FormatMicros(*micros));
        }
        values.push_back(std::move(value));
      }
    }
    return absl::OkStatus();
  }));
  return figures;
}

}  // namespace tonghop::aggregation
