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
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "services/common/display_format.h"
#include "services/common/resource_names.h"
#include "services/common/vocabulary.h"
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

// ';' when the header row (up to the first line end outside quotes) has
// semicolons and no commas outside quotes, else ','.
char DetectDelimiter(absl::string_view text) {
  bool quoted = false;
  int commas = 0;
  int semicolons = 0;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    if (c == ',') ++commas;
    if (c == ';') ++semicolons;
  }
  return semicolons > 0 && commas == 0 ? ';' : ',';
}

absl::StatusOr<std::vector<Row>> ParseCsv(absl::string_view text, const std::string& path) {
  if (absl::StartsWith(text, kBom)) text.remove_prefix(kBom.size());
  const char delimiter = DetectDelimiter(text);
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
    } else if (c == delimiter) {
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

std::string ValueCellsText(const v1::Value& value) { return CellsText(value); }

std::string ValueLabel(const v1::Value& value, const IndicatorCatalog& catalog) {
  return Label(value, catalog);
}

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
    if (value.value_case() == v1::Value::kIntValue) {
      number = FormatNumber(absl::StrCat(value.int_value()), "vi");
    }
    if (value.value_case() == v1::Value::kDecimalValue) {
      number = FormatNumber(value.decimal_value(), "vi");
    }
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

namespace {

struct CsvValues {
  google::protobuf::RepeatedPtrField<v1::Value> values;
  std::vector<int> lines;
};

absl::StatusOr<CsvValues> ReadValuesCsv(const std::string& csv, const std::string& path) {
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
  CsvValues read;
  google::protobuf::RepeatedPtrField<v1::Value>& values = read.values;
  for (size_t r = 1; r < rows->size(); ++r) {
    const Row& row = (*rows)[r];
    std::string indicator = get(row, "indicator");
    if (indicator.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": line ", row.line, ": the indicator is missing"));
    }
    read.lines.push_back(row.line);
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
    std::string typed = get(row, "value");
    if (typed.empty()) continue;
    std::optional<std::string> number = ParseVietnameseNumber(typed);
    if (!number) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": line ", row.line, ": \"", typed,
          "\" is not a number; write e.g. 1.200 or 90,38 (dots group thousands, a comma "
          "starts the fraction)"));
    }
    std::string type = absl::AsciiStrToLower(get(row, "type"));
    int64_t whole = 0;
    // A count that is not a whole number is sent as a decimal so that the
    // server, which knows the indicator, says precisely what is wrong.
    if (type != "decimal" && absl::SimpleAtoi(*number, &whole) &&
        number->find_first_not_of("-0123456789") == std::string::npos) {
      value->set_int_value(whole);
    } else {
      value->set_decimal_value(*number);
    }
  }
  return read;
}

// The JSON's progress statuses as the API's enum names: labels, short
// names and aliases are turned into PROGRESS_STATUS_…, an empty status is
// removed (not stated), and keys starting with "_" are dropped.
absl::Status NormalizeJson(google::protobuf::Value& root, const std::string& path) {
  if (!root.has_struct_value()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a report in JSON: expected "
                                                         "an object"));
  }
  auto& fields = *root.mutable_struct_value()->mutable_fields();
  for (auto it = fields.begin(); it != fields.end();) {
    it = absl::StartsWith(it->first, "_") ? fields.erase(it) : std::next(it);
  }
  auto progress = fields.find("progress");
  if (progress == fields.end() || !progress->second.has_list_value()) return absl::OkStatus();
  auto& entries = *progress->second.mutable_list_value()->mutable_values();
  for (int i = 0; i < entries.size(); ++i) {
    if (!entries[i].has_struct_value()) continue;
    auto& entry = *entries[i].mutable_struct_value()->mutable_fields();
    for (auto it = entry.begin(); it != entry.end();) {
      it = absl::StartsWith(it->first, "_") ? entry.erase(it) : std::next(it);
    }
    auto status = entry.find("status");
    if (status == entry.end() || status->second.kind_case() != google::protobuf::Value::kStringValue) {
      continue;
    }
    std::string text(absl::StripAsciiWhitespace(status->second.string_value()));
    if (text.empty()) {
      entry.erase(status);
      continue;
    }
    std::optional<int> parsed = ParseEnumText(*v1::ProgressStatus_descriptor(), text);
    if (!parsed) {
      auto task = entry.find("task");
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": progress[", i, "]",
          task == entry.end() ? "" : absl::StrCat(" (", task->second.string_value(), ")"),
          ": status \"", text, "\" is not one of: ",
          ChoicesOf(*v1::ProgressStatus_descriptor())));
    }
    status->second.set_string_value(v1::ProgressStatus_Name(*parsed));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<google::protobuf::RepeatedPtrField<v1::Value>> ValuesFromCsv(
    const std::string& csv, const std::string& path) {
  absl::StatusOr<CsvValues> read = ReadValuesCsv(csv, path);
  if (!read.ok()) return read.status();
  return std::move(read->values);
}

