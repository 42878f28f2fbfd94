#include "services/submissions/notices.h"

#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/common/period.h"
#include "services/common/resource_names.h"
#include "services/common/pagination.h"
#include "services/common/secrets.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"
#include "services/common/timestamps.h"
#include "services/common/vocabulary.h"

namespace tonghop::submissions {
namespace {

// The queue entry of `notice`.
std::string PendingKey(const v1::Notice& notice) {
  return PendingNoticeKey(FromTimestamp(notice.next_attempt_time()),
                          notice.name().substr(notice.name().find('/') + 1));
}

absl::StatusOr<v1::Notice> ParseNotice(absl::string_view bytes) {
  v1::Notice notice;
  if (!notice.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("corrupt notice record");
  }
  return notice;
}

// The plan as officials cite it: "74/KH-UBND (Kế hoạch …)".
std::string PlanText(const v1::Plan& plan) {
  std::string symbol = plan.symbol().empty() ? plan.name() : plan.symbol();
  if (plan.title().empty()) return symbol;
  return absl::StrCat(symbol, " (", plan.title(), ")");
}

constexpr char kSignature[] =
    "\n--\nThư này do hệ thống tổng hợp báo cáo tonghop gửi tự động; xin đừng trả lời thư này.\n"
    "This message was sent automatically by tonghop; please do not reply.\n";

v1::Notice ReportNotice(const ReportNoticeFacts& facts, v1::NoticeKind kind,
                        std::string dedup_key, std::string subject, std::string body) {
  v1::Notice notice;
  notice.set_kind(kind);
  notice.set_dedup_key(std::move(dedup_key));
  notice.set_report(facts.report);
  notice.set_agency(facts.agency);
  notice.set_subject(std::move(subject));
  notice.set_body(absl::StrCat(std::move(body), kSignature));
  return notice;
}

// RFC 2047 encoded words for a header value, each at most 75 characters,
// split between whole UTF-8 characters.
std::string EncodeHeaderText(absl::string_view text) {
  bool ascii = true;
  for (char c : text) ascii &= static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  if (ascii && text.size() <= 70) return std::string(text);
  constexpr size_t kChunkBytes = 45;  // base64 of 45 bytes is 60 characters
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + kChunkBytes);
    // Back up to the start of a UTF-8 character.
    while (end < text.size() && end > start &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    words.push_back(
        absl::StrCat("=?UTF-8?B?", absl::Base64Escape(text.substr(start, end - start)), "?="));
    start = end;
  }
  return absl::StrJoin(words, "\r\n ");
}

}  // namespace

std::string NoticeId(absl::string_view dedup_key) { return Sha256Hex(dedup_key).substr(0, 32); }

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%02d/%02d/%04d", day.day(), day.month(), day.year());
}

// ---- The queue ----

NoticeQueue::NoticeQueue(storage::KvStore* store, const Clock* clock)
    : store_(store), clock_(clock) {}

v1::Notice NoticeQueue::Add(storage::WriteBatch& batch, v1::Notice notice) const {
  std::string id = NoticeId(notice.dedup_key());
  notice.set_name(MakeName("notices", id));
  notice.set_message_id(absl::StrCat("<", id, ".notice@tonghop>"));
  notice.set_state(v1::NOTICE_STATE_PENDING);
  absl::Time now = clock_->Now();
  *notice.mutable_create_time() = ToTimestamp(now);
  *notice.mutable_next_attempt_time() = ToTimestamp(now);
  batch.Put(kNoticesColumnFamily, NoticeKey(id), notice.SerializeAsString());
  batch.Put(kNoticesColumnFamily, PendingKey(notice), "");
  return notice;
}

absl::StatusOr<bool> NoticeQueue::AddOnce(v1::Notice notice) {
  ASSIGN_OR_RETURN(std::optional<v1::Notice> existing, Get(NoticeId(notice.dedup_key())));
  if (existing) return false;
  storage::WriteBatch batch;
  Add(batch, std::move(notice));
  RETURN_IF_ERROR(store_->Write(batch));
  return true;
}

absl::StatusOr<std::optional<v1::Notice>> NoticeQueue::Get(absl::string_view id) const {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_->Get(kNoticesColumnFamily, NoticeKey(id)));
  if (!bytes) return std::optional<v1::Notice>();
  ASSIGN_OR_RETURN(v1::Notice notice, ParseNotice(*bytes));
  return std::optional<v1::Notice>(std::move(notice));
}

absl::StatusOr<std::vector<v1::Notice>> NoticeQueue::Due(absl::Time now, int limit) const {
  std::vector<std::string> ids;
  int64_t now_micros = absl::ToUnixMicros(now);
  std::string prefix = PendingNoticePrefix();
  absl::Status inner;
  RETURN_IF_ERROR(store_->Scan(
      kNoticesColumnFamily, prefix, storage::PrefixEnd(prefix),
      [&](absl::string_view key, absl::string_view) {
        std::optional<PendingNotice> pending = ParsePendingNoticeKey(key);
        if (!pending) {
          inner = absl::DataLossError("corrupt pending-notice key");
          return false;
        }
        if (pending->next_attempt_micros > now_micros) return false;
        ids.push_back(pending->id);
        return static_cast<int>(ids.size()) < limit;
      }));
  RETURN_IF_ERROR(inner);
  std::vector<v1::Notice> due;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(std::optional<v1::Notice> notice, Get(id));
    if (!notice) return absl::DataLossError(absl::StrCat("pending notice ", id, " is missing"));
    due.push_back(std::move(*notice));
  }
  return due;
}

