#include "services/registry/plan_import/plan_importer.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/csv.h"
#include "services/common/errors.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/registry/plan_import/agency_resolver.h"
#include "services/registry/plan_import/assignments.h"
#include "services/registry/plan_import/deadline.h"
#include "services/registry/plan_import/diagnostics.h"
#include "services/registry/plan_import/document_files.h"
#include "services/registry/plan_import/document.h"
#include "services/registry/plan_import/outline.h"
#include "services/registry/plan_import/report_builder.h"
#include "services/registry/plan_import/table.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

using ::tonghop::v1::Agency;
using ::tonghop::v1::Assignment;
using ::tonghop::v1::Deadline;
using ::tonghop::v1::ImportFormat;
using ::tonghop::v1::ImportPlanResponse;
using ::tonghop::v1::ImportReport;
using ::tonghop::v1::PlanBundle;
using ::tonghop::v1::Task;

constexpr size_t kMaxCandidates = 3;
constexpr int kHeaderSearchRows = 10;

int Depth(absl::string_view outline) {
  return static_cast<int>(std::count(outline.begin(), outline.end(), '.')) + 1;
}

void CountLevels(ImportReport* report, const PlanBundle& bundle) {
  std::map<int, int> levels;
  for (const Task& t : bundle.tasks()) ++levels[Depth(t.outline())];
  for (const auto& [level, count] : levels) {
    auto* lc = report->add_level_counts();
    lc->set_level(level);
    lc->set_count(count);
  }
  report->set_task_count(bundle.tasks_size());
}

std::string FirstNonEmptyLine(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!CollapseWhitespace(line).empty()) return std::string(line);
  }
  return "";
}

absl::StatusOr<ImportPlanResponse> ParseJson(const std::string& text,
                                             const ImportOptions& options) {
  ImportPlanResponse response;
  google::protobuf::util::JsonParseOptions json_options;
  auto status = google::protobuf::util::JsonStringToMessage(text, response.mutable_bundle(),
                                                            json_options);
  if (!status.ok()) {
    return InvalidField("content",
                        absl::StrCat("not a PlanBundle in JSON: ", status.ToString()),
                        "CONTENT_MALFORMED");
  }
  ImportReport* report = response.mutable_report();
  report->set_format(tonghop::v1::IMPORT_FORMAT_JSON);
  CountLevels(report, response.bundle());
  if (!options.agencies.empty()) {
    std::set<std::string> known;
    for (const Agency& a : options.agencies) known.insert(a.name());
    AgencyResolver resolver(options.agencies, options.issuer);
    for (const Task& t : response.bundle().tasks()) {
      for (const auto* list : {&t.lead(), &t.coordinating()}) {
        for (const Assignment& a : *list) {
          if (a.has_group() || known.count(a.agency()) > 0) continue;
          auto* u = report->add_unresolved_agencies();
          u->set_text(a.agency());
          u->set_task(t.name());
          for (std::string& c : resolver.Candidates(IdOf(a.agency()), kMaxCandidates)) {
            u->add_candidates(std::move(c));
          }
        }
      }
    }
  }
  *report->mutable_counts() = CountImport(response.bundle(), *report);
  return response;
}

