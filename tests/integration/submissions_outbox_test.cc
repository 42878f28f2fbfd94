// The agency client's durable outbox: a report submitted while the server
// is down is kept on disk and delivered exactly once when it is back, also
// when an earlier delivery's answer was lost.

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/client/durable_file.h"
#include "clients/client/outbox.h"
#include "clients/client/report_file.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/integration/submissions_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

int FeedLength(const std::shared_ptr<grpc::Channel>& channel) {
  int changes = 0;
  absl::Status read = ClientAs(channel, "bo-tu-phap").WatchChanges(0, true, [&](const v1::Change&) {
    ++changes;
    return true;
  });
  EXPECT_TRUE(read.ok()) << read;
  return changes;
}

TEST(SubmissionsOutboxTest, SubmittedWhileDownDeliveredOnceWhenBack) {
  TempDir dir;
  TempDir state;
  auto server = TestServer::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(LoadRegistryFixture((*server)->NewChannel()).ok());
  std::string old_address = (*server)->address();
  (*server)->Stop();

  // The server is down: the submission fails as retryable and is queued.
  v1::SubmitRequest request = SubmitSoYTe(client::NewRequestId());
  auto down = ClientAs(ChannelTo(old_address), "dong-nai-so-y-te").Submit(request);
  ASSERT_FALSE(down.ok());
  ASSERT_TRUE(client::IsRetryable(down.status())) << down.status();
  client::Outbox outbox(state.path() + "/outbox");
  ASSERT_TRUE(outbox.Add("agencies/dong-nai-so-y-te", request).ok());

  ASSERT_TRUE((*server)->Restart().ok());
  auto channel = (*server)->NewChannel();
  auto submit = [&](const client::Outbox::Entry& entry) {
    return ClientAs(channel, entry.agency).Submit(entry.request);
  };

  // A delivery whose answer is lost on the way back (the call is made, the
  // client never hears): the entry stays queued.
  auto lost = outbox.Deliver([&](const client::Outbox::Entry& entry) -> absl::StatusOr<v1::Report> {
    EXPECT_TRUE(submit(entry).ok());
    return absl::UnavailableError("connection reset before the answer arrived");
  });
  ASSERT_TRUE(lost.ok());
  ASSERT_EQ(outbox.Pending()->size(), 1u);

  // Flushing again replays the same request id: one revision, one change.
  auto flushed = outbox.Deliver(submit);
  ASSERT_TRUE(flushed.ok()) << flushed.status();
  ASSERT_EQ(flushed->size(), 1u);
  EXPECT_EQ((*flushed)[0].outcome, client::Outbox::Outcome::kDelivered);
  EXPECT_EQ((*flushed)[0].report->revision(), 1);
  EXPECT_TRUE(outbox.Pending()->empty());
  auto revisions = ClientAs(channel, "dong-nai-so-y-te").ListRevisions(kSoYTeReport);
  ASSERT_TRUE(revisions.ok()) << revisions.status();
  EXPECT_EQ(revisions->size(), 1u);
  EXPECT_EQ(FeedLength(channel), 1);
}

TEST(SubmissionsOutboxTest, CliQueuesWhileDownAndFlushesOnce) {
  if (!std::filesystem::exists(BuiltBinary("clients/cli/tonghop"))) {
    GTEST_SKIP() << "the tonghop CLI is not built";
  }
  TempDir dir;
  TempDir state;
  auto server = TestServer::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(LoadRegistryFixture((*server)->NewChannel()).ok());
  std::string old_address = (*server)->address();
  (*server)->Stop();

  std::string file = state.path() + "/so-y-te.json";
  v1::Report report = SoYTeContent();
  report.set_name(kSoYTeReport);
  ASSERT_TRUE(client::WriteFileDurably(file, client::ReportToJson(report)).ok());
  std::string common = absl::StrCat("--state-dir=", state.path(), "/state");
  std::string output;
  EXPECT_EQ(RunCli(absl::StrCat("--server=", old_address, " --agency=dong-nai-so-y-te ", common,
                                " report submit ", file),
                   &output),
            0)
      << output;
  EXPECT_THAT(output, HasSubstr("hộp thư đi"));
  client::Outbox outbox(state.path() + "/state/outbox");
  ASSERT_EQ(outbox.Pending()->size(), 1u);

  ASSERT_TRUE((*server)->Restart().ok());
  std::string address = (*server)->address();
  EXPECT_EQ(RunCli(absl::StrCat("--server=", address, " ", common, " outbox flush"), &output), 0)
      << output;
  EXPECT_THAT(output, HasSubstr("Đã gửi từ hộp thư đi: " + std::string(kSoYTeReport)));
  EXPECT_TRUE(outbox.Pending()->empty());
  EXPECT_EQ(RunCli(absl::StrCat("--server=", address, " ", common, " outbox flush"), &output), 0);
  EXPECT_THAT(output, HasSubstr("trống"));

  auto channel = (*server)->NewChannel();
  auto revisions = ClientAs(channel, "dong-nai-so-y-te").ListRevisions(kSoYTeReport);
  ASSERT_TRUE(revisions.ok()) << revisions.status();
  EXPECT_EQ(revisions->size(), 1u);
  EXPECT_EQ(FeedLength(channel), 1);

  // The reviewer sees it with `report status`, and the history shows it.
  EXPECT_EQ(RunCli(absl::StrCat("--server=", address, " --agency=dong-nai-so-tu-phap ", common,
                                " report status"),
                   &output),
            0)
      << output;
  EXPECT_THAT(output, HasSubstr("dong-nai-so-y-te"));
  EXPECT_THAT(output, HasSubstr("chờ duyệt"));
}

}  // namespace
}  // namespace tonghop::testing
