// Request-id replay and the change feed across restarts: every mutation
// applies once however often it is retried, and the feed is a gap-free,
// duplicate-free sequence that a reader can resume anywhere, also while it
// is being written and after the server restarts.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/grpc_change_stream.h"
#include "services/common/errors.h"
#include "services/common/period.h"
#include "tests/integration/submissions_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

using ::testing::ElementsAre;

class SubmissionsFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServer::Options options;
    options.clock = &clock_;
    auto server = TestServer::Start(dir_.path(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    Reconnect();
    ASSERT_TRUE(LoadRegistryFixture(channel_).ok());
  }

  void Reconnect() { channel_ = server_->NewChannel(); }

  absl::Status Restart() {
    absl::Status restarted = server_->Restart();
    Reconnect();
    return restarted;
  }

  client::SubmissionsClient As(const std::string& agency) { return ClientAs(channel_, agency); }

  // Every change after `after`, read to the end.
  std::vector<v1::Change> ReadFeed(int64_t after) {
    std::vector<v1::Change> changes;
    absl::Status read = As("bo-tu-phap").WatchChanges(after, true, [&](const v1::Change& c) {
      changes.push_back(c);
      return true;
    });
    EXPECT_TRUE(read.ok()) << read;
    return changes;
  }

  static std::vector<int64_t> Sequences(const std::vector<v1::Change>& changes) {
    std::vector<int64_t> out;
    for (const auto& c : changes) out.push_back(c.sequence());
    return out;
  }

  // Submits (and reviews) reports until the feed has six changes:
  // so-y-te submitted, returned, submitted, accepted; xa-a and xa-b submitted.
  void MakeSixChanges() {
    auto so_y_te = As("dong-nai-so-y-te");
    auto so_tu_phap = As("dong-nai-so-tu-phap");
    ASSERT_TRUE(so_y_te.Submit(SubmitSoYTe("s1")).ok());
    v1::ReviewRequest give_back;
    give_back.set_name(kSoYTeReport);
    give_back.set_decision(v1::REVIEW_DECISION_RETURN);
    give_back.set_reason("Thiếu số liệu.");
    ASSERT_TRUE(so_tu_phap.Review(give_back).ok());
    ASSERT_TRUE(so_y_te.Submit(SubmitSoYTe("s2", 12, 9)).ok());
    v1::ReviewRequest accept;
    accept.set_name(kSoYTeReport);
    accept.set_decision(v1::REVIEW_DECISION_ACCEPT);
    ASSERT_TRUE(so_tu_phap.Review(accept).ok());
    for (const char* commune : {"dong-nai-xa-a", "dong-nai-xa-b"}) {
      ASSERT_TRUE(SubmitCommune(commune).ok());
    }
  }

  absl::StatusOr<v1::Report> SubmitCommune(const std::string& agency,
                                           const std::string& request_id = "") {
    v1::SubmitRequest request;
    request.set_name("reports/" + agency + "/dn-2026/2026");
    request.set_request_id(request_id);
    v1::TaskProgress* p = request.mutable_report()->add_progress();
    p->set_task("plans/dn-2026/tasks/A.2");
    p->set_status(v1::PROGRESS_STATUS_IN_PROGRESS);
    return As(agency).Submit(request);
  }

  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 10, 1, 9, 0, 0),
                                   VietnamTime())};
  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(SubmissionsFeedTest, RequestIdReplayBeforeAndAfterRestart) {
  auto so_y_te = As("dong-nai-so-y-te");
  auto draft = so_y_te.GetOrCreateDraft("plans/dn-2026", "2026", "draft-1");
  ASSERT_TRUE(draft.ok());
  auto first = so_y_te.Submit(SubmitSoYTe("submit-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  clock_.Advance(absl::Hours(1));
  auto replay = so_y_te.Submit(SubmitSoYTe("submit-1"));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());

  v1::ReviewRequest give_back;
  give_back.set_name(kSoYTeReport);
  give_back.set_decision(v1::REVIEW_DECISION_RETURN);
  give_back.set_reason("Bổ sung số liệu.");
  give_back.set_request_id("review-1");
  auto returned = As("dong-nai-so-tu-phap").Review(give_back);
  ASSERT_TRUE(returned.ok()) << returned.status();

  ASSERT_TRUE(Restart().ok());
  so_y_te = As("dong-nai-so-y-te");
  // The answers survive the restart and nothing applies twice, even though
  // the report has moved on since.
  auto after_restart = so_y_te.Submit(SubmitSoYTe("submit-1"));
  ASSERT_TRUE(after_restart.ok()) << after_restart.status();
  EXPECT_EQ(after_restart->SerializeAsString(), first->SerializeAsString());
  auto review_again = As("dong-nai-so-tu-phap").Review(give_back);
  ASSERT_TRUE(review_again.ok()) << review_again.status();
  EXPECT_EQ(review_again->SerializeAsString(), returned->SerializeAsString());
  auto draft_again = so_y_te.GetOrCreateDraft("plans/dn-2026", "2026", "draft-1");
  ASSERT_TRUE(draft_again.ok());
  EXPECT_EQ(draft_again->state(), v1::REPORT_STATE_DRAFT);  // the first answer

  auto revisions = so_y_te.ListRevisions(kSoYTeReport);
  ASSERT_TRUE(revisions.ok());
  EXPECT_EQ(revisions->size(), 1u);
  EXPECT_THAT(Sequences(ReadFeed(0)), ElementsAre(1, 2));

  // Reusing an id for a different request is refused, not silently answered.
  auto reused = so_y_te.Submit(SubmitSoYTe("submit-1", 20, 1));
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetErrorInfo(reused.status()).reason(), "REQUEST_ID_REUSED");
  // A new id after the return is a new revision.
  auto second = so_y_te.Submit(SubmitSoYTe("submit-2"));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->revision(), 2);
}

