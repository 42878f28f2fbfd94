#include "services/aggregation/report_text.h"

#include <map>

#include "absl/strings/str_format.h"
#include "services/common/vocabulary.h"

namespace tonghop::aggregation {
namespace {

struct Phrase {
  const char* vi;
  const char* en;
};

const std::map<std::string, Phrase>& Phrases() {
  static const auto* phrases = new std::map<std::string, Phrase>{
      {"title", {"BÁO CÁO", "REPORT"}},
      {"title_line", {"Kết quả thực hiện Kế hoạch số %s", "Results of implementing plan %s"}},
      {"issuer", {"Cơ quan tổng hợp", "Compiled by"}},
      {"for_agency", {"Địa bàn", "Area"}},
      {"plan", {"Kế hoạch", "Plan"}},
      {"period", {"Kỳ báo cáo", "Reporting period"}},
      {"compiled_on", {"Ngày tổng hợp", "Compiled on"}},
      {"counting", {"Số liệu tính", "Figures count"}},
      {"counting_accepted", {"các báo cáo đã được chấp nhận", "accepted reports"}},
      {"counting_unreviewed",
       {"các báo cáo đã gửi (kể cả chưa được xem xét)", "submitted reports, reviewed or not"}},
      {"completeness", {"I. TÌNH HÌNH GỬI BÁO CÁO", "I. REPORTS RECEIVED"}},
      {"expected", {"Số cơ quan phải báo cáo", "Agencies expected to report"}},
      {"received", {"Đã nhận", "Received"}},
      {"on_time", {"Đúng hạn", "On time"}},
      {"late", {"Quá hạn", "Late"}},
      {"missing", {"Chưa báo cáo", "Not reported"}},
      {"national_table",
       {"SỐ LIỆU CÁC TỈNH, THÀNH PHỐ GỬI BỘ — Kế hoạch %s, kỳ %s",
        "FIGURES THE PROVINCES SENT — plan %s, period %s"}},
      {"sheet_national", {"Các tỉnh", "Provinces"}},
      {"province", {"Tỉnh, thành phố", "Province"}},
      {"receipt", {"Tình trạng gửi", "Sent"}},
      {"arrived", {"Số liệu hiện có nhận lúc", "Figures held received at"}},
      {"receipt_not_received", {"Chưa gửi", "Not received"}},
      {"receipt_on_time", {"Đúng hạn", "On time"}},
      {"receipt_late", {"Quá hạn", "Late"}},
      {"receipt_received", {"Đã gửi", "Received"}},
      {"national_total", {"Cả nước", "Whole country"}},
      {"not_aggregated_nationally",
       {"Không cộng dồn giữa các tỉnh", "Not combined across provinces"}},
      {"not_sent", {"Tỉnh chưa gửi số liệu này", "The province did not send this figure"}},
      {"parts_apart",
       {"Không tính được: có tỉnh chỉ gửi tử số hoặc chỉ gửi mẫu số",
        "Cannot be computed: some province sent only the numerator or only the denominator"}},
      {"denominator_zero", {"Không tính được: mẫu số bằng 0", "Cannot be computed: the denominator is 0"}},
      {"first_arrived", {"Nhận lần đầu", "First received"}},

      {"due_date", {"Hạn gửi báo cáo", "Due date"}},
      {"missing_list", {"Các cơ quan chưa báo cáo", "Agencies that have not reported"}},
      {"none", {"Không có", "None"}},
      {"tasks", {"II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "II. PROGRESS ON TASKS"}},
      {"task", {"Nhiệm vụ", "Task"}},
      {"lead", {"Chủ trì", "Lead"}},
      {"coordinating", {"Phối hợp", "Coordinating"}},
      {"requested", {"đề nghị", "requested"}},
      {"status", {"Tình trạng", "Status"}},
      {"summary", {"Kết quả", "Summary"}},
      {"outputs", {"Văn bản, sản phẩm", "Outputs"}},
      {"overdue", {"QUÁ HẠN", "OVERDUE"}},
      {"deadline", {"Thời hạn", "Deadline"}},
      {"no_assignee", {"Không có cơ quan chủ trì trên địa bàn", "No lead agency in this area"}},
      {"statistics", {"III. SỐ LIỆU THỐNG KÊ", "III. STATISTICS"}},
      {"indicator", {"Chỉ tiêu", "Indicator"}},
      {"unit", {"Đơn vị tính", "Unit"}},
      {"current", {"Kỳ này", "This period"}},
      {"previous", {"Kỳ trước", "Previous period"}},
      {"change", {"Thay đổi", "Change"}},
      {"direction", {"Xu hướng mong muốn", "Wanted direction"}},
      {"assessment", {"Đánh giá", "Assessment"}},
      {"against", {"Ngược xu hướng mong muốn", "Against the wanted direction"}},
      {"as_wanted", {"Đúng xu hướng", "As wanted"}},
      {"contributors", {"Số cơ quan có số liệu", "Agencies with data"}},
      {"breakdown", {"Phân tổ", "Breakdown"}},
      {"no_data", {"—", "—"}},
      {"numerator", {"Tử số", "Numerator"}},
      {"denominator", {"Mẫu số", "Denominator"}},
      {"agency", {"Cơ quan", "Agency"}},
      {"state", {"Tình trạng báo cáo", "Report state"}},
      {"submitted_at", {"Thời điểm gửi", "Submitted at"}},
      {"sheet_summary", {"Tổng hợp", "Summary"}},
      {"indicator_code", {"Mã chỉ tiêu", "Indicator code"}},
      {"note", {"Ghi chú", "Note"}},
      {"revision", {"Lần nộp", "Revision"}},
      {"data_as_of", {"Số liệu tính đến", "Figures as of"}},
      {"sheet_statistics", {"Số liệu", "Statistics"}},
      {"sheet_tasks", {"Nhiệm vụ", "Tasks"}},
      {"sheet_reporters", {"Cơ quan báo cáo", "Reporters"}},
      // The compiled report as a document ($0, $1 …: absl::Substitute).
      {"doc_national_name",
       {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"}},
      {"doc_motto", {"Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"}},
      {"doc_number", {"Số: $0", "No.: $0"}},
      {"doc_type", {"BÁO CÁO", "REPORT"}},
      {"doc_section_situation", {"I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN", "I. SITUATION"}},
      {"doc_section_results", {"II. KẾT QUẢ THỰC HIỆN", "II. RESULTS"}},
      {"doc_section_difficulties",
       {"III. KHÓ KHĂN, VƯỚNG MẮC VÀ NGUYÊN NHÂN", "III. DIFFICULTIES AND THEIR CAUSES"}},
      {"doc_section_recommendations", {"IV. KIẾN NGHỊ, ĐỀ XUẤT", "IV. RECOMMENDATIONS"}},
      {"doc_reports_received", {"Tình hình gửi báo cáo:", "Reports received:"}},
      {"doc_reports_item", {"Nội dung", "Item"}},
      {"doc_reports_count", {"Số lượng", "Count"}},
      {"doc_missing_list",
       {"Các cơ quan, đơn vị chưa báo cáo: $0.", "Agencies that have not reported: $0."}},
      {"doc_data_as_of", {"Số liệu tính đến $0; $1.", "Figures as of $0; $1."}},
      {"doc_no_data_yet", {"Chưa có báo cáo nào được tính; $0.", "No report counts yet; $0."}},
      {"counting_accepted_doc",
       {"chỉ tính các báo cáo đã được chấp nhận", "accepted reports only"}},
      {"counting_unreviewed_doc",
       {"tính cả các báo cáo đã gửi nhưng chưa được xem xét",
        "including reports submitted and not yet reviewed"}},
      {"doc_group_figures", {"Số liệu thống kê:", "Figures:"}},
      {"doc_closing",
       {"Trên đây là báo cáo $0 của $1./.", "The above is the report of the $1: $0."}},
      {"doc_recipients", {"Nơi nhận:", "Recipients:"}},
      {"doc_appendix_statistics",
       {"Phụ lục I\nSỐ LIỆU THỐNG KÊ", "Appendix I\nSTATISTICS"}},
      {"doc_appendix_tasks",
       {"Phụ lục II\nTIẾN ĐỘ THỰC HIỆN NHIỆM VỤ", "Appendix II\nPROGRESS ON TASKS"}},
      {"doc_appendix_of",
       {"(Kèm theo Báo cáo số $0 ngày $1 của $2)", "(Attached to report no. $0 of $1 of the $2)"}},
      {"doc_crosstab",
       {"Bảng phân tổ chéo: $0 ($1), theo $2 và $3", "Cross-tabulation: $0 ($1), by $2 and $3"}},
      {"doc_no", {"TT", "No."}},
      {"doc_outline", {"Mục", "Item"}},
      {"contributors_short", {"Số cơ quan có số liệu", "Agencies with data"}},
      {"doc_disclosure",
       {"Ký hiệu «x»: số liệu không công bố để bảo vệ thông tin cá nhân (số nhỏ hơn ngưỡng "
        "công bố, hoặc số có thể dùng để suy ra số đó).",
        "\"x\": withheld to protect personal information (a count below the publication "
        "threshold, or a figure from which one could be worked out)."}},
      // The generated draft of a compiled report ($0, $1 …: absl::Substitute).
      {"draft_summary",
       {"Kết quả thực hiện Kế hoạch số $0 $1", "Results of implementing plan $0 in $1"}},
      {"draft_plan_reference", {"Kế hoạch số $0 của $1 về $2", "plan $0 of the $1 on $2"}},
      {"draft_plan_reference_dated",
       {"Kế hoạch số $0 ngày $1 của $2 về $3", "plan $0 of $1 by the $2 on $3"}},
      {"draft_situation",
       {"Thực hiện $0, $1 đã đề nghị các cơ quan, đơn vị báo cáo kết quả thực hiện $2.",
        "Under $0, the $1 asked the agencies concerned to report on their work in $2."}},
      {"draft_received",
       {"Tính đến ngày $0, đã nhận được báo cáo của $1/$2 cơ quan, đơn vị phải báo cáo ($3 "
        "báo cáo đúng hạn, $4 báo cáo trễ hạn); $5 cơ quan, đơn vị chưa báo cáo.",
        "By $0, $1 of the $2 agencies expected to report had reported ($3 on time, $4 late); "
        "$5 had not."}},
      {"draft_basis",
       {"Trên cơ sở báo cáo của các cơ quan, đơn vị, $0 tổng hợp kết quả thực hiện như sau:",
        "From their reports, the $0 has compiled the results below."}},
      {"draft_group_results_intro",
       {"Các cơ quan chủ trì báo cáo kết quả thực hiện như sau:",
        "The lead agencies report the following results:"}},
      {"draft_group_no_results",
       {"Chưa có cơ quan chủ trì nào báo cáo kết quả thực hiện các nhiệm vụ thuộc nhóm này.",
        "No lead agency has reported on the tasks of this group yet."}},
      {"draft_and_others", {" và $0 cơ quan, đơn vị khác", " and $0 others"}},
      {"draft_overdue",
       {"Có $0 nhiệm vụ đã quá hạn mà chưa có cơ quan chủ trì nào báo cáo hoàn thành: $1.",
        "$0 tasks are overdue and no lead agency has reported them done: $1."}},
      {"draft_missing",
       {"Còn $0 cơ quan, đơn vị chưa gửi báo cáo: $1.", "$0 agencies have not reported: $1."}},
      {"draft_not_disaggregated",
       {"Một số số liệu chưa tổng hợp được đầy đủ theo phân tổ do các cơ quan, đơn vị chưa "
        "phân tổ số liệu: $0.",
        "Some figures could not be compiled in full by breakdown, as agencies did not break "
        "them down: $0."}},
      {"draft_causes",
       {"Nguyên nhân: một số cơ quan, đơn vị chưa quan tâm đúng mức đến việc triển khai và "
        "báo cáo kết quả thực hiện Kế hoạch.",
        "Cause: some agencies have not given the plan and its reporting enough attention."}},
      {"draft_no_difficulties",
       {"Không có khó khăn, vướng mắc phát sinh trong kỳ báo cáo.",
        "No difficulties arose in the period."}},
      {"draft_recommend_missing",
       {"Đề nghị các cơ quan, đơn vị chưa gửi báo cáo khẩn trương gửi báo cáo về $0 để tổng hợp.",
        "Agencies that have not reported should send their reports to the $0 without delay."}},
      {"draft_recommend_overdue",
       {"Đề nghị các cơ quan chủ trì các nhiệm vụ quá hạn khẩn trương triển khai và báo cáo kết "
        "quả thực hiện.",
        "Lead agencies of overdue tasks should carry them out and report without delay."}},
      {"draft_recommend_breakdown",
       {"Đề nghị các cơ quan, đơn vị báo cáo số liệu phân tổ theo giới tính, nhóm tuổi, dân "
        "tộc, tôn giáo theo yêu cầu của Kế hoạch.",
        "Agencies should break their figures down by sex, age group, ethnicity and religion as "
        "the plan requires."}},
      {"draft_no_recommendations", {"Không có.", "None."}},
      {"draft_recipient_report", {"$0 (để báo cáo);", "$0 (for information);"}},
      {"draft_recipient_file", {"Lưu: VT.", "File."}},
      {"draft_director", {"GIÁM ĐỐC", "DIRECTOR"}},
      {"draft_head", {"THỦ TRƯỞNG CƠ QUAN", "HEAD OF AGENCY"}},
      // Why a figure is not available ($0, $1 …: absl::Substitute).
      {"note_not_reported",
       {"Chưa có báo cáo nào cung cấp số liệu này", "No report gives this figure"}},
      {"note_not_aggregated",
       {"Chỉ tiêu này không được tổng hợp", "This indicator is not rolled up"}},
      {"note_numerator_not_disaggregated",
       {"Không tính được: tử số ($0) không được phân tổ theo $1",
        "Cannot be computed: the numerator ($0) is not broken down by $1"}},
      {"note_denominator_not_disaggregated",
       {"Không tính được: mẫu số ($0) không được phân tổ theo $1",
        "Cannot be computed: the denominator ($0) is not broken down by $1"}},
      {"note_numerator_not_reported",
       {"Không tính được: chưa có báo cáo nào cung cấp tử số ($0)",
        "Cannot be computed: no report gives the numerator ($0)"}},
      {"note_denominator_not_reported",
       {"Chưa có báo cáo nào cung cấp mẫu số ($0)", "No report gives the denominator ($0)"}},
      {"note_parts_apart",
       {"Không tính được: tử số ($0) có trong $1 báo cáo, mẫu số ($2) có trong $3 báo cáo",
        "Cannot be computed: the numerator ($0) is in $1 reports, the denominator ($2) in $3"}},
      {"note_denominator_zero",
       {"Không tính được: mẫu số ($0) bằng 0", "Cannot be computed: the denominator ($0) is 0"}},
      {"note_partial",
       {"Gồm số liệu của $0/$1 cơ quan; các cơ quan còn lại không phân tổ theo $2",
        "Covers $0 of $1 agencies; the others did not break it down by $2"}},
      {"note_suppressed_small",
       {"Không công bố: số nhỏ hơn $0, để bảo vệ thông tin cá nhân",
        "Withheld: below $0, to protect personal information"}},
      {"note_suppressed_complementary",
       {"Không công bố: để không suy ra được số liệu không công bố khác",
        "Withheld so that another withheld figure cannot be worked out"}},
  };
  return *phrases;
}

}  // namespace

std::string Text(absl::string_view key, absl::string_view language) {
  // States are named in the shared vocabulary.
  if (key == "awaiting_review" || key == "returned") {
    return LabelOf(key == "returned" ? v1::REPORTER_STATE_RETURNED
                                     : v1::REPORTER_STATE_AWAITING_REVIEW,
                   language == "en" ? Language::kEnglish : Language::kVietnamese);
  }
  auto it = Phrases().find(std::string(key));
  if (it == Phrases().end()) return std::string(key);
  return language == "en" ? it->second.en : it->second.vi;
}

std::vector<std::pair<const char*, int>> CompletenessCounts(const v1::CompletenessResponse& c) {
  return {{"expected", c.expected()},   {"received", c.received()},
          {"on_time", c.on_time()},     {"late", c.late()},
          {"missing", c.missing()},     {"awaiting_review", c.awaiting_review()},
          {"returned", c.returned()}};
}

std::string ProgressLabel(v1::ProgressStatus status, absl::string_view language) {
  return LabelOf(status, language == "en" ? Language::kEnglish : Language::kVietnamese);
}

std::string ReporterStateLabel(v1::ReporterState state, absl::string_view language) {
  if (state == v1::REPORTER_STATE_UNSPECIFIED) state = v1::REPORTER_STATE_NOT_SUBMITTED;
  return LabelOf(state, language == "en" ? Language::kEnglish : Language::kVietnamese);
}

std::string DirectionLabel(v1::Direction direction, absl::string_view language) {
  bool en = language == "en";
  switch (direction) {
    case v1::DIRECTION_UP: return en ? "Up" : "Tăng";
    case v1::DIRECTION_DOWN: return en ? "Down" : "Giảm";
    default: return "";
  }
}

}  // namespace tonghop::aggregation
