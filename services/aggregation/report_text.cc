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
      {"feed_position", {"vị trí dữ liệu", "feed position"}},
      {"feed_position_label", {"Vị trí dữ liệu", "Feed position"}},
      {"completeness", {"I. TÌNH HÌNH GỬI BÁO CÁO", "I. REPORTS RECEIVED"}},
      {"expected", {"Số cơ quan phải báo cáo", "Agencies expected to report"}},
      {"received", {"Đã nhận", "Received"}},
      {"on_time", {"Đúng hạn", "On time"}},
      {"late", {"Quá hạn", "Late"}},
      {"missing", {"Chưa báo cáo", "Not reported"}},

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
      {"sheet_statistics", {"Số liệu", "Statistics"}},
      {"sheet_tasks", {"Nhiệm vụ", "Tasks"}},
      {"sheet_reporters", {"Cơ quan báo cáo", "Reporters"}},
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

std::string DateText(const google::type::Date& date, absl::string_view language) {
  if (date.year() == 0) return "";
  if (language == "en") {
    return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
  }
  return absl::StrFormat("%02d/%02d/%04d", date.day(), date.month(), date.year());
}

}  // namespace tonghop::aggregation