TEST_F(SubmissionsFeedTest, ResumedFromTheMiddleWithoutGapOrDuplicate) {
  MakeSixChanges();
  std::vector<v1::Change> all = ReadFeed(0);
  ASSERT_THAT(Sequences(all), ElementsAre(1, 2, 3, 4, 5, 6));
  EXPECT_EQ(all[0].kind(), v1::CHANGE_KIND_SUBMITTED);
  EXPECT_EQ(all[1].kind(), v1::CHANGE_KIND_RETURNED);
  EXPECT_EQ(all[1].report().review_reason(), "Thiếu số liệu.");
  EXPECT_EQ(all[2].report().revision(), 2);
  EXPECT_EQ(all[2].report().values(0).int_value(), 12);  // the full revision
  EXPECT_EQ(all[3].kind(), v1::CHANGE_KIND_ACCEPTED);

  // A reader that disconnects after two changes resumes from the last one
  // it got.
  std::vector<v1::Change> resumed;
  ASSERT_TRUE(As("bo-tu-phap")
                  .WatchChanges(0, false,
                                [&](const v1::Change& c) {
                                  resumed.push_back(c);
                                  return resumed.size() < 2;
                                })
                  .ok());
  for (const v1::Change& c : ReadFeed(resumed.back().sequence())) resumed.push_back(c);
  ASSERT_EQ(resumed.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(resumed[i].SerializeAsString(), all[i].SerializeAsString()) << i;
  }

  // The same after a restart, and new changes continue the sequence.
  ASSERT_TRUE(Restart().ok());
  std::vector<v1::Change> after_restart = ReadFeed(3);
  ASSERT_THAT(Sequences(after_restart), ElementsAre(4, 5, 6));
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(after_restart[i].SerializeAsString(), all[i + 3].SerializeAsString());
  }
  v1::ReviewRequest accept;
  accept.set_name("reports/dong-nai-xa-a/dn-2026/2026");
  accept.set_decision(v1::REVIEW_DECISION_ACCEPT);
  ASSERT_TRUE(As("dong-nai-so-tu-phap").Review(accept).ok());
  EXPECT_THAT(Sequences(ReadFeed(5)), ElementsAre(6, 7));
}

TEST_F(SubmissionsFeedTest, LiveStreamDeliversNewChangesAsTheyCommit) {
  MakeSixChanges();
  // A watcher that keeps the stream open after catching up, and stops once
  // it has seen sequence 9.
  absl::Mutex mu;
  std::vector<int64_t> seen;
  absl::Status watched;
  auto watcher = As("bo-tu-phap");
  std::thread reader([&] {
    watched = watcher.WatchChanges(4, false, [&](const v1::Change& c) {
      absl::MutexLock lock(&mu);
      seen.push_back(c.sequence());
      return c.sequence() < 9;
    });
  });
  // Wait until it has caught up (5 and 6), then commit three more.
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(+[](std::vector<int64_t>* s) { return s->size() >= 2; }, &seen));
  }
  v1::ReviewRequest accept;
  accept.set_decision(v1::REVIEW_DECISION_ACCEPT);
  accept.set_name("reports/dong-nai-xa-a/dn-2026/2026");
  ASSERT_TRUE(As("dong-nai-so-tu-phap").Review(accept).ok());
  accept.set_name("reports/dong-nai-xa-b/dn-2026/2026");
  ASSERT_TRUE(As("dong-nai-so-tu-phap").Review(accept).ok());
  auto draft = As("dong-nai-so-tu-phap").GetOrCreateDraft("plans/dn-2026", "2026");
  ASSERT_TRUE(draft.ok()) << draft.status();
  v1::SubmitRequest submit;
  submit.set_name(draft->name());
  v1::TaskProgress* p = submit.mutable_report()->add_progress();
  p->set_task("plans/dn-2026/tasks/A.4");
  p->set_status(v1::PROGRESS_STATUS_ONGOING);
  ASSERT_TRUE(As("dong-nai-so-tu-phap").Submit(submit).ok());
  reader.join();
  EXPECT_TRUE(watched.ok()) << watched;
  EXPECT_THAT(seen, ElementsAre(5, 6, 7, 8, 9));
}

