#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DOCUMENT_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DOCUMENT_H_

// Reading the plain text of a published plan: its header (symbol, date,
// title, the decision it implements, years, reporting schedule) and its task
// list, either narrative items with "- Cơ quan chủ trì:" lines or an appendix
// table pasted as tab-separated rows.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/registry/plan_import/report_builder.h"
#include "services/registry/plan_import/table.h"
#include "tonghop/v1/plan.pb.h"

namespace tonghop::plan_import {

// What the document says about itself.
struct DocumentHeader {
  std::string symbol;       // "74/KH-UBND"
  int year = 0, month = 0, day = 0;  // date of issue
  std::string title;
  std::string implements;   // "2715/QĐ-TTg"
  int first_year = 0, last_year = 0;  // 0 when the document does not say
  std::vector<tonghop::v1::ReportingRound> schedule;
};

// The result of reading a document's text.
struct ParsedDocument {
  DocumentHeader header;
  std::vector<RawTask> tasks;
  bool from_table = false;  // tasks read from an appendix table
};

// Reads the header of a plan from its lines (symbol, date, "KẾ HOẠCH" and
// the title after it, "Quyết định số …" implemented, years in the title)
// and its reporting schedule from the body ("định kỳ báo cáo … trước ngày
// 05/11 hàng năm" → an annual round due 5 Nov; "trước ngày 20/11 hàng năm
// … tổng hợp … báo cáo Bộ Tư pháp" → its compile date; "định kỳ 06 tháng" →
// semi-annual). Marks the lines it used. Pure apart from `report`.
DocumentHeader ReadHeader(const std::vector<std::string>& lines, ReportBuilder* report);

// Reads a whole document: the header and the task list. When the text holds
// an appendix table (a tab-separated header row STT, Nhiệm vụ, Cơ quan chủ
// trì …), the tasks are its rows and the body is reported as ignored;
// otherwise they are the narrative items of the section whose items carry
// "- Cơ quan chủ trì:" lines (the section heading itself is not a task when
// it is the only one). Sections without such lines ("I. MỤC ĐÍCH, YÊU
// CẦU", "III. TỔ CHỨC THỰC HIỆN") are reported as ignored.
ParsedDocument ReadDocument(const std::vector<std::string>& lines, ReportBuilder* report);

// The schedule sentences of `text` as rounds (exposed for tests).
std::vector<tonghop::v1::ReportingRound> ReadSchedule(
    const std::vector<std::pair<int, std::string>>& lines, std::vector<int>* used_lines);

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DOCUMENT_H_
