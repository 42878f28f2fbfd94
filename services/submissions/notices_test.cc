#include "services/submissions/notices.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/access_policy.h"
#include "services/common/audit_log.h"
#include "services/common/period.h"
#include "services/common/text.h"
#include "services/submissions/notice_scheduler.h"
#include "services/submissions/notice_sender.h"
#include "services/submissions/submissions.h"
#include "services/submissions/test_fixture.h"
#include "storage/memory_store.h"

namespace tonghop::submissions {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr char kReport[] = "reports/dong-nai-so-y-te/dn-2026/2026";

Caller As(const std::string& id) { return Caller{"agencies/" + id}; }

absl::Time Vietnam(int y, int m, int d, int hh = 12) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), VietnamTime());
}

// A relay that accepts, or refuses while `refuse` is set, and keeps what it
// accepted.
class FakeTransport final : public MailTransport {
 public:
  absl::Status Send(absl::string_view from, const std::vector<std::string>& recipients,
                    absl::string_view message) override {
    if (refuse) return absl::UnavailableError("relay down");
    sent.push_back({std::string(from), recipients, std::string(message)});
    return absl::OkStatus();
  }
  struct Mail {
    std::string from;
    std::vector<std::string> to;
    std::string message;
  };
  bool refuse = false;
  std::vector<Mail> sent;
};

class NoticesTest : public ::testing::Test {
 protected:
  NoticesTest() : clock_(Vietnam(2026, 10, 1)) {
    for (v1::Agency a : testing::FixtureAgencies()) {
      if (a.name() == "agencies/dong-nai-so-y-te") a.set_email("vanthu@soyte.dongnai.gov.vn");
      registry_.Put(a);
    }
    for (const auto& d : testing::FixtureDimensions()) registry_.Put(d);
    for (const auto& i : testing::FixtureIndicators()) registry_.Put(i);
    for (const auto& p : testing::FixturePlans()) registry_.Put(p);
    for (const auto& t : testing::FixtureTasks()) registry_.Put(t);
    registry_.Put(Person("lan", "agencies/dong-nai-so-y-te", v1::ROLE_CLERK, "lan@soyte.vn"));
    registry_.Put(Person("hoa", "agencies/dong-nai-so-y-te", v1::ROLE_ANALYST, "hoa@soyte.vn"));
    registry_.Put(
        Person("minh", "agencies/dong-nai-so-tu-phap", v1::ROLE_REVIEWER, "minh@stp.vn"));
    auto opened = Submissions::Open(&store_, &audit_, &registry_, &clock_, &policy_);
    EXPECT_TRUE(opened.ok()) << opened.status();
    submissions_ = *std::move(opened);
    scheduler_ = std::make_unique<NoticeScheduler>(
        &registry_, submissions_.get(), &submissions_->notice_queue(), &clock_,
        std::vector<int>{1, 7});
    sender_ = std::make_unique<NoticeSender>(&submissions_->notice_queue(), &registry_,
                                             &transport_, &clock_, "tonghop@dongnai.gov.vn");
  }

  static v1::User Person(const std::string& id, const std::string& agency, v1::Role role,
                         const std::string& email) {
    v1::User user;
    user.set_name("users/" + id);
    user.set_agency(agency);
    user.add_roles(role);
    user.set_email(email);
    return user;
  }

  absl::StatusOr<v1::Report> Submit(const std::string& agency = "dong-nai-so-y-te") {
    v1::SubmitRequest request;
    request.set_name(absl::StrCat("reports/", agency, "/dn-2026/2026"));
    v1::Report report;
    v1::TaskProgress* progress = report.add_progress();
    progress->set_task("plans/dn-2026/tasks/A.1");
    progress->set_status(v1::PROGRESS_STATUS_COMPLETED);
    auto add = [&](const std::string& indicator, int64_t value, const std::string& sex) {
      v1::Value* v = report.add_values();
      v->set_indicator("indicators/" + indicator);
      v->set_int_value(value);
      if (!sex.empty()) (*v->mutable_cells())["sex"] = sex;
    };
    add("complaints-received", 10, "");
    add("complaints-received", 5, "male");
    add("complaints-received", 5, "female");
    add("complaints-resolved", 8, "");
    *request.mutable_report() = report;
    return submissions_->Submit(As(agency), request);
  }

  absl::StatusOr<v1::Report> Review(v1::ReviewDecision decision, const std::string& reason,
                                    const std::string& etag = "") {
    v1::ReviewRequest request;
    request.set_name(kReport);
    request.set_decision(decision);
    request.set_reason(reason);
    request.set_etag(etag);
    return submissions_->Review(As("dong-nai-so-tu-phap"), request);
  }