TEST_F(SubmissionsFeedTest, OpenStreamEndsOnRestartAndResumes) {
  MakeSixChanges();
  absl::Mutex mu;
  std::vector<int64_t> seen;
  absl::Status ended;
  auto watcher = As("bo-tu-phap");
  std::thread reader([&] {
    ended = watcher.WatchChanges(0, false, [&](const v1::Change& c) {
      absl::MutexLock lock(&mu);
      seen.push_back(c.sequence());
      return true;
    });
  });
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(+[](std::vector<int64_t>* s) { return s->size() >= 6; }, &seen));
  }
  ASSERT_TRUE(Restart().ok());
  reader.join();
  EXPECT_EQ(ended.code(), absl::StatusCode::kUnavailable) << ended;
  v1::ReviewRequest accept;
  accept.set_name("reports/dong-nai-xa-b/dn-2026/2026");
  accept.set_decision(v1::REVIEW_DECISION_ACCEPT);
  ASSERT_TRUE(As("dong-nai-so-tu-phap").Review(accept).ok());
  for (const v1::Change& c : ReadFeed(seen.back())) seen.push_back(c.sequence());
  EXPECT_THAT(seen, ElementsAre(1, 2, 3, 4, 5, 6, 7));
}


// The aggregation service's reader of the feed, over a real server: what
// FeedConsumer's tests assume of a ChangeStream holds for GrpcChangeStream.
TEST_F(SubmissionsFeedTest, TheAggregationReaderFollowsInBatchesChecksOneChangeAndCancels) {
  MakeSixChanges();
  aggregation::GrpcChangeStream stream(channel_, "agencies/bo-tu-phap");

  auto third = stream.ChangeAfter(2, "");
  ASSERT_TRUE(third.ok()) << third.status();
  ASSERT_TRUE(third->has_value());
  EXPECT_EQ((*third)->sequence(), 3);
  const std::string epoch = (*third)->epoch();
  EXPECT_FALSE(epoch.empty());
  auto past_end = stream.ChangeAfter(6, epoch);
  ASSERT_TRUE(past_end.ok()) << past_end.status();
  EXPECT_FALSE(past_end->has_value());
  auto other_epoch = stream.ChangeAfter(2, "another-epoch");
  EXPECT_EQ(GetErrorInfo(other_epoch.status()).reason(), "FEED_EPOCH_CHANGED")
      << other_epoch.status();

  // Batches of at most four, in order, then the stream stays open and
  // hands out a change committed later.
  ASSERT_TRUE(stream.Open(0, "").ok());
  std::vector<int64_t> seen;
  while (seen.size() < 6) {
    auto batch = stream.Next(4);
    ASSERT_TRUE(batch.ok()) << batch.status();
    ASSERT_FALSE(batch->empty());
    EXPECT_LE(batch->size(), 4u);
    for (const v1::Change& change : *batch) seen.push_back(change.sequence());
  }
  v1::ReviewRequest accept;
  accept.set_decision(v1::REVIEW_DECISION_ACCEPT);
  accept.set_name("reports/dong-nai-xa-a/dn-2026/2026");
  ASSERT_TRUE(As("dong-nai-so-tu-phap").Review(accept).ok());
  auto live = stream.Next(4);
  ASSERT_TRUE(live.ok()) << live.status();
  for (const v1::Change& change : *live) seen.push_back(change.sequence());
  EXPECT_THAT(seen, ElementsAre(1, 2, 3, 4, 5, 6, 7));

  // A stream in another epoch than the feed's says so.
  ASSERT_TRUE(stream.Open(7, "another-epoch").ok());
  auto refused = stream.Next(4);
  EXPECT_EQ(GetErrorInfo(refused.status()).reason(), "FEED_EPOCH_CHANGED") << refused.status();

  // Cancel ends a Next that waits for a change, and every later call.
  ASSERT_TRUE(stream.Open(7, epoch).ok());
  absl::Status waited;
  std::thread waiter([&] { waited = stream.Next(4).status(); });
  stream.Cancel();
  waiter.join();
  EXPECT_FALSE(waited.ok());
  EXPECT_EQ(stream.Open(7, epoch).code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(stream.ChangeAfter(6, epoch).status().code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace tonghop::testing