// Reads CSV/TSV content: the header row and the data rows.
absl::StatusOr<std::vector<RawTask>> ReadCsv(const std::string& text, ReportBuilder* report) {
  // The header is usually the first line; a saved sheet may have a title or
  // two above it.
  std::string first = FirstNonEmptyLine(text);
  char delimiter = HeaderDelimiter(first);
  int seen = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (delimiter != 0 || seen >= kHeaderSearchRows) break;
    if (CollapseWhitespace(line).empty()) continue;
    ++seen;
    delimiter = HeaderDelimiter(line);
  }
  if (delimiter == 0) {
    // Say which columns are missing under the likeliest delimiter.
    char best = ',';
    size_t best_count = 0;
    for (char d : {'\t', ';', ','}) {
      std::vector<std::string> cells = absl::StrSplit(first, d);
      size_t count = 0;
      for (Column c : HeaderColumns(cells)) count += c != Column::kOther ? 1 : 0;
      if (count > best_count) {
        best = d;
        best_count = count;
      }
    }
    std::vector<std::string> cells = absl::StrSplit(first, best);
    std::vector<Column> columns = HeaderColumns(cells);
    std::vector<std::string> missing;
    for (Column c : {Column::kStt, Column::kTask, Column::kLead}) {
      if (std::find(columns.begin(), columns.end(), c) == columns.end()) {
        missing.emplace_back(ColumnName(c));
      }
    }
    if (missing.empty()) missing.emplace_back("a recognisable header row");
    return InvalidField(
        "content",
        absl::StrCat("the table's first row is not the appendix header: no column for ",
                     absl::StrJoin(missing, ", "), " (first row: \"",
                     TruncateUtf8(CollapseWhitespace(first), 160),
                     "\"); the header needs STT, Nhiệm vụ and Cơ quan chủ trì"),
        "TABLE_COLUMNS_MISSING");
  }
  ASSIGN_OR_RETURN(std::vector<RawRow> rows, ParseDelimited(text, delimiter));
  size_t h = 0;
  while (h < rows.size() && !IsHeaderRow(rows[h].cells)) {
    for (int l = rows[h].line; l <= rows[h].last_line; ++l) {
      report->Ignore(l, "text above the table's header row");
    }
    ++h;
  }
  if (h >= rows.size()) {
    return InvalidField("content", "no header row (STT, Nhiệm vụ, Cơ quan chủ trì …) found",
                        "TABLE_COLUMNS_MISSING");
  }
  std::vector<Column> columns = HeaderColumns(rows[h].cells);
  std::vector<std::string> missing;
  for (Column c : {Column::kStt, Column::kTask, Column::kLead}) {
    if (std::find(columns.begin(), columns.end(), c) == columns.end()) {
      missing.emplace_back(ColumnName(c));
    }
  }
  if (!missing.empty()) {
    return InvalidField("content",
                        absl::StrCat("the table has no column for ", absl::StrJoin(missing, ", "),
                                     "; the header needs STT, Nhiệm vụ and Cơ quan chủ trì"),
                        "TABLE_COLUMNS_MISSING");
  }
  for (int l = rows[h].line; l <= rows[h].last_line; ++l) report->Use(l);
  for (Column c : {Column::kCoordinating, Column::kResult, Column::kDeadline}) {
    if (std::find(columns.begin(), columns.end(), c) == columns.end()) {
      report->Warning(rows[h].line, absl::StrCat("the table has no \"", ColumnName(c),
                                                 "\" column; those fields stay empty"));
    }
  }
  std::vector<RawRow> data(rows.begin() + static_cast<long>(h) + 1, rows.end());
  return ReadTableRows(rows[h].cells, data, report);
}

std::string DescribeDeadlineYears(int first, int last) {
  return first == last ? absl::StrCat(first) : absl::StrCat(first, "-", last);
}

}  // namespace

namespace {

bool ValidMonthDay(const tonghop::v1::RelativeDate& d) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return d.month() >= 1 && d.month() <= 12 && d.day() >= 1 && d.day() <= kDays[d.month() - 1];
}

// The registry's agencies with the supplied mappings added as aliases, so
// that the names resolve as they will once the aliases are stored.
std::vector<Agency> WithMappings(const ImportOptions& options, ReportBuilder* builder,
                                 std::vector<tonghop::v1::ImportDiagnostic>* problems) {
  std::vector<Agency> agencies = options.agencies;
  for (const auto& mapping : options.supplement.agency_mappings()) {
    std::string name = absl::StartsWith(mapping.agency(), "agencies/")
                           ? mapping.agency()
                           : absl::StrCat("agencies/", mapping.agency());
    auto it = std::find_if(agencies.begin(), agencies.end(),
                           [&](const Agency& a) { return a.name() == name; });
    if (it == agencies.end() || CollapseWhitespace(mapping.text()).empty()) {
      problems->push_back(SupplementGap(
          "supplement.agency_mappings",
          absl::StrCat("Không dùng được ánh xạ \"", mapping.text(), "\" → \"", mapping.agency(),
                       "\": ",
                       it == agencies.end() ? "không có cơ quan này trong danh mục."
                                            : "thiếu tên trong văn bản."),
          absl::StrCat("mapping \"", mapping.text(), "\" → \"", mapping.agency(),
                       "\" is unusable: ",
                       it == agencies.end() ? "no such agency" : "empty name")));
      continue;
    }
    it->add_aliases(CollapseWhitespace(mapping.text()));
    builder->Warning(0, absl::StrCat("\"", mapping.text(), "\" read as ", name,
                                     " (supplied mapping)"));
  }
  return agencies;
}

// Plan id "{issuer-id}-{number}-{year}" from the symbol and date, or "".
std::string DerivePlanId(const std::string& issuer, const DocumentHeader& header) {
  std::string number;
  for (char ch : header.symbol) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(ch))) break;
    number.push_back(ch);
  }
  int year = header.year > 0 ? header.year : header.first_year;
  if (number.empty() || year == 0) return "";
  std::string id = absl::StrCat(IdOf(issuer), "-", number, "-", year);
  return IsValidSlugId(id) ? id : "";
}

}  // namespace

absl::StatusOr<ImportPlanResponse> ParseImportRequest(
    const tonghop::v1::ImportPlanRequest& request, const std::vector<Agency>& agencies) {
  ImportOptions options;
  options.format = request.format();
  options.issuer = request.issuer();
  options.plan_id = request.plan_id();
  options.agencies = agencies;
  options.supplement = request.supplement();
  return ParsePlan(request.content(), options);
}

