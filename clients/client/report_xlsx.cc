#include "clients/client/report_xlsx.h"

#include <zip.h>

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/substitute.h"
#include "pugixml.hpp"
#include "services/common/errors.h"
#include "services/common/xml_depth.h"
#include "services/common/vocabulary.h"
#include "services/common/xlsx_workbook.h"
#include "xlsxwriter.h"

namespace tonghop::client {
namespace {

constexpr char kTasksSheet[] = "Nhiệm vụ";
constexpr char kFiguresSheet[] = "Số liệu";
constexpr char kGridsSheet[] = "Bảng chéo";
constexpr char kMetaSheet[] = "_bieu_mau";
constexpr absl::string_view kIndicatorPrefix = "indicators/";

// Column headers, Vietnamese (English beside).
struct Headers {
  const char* task = "Mã nhiệm vụ";         // Task id
  const char* title = "Nhiệm vụ";           // Task
  const char* role = "Vai trò";             // Role
  const char* status = "Tiến độ";           // Progress
  const char* summary = "Kết quả thực hiện";  // What was done
  const char* lead = "Chủ trì";             // Lead
  const char* coordinating = "Phối hợp";    // Coordinating
  const char* indicator = "Chỉ tiêu (mã)";  // Indicator id
  const char* cells = "Phân tổ (mã)";       // Cell
  const char* label = "Nội dung";           // What the row is
  const char* type = "Loại";                // Type
  const char* value = "Số liệu";            // Figure
  const char* sum = "Cộng";                 // Sum
};
const Headers kHeaders;

std::string CellName(int row, int column) {  // 0-based
  std::string letters;
  for (int c = column + 1; c > 0; c = (c - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
  }
  return absl::StrCat(letters, row + 1);
}

// "E12" → {11, 4} (0-based); nullopt when malformed.
std::optional<std::pair<int, int>> ParseCellName(absl::string_view name) {
  int column = 0;
  size_t i = 0;
  while (i < name.size() && absl::ascii_isalpha(static_cast<unsigned char>(name[i]))) {
    column = column * 26 + (absl::ascii_toupper(name[i]) - 'A' + 1);
    ++i;
  }
  int row = 0;
  if (column == 0 || !absl::SimpleAtoi(name.substr(i), &row) || row < 1) return std::nullopt;
  return std::make_pair(row - 1, column - 1);
}

std::string Place(absl::string_view sheet, int row, int column) {
  return absl::StrCat(sheet, "!", CellName(row, column));
}

// ---- Writing ----

// A crossing of one indicator laid out as a two-way grid: the report's
// value index of each cell (-1: the report has no slot for it).
struct Grid {
  std::string indicator;
  const v1::Dimension* rows;
  const v1::Dimension* columns;
  std::vector<std::vector<int>> cells;  // [row option][column option]
};

std::string DimensionId(absl::string_view name) {
  return std::string(name.substr(name.rfind('/') + 1));
}

std::string DimensionTitle(const v1::Dimension& dimension) {
  return dimension.display_name().empty() ? DimensionId(dimension.name())
                                          : dimension.display_name();
}

std::string OptionTitle(const v1::DimensionOption& option) {
  return option.display_name().empty() ? option.code() : option.display_name();
}

// The grids of the crossings `catalog`'s indicators ask for, in the order
// of the report's values; a crossed value that fits no grid stays a row.
std::vector<Grid> GridsOf(const v1::Report& report, const IndicatorCatalog& catalog) {
  std::map<std::pair<std::string, std::map<std::string, std::string>>, int> index;
  std::vector<std::string> order;
  for (int i = 0; i < report.values_size(); ++i) {
    const v1::Value& value = report.values(i);
    if (value.cells_size() == 2) {
      index[{value.indicator(), {value.cells().begin(), value.cells().end()}}] = i;
    }
    if (std::find(order.begin(), order.end(), value.indicator()) == order.end()) {
      order.push_back(value.indicator());
    }
  }
  std::vector<Grid> grids;
  for (const std::string& name : order) {
    auto indicator = catalog.indicators.find(name);
    if (indicator == catalog.indicators.end()) continue;
    for (const v1::DimensionCrossing& crossing : indicator->second.crossings()) {
      auto rows = catalog.dimensions.find(crossing.rows());
      auto columns = catalog.dimensions.find(crossing.columns());
      if (rows == catalog.dimensions.end() || columns == catalog.dimensions.end() ||
          rows == columns) {
        continue;
      }
      Grid grid{name, &rows->second, &columns->second, {}};
      std::string row_id = DimensionId(crossing.rows());
      std::string column_id = DimensionId(crossing.columns());
      bool any = false;
      for (const v1::DimensionOption& r : rows->second.options()) {
        std::vector<int>& line = grid.cells.emplace_back();
        for (const v1::DimensionOption& c : columns->second.options()) {
          auto found = index.find({name, {{row_id, r.code()}, {column_id, c.code()}}});
          line.push_back(found == index.end() ? -1 : found->second);
          any |= found != index.end();
        }
      }
      if (any) grids.push_back(std::move(grid));
    }
  }
  return grids;
}

// ---- Reading ----

// The most a part of a form workbook may hold once inflated: a form is a
// few hundred kilobytes, and the sizes a zip declares can lie.
constexpr size_t kMaxPartBytes = 32u << 20;

// What officials read when a workbook cannot be read, Vietnamese (the
// status message keeps the English).
struct ReadMessages {
  const char* not_a_workbook = "Tệp $0 không phải là biểu mẫu Excel (.xlsx) đọc được.";
  const char* sheet_missing =
      "Tệp $0 thiếu trang tính \"$1\": hãy dùng biểu mẫu tải về từ tonghop.";
  const char* not_a_progress = "$0: \"$1\" không phải là một tiến độ; chọn một trong: $2.";
  const char* not_cells = "$0: \"$1\" phải có dạng phân tổ=lựa chọn.";
  const char* not_a_number = "$0: \"$1\" không phải là số; viết như 1.200 hoặc 90,38.";
  const char* not_a_crossing = "$0: \"$1\" phải có dạng phân tổ hàng × phân tổ cột.";
};
const ReadMessages kRead;

// INVALID_ARGUMENT: `path` is not a workbook (`why`, for developers).
absl::Status NotAWorkbook(const std::string& path, absl::string_view why) {
  return WithVietnamese(
      WithErrorInfo(absl::InvalidArgumentError(
                        absl::StrCat(path, ": not an Excel workbook (.xlsx): ", why)),
                    "XLSX_NOT_A_WORKBOOK"),
      absl::Substitute(kRead.not_a_workbook, path));
}

// INVALID_ARGUMENT for the cell `place` of `path` ("Số liệu!E12"), which
// the ErrorInfo names in its metadata ("cell").
absl::Status CellError(const std::string& path, const std::string& place,
                       const std::string& english, const std::string& vietnamese) {
  return WithVietnamese(
      WithErrorInfo(absl::InvalidArgumentError(absl::StrCat(path, ": ", place, ": ", english)),
                    "XLSX_INVALID_CELL", {{"cell", place}}),
      vietnamese);
}

absl::StatusOr<std::string> ReadEntry(zip_t* archive, const std::string& name,
                                      const std::string& path) {
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat(archive, name.c_str(), 0, &stat) != 0) {
    return NotAWorkbook(path, absl::StrCat("no ", name));
  }
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(zip_fopen(archive, name.c_str(), 0),
                                                         zip_fclose);
  if (file == nullptr) return NotAWorkbook(path, absl::StrCat("cannot read ", name));
  auto too_large = [&] {
    return NotAWorkbook(path, absl::StrCat(name, " is larger than ", kMaxPartBytes >> 20,
                                           " MB; this is not a report form"));
  };
  if ((stat.valid & ZIP_STAT_SIZE) != 0 && stat.size > kMaxPartBytes) return too_large();
  // Read in pieces up to the limit, whatever size the archive declared.
  std::string content;
  char buffer[64 * 1024];
  while (true) {
    zip_int64_t read = zip_fread(file.get(), buffer, sizeof buffer);
    if (read < 0) return NotAWorkbook(path, absl::StrCat("cannot read ", name));
    if (read == 0) break;
    if (content.size() + static_cast<size_t>(read) > kMaxPartBytes) return too_large();
    content.append(buffer, static_cast<size_t>(read));
  }
  return content;
}

// A cell as read: its text, and whether the workbook stored it as a number.
struct Cell {
  std::string text;
  bool number = false;
};
using Sheet = std::map<std::pair<int, int>, Cell>;

std::string TextOf(const pugi::xml_node& node) {
  // Shared and inline strings are either one <t> or rich-text runs <r><t>.
  std::string text;
  for (pugi::xpath_node t : node.select_nodes(".//*[local-name()='t']")) {
    text += t.node().text().get();
  }
  return text;
}

using Archive = std::unique_ptr<zip_t, void (*)(zip_t*)>;

// The sheets of the workbook in `archive`, read from `path` (a file's path
// or name, for messages).
absl::StatusOr<std::map<std::string, Sheet>> ReadWorkbook(const Archive& archive,
                                                          const std::string& path) {
  auto parse = [&](const std::string& name,
                   pugi::xml_document& doc) -> absl::Status {
    absl::StatusOr<std::string> content = ReadEntry(archive.get(), name, path);
    if (!content.ok()) return content.status();
    if (!doc.load_buffer(content->data(), content->size())) {
      return NotAWorkbook(path, absl::StrCat(name, " is not XML"));
    }
    if (NestsDeeperThan(doc)) {
      return NotAWorkbook(path,
                          absl::StrCat(name, " nests deeper than ", kMaxXmlDepth, " elements"));
    }
    return absl::OkStatus();
  };
  pugi::xml_document workbook;
  absl::Status s = parse("xl/workbook.xml", workbook);
  if (!s.ok()) return s;
  pugi::xml_document rels;
  s = parse("xl/_rels/workbook.xml.rels", rels);
  if (!s.ok()) return s;
  std::map<std::string, std::string> targets;
  for (pugi::xpath_node r : rels.select_nodes("//*[local-name()='Relationship']")) {
    std::string target = r.node().attribute("Target").value();
    if (absl::StartsWith(target, "/")) {
      target = target.substr(1);
    } else {
      target = "xl/" + target;
    }
    targets[r.node().attribute("Id").value()] = target;
  }
  std::vector<std::string> shared;
  {
    pugi::xml_document strings;
    zip_stat_t stat;
    if (zip_stat(archive.get(), "xl/sharedStrings.xml", 0, &stat) == 0) {
      s = parse("xl/sharedStrings.xml", strings);
      if (!s.ok()) return s;
      for (pugi::xpath_node si : strings.select_nodes("//*[local-name()='si']")) {
        shared.push_back(TextOf(si.node()));
      }
    }
  }
  std::map<std::string, Sheet> sheets;
  for (pugi::xpath_node node : workbook.select_nodes("//*[local-name()='sheet']")) {
    std::string name = node.node().attribute("name").value();
    std::string id;
    for (pugi::xml_attribute a : node.node().attributes()) {
      if (absl::EndsWith(a.name(), ":id")) id = a.value();
    }
    auto target = targets.find(id);
    if (target == targets.end()) continue;
    pugi::xml_document doc;
    s = parse(target->second, doc);
    if (!s.ok()) return s;
    Sheet& sheet = sheets[name];
    for (pugi::xpath_node c : doc.select_nodes("//*[local-name()='sheetData']/*/*[local-name()='c']")) {
      std::optional<std::pair<int, int>> at = ParseCellName(c.node().attribute("r").value());
      if (!at) continue;
      std::string type = c.node().attribute("t").value();
      pugi::xml_node v = c.node().child("v");
      Cell cell;
      if (type == "s") {
        size_t index = 0;
        if (!absl::SimpleAtoi(v.text().get(), &index) || index >= shared.size()) continue;
        cell.text = shared[index];
      } else if (type == "inlineStr") {
        cell.text = TextOf(c.node().child("is"));
      } else if (type == "str" || type == "e" || type == "b") {
        cell.text = v.text().get();
      } else {
        cell.text = v.text().get();
        cell.number = !cell.text.empty();
      }
      sheet[*at] = std::move(cell);
    }
  }
  return sheets;
}

std::string Get(const Sheet& sheet, int row, int column) {
  auto it = sheet.find({row, column});
  return it == sheet.end() ? "" : std::string(absl::StripAsciiWhitespace(it->second.text));
}

int LastRow(const Sheet& sheet) { return sheet.empty() ? -1 : sheet.rbegin()->first.first; }

// A number cell's text ("1200", "90.379999999999995", "1.2E3") as the API's
// decimal text, at most 6 fraction digits.
std::optional<std::string> NumberText(const std::string& text) {
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) return std::nullopt;
  std::string out = absl::StrFormat("%.6f", value);
  while (absl::EndsWith(out, "0")) out.pop_back();
  if (absl::EndsWith(out, ".")) out.pop_back();
  if (out == "-0") out = "0";
  return out;
}

}  // namespace

