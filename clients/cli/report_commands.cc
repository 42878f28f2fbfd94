#include "clients/cli/report_commands.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/substitute.h"
#include "absl/time/time.h"
#include "clients/cli/output.h"
#include "absl/strings/numbers.h"
#include "clients/client/durable_file.h"
#include "clients/client/outbox.h"
#include "clients/client/report_file.h"
#include "clients/client/report_xlsx.h"
#include "clients/client/submissions_client.h"
#include "services/common/adx.h"
#include "services/common/display_format.h"
#include "services/common/resource_names.h"
#include "services/common/vocabulary.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::cli {
namespace {

// What officials read, in Vietnamese, with the English beside each. $0, $1 …
// are filled by absl::Substitute.
struct Messages {
  // "Wrote the report form to $0 (tasks and progress, JSON) and its figures
  // to $1 (CSV). Fill them in, then submit with: tonghop report submit $0"
  // "Wrote the report form to $0 (Excel: tasks and figures). Fill it in,
  // then submit with: tonghop report submit $0"
  const char* workbook_written =
      "Đã ghi mẫu báo cáo vào $0 (Excel: trang Nhiệm vụ và trang Số liệu).\nĐiền xong, nộp "
      "bằng lệnh: tonghop report submit $0";
  const char* template_written =
      "Đã ghi mẫu báo cáo vào $0 (tiến độ nhiệm vụ, dạng JSON) và bảng số liệu vào $1 "
      "(dạng CSV).\nĐiền xong, nộp bằng lệnh: tonghop report submit $0";
  // "Note: this report was submitted and waits for review; submitting it
  // again replaces the pending revision, or withdraw it with: tonghop report
  // withdraw $0"
  const char* template_waiting =
      "Lưu ý: báo cáo này đã nộp và đang chờ duyệt; nộp lại sẽ thay cho bản đang chờ, "
      "hoặc rút về bằng lệnh: tonghop report withdraw $0";
  // "Note: this report was accepted and is locked."
  const char* template_locked = "Lưu ý: báo cáo này đã được chấp nhận và đã khóa.";
  // "Submitted $0 (revision $1, $2)."
  const char* submitted = "Đã nộp báo cáo $0 (lần nộp thứ $1, $2).";
  // "Cannot reach the server ($0). The report is kept in the outbox ($1) and
  // will be sent automatically the next time a command runs, or now with:
  // tonghop outbox flush"
  const char* queued =
      "Chưa kết nối được máy chủ ($0).\nBáo cáo đã được lưu an toàn vào hộp thư đi ($1) "
      "và sẽ tự động được gửi ở lần chạy lệnh tiếp theo, hoặc gửi ngay bằng lệnh: "
      "tonghop outbox flush";
  // "Sent from the outbox: $0 (revision $1, $2)."
  const char* delivered = "Đã gửi từ hộp thư đi: $0 (lần nộp thứ $1, $2).";
  // "The outbox still holds $0 report(s): $1 was not delivered ($2); it
  // stays queued and is tried again from $3, or now with: tonghop outbox
  // flush"
  const char* still_pending =
      "Hộp thư đi còn $0 báo cáo chờ gửi: chưa gửi được $1 ($2); báo cáo vẫn được giữ và sẽ "
      "được gửi lại từ $3, hoặc gửi ngay bằng lệnh: tonghop outbox flush";
  // "The outbox holds $0 report(s) waiting to be tried again (next at $1)."
  const char* waiting =
      "Hộp thư đi còn $0 báo cáo chờ gửi lại (lần thử tiếp theo lúc $1).";
  // "The server refused $0 from the outbox; it was set aside in $1. Fix the
  // report and submit it again."
  const char* refused =
      "Máy chủ từ chối báo cáo $0 trong hộp thư đi; đã chuyển sang $1. Hãy sửa rồi nộp lại.";
  // "The outbox is empty: nothing waits to be sent."
  const char* outbox_empty = "Hộp thư đi trống: không có báo cáo nào chờ gửi.";
  // "Accepted $0."
  const char* accepted = "Đã chấp nhận báo cáo $0.";
  // "Returned $0 to the agency: $1"
  const char* returned = "Đã trả lại báo cáo $0 cho cơ quan báo cáo. Lý do: $1";
  // "No reports."
  const char* no_reports = "Không có báo cáo nào.";
  // "Nothing is owed: every report due has been accepted."
  const char* nothing_owed = "Không còn báo cáo nào phải nộp: mọi báo cáo đến hạn đã được chấp nhận.";
  // "Reports your agency owes:"
  const char* owed_heading = "Báo cáo cơ quan phải nộp:";
  // "Reports you may read:"
  const char* reports_heading = "Các báo cáo:";
  // "Withdrew $0; it is now: $1. Fix it and submit again with: tonghop
  // report submit FILE"
  const char* withdrawn =
      "Đã rút báo cáo $0 về; trạng thái hiện tại: $1. Sửa rồi nộp lại bằng lệnh: "
      "tonghop report submit TỆP";
  // "Note: $0"
  const char* warning = "Lưu ý: $0";
  // "$0 days left", "due today", "$0 days overdue"
  const char* days_left = "còn $0 ngày";
  const char* due_today = "hạn hôm nay";
  const char* overdue = "quá hạn $0 ngày";
  // "No submitted revision yet."
  const char* no_revisions = "Báo cáo chưa được nộp lần nào.";
  // "Say who you are: --agency=ID (or TONGHOP_AGENCY)."
  const char* need_agency =
      "Hãy đăng nhập (tonghop login) hoặc dùng chứng thư của cơ quan (--cert, --key).";
  // "$0 has no report name; use a file written by `tonghop report template`."
  const char* no_name =
      "Tệp $0 không có tên báo cáo (name); hãy dùng tệp do lệnh tonghop report template tạo ra.";
  // "$0 holds $1 ADX groups; each is the report of its org unit."
  const char* adx_read = "Tệp $0 có $1 nhóm số liệu ADX; mỗi nhóm là báo cáo của một cơ quan.";
  // "$0: $1 values from $2 (ADX), not submitted (--dry-run)."
  const char* adx_dry_run = "$0: $1 số liệu từ $2 (ADX), chưa nộp (--dry-run).";
  const char* on_time = "đúng hạn";  // on time
  const char* late = "trễ hạn";      // late
};
const Messages kMessages;

// Column headers and states, Vietnamese (English beside).
struct Labels {
  const char* report = "Báo cáo";          // Report
  const char* agency = "Cơ quan";          // Agency
  const char* plan = "Kế hoạch";           // Plan
  const char* period = "Kỳ";               // Period
  const char* state = "Trạng thái";        // State
  const char* revision = "Lần nộp";        // Revision
  const char* submitted_at = "Nộp lúc";    // Submitted at
  const char* due = "Hạn nộp";             // Due
  const char* timeliness = "Thời hạn";     // On time?
  const char* submitted_by = "Người nộp";  // Submitted by
  const char* reviewer = "Người duyệt";    // Reviewer
  const char* reason = "Lý do trả lại";    // Reason for return
  const char* queued_at = "Đưa vào lúc";   // Queued at
  const char* attempts = "Số lần thử";     // Attempts
  const char* last_error = "Lỗi gần nhất"; // Last error
  const char* file = "Tệp";                // File
  const char* days = "Còn lại";            // Days left
  const char* not_started = "Chưa lập";    // No draft yet
};
const Labels kLabels;

// The state in the shared vocabulary (services/common/vocabulary.json).
std::string StateLabel(v1::ReportState state) {
  return state == v1::REPORT_STATE_UNSPECIFIED ? "" : LabelOf(state);
}

std::string AgencyName(const std::string& id_or_name) {
  if (id_or_name.empty() || absl::StartsWith(id_or_name, "agencies/")) return id_or_name;
  return "agencies/" + id_or_name;
}

// The plan named by --plan: an id, a name or the plan's symbol
// ("74/KH-UBND"), which the registry is asked about.
absl::StatusOr<std::string> PlanName(const client::SubmissionsClient& submissions,
                                     const std::string& text) {
  return submissions.ResolvePlan(text);
}

std::string ReportName(const std::string& text) {
  return absl::StartsWith(text, "reports/") ? text : "reports/" + text;
}

std::string Timeliness(const v1::Report& report) {
  if (report.revision() == 0) return "";
  return report.on_time() ? kMessages.on_time : kMessages.late;
}

client::Outbox OutboxOf(const CliContext& context) {
  return client::Outbox((std::filesystem::path(context.state_dir) / "outbox").string());
}

// Delivers the outbox, printing what happened to `out`: every entry now
// (`tonghop outbox flush`, after any other process's delivery), or, on the
// side of another command, only the entries due and only when no other
// process is delivering. Returns false when something is left pending or
// was refused.
bool DeliverOutbox(CliContext& context, std::ostream& out, bool on_demand) {
  client::Outbox outbox = OutboxOf(context);
  absl::StatusOr<std::vector<client::Outbox::Entry>> pending = outbox.Pending();
  if (!pending.ok()) {
    PrintError(*context.err, pending.status());
    return false;
  }
  if (pending->empty()) {
    if (on_demand) out << kMessages.outbox_empty << "\n";
    return true;
  }
  client::Outbox::SubmitFn submit =
      [&](const client::Outbox::Entry& entry) -> absl::StatusOr<v1::Report> {
    // A certificate acts for one agency: another agency's reports wait for
    // its own certificate.
    std::string holder = client::CertificateAgency(context.tls);
    if (!holder.empty() && holder != entry.agency) {
      return absl::UnavailableError(absl::StrCat(
          "queued as ", entry.agency, "; the certificate given acts for ", holder));
    }
    client::SubmissionsClient submissions(context.ConnectionFor(entry.agency));
    return submissions.Submit(entry.request);
  };
  std::vector<client::Outbox::Delivery> deliveries;
  if (on_demand) {
    auto delivered = outbox.Deliver(submit);
    if (!delivered.ok()) {
      PrintError(*context.err, delivered.status());
      return false;
    }
    deliveries = *std::move(delivered);
  } else {
    auto delivered = outbox.DeliverDue(submit);
    if (!delivered.ok()) {
      PrintError(*context.err, delivered.status());
      return false;
    }
    // Another process is delivering: it says what it delivers.
    if (!delivered->has_value()) return false;
    deliveries = **std::move(delivered);
  }
  if (deliveries.empty() && on_demand) out << kMessages.outbox_empty << "\n";
  bool all_delivered = true;
  int waiting = 0;
  absl::Time next = absl::InfiniteFuture();
  for (const client::Outbox::Delivery& d : deliveries) {
    switch (d.outcome) {
      case client::Outbox::Outcome::kDelivered:
        out << absl::Substitute(kMessages.delivered, d.report->name(), d.report->revision(),
                                Timeliness(*d.report))
            << "\n";
        break;
      case client::Outbox::Outcome::kStillPending: {
        all_delivered = false;
        auto left = outbox.Pending();
        out << absl::Substitute(kMessages.still_pending, left.ok() ? left->size() : 0,
                                d.entry.request.name(), d.status.message(),
                                FormatDateTime(d.entry.next_attempt, /*seconds=*/true))
            << "\n";
        break;
      }
      case client::Outbox::Outcome::kWaiting:
        all_delivered = false;
        ++waiting;
        next = std::min(next, d.entry.next_attempt);
        break;
      case client::Outbox::Outcome::kRefused:
        all_delivered = false;
        out << absl::Substitute(kMessages.refused, d.entry.request.name(), d.refused_path)
            << "\n";
        PrintError(*context.err, d.status);
        break;
    }
  }
  if (waiting > 0 && next != absl::InfiniteFuture() && next != absl::InfinitePast()) {
    out << absl::Substitute(kMessages.waiting, waiting, FormatDateTime(next, /*seconds=*/true)) << "\n";
  }
  return all_delivered;
}

void PrintWarnings(std::ostream& out, const v1::Report& report) {
  for (const v1::ReportWarning& w : report.warnings()) {
    const std::string& text = w.localized_message().message().empty()
                                  ? w.description()
                                  : w.localized_message().message();
    out << absl::Substitute(kMessages.warning, text) << "\n";
  }
}

int ReportTemplate(CliContext& context, const ParsedArgs& args) {
  std::string period = args.Get("period");
  std::string out = args.Get("out");
  if (args.Get("plan").empty() || period.empty() || out.empty() || !args.positional.empty()) {
    *context.err << "usage: tonghop report template --plan=PLAN --period=2026 --out=FILE\n"
                    "  PLAN is the plan's id or its symbol (74/KH-UBND)\n";
    return 2;
  }
  if (!context.HasIdentity()) {
    *context.err << kMessages.need_agency << "\n";
    return 2;
  }
  client::SubmissionsClient submissions(context.connection());
  absl::StatusOr<std::string> plan = PlanName(submissions, args.Get("plan"));
  if (!plan.ok()) return PrintError(*context.err, plan.status());
  absl::StatusOr<v1::Report> draft =
      submissions.GetOrCreateDraft(*plan, period, client::NewRequestId());
  if (!draft.ok()) return PrintError(*context.err, draft.status());
  absl::StatusOr<client::IndicatorCatalog> catalog = submissions.FetchCatalog(*draft);
  if (!catalog.ok()) return PrintError(*context.err, catalog.status());
  if (client::IsXlsxPath(out)) {
    absl::Status written = client::WriteReportXlsx(out, *draft, *catalog);
    if (!written.ok()) return PrintError(*context.err, written);
    if (context.output == OutputFormat::kJson) PrintJson(*context.out, *draft);
    *context.out << absl::Substitute(kMessages.workbook_written, out) << "\n";
    return 0;
  }
  absl::StatusOr<std::string> csv = client::WriteReportFiles(out, *draft, *catalog);
  if (!csv.ok()) return PrintError(*context.err, csv.status());
  if (context.output == OutputFormat::kJson) PrintJson(*context.out, *draft);
  *context.out << absl::Substitute(kMessages.template_written, out, *csv) << "\n";
  if (draft->state() == v1::REPORT_STATE_SUBMITTED) {
    *context.out << absl::Substitute(kMessages.template_waiting, draft->name()) << "\n";
  } else if (draft->state() == v1::REPORT_STATE_ACCEPTED) {
    *context.out << kMessages.template_locked << "\n";
  }
  return 0;
}

int ReportSubmit(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    *context.err << "usage: tonghop report submit FILE   (FILE.json with FILE.csv beside it, "
                    "or FILE.xlsx)\n";
    return 2;
  }
  const std::string& path = args.positional[0];
  absl::StatusOr<client::ReportForm> form =
      client::IsXlsxPath(path) ? client::ReadReportXlsx(path) : client::ReadReportForm(path);
  if (!form.ok()) return PrintError(*context.err, form.status());
  const v1::Report* report = &form->report;
  if (report->name().empty()) {
    *context.err << absl::Substitute(kMessages.no_name, path) << "\n";
    return 1;
  }
  // The caller is --agency; without it, the agency the report belongs to.
  std::string agency = AgencyName(context.agency);
  if (agency.empty()) {
    std::vector<std::string> parts = absl::StrSplit(report->name(), '/');
    if (parts.size() == 4) agency = AgencyName(parts[1]);
  }
  v1::SubmitRequest request;
  request.set_name(report->name());
  request.set_etag(report->etag());
  request.set_request_id(client::NewRequestId());
  *request.mutable_report() = *report;
  client::SubmissionsClient submissions(context.ConnectionFor(agency));
  absl::StatusOr<v1::Report> submitted = submissions.Submit(request);
  if (submitted.ok()) {
    // A form that carries an etag now stands for what was submitted:
    // corrected and submitted again (before review, or after a return) it
    // replaces it. A file without one is submitted without the check and
    // left as it is.
    if (!report->etag().empty()) {
      absl::Status kept = client::IsXlsxPath(path)
                              ? client::UpdateXlsxEtag(path, report->etag(), submitted->etag())
                              : client::UpdateFormEtag(path, submitted->etag());
      if (!kept.ok()) PrintError(*context.err, kept);
    }
    if (context.output == OutputFormat::kJson) PrintJson(*context.out, *submitted);
    *context.out << absl::Substitute(kMessages.submitted, submitted->name(),
                                     submitted->revision(), Timeliness(*submitted))
                 << "\n";
    PrintWarnings(*context.out, *submitted);
    return 0;
  }
  if (!client::IsRetryable(submitted.status())) {
    return PrintError(*context.err, submitted.status(),
                      [&](const std::string& field) { return form->Where(field); });
  }
  absl::StatusOr<client::Outbox::Entry> queued = OutboxOf(context).Add(agency, request);
  if (!queued.ok()) {
    PrintError(*context.err, submitted.status());
    return PrintError(*context.err, queued.status());
  }
  *context.out << absl::Substitute(kMessages.queued, submitted.status().message(), queued->path)
               << "\n";
  return 0;
}

