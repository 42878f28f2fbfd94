// The audit trail end to end over loopback: writes made through the
// services land in their stores' audit trails, refusals too; the Audit
// service and the CLI list and verify them; a byte flipped in one stored
// record while the server is down is named by `tonghop admin audit verify`
// after the restart.

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/audit_log.h"
#include "services/submissions/submissions.h"
#include "storage/rocksdb_store.h"
#include "tests/integration/submissions_fixture.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/audit_service.grpc.pb.h"

namespace tonghop::testing {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<grpc::ClientContext> As(const std::string& agency_id) {
  return client::Connection(std::shared_ptr<grpc::Channel>(), agency_id).NewContext();
}

absl::StatusOr<v1::ListAuditRecordsResponse> ListAll(const std::shared_ptr<grpc::Channel>& channel,
                                                     v1::ListAuditRecordsRequest request) {
  auto stub = v1::Audit::NewStub(channel);
  v1::ListAuditRecordsResponse all;
  do {
    v1::ListAuditRecordsResponse page;
    grpc::Status status = stub->ListAuditRecords(As("bo-tu-phap").get(), request, &page);
    if (!status.ok()) return FromGrpcStatus(status);
    for (v1::AuditRecord& r : *page.mutable_audit_records()) *all.add_audit_records() = r;
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return all;
}

absl::StatusOr<v1::VerifyAuditLogResponse> Verify(const std::shared_ptr<grpc::Channel>& channel) {
  v1::VerifyAuditLogResponse response;
  grpc::Status status = v1::Audit::NewStub(channel)->VerifyAuditLog(
      As("bo-tu-phap").get(), v1::VerifyAuditLogRequest(), &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

TEST(AuditTrailTest, WritesAreRecordedListedVerifiedAndATamperedRecordIsNamed) {
  if (!std::filesystem::exists(BuiltBinary("clients/cli/tonghop"))) {
    GTEST_SKIP() << "the tonghop CLI is not built";
  }
  TempDir dir;
  auto server = TestServer::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = (*server)->NewChannel();
  ASSERT_TRUE(LoadRegistryFixture(channel).ok());

  // A submission, a review, and two refusals: a department reviewing
  // itself, and a submission without any identity.
  ASSERT_TRUE(ClientAs(channel, "dong-nai-so-y-te").Submit(SubmitSoYTe("audit-1")).ok());
  v1::ReviewRequest review;
  review.set_name(kSoYTeReport);
  review.set_decision(v1::REVIEW_DECISION_ACCEPT);
  EXPECT_EQ(ClientAs(channel, "dong-nai-so-y-te").Review(review).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(ClientAs(channel, "dong-nai-so-tu-phap").Review(review).ok());
  v1::Report ignored;
  grpc::ClientContext anonymous;
  EXPECT_EQ(v1::Submissions::NewStub(channel)
                ->Submit(&anonymous, SubmitSoYTe("audit-2"), &ignored)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Listing: every store, merged; the submissions store alone; refusals.
  auto all = ListAll(channel, v1::ListAuditRecordsRequest());
  ASSERT_TRUE(all.ok()) << all.status();
  int registry_records = 0;
  for (const v1::AuditRecord& r : all->audit_records()) {
    if (r.store() == "registry") {
      ++registry_records;
      EXPECT_EQ(r.actor(), "agencies/bo-tu-phap") << r.method() << " " << r.resource();
    }
  }
  EXPECT_GT(registry_records, 10);  // the fixture's agencies, indicators, plans, tasks
  v1::ListAuditRecordsRequest submissions_only;
  submissions_only.set_parent("stores/submissions");
  auto submissions = ListAll(channel, submissions_only);
  ASSERT_TRUE(submissions.ok()) << submissions.status();
  ASSERT_EQ(submissions->audit_records_size(), 4);
  const auto& records = submissions->audit_records();
  EXPECT_EQ(records[0].method(), "Submit");
  EXPECT_EQ(records[0].resource(), kSoYTeReport);
  EXPECT_EQ(records[0].actor(), "agencies/dong-nai-so-y-te");
  EXPECT_EQ(records[0].request_id(), "audit-1");
  EXPECT_EQ(records[1].method(), "Review");
  EXPECT_EQ(records[1].result().code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(records[2].method(), "Review");
  EXPECT_EQ(records[2].actor(), "agencies/dong-nai-so-tu-phap");
  EXPECT_EQ(records[2].result().code(), 0);
  EXPECT_EQ(records[3].result().code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(records[3].actor(), "");
  EXPECT_THAT(records[3].peer(), HasSubstr("127.0.0.1"));
  for (int i = 1; i < records.size(); ++i) {
    EXPECT_EQ(records[i].previous_hash(), records[i - 1].hash());
  }

  // Only the instance's authority reads the trail.
  v1::ListAuditRecordsResponse refused;
  EXPECT_EQ(v1::Audit::NewStub(channel)
                ->ListAuditRecords(As("dong-nai-so-tu-phap").get(), v1::ListAuditRecordsRequest(),
                                   &refused)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  auto verified = Verify(channel);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->intact());
  EXPECT_EQ(verified->records(), all->audit_records_size());

  // The CLI: list, and verify with its exit code and words.
  std::string cli = absl::StrCat("--server=", (*server)->address(), " --agency=bo-tu-phap ");
  std::string output;
  EXPECT_EQ(RunCli(cli + "--output=csv admin audit list --store=submissions --result=refused",
                   &output),
            0)
      << output;
  // The two refusals, and not the changes made.
  EXPECT_THAT(output, HasSubstr(",Review,"));
  EXPECT_THAT(output, HasSubstr("không có quyền"));
  EXPECT_THAT(output, HasSubstr("chưa xác thực"));
  EXPECT_THAT(output, ::testing::Not(HasSubstr("thành công")));
  EXPECT_EQ(RunCli(cli + "admin audit verify", &output), 0) << output;
  EXPECT_THAT(output, HasSubstr(absl::StrCat("Nhật ký kiểm toán toàn vẹn: ",
                                             verified->records(), " bản ghi")));

  // Stop the server and flip one byte of submissions' record 2 in RocksDB.
  (*server)->Stop();
  {
    auto store = storage::OpenRocksDbStore(
        (std::filesystem::path(dir.path()) / "submissions").string(),
        submissions::SubmissionsColumnFamilies());
    ASSERT_TRUE(store.ok()) << store.status();
    auto value = (*store)->Get(kAuditColumnFamily, AuditRecordKey(2));
    ASSERT_TRUE(value.ok() && value->has_value());
    std::string bytes = **value;
    bytes[bytes.size() / 2] ^= 0x01;
    storage::WriteBatch batch;
    batch.Put(kAuditColumnFamily, AuditRecordKey(2), bytes);
    ASSERT_TRUE((*store)->Write(batch).ok());
  }

  ASSERT_TRUE((*server)->Restart().ok());
  channel = (*server)->NewChannel();
  // The service keeps recording after the damage, and the break stays named.
  EXPECT_EQ(ClientAs(channel, "dong-nai-so-y-te").Review(review).status().code(),
            absl::StatusCode::kPermissionDenied);
  verified = Verify(channel);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_FALSE(verified->intact());
  EXPECT_EQ(verified->first_broken_record(), "stores/submissions/auditRecords/2");

  cli = absl::StrCat("--server=", (*server)->address(), " --agency=bo-tu-phap ");
  EXPECT_EQ(RunCli(cli + "admin audit verify", &output), 1) << output;
  EXPECT_THAT(output, HasSubstr("stores/submissions/auditRecords/2"));
  EXPECT_THAT(output, HasSubstr("KHÔNG toàn vẹn"));
  EXPECT_THAT(output, ::testing::Not(HasSubstr("Nhật ký kiểm toán toàn vẹn")));

  // The listing shows the damaged record as damaged.
  auto after = ListAll(channel, submissions_only);
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_EQ(after->audit_records_size(), 5);
  EXPECT_FALSE(after->audit_records(0).damaged());
  EXPECT_TRUE(after->audit_records(1).damaged());
  EXPECT_EQ(after->audit_records(4).previous_hash(), after->audit_records(3).hash());
}

}  // namespace
}  // namespace tonghop::testing