bool IsXlsxPath(const std::string& path) {
  return absl::EndsWith(absl::AsciiStrToLower(path), ".xlsx");
}

absl::Status WriteReportXlsx(const std::string& path, const v1::Report& report,
                             const IndicatorCatalog& catalog) {
  XlsxWorkbook workbook(path);
  if (workbook.get() == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create ", path));
  }
  lxw_format* header = workbook_add_format(workbook.get());
  format_set_bold(header);
  format_set_bg_color(header, 0xEEEEEE);
  lxw_format* locked = workbook_add_format(workbook.get());
  format_set_text_wrap(locked);
  lxw_format* input = workbook_add_format(workbook.get());
  format_set_unlocked(input);
  format_set_bg_color(input, 0xFFFBE6);
  format_set_text_wrap(input);
  lxw_format* number = workbook_add_format(workbook.get());
  format_set_unlocked(number);
  format_set_bg_color(number, 0xFFFBE6);
  format_set_num_format(number, "#,##0.######");

  // Tasks, with the progress as a drop-down list of the labels.
  lxw_worksheet* tasks = workbook_add_worksheet(workbook.get(), kTasksSheet);
  const char* task_headers[] = {kHeaders.task, kHeaders.title, kHeaders.role, kHeaders.status,
                                kHeaders.summary};
  for (int c = 0; c < 5; ++c) worksheet_write_string(tasks, 0, c, task_headers[c], header);
  worksheet_set_column(tasks, 0, 0, 24, nullptr);
  worksheet_set_column(tasks, 1, 1, 60, nullptr);
  worksheet_set_column(tasks, 2, 2, 10, nullptr);
  worksheet_set_column(tasks, 3, 3, 22, nullptr);
  worksheet_set_column(tasks, 4, 4, 60, nullptr);
  std::vector<std::string> choices;
  const google::protobuf::EnumDescriptor& progress = *v1::ProgressStatus_descriptor();
  for (int i = 0; i < progress.value_count(); ++i) {
    if (progress.value(i)->number() != 0) choices.push_back(LabelOf(progress.value(i)->name()));
  }
  // libxlsxwriter 1.1 takes the list as char** but only reads it.
  std::vector<char*> list;
  for (std::string& c : choices) list.push_back(c.data());
  list.push_back(nullptr);
  for (int i = 0; i < report.progress_size(); ++i) {
    const v1::TaskProgress& p = report.progress(i);
    int row = i + 1;
    worksheet_write_string(tasks, row, 0, p.task().c_str(), locked);
    worksheet_write_string(tasks, row, 1, p.title().c_str(), locked);
    worksheet_write_string(tasks, row, 2, p.lead() ? kHeaders.lead : kHeaders.coordinating,
                           locked);
    std::string status =
        p.status() == v1::PROGRESS_STATUS_UNSPECIFIED ? "" : LabelOf(p.status());
    worksheet_write_string(tasks, row, 3, status.c_str(), input);
    worksheet_write_string(tasks, row, 4, p.summary().c_str(), input);
    lxw_data_validation validation = {};
    validation.validate = LXW_VALIDATION_TYPE_LIST;
    validation.value_list = list.data();
    worksheet_data_validation_cell(tasks, row, 3, &validation);
  }
  worksheet_protect(tasks, nullptr, nullptr);

  // Figures, one row each.
  lxw_worksheet* figures = workbook_add_worksheet(workbook.get(), kFiguresSheet);
  const char* figure_headers[] = {kHeaders.indicator, kHeaders.cells, kHeaders.label,
                                  kHeaders.type, kHeaders.value};
  for (int c = 0; c < 5; ++c) worksheet_write_string(figures, 0, c, figure_headers[c], header);
  worksheet_set_column(figures, 0, 1, 22, nullptr);
  worksheet_set_column(figures, 2, 2, 70, nullptr);
  worksheet_set_column(figures, 3, 3, 8, nullptr);
  worksheet_set_column(figures, 4, 4, 16, nullptr);
  const std::vector<Grid> grids = GridsOf(report, catalog);
  std::set<int> in_grids;
  for (const Grid& grid : grids) {
    for (const std::vector<int>& line : grid.cells) {
      for (int index : line) {
        if (index >= 0) in_grids.insert(index);
      }
    }
  }
  auto write_number = [&](lxw_worksheet* sheet, int row, int column, const v1::Value& value) {
    if (value.value_case() == v1::Value::kIntValue) {
      worksheet_write_number(sheet, row, column, static_cast<double>(value.int_value()), number);
    } else if (value.value_case() == v1::Value::kDecimalValue) {
      double d = 0;
      (void)absl::SimpleAtod(value.decimal_value(), &d);
      worksheet_write_number(sheet, row, column, d, number);
    } else {
      worksheet_write_blank(sheet, row, column, number);
    }
  };
  int row = 0;
  for (int i = 0; i < report.values_size(); ++i) {
    if (in_grids.count(i)) continue;
    const v1::Value& value = report.values(i);
    ++row;
    std::string indicator = value.indicator();
    if (absl::StartsWith(indicator, kIndicatorPrefix)) {
      indicator = indicator.substr(kIndicatorPrefix.size());
    }
    auto found = catalog.indicators.find(value.indicator());
    bool decimal = found != catalog.indicators.end()
                       ? found->second.value_type() == v1::VALUE_TYPE_DECIMAL
                       : value.value_case() == v1::Value::kDecimalValue;
    worksheet_write_string(figures, row, 0, indicator.c_str(), locked);
    worksheet_write_string(figures, row, 1, ValueCellsText(value).c_str(), locked);
    worksheet_write_string(figures, row, 2, ValueLabel(value, catalog).c_str(), locked);
    worksheet_write_string(figures, row, 3, decimal ? "decimal" : "count", locked);
    write_number(figures, row, 4, value);
  }
  worksheet_protect(figures, nullptr, nullptr);

  // Crossed figures, one two-way grid each (see GridsOf), with the sums of
  // its rows and columns as formulas. Row k: the indicator's and the
  // dimensions' codes; k+1: the column options' codes; k+2: their labels;
  // then one row per row option, its code in A.
  if (!grids.empty()) {
    lxw_worksheet* sheet = workbook_add_worksheet(workbook.get(), kGridsSheet);
    lxw_format* code = workbook_add_format(workbook.get());
    format_set_font_color(code, 0x808080);
    lxw_format* sum = workbook_add_format(workbook.get());
    format_set_bold(sum);
    format_set_bg_color(sum, 0xEEEEEE);
    format_set_num_format(sum, "#,##0.######");
    worksheet_set_column(sheet, 0, 0, 14, nullptr);
    worksheet_set_column(sheet, 1, 1, 28, nullptr);
    int top = 0;
    for (const Grid& grid : grids) {
      std::string id = grid.indicator.substr(grid.indicator.rfind('/') + 1);
      auto indicator = catalog.indicators.find(grid.indicator);
      std::string title = indicator->second.display_name().empty()
                              ? id
                              : indicator->second.display_name();
      const int width = grid.rows->options_size() > 0 ? grid.columns->options_size() : 0;
      worksheet_write_string(sheet, top, 0, id.c_str(), header);
      worksheet_write_string(sheet, top, 1,
                             absl::StrCat(DimensionId(grid.rows->name()), " × ",
                                          DimensionId(grid.columns->name()))
                                 .c_str(),
                             header);
      worksheet_write_string(sheet, top, 2,
                             absl::StrCat(title, " — ", DimensionTitle(*grid.rows), " × ",
                                          DimensionTitle(*grid.columns))
                                 .c_str(),
                             header);
      worksheet_write_string(sheet, top + 2, 0, DimensionId(grid.rows->name()).c_str(), code);
      worksheet_write_string(sheet, top + 2, 1,
                             absl::StrCat(DimensionTitle(*grid.rows), " \\ ",
                                          DimensionTitle(*grid.columns))
                                 .c_str(),
                             header);
      for (int c = 0; c < width; ++c) {
        worksheet_set_column(sheet, 2 + c, 2 + c, 14, nullptr);
        worksheet_write_string(sheet, top + 1, 2 + c, grid.columns->options(c).code().c_str(),
                               code);
        worksheet_write_string(sheet, top + 2, 2 + c,
                               OptionTitle(grid.columns->options(c)).c_str(), header);
      }
      worksheet_write_string(sheet, top + 2, 2 + width, kHeaders.sum, header);
      const int first = top + 3;
      const int rows = grid.rows->options_size();
      for (int r = 0; r < rows; ++r) {
        worksheet_write_string(sheet, first + r, 0, grid.rows->options(r).code().c_str(), code);
        worksheet_write_string(sheet, first + r, 1, OptionTitle(grid.rows->options(r)).c_str(),
                               locked);
        for (int c = 0; c < width; ++c) {
          int index = grid.cells[r][c];
          if (index >= 0) {
            write_number(sheet, first + r, 2 + c, report.values(index));
          } else {
            worksheet_write_string(sheet, first + r, 2 + c, "", locked);
          }
        }
        worksheet_write_formula(sheet, first + r, 2 + width,
                                absl::StrCat("=SUM(", CellName(first + r, 2), ":",
                                             CellName(first + r, 1 + width), ")")
                                    .c_str(),
                                sum);
      }
      worksheet_write_string(sheet, first + rows, 1, kHeaders.sum, header);
      for (int c = 0; c <= width; ++c) {
        worksheet_write_formula(sheet, first + rows, 2 + c,
                                absl::StrCat("=SUM(", CellName(first, 2 + c), ":",
                                             CellName(first + rows - 1, 2 + c), ")")
                                    .c_str(),
                                sum);
      }
      top = first + rows + 2;
    }
    worksheet_protect(sheet, nullptr, nullptr);
  }

  lxw_worksheet* meta = workbook_add_worksheet(workbook.get(), kMetaSheet);
  worksheet_write_string(meta, 0, 0, "name", nullptr);
  worksheet_write_string(meta, 0, 1, report.name().c_str(), nullptr);
  worksheet_write_string(meta, 1, 0, "etag", nullptr);
  worksheet_write_string(meta, 1, 1, report.etag().c_str(), nullptr);
  worksheet_hide(meta);
  worksheet_protect(meta, nullptr, nullptr);

  lxw_error closed = workbook.Close();
  if (closed != LXW_NO_ERROR) {
    return absl::InternalError(absl::StrCat("cannot write ", path, ": ", lxw_strerror(closed)));
  }
  return absl::OkStatus();
}