// The figures of an ADX document (another system's export) submitted as
// reports: each group is the report of its org unit (agency id) for its
// data set (plan id) and period; the server validates it as any report.
int ReportImportAdx(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    *context.err << "usage: tonghop report import-adx FILE.adx [--schema=DATASET.xsd] [--dry-run]\n";
    return 2;
  }
  absl::StatusOr<std::string> xml = client::ReadWholeFile(args.positional[0]);
  if (!xml.ok()) return PrintError(*context.err, xml.status());
  std::string schema;
  if (args.Has("schema")) {
    absl::StatusOr<std::string> read = client::ReadWholeFile(args.Get("schema"));
    if (!read.ok()) return PrintError(*context.err, read.status());
    schema = *read;
  }
  absl::StatusOr<std::vector<AdxGroup>> groups = ReadAdx(*xml, schema);
  if (!groups.ok()) return PrintError(*context.err, groups.status());
  *context.err << absl::Substitute(kMessages.adx_read, args.positional[0], groups->size()) << "\n";
  int failures = 0;
  for (const AdxGroup& group : *groups) {
    absl::StatusOr<std::string> period = PeriodFromAdx(group.period);
    if (!period.ok()) {
      PrintError(*context.err, period.status());
      ++failures;
      continue;
    }
    std::vector<v1::Value> values;
    for (const AdxValue& v : group.values) {
      v1::Value value;
      value.set_indicator(AsName("indicators", v.data_element));
      for (const auto& [dimension, option] : v.attributes) (*value.mutable_cells())[dimension] = option;
      int64_t count = 0;
      if (absl::SimpleAtoi(v.value, &count)) {
        value.set_int_value(count);
      } else {
        value.set_decimal_value(v.value);
      }
      values.push_back(std::move(value));
    }
    if (args.Has("dry-run")) {
      *context.out << absl::Substitute(kMessages.adx_dry_run,
                                       MakeReportName(group.org_unit, group.data_set, *period),
                                       values.size(), args.positional[0])
                   << "\n";
      continue;
    }
    // The report as the agency's own: its draft (with its task progress)
    // takes the figures, then is submitted like any other. The caller is
    // --agency (or the certificate, or the person signed in); without one,
    // the group's org unit.
    client::SubmissionsClient submissions(context.ConnectionFor(
        AgencyName(context.agency.empty() ? group.org_unit : context.agency)));
    absl::StatusOr<v1::Report> draft = submissions.GetOrCreateDraft(
        AsName("plans", group.data_set), *period, client::NewRequestId());
    if (!draft.ok()) {
      PrintError(*context.err, draft.status());
      ++failures;
      continue;
    }
    v1::SubmitRequest request;
    request.set_name(draft->name());
    request.set_etag(draft->etag());
    request.set_request_id(client::NewRequestId());
    *request.mutable_report() = *draft;
    request.mutable_report()->clear_values();
    for (v1::Value& v : values) *request.mutable_report()->add_values() = std::move(v);
    absl::StatusOr<v1::Report> submitted = submissions.Submit(request);
    if (!submitted.ok()) {
      PrintError(*context.err, submitted.status());
      ++failures;
      continue;
    }
    *context.out << absl::Substitute(kMessages.submitted, submitted->name(), submitted->revision(),
                                     Timeliness(*submitted))
                 << "\n";
  }
  return failures == 0 ? 0 : 1;
}

