#include "clients/cli/audit_commands.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clients/cli/output.h"
#include "services/common/display_format.h"
#include "services/common/period.h"
#include "tonghop/v1/audit_service.grpc.pb.h"

namespace tonghop::cli {
namespace {

// What officials read, Vietnamese with the English beside each.
struct Labels {
  const char* time = "Thời gian";              // Time
  const char* store = "Kho dữ liệu";           // Store
  const char* sequence = "Số";                 // Sequence
  const char* actor = "Người thực hiện";       // Who
  const char* agency = "Cơ quan";              // Agency
  const char* method = "Thao tác";             // Method
  const char* resource = "Đối tượng";          // Resource
  const char* result = "Kết quả";              // Result
  const char* request_id = "Mã yêu cầu";       // Request id
  const char* credential = "Cách xác thực";    // Credential
  const char* peer = "Địa chỉ";                // Peer
  const char* hash = "Mã băm";                 // Hash
  const char* previous_hash = "Mã băm trước";  // Previous hash
  const char* ok = "thành công";               // done
  const char* denied = "từ chối: không có quyền";     // refused: no permission
  const char* unidentified = "từ chối: chưa xác thực";  // refused: no identity
  const char* damaged = "HỎNG";                // DAMAGED
  const char* nobody = "(không xác định)";     // (unknown)
  // "More records: run again with --page-token=$0 (or --all)."
  const char* more = "Còn bản ghi: chạy lại với --page-token=$0 (hoặc --all).";
  // "No audit records."
  const char* none = "Không có bản ghi kiểm toán nào.";
  // "Audit trail intact: $0 records" — the words scripts and the tests look for.
  const char* intact = "Nhật ký kiểm toán toàn vẹn: $0 bản ghi";
  // "$0: $1 records, last $2, hash $3"
  const char* chain = "  $0: $1 bản ghi, bản ghi cuối số $2, mã băm $3";
  // "Audit trail NOT intact: record $0 of store $1 ($2) does not chain: $3"
  const char* broken =
      "Nhật ký kiểm toán KHÔNG toàn vẹn: bản ghi số $0 của kho $1 ($2) không nối chuỗi: $3";
  // The break kinds (AuditBreak).
  const char* break_damaged = "bản ghi đã bị sửa hoặc hỏng, nội dung không khớp mã băm";
  const char* break_not_chained = "bản ghi không mang mã băm của bản ghi liền trước";
  const char* break_missing = "bản ghi bị mất, chuỗi nhảy qua số này";
  const char* break_misplaced = "bản ghi nằm sai chỗ (ghi kho hoặc số thứ tự khác)";
  const char* break_head = "đầu chuỗi không khớp bản ghi cuối (bản ghi cuối bị xóa hoặc đầu chuỗi bị sửa)";
};
const Labels kLabels;

constexpr char kListUsage[] =
    "[--store=registry|submissions|aggregation] [--user=ID] [--for-agency=ID] [--method=M] "
    "[--since=WHEN] [--until=WHEN] [--result=ok|refused|permission_denied|unauthenticated] "
    "[--page-size=N] [--page-token=T | --all]";

int Usage(CliContext& context, absl::string_view message) {
  *context.err << "tonghop: " << message << "\n";
  return 2;
}

std::unique_ptr<v1::Audit::Stub> Stub(CliContext& context) {
  return v1::Audit::NewStub(context.connection().channel());
}

// --since and --until: "2026-11-05" (a whole day in Vietnam time: --since
// from its start, --until through its end), "05/11/2026" likewise,
// "2026-11-05T14:30[:00]" in Vietnam time, or RFC 3339 with an offset.
std::optional<absl::Time> ParseWhen(const std::string& text, bool through_end_of_day) {
  const absl::TimeZone vietnam = VietnamTime();
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return time;
  absl::CivilDay day;
  bool is_day = absl::ParseCivilTime(text, &day);
  if (!is_day && absl::ParseTime("%d/%m/%Y", text, vietnam, &time, &error)) {
    day = absl::ToCivilDay(time, vietnam);
    is_day = true;
  }
  if (is_day) return absl::FromCivil(through_end_of_day ? day + 1 : day, vietnam);
  absl::CivilSecond second;
  if (absl::ParseLenientCivilTime(text, &second)) return absl::FromCivil(second, vietnam);
  return std::nullopt;
}

std::string ResultText(const v1::AuditRecord& r) {
  std::string text;
  switch (static_cast<absl::StatusCode>(r.result().code())) {
    case absl::StatusCode::kOk: text = kLabels.ok; break;
    case absl::StatusCode::kPermissionDenied: text = kLabels.denied; break;
    case absl::StatusCode::kUnauthenticated: text = kLabels.unidentified; break;
    default: text = absl::StatusCodeToString(static_cast<absl::StatusCode>(r.result().code()));
  }
  return r.damaged() ? absl::StrCat(kLabels.damaged, " · ", text) : text;
}

std::string BreakText(v1::AuditBreak kind) {
  switch (kind) {
    case v1::AUDIT_BREAK_DAMAGED: return kLabels.break_damaged;
    case v1::AUDIT_BREAK_NOT_CHAINED: return kLabels.break_not_chained;
    case v1::AUDIT_BREAK_MISSING: return kLabels.break_missing;
    case v1::AUDIT_BREAK_MISPLACED: return kLabels.break_misplaced;
    case v1::AUDIT_BREAK_HEAD_MISMATCH: return kLabels.break_head;
    default: return "";
  }
}

std::string StoreParent(const ParsedArgs& args) {
  return args.Has("store") ? AsName("stores", args.Get("store")) : "";
}

// ---- admin audit list ----

int List(CliContext& context, const ParsedArgs& args) {
  v1::ListAuditRecordsRequest request;
  request.set_parent(StoreParent(args));
  if (args.Has("user")) {
    std::string user = args.Get("user");
    request.set_actor(absl::StrContains(user, "/") ? user : AsName("users", user));
  }
  request.set_agency(AsName("agencies", args.Get("for-agency")));
  request.set_method(args.Get("method"));
  request.set_result(args.Get("result"));
  for (const char* flag : {"since", "until"}) {
    if (!args.Has(flag)) continue;
    bool until = std::string(flag) == "until";
    std::optional<absl::Time> when = ParseWhen(args.Get(flag), until);
    if (!when) {
      return Usage(context, absl::StrCat("--", flag,
                                         " must be a date (2026-11-05 or 05/11/2026), a time "
                                         "(2026-11-05T14:30) or RFC 3339"));
    }
    google::protobuf::Timestamp* t =
        until ? request.mutable_end_time() : request.mutable_start_time();
    t->set_seconds(absl::ToUnixSeconds(*when));
  }
  int page_size = 0;
  if (args.Has("page-size") && !absl::SimpleAtoi(args.Get("page-size"), &page_size)) {
    return Usage(context, "--page-size must be a number");
  }
  request.set_page_size(page_size);
  request.set_page_token(args.Get("page-token"));
  bool all = args.Has("all");

  v1::ListAuditRecordsResponse shown;
  auto stub = Stub(context);
  do {
    v1::ListAuditRecordsResponse page;
    grpc::Status status =
        stub->ListAuditRecords(context.connection().NewContext().get(), request, &page);
    if (!status.ok()) return PrintError(*context.err, status);
    for (v1::AuditRecord& r : *page.mutable_audit_records()) {
      *shown.add_audit_records() = std::move(r);
    }
    shown.set_next_page_token(page.next_page_token());
    request.set_page_token(page.next_page_token());
  } while (all && !request.page_token().empty());

  bool table = context.output == OutputFormat::kTable;
  std::vector<std::string> header = {kLabels.time,   kLabels.store,    kLabels.sequence,
                                     kLabels.actor,  kLabels.agency,   kLabels.method,
                                     kLabels.resource, kLabels.result};
  if (!table) {
    for (const char* more : {kLabels.request_id, kLabels.credential, kLabels.peer,
                             kLabels.hash, kLabels.previous_hash}) {
      header.push_back(more);
    }
  }
  std::vector<std::vector<std::string>> rows;
  for (const v1::AuditRecord& r : shown.audit_records()) {
    std::vector<std::string> row = {
        VietnamDateTime(r.time(), /*seconds=*/true),
        r.store(),
        absl::StrCat(r.sequence()),
        r.actor().empty() ? kLabels.nobody : r.actor(),
        r.agency(),
        r.method(),
        table ? Truncate(r.resource(), 60) : r.resource(),
        table ? ResultText(r) : absl::StrCat(ResultText(r), r.result().message().empty() ? "" : ": ",
                                             r.result().message())};
    if (!table) {
      for (const std::string* more :
           {&r.request_id(), &r.credential(), &r.peer(), &r.hash(), &r.previous_hash()}) {
        row.push_back(*more);
      }
    }
    rows.push_back(std::move(row));
  }
  if (table && rows.empty()) {
    *context.out << kLabels.none << "\n";
  } else {
    PrintResult(context, shown, header, rows);
  }
  if (!shown.next_page_token().empty() && context.output != OutputFormat::kJson) {
    *context.err << absl::Substitute(kLabels.more, shown.next_page_token()) << "\n";
  }
  return 0;
}

// ---- admin audit verify ----

int Verify(CliContext& context, const ParsedArgs& args) {
  v1::VerifyAuditLogRequest request;
  request.set_parent(StoreParent(args));
  v1::VerifyAuditLogResponse response;
  grpc::Status status =
      Stub(context)->VerifyAuditLog(context.connection().NewStreamContext().get(), request,
                                    &response);
  if (!status.ok()) return PrintError(*context.err, status);
  if (context.output == OutputFormat::kJson) {
    PrintJson(*context.out, response);
    return response.intact() ? 0 : 1;
  }
  for (const v1::AuditChainStatus& chain : response.chains()) {
    *context.out << absl::Substitute(kLabels.chain, chain.store(),
                                     FormatCount(chain.records(), "vi"), chain.head_sequence(),
                                     chain.head_hash().empty() ? "—" : chain.head_hash())
                 << "\n";
  }
  if (response.intact()) {
    *context.out << absl::Substitute(kLabels.intact, FormatCount(response.records(), "vi")) << "\n"
                 << "Audit trail intact: " << response.records() << " records\n";
    return 0;
  }
  for (const v1::AuditChainStatus& chain : response.chains()) {
    if (chain.intact()) continue;
    *context.out << absl::Substitute(kLabels.broken, chain.first_broken_sequence(),
                                     chain.store(), chain.first_broken_record(),
                                     BreakText(chain.break_kind()))
                 << "\n"
                 << "Audit trail NOT intact: " << chain.first_broken_record()
                 << " does not chain: " << chain.problem() << "\n";
    break;
  }
  return 1;
}

}  // namespace

void RegisterAuditCommands(CommandTable& table) {
  table.Add({"admin audit list", kListUsage,
             "the audit trail: who changed what, and which writes were refused", List})
      .Takes({"store=registry|submissions|aggregation", "user=ID", "for-agency=ID", "method=M",
              "since=WHEN", "until=WHEN", "result=RESULT", "page-size=N", "page-token=T", "all"});
  table.Add({"admin audit verify", "[--store=registry|submissions|aggregation]",
             "check that every audit record chains to the one before it", Verify})
      .Takes({"store=registry|submissions|aggregation"});
}

}  // namespace tonghop::cli
