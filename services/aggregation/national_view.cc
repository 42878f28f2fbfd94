#include "services/aggregation/national_view.h"

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/figures.h"
#include "services/aggregation/report_render.h"
#include "services/aggregation/report_text.h"
#include "services/common/csv.h"
#include "services/common/decimal.h"
#include "services/common/display_format.h"
#include "services/common/errors.h"
#include "services/common/period.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"

namespace tonghop::aggregation {
namespace {

// indicator → cell key → sender → value.
using Held = std::map<std::string, std::map<std::string, std::map<std::string, Micros>>>;

std::optional<Micros> ValueMicros(const v1::Value& value) {
  if (value.value_case() == v1::Value::kIntValue) return FromInt(value.int_value());
  if (value.value_case() != v1::Value::kDecimalValue) return std::nullopt;
  absl::StatusOr<Micros> micros = ParseDecimalSum(value.decimal_value(), "value");
  if (!micros.ok()) return std::nullopt;
  return *micros;
}

v1::Figure PresentFigure(Micros value, int contributors) {
  v1::Figure figure;
  figure.set_present(true);
  figure.set_value(FormatMicros(value));
  figure.set_contributors(contributors);
  figure.set_approximate(ToDouble(value));
  return figure;
}

v1::Figure AbsentFigure(v1::UnavailableReason reason, std::string note) {
  v1::Figure figure;
  figure.set_unavailable_reason(reason);
  figure.set_note(std::move(note));
  return figure;
}

// The senders' values of one indicator's cell, limited to `only` when set.
std::map<std::string, Micros> ValuesOf(const Held& held, const std::string& indicator,
                                       const std::string& cell, const std::string* only) {
  std::map<std::string, Micros> out;
  auto by_cell = held.find(indicator);
  if (by_cell == held.end()) return out;
  auto by_sender = by_cell->second.find(cell);
  if (by_sender == by_cell->second.end()) return out;
  for (const auto& [sender, value] : by_sender->second) {
    if (only == nullptr || sender == *only) out.emplace(sender, value);
  }
  return out;
}

// The figure of `indicator`'s cell over every sender (`only` null: the
// national figure) or one sender.
v1::Figure Combine(const Held& held, const std::string& indicator, const v1::Indicator* def,
                   const std::string& cell, const std::string* only, absl::string_view language) {
  const v1::Indicator::Aggregation aggregation = AggregationOf(def);
  if (aggregation == v1::Indicator::AGGREGATION_RATIO && def != nullptr) {
    std::map<std::string, Micros> numerators = ValuesOf(held, def->numerator(), cell, only);
    std::map<std::string, Micros> denominators = ValuesOf(held, def->denominator(), cell, only);
    if (numerators.empty() && denominators.empty()) {
      return AbsentFigure(v1::UNAVAILABLE_REASON_NOT_REPORTED, Text("not_sent", language));
    }
    if (numerators.size() != denominators.size()) {
      return AbsentFigure(v1::UNAVAILABLE_REASON_PARTS_REPORTED_APART,
                          Text("parts_apart", language));
    }
    Micros numerator = 0;
    Micros denominator = 0;
    for (const auto& [sender, value] : denominators) {
      auto n = numerators.find(sender);
      if (n == numerators.end()) {
        return AbsentFigure(v1::UNAVAILABLE_REASON_PARTS_REPORTED_APART,
                            Text("parts_apart", language));
      }
      numerator += n->second;
      denominator += value;
    }
    std::optional<Micros> percent = PercentMicros(numerator, denominator);
    if (!percent) {
      return AbsentFigure(v1::UNAVAILABLE_REASON_DENOMINATOR_ZERO,
                          Text("denominator_zero", language));
    }
    v1::Figure figure;
    figure.set_present(true);
    figure.set_value(FormatRounded(*percent, 2));
    figure.set_numerator(FormatMicros(numerator));
    figure.set_denominator(FormatMicros(denominator));
    figure.set_contributors(static_cast<int>(denominators.size()));
    figure.set_approximate(ToDouble(*percent));
    return figure;
  }
  std::map<std::string, Micros> values = ValuesOf(held, indicator, cell, only);
  if (values.empty()) {
    return AbsentFigure(v1::UNAVAILABLE_REASON_NOT_REPORTED, Text("not_sent", language));
  }
  if (aggregation == v1::Indicator::AGGREGATION_MAX) {
    Micros largest = values.begin()->second;
    for (const auto& [sender, value] : values) largest = std::max(largest, value);
    return PresentFigure(largest, static_cast<int>(values.size()));
  }
  if (aggregation == v1::Indicator::AGGREGATION_LATEST ||
      aggregation == v1::Indicator::AGGREGATION_NONE) {
    // One sender's own figure stands; several are not combined.
    if (only == nullptr) {
      return AbsentFigure(v1::UNAVAILABLE_REASON_NOT_AGGREGATED,
                          Text("not_aggregated_nationally", language));
    }
    return PresentFigure(values.begin()->second, 1);
  }
  Micros sum = 0;
  for (const auto& [sender, value] : values) sum += value;
  return PresentFigure(sum, static_cast<int>(values.size()));
}

Held HeldValues(const std::vector<v1::ReceivedFigures>& received) {
  Held held;
  for (const v1::ReceivedFigures& record : received) {
    for (const v1::Value& value : record.values()) {
      std::optional<Micros> micros = ValueMicros(value);
      if (micros) held[value.indicator()][CellKey(value.cells())][record.agency()] = *micros;
    }
  }
  return held;
}

bool IsReceived(const v1::ProvinceStatus& province) {
  return province.receipt() != v1::PROVINCE_RECEIPT_NOT_RECEIVED &&
         province.receipt() != v1::PROVINCE_RECEIPT_UNSPECIFIED;
}

std::string ReceiptLabel(v1::ProvinceReceipt receipt, absl::string_view language) {
  switch (receipt) {
    case v1::PROVINCE_RECEIPT_ON_TIME: return Text("receipt_on_time", language);
    case v1::PROVINCE_RECEIPT_LATE: return Text("receipt_late", language);
    case v1::PROVINCE_RECEIPT_RECEIVED: return Text("receipt_received", language);
    default: return Text("receipt_not_received", language);
  }
}

std::string TimeText(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return FormatDateTime(absl::FromUnixSeconds(ts.seconds()));
}

// `plans/{plan}/periods/{period}` with a valid period label.
absl::StatusOr<PlanPeriod> ParseAndCheck(absl::string_view name, absl::string_view field) {
  ASSIGN_OR_RETURN(PlanPeriod parsed, ParsePlanPeriodName(name, field));
  RETURN_IF_ERROR(ParsePeriod(parsed.period, field).status());
  return parsed;
}

// "en" when asked for, else Vietnamese.
std::string LanguageOf(const std::string& requested) { return requested == "en" ? "en" : "vi"; }

}  // namespace

v1::NationalOverview ComputeNationalOverview(const PlanInfo& plan, const RegistrySnapshot& snapshot,
                                             absl::string_view period_label,
                                             const std::vector<v1::ReceivedFigures>& received,
                                             absl::string_view language) {
  v1::NationalOverview out;
  out.set_name(absl::StrCat(plan.plan.name(), "/periods/", period_label, "/nationalOverview"));
  out.set_plan(plan.plan.name());
  out.set_period(std::string(period_label));
  out.set_plan_symbol(plan.plan.symbol());
  out.set_plan_title(plan.plan.title());
  absl::StatusOr<Period> period = ParsePeriod(period_label, "period");
  std::optional<absl::Time> on_time_before;
  if (period.ok()) {
    if (std::optional<absl::CivilDay> due = CompileDueDay(plan.plan, *period)) {
      *out.mutable_compile_due() = ToProtoDate(*due);
      on_time_before = absl::FromCivil(*due + 1, VietnamTime());
    }
  }
  std::map<std::string, const v1::ReceivedFigures*> by_sender;
  for (const v1::ReceivedFigures& record : received) by_sender[record.agency()] = &record;

  auto add_row = [&](const std::string& agency, bool expected) {
    v1::ProvinceStatus* row = out.add_provinces();
    row->set_agency(agency);
    row->set_display_name(snapshot.hierarchy->DisplayName(agency, language));
    row->set_expected(expected);
    auto it = by_sender.find(agency);
    if (it == by_sender.end()) {
      row->set_receipt(v1::PROVINCE_RECEIPT_NOT_RECEIVED);
      return;
    }
    const v1::ReceivedFigures& record = *it->second;
    *row->mutable_first_arrive_time() = record.first_arrive_time();
    *row->mutable_arrive_time() = record.arrive_time();
    row->set_generation(record.generation());
    row->set_value_count(record.value_count());
    if (record.has_completeness()) *row->mutable_completeness() = record.completeness();
    if (!on_time_before) {
      row->set_receipt(v1::PROVINCE_RECEIPT_RECEIVED);
    } else {
      absl::Time first = absl::FromUnixSeconds(record.first_arrive_time().seconds()) +
                         absl::Nanoseconds(record.first_arrive_time().nanos());
      row->set_receipt(first < *on_time_before ? v1::PROVINCE_RECEIPT_ON_TIME
                                               : v1::PROVINCE_RECEIPT_LATE);
    }
  };
  std::set<std::string> provinces;
  for (const auto& [name, agency] : snapshot.hierarchy->agencies()) {
    if (agency.kind() != v1::AGENCY_KIND_PROVINCE) continue;
    if (period.ok() && !Hierarchy::InForce(agency, *period)) continue;
    provinces.insert(name);
    add_row(name, true);
  }
  for (const auto& [agency, record] : by_sender) {
    if (!provinces.count(agency)) add_row(agency, false);
  }
  out.set_provinces_expected(static_cast<int32_t>(provinces.size()));
  for (const v1::ProvinceStatus& row : out.provinces()) {
    if (!row.expected() || !IsReceived(row)) continue;
    out.set_provinces_received(out.provinces_received() + 1);
    if (row.receipt() == v1::PROVINCE_RECEIPT_ON_TIME) {
      out.set_provinces_on_time(out.provinces_on_time() + 1);
    }
    if (row.receipt() == v1::PROVINCE_RECEIPT_LATE) out.set_provinces_late(out.provinces_late() + 1);
  }

  const Held held = HeldValues(received);
  for (const std::string& indicator : PlanIndicators(plan)) {
    const v1::Indicator* def = snapshot.FindIndicator(indicator);
    v1::NationalIndicator* row = out.add_indicators();
    row->set_indicator(indicator);
    row->set_display_name(IndicatorName(def, indicator, language));
    if (def != nullptr) row->set_unit(def->unit());
    row->set_aggregation(AggregationOf(def));
    *row->mutable_total() = Combine(held, indicator, def, "", nullptr, language);
    for (const v1::ProvinceStatus& province : out.provinces()) {
      v1::ProvinceFigure* figure = row->add_provinces();
      figure->set_agency(province.agency());
      *figure->mutable_figure() =
          IsReceived(province)
              ? Combine(held, indicator, def, "", &province.agency(), language)
              : AbsentFigure(v1::UNAVAILABLE_REASON_NOT_REPORTED,
                             Text("receipt_not_received", language));
    }
    // Every cell any sender gave (for a ratio, its parts'), the total first.
    std::set<std::string> cells;
    std::vector<std::string> sources = {indicator};
    if (row->aggregation() == v1::Indicator::AGGREGATION_RATIO && def != nullptr) {
      sources = {def->numerator(), def->denominator()};
    }
    for (const std::string& source : sources) {
      auto it = held.find(source);
      if (it == held.end()) continue;
      for (const auto& [cell, senders] : it->second) cells.insert(cell);
    }
    cells.insert("");
    for (const std::string& cell : cells) {
      v1::NationalCell* national = row->add_cells();
      for (const auto& [dimension, option] : ParseCellKey(cell)) {
        (*national->mutable_cells())[dimension] = option;
      }
      national->set_label(cell.empty() ? Text("national_total", language)
                                       : CellLabel(snapshot, cell, language, true));
      *national->mutable_figure() = Combine(held, indicator, def, cell, nullptr, language);
    }
  }
  return out;
}

NationalTable NationalTableOf(const v1::NationalOverview& overview, absl::string_view language) {
  NationalTable table;
  table.header = {Text("province", language), Text("receipt", language),
                  Text("first_arrived", language), Text("arrived", language)};
  for (const v1::NationalIndicator& indicator : overview.indicators()) {
    table.header.push_back(indicator.unit().empty()
                               ? indicator.display_name()
                               : absl::StrCat(indicator.display_name(), " (", indicator.unit(), ")"));
  }
  auto figure_cell = [](const v1::Figure& figure) -> std::pair<std::string, bool> {
    if (!figure.present()) return {"—", false};
    return {figure.value(), true};
  };
  for (int p = 0; p < overview.provinces_size(); ++p) {
    const v1::ProvinceStatus& province = overview.provinces(p);
    std::vector<std::pair<std::string, bool>> row = {
        {province.display_name(), false},
        {ReceiptLabel(province.receipt(), language), false},
        {TimeText(province.first_arrive_time()), false},
        {TimeText(province.arrive_time()), false}};
    for (const v1::NationalIndicator& indicator : overview.indicators()) {
      row.push_back(p < indicator.provinces_size() ? figure_cell(indicator.provinces(p).figure())
                                                   : std::make_pair(std::string("—"), false));
    }
    table.rows.push_back(std::move(row));
  }
  std::vector<std::pair<std::string, bool>> total = {
      {Text("national_total", language), false}, {"", false}, {"", false}, {"", false}};
  for (const v1::NationalIndicator& indicator : overview.indicators()) {
    total.push_back(figure_cell(indicator.total()));
  }
  table.rows.push_back(std::move(total));
  return table;
}

NationalView::NationalView(const ReceivedFiguresStore* received, RegistryView* registry,
                           const AccessPolicy* policy, std::string temp_dir)
    : received_(received), registry_(registry), policy_(policy), temp_dir_(std::move(temp_dir)) {}

absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> NationalView::Authorize(
    const Caller& caller) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const RegistrySnapshot> snapshot, registry_->Snapshot(false));
  RETURN_IF_ERROR(
      policy_->CheckReadRollup(caller, *snapshot->hierarchy, policy_->operator_agency()));
  return snapshot;
}