absl::StatusOr<ImportPlanResponse> ParsePlan(absl::string_view content,
                                             const ImportOptions& options) {
  if (!tonghop::v1::ImportFormat_IsValid(options.format)) {
    return InvalidField("format", absl::StrCat("unknown import format ", options.format));
  }
  // Word and PDF files become text first; the report keeps their format.
  ImportFormat format = options.format;
  ImportFormat file_format = tonghop::v1::IMPORT_FORMAT_UNSPECIFIED;
  std::string extracted;
  absl::string_view input = content;
  if (format == tonghop::v1::IMPORT_FORMAT_DOCX ||
      (format == tonghop::v1::IMPORT_FORMAT_UNSPECIFIED && LooksLikeZip(content))) {
    ASSIGN_OR_RETURN(extracted, DocxToText(content));
    file_format = tonghop::v1::IMPORT_FORMAT_DOCX;
  } else if (format == tonghop::v1::IMPORT_FORMAT_PDF ||
             (format == tonghop::v1::IMPORT_FORMAT_UNSPECIFIED && LooksLikePdf(content))) {
    ASSIGN_OR_RETURN(extracted, PdfToText(content));
    file_format = tonghop::v1::IMPORT_FORMAT_PDF;
  }
  if (file_format != tonghop::v1::IMPORT_FORMAT_UNSPECIFIED) {
    input = extracted;
    format = tonghop::v1::IMPORT_FORMAT_TEXT;
  }
  ASSIGN_OR_RETURN(std::string text, CleanContent(input));
  if (format == tonghop::v1::IMPORT_FORMAT_UNSPECIFIED) {
    absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(text);
    if (absl::StartsWith(trimmed, "{")) {
      format = tonghop::v1::IMPORT_FORMAT_JSON;
    } else if (HeaderDelimiter(FirstNonEmptyLine(text)) != 0) {
      format = tonghop::v1::IMPORT_FORMAT_CSV;
    } else {
      format = tonghop::v1::IMPORT_FORMAT_TEXT;
    }
  }
  if (format == tonghop::v1::IMPORT_FORMAT_JSON) return ParseJson(text, options);

  if (options.issuer.empty()) {
    return InvalidField("issuer",
                        "required for text and CSV imports: the issuing agency, e.g. "
                        "agencies/dong-nai");
  }
  {
    AgencyResolver plain(options.agencies, options.issuer);
    if (plain.Find(options.issuer) == nullptr) {
      return InvalidField("issuer", absl::StrCat(options.issuer,
                                                 " is not among the registry's agencies"));
    }
  }
  if (!options.plan_id.empty() && !IsValidSlugId(options.plan_id)) {
    return InvalidField("plan_id", absl::StrCat("\"", options.plan_id,
                                                "\" is not a valid id: lowercase letters, "
                                                "digits and hyphens, at most 63"));
  }
  bool table_only = format == tonghop::v1::IMPORT_FORMAT_CSV;

  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  ReportBuilder builder(lines);
  std::vector<tonghop::v1::ImportDiagnostic> gaps;
  AgencyResolver resolver(WithMappings(options, &builder, &gaps), options.issuer);
  ParsedDocument doc;
  if (table_only) {
    ASSIGN_OR_RETURN(doc.tasks, ReadCsv(text, &builder));
    doc.from_table = true;
  } else {
    DocumentOptions document_options;
    document_options.resolver = &resolver;
    document_options.cells_are_markup = file_format == tonghop::v1::IMPORT_FORMAT_DOCX;
    doc = ReadDocument(lines, &builder, document_options);
  }
  if (doc.tasks.empty()) gaps.push_back(NoTasksGap(table_only));

  ImportPlanResponse response;
  ImportReport* report = response.mutable_report();
  report->set_format(file_format != tonghop::v1::IMPORT_FORMAT_UNSPECIFIED ? file_format : format);
  tonghop::v1::Plan* plan = response.mutable_bundle()->mutable_plan();
  const DocumentHeader& header = doc.header;
  const tonghop::v1::ImportSupplement& supplement = options.supplement;

  // The plan id: given, or "{issuer-id}-{number}-{year}"; a dry run of a
  // document that shows neither goes on under a stand-in id.
  std::string plan_id = options.plan_id;
  if (plan_id.empty()) {
    DocumentHeader for_id = header;
    if (for_id.symbol.empty()) for_id.symbol = supplement.symbol();
    if (for_id.first_year == 0) for_id.first_year = supplement.first_year();
    plan_id = DerivePlanId(options.issuer, for_id);
  }
  if (plan_id.empty()) {
    if (table_only) {
      return InvalidField("plan_id",
                          "required here: the content has no document symbol (\"Số: 74/KH-UBND\") "
                          "and date to derive the plan id from");
    }
    plan_id = absl::StrCat(IdOf(options.issuer), "-ke-hoach-moi");
    gaps.push_back(PlanIdGap(plan_id));
  }
  plan->set_name(MakeName("plans", plan_id));
  plan->set_symbol(!supplement.symbol().empty() ? supplement.symbol() : header.symbol);
  plan->set_title(!supplement.title().empty() ? supplement.title() : header.title);
  plan->set_issuer(options.issuer);
  if (header.year > 0) {
    plan->mutable_issued_on()->set_year(header.year);
    plan->mutable_issued_on()->set_month(header.month);
    plan->mutable_issued_on()->set_day(header.day);
  }
  plan->set_implements(header.implements);
  plan->set_compiler(resolver.IssuerFocalAgency());

  // The schedule: supplied, else as read; a round without a due date is a gap.
  if (supplement.schedule_size() > 0) {
    bool usable = true;
    for (const auto& round : supplement.schedule()) {
      if (round.period_type() == tonghop::v1::PERIOD_TYPE_UNSPECIFIED || !round.has_due() ||
          !ValidMonthDay(round.due()) ||
          (round.has_compile_due() && !ValidMonthDay(round.compile_due()))) {
        usable = false;
      }
    }
    if (usable) {
      for (const auto& round : supplement.schedule()) *plan->add_schedule() = round;
      builder.Warning(0, "reporting schedule as supplied, not as read from the document");
    } else {
      gaps.push_back(SupplementGap(
          "supplement.schedule",
          "Lịch báo cáo bổ sung không hợp lệ: mỗi kỳ cần loại kỳ và hạn nộp (ngày/tháng có thật).",
          "the supplied schedule has a round without a period or a valid due date"));
    }
  } else if (!table_only) {
    for (size_t i = 0; i < header.schedule.size(); ++i) {
      const auto& round = header.schedule[i];
      if (round.has_due() && ValidMonthDay(round.due())) {
        *plan->add_schedule() = round;
        continue;
      }
      int line = i < header.schedule_lines.size() ? header.schedule_lines[i] : 0;
      bool already = std::any_of(gaps.begin(), gaps.end(), [&](const auto& g) {
        return g.code() == kGapScheduleDue && g.line() == line &&
               g.message() == ScheduleDueGap(round.period_type(), line, "").message();
      });
      if (!already) gaps.push_back(ScheduleDueGap(round.period_type(), line, round.source_text()));
    }
    if (header.schedule.empty()) gaps.push_back(ScheduleMissingGap());
  }

  if (table_only) {
    builder.Warning(0, "a table alone carries no plan header: symbol, title, date, years "
                       "and reporting schedule are empty");
  } else {
    if (plan->symbol().empty()) gaps.push_back(SymbolGap());
    if (plan->title().empty()) gaps.push_back(TitleGap());
    if (header.year == 0) builder.Warning(0, "no date of issue (\"…, ngày … tháng … năm …\") found");
  }

  // The outline.
  std::vector<std::string> codes;
  for (const RawTask& raw : doc.tasks) codes.push_back(raw.code);
  OutlineTree tree = BuildOutline(codes);
  for (const OutlineNote& note : tree.notes) {
    int line = doc.tasks[static_cast<size_t>(note.item)].line;
    if (note.repair) {
      builder.Repair(line, note.message);
    } else {
      builder.Warning(line, note.message);
    }
  }
  std::vector<std::string> outlines;
  std::set<std::string> taken;
  for (size_t i = 0; i < doc.tasks.size(); ++i) {
    // Parents come first, so a renamed parent renames its children too.
    int parent_item = tree.parent[i];
    std::string component = tree.reading[i].Component();
    std::string outline =
        parent_item >= 0 ? absl::StrCat(outlines[static_cast<size_t>(parent_item)], ".", component)
                         : component;
    if (!IsValidOutlineCode(outline)) {
      std::string replacement = absl::StrCat("X", i + 1);
      builder.Warning(doc.tasks[i].line,
                      absl::StrCat("outline \"", outline, "\" is not usable; task numbered \"",
                                   replacement, "\""));
      outline = replacement;
    }
    if (taken.count(outline) > 0) {
      std::string unique;
      for (int k = 2;; ++k) {
        unique = absl::StrCat(outline, "x", k);
        if (taken.count(unique) == 0) break;
      }
      builder.Warning(doc.tasks[i].line,
                      absl::StrCat("outline \"", outline, "\" appears twice; this task is \"",
                                   unique, "\""));
      outline = unique;
    }
    taken.insert(outline);
    outlines.push_back(std::move(outline));
  }

  // Supplied deadlines, by outline.
  std::map<std::string, std::string> supplied_deadlines;
  for (const auto& d : supplement.task_deadlines()) {
    if (taken.count(d.task()) == 0) {
      gaps.push_back(SupplementGap(
          "supplement.task_deadlines",
          absl::StrCat("Thời hạn bổ sung cho nhiệm vụ \"", d.task(),
                       "\" không dùng được: kế hoạch không có nhiệm vụ này."),
          absl::StrCat("supplied deadline for task \"", d.task(), "\": no such task")));
      continue;
    }
    supplied_deadlines[d.task()] = d.text();
  }

  // Supplied leads, by outline; an agency's resource name stands for its
  // registry name.
  std::map<std::string, std::string> supplied_leads;
  for (const auto& l : supplement.task_leads()) {
    if (taken.count(l.task()) == 0) {
      gaps.push_back(SupplementGap(
          "supplement.task_leads",
          absl::StrCat("Cơ quan chủ trì bổ sung cho nhiệm vụ \"", l.task(),
                       "\" không dùng được: kế hoạch không có nhiệm vụ này."),
          absl::StrCat("supplied lead for task \"", l.task(), "\": no such task")));
      continue;
    }
    const Agency* named = absl::StartsWith(l.text(), "agencies/") ? resolver.Find(l.text()) : nullptr;
    supplied_leads[l.task()] = named != nullptr ? named->display_name() : l.text();
  }
  std::vector<bool> has_children(doc.tasks.size(), false);
  for (int p : tree.parent) {
    if (p >= 0) has_children[static_cast<size_t>(p)] = true;
  }

  // The tasks.
  std::vector<std::string> without_deadline;
  std::vector<int> deadline_years;
  struct Unresolved {
    std::string first_task, outline;
    int index = 0, line = 0;
    std::vector<std::string> outlines;
  };
  std::map<std::string, Unresolved> unresolved_names;
  std::vector<std::string> unresolved_order;
  for (size_t i = 0; i < doc.tasks.size(); ++i) {
    const RawTask& raw = doc.tasks[i];
    Task* task = response.mutable_bundle()->add_tasks();
    task->set_outline(outlines[i]);
    task->set_name(MakeTaskName(plan_id, outlines[i]));
    task->set_title(Flatten(raw.title));
    int parent = tree.parent[i];
    if (parent >= 0) task->set_parent(MakeTaskName(plan_id, outlines[static_cast<size_t>(parent)]));
    task->set_sequence(static_cast<int>(i) + 1);
    task->set_printed_code(CollapseWhitespace(raw.printed.empty() ? raw.code : raw.printed));
    if (task->title().empty()) {
      builder.Warning(raw.line, absl::StrCat("task ", outlines[i], " has no title"));
    }

    std::string lead_text = raw.lead;
    if (auto supplied = supplied_leads.find(outlines[i]); supplied != supplied_leads.end()) {
      lead_text = supplied->second;
      builder.Warning(raw.line, absl::StrCat("task ", outlines[i], ": lead as supplied, \"",
                                             supplied->second, "\""));
    }
    ParsedAssignments lead = ParseAssignments(lead_text, AssignmentRole::kLead, resolver);
    ParsedAssignments coord =
        ParseAssignments(raw.coordinating, AssignmentRole::kCoordinating, resolver);
    for (auto& a : lead.lead) *task->add_lead() = std::move(a);
    for (auto& a : lead.coordinating) *task->add_coordinating() = std::move(a);
    for (auto& a : coord.lead) *task->add_lead() = std::move(a);
    for (auto& a : coord.coordinating) *task->add_coordinating() = std::move(a);
    for (const ParsedAssignments* parsed : {&lead, &coord}) {
      for (const std::string& name : parsed->unresolved) {
        auto* u = report->add_unresolved_agencies();
        u->set_text(name);
        u->set_task(task->name());
        for (std::string& c : resolver.Candidates(name, kMaxCandidates)) {
          u->add_candidates(std::move(c));
        }
        std::string key = NormalizeKey(name);
        auto [it, inserted] = unresolved_names.try_emplace(key);
        if (inserted) {
          it->second.first_task = task->name();
          it->second.outline = outlines[i];
          it->second.index = static_cast<int>(i);
          it->second.line = raw.line;
          unresolved_order.push_back(key);
        }
        it->second.outlines.push_back(outlines[i]);
      }
      for (const std::string& w : parsed->warnings) {
        builder.Warning(raw.line, absl::StrCat("task ", outlines[i], ": ", w));
      }
    }
    for (const auto* list : {&task->lead(), &task->coordinating()}) {
      for (const Assignment& a : *list) {
        if (a.has_group() && a.group().kind() == tonghop::v1::AGENCY_KIND_MINISTRY) {
          builder.Warning(raw.line,
                          absl::StrCat("task ", outlines[i], ": \"", a.group().label(),
                                       "\" names national bodies, outside the province; "
                                       "recorded as an open group (nobody counted missing)"));
        }
      }
    }
    // A task nobody leads is reported on by nobody: the official names the
    // lead (a name that did not resolve is already a gap of its own).
    if (!has_children[i] && task->lead_size() == 0 && lead.unresolved.empty()) {
      // In a table, the nearest lead above, over rows that name none,
      // within the group: the text of a cell merged over these rows.
      std::string above;
      for (size_t k = i; doc.from_table && k > 0 && above.empty() && !has_children[k - 1]; --k) {
        above = std::string(absl::StripTrailingAsciiWhitespace(
            absl::StripSuffix(Flatten(doc.tasks[k - 1].lead), ".")));
      }
      gaps.push_back(
          TaskLeadGap(task->name(), outlines[i], static_cast<int>(i), raw.line, above));
    }
    for (std::string& r : SplitResults(raw.results)) task->add_expected_results(std::move(r));
    Deadline deadline = ParseDeadline(Flatten(raw.deadline));
    auto supplied = supplied_deadlines.find(outlines[i]);
    if (supplied != supplied_deadlines.end()) {
      Deadline replacement = ParseDeadline(supplied->second);
      if (replacement.kind() == tonghop::v1::DEADLINE_KIND_UNSPECIFIED) {
        gaps.push_back(SupplementGap(
            "supplement.task_deadlines",
            absl::StrCat("Không đọc được thời hạn bổ sung cho nhiệm vụ ", outlines[i], ": \"",
                         supplied->second, "\"."),
            absl::StrCat("supplied deadline \"", supplied->second, "\" of task ", outlines[i],
                         " could not be read")));
      } else {
        deadline = std::move(replacement);
        builder.Warning(raw.line, absl::StrCat("task ", outlines[i], ": deadline as supplied, \"",
                                               supplied->second, "\""));
      }
    }
    if (!deadline.source_text().empty() &&
        deadline.kind() == tonghop::v1::DEADLINE_KIND_UNSPECIFIED) {
      gaps.push_back(TaskDeadlineGap(task->name(), outlines[i], static_cast<int>(i), raw.line,
                                     deadline.source_text()));
    }
    if (deadline.source_text().empty() && task->lead_size() + task->coordinating_size() > 0) {
      without_deadline.push_back(outlines[i]);
    }
    for (int y : DeadlineYears(deadline)) deadline_years.push_back(y);
    if (deadline.source_text().empty()) {
      task->clear_deadline();
    } else {
      *task->mutable_deadline() = std::move(deadline);
    }
  }
  for (const std::string& key : unresolved_order) {
    const Unresolved& u = unresolved_names[key];
    std::string text;
    for (const auto& entry : report->unresolved_agencies()) {
      if (NormalizeKey(entry.text()) == key) {
        text = entry.text();
        break;
      }
    }
    gaps.push_back(AgencyGap(text, u.first_task, absl::StrJoin(u.outlines, ", "), u.index, u.line,
                             resolver.Candidates(text, kMaxCandidates)));
  }
  if (!without_deadline.empty()) {
    builder.Warning(0, absl::StrCat("no deadline given for ", without_deadline.size(),
                                    " task(s): ", absl::StrJoin(without_deadline, ", ")));
  }

  // The years covered: supplied, as stated, else inferred.
  if (supplement.first_year() > 0) {
    plan->set_first_year(supplement.first_year());
    plan->set_last_year(std::max(supplement.first_year(), supplement.last_year()));
  } else if (header.first_year > 0) {
    plan->set_first_year(header.first_year);
    plan->set_last_year(header.last_year);
  } else {
    int first = header.year;
    if (first == 0 && !deadline_years.empty()) {
      first = *std::min_element(deadline_years.begin(), deadline_years.end());
    }
    if (first > 0) {
      int last = first;
      for (int y : deadline_years) last = std::max(last, y);
      plan->set_first_year(first);
      plan->set_last_year(last);
      builder.Warning(0, absl::StrCat("the document does not state the years it covers; ",
                                      DescribeDeadlineYears(first, last),
                                      " inferred from the date of issue and the task "
                                      "deadlines: check"));
    } else if (!table_only) {
      gaps.push_back(YearsGap());
    }
  }

  CountLevels(report, response.bundle());
  builder.Finish(report);
  for (auto& g : gaps) *report->add_diagnostics() = std::move(g);
  *report->mutable_counts() = CountImport(response.bundle(), *report);
  response.set_committed(false);
  return response;
}