std::string DaysLeft(int days) {
  if (days == 0) return kMessages.due_today;
  if (days > 0) return absl::Substitute(kMessages.days_left, days);
  return absl::Substitute(kMessages.overdue, -days);
}

std::vector<std::string> DueRow(const v1::DueReport& d) {
  return {d.plan_symbol().empty() ? IdOf(d.plan()) : d.plan_symbol(),
          d.period(),
          VietnamDate(d.due_time()),
          DaysLeft(d.days_left()),
          d.state() == v1::REPORT_STATE_UNSPECIFIED ? kLabels.not_started : StateLabel(d.state()),
          d.review_reason()};
}

const std::vector<std::string>& DueHeader() {
  static const auto* header = new std::vector<std::string>{
      kLabels.plan, kLabels.period, kLabels.due, kLabels.days, kLabels.state, kLabels.reason};
  return *header;
}

std::vector<std::string> StatusRow(const v1::Report& r) {
  std::vector<std::string> parts = absl::StrSplit(r.name(), '/');
  return {parts.size() == 4 ? parts[1] : r.name(),
          IdOf(r.plan()),
          r.period(),
          StateLabel(r.state()),
          r.revision() == 0 ? "" : absl::StrCat(r.revision()),
          VietnamDateTime(r.submit_time()),
          VietnamDate(r.due_time()),
          Timeliness(r),
          r.review_reason()};
}

