#include "clients/client/outbox.h"

#include <filesystem>
#include <set>

#include "absl/strings/str_cat.h"
#include "clients/client/durable_file.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"

namespace tonghop::client {
namespace {

class OutboxTest : public ::testing::Test {
 protected:
  OutboxTest() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "tonghop-outbox-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
  }
  ~OutboxTest() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  static v1::SubmitRequest Request(const std::string& id,
                                   const std::string& agency = "dong-nai-so-y-te") {
    v1::SubmitRequest request;
    request.set_name(absl::StrCat("reports/", agency, "/dn-2026/2026"));
    request.set_request_id(id);
    v1::Value* value = request.mutable_report()->add_values();
    value->set_indicator("indicators/complaints-received");
    value->set_int_value(1234567890123);
    return request;
  }

  std::string root_;
};

TEST_F(OutboxTest, EntriesAreDurableFilesInQueueOrder) {
  Outbox outbox(root_ + "/outbox");
  auto empty = outbox.Pending();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  absl::Time t = absl::FromUnixSeconds(1790000000);
  ASSERT_TRUE(outbox.Add("agencies/a", Request("second"), t + absl::Seconds(1)).ok());
  ASSERT_TRUE(outbox.Add("agencies/b", Request("first"), t).ok());
  EXPECT_FALSE(outbox.Add("agencies/a", v1::SubmitRequest(), t).ok());  // no request_id

  // A fresh Outbox on the same directory sees them, as a later process would.
  auto pending = Outbox(root_ + "/outbox").Pending();
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].request.request_id(), "first");
  EXPECT_EQ((*pending)[0].agency, "agencies/b");
  EXPECT_EQ((*pending)[0].queued_at, t);
  EXPECT_EQ((*pending)[1].request.request_id(), "second");
  EXPECT_EQ((*pending)[1].request.report().values(0).int_value(), 1234567890123);
}

TEST_F(OutboxTest, DeliveryStopsWhileTheServerIsDownAndRemovesWhatWasDelivered) {
  Outbox outbox(root_ + "/outbox");
  absl::Time t = absl::FromUnixSeconds(1790000000);
  ASSERT_TRUE(outbox.Add("agencies/a", Request("r1"), t).ok());
  ASSERT_TRUE(outbox.Add("agencies/a", Request("r2"), t + absl::Seconds(1)).ok());
  int calls = 0;
  auto down = outbox.Deliver([&](const Outbox::Entry&) -> absl::StatusOr<v1::Report> {
    ++calls;
    return absl::UnavailableError("connection refused");
  });
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(calls, 1);  // stops at the first unreachable one
  ASSERT_EQ(down->size(), 1u);
  EXPECT_EQ((*down)[0].outcome, Outbox::Outcome::kStillPending);
  EXPECT_EQ(outbox.Pending()->size(), 2u);

  std::vector<std::string> ids;
  auto up = outbox.Deliver([&](const Outbox::Entry& entry) -> absl::StatusOr<v1::Report> {
    ids.push_back(entry.request.request_id());
    v1::Report report;
    report.set_revision(1);
    return report;
  });
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ((*up)[1].outcome, Outbox::Outcome::kDelivered);
  EXPECT_TRUE(outbox.Pending()->empty());
}

TEST_F(OutboxTest, RefusedEntriesAreSetAsideWithTheError) {
  Outbox outbox(root_ + "/outbox");
  ASSERT_TRUE(outbox.Add("agencies/a", Request("bad"), absl::Now()).ok());
  ASSERT_TRUE(outbox.Add("agencies/a", Request("good"), absl::Now() + absl::Seconds(1)).ok());
  auto result = outbox.Deliver([&](const Outbox::Entry& entry) -> absl::StatusOr<v1::Report> {
    if (entry.request.request_id() == "bad") {
      return absl::InvalidArgumentError("report.values[0].value: negative");
    }
    return v1::Report();
  });
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ((*result)[0].outcome, Outbox::Outcome::kRefused);
  EXPECT_TRUE(std::filesystem::exists((*result)[0].refused_path));
  EXPECT_TRUE(std::filesystem::exists((*result)[0].refused_path + ".error.txt"));
  EXPECT_EQ((*result)[1].outcome, Outbox::Outcome::kDelivered);
  EXPECT_TRUE(outbox.Pending()->empty());
}