namespace {


std::string GroupLabel(const tonghop::v1::AgencyGroup& group) {
  if (!group.label().empty()) return group.label();
  switch (group.kind()) {
    case tonghop::v1::AGENCY_KIND_COMMUNE:
      return "Ủy ban nhân dân các xã, phường";
    case tonghop::v1::AGENCY_KIND_DISTRICT:
      return "Ủy ban nhân dân các huyện, thị xã, thành phố";
    case tonghop::v1::AGENCY_KIND_MINISTRY:
      return "Các bộ, ngành liên quan";
    default:
      return "Các cơ quan, đơn vị có liên quan";
  }
}

std::string AssignmentsCell(const google::protobuf::RepeatedPtrField<Assignment>& list,
                            const std::map<std::string, const Agency*>& by_name) {
  std::vector<std::string> items;
  for (const Assignment& a : list) {
    std::string name;
    if (a.has_group()) {
      name = GroupLabel(a.group());
    } else {
      auto it = by_name.find(a.agency());
      name = it != by_name.end() ? it->second->display_name() : a.agency();
    }
    std::string item = a.requested() ? absl::StrCat("Đề nghị ", name) : name;
    if (!a.scope_note().empty()) absl::StrAppend(&item, " (", a.scope_note(), ")");
    items.push_back(std::move(item));
  }
  // One per line, without bullets: a line break always separates items on
  // import, while " - " inside a line may be part of a name.
  return absl::StrJoin(items, "\n");
}

std::string DeadlineCell(const Deadline& d) {
  if (!d.source_text().empty()) return d.source_text();
  std::string by = d.requested_by().empty() ? "" : absl::StrCat("theo yêu cầu của ", d.requested_by());
  std::string annual = d.annual() ? " hàng năm" : "";
  switch (d.kind()) {
    case tonghop::v1::DEADLINE_KIND_EVERY_YEAR:
      return "Hàng năm";
    case tonghop::v1::DEADLINE_KIND_YEAR_RANGE: {
      std::string years = d.from_year() == d.to_year()
                              ? absl::StrCat("Năm ", d.from_year())
                              : absl::StrCat(d.from_year(), "-", d.to_year());
      return by.empty() ? absl::StrCat(years, annual) : absl::StrCat(years, ", ", by, annual);
    }
    case tonghop::v1::DEADLINE_KIND_BY_DATE:
      return absl::StrCat("Trước ngày ", d.date().day(), "/", d.date().month(), "/",
                          d.date().year());
    case tonghop::v1::DEADLINE_KIND_ON_REQUEST:
      return by.empty() ? absl::StrCat("Theo yêu cầu", annual)
                        : absl::StrCat("Theo yêu cầu của ", d.requested_by(), annual);
    case tonghop::v1::DEADLINE_KIND_MILESTONES: {
      std::vector<std::string> parts;
      for (const auto& m : d.milestones()) parts.push_back(absl::StrCat(m.label(), ": năm ", m.year()));
      return absl::StrJoin(parts, "; ");
    }
    case tonghop::v1::DEADLINE_KIND_ONGOING:
      return "Thường xuyên";
    default:
      return "";
  }
}

// The code as the table prints it: the printed code when it still reads as
// the outline's last part, else that part ("I" renumbered to "1" prints "1").
std::string PrintedCode(const Task& task) {
  absl::string_view outline = task.outline();
  size_t dot = outline.rfind('.');
  std::string last(dot == absl::string_view::npos ? outline : outline.substr(dot + 1));
  for (const CodeReading& r : ReadCode(task.printed_code())) {
    if (r.Component() == last) return task.printed_code();
  }
  return last == "dd" ? "đ" : last == "DD" ? "Đ" : last;
}

}  // namespace

