#include "services/registry/plan_import/diagnostics.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/resource_names.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

using ::tonghop::v1::ImportDiagnostic;

constexpr size_t kQuotedTextBytes = 160;

ImportDiagnostic Make(absl::string_view code, absl::string_view field, int line,
                      absl::string_view text, std::string message, std::string remedy,
                      std::string message_en) {
  ImportDiagnostic d;
  d.set_code(std::string(code));
  d.set_field(std::string(field));
  d.set_line(line);
  d.set_text(TruncateUtf8(CollapseWhitespace(text), kQuotedTextBytes));
  d.set_message(std::move(message));
  d.set_remedy(std::move(remedy));
  d.set_message_en(std::move(message_en));
  return d;
}

std::string AtLine(int line) {
  return line > 0 ? absl::StrCat(" (dòng ", line, ")") : "";
}

// The schedule flag that supplies rounds of `period`.
std::string ScheduleExample(tonghop::v1::PeriodType period) {
  switch (period) {
    case tonghop::v1::PERIOD_TYPE_SEMIANNUAL:
      return "s1:15/6,compile:20/6,s2:15/12,compile:20/12";
    case tonghop::v1::PERIOD_TYPE_QUARTERLY:
      return "q1:15/3,q2:15/6,q3:15/9,q4:15/12";
    default:
      return "annual:15/11,compile:30/11";
  }
}

std::string ScheduleRemedy(tonghop::v1::PeriodType period) {
  std::string example = ScheduleExample(period);
  return absl::StrCat("Bổ sung lịch báo cáo: --schedule=\"", example,
                      "\" (mỗi mục là kỳ:ngày/tháng; \"compile\" là hạn Sở Tư pháp tổng hợp "
                      "của kỳ đứng trước; thêm \"+1\" cho hạn rơi vào năm sau), hoặc dòng "
                      "\"schedule: ",
                      example, "\" trong tệp bổ sung (--fixup).");
}

}  // namespace

std::string PeriodNameVi(tonghop::v1::PeriodType period) {
  switch (period) {
    case tonghop::v1::PERIOD_TYPE_ANNUAL:
      return "hằng năm";
    case tonghop::v1::PERIOD_TYPE_SEMIANNUAL:
      return "6 tháng";
    case tonghop::v1::PERIOD_TYPE_QUARTERLY:
      return "hằng quý";
    default:
      return "định kỳ";
  }
}

ImportDiagnostic ScheduleMissingGap() {
  return Make(kGapScheduleMissing, "bundle.plan.schedule", 0, "",
              "Văn bản không nêu chế độ báo cáo định kỳ (kỳ báo cáo và hạn nộp).",
              ScheduleRemedy(tonghop::v1::PERIOD_TYPE_ANNUAL),
              "the document states no reporting schedule (period and due date)");
}

ImportDiagnostic ScheduleDueGap(tonghop::v1::PeriodType period, int line, absl::string_view text) {
  return Make(kGapScheduleDue, "bundle.plan.schedule", line, text,
              absl::StrCat("Văn bản nêu báo cáo ", PeriodNameVi(period),
                           " nhưng không nêu hạn nộp", AtLine(line), "."),
              ScheduleRemedy(period),
              absl::StrCat("the document has agencies report ",
                           tonghop::v1::PeriodType_Name(period),
                           " but states no due date (line ", line, ")"));
}

ImportDiagnostic TaskDeadlineGap(absl::string_view task_name, absl::string_view outline,
                                 int index, int line, absl::string_view text) {
  std::string quoted = TruncateUtf8(CollapseWhitespace(text), kQuotedTextBytes);
  ImportDiagnostic d =
      Make(kGapTaskDeadline, absl::StrCat("bundle.tasks[", index, "].deadline"), line, text,
           absl::StrCat("Không đọc được thời hạn của nhiệm vụ ", outline, ": \"", quoted, "\"",
                        AtLine(line), "."),
           absl::StrCat("Bổ sung thời hạn: --deadline=\"", outline,
                        "=Quý II/2026\" (hoặc \"Hằng năm\", \"Thường xuyên\", \"Trước ngày "
                        "30/6/2026\", \"2026-2030\"), hoặc dòng \"deadline ",
                        outline, ": …\" trong tệp bổ sung (--fixup)."),
           absl::StrCat("the deadline of task ", outline, " (\"", quoted,
                        "\") could not be read"));
  d.set_task(std::string(task_name));
  return d;
}

ImportDiagnostic TaskLeadGap(absl::string_view task_name, absl::string_view outline, int index,
                             int line, absl::string_view above) {
  std::string example = above.empty() ? "Sở Tư pháp" : std::string(above);
  ImportDiagnostic d =
      Make(kGapTaskLead, absl::StrCat("bundle.tasks[", index, "].lead"), line, "",
           absl::StrCat("Nhiệm vụ ", outline, " không ghi cơ quan chủ trì", AtLine(line),
                        above.empty()
                            ? "."
                            : absl::StrCat("; dòng trên ghi \"", above,
                                           "\" (nếu ô cơ quan chủ trì được gộp với ô trên, "
                                           "bản sao đã làm mất nội dung của nó).")),
           absl::StrCat("Bổ sung cơ quan chủ trì: --lead=\"", outline, "=", example,
                        "\" (tên như văn bản viết, hoặc mã cơ quan), hoặc dòng \"lead ", outline,
                        ": …\" trong tệp bổ sung (--fixup)."),
           absl::StrCat("task ", outline, " names no lead agency"));
  d.set_task(std::string(task_name));
  return d;
}