// What becomes of a queued report when the server answers `status`.
Outbox::Outcome OutcomeOf(const std::string& root, const absl::Status& status) {
  Outbox outbox(root + "/outbox-" + std::to_string(static_cast<int>(status.code())) +
                GetErrorInfo(status).reason());
  EXPECT_TRUE(outbox.Add("agencies/a", v1::SubmitRequest(), absl::Now()).status().code() ==
              absl::StatusCode::kInvalidArgument);
  v1::SubmitRequest request;
  request.set_name("reports/a/p/2026");
  request.set_request_id("r");
  EXPECT_TRUE(outbox.Add("agencies/a", request, absl::Now()).ok());
  auto result = outbox.Deliver([&](const Outbox::Entry&) -> absl::StatusOr<v1::Report> {
    return status;
  });
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok() || result->size() != 1) return Outbox::Outcome::kWaiting;
  return (*result)[0].outcome;
}

TEST_F(OutboxTest, OnlyADefiniteRefusalOfTheContentSetsAReportAside) {
  using Code = absl::StatusCode;
  const Outbox::Outcome kKept = Outbox::Outcome::kStillPending;
  const Outbox::Outcome kRefused = Outbox::Outcome::kRefused;
  struct Case {
    absl::Status status;
    Outbox::Outcome outcome;
  };
  std::vector<Case> cases = {
      {absl::InvalidArgumentError("report.values[0]: negative"), kRefused},
      {absl::PermissionDeniedError("agencies/a may not submit"), kRefused},
      {FailedPrecondition("REPORT_LOCKED", "accepted reports are locked"), kRefused},
      {EtagMismatch("reports/a/p/2026"), kRefused},
      // A FAILED_PRECONDITION that is not the service's word on the report
      // (a proxy, a server that cannot open its data).
      {absl::FailedPreconditionError("is another tonghopd using this data directory?"), kKept},
      {absl::AbortedError("transaction aborted"), kKept},
      {absl::InternalError("storage: write: IO error"), kKept},
      {absl::ResourceExhaustedError("storage submissions: the disk is full"), kKept},
      {absl::UnavailableError("connection refused"), kKept},
      {absl::DeadlineExceededError("deadline"), kKept},
      {absl::UnknownError("?"), kKept},
      {absl::CancelledError("cancelled"), kKept},
      {absl::NotFoundError("plans/p does not exist"), kKept},
      {absl::AlreadyExistsError("exists"), kKept},
      {absl::OutOfRangeError("range"), kKept},
      {absl::UnimplementedError("no such method"), kKept},
      {absl::DataLossError("corrupt"), kKept},
      {absl::UnauthenticatedError("no identity"), kKept},
  };
  std::set<Code> covered;
  for (const Case& c : cases) {
    covered.insert(c.status.code());
    EXPECT_EQ(OutcomeOf(root_, c.status), c.outcome) << c.status;
    EXPECT_EQ(IsDefiniteRefusal(c.status), c.outcome == kRefused) << c.status;
  }
  // Every code a server can answer with (OK aside) is covered.
  for (int code = 1; code <= 16; ++code) {
    EXPECT_TRUE(covered.count(static_cast<Code>(code))) << "code " << code;
  }
}

