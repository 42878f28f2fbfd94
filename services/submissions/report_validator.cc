#include "services/submissions/report_validator.h"

#include <map>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/decimal.h"
#include "services/common/display_format.h"
#include "services/common/resource_names.h"
#include "services/common/text.h"

namespace tonghop::submissions {
namespace {

constexpr size_t kMaxSummaryBytes = 64 * 1024;
constexpr int kMaxOutputs = 200;
constexpr size_t kMaxOutputBytes = 4 * 1024;

// `micros` as officials read it: "1.500", "-12,5".
std::string ForOfficials(Micros micros) { return FormatNumber(FormatMicros(micros), "vi"); }

// An indicator's name for officials: its display name, else its name.
std::string IndicatorForOfficials(const ReportContext& context, const std::string& name) {
  auto found = context.indicators.find(name);
  return found == context.indicators.end() || found->second.display_name().empty()
             ? name
             : found->second.display_name();
}

// A dimension's name for officials ("Giới tính"), from its code ("sex").
std::string DimensionForOfficials(const ReportContext& context, const std::string& code) {
  auto found = context.dimensions.find(absl::StrCat("dimensions/", code));
  return found == context.dimensions.end() || found->second.display_name().empty()
             ? code
             : found->second.display_name();
}

// "Nữ", or "tổng số" for the empty cell.
std::string CellForOfficials(const ReportContext& context,
                             const std::map<std::string, std::string>& cells) {
  if (cells.empty()) return "tổng số";
  std::vector<std::string> parts;
  for (const auto& [dimension, option] : cells) {
    std::string label = option;
    auto found = context.dimensions.find(absl::StrCat("dimensions/", dimension));
    if (found != context.dimensions.end()) {
      for (const v1::DimensionOption& o : found->second.options()) {
        if (o.code() == option && !o.display_name().empty()) label = o.display_name();
      }
    }
    parts.push_back(label);
  }
  return absl::StrJoin(parts, ", ");
}

// "sex=female", or "total" for the empty cell.
std::string CellLabel(const std::map<std::string, std::string>& cells) {
  if (cells.empty()) return "the total";
  std::vector<std::string> parts;
  for (const auto& [dimension, option] : cells) parts.push_back(absl::StrCat(dimension, "=", option));
  return absl::StrCat("cell ", absl::StrJoin(parts, ","));
}

// Which breakdown a cell belongs to: "" for the total, "sex" for a
// one-dimension cell, "age-group×sex" (codes in order) for a crossed one.
std::string BreakdownKey(const std::map<std::string, std::string>& cells) {
  std::vector<std::string> dimensions;
  for (const auto& [dimension, option] : cells) dimensions.push_back(dimension);
  return absl::StrJoin(dimensions, "×");
}

// The crossing of `indicator` that a cell of two dimensions belongs to, if
// the indicator asks for it.
const v1::DimensionCrossing* FindCrossing(const v1::Indicator& indicator,
                                          const std::map<std::string, std::string>& cells) {
  if (cells.size() != 2) return nullptr;
  for (const v1::DimensionCrossing& c : indicator.crossings()) {
    std::string rows = DimensionCode(c.rows());
    std::string columns = DimensionCode(c.columns());
    if (rows != columns && cells.count(rows) && cells.count(columns)) return &c;
  }
  return nullptr;
}

// A value that passed the per-value checks, kept for the cross checks.
struct CheckedValue {
  int index;
  std::string indicator;
  std::map<std::string, std::string> cells;
  std::optional<Micros> micros;  // nullopt: left empty
  bool count;
};

// Replaces `text` by its NFC form, or records why it cannot be.
void Normalize(std::string* text, const std::string& path, size_t max_bytes,
               ViolationList& violations) {
  absl::StatusOr<std::string> nfc = ToNfc(*text, path);
  if (!nfc.ok()) {
    violations.Add(path, "is not valid UTF-8", "Văn bản có ký tự không hợp lệ (không phải UTF-8).");
    return;
  }
  *text = std::string(absl::StripAsciiWhitespace(*nfc));
  if (text->size() > max_bytes) {
    violations.Add(path, absl::StrCat("is too long: at most ", max_bytes, " bytes"),
                   absl::StrCat("Quá dài: tối đa ", GroupThousands(max_bytes), " byte."));
  }
}

void ValidateProgress(const ReportContext& context, ValidationMode mode,
                      const std::string& field, v1::Report& report,
                      ViolationList& violations) {
  std::map<std::string, int> first_index;
  std::string plan_id = context.plan.name().substr(context.plan.name().find('/') + 1);
  std::map<std::string, const v1::Task*> by_name;
  for (const v1::Task& task : context.tasks) by_name[task.name()] = &task;

  for (int i = 0; i < report.progress_size(); ++i) {
    v1::TaskProgress& progress = *report.mutable_progress(i);
    std::string at = absl::StrCat(field, ".progress[", i, "]");
    progress.set_lead(false);
    progress.clear_title();
    Normalize(progress.mutable_summary(), at + ".summary", kMaxSummaryBytes, violations);
    if (progress.outputs_size() > kMaxOutputs) {
      violations.Add(at + ".outputs", absl::StrCat("at most ", kMaxOutputs, " outputs"));
    }
    for (int j = 0; j < progress.outputs_size(); ++j) {
      Normalize(progress.mutable_outputs(j), absl::StrCat(at, ".outputs[", j, "]"),
                kMaxOutputBytes, violations);
    }
    if (!v1::ProgressStatus_IsValid(progress.status())) {
      violations.Add(at + ".status", absl::StrCat(progress.status(), " is not a progress status"));
    }
    if (progress.task().empty()) {
      violations.Add(at + ".task", "required: the task, plans/{plan}/tasks/{outline}");
      continue;
    }
    absl::StatusOr<TaskNameParts> parts = ParseTaskName(progress.task(), at + ".task");
    if (!parts.ok()) {
      violations.Add(at + ".task", absl::StrCat("not a task name (plans/{plan}/tasks/{outline}): ",
                                                QuoteInput(progress.task())));
      continue;
    }
    if (parts->plan_id != plan_id) {
      violations.Add(at + ".task", absl::StrCat(progress.task(), " is a task of another plan; "
                                                "this report is on ", context.plan.name()));
      continue;
    }
    auto task = by_name.find(progress.task());
    if (task == by_name.end()) {
      violations.Add(at + ".task", absl::StrCat(progress.task(), " does not exist in ",
                                                context.plan.name()));
      continue;
    }
    auto role = context.roles.find(progress.task());
    if (role == context.roles.end()) {
      violations.Add(at + ".task",
                     absl::StrCat(progress.task(), " is not assigned to ",
                                  context.agency.name(),
                                  " (neither by name nor through a group it belongs to)"));
      continue;
    }
    auto [previous, inserted] = first_index.emplace(progress.task(), i);
    if (!inserted) {
      violations.Add(at + ".task", absl::StrCat(progress.task(), " is already reported at ",
                                                field, ".progress[", previous->second, "]"));
      continue;
    }
    progress.set_lead(role->second.lead);
    progress.set_title(task->second->title());
    if (mode == ValidationMode::kSubmit && role->second.lead_expected &&
        progress.status() == v1::PROGRESS_STATUS_UNSPECIFIED) {
      violations.Add(at + ".status",
                     absl::StrCat("required to submit: ", context.agency.name(),
                                  " leads ", progress.task(),
                                  "; say how far it has got (NOT_STARTED, IN_PROGRESS, "
                                  "COMPLETED, ONGOING or NOT_APPLICABLE)"),
                     "Chưa chọn mức độ thực hiện: đơn vị chủ trì nhiệm vụ này, phải chọn "
                     "trước khi nộp.");
    }
  }
  if (mode != ValidationMode::kSubmit) return;
  for (const v1::Task& task : context.tasks) {
    auto role = context.roles.find(task.name());
    if (role == context.roles.end() || !role->second.lead_expected) continue;
    if (first_index.count(task.name())) continue;
    violations.Add(field + ".progress",
                   absl::StrCat("required to submit: progress on ", task.name(), ", which ",
                                context.agency.name(), " leads, is missing"),
                   absl::StrCat("Thiếu báo cáo nhiệm vụ ", task.outline(), " (đơn vị chủ trì)."));
  }
}

// Checks one value on its own; returns it for the cross checks when its
// indicator and cell are sound.
std::optional<CheckedValue> CheckValue(const ReportContext& context, int index,
                                       const std::string& at, const v1::Value& value,
                                       std::set<std::pair<std::string, std::string>>& tainted,
                                       ViolationList& violations) {
  if (value.indicator().empty()) {
    violations.Add(at + ".indicator", "required: the indicator, indicators/{id}");
    return std::nullopt;
  }
  absl::StatusOr<std::string> id = ParseSimpleName(value.indicator(), "indicators", at);
  if (!id.ok()) {
    violations.Add(at + ".indicator", absl::StrCat("not an indicator name (indicators/{id}): ",
                                                   QuoteInput(value.indicator())));
    return std::nullopt;
  }
  auto found = context.indicators.find(value.indicator());
  if (found == context.indicators.end()) {
    violations.Add(at + ".indicator",
                   absl::StrCat("not asked for by any task of ", context.plan.name(),
                                " assigned to ", context.agency.name(),
                                " (or does not exist): ", value.indicator()));
    return std::nullopt;
  }
  const v1::Indicator& indicator = found->second;
  if (IsComputed(indicator)) {
    std::string from = indicator.numerator().empty()
                           ? std::string()
                           : absl::StrCat(" from ", indicator.numerator(), " and ",
                                          indicator.denominator());
    violations.Add(at + ".indicator", absl::StrCat("computed", from,
                                                   ": report those values instead of ",
                                                   value.indicator()));
    return std::nullopt;
  }

  bool cells_ok = true;
  std::map<std::string, std::string> cells(value.cells().begin(), value.cells().end());
  if (cells.size() > 1 && !FindCrossing(indicator, cells)) {
    std::vector<std::string> dimensions;
    std::vector<std::string> labels;
    for (const auto& [dimension, option] : cells) {
      dimensions.push_back(dimension);
      labels.push_back(DimensionForOfficials(context, dimension));
    }
    std::vector<std::string> crossings;
    for (const v1::DimensionCrossing& c : indicator.crossings()) {
      crossings.push_back(
          absl::StrCat(DimensionCode(c.rows()), " × ", DimensionCode(c.columns())));
    }
    violations.Add(
        at + ".cells",
        absl::StrCat(value.indicator(), " is not cross-tabulated by ",
                     absl::StrJoin(dimensions, " × "),
                     crossings.empty()
                         ? std::string(" (it asks for no crossing)")
                         : absl::StrCat(" (only ", absl::StrJoin(crossings, ", "), ")"),
                     ": give one value per dimension option instead"),
        absl::StrCat(IndicatorForOfficials(context, value.indicator()),
                     " không có bảng phân tổ chéo theo ", absl::StrJoin(labels, " × "),
                     ": hãy nhập số theo từng chiều phân tổ."));
    cells_ok = false;
  }
  for (const auto& [dimension, option] : cells) {
    std::string dimension_name = absl::StrCat("dimensions/", dimension);
    bool disaggregated = false;
    for (const std::string& d : indicator.dimensions()) disaggregated |= d == dimension_name;
    auto found_dimension = context.dimensions.find(dimension_name);
    if (!disaggregated || found_dimension == context.dimensions.end()) {
      std::vector<std::string> codes;
      for (const std::string& d : indicator.dimensions()) codes.push_back(DimensionCode(d));
      violations.Add(at + ".cells",
                     absl::StrCat("no breakdown by ", QuoteInput(dimension), " for ",
                                  value.indicator(),
                                  codes.empty() ? std::string(" (it has no breakdown)")
                                                : absl::StrCat(" (only by ",
                                                               absl::StrJoin(codes, ", "), ")")));
      cells_ok = false;
      continue;
    }
    bool known_option = false;
    std::vector<std::string> options;
    for (const v1::DimensionOption& o : found_dimension->second.options()) {
      known_option |= o.code() == option;
      if (options.size() < 12) options.push_back(o.code());
    }
    if (!known_option) {
      violations.Add(at + ".cells",
                     absl::StrCat("not an option of ", dimension_name, ": ", QuoteInput(option),
                                  " (options: ", absl::StrJoin(options, ", "),
                                  found_dimension->second.options_size() > 12 ? ", …" : "",
                                  ")"));
      cells_ok = false;
    }
  }

  CheckedValue checked{index, value.indicator(), std::move(cells), std::nullopt,
                       indicator.value_type() == v1::VALUE_TYPE_COUNT};
  bool value_ok = true;
  switch (value.value_case()) {
    case v1::Value::VALUE_NOT_SET:
      break;
    case v1::Value::kIntValue:
      if (!checked.count) {
        violations.Add(at + ".value",
                       absl::StrCat("a decimal: give decimal_value as a string such as "
                                    "\"1250.5\" for ", value.indicator()),
                       absl::StrCat(IndicatorForOfficials(context, value.indicator()),
                                    " là số thập phân."));
        value_ok = false;
      } else if (value.int_value() < 0) {
        violations.Add(at + ".value",
                       absl::StrCat("negative (", value.int_value(), "): ", value.indicator(),
                                    " counts things and cannot be below 0"),
                       absl::StrCat("Số âm (", value.int_value(), "): ",
                                    IndicatorForOfficials(context, value.indicator()),
                                    " là số đếm, không được nhỏ hơn 0."));
        value_ok = false;
      } else {
        checked.micros = FromInt(value.int_value());
      }
      break;
    case v1::Value::kDecimalValue:
      if (checked.count) {
        violations.Add(at + ".value",
                       absl::StrCat("counts whole things: give int_value, not decimal_value, "
                                    "for ", value.indicator()),
                       absl::StrCat(IndicatorForOfficials(context, value.indicator()),
                                    " là số đếm: chỉ nhập số nguyên."));
        value_ok = false;
      } else if (absl::StatusOr<Micros> micros = ParseDecimal(value.decimal_value());
                 micros.ok()) {
        checked.micros = *micros;
      } else {
        violations.Add(at + ".value",
                       absl::StrCat("not a decimal number (", micros.status().message(),
                                    "; e.g. \"1250.5\", at most 6 digits after the "
                                    "point): ",
                                    QuoteInput(value.decimal_value())),
                       "Không phải là số hợp lệ (tối đa 6 chữ số sau dấu phẩy), ví dụ 1.250,5.");
        value_ok = false;
      }
      break;
  }
  // A bad number would make the sum it is part of look wrong too; that sum
  // is not checked, so that only the cause is shown.
  if (!value_ok) tainted.insert({value.indicator(), BreakdownKey(checked.cells)});
  if (!cells_ok || !value_ok) return std::nullopt;
  return checked;
}

void CheckBreakdowns(const ReportContext& context, const std::string& field,
                     const std::vector<CheckedValue>& values,
                     const std::set<std::pair<std::string, std::string>>& tainted,
                     ViolationList& violations) {
  // indicator → total; indicator → dimension → cells given.
  std::map<std::string, const CheckedValue*> totals;
  std::map<std::string, std::map<std::string, std::vector<const CheckedValue*>>> cells;
  for (const CheckedValue& v : values) {
    if (!v.micros) continue;
    if (v.cells.empty()) {
      totals[v.indicator] = &v;
    } else if (v.cells.size() == 1) {
      cells[v.indicator][v.cells.begin()->first].push_back(&v);
    }
  }
  for (const auto& [indicator, by_dimension] : cells) {
    if (tainted.count({indicator, ""})) continue;
    auto total = totals.find(indicator);
    for (const auto& [dimension, given] : by_dimension) {
      if (tainted.count({indicator, dimension})) continue;
      if (total == totals.end()) {
        violations.Add(absl::StrCat(field, ".values[", given.front()->index, "].value"),
                       absl::StrCat("the ", dimension, " breakdown of ", indicator,
                                    " is given but its total is not: give the total too"),
                       absl::StrCat("Đã nhập số phân tổ theo ",
                                    DimensionForOfficials(context, dimension),
                                    " nhưng chưa nhập tổng số của ",
                                    IndicatorForOfficials(context, indicator), "."));
        continue;
      }
      Micros sum = 0;
      for (const CheckedValue* v : given) sum += *v->micros;
      if (sum != *total->second->micros) {
        violations.Add(
            absl::StrCat(field, ".values[", total->second->index, "].value"),
            absl::StrCat("the ", dimension, " cells of ", indicator, " add up to ",
                         FormatMicros(sum), ", not the total ",
                         FormatMicros(*total->second->micros),
                         "; cells left empty count as 0"),
            absl::StrCat("Các ô phân tổ theo ", DimensionForOfficials(context, dimension),
                         " cộng lại được ", ForOfficials(sum), ", khác tổng số ",
                         ForOfficials(*total->second->micros),
                         " (ô để trống được tính là 0)."));
      }
    }
  }
}

// The margins of each two-way grid given; see the header. A blank crossed
// cell is unknown, so a sum is compared only when every cell in it is given
// (except that, for counts, given cells already above the margin are wrong
// whatever the blanks hold).
void CheckCrossings(const ReportContext& context, const std::string& field,
                    const std::vector<CheckedValue>& values,
                    const std::set<std::pair<std::string, std::string>>& tainted,
                    ViolationList& violations) {
  std::map<std::pair<std::string, std::map<std::string, std::string>>, const CheckedValue*>
      given;
  for (const CheckedValue& v : values) {
    if (v.micros) given[{v.indicator, v.cells}] = &v;
  }
  auto find = [&](const std::string& indicator, std::map<std::string, std::string> cells)
      -> const CheckedValue* {
    auto it = given.find({indicator, std::move(cells)});
    return it == given.end() ? nullptr : it->second;
  };
  for (const auto& [name, indicator] : context.indicators) {
    bool count = indicator.value_type() == v1::VALUE_TYPE_COUNT;
    for (const v1::DimensionCrossing& crossing : indicator.crossings()) {
      auto rows = context.dimensions.find(crossing.rows());
      auto columns = context.dimensions.find(crossing.columns());
      if (rows == context.dimensions.end() || columns == context.dimensions.end()) continue;
      std::string row_code = DimensionCode(crossing.rows());
      std::string column_code = DimensionCode(crossing.columns());
      if (tainted.count({name, BreakdownKey({{row_code, ""}, {column_code, ""}})})) continue;
      std::string grid = absl::StrCat(row_code, " × ", column_code);
      std::string grid_vi = absl::StrCat(DimensionForOfficials(context, row_code), " × ",
                                         DimensionForOfficials(context, column_code));

      const CheckedValue* first = nullptr;
      bool complete = true;
      Micros sum = 0;
      for (const v1::DimensionOption& r : rows->second.options()) {
        for (const v1::DimensionOption& c : columns->second.options()) {
          const CheckedValue* cell = find(name, {{row_code, r.code()}, {column_code, c.code()}});
          if (!cell) {
            complete = false;
            continue;
          }
          sum += *cell->micros;
          if (!first || cell->index < first->index) first = cell;
        }
      }
      if (!first) continue;

      // One line of the grid (a row, or a column) against its margin, the
      // one-dimension value of `fixed`=`option`.
      auto check_line = [&](const std::string& fixed, const v1::DimensionOption& option,
                            const std::string& across, const v1::Dimension& across_dimension) {
        if (tainted.count({name, fixed})) return;
        const CheckedValue* margin = find(name, {{fixed, option.code()}});
        if (!margin) return;
        Micros line = 0;
        bool line_complete = true;
        bool any = false;
        for (const v1::DimensionOption& o : across_dimension.options()) {
          const CheckedValue* cell = find(name, {{fixed, option.code()}, {across, o.code()}});
          if (!cell) {
            line_complete = false;
            continue;
          }
          any = true;
          line += *cell->micros;
        }
        Micros wanted = *margin->micros;
        if (!any || line == wanted || (!line_complete && !(count && line > wanted))) return;
        std::string label = CellForOfficials(context, {{fixed, option.code()}});
        std::string at = absl::StrCat(field, ".values[", margin->index, "].value");
        if (line_complete) {
          violations.Add(
              at,
              absl::StrCat("the ", grid, " grid of ", name, ": its ", across, " cells for ",
                           fixed, "=", option.code(), " add up to ", FormatMicros(line),
                           ", not the ", fixed, "=", option.code(), " value ",
                           FormatMicros(wanted)),
              absl::StrCat("Bảng chéo ", grid_vi, ": các ô ", label, " cộng lại được ",
                           ForOfficials(line), ", khác số ", label, " đã nhập (",
                           ForOfficials(wanted), ")."));
        } else {
          violations.Add(
              at,
              absl::StrCat("the ", grid, " grid of ", name, ": the ", across,
                           " cells given for ", fixed, "=", option.code(),
                           " already add up to ", FormatMicros(line), ", more than the ", fixed,
                           "=", option.code(), " value ", FormatMicros(wanted)),
              absl::StrCat("Bảng chéo ", grid_vi, ": các ô ", label, " đã nhập cộng lại được ",
                           ForOfficials(line), ", lớn hơn số ", label, " đã nhập (",
                           ForOfficials(wanted), ")."));
        }
      };
      for (const v1::DimensionOption& r : rows->second.options()) {
        check_line(row_code, r, column_code, columns->second);
      }
      for (const v1::DimensionOption& c : columns->second.options()) {
        check_line(column_code, c, row_code, rows->second);
      }

      if (tainted.count({name, ""})) continue;
      const CheckedValue* total = find(name, {});
      if (!total) {
        violations.Add(absl::StrCat(field, ".values[", first->index, "].value"),
                       absl::StrCat("the ", grid, " grid of ", name,
                                    " is given but its total is not: give the total too"),
                       absl::StrCat("Đã nhập bảng chéo ", grid_vi, " nhưng chưa nhập tổng số của ",
                                    IndicatorForOfficials(context, name), "."));
        continue;
      }
      Micros wanted = *total->micros;
      if (sum == wanted || (!complete && !(count && sum > wanted))) continue;
      std::string at = absl::StrCat(field, ".values[", total->index, "].value");
      if (complete) {
        violations.Add(at,
                       absl::StrCat("the ", grid, " grid of ", name, " adds up to ",
                                    FormatMicros(sum), ", not the total ", FormatMicros(wanted)),
                       absl::StrCat("Bảng chéo ", grid_vi, " cộng lại được ", ForOfficials(sum),
                                    ", khác tổng số ", ForOfficials(wanted), "."));
      } else {
        violations.Add(at,
                       absl::StrCat("the cells given in the ", grid, " grid of ", name,
                                    " already add up to ", FormatMicros(sum),
                                    ", more than the total ", FormatMicros(wanted)),
                       absl::StrCat("Các ô đã nhập của bảng chéo ", grid_vi,
                                    " cộng lại được ", ForOfficials(sum), ", lớn hơn tổng số ",
                                    ForOfficials(wanted), "."));
      }
    }
  }
}

void CheckRules(const ReportContext& context, const std::string& field,
                const std::vector<CheckedValue>& values, ViolationList& violations) {
  std::map<std::pair<std::string, std::map<std::string, std::string>>, const CheckedValue*>
      by_cell;
  for (const CheckedValue& v : values) {
    if (v.micros) by_cell[{v.indicator, v.cells}] = &v;
  }
  for (const CheckedValue& v : values) {
    if (!v.micros) continue;
    const v1::Indicator& indicator = context.indicators.at(v.indicator);
    for (const v1::IndicatorRule& rule : indicator.rules()) {
      auto other = by_cell.find({rule.other(), v.cells});
      if (other == by_cell.end()) continue;
      Micros mine = *v.micros;
      Micros theirs = *other->second->micros;
      bool breached = (rule.kind() == v1::IndicatorRule::KIND_AT_MOST && mine > theirs) ||
                      (rule.kind() == v1::IndicatorRule::KIND_AT_LEAST && mine < theirs);
      if (!breached) continue;
      std::string comparison =
          rule.kind() == v1::IndicatorRule::KIND_AT_MOST ? "at most" : "at least";
      violations.Add(
          absl::StrCat(field, ".values[", v.index, "].value"),
          absl::StrCat(v.indicator, " (", FormatMicros(mine), ") must be ", comparison, " ",
                       rule.other(), " (", FormatMicros(theirs), ", ", field, ".values[",
                       other->second->index, "]) for ", CellLabel(v.cells),
                       rule.description().empty() ? std::string()
                                                  : absl::StrCat(": ", rule.description())),
          absl::StrCat(IndicatorForOfficials(context, v.indicator), " (", ForOfficials(mine),
                       ") phải ",
                       rule.kind() == v1::IndicatorRule::KIND_AT_MOST ? "không lớn hơn "
                                                                      : "không nhỏ hơn ",
                       IndicatorForOfficials(context, rule.other()), " (",
                       ForOfficials(theirs), ") ở ô ", CellForOfficials(context, v.cells), "."));
    }
  }
}

}  // namespace

void ValidateReportContent(const ReportContext& context, ValidationMode mode,
                           absl::string_view field_view, v1::Report& report,
                           ViolationList& violations) {
  std::string field(field_view);
  ValidateProgress(context, mode, field, report, violations);

  std::vector<CheckedValue> checked;
  // (indicator, breakdown) pairs with a bad number; see BreakdownKey.
  std::set<std::pair<std::string, std::string>> tainted;
  std::map<std::pair<std::string, std::map<std::string, std::string>>, int> first_index;
  for (int i = 0; i < report.values_size(); ++i) {
    std::string at = absl::StrCat(field, ".values[", i, "]");
    std::optional<CheckedValue> value =
        CheckValue(context, i, at, report.values(i), tainted, violations);
    if (!value) continue;
    auto [previous, inserted] = first_index.emplace(std::make_pair(value->indicator, value->cells), i);
    if (!inserted) {
      violations.Add(at, absl::StrCat(value->indicator, " for ", CellLabel(value->cells),
                                      " is already given at ", field, ".values[",
                                      previous->second, "]"));
      continue;
    }
    checked.push_back(*std::move(value));
  }
  CheckBreakdowns(context, field, checked, tainted, violations);
  CheckCrossings(context, field, checked, tainted, violations);
  CheckRules(context, field, checked, violations);

  if (mode == ValidationMode::kSubmit && violations.empty()) {
    google::protobuf::RepeatedPtrField<v1::Value> kept;
    for (v1::Value& value : *report.mutable_values()) {
      if (value.value_case() != v1::Value::VALUE_NOT_SET) *kept.Add() = std::move(value);
    }
    report.mutable_values()->Swap(&kept);
  }
}

std::vector<v1::ReportWarning> FigureWarnings(const ReportContext& context,
                                              const v1::Report& report) {
  std::set<std::string> with_figures;
  for (const v1::Value& value : report.values()) {
    if (value.value_case() != v1::Value::VALUE_NOT_SET) with_figures.insert(value.indicator());
  }
  std::vector<std::string> expected;
  std::set<std::string> seen;
  for (const v1::Task& task : context.tasks) {
    auto role = context.roles.find(task.name());
    if (role == context.roles.end() || !role->second.expected) continue;
    for (const std::string& name : task.indicators()) {
      auto indicator = context.indicators.find(name);
      if (indicator == context.indicators.end() || IsComputed(indicator->second)) continue;
      if (seen.insert(name).second) expected.push_back(name);
    }
  }
  std::vector<std::string> missing;
  std::vector<std::string> missing_titles;
  for (const std::string& name : expected) {
    if (with_figures.count(name)) continue;
    missing.push_back(name);
    const v1::Indicator& indicator = context.indicators.at(name);
    missing_titles.push_back(indicator.display_name().empty() ? name : indicator.display_name());
  }
  std::vector<v1::ReportWarning> warnings;
  if (missing.empty()) return warnings;
  v1::ReportWarning warning;
  warning.set_field("report.values");
  warning.mutable_localized_message()->set_locale("vi-VN");
  if (missing.size() == expected.size() && with_figures.empty()) {
    warning.set_reason("NO_FIGURES");
    warning.set_description(absl::StrCat("every figure is blank: none of the ", expected.size(),
                                         " indicators asked for has a value"));
    warning.mutable_localized_message()->set_message(
        absl::StrCat("Chưa nhập số liệu nào: cả ", expected.size(),
                     " chỉ tiêu được giao đều để trống. Báo cáo vẫn được nhận; hãy kiểm tra "
                     "lại nếu đó không phải ý bạn."));
  } else {
    warning.set_reason("FIGURES_MISSING");
    warning.set_description(absl::StrCat(missing.size(), " of the ", expected.size(),
                                         " indicators asked for have no figure: ",
                                         absl::StrJoin(missing, ", ")));
    warning.mutable_localized_message()->set_message(
        absl::StrCat("Còn ", missing.size(), "/", expected.size(),
                     " chỉ tiêu chưa có số liệu: ", absl::StrJoin(missing_titles, "; "), "."));
  }
  warnings.push_back(std::move(warning));
  return warnings;
}

}  // namespace tonghop::submissions