ImportDiagnostic AgencyGap(absl::string_view text, absl::string_view task_name,
                           absl::string_view outline, int index, int line,
                           const std::vector<std::string>& candidates) {
  std::vector<std::string> ids;
  for (const std::string& c : candidates) ids.push_back(IdOf(c));
  // The command names no agency: a candidate is only close in spelling
  // (the province's newspaper comes out nearest its inspectorate), and the
  // official, not the importer, decides which unit a name means.
  std::string remedy =
      absl::StrCat("Chọn cơ quan: --map=\"", text, "=MÃ-CƠ-QUAN\"",
                   ids.empty() ? " (xem mã bằng \"tonghop agency list\"; nếu chưa có cơ quan "
                                 "này, hãy thêm vào danh mục)"
                               : absl::StrCat(" (gần nhất: ", absl::StrJoin(ids, ", "),
                                              "; hoặc mã khác trong \"tonghop agency list\")"),
                   "; ánh xạ được lưu làm tên gọi khác của cơ quan để các lần nhập sau tự "
                   "nhận ra.");
  ImportDiagnostic d =
      Make(kGapAgency, absl::StrCat("bundle.tasks[", index, "]"), line, text,
           absl::StrCat("Không xác định được cơ quan \"", text, "\" (nhiệm vụ ", outline, ")",
                        AtLine(line), "."),
           std::move(remedy),
           absl::StrCat("agency name \"", text, "\" of task ", outline, " did not resolve"));
  d.set_task(std::string(task_name));
  return d;
}

ImportDiagnostic PlanIdGap(absl::string_view placeholder_id) {
  return Make(kGapPlanId, "plan_id", 0, "",
              absl::StrCat("Không có số hiệu và ngày ban hành để đặt mã kế hoạch; bản chạy thử "
                           "tạm dùng mã \"",
                           placeholder_id, "\"."),
              "Đặt mã kế hoạch: --plan-id=tinh-so-nam (ví dụ dong-nai-74-2026).",
              "no document symbol and date to derive the plan id from");
}

ImportDiagnostic SymbolGap() {
  return Make(kGapSymbol, "bundle.plan.symbol", 0, "",
              "Văn bản không có số hiệu (\"Số: …/KH-UBND\").",
              "Bổ sung số hiệu: --symbol=\"74/KH-UBND\", hoặc dòng \"symbol: 74/KH-UBND\" trong "
              "tệp bổ sung (--fixup).",
              "the document shows no symbol");
}

ImportDiagnostic TitleGap() {
  return Make(kGapTitle, "bundle.plan.title", 0, "",
              "Không tìm thấy tên kế hoạch (dòng sau chữ \"KẾ HOẠCH\").",
              "Bổ sung tên: --title=\"…\", hoặc dòng \"title: …\" trong tệp bổ sung (--fixup).",
              "no title found after \"KẾ HOẠCH\"");
}

ImportDiagnostic YearsGap() {
  return Make(kGapYears, "bundle.plan.first_year", 0, "",
              "Không xác định được kế hoạch áp dụng cho những năm nào.",
              "Bổ sung: --years=2026-2030, hoặc dòng \"years: 2026-2030\" trong tệp bổ sung "
              "(--fixup).",
              "the years the plan covers could not be derived");
}

ImportDiagnostic NoTasksGap(bool table) {
  return Make(kGapNoTasks, "content", 0, "",
              table ? "Bảng có dòng tiêu đề nhưng không có dòng nhiệm vụ nào có số thứ tự (STT)."
                    : "Không tìm thấy nhiệm vụ nào: văn bản không có bảng phụ lục (STT, Nhiệm vụ, "
                      "Cơ quan chủ trì …) hay các mục đánh số kèm cơ quan chủ trì.",
              "Kiểm tra văn bản: nhập tệp .docx gốc (giữ nguyên bảng), hoặc chép bảng phụ lục ra "
              "CSV với các cột STT, Nhiệm vụ, Cơ quan chủ trì.",
              table ? "the table has a header but no rows with an STT"
                    : "no tasks found: neither an appendix table nor numbered items with lead "
                      "agencies");
}

ImportDiagnostic SupplementGap(absl::string_view field, absl::string_view message_vi,
                               absl::string_view message_en) {
  return Make(kGapSupplement, field, 0, "", std::string(message_vi),
              "Sửa giá trị bổ sung rồi chạy lại.", std::string(message_en));
}

tonghop::v1::ImportCounts CountImport(const tonghop::v1::PlanBundle& bundle,
                                      const tonghop::v1::ImportReport& report) {
  tonghop::v1::ImportCounts counts;
  std::set<std::string> parents;
  for (const auto& t : bundle.tasks()) {
    if (!t.parent().empty()) parents.insert(t.parent());
  }
  int leaves = 0, with_lead = 0, requested = 0, parsed = 0, written = 0, assignments = 0;
  for (const auto& t : bundle.tasks()) {
    bool leaf = parents.count(t.name()) == 0;
    if (leaf) {
      ++leaves;
      if (t.lead_size() > 0) ++with_lead;
    }
    for (const auto& a : t.lead()) {
      if (a.requested()) ++requested;
    }
    assignments += t.lead_size() + t.coordinating_size();
    if (!t.deadline().source_text().empty()) ++written;
    if (t.deadline().kind() != tonghop::v1::DEADLINE_KIND_UNSPECIFIED) ++parsed;
  }
  counts.set_nodes(bundle.tasks_size());
  counts.set_leaves(leaves);
  counts.set_leaves_with_lead(with_lead);
  counts.set_requested_leads(requested);
  counts.set_deadlines_parsed(parsed);
  counts.set_deadlines_written(written);
  counts.set_diagnostics(report.diagnostics_size());
  counts.set_assignments(assignments);
  counts.set_unresolved_agencies(report.unresolved_agencies_size());
  return counts;
}

}  // namespace tonghop::plan_import
