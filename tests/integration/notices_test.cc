// E-mail notices end to end: a real server with a fake clock sends to a real
// SMTP server (Debian's python3-aiosmtpd, tests/tools/smtp_sink.py) on
// loopback. A returned report's notice arrives once with the reviewer's
// reason; a reminder is sent when the clock passes the due date less the
// reminder days; a restart sends nothing again.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "services/common/period.h"
#include "tests/integration/submissions_fixture.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/registry_service.grpc.pb.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPython[] = "/usr/bin/python3";

absl::Time Vietnam(int y, int m, int d, int hh) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), VietnamTime());
}

// tests/tools/smtp_sink.py as a child process, writing what it accepts
// under `dir`. Killed (and reaped) on destruction.
class SmtpSink {
 public:
  static absl::StatusOr<std::unique_ptr<SmtpSink>> Start(const std::string& dir) {
    int out[2];
    if (pipe(out) != 0) return absl::InternalError("pipe");
    std::string script = SourcePath("tests/tools/smtp_sink.py");
    pid_t pid = fork();
    if (pid < 0) return absl::InternalError("fork");
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      execl(kPython, kPython, script.c_str(), dir.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    auto sink = std::unique_ptr<SmtpSink>(new SmtpSink(pid, dir));
    // Its first line says where it listens; EOF first means it failed.
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
    close(out[0]);
    if (!absl::StartsWith(line, "listening ")) {
      return absl::UnavailableError(absl::StrCat("smtp_sink.py did not start: \"", line, "\""));
    }
    sink->address_ = line.substr(10);
    return sink;
  }
  ~SmtpSink() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }

  const std::string& address() const { return address_; }

  // The messages received so far, oldest first.
  std::vector<std::string> Messages() const {
    std::map<std::string, std::string> by_name;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      if (entry.path().extension() != ".txt") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      by_name[entry.path().filename().string()] = text.str();
    }
    std::vector<std::string> messages;
    for (auto& [name, text] : by_name) messages.push_back(std::move(text));
    return messages;
  }

  // Waits until `count` messages have arrived (the sender works on its own
  // thread), at most a minute.
  std::vector<std::string> WaitFor(size_t count) const {
    absl::Time deadline = absl::Now() + absl::Minutes(1);
    std::vector<std::string> messages = Messages();
    while (messages.size() < count && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
      messages = Messages();
    }
    return messages;
  }

 private:
  SmtpSink(pid_t pid, std::string dir) : pid_(pid), dir_(std::move(dir)) {}
  pid_t pid_;
  std::string dir_;
  std::string address_;
};

std::string Header(const std::string& message, absl::string_view name) {
  std::string prefix = absl::StrCat(name, ": ");
  for (absl::string_view line : absl::StrSplit(message, '\n')) {
    if (absl::StartsWith(line, prefix)) return std::string(line.substr(prefix.size()));
  }
  return "";
}

class NoticesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kPython) ||
        std::system(absl::StrCat(kPython, " -c 'import aiosmtpd' 2>/dev/null").c_str()) != 0) {
      GTEST_SKIP() << "needs python3-aiosmtpd (tests/run.sh installs it)";
    }
    auto sink = SmtpSink::Start(mail_.path());
    ASSERT_TRUE(sink.ok()) << sink.status();
    sink_ = *std::move(sink);
    TestServer::Options options;
    options.clock = &clock_;
    options.notices.smtp_relay = sink_->address();
    options.notices.from = "tonghop@stp.dongnai.gov.vn";
    options.notices.remind_days = {7, 1};
    // The threads' pace in real time; what is due follows the fake clock.
    options.notices.scan_interval = absl::Milliseconds(50);
    options.notices.send_interval = absl::Milliseconds(50);
    auto server = TestServer::Start(data_.path(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = server_->NewChannel();
    ASSERT_TRUE(LoadRegistryFixture(channel_).ok());
  }

  grpc::Status SetAgencyEmail(const std::string& agency, const std::string& email) {
    client::Connection ministry(channel_, "bo-tu-phap");
    v1::UpdateAgencyRequest request;
    request.mutable_agency()->set_name("agencies/" + agency);
    request.mutable_agency()->set_email(email);
    request.mutable_update_mask()->add_paths("email");
    v1::Agency updated;
    return v1::Registry::NewStub(channel_)->UpdateAgency(ministry.NewContext().get(), request,
                                                         &updated);
  }

  std::vector<v1::Notice> Notices() {
    client::Connection ministry(channel_, "bo-tu-phap");
    v1::ListNoticesResponse response;
    grpc::Status status = v1::Submissions::NewStub(channel_)->ListNotices(
        ministry.NewContext().get(), v1::ListNoticesRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.notices().begin(), response.notices().end()};
  }

  absl::StatusOr<v1::Report> Review(v1::ReviewDecision decision, const std::string& reason) {
    v1::ReviewRequest request;
    request.set_name(kSoYTeReport);
    request.set_decision(decision);
    request.set_reason(reason);
    return ClientAs(channel_, "dong-nai-so-tu-phap").Review(request);
  }

  FakeClock clock_{Vietnam(2026, 10, 1, 9)};
  TempDir data_;
  TempDir mail_;
  std::unique_ptr<SmtpSink> sink_;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(NoticesTest, ReturnReminderAndAcceptanceArriveOnceAcrossARestart) {
  // An address that is not one is refused, precisely.
  grpc::Status bad = SetAgencyEmail("dong-nai-so-y-te", "van thu@soyte");
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("email"));
  ASSERT_TRUE(SetAgencyEmail("dong-nai-so-y-te", "vanthu@soyte.dongnai.gov.vn").ok());

  auto so_y_te = ClientAs(channel_, "dong-nai-so-y-te");
  ASSERT_TRUE(so_y_te.Submit(SubmitSoYTe("submit-1")).ok());
  ASSERT_TRUE(Review(v1::REVIEW_DECISION_RETURN, "Đề nghị bổ sung số liệu phân theo nhóm tuổi.")
                  .ok());

  std::vector<std::string> mail = sink_->WaitFor(1);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(Header(mail[0], "Rcpt"), "vanthu@soyte.dongnai.gov.vn");
  EXPECT_EQ(Header(mail[0], "From"), "tonghop@stp.dongnai.gov.vn");
  EXPECT_EQ(Header(mail[0], "Subject"), "[tonghop] Báo cáo bị trả lại: 74/KH-UBND, kỳ 2026");
  EXPECT_THAT(mail[0], HasSubstr("Lý do: Đề nghị bổ sung số liệu phân theo nhóm tuổi."));
  EXPECT_THAT(mail[0], HasSubstr("hạn nộp 05/11/2026"));
  EXPECT_THAT(mail[0], HasSubstr("Kính gửi Sở Y tế tỉnh Đồng Nai"));

  // Seven days before the due date (5 November) the agencies that owe the
  // report are reminded; only Sở Y tế has an address.
  clock_.Set(Vietnam(2026, 10, 29, 9));
  mail = sink_->WaitFor(2);
  ASSERT_EQ(mail.size(), 2u);
  EXPECT_EQ(Header(mail[1], "Subject"),
            "[tonghop] Nhắc hạn nộp báo cáo: 74/KH-UBND, kỳ 2026, hạn 05/11/2026");
  EXPECT_THAT(mail[1], HasSubstr("(còn 7 ngày)"));

  // A restart at the same (fake) time: nothing is queued or sent again.
  ASSERT_TRUE(server_->Restart().ok());
  channel_ = server_->NewChannel();
  so_y_te = ClientAs(channel_, "dong-nai-so-y-te");
  ASSERT_TRUE(so_y_te.Submit(SubmitSoYTe("submit-2")).ok());
  ASSERT_TRUE(Review(v1::REVIEW_DECISION_ACCEPT, "").ok());
  mail = sink_->WaitFor(3);
  ASSERT_EQ(mail.size(), 3u);
  EXPECT_EQ(Header(mail[2], "Subject"),
            "[tonghop] Báo cáo đã được chấp nhận: 74/KH-UBND, kỳ 2026");
  std::set<std::string> ids;
  for (const std::string& m : mail) ids.insert(Header(m, "Message-ID"));
  EXPECT_EQ(ids.size(), 3u);

  // The queue as an administrator lists it: three sent, the other three
  // reminders without recipient. The sender marks a notice sent after the
  // relay took it, so the last mark may follow the last message by a moment.
  std::map<v1::NoticeState, int> states;
  absl::Time deadline = absl::Now() + absl::Minutes(1);
  do {
    states.clear();
    for (const v1::Notice& n : Notices()) ++states[n.state()];
    if (states[v1::NOTICE_STATE_PENDING] == 0) break;
    absl::SleepFor(absl::Milliseconds(20));
  } while (absl::Now() < deadline);
  EXPECT_EQ(states[v1::NOTICE_STATE_SENT], 3);
  EXPECT_EQ(states[v1::NOTICE_STATE_NO_RECIPIENT], 3);
  EXPECT_EQ(states[v1::NOTICE_STATE_PENDING], 0);
  // And nothing more arrives.
  EXPECT_EQ(sink_->Messages().size(), 3u);
}

}  // namespace
}  // namespace tonghop::testing