namespace {

// Sets `value` from the API's decimal text `number`: int_value for a whole
// number unless the row says `decimal`, else decimal_value (the server says
// whether that suits the indicator).
void SetNumber(v1::Value& value, const std::string& number, bool decimal) {
  int64_t whole = 0;
  if (!decimal && absl::SimpleAtoi(number, &whole) &&
      number.find_first_not_of("-0123456789") == std::string::npos) {
    value.set_int_value(whole);
  } else {
    value.set_decimal_value(number);
  }
}

// The form in the workbook `archive` read from `path` (for messages).
absl::StatusOr<ReportForm> ReadForm(const Archive& archive, const std::string& path) {
  absl::StatusOr<std::map<std::string, Sheet>> sheets = ReadWorkbook(archive, path);
  if (!sheets.ok()) return sheets.status();
  auto sheet = [&](const char* name) -> absl::StatusOr<const Sheet*> {
    auto it = sheets->find(name);
    if (it == sheets->end()) {
      return WithVietnamese(
          WithErrorInfo(absl::InvalidArgumentError(absl::StrCat(
                            path, ": the sheet \"", name,
                            "\" is missing; use a form written by tonghop report template "
                            "--out=FILE.xlsx")),
                        "XLSX_SHEET_MISSING", {{"sheet", name}}),
          absl::Substitute(kRead.sheet_missing, path, name));
    }
    return &it->second;
  };
  ReportForm form;
  form.json_path = path;
  absl::StatusOr<const Sheet*> meta = sheet(kMetaSheet);
  if (!meta.ok()) return meta.status();
  form.report.set_name(Get(**meta, 0, 1));
  form.report.set_etag(Get(**meta, 1, 1));

  absl::StatusOr<const Sheet*> tasks = sheet(kTasksSheet);
  if (!tasks.ok()) return tasks.status();
  for (int row = 1; row <= LastRow(**tasks); ++row) {
    std::string task = Get(**tasks, row, 0);
    if (task.empty()) continue;
    v1::TaskProgress* p = form.report.add_progress();
    p->set_task(task);
    std::string status = Get(**tasks, row, 3);
    if (!status.empty()) {
      std::optional<int> parsed = ParseEnumText(*v1::ProgressStatus_descriptor(), status);
      if (!parsed) {
        std::string place = Place(kTasksSheet, row, 3);
        std::string choices = ChoicesOf(*v1::ProgressStatus_descriptor());
        return CellError(path, place,
                         absl::StrCat("\"", status, "\" is not a progress; choose one of: ",
                                      choices),
                         absl::Substitute(kRead.not_a_progress, place, status, choices));
      }
      p->set_status(static_cast<v1::ProgressStatus>(*parsed));
    }
    p->set_summary(Get(**tasks, row, 4));
    form.progress_cells.push_back(Place(kTasksSheet, row, 3));
  }

  absl::StatusOr<const Sheet*> figures = sheet(kFiguresSheet);
  if (!figures.ok()) return figures.status();
  for (int row = 1; row <= LastRow(**figures); ++row) {
    std::string indicator = Get(**figures, row, 0);
    if (indicator.empty()) continue;
    v1::Value* value = form.report.add_values();
    value->set_indicator(absl::StartsWith(indicator, kIndicatorPrefix)
                             ? indicator
                             : absl::StrCat(kIndicatorPrefix, indicator));
    std::string cells = Get(**figures, row, 1);
    for (absl::string_view part : absl::StrSplit(cells, ';', absl::SkipWhitespace())) {
      std::vector<std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
      if (kv.size() != 2) {
        std::string place = Place(kFiguresSheet, row, 1);
        return CellError(path, place,
                         absl::StrCat("\"", cells, "\" should be dimension=option"),
                         absl::Substitute(kRead.not_cells, place, cells));
      }
      (*value->mutable_cells())[std::string(absl::StripAsciiWhitespace(kv[0]))] =
          std::string(absl::StripAsciiWhitespace(kv[1]));
    }
    form.value_cells.push_back(Place(kFiguresSheet, row, 4));
    auto cell = (*figures)->find({row, 4});
    if (cell == (*figures)->end() || absl::StripAsciiWhitespace(cell->second.text).empty()) {
      continue;
    }
    std::optional<std::string> number = cell->second.number
                                            ? NumberText(cell->second.text)
                                            : ParseVietnameseNumber(cell->second.text);
    if (!number) {
      std::string place = Place(kFiguresSheet, row, 4);
      return CellError(path, place,
                       absl::StrCat("\"", cell->second.text,
                                    "\" is not a number; write e.g. 1.200 or 90,38"),
                       absl::Substitute(kRead.not_a_number, place, cell->second.text));
    }
    SetNumber(*value, *number, Get(**figures, row, 3) == "decimal");
  }

  // The two-way grids, when the form has any (see WriteReportXlsx).
  auto grids = sheets->find(kGridsSheet);
  if (grids == sheets->end()) return form;
  const Sheet& grid = grids->second;
  for (int top = 0; top <= LastRow(grid); ++top) {
    std::string indicator = Get(grid, top, 0);
    std::string crossing = Get(grid, top, 1);
    if (indicator.empty() || !absl::StrContains(crossing, "×")) continue;
    std::vector<std::string> dimensions = absl::StrSplit(crossing, "×");
    for (std::string& d : dimensions) d = std::string(absl::StripAsciiWhitespace(d));
    if (dimensions.size() != 2 || dimensions[0].empty() || dimensions[1].empty()) {
      std::string place = Place(kGridsSheet, top, 1);
      return CellError(path, place,
                       absl::StrCat("\"", crossing, "\" should be rows × columns"),
                       absl::Substitute(kRead.not_a_crossing, place, crossing));
    }
    std::vector<std::string> columns;
    for (int c = 2; !Get(grid, top + 1, c).empty(); ++c) columns.push_back(Get(grid, top + 1, c));
    int row = top + 3;
    for (; !Get(grid, row, 0).empty(); ++row) {
      std::string option = Get(grid, row, 0);
      for (size_t c = 0; c < columns.size(); ++c) {
        v1::Value* value = form.report.add_values();
        value->set_indicator(absl::StartsWith(indicator, kIndicatorPrefix)
                                 ? indicator
                                 : absl::StrCat(kIndicatorPrefix, indicator));
        (*value->mutable_cells())[dimensions[0]] = option;
        (*value->mutable_cells())[dimensions[1]] = columns[c];
        std::string place = Place(kGridsSheet, row, 2 + static_cast<int>(c));
        form.value_cells.push_back(place);
        auto cell = grid.find({row, 2 + static_cast<int>(c)});
        if (cell == grid.end() || absl::StripAsciiWhitespace(cell->second.text).empty()) continue;
        std::optional<std::string> number = cell->second.number
                                                ? NumberText(cell->second.text)
                                                : ParseVietnameseNumber(cell->second.text);
        if (!number) {
          return CellError(path, place,
                           absl::StrCat("\"", cell->second.text,
                                        "\" is not a number; write e.g. 1.200 or 90,38"),
                           absl::Substitute(kRead.not_a_number, place, cell->second.text));
        }
        SetNumber(*value, *number, /*decimal=*/false);
      }
    }
    top = row;
  }
  return form;
}

}  // namespace

