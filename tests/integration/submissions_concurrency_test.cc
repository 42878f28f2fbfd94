// Many callers at once: every call is answered (none waits on another
// forever), and concurrent submissions and reviews still form one gap-free
// change feed.

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/submissions_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

TEST(SubmissionsConcurrencyTest, ManyConcurrentCallersAreAllAnswered) {
  TempDir dir;
  auto server = TestServer::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(LoadRegistryFixture((*server)->NewChannel()).ok());

  constexpr int kReaders = 24;
  constexpr int kCallsEach = 8;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  // Writers: three agencies submit; the reviewer returns and they resubmit.
  const std::vector<std::string> writers = {"dong-nai-xa-a", "dong-nai-xa-b", "dong-nai-so-y-te"};
  for (const std::string& agency : writers) {
    threads.emplace_back([&, agency] {
      auto channel = (*server)->NewChannel();
      auto me = ClientAs(channel, agency);
      auto reviewer = ClientAs(channel, "dong-nai-so-tu-phap");
      std::string name = "reports/" + agency + "/dn-2026/2026";
      for (int round = 0; round < 3; ++round) {
        v1::SubmitRequest request;
        if (agency == "dong-nai-so-y-te") {
          request = SubmitSoYTe(absl::StrCat(agency, "-", round), 10 + round, 5);
        } else {
          request.set_name(name);
          v1::TaskProgress* p = request.mutable_report()->add_progress();
          p->set_task("plans/dn-2026/tasks/A.2");
          p->set_status(v1::PROGRESS_STATUS_IN_PROGRESS);
          request.set_request_id(absl::StrCat(agency, "-", round));
        }
        if (!me.Submit(request).ok()) ++failures;
        v1::ReviewRequest give_back;
        give_back.set_name(name);
        give_back.set_decision(v1::REVIEW_DECISION_RETURN);
        give_back.set_reason("Kiểm tra lại.");
        if (!reviewer.Review(give_back).ok()) ++failures;
      }
    });
  }
  for (int i = 0; i < kReaders; ++i) {
    threads.emplace_back([&] {
      auto channel = (*server)->NewChannel();
      auto ministry = ClientAs(channel, "bo-tu-phap");
      auto draft_maker = ClientAs(channel, "dong-nai-so-tu-phap");
      for (int j = 0; j < kCallsEach; ++j) {
        if (!ministry.ListReports(v1::ListReportsRequest()).ok()) ++failures;
        if (!draft_maker.GetOrCreateDraft("plans/dn-2026", "2026").ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);

  std::vector<int64_t> sequences;
  ASSERT_TRUE(ClientAs((*server)->NewChannel(), "bo-tu-phap")
                  .WatchChanges(0, true,
                                [&](const v1::Change& c) {
                                  sequences.push_back(c.sequence());
                                  return true;
                                })
                  .ok());
  ASSERT_EQ(sequences.size(), writers.size() * 3 * 2);
  for (size_t i = 0; i < sequences.size(); ++i) EXPECT_EQ(sequences[i], static_cast<int64_t>(i + 1));
}

}  // namespace
}  // namespace tonghop::testing