std::string ExportPlanCsv(const PlanBundle& bundle, const std::vector<Agency>& agencies) {
  std::map<std::string, const Agency*> by_name;
  for (const Agency& a : agencies) by_name[a.name()] = &a;
  std::string out = "\xEF\xBB\xBF";  // byte-order mark: spreadsheets then read UTF-8
  std::vector<std::string> header;
  for (Column c : {Column::kStt, Column::kTask, Column::kLead, Column::kCoordinating,
                   Column::kResult, Column::kDeadline}) {
    header.push_back(CsvField(ColumnName(c)));
  }
  absl::StrAppend(&out, absl::StrJoin(header, ","), "\n");
  std::vector<const Task*> tasks;
  for (const Task& t : bundle.tasks()) tasks.push_back(&t);
  std::stable_sort(tasks.begin(), tasks.end(), [](const Task* a, const Task* b) {
    return a->sequence() < b->sequence();
  });
  for (const Task* t : tasks) {
    std::string results = absl::StrJoin(t->expected_results(), "\n");
    std::vector<std::string> row = {
        CsvField(PrintedCode(*t)),
        CsvField(t->title()),
        CsvField(AssignmentsCell(t->lead(), by_name)),
        CsvField(AssignmentsCell(t->coordinating(), by_name)),
        CsvField(results),
        CsvField(DeadlineCell(t->deadline())),
    };
    absl::StrAppend(&out, absl::StrJoin(row, ","), "\n");
  }
  return out;
}