int ReportStatus(CliContext& context, const ParsedArgs& args) {
  if (!args.positional.empty()) {
    *context.err << "usage: tonghop report status [--plan=PLAN] [--period=2026] "
                    "[--state=draft|submitted|accepted|returned] [--subtree=AGENCY]\n";
    return 2;
  }
  if (!context.HasIdentity()) {
    *context.err << kMessages.need_agency << "\n";
    return 2;
  }
  client::SubmissionsClient submissions(context.connection());
  absl::StatusOr<std::string> plan = PlanName(submissions, args.Get("plan"));
  if (!plan.ok()) return PrintError(*context.err, plan.status());
  v1::ListReportsRequest request;
  request.set_plan(*plan);
  request.set_period(args.Get("period"));
  request.set_agency_subtree(AgencyName(args.Get("subtree")));
  if (args.Has("state")) {
    v1::ReportState state;
    std::string upper = absl::AsciiStrToUpper(args.Get("state"));
    if (!v1::ReportState_Parse("REPORT_STATE_" + upper, &state) &&
        !v1::ReportState_Parse(upper, &state)) {
      *context.err << "--state must be draft, submitted, accepted or returned\n";
      return 2;
    }
    request.set_state(state);
  }
  // What the caller's own agency owes comes first, unless the listing is
  // narrowed to a state or a subtree.
  std::vector<std::vector<std::string>> owed_rows;
  if (!args.Has("state") && !args.Has("subtree")) {
    absl::StatusOr<std::vector<v1::DueReport>> owed = submissions.ListDueReports();
    if (!owed.ok()) return PrintError(*context.err, owed.status());
    for (const v1::DueReport& d : *owed) {
      if (!request.plan().empty() && d.plan() != request.plan()) continue;
      if (!request.period().empty() && d.period() != request.period()) continue;
      owed_rows.push_back(DueRow(d));
    }
  }
  absl::StatusOr<std::vector<v1::Report>> reports = submissions.ListReports(request);
  if (!reports.ok()) return PrintError(*context.err, reports.status());
  v1::ListReportsResponse all;
  std::vector<std::vector<std::string>> rows;
  for (const v1::Report& r : *reports) {
    *all.add_reports() = r;
    rows.push_back(StatusRow(r));
  }
  std::vector<std::string> header = {kLabels.agency,       kLabels.plan, kLabels.period,
                                     kLabels.state,        kLabels.revision,
                                     kLabels.submitted_at, kLabels.due,  kLabels.timeliness,
                                     kLabels.reason};
  switch (context.output) {
    case OutputFormat::kJson: PrintJson(*context.out, all); break;
    case OutputFormat::kCsv: PrintCsv(*context.out, header, rows); break;
    case OutputFormat::kTable:
      if (!owed_rows.empty()) {
        *context.out << kMessages.owed_heading << "\n";
        PrintTable(*context.out, DueHeader(), owed_rows);
        if (!rows.empty()) *context.out << "\n" << kMessages.reports_heading << "\n";
      }
      if (!rows.empty()) {
        PrintTable(*context.out, header, rows);
      } else if (owed_rows.empty()) {
        *context.out << kMessages.no_reports << "\n";
      }
      break;
  }
  return 0;
}

