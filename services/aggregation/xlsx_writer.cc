// The compiled report as an Excel workbook, through libxlsxwriter. Figures
// are written as real numeric cells so that officials can compute with them.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "services/aggregation/report_render.h"
#include "services/aggregation/report_text.h"
#include "services/common/display_format.h"
#include "services/common/xlsx_workbook.h"
#include "xlsxwriter.h"

namespace tonghop::aggregation {
namespace {

class Sheet {
 public:
  Sheet(lxw_worksheet* sheet) : sheet_(sheet) {}
  void Str(int row, int col, const std::string& text, lxw_format* format = nullptr) {
    if (!text.empty()) {
      Check(worksheet_write_string(sheet_, static_cast<lxw_row_t>(row),
                                   static_cast<lxw_col_t>(col), text.c_str(), format));
    }
  }
  void Num(int row, int col, double value, lxw_format* format = nullptr) {
    Check(worksheet_write_number(sheet_, static_cast<lxw_row_t>(row),
                                 static_cast<lxw_col_t>(col), value, format));
  }
  void Width(int col, double width) {
    worksheet_set_column(sheet_, static_cast<lxw_col_t>(col), static_cast<lxw_col_t>(col), width,
                         nullptr);
  }
  lxw_error error() const { return error_; }

 private:
  void Check(lxw_error e) {
    if (e != LXW_NO_ERROR && error_ == LXW_NO_ERROR) error_ = e;
  }
  lxw_worksheet* sheet_;
  lxw_error error_ = LXW_NO_ERROR;
};

// A figure's exact text as a number (exact for every count below 2^53);
// one that is not available is "—" ("x" when withheld), never an empty
// cell that a sum would read as 0. Its note, if any, goes in `notes`.
void FigureCell(Sheet& sheet, int row, int col, const v1::Figure& figure, lxw_format* format,
                lxw_format* text_format, std::vector<std::string>& notes) {
  if (!figure.note().empty()) notes.push_back(figure.note());
  if (figure.present()) {
    sheet.Num(row, col, std::strtod(figure.value().c_str(), nullptr), format);
    return;
  }
  bool withheld = figure.unavailable_reason() == v1::UNAVAILABLE_REASON_SUPPRESSED_SMALL_COUNT ||
                  figure.unavailable_reason() == v1::UNAVAILABLE_REASON_SUPPRESSED_COMPLEMENTARY;
  sheet.Str(row, col, withheld ? "x" : "—", text_format);
}

std::string IndicatorId(const std::string& name) {
  size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

// Writes a workbook to a fresh file under `temp_dir` with `fill`, which
// returns the first error of its sheets, and returns the file's bytes.
absl::StatusOr<std::string> WorkbookBytes(const std::string& temp_dir,
                                          const std::function<lxw_error(XlsxWorkbook&)>& fill) {
  std::string pattern = absl::StrCat(temp_dir.empty() ? "/tmp" : temp_dir, "/table-XXXXXX.xlsx");
  int fd = mkstemps(pattern.data(), 5);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot create a temporary file in ", temp_dir));
  }
  close(fd);
  struct Remove {
    std::string path;
    ~Remove() { std::remove(path.c_str()); }
  } remove{pattern};
  lxw_error error = LXW_NO_ERROR;
  {
    XlsxWorkbook workbook(pattern);
    if (workbook.get() == nullptr) return absl::InternalError("libxlsxwriter: cannot create workbook");
    error = fill(workbook);
    lxw_error closed = workbook.Close();
    if (error == LXW_NO_ERROR) error = closed;
  }
  if (error != LXW_NO_ERROR) {
    return absl::InternalError(absl::StrCat("libxlsxwriter: ", lxw_strerror(error)));
  }
  std::ifstream in(pattern, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) return absl::InternalError("cannot read back the workbook");
  return bytes.str();
}

}  // namespace

absl::StatusOr<std::string> RenderXlsx(const v1::CompiledReport& r, const std::string& temp_dir) {
  const std::string& lang = r.language().empty() ? "vi" : r.language();
  return WorkbookBytes(temp_dir, [&](XlsxWorkbook& workbook) {
    lxw_error error = LXW_NO_ERROR;
    lxw_format* bold = workbook_add_format(workbook.get());
    format_set_bold(bold);
    lxw_format* title = workbook_add_format(workbook.get());
    format_set_bold(title);
    format_set_font_size(title, 14);
    lxw_format* integer = workbook_add_format(workbook.get());
    format_set_num_format(integer, "#,##0");
    lxw_format* decimal = workbook_add_format(workbook.get());
    format_set_num_format(decimal, "#,##0.######");
    lxw_format* percent = workbook_add_format(workbook.get());
    format_set_num_format(percent, "0.00");
    lxw_format* wrap = workbook_add_format(workbook.get());
    format_set_text_wrap(wrap);
    lxw_format* right = workbook_add_format(workbook.get());
    format_set_align(right, LXW_ALIGN_RIGHT);

    // Summary sheet: header and completeness.
    Sheet summary(workbook_add_worksheet(workbook.get(), Text("sheet_summary", lang).c_str()));
    summary.Width(0, 34);
    summary.Width(1, 60);
    int row = 0;
    summary.Str(row++, 0, Text("title", lang), title);
    summary.Str(row++, 0, absl::StrFormat(Text("title_line", lang).c_str(), r.plan_symbol()), bold);
    ++row;
    auto pair = [&](absl::string_view key, const std::string& value) {
      summary.Str(row, 0, Text(key, lang), bold);
      summary.Str(row, 1, value);
      ++row;
    };
    pair("issuer", r.compiler_display_name());
    pair("for_agency", r.agency_display_name());
    pair("plan", absl::StrCat(r.plan_symbol(), " — ", r.plan_title()));
    pair("period", r.period());
    pair("compiled_on", FormatDate(r.compiled_on()));
    pair("counting", r.include_unreviewed() ? Text("counting_unreviewed", lang)
                                            : Text("counting_accepted", lang));
    if (r.has_data_as_of()) {
      pair("data_as_of", FormatDateTime(absl::FromUnixSeconds(r.data_as_of().seconds())));
    }
    ++row;
    summary.Str(row++, 0, Text("completeness", lang), bold);
    const v1::CompletenessResponse& c = r.completeness();
    for (const auto& [key, value] : CompletenessCounts(c)) {
      summary.Str(row, 0, Text(key, lang));
      summary.Num(row++, 1, value, integer);
    }
    if (c.has_due_date()) {
      summary.Str(row, 0, Text("due_date", lang));
      summary.Str(row++, 1, FormatDate(c.due_date()));
    }
    ++row;
    summary.Str(row++, 0, Text("missing_list", lang), bold);
    for (const v1::Reporter& m : c.missing_reporters()) {
      summary.Str(row, 0, m.display_name());
      summary.Str(row++, 1, ReporterStateLabel(m.state(), lang));
    }

    // Statistics: one row per indicator total, then its cells.
    Sheet stats(workbook_add_worksheet(workbook.get(), Text("sheet_statistics", lang).c_str()));
    std::vector<std::string> header = {
        Text("indicator_code", lang),
        Text("indicator", lang),
        Text("breakdown", lang),
        Text("unit", lang),
        absl::StrCat(Text("current", lang), " (", r.period(), ")"),
        absl::StrCat(Text("previous", lang), " (", r.previous_period(), ")"),
        Text("change", lang),
        Text("numerator", lang),
        Text("denominator", lang),
        Text("direction", lang),
        Text("assessment", lang),
        Text("contributors", lang),
        Text("note", lang),
        absl::StrCat(Text("note", lang), " (", Text("previous", lang), ")")};
    for (size_t i = 0; i < header.size(); ++i) stats.Str(0, static_cast<int>(i), header[i], bold);
    stats.Width(0, 28);
    stats.Width(1, 50);
    stats.Width(2, 24);
    stats.Width(12, 60);
    stats.Width(13, 40);
    row = 1;
    for (const v1::CompiledStatistic& s : r.statistics()) {
      bool is_percent = s.aggregation() == v1::Indicator::AGGREGATION_RATIO;
      lxw_format* fmt = is_percent ? percent : decimal;
      stats.Str(row, 0, IndicatorId(s.indicator()));
      stats.Str(row, 1, s.display_name());
      stats.Str(row, 3, s.unit());
      std::vector<std::string> notes;
      std::vector<std::string> previous_notes;
      FigureCell(stats, row, 4, s.current(), fmt, right, notes);
      FigureCell(stats, row, 5, s.previous(), fmt, right, previous_notes);
      if (!s.change().empty()) stats.Num(row, 6, std::strtod(s.change().c_str(), nullptr), fmt);
      if (is_percent && s.current().present()) {
        stats.Num(row, 7, std::strtod(s.current().numerator().c_str(), nullptr), decimal);
        stats.Num(row, 8, std::strtod(s.current().denominator().c_str(), nullptr), decimal);
      }
      stats.Str(row, 9, DirectionLabel(s.direction(), lang));
      if (!s.change().empty() && s.direction() != v1::DIRECTION_UNSPECIFIED) {
        stats.Str(row, 10, s.against_direction() ? Text("against", lang) : Text("as_wanted", lang));
      }
      stats.Num(row, 11, s.current().contributors(), integer);
      stats.Str(row, 12, absl::StrJoin(notes, "; "), wrap);
      stats.Str(row, 13, absl::StrJoin(previous_notes, "; "), wrap);
      ++row;
      for (const v1::RollupRow& cell : s.rows()) {
        stats.Str(row, 0, IndicatorId(s.indicator()));
        stats.Str(row, 1, s.display_name());
        stats.Str(row, 2, cell.label());
        stats.Str(row, 3, s.unit());
        std::vector<std::string> cell_notes;
        FigureCell(stats, row, 4, cell.figure(), fmt, right, cell_notes);
        if (is_percent && cell.figure().present()) {
          stats.Num(row, 7, std::strtod(cell.figure().numerator().c_str(), nullptr), decimal);
          stats.Num(row, 8, std::strtod(cell.figure().denominator().c_str(), nullptr), decimal);
        }
        stats.Num(row, 11, cell.figure().contributors(), integer);
        stats.Str(row, 12, absl::StrJoin(cell_notes, "; "), wrap);
        ++row;
      }
    }

    // Tasks: one row per lead assignee (a task without one gets a row too).
    Sheet tasks(workbook_add_worksheet(workbook.get(), Text("sheet_tasks", lang).c_str()));
    std::vector<std::string> task_header = {Text("task", lang),  "",
                                            Text("deadline", lang), Text("agency", lang),
                                            Text("lead", lang) + "/" + Text("coordinating", lang),
                                            Text("status", lang), Text("summary", lang),
                                            Text("overdue", lang)};
    for (size_t i = 0; i < task_header.size(); ++i) {
      tasks.Str(0, static_cast<int>(i), task_header[i], bold);
    }
    tasks.Width(1, 60);
    tasks.Width(3, 36);
    tasks.Width(6, 60);
    row = 1;
    for (const v1::TaskStatusEntry& t : r.tasks()) {
      bool any = false;
      auto task_cells = [&] {
        tasks.Str(row, 0, t.outline());
        tasks.Str(row, 1, t.title(), wrap);
        tasks.Str(row, 2, t.deadline_text());
        if (t.overdue()) tasks.Str(row, 7, Text("overdue", lang), bold);
      };
      for (const v1::AssigneeStatus& a : t.assignees()) {
        task_cells();
        tasks.Str(row, 3, a.display_name());
        tasks.Str(row, 4, a.lead() ? Text("lead", lang) : Text("coordinating", lang));
        tasks.Str(row, 5, ProgressLabel(a.status(), lang));
        tasks.Str(row, 6, a.summary(), wrap);
        ++row;
        any = true;
      }
      if (!any) {
        task_cells();
        ++row;
      }
    }

    // Reporters.
    Sheet reporters(workbook_add_worksheet(workbook.get(), Text("sheet_reporters", lang).c_str()));
    std::vector<std::string> reporter_header = {Text("agency", lang), Text("state", lang),
                                                Text("on_time", lang), Text("revision", lang),
                                                Text("submitted_at", lang)};
    for (size_t i = 0; i < reporter_header.size(); ++i) {
      reporters.Str(0, static_cast<int>(i), reporter_header[i], bold);
    }
    reporters.Width(0, 50);
    reporters.Width(1, 20);
    reporters.Width(4, 20);
    row = 1;
    for (const v1::Reporter& rep : c.reporters()) {
      reporters.Str(row, 0, rep.display_name());
      reporters.Str(row, 1, ReporterStateLabel(rep.state(), lang));
      if (rep.counted()) reporters.Str(row, 2, rep.on_time() ? "✓" : Text("late", lang));
      if (rep.revision() > 0) reporters.Num(row, 3, rep.revision(), integer);
      if (rep.has_submit_time()) {
        reporters.Str(row, 4, FormatDateTime(absl::FromUnixSeconds(rep.submit_time().seconds())));
      }
      ++row;
    }

    for (const Sheet* sheet : {&summary, &stats, &tasks, &reporters}) {
      if (sheet->error() != LXW_NO_ERROR && error == LXW_NO_ERROR) error = sheet->error();
    }
    return error;
  });
}

absl::StatusOr<std::string> RenderTableXlsx(const Table& table, const std::string& temp_dir) {
  return WorkbookBytes(temp_dir, [&](XlsxWorkbook& workbook) {
    lxw_format* bold = workbook_add_format(workbook.get());
    format_set_bold(bold);
    lxw_format* title = workbook_add_format(workbook.get());
    format_set_bold(title);
    format_set_font_size(title, 14);
    lxw_format* number = workbook_add_format(workbook.get());
    format_set_num_format(number, "#,##0.######");
    lxw_format* right = workbook_add_format(workbook.get());
    format_set_align(right, LXW_ALIGN_RIGHT);
    Sheet sheet(workbook_add_worksheet(workbook.get(), table.sheet_name.c_str()));
    int row = 0;
    if (!table.title.empty()) {
      sheet.Str(row++, 0, table.title, title);
      ++row;
    }
    for (size_t i = 0; i < table.header.size(); ++i) {
      sheet.Str(row, static_cast<int>(i), table.header[i], bold);
      sheet.Width(static_cast<int>(i), i == 0 ? 36 : 18);
    }
    ++row;
    for (const std::vector<TableCell>& cells : table.rows) {
      for (size_t i = 0; i < cells.size(); ++i) {
        const TableCell& cell = cells[i];
        if (cell.number) {
          sheet.Num(row, static_cast<int>(i), std::strtod(cell.text.c_str(), nullptr), number);
        } else {
          sheet.Str(row, static_cast<int>(i), cell.text, i == 0 ? nullptr : right);
        }
      }
      ++row;
    }
    return sheet.error();
  });
}

}  // namespace tonghop::aggregation