absl::Status NoticeQueue::Replace(const v1::Notice& before, const v1::Notice& after) {
  storage::WriteBatch batch;
  batch.Delete(kNoticesColumnFamily, PendingKey(before));
  if (after.state() == v1::NOTICE_STATE_PENDING) {
    batch.Put(kNoticesColumnFamily, PendingKey(after), "");
  }
  batch.Put(kNoticesColumnFamily, NoticeKey(after.name().substr(after.name().find('/') + 1)),
            after.SerializeAsString());
  return store_->Write(batch);
}

absl::Status NoticeQueue::MarkSent(v1::Notice notice, const std::vector<std::string>& recipients,
                                   absl::Time when) {
  v1::Notice sent = notice;
  sent.set_state(v1::NOTICE_STATE_SENT);
  sent.clear_recipients();
  for (const std::string& r : recipients) sent.add_recipients(r);
  sent.set_attempts(notice.attempts() + 1);
  sent.clear_last_error();
  sent.clear_next_attempt_time();
  *sent.mutable_send_time() = ToTimestamp(when);
  return Replace(notice, sent);
}

absl::Status NoticeQueue::MarkNoRecipient(v1::Notice notice) {
  v1::Notice stopped = notice;
  stopped.set_state(v1::NOTICE_STATE_NO_RECIPIENT);
  stopped.clear_next_attempt_time();
  stopped.set_last_error(
      "neither the agency nor its people have an e-mail address (tonghop agency update "
      "--email, tonghop user update --email)");
  return Replace(notice, stopped);
}

absl::Status NoticeQueue::MarkFailed(v1::Notice notice, absl::string_view error,
                                     absl::Time retry_at) {
  v1::Notice failed = notice;
  failed.set_attempts(notice.attempts() + 1);
  failed.set_last_error(TruncateUtf8(error, 1024));
  *failed.mutable_next_attempt_time() = ToTimestamp(retry_at);
  return Replace(notice, failed);
}

absl::StatusOr<v1::ListNoticesResponse> NoticeQueue::List(
    const v1::ListNoticesRequest& request) const {
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
  std::string query = absl::StrCat("notices:", request.state(), ":", request.agency());
  ASSIGN_OR_RETURN(std::string after, DecodePageToken(request.page_token(), query));
  std::string prefix = NoticePrefix();
  std::string start = after.empty() ? prefix : after + '\0';
  v1::ListNoticesResponse response;
  ASSIGN_OR_RETURN(
      std::string next_page_token,
      ScanPage<v1::Notice>(
          *store_, kNoticesColumnFamily, start, storage::PrefixEnd(prefix), page_size, query,
          [&](absl::string_view, absl::string_view value)
              -> absl::StatusOr<std::optional<v1::Notice>> {
            ASSIGN_OR_RETURN(v1::Notice notice, ParseNotice(value));
            if (request.state() != v1::NOTICE_STATE_UNSPECIFIED &&
                notice.state() != request.state()) {
              return std::nullopt;
            }
            // An agency's notices are found by a scan of the instance's: a
            // few per agency and round, read in milliseconds.
            if (!request.agency().empty() && notice.agency() != request.agency()) {
              return std::nullopt;
            }
            return notice;
          },
          *response.mutable_notices()));
  response.set_next_page_token(std::move(next_page_token));
  return response;
}

// ---- The text ----

v1::Notice ReviewNotice(const ReportNoticeFacts& facts, bool accepted, absl::string_view reason,
                        absl::string_view reviewer, int64_t revision) {
  std::string plan = PlanText(*facts.plan);
  std::string symbol = facts.plan->symbol().empty() ? facts.plan->name() : facts.plan->symbol();
  std::string due = FormatDay(facts.due_day);
  std::string key = absl::StrCat(accepted ? "accepted/" : "returned/", facts.report, "/", revision);
  if (accepted) {
    return ReportNotice(
        facts, v1::NOTICE_KIND_ACCEPTED, std::move(key),
        absl::StrCat("[tonghop] Báo cáo đã được chấp nhận: ", symbol, ", kỳ ", facts.period),
        absl::StrCat("Kính gửi ", facts.agency_title, ",\n\n",
                     "Báo cáo của đơn vị theo ", plan, ", kỳ ", facts.period, " (hạn nộp ", due,
                     "), lần nộp thứ ", revision, ", đã được chấp nhận.\n",
                     "Người thẩm định: ", reviewer, "\n",
                     reason.empty() ? "" : absl::StrCat("Ghi chú: ", reason, "\n"),
                     "Báo cáo: ", facts.report, "\n\n",
                     "English: the report for ", symbol, ", period ", facts.period, " (due ", due,
                     "), revision ", revision, ", was accepted.\n"));
  }
  return ReportNotice(
      facts, v1::NOTICE_KIND_RETURNED, std::move(key),
      absl::StrCat("[tonghop] Báo cáo bị trả lại: ", symbol, ", kỳ ", facts.period),
      absl::StrCat("Kính gửi ", facts.agency_title, ",\n\n",
                   "Báo cáo của đơn vị theo ", plan, ", kỳ ", facts.period, " (hạn nộp ", due,
                   "), lần nộp thứ ", revision, ", đã bị trả lại.\n",
                   "Lý do: ", reason, "\n",
                   "Người thẩm định: ", reviewer, "\n\n",
                   "Xin sửa báo cáo và nộp lại (tonghop report submit, hoặc trên trang web).\n",
                   "Báo cáo: ", facts.report, "\n\n",
                   "English: the report for ", symbol, ", period ", facts.period, " (due ", due,
                   "), revision ", revision, ", was returned. Reason: ", reason, "\n"));
}

