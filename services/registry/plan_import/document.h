#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DOCUMENT_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DOCUMENT_H_

// Reading the plain text of a published plan: its header (symbol, date,
// title, the decision it implements, years, reporting schedule) and its task
// list: an appendix table however it was pasted (see pasted_tables.h), or
// the numbered items of the body, with their agencies in field lines ("-
// Cơ quan chủ trì:", "- Đơn vị thực hiện:", "- Trách nhiệm thực hiện:"), in
// the task's sentence ("Sở Tư pháp chủ trì, phối hợp với …"), or as headings
// the tasks are grouped under ("1. Sở Tư pháp: a) …; b) …").

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/registry/plan_import/agency_resolver.h"
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
  // Every round the body states; a round without `due` names its period
  // only (the caller reports it as a gap).
  std::vector<tonghop::v1::ReportingRound> schedule;
  std::vector<int> schedule_lines;  // the line of each round, parallel
  int body_start = 0;  // 0-based index of the first line after the title
};

// The result of reading a document's text.
struct ParsedDocument {
  DocumentHeader header;
  std::vector<RawTask> tasks;
  bool from_table = false;  // tasks read from an appendix table
};

// How to read a document.
struct DocumentOptions {
  // Resolves agency names, to find agencies in a task's sentence and tasks
  // grouped under agencies, and to lay out one-cell-per-line tables. May be
  // null: those layouts are then not recognised.
  const AgencyResolver* resolver = nullptr;
  // The table cells come from a Word file: their <p> blocks are the cell's
  // own paragraphs, not markup pasted with them.
  bool cells_are_markup = false;
};

// Reads the header of a plan from its lines (symbol, date, "KẾ HOẠCH" or
// "CHƯƠNG TRÌNH" and the title after it, also after a decision that issues
// the plan, "Quyết định số …" implemented, years in the title) and its
// reporting schedule from the body (see schedule.h). Marks the lines it
// used. Pure apart from `report`.
DocumentHeader ReadHeader(const std::vector<std::string>& lines, ReportBuilder* report);

// Reads a whole document: the header and the task list. When the text holds
// an appendix table (a tab-separated header row STT, Nhiệm vụ, Cơ quan chủ
// trì …), the tasks are its rows and the body is reported as ignored;
// otherwise they are the narrative items of the section whose items carry
// "- Cơ quan chủ trì:" lines (the section heading itself is not a task when
// it is the only one). Sections without such lines ("I. MỤC ĐÍCH, YÊU
// CẦU", "III. TỔ CHỨC THỰC HIỆN") are reported as ignored.
//
// Without a table and without field lines, numbered items whose sentence
// names their agencies ("Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ tổ chức
// …") are tasks; without those either, items that name agencies ("1. Sở Tư
// pháp:", "2. Ủy ban nhân dân các xã, phường có trách nhiệm:") are the
// headings their sub-items and bullets are the tasks of. A deadline written
// in the sentence ("Thời gian thực hiện: Quý II/2026", "hoàn thành trước
// ngày 30/6/2026") is the task's deadline.
ParsedDocument ReadDocument(const std::vector<std::string>& lines, ReportBuilder* report,
                            const DocumentOptions& options = DocumentOptions());

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DOCUMENT_H_