int ReportDue(CliContext& context, const ParsedArgs& args) {
  if (!args.positional.empty()) {
    *context.err << "usage: tonghop report due [--for=AGENCY]\n";
    return 2;
  }
  // A person signed in has no --agency: the server answers for their agency.
  if (!context.HasIdentity()) {
    *context.err << kMessages.need_agency << "\n";
    return 2;
  }
  client::SubmissionsClient submissions(context.connection());
  absl::StatusOr<std::vector<v1::DueReport>> owed =
      submissions.ListDueReports(AgencyName(args.Get("for")));
  if (!owed.ok()) return PrintError(*context.err, owed.status());
  v1::ListDueReportsResponse all;
  std::vector<std::vector<std::string>> rows;
  for (const v1::DueReport& d : *owed) {
    *all.add_due_reports() = d;
    rows.push_back(DueRow(d));
  }
  switch (context.output) {
    case OutputFormat::kJson: PrintJson(*context.out, all); break;
    case OutputFormat::kCsv: PrintCsv(*context.out, DueHeader(), rows); break;
    case OutputFormat::kTable:
      if (rows.empty()) {
        *context.out << kMessages.nothing_owed << "\n";
      } else {
        *context.out << kMessages.owed_heading << "\n";
        PrintTable(*context.out, DueHeader(), rows);
      }
      break;
  }
  return 0;
}

