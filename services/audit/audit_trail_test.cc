#include "services/audit/audit_trail.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "storage/memory_store.h"

namespace tonghop::audit {
namespace {

using ::testing::ElementsAre;

Caller Machine(const std::string& agency) {
  Caller caller;
  caller.agency = "agencies/" + agency;
  caller.credential = "certificate";
  return caller;
}

Caller Person(const std::string& user, const std::string& agency) {
  Caller caller = Machine(agency);
  caller.user = "users/" + user;
  caller.kind = CallerKind::kPerson;
  caller.credential = "session";
  return caller;
}

class AuditTrailTest : public ::testing::Test {
 protected:
  // Writes one record to `log` at the clock's time, then moves the clock.
  void Record(AuditLog& log, const Caller& caller, const std::string& method,
              absl::Status result = absl::OkStatus()) {
    AuditEvent event;
    event.caller = caller;
    event.method = method;
    event.resource = absl::StrCat("things/", ++counter_);
    event.result = std::move(result);
    ASSERT_TRUE(log.AppendStandalone(event).ok());
    clock_.Advance(absl::Minutes(1));
  }

  // registry:  1 (t0), 2 (t2), 3 (t5)
  // submissions: 1 (t1), 2 (t3), 3 (t4)
  void Fill() {
    Record(registry_log_, Machine("bo-tu-phap"), "CreateAgency");
    Record(submissions_log_, Person("lan", "dong-nai-so-y-te"), "Submit");
    Record(registry_log_, Machine("bo-tu-phap"), "UpdateAgency");
    Record(submissions_log_, Person("hoa", "dong-nai-so-tu-phap"), "Review",
           PermissionDenied("users/hoa", "review", "reports/x"));
    Record(submissions_log_, Person("hoa", "dong-nai-so-tu-phap"), "Review");
    Record(registry_log_, Caller(), "DeleteAgency", Unauthenticated("no identity"));
  }

