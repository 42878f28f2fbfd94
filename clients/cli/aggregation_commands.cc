#include "clients/cli/aggregation_commands.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/substitute.h"
#include "absl/time/time.h"
#include "clients/cli/figure_text.h"
#include "clients/cli/output.h"
#include "clients/client/connection.h"
#include "clients/client/durable_file.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/display_format.h"
#include "services/common/errors.h"
#include "services/common/period.h"
#include "services/common/vocabulary.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"
#include "tonghop/v1/federation_service.grpc.pb.h"

namespace tonghop::cli {
namespace {


// What officials read, Vietnamese with the English beside each.
struct Labels {
  const char* indicator = "Chỉ tiêu";             // Indicator
  const char* unit = "Đơn vị tính";               // Unit
  const char* value = "Giá trị";                  // Value
  const char* breakdown = "Phân tổ";              // Breakdown
  const char* agency = "Cơ quan";                 // Agency
  const char* contributors = "Số cơ quan có số liệu";  // Agencies with data
  const char* numerator = "Tử số";                // Numerator
  const char* denominator = "Mẫu số";             // Denominator
  const char* total = "Tổng số";                  // Total
  const char* own_report = "(báo cáo của chính cơ quan)";  // (its own report)
  const char* state = "Tình trạng báo cáo";       // Report state
  const char* counted = "Được tính";              // Counted
  const char* on_time = "Đúng hạn";               // On time
  const char* late = "Quá hạn";                   // Late
  const char* revision = "Lần nộp";               // Revision
  const char* yes = "có";                         // yes
  const char* no = "không";                       // no
  const char* outline = "Mục";                    // Outline
  const char* task = "Nhiệm vụ";                  // Task
  const char* role = "Vai trò";                   // Role
  const char* lead = "Chủ trì";                   // Lead
  const char* coordinating = "Phối hợp";          // Coordinating
  const char* progress = "Tiến độ";               // Progress
  const char* summary = "Kết quả";                // Summary
  const char* overdue = "QUÁ HẠN";                // OVERDUE
  const char* period = "Kỳ";                      // Period
  const char* plan = "Kế hoạch";                  // Plan
  const char* change = "Thay đổi";                // Change
  const char* against = "Ngược xu hướng mong muốn";  // Against the wanted direction
  const char* not_reported = "chưa báo cáo";      // not reported
  const char* requested = "đề nghị";              // requested
  const char* first_arrival = "Nhận lần đầu";     // First arrived
  const char* last_arrival = "Nhận gần nhất";     // Last arrived
  const char* arrivals = "Số lần cập nhật";       // Updates
  const char* figures = "Số liệu";                // Figures
  const char* generation = "Thế hệ";              // Generation
  const char* receipt = "Tình trạng gửi";         // Sent
  const char* not_received = "Chưa gửi";          // Not received
  const char* sent = "Đã gửi";                    // Received
  const char* province = "Tỉnh, thành phố";       // Province
  const char* accepted_of = "Báo cáo được chấp nhận";  // Reports accepted (of expected)
  const char* arrived = "Nhận lúc";               // Arrived at
  const char* national = "Cả nước";               // Whole country
  const char* provinces_sent = "Số tỉnh có số liệu";  // Provinces with data
  // "$0/$1 provinces have sent (on time $2, late $3); compile due $4."
  const char* national_line = "$0/$1 tỉnh, thành phố đã gửi (đúng hạn $2, quá hạn $3); hạn gửi Bộ: $4.";
  const char* no_due = "không có";                // none
  const char* upstream_code = "Mã từ chối";      // Refusal code
  const char* upstream_reason = "Lý do";          // Reason
  const char* attempts = "Số lần thử";            // Attempts
  const char* first_refused = "Bị từ chối lần đầu";  // First refused
  const char* next_attempt = "Thử lại lúc";       // Next attempt
  // "Pushing to $0 as $1: changes up to $2 of $3 are upstream or held; $4
  // held (retried by themselves; the other plans go on)."
  const char* upstream_line =
      "Gửi lên $0 với tư cách $1: đã gửi hoặc đang giữ các thay đổi đến $2/$3; $4 lượt gửi bị "
      "từ chối đang được giữ lại và tự thử lại (các kế hoạch khác vẫn được gửi).";
  // "$0 senders have sent figures for $1, period $2."
  const char* received_line = "$0 đơn vị đã gửi số liệu cho $1, kỳ $2.";
  // "$0: expected $1, received $2 (on time $3, late $4), missing $5,
  // awaiting review $6, returned $7."
  const char* completeness_line =
      "$0: phải báo cáo $1, đã nhận $2 (đúng hạn $3, quá hạn $4), chưa báo cáo $5, "
      "chờ xem xét $6, bị trả lại $7.";
  // "Coverage: $0 of $1 expected reporters contributed ($2 others)."
  const char* coverage_line = "Độ bao phủ: $0/$1 cơ quan phải báo cáo đã có số liệu ($2 cơ quan khác).";
  // "Figures as of $0." (the time of the last report event they include)
  const char* data_as_of = "Số liệu tính đến $0.";
  // "No report counts yet."
  const char* no_data_yet = "Chưa có báo cáo nào được tính.";
  const char* note = "Ghi chú";                   // Note
  const char* sum = "Cộng";                       // Sum
  const char* parts = "Tử số / Mẫu số";           // Numerator / denominator
  // "Where the figures come from (the reports that add up to each):"
  const char* sources = "Nguồn số liệu (các báo cáo cộng lại thành từng số):";
  // "Wrote $0 ($1 bytes)."
  const char* wrote = "Đã ghi $0 ($1 byte).";
  // "Exported $0 values ($1 withheld): $2."
  const char* exported = "Đã xuất $0 số liệu ($1 số liệu không công bố): $2.";
  // "Forwarded to $0 as $1: revision $2 ($3 values, $4 tasks)."
  const char* forwarded = "Đã gửi lên $0 với tư cách $1: lần nộp thứ $2 ($3 số liệu, $4 nhiệm vụ).";
  // "Already there, unchanged: $0 holds this content (revision $1, $2);
  // nothing sent."
  const char* unchanged =
      "Đã có sẵn, không thay đổi: $0 đã có đúng nội dung này (lần nộp thứ $1, $2); không gửi "
      "lại.";
  const char* waiting_review = "đang chờ duyệt";  // submitted, waiting for review
  const char* accepted = "đã được chấp nhận";     // accepted
  // "Refused: $0 did not take the report ($1). Nothing was sent."
  const char* refused = "Bị từ chối: $0 không nhận báo cáo ($1). Không có gì được gửi.";
  // "Saved the draft as revision $0 ($1)."
  const char* draft_saved = "Đã lưu bản nháp, lần sửa thứ $0 ($1).";
  // "The generated draft: nobody has edited it yet."
  const char* draft_generated = "Bản nháp do hệ thống soạn từ số liệu; chưa ai sửa.";
  const char* draft_revision = "Lần sửa";         // Revision
  const char* draft_by = "Người sửa";             // Edited by
  const char* draft_time = "Thời điểm";           // When
  // "Rebuilt the aggregates from $0 changes: $1 records, position $2."
  const char* rebuilt = "Đã dựng lại số liệu tổng hợp từ $0 thay đổi: $1 bản ghi, vị trí $2.";
  // "Identical to the incremental roll-ups (checksum $0)."
  const char* identical = "Trùng khớp với số liệu cộng dồn (mã kiểm tra $0).";
  // "Differs from the previous roll-ups (previous $0 at position $1, rebuilt $2)."
  const char* different =
      "Khác với số liệu trước đó (trước: $0 tại vị trí $1; dựng lại: $2).";
  // "The change feed (epoch $0) is not the one the roll-ups were computed
  // from (they had applied up to position $1; the feed now ends at $2): it
  // was rewound or replaced. Run again without --verify-only to rebuild
  // from it; the server also does so by itself."
  const char* rewound_verify =
      "Luồng thay đổi (mã $0) không còn là luồng mà số liệu tổng hợp được tính từ đó (số liệu "
      "đã tính đến vị trí $1; luồng hiện kết thúc ở vị trí $2): luồng đã bị quay lui hoặc thay "
      "thế. Chạy lại lệnh không có --verify-only để dựng lại theo luồng hiện có; máy chủ cũng tự "
      "làm việc này.";
  // "The change feed (epoch $0) was rewound or replaced (the previous
  // roll-ups had applied up to position $1; the feed ends at $2): the
  // roll-ups now show what it holds."
  const char* rewound_swapped =
      "Luồng thay đổi (mã $0) đã bị quay lui hoặc thay thế (số liệu trước đó đã tính đến vị trí "
      "$1; luồng kết thúc ở vị trí $2): số liệu tổng hợp nay đúng theo luồng hiện có.";
};
const Labels kLabels;

constexpr char kScopeFlags[] =
    "--plan=PLAN --period=2026 [--subtree=AGENCY] [--include-unreviewed] [--min-sequence=N] "
    "[--lang=vi|en]";

// The flags ReadScope reads, as their commands declare them.
std::vector<std::string> ScopeFlagDeclarations() {
  return {"plan=PLAN",          "period=P",       "subtree=AGENCY",
          "include-unreviewed", "min-sequence=N", "lang=vi|en"};
}

int Usage(CliContext& context, absl::string_view message) {
  *context.err << "tonghop: " << message << "\n";
  return 2;
}

// The common request fields; returns false (after printing) on a usage error.
struct Scope {
  std::string plan;
  std::string period;
  std::string agency;
  bool include_unreviewed = false;
  int64_t min_sequence = 0;
  std::string language;
};

bool ReadScope(CliContext& context, const ParsedArgs& args, Scope* scope, bool need_plan = true) {
  scope->plan = AsName("plans", args.Get("plan"));
  scope->period = args.Get("period");
  scope->agency = AsName("agencies", args.Get("subtree", context.agency));
  scope->include_unreviewed = args.Has("include-unreviewed");
  scope->language = args.Get("lang");
  if (args.Has("min-sequence") && !absl::SimpleAtoi(args.Get("min-sequence"), &scope->min_sequence)) {
    Usage(context, "--min-sequence must be a number");
    return false;
  }
  if (need_plan && (scope->plan.empty() || scope->period.empty())) {
    Usage(context, "--plan and --period are required");
    return false;
  }
  if (scope->agency.empty()) {
    Usage(context, "name the subtree with --agency (or --subtree)");
    return false;
  }
  return true;
}

// The plan, period, subtree and counting of a request, from --flags.
template <typename Request>
void SetScope(const Scope& scope, Request& request) {
  request.set_plan(scope.plan);
  request.set_period(scope.period);
  request.set_agency(scope.agency);
  request.set_include_unreviewed(scope.include_unreviewed);
  request.set_min_sequence(scope.min_sequence);
}

// "Số liệu tính đến 14:05, 07/11/2026." from an answer's data_as_of.
std::string DataAsOfLine(const google::protobuf::Timestamp& data_as_of, bool has_data_as_of) {
  if (!has_data_as_of) return kLabels.no_data_yet;
  absl::Time time = absl::FromUnixMicros(
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(data_as_of));
  return absl::Substitute(kLabels.data_as_of, FormatDateTime(time));
}

// The language figures are written in: --lang, Vietnamese by default.
std::string LanguageOf(const Scope& scope) { return scope.language == "en" ? "en" : "vi"; }

// Prints a table of figures with the notes of unavailable ones: under the
// table, or as a last "Ghi chú" column in CSV.
void PrintFigures(CliContext& context, const google::protobuf::Message& response,
                  std::vector<std::string> header, std::vector<std::vector<std::string>> rows,
                  const std::vector<std::vector<std::string>>& row_notes,
                  const FigureNotes& notes) {
  if (context.output == OutputFormat::kCsv) {
    header.push_back(kLabels.note);
    for (size_t i = 0; i < rows.size(); ++i) {
      rows[i].push_back(i < row_notes.size() ? absl::StrJoin(row_notes[i], "; ") : "");
    }
  }
  PrintResult(context, response, header, rows);
  if (context.output == OutputFormat::kTable && !notes.notes().empty()) {
    *context.out << "\n";
    notes.Print(*context.out);
  }
}

std::unique_ptr<v1::Aggregation::Stub> Stub(CliContext& context) {
  return v1::Aggregation::NewStub(context.connection().channel());
}

// ---- rollup --explain ----

// Prints the reports behind one figure: each agency's value (for a ratio,
// numerator and denominator) and the sum, which is the figure's.
int Explain(CliContext& context, const Scope& scope, const std::string& agency,
            const v1::IndicatorRollup& indicator, const v1::RollupRow* row) {
  v1::ExplainFigureRequest request;
  request.set_plan(scope.plan);
  request.set_period(scope.period);
  request.set_agency(agency);
  request.set_indicator(indicator.indicator());
  request.set_include_unreviewed(scope.include_unreviewed);
  request.set_min_sequence(scope.min_sequence);
  request.set_language(scope.language);
  if (row != nullptr) *request.mutable_cells() = row->cells();
  v1::ExplainFigureResponse response;
  auto call = context.connection().NewContext();
  grpc::Status status = Stub(context)->ExplainFigure(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  if (context.output == OutputFormat::kJson) {
    PrintJson(*context.out, response);
    return 0;
  }
  FigureNotes notes(LanguageOf(scope));
  bool ratio = response.aggregation() == v1::Indicator::AGGREGATION_RATIO;
  std::string where = response.cell_label().empty()
                          ? (row != nullptr && !row->label().empty() ? row->label() : kLabels.total)
                          : response.cell_label();
  *context.out << "\n" << response.display_name() << " — " << where << ": "
               << notes.Value(response.figure()) << " " << response.unit() << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const v1::FigureContribution& c : response.contributions()) {
    std::string who = c.display_name();
    if (c.determines_figure()) absl::StrAppend(&who, " *");
    rows.push_back({who, absl::StrCat(c.revision()),
                    ratio ? absl::StrCat(notes.Number(c.numerator()), " / ",
                                         notes.Number(c.denominator()))
                          : notes.Number(c.value())});
  }
  const v1::Figure& f = response.figure();
  rows.push_back({kLabels.sum, "",
                  ratio ? absl::StrCat(notes.Number(f.numerator()), " / ",
                                       notes.Number(f.denominator()))
                        : notes.Value(f)});
  PrintTable(*context.out, {kLabels.agency, kLabels.revision, ratio ? kLabels.parts : kLabels.value},
             rows);
  notes.Print(*context.out);
  return 0;
}

// ---- rollup ----

int Rollup(CliContext& context, const ParsedArgs& args) {
  Scope scope;
  if (!ReadScope(context, args, &scope)) return 2;
  v1::RollupRequest request;
  SetScope(scope, request);
  request.set_language(scope.language);
  for (absl::string_view i : absl::StrSplit(args.Get("indicator"), ',', absl::SkipEmpty())) {
    request.add_indicators(AsName("indicators", i));
  }
  std::string by = args.Get("by", args.Has("dimension") ? "dimension" : "total");
  if (by == "total") {
    request.set_group_by(v1::ROLLUP_GROUPING_TOTAL);
  } else if (by == "dimension") {
    request.set_group_by(v1::ROLLUP_GROUPING_DIMENSION);
    request.set_dimension(AsName("dimensions", args.Get("dimension")));
  } else if (by == "child" || by == "agency") {
    request.set_group_by(v1::ROLLUP_GROUPING_CHILD_AGENCY);
  } else if (by == "cells") {
    request.set_group_by(v1::ROLLUP_GROUPING_CELLS);
  } else {
    return Usage(context, "--by must be total, dimension, child or cells");
  }
  v1::RollupResponse response;
  auto call = context.connection().NewContext();
  grpc::Status status = Stub(context)->Rollup(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  std::vector<std::string> header = {"ID", kLabels.indicator, kLabels.breakdown, kLabels.value,
                                     kLabels.unit, kLabels.numerator, kLabels.denominator,
                                     kLabels.contributors};
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<std::string>> row_notes;
  FigureNotes notes(LanguageOf(scope));
  for (const v1::IndicatorRollup& i : response.indicators()) {
    auto row = [&](const std::string& breakdown, const v1::Figure& f) {
      rows.push_back({IdOf(i.indicator()), i.display_name(), breakdown, notes.Value(f), i.unit(),
                      notes.Number(f.numerator()), notes.Number(f.denominator()),
                      FormatCount(f.contributors(), LanguageOf(scope))});
      row_notes.push_back(f.note().empty() ? std::vector<std::string>{}
                                           : std::vector<std::string>{f.note()});
    };
    row(kLabels.total, i.total());
    for (const v1::RollupRow& r : i.rows()) {
      std::string label = r.own_report() ? absl::StrCat(r.label(), " ", kLabels.own_report)
                                         : r.label();
      row(label, r.figure());
    }
  }
  PrintFigures(context, response, header, rows, row_notes, notes);
  if (args.Has("explain") && context.output != OutputFormat::kCsv) {
    if (context.output == OutputFormat::kTable) *context.out << "\n" << kLabels.sources << "\n";
    for (const v1::IndicatorRollup& i : response.indicators()) {
      if (i.aggregation() == v1::Indicator::AGGREGATION_NONE) continue;
      if (int failed = Explain(context, scope, scope.agency, i, nullptr)) return failed;
      for (const v1::RollupRow& r : i.rows()) {
        std::string agency = r.agency().empty() ? scope.agency : r.agency();
        if (r.own_report()) continue;  // the root's own report is its own source
        if (int failed = Explain(context, scope, agency, i, r.agency().empty() ? &r : nullptr)) {
          return failed;
        }
      }
    }
  }
  if (context.output == OutputFormat::kTable) {
    *context.out << "\n"
                 << absl::Substitute(kLabels.coverage_line, response.coverage().contributed(),
                                     response.coverage().expected(),
                                     response.coverage().other_contributors())
                 << "\n"
                 << DataAsOfLine(response.data_as_of(), response.has_data_as_of()) << "\n";
  }
  return 0;
}

// ---- completeness ----

// States and progress in the shared vocabulary (services/common/vocabulary.json).
std::string StateText(v1::ReporterState state) {
  if (state == v1::REPORTER_STATE_UNSPECIFIED) state = v1::REPORTER_STATE_NOT_SUBMITTED;
  return LabelOf(state);
}

int Completeness(CliContext& context, const ParsedArgs& args) {
  Scope scope;
  if (!ReadScope(context, args, &scope)) return 2;
  v1::CompletenessRequest request;
  SetScope(scope, request);
  request.set_language(scope.language);
  // The counts without the lists: cheap for the whole country.
  if (args.Has("counts-only")) request.set_view(v1::COMPLETENESS_VIEW_BASIC);
  v1::CompletenessResponse response;
  auto call = context.connection().NewContext();
  grpc::Status status = Stub(context)->Completeness(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  std::vector<std::string> header = {"ID", kLabels.agency, kLabels.state, kLabels.counted,
                                     kLabels.on_time, kLabels.revision};
  std::vector<std::vector<std::string>> rows;
  auto add = [&](const v1::Reporter& r) {
    std::string name = r.display_name();
    if (r.requested()) absl::StrAppend(&name, " (", kLabels.requested, ")");
    rows.push_back({IdOf(r.agency()), name, StateText(r.state()), r.counted() ? kLabels.yes : kLabels.no,
                    r.counted() ? (r.on_time() ? kLabels.yes : kLabels.late) : "",
                    r.revision() > 0 ? absl::StrCat(r.revision()) : ""});
  };
  for (const v1::Reporter& r : response.reporters()) add(r);
  for (const v1::Reporter& r : response.other_reporters()) add(r);
  PrintResult(context, response, header, rows);
  if (context.output == OutputFormat::kTable) {
    *context.out << "\n"
                 << absl::Substitute(kLabels.completeness_line, response.agency_display_name(),
                                     response.expected(), response.received(), response.on_time(),
                                     response.late(), response.missing(),
                                     response.awaiting_review(), response.returned())
                 << "\n";
    if (!response.missing_reporters().empty()) {
      std::vector<std::string> names;
      for (const v1::Reporter& m : response.missing_reporters()) names.push_back(m.display_name());
      *context.out << kLabels.not_reported << ": " << absl::StrJoin(names, "; ") << "\n";
    }
    *context.out << DataAsOfLine(response.data_as_of(), response.has_data_as_of()) << "\n";
  }
  return 0;
}

// ---- tasks ----

std::string ProgressText(v1::ProgressStatus status) { return LabelOf(status); }

int Tasks(CliContext& context, const ParsedArgs& args) {
  Scope scope;
  if (!ReadScope(context, args, &scope)) return 2;
  v1::TaskStatusRequest request;
  SetScope(scope, request);
  request.set_language(scope.language);
  request.set_overdue_only(args.Has("overdue"));
  if (args.Has("as-of")) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(args.Get("as-of"), &day)) {
      return Usage(context, "--as-of must be a date, YYYY-MM-DD");
    }
    absl::Time t = absl::FromCivil(day, VietnamTime());
    request.mutable_as_of()->set_seconds(absl::ToUnixSeconds(t));
  }
  v1::TaskStatusResponse response;
  auto call = context.connection().NewContext();
  grpc::Status status = Stub(context)->TaskStatus(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  bool full = context.output != OutputFormat::kTable;
  std::vector<std::string> header = {kLabels.outline, kLabels.task,     kLabels.agency,
                                     kLabels.role,    kLabels.progress, kLabels.summary,
                                     kLabels.overdue};
  std::vector<std::vector<std::string>> rows;
  for (const v1::TaskStatusEntry& t : response.tasks()) {
    std::string title = full ? t.title() : Truncate(t.title(), 40);
    std::string overdue = t.overdue() ? kLabels.overdue : "";
    if (t.assignees().empty()) rows.push_back({t.outline(), title, "", "", "", "", overdue});
    for (const v1::AssigneeStatus& a : t.assignees()) {
      std::string role = a.lead() ? kLabels.lead : kLabels.coordinating;
      if (a.requested()) absl::StrAppend(&role, ", ", kLabels.requested);
      rows.push_back({t.outline(), title, a.display_name(), role, ProgressText(a.status()),
                      full ? a.summary() : Truncate(a.summary(), 40), overdue});
    }
  }
  PrintResult(context, response, header, rows);
  return 0;
}

// ---- trend ----

int Trend(CliContext& context, const ParsedArgs& args) {
  v1::TrendRequest request;
  request.set_agency(AsName("agencies", args.Get("subtree", context.agency)));
  request.set_indicator(AsName("indicators", args.Get("indicator")));
  std::string plans = args.Get("plans", args.Get("plan"));
  for (absl::string_view p : absl::StrSplit(plans, ',', absl::SkipEmpty())) {
    request.add_plans(AsName("plans", p));
  }
  for (absl::string_view p : absl::StrSplit(args.Get("periods"), ',', absl::SkipEmpty())) {
    request.add_periods(std::string(p));
  }
  for (absl::string_view cell : absl::StrSplit(args.Get("cell"), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(cell, absl::MaxSplits('=', 1));
    (*request.mutable_cells())[IdOf(kv.first)] = kv.second;
  }
  request.set_include_unreviewed(args.Has("include-unreviewed"));
  request.set_language(args.Get("lang"));
  int64_t min_sequence = 0;
  if (args.Has("min-sequence") && !absl::SimpleAtoi(args.Get("min-sequence"), &min_sequence)) {
    return Usage(context, "--min-sequence must be a number");
  }
  request.set_min_sequence(min_sequence);
  if (request.indicator().empty() || request.plans().empty()) {
    return Usage(context, "--indicator and --plans are required");
  }
  v1::TrendResponse response;
  auto call = context.connection().NewContext();
  grpc::Status status = Stub(context)->Trend(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  std::vector<std::string> header = {kLabels.period, kLabels.value, kLabels.change,
                                     kLabels.against, kLabels.plan, kLabels.contributors};
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<std::string>> row_notes;
  std::string language = request.language() == "en" ? "en" : "vi";
  FigureNotes notes(language);
  for (const v1::TrendPoint& p : response.points()) {
    rows.push_back({p.period(), notes.Value(p.figure()), notes.Number(p.change()),
                    p.against_direction() ? kLabels.yes : "", IdOf(p.plan()),
                    p.figure().present() ? FormatCount(p.figure().contributors(), language) : ""});
    row_notes.push_back(p.figure().note().empty() ? std::vector<std::string>{}
                                                  : std::vector<std::string>{p.figure().note()});
  }
  if (context.output == OutputFormat::kTable) {
    *context.out << response.display_name() << " (" << response.unit() << ")\n";
  }
  PrintFigures(context, response, header, rows, row_notes, notes);
  if (context.output == OutputFormat::kTable) {
    *context.out << DataAsOfLine(response.data_as_of(), response.has_data_as_of()) << "\n";
  }
  return 0;
}

// ---- compile ----

// Writes `content` to `path` (atomically); false after printing why not.
bool WriteFile(CliContext& context, const std::string& path, const std::string& content) {
  absl::Status written = client::WriteFileDurably(path, content);
  if (!written.ok()) *context.err << "tonghop: cannot write " << path << ": " << written.message() << "\n";
  return written.ok();
}

int Compile(CliContext& context, const ParsedArgs& args) {
  Scope scope;
  if (!ReadScope(context, args, &scope)) return 2;
  v1::CompileReportRequest request;
  SetScope(scope, request);
  request.set_language(scope.language);
  request.set_previous_plan(AsName("plans", args.Get("previous-plan")));
  std::string format = args.Get("format", "md");
  if (format == "md" || format == "markdown") {
    request.set_format(v1::REPORT_FORMAT_MARKDOWN);
  } else if (format == "html") {
    request.set_format(v1::REPORT_FORMAT_HTML);
  } else if (format == "xlsx") {
    request.set_format(v1::REPORT_FORMAT_XLSX);
  } else if (format == "json") {
    request.set_format(v1::REPORT_FORMAT_JSON);
  } else if (format == "docx") {
    request.set_format(v1::REPORT_FORMAT_DOCX);
  } else if (format == "pdf") {
    request.set_format(v1::REPORT_FORMAT_PDF);
  } else {
    return Usage(context, "--format must be md, html, xlsx, docx, pdf or json");
  }
  std::string out = args.Get("out");
  if (out.empty() && (format == "xlsx" || format == "docx" || format == "pdf")) {
    return Usage(context, absl::StrCat("--format=", format, " needs --out=FILE"));
  }
  v1::CompileReportResponse response;
  auto call = context.connection().NewContext();
  grpc::Status status = Stub(context)->CompileReport(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  if (out.empty()) {
    *context.out << response.content();
    return 0;
  }
  if (!WriteFile(context, out, response.content())) return 1;
  *context.err << absl::Substitute(kLabels.wrote, out, response.content().size()) << "\n";
  return 0;
}

// ---- compile draft / edit / history ----

std::string DraftNameOf(const Scope& scope) {
  return absl::StrCat("compiledReports/", IdOf(scope.agency), "/", IdOf(scope.plan), "/",
                      scope.period, "/draft");
}

std::string TimeText(const google::protobuf::Timestamp& t) {
  return FormatDateTime(
      absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(t)));
}

int CompileDraft(CliContext& context, const ParsedArgs& args) {
  Scope scope;
  if (!ReadScope(context, args, &scope)) return 2;
  v1::GetCompiledReportDraftRequest request;
  request.set_name(DraftNameOf(scope));
  request.set_language(scope.language);
  if (args.Has("revision")) {
    int32_t revision = 0;
    if (!absl::SimpleAtoi(args.Get("revision"), &revision)) {
      return Usage(context, "--revision must be a number");
    }
    request.set_revision(revision);
  }
  v1::CompiledReportDraft draft;
  auto call = context.connection().NewContext();
  grpc::Status status = Stub(context)->GetCompiledReportDraft(call.get(), request, &draft);
  if (!status.ok()) return PrintError(*context.err, status);
  std::string out = args.Get("out");
  if (!out.empty()) {
    if (!WriteFile(context, out, ToJson(draft))) return 1;
    *context.err << absl::Substitute(kLabels.wrote, out, ToJson(draft).size()) << "\n";
    return 0;
  }
  if (context.output == OutputFormat::kJson) {
    PrintJson(*context.out, draft);
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {
      {"governing_body", draft.governing_body()}, {"issuing_body", draft.issuing_body()},
      {"number_symbol", draft.number_symbol()},   {"place", draft.place()},
      {"summary", draft.summary()},               {"situation", draft.situation()}};
  for (const v1::ReportSection& section : draft.results()) {
    rows.push_back({absl::StrCat("results[", section.task_group(), "]"),
                    absl::StrCat(section.title(), "\n", section.text())});
  }
  rows.push_back({"difficulties", draft.difficulties()});
  rows.push_back({"recommendations", draft.recommendations()});
  rows.push_back({"recipients", absl::StrJoin(draft.recipients(), "\n")});
  rows.push_back({"signing_authority", draft.signing_authority()});
  rows.push_back({"signer_title", draft.signer_title()});
  rows.push_back({"signer_name", draft.signer_name()});
  for (const auto& row : rows) *context.out << "## " << row[0] << "\n" << row[1] << "\n\n";
  if (draft.revision() == 0) {
    *context.out << kLabels.draft_generated << "\n";
  } else {
    *context.out << kLabels.draft_revision << " " << draft.revision() << " — " << draft.updated_by()
                 << ", " << TimeText(draft.update_time()) << "\n";
  }
  return 0;
}

int CompileEdit(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    return Usage(context, "name the draft file: compile edit DRAFT.json [--fields=a,b]");
  }
  absl::StatusOr<std::string> text = client::ReadWholeFile(args.positional[0]);
  if (!text.ok()) {
    *context.err << "tonghop: cannot read " << args.positional[0] << ": " << text.status().message()
                 << "\n";
    return 1;
  }
  v1::UpdateCompiledReportDraftRequest request;
  if (!google::protobuf::util::JsonStringToMessage(*text, request.mutable_draft()).ok()) {
    return Usage(context, absl::StrCat(args.positional[0],
                                       " is not a draft in JSON (write one with compile draft --out)"));
  }
  for (absl::string_view field : absl::StrSplit(args.Get("fields"), ',', absl::SkipEmpty())) {
    request.mutable_update_mask()->add_paths(std::string(field));
  }
  request.set_request_id(client::NewRequestId());
  v1::CompiledReportDraft draft;
  auto call = context.connection().NewContext();
  grpc::Status status = Stub(context)->UpdateCompiledReportDraft(call.get(), request, &draft);
  if (!status.ok()) return PrintError(*context.err, status);
  if (context.output == OutputFormat::kJson) {
    PrintJson(*context.out, draft);
  } else {
    *context.out << absl::Substitute(kLabels.draft_saved, draft.revision(), draft.name()) << "\n";
  }
  return 0;
}

int CompileHistory(CliContext& context, const ParsedArgs& args) {
  Scope scope;
  if (!ReadScope(context, args, &scope)) return 2;
  v1::ListCompiledReportDraftRevisionsRequest request;
  request.set_name(DraftNameOf(scope));
  v1::ListCompiledReportDraftRevisionsResponse response;
  std::vector<std::vector<std::string>> rows;
  do {
    auto call = context.connection().NewContext();
    grpc::Status status =
        Stub(context)->ListCompiledReportDraftRevisions(call.get(), request, &response);
    if (!status.ok()) return PrintError(*context.err, status);
    for (const v1::CompiledReportDraft& d : response.drafts()) {
      rows.push_back({absl::StrCat(d.revision()), IdOf(d.updated_by()), TimeText(d.update_time()),
                      d.number_symbol(), d.signer_name()});
    }
    request.set_page_token(response.next_page_token());
  } while (!response.next_page_token().empty());
  PrintResult(context, response,
              {kLabels.draft_revision, kLabels.draft_by, kLabels.draft_time, "number_symbol",
               "signer_name"},
              rows);
  return 0;
}

// ---- export ----

int Export(CliContext& context, const ParsedArgs& args) {
  Scope scope;
  if (!ReadScope(context, args, &scope)) return 2;
  v1::ExportFiguresRequest request;
  SetScope(scope, request);
  request.set_exact(args.Has("exact"));
  std::string format = args.Get("format", "adx");
  if (format == "adx") {
    request.set_format(v1::EXCHANGE_FORMAT_ADX);
  } else if (format == "sdmx-csv" || format == "sdmx") {
    request.set_format(v1::EXCHANGE_FORMAT_SDMX_CSV);
  } else {
    return Usage(context, "--format must be adx or sdmx-csv");
  }
  std::string out = args.Get("out");
  if (out.empty()) return Usage(context, "--out=FILE is required (the code lists go beside it)");
  v1::ExportFiguresResponse response;
  auto call = context.connection().NewContext();
  grpc::Status status = Stub(context)->ExportFigures(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  if (!WriteFile(context, out, response.content())) return 1;
  size_t slash = out.rfind('/');
  std::string directory = slash == std::string::npos ? "" : out.substr(0, slash + 1);
  std::vector<std::string> written = {out};
  for (const v1::ExchangeFile& file : response.code_lists()) {
    if (!WriteFile(context, directory + file.filename(), file.content())) return 1;
    written.push_back(directory + file.filename());
  }
  if (context.output == OutputFormat::kJson) {
    v1::ExportFiguresResponse summary = response;
    summary.clear_content();
    for (v1::ExchangeFile& file : *summary.mutable_code_lists()) file.clear_content();
    PrintJson(*context.out, summary);
    return 0;
  }
  *context.out << absl::Substitute(kLabels.exported, response.values(), response.withheld(),
                                   absl::StrJoin(written, ", "))
               << "\n";
  return 0;
}

// ---- forward ----

int Forward(CliContext& context, const ParsedArgs& args) {
  Scope scope;
  if (!ReadScope(context, args, &scope)) return 2;
  v1::ForwardRequest request;
  SetScope(scope, request);
  if (args.Has("to")) {
    return Usage(context,
                 "--to is gone: the server forwards only to the upstream it is configured with "
                 "(tonghopd --upstream=HOST:PORT)");
  }
  request.set_target_plan(AsName("plans", args.Get("target-plan")));
  v1::ForwardResponse response;
  auto call = context.connection().NewContext();
  call->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
  grpc::Status status = Stub(context)->Forward(call.get(), request, &response);
  if (!status.ok()) {
    absl::Status error = FromGrpcStatus(status);
    google::rpc::ErrorInfo info = GetErrorInfo(error);
    if (info.reason() == "FORWARD_REFUSED") {
      auto upstream = info.metadata().find("upstream");
      *context.out << absl::Substitute(
                          kLabels.refused,
                          upstream == info.metadata().end() ? "" : upstream->second,
                          absl::StatusCodeToString(error.code()))
                   << "\n";
    }
    return PrintError(*context.err, error);
  }
  if (context.output == OutputFormat::kJson) {
    PrintJson(*context.out, response);
  } else if (response.outcome() == v1::FORWARD_OUTCOME_UNCHANGED) {
    *context.out << absl::Substitute(kLabels.unchanged, response.upstream(),
                                     response.report().revision(),
                                     response.report().state() == v1::REPORT_STATE_ACCEPTED
                                         ? kLabels.accepted
                                         : kLabels.waiting_review)
                 << "\n";
  } else if (response.outcome() != v1::FORWARD_OUTCOME_SENT) {
    // An answer that says neither: claim nothing.
    return PrintError(*context.err,
                      absl::UnknownError("the server did not say whether the report was sent"));
  } else {
    *context.out << absl::Substitute(kLabels.forwarded, response.upstream(), scope.agency,
                                     response.report().revision(), response.values(),
                                     response.progress())
                 << "\n";
  }
  return 0;
}

// ---- received ----

int Received(CliContext& context, const ParsedArgs& args) {
  std::string plan = AsName("plans", args.Get("plan"));
  std::string period = args.Get("period");
  if (plan.empty() || period.empty()) return Usage(context, "--plan and --period are required");
  auto stub = v1::Federation::NewStub(context.connection().channel());
  v1::ListReceivedFiguresRequest request;
  request.set_parent(absl::StrCat(plan, "/periods/", period));
  request.set_page_size(1000);
  request.set_include_values(args.Has("values"));
  v1::ListReceivedFiguresResponse all;
  do {
    v1::ListReceivedFiguresResponse page;
    auto call = context.connection().NewContext();
    grpc::Status status = stub->ListReceivedFigures(call.get(), request, &page);
    if (!status.ok()) return PrintError(*context.err, status);
    for (v1::ReceivedFigures& f : *page.mutable_received_figures()) {
      *all.add_received_figures() = std::move(f);
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  std::vector<std::string> header = {"ID", kLabels.agency, kLabels.first_arrival,
                                     kLabels.last_arrival, kLabels.arrivals, kLabels.figures,
                                     kLabels.generation};
  std::vector<std::vector<std::string>> rows;
  for (const v1::ReceivedFigures& f : all.received_figures()) {
    rows.push_back({IdOf(f.agency()), f.agency_display_name(),
                    VietnamDateTime(f.first_arrive_time()), VietnamDateTime(f.arrive_time()),
                    FormatCount(f.arrivals(), "vi"), FormatCount(f.value_count(), "vi"),
                    absl::StrCat(f.generation())});
  }
  PrintResult(context, all, header, rows);
  if (context.output == OutputFormat::kTable) {
    *context.out << "\n"
                 << absl::Substitute(kLabels.received_line, all.received_figures_size(), plan,
                                     period)
                 << "\n";
  }
  return 0;
}

int UpstreamStatus(CliContext& context, const ParsedArgs& /*args*/) {
  auto stub = v1::Federation::NewStub(context.connection().channel());
  v1::UpstreamStatus status;
  auto call = context.connection().NewContext();
  grpc::Status rpc = stub->GetUpstreamStatus(call.get(), v1::GetUpstreamStatusRequest(), &status);
  if (!rpc.ok()) return PrintError(*context.err, rpc);
  std::vector<std::string> header = {kLabels.plan,          kLabels.period,
                                     kLabels.upstream_code, kLabels.upstream_reason,
                                     kLabels.attempts,      kLabels.first_refused,
                                     kLabels.next_attempt};
  std::vector<std::vector<std::string>> rows;
  for (const v1::HeldPush& held : status.held()) {
    rows.push_back({IdOf(held.plan()), held.period(), held.code(), held.message(),
                    FormatCount(held.attempts(), "vi"),
                    VietnamDateTime(held.first_refuse_time()),
                    VietnamDateTime(held.next_attempt_time())});
  }
  // Nothing held: the summary line alone says so.
  if (context.output != OutputFormat::kTable || !rows.empty()) {
    PrintResult(context, status, header, rows);
    if (context.output == OutputFormat::kTable) *context.out << "\n";
  }
  if (context.output == OutputFormat::kTable) {
    *context.out << absl::Substitute(kLabels.upstream_line, status.upstream(),
                                     IdOf(status.agency()), status.pushed_position(),
                                     status.applied_position(), status.held_size())
                 << "\n";
  }
  return 0;
}

// ---- national (the Ministry's view of the figures received) ----

std::unique_ptr<v1::Federation::Stub> FederationStub(CliContext& context) {
  return v1::Federation::NewStub(context.connection().channel());
}

std::string ReceiptText(v1::ProvinceReceipt receipt) {
  switch (receipt) {
    case v1::PROVINCE_RECEIPT_ON_TIME: return kLabels.on_time;
    case v1::PROVINCE_RECEIPT_LATE: return kLabels.late;
    case v1::PROVINCE_RECEIPT_RECEIVED: return kLabels.sent;
    default: return kLabels.not_received;
  }
}

// `plans/{plan}/periods/{period}` from --plan and --period; empty after
// printing the usage when either is missing.
std::string NationalName(CliContext& context, const ParsedArgs& args) {
  std::string plan = AsName("plans", args.Get("plan"));
  std::string period = args.Get("period");
  if (plan.empty() || period.empty()) {
    Usage(context, "--plan and --period are required");
    return "";
  }
  return absl::StrCat(plan, "/periods/", period);
}

int NationalOverview(CliContext& context, const ParsedArgs& args) {
  v1::GetNationalOverviewRequest request;
  request.set_name(NationalName(context, args));
  if (request.name().empty()) return 2;
  request.set_language(args.Get("lang"));
  v1::NationalOverview response;
  auto call = context.connection().NewContext();
  grpc::Status status = FederationStub(context)->GetNationalOverview(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  std::string language = request.language() == "en" ? "en" : "vi";
  std::vector<std::string> header = {"ID",           kLabels.province,      kLabels.receipt,
                                     kLabels.first_arrival, kLabels.last_arrival, kLabels.figures,
                                     kLabels.accepted_of};
  std::vector<std::vector<std::string>> rows;
  for (const v1::ProvinceStatus& p : response.provinces()) {
    bool received = p.receipt() != v1::PROVINCE_RECEIPT_NOT_RECEIVED;
    rows.push_back({IdOf(p.agency()), p.display_name(), ReceiptText(p.receipt()),
                    VietnamDateTime(p.first_arrive_time()), VietnamDateTime(p.arrive_time()),
                    received ? FormatCount(p.value_count(), language) : "",
                    p.has_completeness() ? absl::StrCat(FormatCount(p.completeness().accepted(), language),
                                                        "/",
                                                        FormatCount(p.completeness().expected(), language))
                                         : ""});
  }
  PrintResult(context, response, header, rows);
  if (context.output != OutputFormat::kTable) return 0;
  *context.out << "\n"
               << absl::Substitute(kLabels.national_line, response.provinces_received(),
                                   response.provinces_expected(), response.provinces_on_time(),
                                   response.provinces_late(),
                                   response.has_compile_due() ? FormatDate(response.compile_due())
                                                              : kLabels.no_due)
               << "\n\n";
  FigureNotes notes(language);
  std::vector<std::vector<std::string>> totals;
  for (const v1::NationalIndicator& i : response.indicators()) {
    totals.push_back({IdOf(i.indicator()), i.display_name(), i.unit(), notes.Value(i.total()),
                      i.total().present() ? FormatCount(i.total().contributors(), language) : ""});
  }
  PrintTable(*context.out,
             {"ID", kLabels.indicator, kLabels.unit, kLabels.national, kLabels.provinces_sent},
             totals);
  if (!notes.notes().empty()) {
    *context.out << "\n";
    notes.Print(*context.out);
  }
  return 0;
}

int NationalTable(CliContext& context, const ParsedArgs& args) {
  v1::ExportNationalTableRequest request;
  request.set_name(NationalName(context, args));
  if (request.name().empty()) return 2;
  request.set_language(args.Get("lang"));
  std::string format = args.Get("format", "csv");
  if (format == "csv") {
    request.set_format(v1::TABLE_FORMAT_CSV);
  } else if (format == "xlsx") {
    request.set_format(v1::TABLE_FORMAT_XLSX);
  } else {
    return Usage(context, "--format must be csv or xlsx");
  }
  std::string out = args.Get("out");
  if (out.empty() && format == "xlsx") return Usage(context, "--format=xlsx needs --out=FILE");
  v1::ExportNationalTableResponse response;
  auto call = context.connection().NewContext();
  grpc::Status status = FederationStub(context)->ExportNationalTable(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  if (out.empty()) {
    *context.out << response.content();
    return 0;
  }
  if (!WriteFile(context, out, response.content())) return 1;
  *context.err << absl::Substitute(kLabels.wrote, out, response.content().size()) << "\n";
  return 0;
}

int NationalTrend(CliContext& context, const ParsedArgs& args) {
  v1::GetNationalTrendRequest request;
  request.set_plan(AsName("plans", args.Get("plan")));
  if (request.plan().empty()) return Usage(context, "--plan is required");
  for (absl::string_view p : absl::StrSplit(args.Get("periods"), ',', absl::SkipEmpty())) {
    request.add_periods(std::string(p));
  }
  request.set_language(args.Get("lang"));
  v1::NationalTrend response;
  auto call = context.connection().NewContext();
  grpc::Status status = FederationStub(context)->GetNationalTrend(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  std::string language = request.language() == "en" ? "en" : "vi";
  FigureNotes notes(language);
  std::vector<std::string> header = {"ID", kLabels.indicator};
  for (const std::string& period : response.periods()) header.push_back(period);
  std::vector<std::vector<std::string>> rows;
  for (const v1::NationalIndicatorTrend& t : response.indicators()) {
    std::vector<std::string> row = {IdOf(t.indicator()), t.display_name()};
    for (const v1::NationalTrendPoint& p : t.points()) {
      std::string cell = notes.Value(p.figure());
      if (!p.change().empty()) absl::StrAppend(&cell, " (", notes.Number(p.change()), ")");
      if (p.against_direction()) absl::StrAppend(&cell, " !");
      row.push_back(cell);
    }
    rows.push_back(std::move(row));
  }
  PrintResult(context, response, header, rows);
  if (context.output == OutputFormat::kTable && !notes.notes().empty()) {
    *context.out << "\n";
    notes.Print(*context.out);
  }
  return 0;
}

// One province's figures as the Ministry holds them, each with when it
// arrived.
int NationalProvince(CliContext& context, const ParsedArgs& args) {
  std::string parent = NationalName(context, args);
  if (parent.empty()) return 2;
  if (args.positional.empty()) return Usage(context, "name the province: national province ID");
  v1::GetReceivedFiguresRequest request;
  request.set_name(absl::StrCat(parent, "/receivedFigures/", IdOf(args.positional[0])));
  v1::ReceivedFigures response;
  auto call = context.connection().NewContext();
  grpc::Status status = FederationStub(context)->GetReceivedFigures(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  std::vector<std::string> header = {"ID", kLabels.breakdown, kLabels.value, kLabels.arrived};
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < response.values_size(); ++i) {
    const v1::Value& v = response.values(i);
    std::vector<std::string> cells;
    for (const auto& [dimension, option] : std::map<std::string, std::string>(
             v.cells().begin(), v.cells().end())) {
      cells.push_back(absl::StrCat(dimension, "=", option));
    }
    std::string value = v.value_case() == v1::Value::kIntValue ? absl::StrCat(v.int_value())
                                                               : v.decimal_value();
    rows.push_back({IdOf(v.indicator()), absl::StrJoin(cells, ", "), FormatNumber(value, "vi"),
                    VietnamDateTime(i < response.value_arrive_times_size()
                                        ? response.value_arrive_times(i)
                                        : response.arrive_time())});
  }
  PrintResult(context, response, header, rows);
  return 0;
}

// ---- admin rebuild-aggregates ----

int Rebuild(CliContext& context, const ParsedArgs& args) {
  v1::RebuildAggregatesRequest request;
  request.set_verify_only(args.Has("verify-only"));
  v1::RebuildAggregatesResponse response;
  auto call = context.connection().NewStreamContext();
  grpc::Status status = Stub(context)->RebuildAggregates(call.get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  if (context.output == OutputFormat::kJson) {
    PrintJson(*context.out, response);
    return 0;
  }
  *context.out << absl::Substitute(kLabels.rebuilt, response.changes_replayed(), response.records(),
                                   response.applied_sequence())
               << "\n";
  if (response.feed_rewound()) {
    *context.out << absl::Substitute(
                        response.swapped() ? kLabels.rewound_swapped : kLabels.rewound_verify,
                        response.feed_epoch(), response.previous_sequence(),
                        response.applied_sequence())
                 << "\n";
  } else if (response.identical()) {
    *context.out << absl::Substitute(kLabels.identical, response.rebuilt_digest()) << "\n";
  } else {
    *context.out << absl::Substitute(kLabels.different, response.previous_digest(),
                                     response.previous_sequence(), response.rebuilt_digest())
                 << "\n";
  }
  return 0;
}

}  // namespace

void RegisterAggregationCommands(CommandTable& table) {
  table.Add({"rollup",
             absl::StrCat(kScopeFlags,
                          " [--indicator=ID,...] [--by=total|dimension|child|cells] "
                          "[--dimension=sex] [--explain]"),
             "indicator roll-ups of an agency's subtree", Rollup})
      .Takes(ScopeFlagDeclarations())
      .Takes({"indicator=ID[,ID]", "by=total|dimension|child|cells", "dimension=ID", "explain"});
  table.Add({"completeness", absl::StrCat(kScopeFlags, " [--counts-only]"),
             "who has reported, on time or late, and who has not", Completeness})
      .Takes(ScopeFlagDeclarations())
      .Takes({"counts-only"});
  table.Add({"tasks", absl::StrCat(kScopeFlags, " [--overdue] [--as-of=YYYY-MM-DD]"),
             "each task's assignees with their progress; overdue tasks", Tasks})
      .Takes(ScopeFlagDeclarations())
      .Takes({"overdue", "as-of=YYYY-MM-DD"});
  table.Add({"trend",
             "--indicator=ID --plans=PLAN[,PLAN] [--periods=2024,2025,2026] [--subtree=AGENCY] "
             "[--cell=sex=female]",
             "an indicator across periods against its wanted direction", Trend})
      .Takes({"indicator=ID", "plans=PLAN[,PLAN]", "plan=PLAN", "periods=P[,P]", "subtree=AGENCY",
              "cell=DIMENSION=OPTION", "include-unreviewed", "lang=vi|en", "min-sequence=N"});
  table.Add({"compile",
             absl::StrCat(kScopeFlags,
                          " --format=md|html|xlsx|docx|pdf|json [--out=FILE] [--previous-plan=PLAN]"),
             "the compiled report of a subtree (the province's report)", Compile})
      .Takes(ScopeFlagDeclarations())
      .Takes({"format=md|html|xlsx|docx|pdf|json", "out=FILE", "previous-plan=PLAN"});
  table.Add({"compile draft", absl::StrCat(kScopeFlags, " [--revision=N] [--out=DRAFT.json]"),
             "the letterhead and narrative of the compiled report (generated until edited)",
             CompileDraft})
      .Takes(ScopeFlagDeclarations())
      .Takes({"revision=N", "out=DRAFT.json"});
  table.Add({"compile edit", "DRAFT.json [--fields=signer_name,recommendations,...]",
             "store an edited draft (from compile draft --out) as a new revision", CompileEdit})
      .Takes({"fields=FIELD[,FIELD]"});
  table.Add({"compile history", kScopeFlags, "every stored revision of the draft, newest first",
             CompileHistory})
      .Takes(ScopeFlagDeclarations());
  table.Add({"export",
             absl::StrCat(kScopeFlags, " --format=adx|sdmx-csv --out=FILE [--exact]"),
             "the subtree's figures as ADX or SDMX-CSV, with their code lists beside FILE",
             Export})
      .Takes(ScopeFlagDeclarations())
      .Takes({"format=adx|sdmx-csv", "out=FILE", "exact"});
  table.Add({"forward", absl::StrCat(kScopeFlags, " [--target-plan=PLAN]"),
             "submit the compiled figures to another instance as the agency's report", Forward})
      .Takes(ScopeFlagDeclarations())
      .Takes({"target-plan=PLAN", "to=HOST:PORT"});
  table.Add({"received", "--plan=PLAN --period=2026 [--values]",
             "which instances below (the provinces) have sent their figures, and when",
             Received})
      .Takes({"plan=PLAN", "period=P", "values"});
  table.Add({"upstream status", "",
             "on a province's instance: where it pushes its figures, how far, and the pushes "
             "the upstream refused (held and retried by themselves)",
             UpstreamStatus});
  table.Add({"national overview", "--plan=PLAN --period=2026 [--lang=en]",
             "the Ministry's view: every province (sent or not, when, on time) and the "
             "national totals of the figures received",
             NationalOverview})
      .Takes({"plan=PLAN", "period=P", "lang=vi|en"});
  table.Add({"national table", "--plan=PLAN --period=2026 [--format=csv|xlsx] [--out=FILE]",
             "the cross-province table (provinces × indicators) as CSV or XLSX", NationalTable})
      .Takes({"plan=PLAN", "period=P", "lang=vi|en", "format=csv|xlsx", "out=FILE"});
  table.Add({"national trend", "--plan=PLAN [--periods=2026,2027]",
             "the national total of every indicator over the periods received", NationalTrend})
      .Takes({"plan=PLAN", "periods=P[,P]", "lang=vi|en"});
  table.Add({"national province", "ID --plan=PLAN --period=2026",
             "the figures one province sent, each with when it arrived", NationalProvince})
      .Takes({"plan=PLAN", "period=P"});
  table.Add({"admin rebuild-aggregates", "[--verify-only]",
             "recompute every roll-up from the change feed and swap it in", Rebuild})
      .Takes({"verify-only"});
}

}  // namespace tonghop::cli