absl::StatusOr<v1::NationalOverview> NationalView::Compute(const RegistrySnapshot& snapshot,
                                                           absl::string_view plan,
                                                           absl::string_view period,
                                                           absl::string_view language) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> info, registry_->Plan(plan));
  ASSIGN_OR_RETURN(std::vector<v1::ReceivedFigures> received, received_->All(plan, period));
  return ComputeNationalOverview(*info, snapshot, period, received, language);
}

absl::StatusOr<v1::NationalOverview> NationalView::Overview(
    const Caller& caller, const v1::GetNationalOverviewRequest& request) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const RegistrySnapshot> snapshot, Authorize(caller));
  ASSIGN_OR_RETURN(PlanPeriod name, ParseAndCheck(request.name(), "name"));
  return Compute(*snapshot, name.plan, name.period, LanguageOf(request.language()));
}

absl::StatusOr<v1::NationalTrend> NationalView::Trend(
    const Caller& caller, const v1::GetNationalTrendRequest& request) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const RegistrySnapshot> snapshot, Authorize(caller));
  RETURN_IF_ERROR(ParseSimpleName(request.plan(), "plans", "plan").status());
  for (int i = 0; i < request.periods_size(); ++i) {
    RETURN_IF_ERROR(ParsePeriod(request.periods(i), absl::StrCat("periods[", i, "]")).status());
  }
  const std::string language = LanguageOf(request.language());
  ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> info, registry_->Plan(request.plan()));
  // The periods asked for, or every period of the schedule anything was
  // received for.
  std::vector<std::pair<std::string, std::vector<v1::ReceivedFigures>>> periods;
  if (request.periods_size() > 0) {
    for (const std::string& period : request.periods()) {
      ASSIGN_OR_RETURN(std::vector<v1::ReceivedFigures> received,
                       received_->All(request.plan(), period));
      periods.emplace_back(period, std::move(received));
    }
  } else {
    for (const Period& period : RoundPeriods(info->plan)) {
      ASSIGN_OR_RETURN(std::vector<v1::ReceivedFigures> received,
                       received_->All(request.plan(), period.label));
      if (!received.empty()) periods.emplace_back(period.label, std::move(received));
    }
  }
  v1::NationalTrend out;
  out.set_plan(request.plan());
  std::vector<Held> held;
  for (const auto& [period, received] : periods) {
    out.add_periods(period);
    held.push_back(HeldValues(received));
  }
  for (const std::string& indicator : PlanIndicators(*info)) {
    const v1::Indicator* def = snapshot->FindIndicator(indicator);
    v1::NationalIndicatorTrend* trend = out.add_indicators();
    trend->set_indicator(indicator);
    trend->set_display_name(IndicatorName(def, indicator, language));
    if (def != nullptr) {
      trend->set_unit(def->unit());
      trend->set_direction(def->direction());
    }
    std::optional<Micros> previous;
    for (size_t i = 0; i < periods.size(); ++i) {
      v1::NationalTrendPoint* point = trend->add_points();
      point->set_period(periods[i].first);
      *point->mutable_figure() = Combine(held[i], indicator, def, "", nullptr, language);
      point->set_provinces(point->figure().contributors());
      std::optional<Micros> current;
      if (point->figure().present()) {
        absl::StatusOr<Micros> value = ParseDecimalSum(point->figure().value(), "value");
        if (value.ok()) current = *value;
      }
      if (current && previous) {
        Micros delta = *current - *previous;
        point->set_change(FormatChange(delta));
        point->set_against_direction((trend->direction() == v1::DIRECTION_UP && delta < 0) ||
                                     (trend->direction() == v1::DIRECTION_DOWN && delta > 0));
      }
      previous = current;
    }
  }
  return out;
}