  std::vector<std::string> Names(const v1::ListAuditRecordsRequest& request) {
    auto listed = trail_.List(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> names;
    if (!listed.ok()) return names;
    for (const v1::AuditRecord& r : listed->audit_records()) {
      names.push_back(absl::StrCat(r.store(), "/", r.sequence()));
    }
    return names;
  }

  int counter_ = 0;
  FakeClock clock_{absl::FromUnixSeconds(1793781000)};
  storage::MemoryStore registry_store_;
  storage::MemoryStore submissions_store_;
  AuditLog registry_log_{&registry_store_, "registry", &clock_};
  AuditLog submissions_log_{&submissions_store_, "submissions", &clock_};
  AuditTrail trail_{{&submissions_log_, &registry_log_}};
};

TEST_F(AuditTrailTest, ListsEveryStoreMergedByTime) {
  Fill();
  EXPECT_THAT(Names(v1::ListAuditRecordsRequest()),
              ElementsAre("registry/1", "submissions/1", "registry/2", "submissions/2",
                          "submissions/3", "registry/3"));
}

TEST_F(AuditTrailTest, PagesFollowOneAnotherWithoutGapsOrRepeats) {
  Fill();
  v1::ListAuditRecordsRequest request;
  request.set_page_size(2);
  std::vector<std::string> all;
  int pages = 0;
  do {
    auto page = trail_.List(request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::AuditRecord& r : page->audit_records()) {
      all.push_back(absl::StrCat(r.store(), "/", r.sequence()));
    }
    request.set_page_token(page->next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(all, Names(v1::ListAuditRecordsRequest()));

  // A token belongs to its query.
  request.set_page_size(2);
  request.clear_page_token();
  auto first = trail_.List(request);
  ASSERT_TRUE(first.ok());
  request.set_page_token(first->next_page_token());
  request.set_method("Submit");
  EXPECT_EQ(trail_.List(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AuditTrailTest, FiltersByStorePersonAgencyMethodTimeAndResult) {
  Fill();
  v1::ListAuditRecordsRequest request;
  request.set_parent("stores/registry");
  EXPECT_THAT(Names(request), ElementsAre("registry/1", "registry/2", "registry/3"));

  request = v1::ListAuditRecordsRequest();
  request.set_actor("users/hoa");
  EXPECT_THAT(Names(request), ElementsAre("submissions/2", "submissions/3"));

  request = v1::ListAuditRecordsRequest();
  request.set_agency("agencies/bo-tu-phap");
  EXPECT_THAT(Names(request), ElementsAre("registry/1", "registry/2"));

  request = v1::ListAuditRecordsRequest();
  request.set_method("Review");
  request.set_result("ok");
  EXPECT_THAT(Names(request), ElementsAre("submissions/3"));

  request = v1::ListAuditRecordsRequest();
  request.set_result("REFUSED");
  EXPECT_THAT(Names(request), ElementsAre("submissions/2", "registry/3"));
  request.set_result("UNAUTHENTICATED");
  EXPECT_THAT(Names(request), ElementsAre("registry/3"));

  // [t1, t4): submissions/1 at t1 is in, submissions/3 at t4 is out.
  request = v1::ListAuditRecordsRequest();
  request.mutable_start_time()->set_seconds(1793781000 + 60);
  request.mutable_end_time()->set_seconds(1793781000 + 4 * 60);
  EXPECT_THAT(Names(request), ElementsAre("submissions/1", "registry/2", "submissions/2"));
}

TEST_F(AuditTrailTest, RefusesBadFilters) {
  v1::ListAuditRecordsRequest request;
  request.set_result("MAYBE");
  EXPECT_EQ(GetBadRequest(trail_.List(request).status()).field_violations(0).field(), "result");
  request = v1::ListAuditRecordsRequest();
  request.mutable_start_time()->set_seconds(100);
  request.mutable_end_time()->set_seconds(100);
  EXPECT_EQ(trail_.List(request).status().code(), absl::StatusCode::kInvalidArgument);
  request = v1::ListAuditRecordsRequest();
  request.set_parent("stores/aggregation");
  EXPECT_EQ(trail_.List(request).status().code(), absl::StatusCode::kNotFound);
  request.set_parent("bad");
  EXPECT_EQ(trail_.List(request).status().code(), absl::StatusCode::kInvalidArgument);
  request = v1::ListAuditRecordsRequest();
  request.set_page_token("not a token");
  EXPECT_EQ(trail_.List(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AuditTrailTest, VerifyNamesTheFirstBrokenStoreAndRecord) {
  Fill();
  auto intact = trail_.Verify(v1::VerifyAuditLogRequest());
  ASSERT_TRUE(intact.ok());
  EXPECT_TRUE(intact->intact());
  EXPECT_EQ(intact->records(), 6);
  ASSERT_EQ(intact->chains_size(), 2);
  EXPECT_EQ(intact->chains(0).store(), "registry");
  EXPECT_EQ(intact->chains(1).store(), "submissions");

  auto stored = submissions_store_.Get(kAuditColumnFamily, AuditRecordKey(2));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  std::string bytes = **stored;
  bytes[40] ^= 0x20;
  storage::WriteBatch batch;
  batch.Put(kAuditColumnFamily, AuditRecordKey(2), bytes);
  ASSERT_TRUE(submissions_store_.Write(batch).ok());

  auto broken = trail_.Verify(v1::VerifyAuditLogRequest());
  ASSERT_TRUE(broken.ok());
  EXPECT_FALSE(broken->intact());
  EXPECT_EQ(broken->first_broken_record(), "stores/submissions/auditRecords/2");
  EXPECT_TRUE(broken->chains(0).intact());
  EXPECT_FALSE(broken->chains(1).intact());

  // The damaged record is listed whatever the filter.
  v1::ListAuditRecordsRequest request;
  request.set_actor("users/nobody");
  auto listed = trail_.List(request);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->audit_records_size(), 1);
  EXPECT_TRUE(listed->audit_records(0).damaged());
  EXPECT_EQ(listed->audit_records(0).name(), "stores/submissions/auditRecords/2");
}

}  // namespace
}  // namespace tonghop::audit