int ReportWithdraw(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    *context.err << "usage: tonghop report withdraw REPORT|FILE\n"
                    "  REPORT is reports/{agency}/{plan}/{period}; FILE a form written by "
                    "tonghop report template\n";
    return 2;
  }
  std::string name = args.positional[0];
  if (absl::EndsWith(name, ".json")) {
    absl::StatusOr<v1::Report> report = client::ReadReportFiles(name);
    if (!report.ok()) return PrintError(*context.err, report.status());
    name = report->name();
  }
  name = ReportName(name);
  std::string agency = AgencyName(context.agency);
  if (agency.empty()) {
    std::vector<std::string> parts = absl::StrSplit(name, '/');
    if (parts.size() == 4) agency = AgencyName(parts[1]);
  }
  v1::WithdrawRequest request;
  request.set_name(name);
  request.set_request_id(client::NewRequestId());
  client::SubmissionsClient submissions(client::Connection(context.server, agency, context.tls));
  absl::StatusOr<v1::Report> withdrawn = submissions.Withdraw(request);
  if (!withdrawn.ok()) return PrintError(*context.err, withdrawn.status());
  if (context.output == OutputFormat::kJson) {
    PrintJson(*context.out, *withdrawn);
  } else {
    *context.out << absl::Substitute(kMessages.withdrawn, withdrawn->name(),
                                     StateLabel(withdrawn->state()))
                 << "\n";
  }
  return 0;
}

int ReportReview(CliContext& context, const ParsedArgs& args) {
  bool accept = args.Has("accept");
  bool give_back = args.Has("return");
  std::string reason = args.Get("reason");
  if (args.positional.size() != 1 || accept == give_back || (give_back && reason.empty())) {
    *context.err << "usage: tonghop report review REPORT --accept | --return --reason=TEXT\n"
                    "  REPORT is reports/{agency}/{plan}/{period} or {agency}/{plan}/{period}\n";
    return 2;
  }
  if (!context.HasIdentity()) {
    *context.err << kMessages.need_agency << "\n";
    return 2;
  }
  v1::ReviewRequest request;
  request.set_name(ReportName(args.positional[0]));
  request.set_decision(accept ? v1::REVIEW_DECISION_ACCEPT : v1::REVIEW_DECISION_RETURN);
  request.set_reason(reason);
  request.set_etag(args.Get("etag"));
  request.set_request_id(client::NewRequestId());
  client::SubmissionsClient submissions(context.connection());
  absl::StatusOr<v1::Report> reviewed = submissions.Review(request);
  if (!reviewed.ok()) return PrintError(*context.err, reviewed.status());
  if (context.output == OutputFormat::kJson) {
    PrintJson(*context.out, *reviewed);
  } else if (accept) {
    *context.out << absl::Substitute(kMessages.accepted, reviewed->name()) << "\n";
  } else {
    *context.out << absl::Substitute(kMessages.returned, reviewed->name(),
                                     reviewed->review_reason())
                 << "\n";
  }
  return 0;
}