TEST_F(OutboxTest, AReportKeptAfterAFailureWaitsForItsBackoffAndKeepsItsOrder) {
  Outbox outbox(root_ + "/outbox");
  absl::Time t = absl::FromUnixSeconds(1790000000);
  ASSERT_TRUE(outbox.Add("agencies/a", Request("a-1", "a"), t).ok());
  ASSERT_TRUE(outbox.Add("agencies/a", Request("a-2", "a"), t + absl::Seconds(1)).ok());
  ASSERT_TRUE(outbox.Add("agencies/b", Request("b-1", "b"), t + absl::Seconds(2)).ok());
  std::vector<std::string> tried;
  auto disk_full = [&](const Outbox::Entry& entry) -> absl::StatusOr<v1::Report> {
    tried.push_back(entry.request.request_id());
    if (entry.request.request_id() == "a-1") {
      return absl::ResourceExhaustedError("storage submissions: the disk is full");
    }
    return v1::Report();
  };
  absl::Time now = t + absl::Minutes(1);
  auto first = outbox.DeliverDue(disk_full, now);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->has_value());
  // a-2 waits behind a-1, which is kept; b's report goes on.
  EXPECT_EQ(tried, (std::vector<std::string>{"a-1", "b-1"}));
  ASSERT_EQ((*first)->size(), 3u);
  EXPECT_EQ((**first)[0].outcome, Outbox::Outcome::kStillPending);
  EXPECT_EQ((**first)[1].outcome, Outbox::Outcome::kWaiting);
  EXPECT_EQ((**first)[2].outcome, Outbox::Outcome::kDelivered);
  auto pending = outbox.Pending();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].attempts, 1);
  EXPECT_EQ((*pending)[0].next_attempt, now + absl::Seconds(5));
  EXPECT_NE((*pending)[0].last_error.find("RESOURCE_EXHAUSTED"), std::string::npos);

  // Before the backoff runs out, the commands' delivery leaves it alone.
  tried.clear();
  auto early = outbox.DeliverDue(disk_full, now + absl::Seconds(4));
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(tried.empty());
  // After it, it is tried again, and the backoff doubles.
  auto later = outbox.DeliverDue(disk_full, now + absl::Seconds(6));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(tried, (std::vector<std::string>{"a-1"}));
  EXPECT_EQ((*outbox.Pending())[0].attempts, 2);
  EXPECT_EQ((*outbox.Pending())[0].next_attempt, now + absl::Seconds(6) + absl::Seconds(10));
  // `outbox flush` tries at once, whatever the backoff; in order.
  tried.clear();
  auto flushed = outbox.Deliver([&](const Outbox::Entry& entry) -> absl::StatusOr<v1::Report> {
    tried.push_back(entry.request.request_id());
    return v1::Report();
  }, now + absl::Seconds(7));
  ASSERT_TRUE(flushed.ok());
  EXPECT_EQ(tried, (std::vector<std::string>{"a-1", "a-2"}));
  EXPECT_TRUE(outbox.Pending()->empty());
}

TEST_F(OutboxTest, BackoffDoublesUpToAQuarterHour) {
  EXPECT_EQ(OutboxBackoff(1), absl::Seconds(5));
  EXPECT_EQ(OutboxBackoff(2), absl::Seconds(10));
  EXPECT_EQ(OutboxBackoff(4), absl::Seconds(40));
  EXPECT_EQ(OutboxBackoff(20), absl::Minutes(15));
}

TEST_F(OutboxTest, OneDeliveryAtATime) {
  Outbox outbox(root_ + "/outbox");
  ASSERT_TRUE(outbox.Add("agencies/a", Request("r1"), absl::Now()).ok());
  int calls = 0;
  auto deliver = [&](const Outbox::Entry&) -> absl::StatusOr<v1::Report> {
    ++calls;
    return v1::Report();
  };
  {
    // Another process delivering holds the lock.
    auto other = FileLock::Acquire(root_ + "/outbox/.lock", /*wait=*/false);
    ASSERT_TRUE(other.ok());
    ASSERT_NE(*other, nullptr);
    auto busy = outbox.DeliverDue(deliver);
    ASSERT_TRUE(busy.ok());
    EXPECT_FALSE(busy->has_value());
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(*FileLock::Acquire(root_ + "/outbox/.lock", /*wait=*/false), nullptr);
  }
  auto done = outbox.DeliverDue(deliver);
  ASSERT_TRUE(done.ok());
  ASSERT_TRUE(done->has_value());
  EXPECT_EQ(calls, 1);
  // A second delivery finds nothing to claim.
  auto again = outbox.Deliver(deliver);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace tonghop::client