namespace {

std::string Describe(const Assignment& a) {
  std::string out;
  if (a.has_group()) {
    const auto& g = a.group();
    std::string kind = g.kind() == tonghop::v1::AGENCY_KIND_UNSPECIFIED
                           ? "any"
                           : std::string(absl::StripPrefix(
                                 tonghop::v1::AgencyKind_Name(g.kind()), "AGENCY_KIND_"));
    out = absl::StrCat("group(", kind, g.open() ? " open" : "", " under ", IdOf(g.ancestor()),
                       " \"", g.label(), "\")");
  } else {
    out = IdOf(a.agency());
  }
  if (a.requested()) absl::StrAppend(&out, "[requested]");
  if (!a.scope_note().empty()) absl::StrAppend(&out, "{", a.scope_note(), "}");
  return out;
}

std::string DescribeDeadline(const Deadline& d) {
  if (d.kind() == tonghop::v1::DEADLINE_KIND_UNSPECIFIED) {
    return d.source_text().empty() ? "-" : absl::StrCat("UNRECOGNISED \"", d.source_text(), "\"");
  }
  std::string out(absl::StripPrefix(tonghop::v1::DeadlineKind_Name(d.kind()), "DEADLINE_KIND_"));
  if (d.kind() == tonghop::v1::DEADLINE_KIND_YEAR_RANGE) {
    absl::StrAppend(&out, " ", d.from_year(), "-", d.to_year());
  }
  if (d.has_date()) {
    absl::StrAppend(&out, " ", d.date().year(), "-", d.date().month(), "-", d.date().day());
  }
  for (const auto& m : d.milestones()) absl::StrAppend(&out, " ", m.label(), "=", m.year());
  if (!d.requested_by().empty()) absl::StrAppend(&out, " by \"", d.requested_by(), "\"");
  if (d.annual()) absl::StrAppend(&out, " annual");
  if (d.has_yearly_due()) {
    absl::StrAppend(&out, " by ", d.yearly_due().day(), "/", d.yearly_due().month());
  }
  return out;
}

std::string DescribeList(const google::protobuf::RepeatedPtrField<Assignment>& list) {
  if (list.empty()) return "-";
  std::vector<std::string> parts;
  for (const Assignment& a : list) parts.push_back(Describe(a));
  return absl::StrJoin(parts, "; ");
}

std::string RelDate(const tonghop::v1::RelativeDate& d) {
  return absl::StrCat(d.day(), "/", d.month(), d.year_offset() ? " (+1y)" : "");
}

}  // namespace