int ReportHistory(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    *context.err << "usage: tonghop report history REPORT\n";
    return 2;
  }
  if (!context.HasIdentity()) {
    *context.err << kMessages.need_agency << "\n";
    return 2;
  }
  client::SubmissionsClient submissions(context.connection());
  std::string name = ReportName(args.positional[0]);
  absl::StatusOr<std::vector<v1::Report>> revisions = submissions.ListRevisions(name);
  if (!revisions.ok()) return PrintError(*context.err, revisions.status());
  v1::ListRevisionsResponse all;
  std::vector<std::vector<std::string>> rows;
  for (const v1::Report& r : *revisions) {
    *all.add_revisions() = r;
    rows.push_back({absl::StrCat(r.revision()), StateLabel(r.state()),
                    VietnamDateTime(r.submit_time()), Timeliness(r), IdOf(r.submitted_by()),
                    IdOf(r.reviewed_by()), r.review_reason()});
  }
  std::vector<std::string> header = {kLabels.revision,     kLabels.state,
                                     kLabels.submitted_at, kLabels.timeliness,
                                     kLabels.submitted_by, kLabels.reviewer,
                                     kLabels.reason};
  switch (context.output) {
    case OutputFormat::kJson: PrintJson(*context.out, all); break;
    case OutputFormat::kCsv: PrintCsv(*context.out, header, rows); break;
    case OutputFormat::kTable:
      *context.out << name << "\n";
      if (rows.empty()) {
        *context.out << kMessages.no_revisions << "\n";
      } else {
        PrintTable(*context.out, header, rows);
      }
      break;
  }
  return 0;
}

int ReportGet(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    *context.err << "usage: tonghop report get REPORT\n";
    return 2;
  }
  client::SubmissionsClient submissions(context.connection());
  absl::StatusOr<v1::Report> report = submissions.GetReport(ReportName(args.positional[0]));
  if (!report.ok()) return PrintError(*context.err, report.status());
  PrintJson(*context.out, *report);
  return 0;
}

int OutboxFlush(CliContext& context, const ParsedArgs& args) {
  if (!args.positional.empty()) {
    *context.err << "usage: tonghop outbox flush\n";
    return 2;
  }
  return DeliverOutbox(context, *context.out, /*on_demand=*/true) ? 0 : 1;
}

int OutboxList(CliContext& context, const ParsedArgs& args) {
  absl::StatusOr<std::vector<client::Outbox::Entry>> pending = OutboxOf(context).Pending();
  if (!pending.ok()) return PrintError(*context.err, pending.status());
  if (pending->empty()) {
    *context.out << kMessages.outbox_empty << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : *pending) {
    rows.push_back({e.request.name(), IdOf(e.agency),
                    FormatDateTime(e.queued_at),
                    e.attempts == 0 ? "" : absl::StrCat(e.attempts), e.last_error, e.path});
  }
  std::vector<std::string> header = {kLabels.report,   kLabels.agency,     kLabels.queued_at,
                                     kLabels.attempts, kLabels.last_error, kLabels.file};
  if (context.output == OutputFormat::kCsv) {
    PrintCsv(*context.out, header, rows);
  } else {
    PrintTable(*context.out, header, rows);
  }
  return 0;
}

}  // namespace

// Lists the change feed from --after (default 0) to its current end: who
// submitted, accepted or returned what, in order. The ministry and the
// instance's operator may read it.
int ReportChanges(CliContext& context, const ParsedArgs& args) {
  int64_t after = 0;
  if (args.Has("after") && !absl::SimpleAtoi(args.Get("after"), &after)) {
    *context.err << "usage: tonghop report changes [--after=SEQUENCE]\n";
    return 2;
  }
  auto stub = v1::Submissions::NewStub(context.connection().channel());
  v1::WatchChangesRequest request;
  request.set_after_sequence(after);
  request.set_stop_at_end(true);
  auto call_context = context.connection().NewContext();
  auto reader = stub->WatchChanges(call_context.get(), request);
  v1::ChangeList all;
  v1::Change change;
  while (reader->Read(&change)) *all.add_changes() = change;
  grpc::Status status = reader->Finish();
  if (!status.ok()) return PrintError(*context.err, status);
  if (context.output == OutputFormat::kJson) {
    PrintJson(*context.out, all);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const v1::Change& c : all.changes()) {
    rows.push_back({absl::StrCat(c.sequence()), LabelOf(c.kind()), c.report().name(),
                    absl::StrCat(c.report().revision()),
                    FormatDateTime(absl::FromUnixSeconds(c.time().seconds()))});
  }
  std::vector<std::string> header = {"Số thứ tự", "Thay đổi", "Báo cáo", "Lần nộp", "Lúc"};
  if (context.output == OutputFormat::kCsv) {
    PrintCsv(*context.out, header, rows);
  } else {
    PrintTable(*context.out, header, rows);
  }
  return 0;
}

