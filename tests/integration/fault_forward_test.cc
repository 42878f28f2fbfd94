// `tonghop forward` says what happened, truthfully. The province forwards
// figures A, the ministry returns them; B, returned; A again: that third
// forward is a new submission (revision 3), not the replay of the first one
// that used to be printed as "revision 1 sent" while nothing was sent.
// Forwarding what the ministry already holds says so, and a ministry that
// refuses (its copy is accepted, so locked) is reported as a refusal.
//
// Both instances are real tonghopd processes (the province's configured with
// the ministry's as its upstream); the forward goes through the CLI, as an
// official would run it.

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/aggregation_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

using ::testing::HasSubstr;

std::string Tonghopd() { return BuiltBinary("services/server/tonghopd"); }

// `agency` submits its 2026 report with figures from `base` (counted by
// forwards that include reports not reviewed yet).
absl::Status SubmitFigures(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& agency, int64_t base) {
  v1::SubmitRequest submit;
  submit.set_name(ReportName(agency, "2026"));
  *submit.mutable_report() = ContentFor(agency, base);
  return client::SubmissionsClient(client::Connection(channel, agency)).Submit(submit).status();
}

// The province returns `agency`'s 2026 report and it resubmits it with
// figures from `base`.
absl::Status Revise(const std::shared_ptr<grpc::Channel>& channel, const std::string& agency,
                    int64_t base) {
  auto reviewer = client::SubmissionsClient(client::Connection(channel, ReviewerOf(agency)));
  v1::ReviewRequest give_back;
  give_back.set_name(ReportName(agency, "2026"));
  give_back.set_decision(v1::REVIEW_DECISION_RETURN);
  give_back.set_reason("Sửa số liệu.");
  absl::Status s = reviewer.Review(give_back).status();
  if (!s.ok()) return s;
  return SubmitFigures(channel, agency, base);
}

// The ministry reviews the province's report on its instance.
absl::Status MinistryReviews(const std::shared_ptr<grpc::Channel>& ministry,
                             v1::ReviewDecision decision) {
  v1::ReviewRequest review;
  review.set_name("reports/dong-nai/national-2026/2026");
  review.set_decision(decision);
  review.set_reason("Đề nghị rà soát lại số liệu.");
  return client::SubmissionsClient(client::Connection(ministry, "bo-tu-phap"))
      .Review(review)
      .status();
}

class FaultForwardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ministry = ServerProcess::Start(Tonghopd(), {"--data-dir=" + ministry_dir_.path()});
    ASSERT_TRUE(ministry.ok()) << ministry.status();
    ministry_ = *std::move(ministry);
    // The province's instance forwards to the ministry's, as Đồng Nai.
    auto province = ServerProcess::Start(
        Tonghopd(), {"--data-dir=" + province_dir_.path(), "--upstream=" + ministry_->address(),
                     "--upstream-agency=dong-nai"});
    ASSERT_TRUE(province.ok()) << province.status();
    province_ = *std::move(province);
    ASSERT_TRUE(LoadAggregationRegistry(Province()).ok());
    ASSERT_TRUE(LoadAggregationRegistry(Ministry(), {NationalPlan()}).ok());
  }

  std::shared_ptr<grpc::Channel> Province() { return ChannelTo(province_->address()); }
  std::shared_ptr<grpc::Channel> Ministry() { return ChannelTo(ministry_->address()); }

  // `tonghop forward` of the province's figures as they are now.
  int Forward(std::string* output) {
    int64_t last = *LastSequence(Province());
    return RunCli(absl::StrCat("--server=", province_->address(), " --state-dir=",
                               state_.path(), " --agency=dong-nai-so-tu-phap forward --plan=",
                               agg::kPlan, " --period=2026 --subtree=dong-nai",
                               " --target-plan=", kNationalPlan,
                               " --min-sequence=", last, " --include-unreviewed"),
                  output);
  }
  int MinistryRevisions() {
    auto revisions = client::SubmissionsClient(client::Connection(Ministry(), "bo-tu-phap"))
                         .ListRevisions("reports/dong-nai/national-2026/2026");
    EXPECT_TRUE(revisions.ok()) << revisions.status();
    return revisions.ok() ? static_cast<int>(revisions->size()) : -1;
  }

  TempDir province_dir_;
  TempDir ministry_dir_;
  TempDir state_;
  std::unique_ptr<ServerProcess> province_;
  std::unique_ptr<ServerProcess> ministry_;
};

TEST_F(FaultForwardTest, ForwardingABAgainAfterReturnsSendsEachTimeAndSaysSo) {
  std::string output;
  // A.
  ASSERT_TRUE(SubmitFigures(Province(), "dong-nai-so-tu-phap", 5).ok());
  ASSERT_EQ(Forward(&output), 0) << output;
  EXPECT_THAT(output, HasSubstr("Đã gửi lên"));
  EXPECT_THAT(output, HasSubstr("lần nộp thứ 1"));
  ASSERT_TRUE(MinistryReviews(Ministry(), v1::REVIEW_DECISION_RETURN).ok());
  // B.
  ASSERT_TRUE(Revise(Province(), "dong-nai-so-tu-phap", 9).ok());
  ASSERT_EQ(Forward(&output), 0) << output;
  EXPECT_THAT(output, HasSubstr("lần nộp thứ 2"));
  ASSERT_TRUE(MinistryReviews(Ministry(), v1::REVIEW_DECISION_RETURN).ok());
  // A again: sent, as revision 3.
  ASSERT_TRUE(Revise(Province(), "dong-nai-so-tu-phap", 5).ok());
  ASSERT_EQ(Forward(&output), 0) << output;
  EXPECT_THAT(output, HasSubstr("Đã gửi lên"));
  EXPECT_THAT(output, HasSubstr("lần nộp thứ 3"));
  EXPECT_EQ(MinistryRevisions(), 3);

  // Once more, unchanged: nothing is sent, and it says so.
  ASSERT_EQ(Forward(&output), 0) << output;
  EXPECT_THAT(output, HasSubstr("không thay đổi"));
  EXPECT_EQ(MinistryRevisions(), 3);

  // The ministry accepts it; other figures are then refused, and it says so.
  ASSERT_TRUE(MinistryReviews(Ministry(), v1::REVIEW_DECISION_ACCEPT).ok());
  ASSERT_TRUE(Revise(Province(), "dong-nai-so-tu-phap", 11).ok());
  EXPECT_EQ(Forward(&output), 1) << output;
  EXPECT_THAT(output, HasSubstr("Bị từ chối"));
  EXPECT_THAT(output, HasSubstr("FORWARD_REFUSED"));
  EXPECT_EQ(MinistryRevisions(), 3);
}

}  // namespace
}  // namespace tonghop::testing