std::string SummarizeImport(const ImportPlanResponse& response) {
  const PlanBundle& b = response.bundle();
  const tonghop::v1::Plan& p = b.plan();
  std::string out;
  absl::StrAppend(&out, "plan: ", p.name(), "\n");
  absl::StrAppend(&out, "symbol: ", p.symbol(), "\n");
  absl::StrAppend(&out, "title: ", p.title(), "\n");
  absl::StrAppend(&out, "issuer: ", p.issuer(), "\n");
  if (p.has_issued_on()) {
    absl::StrAppend(&out, "issued_on: ", p.issued_on().year(), "-", p.issued_on().month(), "-",
                    p.issued_on().day(), "\n");
  }
  absl::StrAppend(&out, "implements: ", p.implements(), "\n");
  absl::StrAppend(&out, "years: ", p.first_year(), "-", p.last_year(), "\n");
  absl::StrAppend(&out, "compiler: ", p.compiler(), "\n");
  for (const auto& r : p.schedule()) {
    absl::StrAppend(&out, "round: ",
                    absl::StripPrefix(tonghop::v1::PeriodType_Name(r.period_type()), "PERIOD_TYPE_"));
    if (r.sub_period() > 0) absl::StrAppend(&out, " sub ", r.sub_period());
    if (r.has_due()) absl::StrAppend(&out, " due ", RelDate(r.due()));
    if (r.has_compile_due()) absl::StrAppend(&out, " compile ", RelDate(r.compile_due()));
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out, "tasks: ", b.tasks_size(), "\n");
  for (const Task& t : b.tasks()) {
    absl::StrAppend(&out, t.outline(), " | ", t.printed_code(), " | lead: ", DescribeList(t.lead()),
                    " | coord: ", DescribeList(t.coordinating()),
                    " | deadline: ", DescribeDeadline(t.deadline()),
                    " | results: ", t.expected_results_size(),
                    " | ", TruncateUtf8(t.title(), 60), "\n");
  }
  const ImportReport& r = response.report();
  std::vector<std::string> levels;
  for (const auto& lc : r.level_counts()) levels.push_back(absl::StrCat(lc.level(), ":", lc.count()));
  absl::StrAppend(&out, "levels: ", absl::StrJoin(levels, " "), "\n");
  for (const auto& u : r.unresolved_agencies()) {
    absl::StrAppend(&out, "unresolved: \"", u.text(), "\" in ", IdOf(u.task()), " candidates: ",
                    absl::StrJoin(u.candidates(), ", "), "\n");
  }
  for (const auto& n : r.repairs()) {
    absl::StrAppend(&out, "repair: line ", n.line(), ": ", n.message(), "\n");
  }
  for (const auto& n : r.warnings()) {
    absl::StrAppend(&out, "warning: line ", n.line(), ": ", n.message(), "\n");
  }
  for (const auto& n : r.ignored_lines()) {
    absl::StrAppend(&out, "ignored: line ", n.line(), ": ", n.message(), "\n");
  }
  for (const auto& d : r.diagnostics()) {
    absl::StrAppend(&out, "gap: ", d.code(), " line ", d.line(), " ", d.field(), ": ",
                    d.message_en(), "\n");
  }
  const auto& c = r.counts();
  absl::StrAppend(&out, "counts: nodes ", c.nodes(), " leaves ", c.leaves(), " with lead ",
                  c.leaves_with_lead(), " requested leads ", c.requested_leads(),
                  " deadlines parsed ", c.deadlines_parsed(), "/", c.deadlines_written(),
                  " assignments ", c.assignments(), " unresolved ", c.unresolved_agencies(),
                  " diagnostics ", c.diagnostics(), "\n");
  return out;
}

}  // namespace tonghop::plan_import