absl::StatusOr<v1::ExportNationalTableResponse> NationalView::Export(
    const Caller& caller, const v1::ExportNationalTableRequest& request) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const RegistrySnapshot> snapshot, Authorize(caller));
  ASSIGN_OR_RETURN(PlanPeriod name, ParseAndCheck(request.name(), "name"));
  const std::string language = LanguageOf(request.language());
  ASSIGN_OR_RETURN(v1::NationalOverview overview,
                   Compute(*snapshot, name.plan, name.period, language));
  NationalTable table = NationalTableOf(overview, language);
  const std::string title =
      absl::StrFormat(Text("national_table", language).c_str(), overview.plan_symbol(),
                      overview.period());
  const std::string base = absl::StrCat("so-lieu-cac-tinh-", IdOf(name.plan), "-", name.period);
  v1::ExportNationalTableResponse response;
  if (request.format() == v1::TABLE_FORMAT_XLSX) {
    Table sheet;
    sheet.sheet_name = Text("sheet_national", language);
    sheet.title = title;
    sheet.header = table.header;
    for (const auto& row : table.rows) {
      std::vector<TableCell> cells;
      for (const auto& [text, number] : row) cells.push_back(TableCell{text, number});
      sheet.rows.push_back(std::move(cells));
    }
    ASSIGN_OR_RETURN(std::string bytes, RenderTableXlsx(sheet, temp_dir_));
    response.set_content(std::move(bytes));
    response.set_content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    response.set_filename(base + ".xlsx");
    return response;
  }
  // CSV: UTF-8 with a byte-order mark, so spreadsheets read the Vietnamese.
  std::string csv = "\xEF\xBB\xBF";
  absl::StrAppend(&csv, CsvRow(table.header));
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    // Names come from the registry, typed by people: never run as formulas.
    for (const auto& [text, number] : row) cells.push_back(number ? text : SpreadsheetText(text));
    absl::StrAppend(&csv, CsvRow(cells));
  }
  response.set_content(std::move(csv));
  response.set_content_type("text/csv; charset=utf-8");
  response.set_filename(base + ".csv");
  return response;
}

}  // namespace tonghop::aggregation
