// An acknowledged submission survives tonghopd being killed with SIGKILL:
// nothing is flushed or closed cleanly, yet the report, its revisions, its
// change-feed entries and its idempotency record are all there afterwards.

#include <memory>
#include <string>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/integration/submissions_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

TEST(SubmissionsDurabilityTest, AcknowledgedReportsSurviveSigkill) {
  TempDir dir;
  std::string binary = BuiltBinary("services/server/tonghopd");
  auto process = ServerProcess::Start(binary, {"--data-dir=" + dir.path()});
  ASSERT_TRUE(process.ok()) << process.status();
  auto channel = ChannelTo((*process)->address());
  ASSERT_TRUE(LoadRegistryFixture(channel).ok());

  auto so_y_te = ClientAs(channel, "dong-nai-so-y-te");
  auto first = so_y_te.Submit(SubmitSoYTe("durable-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  v1::ReviewRequest give_back;
  give_back.set_name(kSoYTeReport);
  give_back.set_decision(v1::REVIEW_DECISION_RETURN);
  give_back.set_reason("Bổ sung số liệu.");
  ASSERT_TRUE(ClientAs(channel, "dong-nai-so-tu-phap").Review(give_back).ok());
  auto second = so_y_te.Submit(SubmitSoYTe("durable-2", 14, 11));
  ASSERT_TRUE(second.ok()) << second.status();

  (*process)->Kill();  // SIGKILL right after the acknowledgement

  auto restarted = ServerProcess::Start(binary, {"--data-dir=" + dir.path()});
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  channel = ChannelTo((*restarted)->address());
  so_y_te = ClientAs(channel, "dong-nai-so-y-te");

  auto report = so_y_te.GetReport(kSoYTeReport);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->SerializeAsString(), second->SerializeAsString());
  auto revisions = so_y_te.ListRevisions(kSoYTeReport);
  ASSERT_TRUE(revisions.ok());
  ASSERT_EQ(revisions->size(), 2u);
  EXPECT_EQ((*revisions)[0].state(), v1::REPORT_STATE_RETURNED);
  EXPECT_EQ((*revisions)[1].values(0).int_value(), 14);

  std::vector<int64_t> sequences;
  ASSERT_TRUE(ClientAs(channel, "bo-tu-phap")
                  .WatchChanges(0, true,
                                [&](const v1::Change& c) {
                                  sequences.push_back(c.sequence());
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(sequences, (std::vector<int64_t>{1, 2, 3}));

  // The retry of the acknowledged call gets the same answer, applied once.
  auto retried = so_y_te.Submit(SubmitSoYTe("durable-2", 14, 11));
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->SerializeAsString(), second->SerializeAsString());
  EXPECT_EQ(so_y_te.ListRevisions(kSoYTeReport)->size(), 2u);
}

}  // namespace
}  // namespace tonghop::testing