absl::StatusOr<ReportForm> ReadReportXlsx(const std::string& path) {
  int error = 0;
  Archive archive(zip_open(path.c_str(), ZIP_RDONLY, &error), zip_discard);
  if (archive == nullptr) return NotAWorkbook(path, "not a zip archive");
  return ReadForm(archive, path);
}

absl::StatusOr<ReportForm> ReadReportXlsxBytes(const std::string& bytes,
                                               const std::string& filename) {
  zip_error_t error;
  zip_error_init(&error);
  // Read in place: the source does not own or free `bytes`.
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return NotAWorkbook(filename, "cannot read the upload");
  }
  Archive archive(zip_open_from_source(source, ZIP_RDONLY, &error), zip_discard);
  zip_error_fini(&error);
  if (archive == nullptr) {
    zip_source_free(source);
    return NotAWorkbook(filename, "not a zip archive");
  }
  absl::StatusOr<ReportForm> form = ReadForm(archive, filename);
  if (form.ok()) form->json_path = filename;
  return form;
}

absl::StatusOr<std::string> ReportXlsxBytes(const v1::Report& report,
                                            const IndicatorCatalog& catalog) {
  // libxlsxwriter writes files only: a private temporary one, removed here.
  std::string pattern =
      (std::filesystem::temp_directory_path() / "tonghop-form-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError("cannot make a temporary directory for the workbook");
  }
  std::string path = pattern + "/form.xlsx";
  absl::Status written = WriteReportXlsx(path, report, catalog);
  std::string bytes;
  if (written.ok()) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in) written = absl::InternalError(absl::StrCat("cannot read back ", path));
    bytes = content.str();
  }
  std::error_code ignored;
  std::filesystem::remove_all(pattern, ignored);
  if (!written.ok()) return written;
  return bytes;
}

