#include "clients/client/report_file.h"

#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/client/durable_file.h"
#include "google/protobuf/util/json_util.h"

namespace tonghop::client {
namespace {

constexpr absl::string_view kBom = "\xEF\xBB\xBF";
constexpr absl::string_view kIndicatorPrefix = "indicators/";

// Words of the CSV's label column, Vietnamese (English beside).
struct Words {
  const char* total = "Tổng số";  // Total
};
const Words kWords;

std::string CsvCell(const std::string& cell) {
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string ShortIndicator(const std::string& name) {
  return absl::StartsWith(name, kIndicatorPrefix) ? name.substr(kIndicatorPrefix.size()) : name;
}

std::string CellsText(const v1::Value& value) {
  std::map<std::string, std::string> sorted(value.cells().begin(), value.cells().end());
  std::vector<std::string> parts;
  for (const auto& [dimension, option] : sorted) parts.push_back(dimension + "=" + option);
  return absl::StrJoin(parts, ";");
}

std::string Label(const v1::Value& value, const IndicatorCatalog& catalog) {
  auto indicator = catalog.indicators.find(value.indicator());
  std::string label = ShortIndicator(value.indicator());
  if (indicator != catalog.indicators.end()) {
    label = indicator->second.display_name();
    if (!indicator->second.unit().empty()) {
      label += absl::StrCat(" (", indicator->second.unit(), ")");
    }
  }
  if (value.cells().empty()) return absl::StrCat(label, " — ", kWords.total);
  std::map<std::string, std::string> sorted(value.cells().begin(), value.cells().end());
  for (const auto& [dimension, option] : sorted) {
    std::string dimension_label = dimension;
    std::string option_label = option;
    auto found = catalog.dimensions.find("dimensions/" + dimension);
    if (found != catalog.dimensions.end()) {
      dimension_label = found->second.display_name();
      for (const v1::DimensionOption& o : found->second.options()) {
        if (o.code() == option) option_label = o.display_name();
      }
    }
    label += absl::StrCat(" — ", dimension_label, ": ", option_label);
  }
  return label;
}

// Splits RFC 4180 CSV into rows, remembering the line each row starts on.
struct Row {
  int line;
  std::vector<std::string> cells;
};

absl::StatusOr<std::vector<Row>> ParseCsv(absl::string_view text, const std::string& path) {
  if (absl::StartsWith(text, kBom)) text.remove_prefix(kBom.size());
  std::vector<Row> rows;
  Row row{1, {}};
  std::string cell;
  bool quoted = false;
  bool cell_started = false;
  int line = 1;
  auto end_row = [&]() {
    row.cells.push_back(std::move(cell));
    cell.clear();
    bool blank = row.cells.size() == 1 && row.cells[0].empty();
    if (!blank) rows.push_back(std::move(row));
    row = Row{line, {}};
    cell_started = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"' && !cell_started) {
      quoted = true;
      cell_started = true;
    } else if (c == ',') {
      row.cells.push_back(std::move(cell));
      cell.clear();
      cell_started = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      ++line;
      end_row();
    } else {
      cell += c;
      cell_started = true;
    }
  }
  if (quoted) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": line ", row.line, ": a quoted cell is never closed"));
  }
  if (!cell.empty() || !row.cells.empty()) end_row();
  return rows;
}

}  // namespace

std::string CsvPathFor(const std::string& json_path) {
  if (absl::EndsWith(json_path, ".json")) {
    return json_path.substr(0, json_path.size() - 5) + ".csv";
  }
  return json_path + ".csv";
}

std::string ValuesToCsv(const v1::Report& report, const IndicatorCatalog& catalog) {
  std::string out(kBom);
  out += "indicator,cells,value,type,label\r\n";
  for (const v1::Value& value : report.values()) {
    std::string number;
    if (value.value_case() == v1::Value::kIntValue) number = absl::StrCat(value.int_value());
    if (value.value_case() == v1::Value::kDecimalValue) number = value.decimal_value();
    auto indicator = catalog.indicators.find(value.indicator());
    std::string type;
    if (indicator != catalog.indicators.end()) {
      type = indicator->second.value_type() == v1::VALUE_TYPE_DECIMAL ? "decimal" : "count";
    } else if (value.value_case() == v1::Value::kDecimalValue) {
      type = "decimal";
    }
    std::vector<std::string> cells = {ShortIndicator(value.indicator()), CellsText(value),
                                      number, type, Label(value, catalog)};
    std::vector<std::string> quoted;
    for (const std::string& c : cells) quoted.push_back(CsvCell(c));
    out += absl::StrJoin(quoted, ",") + "\r\n";
  }
  return out;
}