v1::Notice ReminderNotice(const ReportNoticeFacts& facts, int days_left, int remind_days) {
  std::string plan = PlanText(*facts.plan);
  std::string symbol = facts.plan->symbol().empty() ? facts.plan->name() : facts.plan->symbol();
  std::string due = FormatDay(facts.due_day);
  std::string when_vi = days_left == 0 ? "hôm nay" : absl::StrCat("còn ", days_left, " ngày");
  std::string when_en = days_left == 0 ? "today" : absl::StrCat("in ", days_left, " days");
  return ReportNotice(
      facts, v1::NOTICE_KIND_REMINDER,
      absl::StrCat("reminder/", facts.report, "/", remind_days),
      absl::StrCat("[tonghop] Nhắc hạn nộp báo cáo: ", symbol, ", kỳ ", facts.period,
                   ", hạn ", due),
      absl::StrCat("Kính gửi ", facts.agency_title, ",\n\n",
                   "Báo cáo của đơn vị theo ", plan, ", kỳ ", facts.period,
                   ", đến hạn nộp ngày ", due, " (", when_vi, ") và chưa được nộp.\n",
                   "Báo cáo: ", facts.report, "\n\n",
                   "English: the report for ", symbol, ", period ", facts.period, " is due on ",
                   due, " (", when_en, ") and has not been submitted.\n"));
}

v1::Notice DigestNotice(const v1::Plan& plan, absl::string_view period, absl::CivilDay due_day,
                        absl::string_view focal_agency, absl::string_view focal_title,
                        const std::vector<MissingReport>& missing) {
  std::string symbol = plan.symbol().empty() ? plan.name() : plan.symbol();
  std::string due = FormatDay(due_day);
  std::string lines;
  for (const MissingReport& m : missing) {
    absl::StrAppend(&lines, "  - ", m.agency_title, ": ",
                    m.state == v1::REPORT_STATE_UNSPECIFIED ? "chưa có báo cáo"
                                                            : LabelOf(m.state),
                    " (", m.report, ")\n");
  }
  v1::Notice notice;
  notice.set_kind(v1::NOTICE_KIND_MISSING_DIGEST);
  notice.set_dedup_key(absl::StrCat("digest/", plan.name(), "/", period, "/", focal_agency));
  notice.set_agency(std::string(focal_agency));
  notice.set_subject(absl::StrCat("[tonghop] ", missing.size(), " báo cáo chưa nộp: ", symbol,
                                  ", kỳ ", period, ", hạn ", due));
  notice.set_body(absl::StrCat(
      "Kính gửi ", focal_title, ",\n\n", "Đã quá hạn nộp ngày ", due, " của ", PlanText(plan),
      ", kỳ ", period, ". Các báo cáo sau chưa được nộp:\n", lines, "\n",
      "English: after the due date ", due, " of ", symbol, ", period ", period, ", ",
      missing.size(), " report(s) of your subtree have not been submitted (listed above).\n",
      kSignature));
  return notice;
}

std::string FormatMailMessage(const v1::Notice& notice, absl::string_view from,
                              const std::vector<std::string>& recipients, absl::Time date) {
  std::string body64 = absl::Base64Escape(notice.body());
  std::string wrapped;
  for (size_t i = 0; i < body64.size(); i += 76) {
    absl::StrAppend(&wrapped, body64.substr(i, 76), "\r\n");
  }
  return absl::StrCat(
      "From: ", from, "\r\n", "To: ", absl::StrJoin(recipients, ", "), "\r\n",
      "Subject: ", EncodeHeaderText(notice.subject()), "\r\n",
      "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", date, absl::UTCTimeZone()),
      "\r\n", "Message-ID: ", notice.message_id(), "\r\n", "MIME-Version: 1.0\r\n",
      "Content-Type: text/plain; charset=UTF-8\r\n", "Content-Transfer-Encoding: base64\r\n",
      "X-Tonghop-Notice: ", notice.name(), "\r\n", "\r\n", wrapped);
}

}  // namespace tonghop::submissions