absl::Status UpdateXlsxEtag(const std::string& path, const std::string& old_etag,
                            const std::string& new_etag) {
  if (old_etag.empty() || old_etag == new_etag) return absl::OkStatus();
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), 0, &error);
  if (archive == nullptr) return absl::InternalError(absl::StrCat("cannot open ", path));
  // The etag is a string: shared (every writer we know) or inline.
  std::vector<std::string> names = {"xl/sharedStrings.xml"};
  for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
    std::string name = zip_get_name(archive, i, 0);
    if (absl::StartsWith(name, "xl/worksheets/") && absl::EndsWith(name, ".xml")) {
      names.push_back(name);
    }
  }
  bool replaced = false;
  std::vector<std::string> buffers;  // kept alive until zip_close
  buffers.reserve(names.size());
  for (const std::string& name : names) {
    absl::StatusOr<std::string> content = ReadEntry(archive, name, path);
    if (!content.ok()) continue;
    pugi::xml_document doc;
    if (!doc.load_buffer(content->data(), content->size())) continue;
    bool changed = false;
    for (pugi::xpath_node t : doc.select_nodes("//*[local-name()='t']")) {
      if (old_etag == t.node().text().get()) {
        t.node().text().set(new_etag.c_str());
        changed = true;
      }
    }
    if (!changed) continue;
    std::ostringstream out;
    doc.save(out, "", pugi::format_raw);
    buffers.push_back(out.str());
    zip_source_t* source =
        zip_source_buffer(archive, buffers.back().data(), buffers.back().size(), 0);
    if (source == nullptr || zip_file_replace(archive, zip_name_locate(archive, name.c_str(), 0),
                                              source, ZIP_FL_ENC_UTF_8) != 0) {
      if (source != nullptr) zip_source_free(source);
      zip_discard(archive);
      return absl::InternalError(absl::StrCat("cannot update ", path));
    }
    replaced = true;
  }
  if (!replaced) {
    zip_discard(archive);
    return absl::OkStatus();
  }
  if (zip_close(archive) != 0) {
    std::string why = zip_strerror(archive);
    zip_discard(archive);
    return absl::InternalError(absl::StrCat("cannot write ", path, ": ", why));
  }
  return absl::OkStatus();
}

}  // namespace tonghop::client