// Lists the e-mail notices (reminders, returns, acceptances, digests of
// missing reports), queued and sent; --state=pending|sent|no-recipient;
// --for=AGENCY: only those sent to one agency (which its own people and
// those who read its reports may list).
int NoticeList(CliContext& context, const ParsedArgs& args) {
  v1::ListNoticesRequest request;
  if (args.Has("for")) request.set_agency(AgencyName(args.Get("for")));
  if (args.Has("state")) {
    std::optional<int> state = ParseEnumText(*v1::NoticeState_descriptor(), args.Get("state"));
    if (!state) {
      *context.err << "tonghop: --state: \"" << args.Get("state") << "\" is not one of "
                   << ChoicesOf(*v1::NoticeState_descriptor()) << "\n";
      return 2;
    }
    request.set_state(static_cast<v1::NoticeState>(*state));
  }
  auto stub = v1::Submissions::NewStub(context.connection().channel());
  v1::ListNoticesResponse all;
  do {
    v1::ListNoticesResponse page;
    grpc::Status status =
        stub->ListNotices(context.connection().NewContext().get(), request, &page);
    if (!status.ok()) return PrintError(*context.err, status);
    for (v1::Notice& notice : *page.mutable_notices()) *all.add_notices() = std::move(notice);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  std::vector<std::vector<std::string>> rows;
  for (const v1::Notice& n : all.notices()) {
    rows.push_back({LabelOf(n.kind()), LabelOf(n.state()), IdOf(n.agency()),
                    n.report().empty() ? n.dedup_key() : n.report(),
                    absl::StrJoin(n.recipients(), ", "), VietnamDateTime(n.create_time()),
                    VietnamDateTime(n.send_time()), absl::StrCat(n.attempts()), n.last_error()});
  }
  PrintResult(context, all,
              {"Loại (kind)", "Trạng thái (state)", "Gửi cho (agency)", "Về (about)",
               "Địa chỉ (to)", "Tạo lúc (queued)", "Gửi lúc (sent)", "Số lần (attempts)",
               "Lỗi (error)"},
              rows);
  return 0;
}

void RegisterReportCommands(CommandTable& table) {
  table.Add({"notice list", "[--for=AGENCY] [--state=pending|sent|no-recipient]",
             "the e-mail notices queued and sent (reminders, returns, acceptances, digests of "
             "missing reports): all of them for the instance's administrators, one agency's "
             "with --for",
             NoticeList})
      .Takes({"for=AGENCY", "state=pending|sent|no-recipient"});
  table.Describe("notice list", R"(Every e-mail notice of this server, queued or sent: reminders before a due
date, a report returned (with the reason) or accepted, and the digest of
missing reports to a focal agency after the due date. Shows the addresses
used, the attempts and the last error; NO_RECIPIENT means neither the agency
nor its people have an address. Notices are sent only when tonghopd runs
with --smtp=HOST:PORT (docs/notices.md). With --for=AGENCY, only the notices
sent to that agency: its own people, and whoever may read its reports, may
list them; without it, the list is the instance administrators'.

Examples:
  tonghop notice list
  tonghop notice list --state=pending
  tonghop notice list --for=dong-nai-so-y-te)");
  table.Add({"report template", "--plan=PLAN --period=2026 --out=FILE",
             "write the caller's report form: FILE.json and its figures (CSV beside it), "
             "or FILE.xlsx (Excel)",
             ReportTemplate})
      .Takes({"plan=PLAN", "period=PERIOD", "out=FILE"});
  table.Add({"report import-adx", "FILE.adx [--schema=DATASET.xsd] [--dry-run]",
             "submit the figures of an ADX file (another system's export) as reports",
             ReportImportAdx})
      .Takes({"schema=DATASET.xsd", "dry-run"});
  table.Add({"report submit", "FILE",
             "submit a filled-in report (kept in the outbox when the server is unreachable)",
             ReportSubmit});
  table.Add({"report status", "[--plan=PLAN] [--period=P] [--state=S] [--subtree=AGENCY]",
             "what the caller's agency owes, then the reports it may read (PLAN: id or "
             "symbol, 74/KH-UBND)",
             ReportStatus})
      .Takes({"plan=PLAN", "period=P", "state=S", "subtree=AGENCY"});
  table.Add({"report due", "[--for=AGENCY]",
             "every report the agency owes: plan, period, due date, days left, state, reason",
             ReportDue})
      .Takes({"for=AGENCY"});
  table.Add({"report withdraw", "REPORT|FILE",
             "withdraw a submitted report before it is reviewed", ReportWithdraw});
  table.Add({"report review", "REPORT --accept | --return --reason=TEXT",
             "accept a submitted report, or return it with a reason", ReportReview})
      .Takes({"accept", "return", "reason=TEXT", "etag=E"});
  table.Add({"report history", "REPORT", "every submitted revision of a report", ReportHistory});
  table.Add({"report get", "REPORT", "show one report as JSON", ReportGet});
  table.Add({"report changes", "[--after=SEQUENCE]",
             "the change feed: every submission and review, in order", ReportChanges})
      .Takes({"after=N"});
  table.Add({"outbox flush", "", "send the reports waiting in the local outbox now", OutboxFlush,
             /*runs_before_hooks=*/false});
  table.Add({"outbox list", "", "list the reports waiting in the local outbox", OutboxList});
  // Every command first tries to deliver what waits in the outbox; it never
  // fails the command, only reports on stderr.
  table.AddBeforeHook([](CliContext& context) {
    DeliverOutbox(context, *context.err, /*on_demand=*/false);
  });
}

}  // namespace tonghop::cli