std::optional<std::string> ParseVietnameseNumber(absl::string_view text) {
  std::string t(absl::StripAsciiWhitespace(text));
  // Spreadsheets may also group with spaces (also non-breaking ones).
  t = absl::StrReplaceAll(t, {{"\xC2\xA0", ""}, {" ", ""}});
  std::string sign;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    if (t[0] == '-') sign = "-";
    t.erase(0, 1);
  }
  if (t.empty() || t.find_first_not_of("0123456789.,") != std::string::npos) return std::nullopt;
  std::string whole = t;
  std::string fraction;
  size_t comma = t.find(',');
  if (comma != std::string::npos) {
    if (t.find(',', comma + 1) != std::string::npos) return std::nullopt;
    whole = t.substr(0, comma);
    fraction = t.substr(comma + 1);
    if (fraction.empty() || fraction.find('.') != std::string::npos) return std::nullopt;
  }
  if (whole.find('.') != std::string::npos) {
    std::vector<std::string> groups = absl::StrSplit(whole, '.');
    bool grouped = !groups[0].empty() && groups[0].size() <= 3;
    for (size_t i = 1; i < groups.size(); ++i) grouped &= groups[i].size() == 3;
    if (grouped) {
      whole = absl::StrJoin(groups, "");
    } else if (groups.size() == 2 && comma == std::string::npos && !groups[0].empty() &&
               !groups[1].empty()) {
      // "90.38": a decimal point, as English-speaking programs write it.
      whole = groups[0];
      fraction = groups[1];
    } else {
      return std::nullopt;
    }
  }
  if (whole.empty()) return std::nullopt;
  return fraction.empty() ? sign + whole : absl::StrCat(sign, whole, ".", fraction);
}

std::string ReportToJson(const v1::Report& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(report, &json, options).ok()) return "{}";
  if (json.empty() || json.back() != '\n') json += "\n";
  return json;
}

// The report as JSON for filling in: each task with its "status" (its
// Vietnamese label) and "summary", empty when not stated yet, and the
// choices spelled out under "_huong_dan" (instructions).
std::string FormToJson(const v1::Report& report) {
  google::protobuf::Value root;
  if (!google::protobuf::util::JsonStringToMessage(ReportToJson(report), &root).ok()) {
    return ReportToJson(report);
  }
  auto& fields = *root.mutable_struct_value()->mutable_fields();
  fields["_huong_dan"].set_string_value(absl::StrCat(
      "Điền \"status\" (tiến độ) của từng nhiệm vụ bằng một trong: ",
      ChoicesOf(*v1::ProgressStatus_descriptor()),
      "; \"summary\": kết quả thực hiện. Số liệu điền trong tệp CSV đi kèm."));
  auto progress = fields.find("progress");
  if (progress != fields.end() && progress->second.has_list_value()) {
    for (int i = 0; i < report.progress_size(); ++i) {
      auto& entry = *progress->second.mutable_list_value()
                         ->mutable_values(i)
                         ->mutable_struct_value()
                         ->mutable_fields();
      const v1::TaskProgress& p = report.progress(i);
      entry["status"].set_string_value(
          p.status() == v1::PROGRESS_STATUS_UNSPECIFIED ? "" : LabelOf(p.status()));
      entry["summary"].set_string_value(p.summary());
    }
  }
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(root, &json, options).ok()) {
    return ReportToJson(report);
  }
  if (json.empty() || json.back() != '\n') json += "\n";
  return json;
}

absl::StatusOr<std::string> WriteReportFiles(const std::string& json_path,
                                             const v1::Report& report,
                                             const IndicatorCatalog& catalog) {
  absl::Status written = WriteFileDurably(json_path, FormToJson(report));
  if (!written.ok()) return written;
  std::string csv_path = CsvPathFor(json_path);
  written = WriteFileDurably(csv_path, ValuesToCsv(report, catalog));
  if (!written.ok()) return written;
  return csv_path;
}

