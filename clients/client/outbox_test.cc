#include "clients/client/outbox.h"

#include <filesystem>

#include "gtest/gtest.h"

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

  static v1::SubmitRequest Request(const std::string& id) {
    v1::SubmitRequest request;
    request.set_name("reports/dong-nai-so-y-te/dn-2026/2026");
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

}  // namespace
}  // namespace tonghop::client