  std::vector<v1::Notice> Notices(v1::NoticeState state = v1::NOTICE_STATE_UNSPECIFIED) {
    v1::ListNoticesRequest request;
    request.set_state(state);
    auto listed = submissions_->ListNotices(As("bo-tu-phap"), request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (!listed.ok()) return {};
    return {listed->notices().begin(), listed->notices().end()};
  }

  std::vector<std::string> Keys() {
    std::vector<std::string> keys;
    for (const v1::Notice& n : Notices()) keys.push_back(n.dedup_key());
    return keys;
  }

  storage::MemoryStore store_;
  FakeRegistryReader registry_;
  FakeClock clock_;
  AccessPolicy policy_{"agencies/bo-tu-phap"};
  AuditLog audit_{&store_, "submissions", &clock_};
  std::unique_ptr<Submissions> submissions_;
  FakeTransport transport_;
  std::unique_ptr<NoticeScheduler> scheduler_;
  std::unique_ptr<NoticeSender> sender_;
};

TEST_F(NoticesTest, AReviewQueuesItsNoticeAndARefusedOneQueuesNone) {
  ASSERT_TRUE(Submit().ok());
  // Refused: a stale etag changes nothing, and queues nothing.
  EXPECT_FALSE(Review(v1::REVIEW_DECISION_RETURN, "Thiếu số liệu.", "\"stale\"").ok());
  EXPECT_TRUE(Notices().empty());

  auto returned = Review(v1::REVIEW_DECISION_RETURN, "Thiếu số liệu nữ giới ở dòng 3.");
  ASSERT_TRUE(returned.ok()) << returned.status();
  std::vector<v1::Notice> notices = Notices();
  ASSERT_EQ(notices.size(), 1u);
  const v1::Notice& notice = notices[0];
  EXPECT_EQ(notice.kind(), v1::NOTICE_KIND_RETURNED);
  EXPECT_EQ(notice.state(), v1::NOTICE_STATE_PENDING);
  EXPECT_EQ(notice.report(), kReport);
  EXPECT_EQ(notice.agency(), "agencies/dong-nai-so-y-te");
  EXPECT_EQ(notice.dedup_key(), absl::StrCat("returned/", kReport, "/1"));
  EXPECT_EQ(notice.name(), "notices/" + NoticeId(notice.dedup_key()));
  EXPECT_THAT(notice.subject(), HasSubstr("bị trả lại: 74/KH-UBND, kỳ 2026"));
  EXPECT_THAT(notice.body(), HasSubstr("Lý do: Thiếu số liệu nữ giới ở dòng 3."));
  EXPECT_THAT(notice.body(), HasSubstr("hạn nộp 05/11/2026"));
  EXPECT_THAT(notice.body(), HasSubstr("Kính gửi Sở Y tế tỉnh Đồng Nai"));

  ASSERT_TRUE(Submit().ok());
  ASSERT_TRUE(Review(v1::REVIEW_DECISION_ACCEPT, "").ok());
  EXPECT_THAT(Keys(), UnorderedElementsAre(absl::StrCat("returned/", kReport, "/1"),
                                           absl::StrCat("accepted/", kReport, "/2")));
}

TEST_F(NoticesTest, AnAgencyReadsItsOwnNoticesAndOnlyTheAdministratorAll) {
  ASSERT_TRUE(Submit().ok());
  ASSERT_TRUE(Review(v1::REVIEW_DECISION_RETURN, "Thiếu số liệu.").ok());
  ASSERT_EQ(Notices().size(), 1u);

  auto all = submissions_->ListNotices(As("dong-nai-so-y-te"), v1::ListNoticesRequest());
  EXPECT_EQ(all.status().code(), absl::StatusCode::kPermissionDenied);

  v1::ListNoticesRequest own;
  own.set_agency("agencies/dong-nai-so-y-te");
  auto listed = submissions_->ListNotices(As("dong-nai-so-y-te"), own);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->notices_size(), 1);
  EXPECT_EQ(listed->notices(0).kind(), v1::NOTICE_KIND_RETURNED);
  EXPECT_EQ(listed->notices(0).agency(), "agencies/dong-nai-so-y-te");
  // Another agency's list holds none of them.
  v1::ListNoticesRequest commune;
  commune.set_agency("agencies/dong-nai-xa-a");
  auto none = submissions_->ListNotices(As("dong-nai-xa-a"), commune);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->notices_size(), 0);
  // The province's reviewer reads them too; an agency of another province
  // does not.
  EXPECT_TRUE(submissions_->ListNotices(As("dong-nai-so-tu-phap"), own).ok());
  EXPECT_EQ(submissions_->ListNotices(As("ha-noi-so-y-te"), own).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::ListNoticesRequest malformed;
  malformed.set_agency("Sở Y tế");
  EXPECT_EQ(submissions_->ListNotices(As("dong-nai-so-y-te"), malformed).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(NoticesTest, RemindersComeOncePerSettingAndTheDigestAfterTheDueDay) {
  // 8 days before 5 November: nothing yet.
  clock_.Set(Vietnam(2026, 10, 28));
  EXPECT_EQ(*scheduler_->RunOnce(), 0);
  // 7 days before: one reminder to each agency the round expects.
  clock_.Set(Vietnam(2026, 10, 29));
  EXPECT_EQ(*scheduler_->RunOnce(), 4);
  EXPECT_EQ(*scheduler_->RunOnce(), 0);  // and never twice
  EXPECT_THAT(Keys(), UnorderedElementsAre(
                          absl::StrCat("reminder/", kReport, "/7"),
                          "reminder/reports/dong-nai-so-tu-phap/dn-2026/2026/7",
                          "reminder/reports/dong-nai-xa-a/dn-2026/2026/7",
                          "reminder/reports/dong-nai-xa-b/dn-2026/2026/7"));
  // Sở Y tế submits; 3 days before, nobody is reminded again.
  ASSERT_TRUE(Submit().ok());
  clock_.Set(Vietnam(2026, 11, 2));
  EXPECT_EQ(*scheduler_->RunOnce(), 0);
  // 1 day before: the second reminder, not to Sở Y tế.
  clock_.Set(Vietnam(2026, 11, 4));
  EXPECT_EQ(*scheduler_->RunOnce(), 3);
  // After the due day: one digest to the province's focal agency.
  clock_.Set(Vietnam(2026, 11, 6));
  EXPECT_EQ(*scheduler_->RunOnce(), 1);
  EXPECT_EQ(*scheduler_->RunOnce(), 0);
  std::optional<v1::Notice> digest = *submissions_->notice_queue().Get(
      NoticeId("digest/plans/dn-2026/2026/agencies/dong-nai-so-tu-phap"));
  ASSERT_TRUE(digest.has_value());
  EXPECT_EQ(digest->kind(), v1::NOTICE_KIND_MISSING_DIGEST);
  EXPECT_EQ(digest->agency(), "agencies/dong-nai-so-tu-phap");
  EXPECT_THAT(digest->body(), HasSubstr("Xã A: chưa có báo cáo"));
  EXPECT_THAT(digest->body(), HasSubstr("Sở Tư pháp tỉnh Đồng Nai: chưa có báo cáo"));
  EXPECT_THAT(digest->body(), ::testing::Not(HasSubstr("Sở Y tế")));
  EXPECT_THAT(digest->subject(), HasSubstr("3 báo cáo chưa nộp: 74/KH-UBND, kỳ 2026, hạn 05/11/2026"));
  // Long after: no digest for an old round.
  clock_.Set(Vietnam(2026, 12, 1));
  EXPECT_EQ(*scheduler_->RunOnce(), 0);
}

TEST_F(NoticesTest, AFirstRunInsideTheWindowSendsOnlyTheCurrentReminder) {
  clock_.Set(Vietnam(2026, 11, 2));  // 3 days before: the 7-day setting applies
  EXPECT_EQ(*scheduler_->RunOnce(), 4);
  for (const std::string& key : Keys()) EXPECT_TRUE(absl::EndsWith(key, "/7")) << key;
}

TEST_F(NoticesTest, SentOnlyAfterTheRelayAcceptsWithOneMessageId) {
  ASSERT_TRUE(Submit().ok());
  ASSERT_TRUE(Review(v1::REVIEW_DECISION_RETURN, "Sai tổng số.").ok());
  transport_.refuse = true;
  EXPECT_EQ(*sender_->SendDue(), 0);
  v1::Notice pending = Notices()[0];
  EXPECT_EQ(pending.state(), v1::NOTICE_STATE_PENDING);
  EXPECT_EQ(pending.attempts(), 1);
  EXPECT_EQ(pending.last_error(), "relay down");
  // Not tried again before its retry time.
  transport_.refuse = false;
  EXPECT_EQ(*sender_->SendDue(), 0);
  clock_.Advance(RetryDelay(1));
  EXPECT_EQ(*sender_->SendDue(), 1);
  EXPECT_EQ(*sender_->SendDue(), 0);  // once

  ASSERT_EQ(transport_.sent.size(), 1u);
  const FakeTransport::Mail& mail = transport_.sent[0];
  // The agency's address and its clerk's, not the analyst's.
  EXPECT_THAT(mail.to, UnorderedElementsAre("vanthu@soyte.dongnai.gov.vn", "lan@soyte.vn"));
  EXPECT_EQ(mail.from, "tonghop@dongnai.gov.vn");
  EXPECT_THAT(mail.message, HasSubstr(absl::StrCat("Message-ID: ", pending.message_id(), "\r\n")));
  EXPECT_THAT(mail.message, HasSubstr("Subject: =?UTF-8?B?"));
  EXPECT_THAT(mail.message, HasSubstr("Content-Type: text/plain; charset=UTF-8\r\n"));
  // The body, base64 after the blank line, is the notice's.
  std::string encoded = mail.message.substr(mail.message.find("\r\n\r\n") + 4);
  encoded = absl::StrReplaceAll(encoded, {{"\r\n", ""}});
  std::string body;
  ASSERT_TRUE(absl::Base64Unescape(encoded, &body));
  EXPECT_THAT(body, HasSubstr("Lý do: Sai tổng số."));

  v1::Notice sent = Notices()[0];
  EXPECT_EQ(sent.state(), v1::NOTICE_STATE_SENT);
  EXPECT_EQ(sent.message_id(), pending.message_id());
  EXPECT_EQ(sent.attempts(), 2);
  EXPECT_THAT(sent.recipients(), UnorderedElementsAre("vanthu@soyte.dongnai.gov.vn", "lan@soyte.vn"));
}

TEST_F(NoticesTest, ANoticeNobodyCanReceiveIsMarkedSoAndNotRetried) {
  clock_.Set(Vietnam(2026, 10, 29));
  ASSERT_EQ(*scheduler_->RunOnce(), 4);
  EXPECT_EQ(*sender_->SendDue(), 1);  // only Sở Y tế has addresses
  EXPECT_EQ(Notices(v1::NOTICE_STATE_NO_RECIPIENT).size(), 3u);
  EXPECT_EQ(Notices(v1::NOTICE_STATE_SENT).size(), 1u);
  EXPECT_TRUE(Notices(v1::NOTICE_STATE_PENDING).empty());
}

TEST_F(NoticesTest, WithoutARelayNoticesStayQueued) {
  NoticeSender unsent(&submissions_->notice_queue(), &registry_, nullptr, &clock_, "a@b.vn");
  ASSERT_TRUE(Submit().ok());
  ASSERT_TRUE(Review(v1::REVIEW_DECISION_ACCEPT, "").ok());
  EXPECT_EQ(*unsent.SendDue(), 0);
  EXPECT_EQ(Notices(v1::NOTICE_STATE_PENDING).size(), 1u);
}

TEST(RetryDelayTest, DoublesUpToAnHour) {
  EXPECT_EQ(RetryDelay(1), absl::Seconds(30));
  EXPECT_EQ(RetryDelay(2), absl::Seconds(60));
  EXPECT_EQ(RetryDelay(20), absl::Hours(1));
}

TEST(FormatMailMessageTest, EncodesALongVietnameseSubjectInShortWords) {
  v1::Notice notice;
  notice.set_subject(
      "[tonghop] Nhắc hạn nộp báo cáo: 74/KH-UBND, kỳ 2026, hạn 05/11/2026 — Sở Tư pháp tỉnh "
      "Đồng Nai");
  notice.set_body("Kính gửi");
  notice.set_message_id("<x.notice@tonghop>");
  std::string message = FormatMailMessage(notice, "a@b.vn", {"c@d.vn"}, absl::UnixEpoch());
  std::string subject = message.substr(message.find("Subject: "));
  subject = subject.substr(0, subject.find("\r\nDate:"));
  std::string decoded;
  for (absl::string_view line : absl::StrSplit(subject.substr(9), "\r\n ")) {
    ASSERT_LE(line.size(), 75u);
    ASSERT_TRUE(absl::StartsWith(line, "=?UTF-8?B?") && absl::EndsWith(line, "?="));
    std::string part;
    ASSERT_TRUE(absl::Base64Unescape(line.substr(10, line.size() - 12), &part));
    ASSERT_TRUE(IsValidUtf8(part)) << "a word splits a character";
    decoded += part;
  }
  EXPECT_EQ(decoded, notice.subject());
  EXPECT_THAT(message, HasSubstr("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
}

}  // namespace
}  // namespace tonghop::submissions