absl::StatusOr<ReportForm> ReadReportForm(const std::string& json_path) {
  absl::StatusOr<std::string> json = ReadWholeFile(json_path);
  if (!json.ok()) return json.status();
  ReportForm form;
  form.json_path = json_path;
  google::protobuf::Value root;
  auto parsed = google::protobuf::util::JsonStringToMessage(*json, &root);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(json_path, ": not JSON: ",
                                                   parsed.message().as_string()));
  }
  absl::Status normalized = NormalizeJson(root, json_path);
  if (!normalized.ok()) return normalized;
  std::string canonical;
  if (!google::protobuf::util::MessageToJsonString(root, &canonical).ok()) {
    return absl::InvalidArgumentError(absl::StrCat(json_path, ": not a report in JSON"));
  }
  parsed = google::protobuf::util::JsonStringToMessage(canonical, &form.report);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(json_path, ": not a report in JSON: ",
                                                   parsed.message().as_string()));
  }
  std::string csv_path = CsvPathFor(json_path);
  if (csv_path != json_path && std::filesystem::exists(csv_path)) {
    absl::StatusOr<std::string> csv = ReadWholeFile(csv_path);
    if (!csv.ok()) return csv.status();
    absl::StatusOr<CsvValues> values = ReadValuesCsv(*csv, csv_path);
    if (!values.ok()) return values.status();
    *form.report.mutable_values() = std::move(values->values);
    form.value_lines = std::move(values->lines);
    form.csv_path = csv_path;
  }
  return form;
}

absl::Status UpdateFormEtag(const std::string& json_path, const std::string& etag) {
  absl::StatusOr<std::string> json = ReadWholeFile(json_path);
  if (!json.ok()) return json.status();
  google::protobuf::Value root;
  if (!google::protobuf::util::JsonStringToMessage(*json, &root).ok() ||
      !root.has_struct_value()) {
    return absl::InvalidArgumentError(absl::StrCat(json_path, ": not JSON"));
  }
  (*root.mutable_struct_value()->mutable_fields())["etag"].set_string_value(etag);
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string updated;
  if (!google::protobuf::util::MessageToJsonString(root, &updated, options).ok()) {
    return absl::InternalError(absl::StrCat(json_path, ": could not write the etag"));
  }
  return WriteFileDurably(json_path, updated);
}

absl::StatusOr<v1::Report> ReadReportFiles(const std::string& json_path) {
  absl::StatusOr<ReportForm> form = ReadReportForm(json_path);
  if (!form.ok()) return form.status();
  return std::move(form->report);
}

namespace {

// The index in "report.values[12].value" after `prefix` ("report.values["),
// or -1.
int IndexAfter(absl::string_view field, absl::string_view prefix) {
  if (!absl::StartsWith(field, prefix)) return -1;
  absl::string_view rest = field.substr(prefix.size());
  size_t close = rest.find(']');
  int index = -1;
  if (close == absl::string_view::npos || !absl::SimpleAtoi(rest.substr(0, close), &index)) {
    return -1;
  }
  return index;
}

}  // namespace

std::string ReportForm::Where(absl::string_view field) const {
  for (absl::string_view prefix : {"report.values[", "values["}) {
    int index = IndexAfter(field, prefix);
    if (index >= 0 && index < static_cast<int>(value_cells.size())) {
      return absl::StrCat(std::filesystem::path(json_path).filename().string(), ", ",
                          value_cells[index]);
    }
  }
  for (absl::string_view prefix : {"report.progress[", "progress["}) {
    int index = IndexAfter(field, prefix);
    if (index >= 0 && index < static_cast<int>(progress_cells.size())) {
      return absl::StrCat(std::filesystem::path(json_path).filename().string(), ", ",
                          progress_cells[index]);
    }
  }
  std::string file_name = std::filesystem::path(csv_path).filename().string();
  for (absl::string_view prefix : {"report.values[", "values["}) {
    if (!absl::StartsWith(field, prefix) || csv_path.empty()) continue;
    absl::string_view rest = field.substr(prefix.size());
    size_t close = rest.find(']');
    int index = 0;
    if (close == absl::string_view::npos || !absl::SimpleAtoi(rest.substr(0, close), &index) ||
        index < 0 || index >= static_cast<int>(value_lines.size())) {
      return "";
    }
    return absl::StrCat(file_name, ", dòng ", value_lines[index]);
  }
  for (absl::string_view prefix : {"report.progress[", "progress["}) {
    if (!absl::StartsWith(field, prefix)) continue;
    absl::string_view rest = field.substr(prefix.size());
    size_t close = rest.find(']');
    int index = 0;
    if (close == absl::string_view::npos || !absl::SimpleAtoi(rest.substr(0, close), &index) ||
        index < 0 || index >= report.progress_size()) {
      return "";
    }
    return absl::StrCat(std::filesystem::path(json_path).filename().string(), ", nhiệm vụ ",
                        IdOf(report.progress(index).task()));
  }
  return "";
}

}  // namespace tonghop::client