absl::StatusOr<google::protobuf::RepeatedPtrField<v1::Value>> ValuesFromCsv(
    const std::string& csv, const std::string& path) {
  auto rows = ParseCsv(csv, path);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": empty; expected a header row "
                                                         "indicator,cells,value"));
  }
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < rows->front().cells.size(); ++i) {
    column[absl::AsciiStrToLower(absl::StripAsciiWhitespace(rows->front().cells[i]))] = i;
  }
  for (const char* required : {"indicator", "cells", "value"}) {
    if (!column.count(required)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": line 1: the header has no \"", required,
                       "\" column; expected indicator,cells,value[,type,label]"));
    }
  }
  auto get = [&](const Row& row, const char* name) -> std::string {
    auto it = column.find(name);
    if (it == column.end() || it->second >= row.cells.size()) return "";
    return std::string(absl::StripAsciiWhitespace(row.cells[it->second]));
  };
  google::protobuf::RepeatedPtrField<v1::Value> values;
  for (size_t r = 1; r < rows->size(); ++r) {
    const Row& row = (*rows)[r];
    std::string indicator = get(row, "indicator");
    if (indicator.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": line ", row.line, ": the indicator is missing"));
    }
    v1::Value* value = values.Add();
    value->set_indicator(absl::StartsWith(indicator, kIndicatorPrefix)
                             ? indicator
                             : absl::StrCat(kIndicatorPrefix, indicator));
    std::string cells = get(row, "cells");
    for (absl::string_view part : absl::StrSplit(cells, ';', absl::SkipWhitespace())) {
      std::vector<std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
      if (kv.size() != 2 || absl::StripAsciiWhitespace(kv[0]).empty() ||
          absl::StripAsciiWhitespace(kv[1]).empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": line ", row.line, ": cells \"", cells,
                         "\" should be empty or dimension=option (e.g. sex=female)"));
      }
      (*value->mutable_cells())[std::string(absl::StripAsciiWhitespace(kv[0]))] =
          std::string(absl::StripAsciiWhitespace(kv[1]));
    }
    std::string number = get(row, "value");
    if (number.empty()) continue;
    std::string type = absl::AsciiStrToLower(get(row, "type"));
    int64_t whole = 0;
    // A count that is not a whole number is sent as a decimal so that the
    // server, which knows the indicator, says precisely what is wrong.
    if (type != "decimal" && absl::SimpleAtoi(number, &whole) &&
        number.find_first_not_of("-0123456789") == std::string::npos) {
      value->set_int_value(whole);
    } else {
      value->set_decimal_value(number);
    }
  }
  return values;
}

std::string ReportToJson(const v1::Report& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(report, &json, options).ok()) return "{}";
  if (json.empty() || json.back() != '\n') json += "\n";
  return json;
}

absl::StatusOr<std::string> WriteReportFiles(const std::string& json_path,
                                             const v1::Report& report,
                                             const IndicatorCatalog& catalog) {
  absl::Status written = WriteFileDurably(json_path, ReportToJson(report));
  if (!written.ok()) return written;
  std::string csv_path = CsvPathFor(json_path);
  written = WriteFileDurably(csv_path, ValuesToCsv(report, catalog));
  if (!written.ok()) return written;
  return csv_path;
}

absl::StatusOr<v1::Report> ReadReportFiles(const std::string& json_path) {
  absl::StatusOr<std::string> json = ReadWholeFile(json_path);
  if (!json.ok()) return json.status();
  v1::Report report;
  google::protobuf::util::JsonParseOptions options;
  auto parsed = google::protobuf::util::JsonStringToMessage(*json, &report, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(json_path, ": not a report in JSON: ",
                                                   parsed.message().as_string()));
  }
  std::string csv_path = CsvPathFor(json_path);
  if (csv_path != json_path && std::filesystem::exists(csv_path)) {
    absl::StatusOr<std::string> csv = ReadWholeFile(csv_path);
    if (!csv.ok()) return csv.status();
    auto values = ValuesFromCsv(*csv, csv_path);
    if (!values.ok()) return values.status();
    *report.mutable_values() = *std::move(values);
  }
  return report;
}

}  // namespace tonghop::client
