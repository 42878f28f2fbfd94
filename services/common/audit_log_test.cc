#include "services/common/audit_log.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "storage/memory_store.h"
#include "storage/rocksdb_store.h"
#include "tonghop/v1/registry_service.pb.h"

namespace tonghop {
namespace {

using storage::MemoryStore;
using storage::WriteBatch;

Caller Person() {
  Caller caller;
  caller.agency = "agencies/dong-nai-so-y-te";
  caller.user = "users/lan";
  caller.roles = static_cast<RoleSet>(Role::kClerk);
  caller.kind = CallerKind::kPerson;
  caller.credential = "bearer";
  return caller;
}

AuditEvent Event(absl::string_view method, absl::string_view resource) {
  AuditEvent event;
  event.caller = Person();
  event.method = std::string(method);
  event.resource = std::string(resource);
  return event;
}

std::vector<v1::AuditRecord> All(const AuditLog& log) {
  auto records = log.Read(0, 10000);
  EXPECT_TRUE(records.ok()) << records.status();
  return records.ok() ? *records : std::vector<v1::AuditRecord>();
}

// Writes `count` standalone records.
void AppendMany(AuditLog& log, int count) {
  for (int i = 1; i <= count; ++i) {
    ASSERT_TRUE(log.AppendStandalone(Event("Submit", absl::StrCat("reports/r", i))).ok());
  }
}

// Replaces the stored value of record `sequence` with `edit` applied to it.
void EditStored(storage::KvStore& store, int64_t sequence,
                const std::function<void(std::string&)>& edit) {
  auto value = store.Get(kAuditColumnFamily, AuditRecordKey(sequence));
  ASSERT_TRUE(value.ok() && value->has_value());
  std::string bytes = **value;
  edit(bytes);
  WriteBatch batch;
  batch.Put(kAuditColumnFamily, AuditRecordKey(sequence), bytes);
  ASSERT_TRUE(store.Write(batch).ok());
}

void Remove(storage::KvStore& store, absl::string_view key) {
  WriteBatch batch;
  batch.Delete(kAuditColumnFamily, key);
  ASSERT_TRUE(store.Write(batch).ok());
}

class AuditLogTest : public ::testing::Test {
 protected:
  FakeClock clock_{absl::FromUnixSeconds(1793781000)};
  MemoryStore store_;
  AuditLog log_{&store_, "submissions", &clock_};
};

TEST_F(AuditLogTest, RecordsGoInTheSameBatchAsTheChange) {
  WriteBatch batch;
  batch.Put("reports", "k", "the change");
  AuditEvent event = Event("Submit", "reports/dong-nai-so-y-te/dn/2026");
  event.request_id = "req-1";
  ASSERT_TRUE(log_.Write(batch, event).ok());
  EXPECT_EQ(store_.write_count(), 1);
  EXPECT_EQ(*store_.Get("reports", "k"), "the change");

  std::vector<v1::AuditRecord> records = All(log_);
  ASSERT_EQ(records.size(), 1u);
  const v1::AuditRecord& r = records[0];
  EXPECT_EQ(r.name(), "stores/submissions/auditRecords/1");
  EXPECT_EQ(r.store(), "submissions");
  EXPECT_EQ(r.sequence(), 1);
  EXPECT_EQ(r.time().seconds(), 1793781000);
  EXPECT_EQ(r.actor(), "users/lan");
  EXPECT_EQ(r.user(), "users/lan");
  EXPECT_EQ(r.agency(), "agencies/dong-nai-so-y-te");
  EXPECT_EQ(r.credential(), "bearer");
  EXPECT_EQ(r.method(), "Submit");
  EXPECT_EQ(r.resource(), "reports/dong-nai-so-y-te/dn/2026");
  EXPECT_EQ(r.request_id(), "req-1");
  EXPECT_EQ(r.result().code(), 0);
  EXPECT_EQ(r.previous_hash(), "");
  EXPECT_EQ(r.hash().size(), 64u);
  EXPECT_FALSE(r.damaged());
}

TEST_F(AuditLogTest, EachRecordHoldsTheHashOfThePreviousOne) {
  AppendMany(log_, 4);
  std::vector<v1::AuditRecord> records = All(log_);
  ASSERT_EQ(records.size(), 4u);
  for (size_t i = 1; i < records.size(); ++i) {
    EXPECT_EQ(records[i].sequence(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(records[i].previous_hash(), records[i - 1].hash());
  }
  auto verified = log_.Verify();
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->intact()) << verified->problem();
  EXPECT_EQ(verified->records(), 4);
  EXPECT_EQ(verified->head_sequence(), 4);
  EXPECT_EQ(verified->head_hash(), records.back().hash());
}

TEST_F(AuditLogTest, ScanStartsAfterTheGivenSequence) {
  AppendMany(log_, 5);
  std::vector<int64_t> seen;
  ASSERT_TRUE(log_.Scan(3, [&](v1::AuditRecord r) {
                    seen.push_back(r.sequence());
                    return true;
                  })
                  .ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{4, 5}));
}

TEST_F(AuditLogTest, AFlippedByteIsFoundAndNamed) {
  AppendMany(log_, 5);
  // A byte inside the record's content (past the 32-byte hash).
  EditStored(store_, 3, [](std::string& bytes) { bytes[bytes.size() - 5] ^= 0x01; });
  auto verified = log_.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_FALSE(verified->intact());
  EXPECT_EQ(verified->first_broken_sequence(), 3);
  EXPECT_EQ(verified->first_broken_record(), "stores/submissions/auditRecords/3");
  EXPECT_EQ(verified->break_kind(), v1::AUDIT_BREAK_DAMAGED);
  EXPECT_EQ(verified->records(), 2);

  // Listing shows it as damaged, not as if nothing happened.
  std::vector<v1::AuditRecord> records = All(log_);
  ASSERT_EQ(records.size(), 5u);
  EXPECT_FALSE(records[1].damaged());
  EXPECT_TRUE(records[2].damaged());
  EXPECT_EQ(records[2].sequence(), 3);
}

TEST_F(AuditLogTest, AFlippedByteOfTheStoredHashIsFound) {
  AppendMany(log_, 3);
  EditStored(store_, 2, [](std::string& bytes) { bytes[0] ^= 0x80; });
  auto verified = log_.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->first_broken_sequence(), 2);
  EXPECT_EQ(verified->break_kind(), v1::AUDIT_BREAK_DAMAGED);
}

TEST_F(AuditLogTest, ARecordRewrittenWithAFreshHashBreaksTheLinkAfterIt) {
  AppendMany(log_, 4);
  EditStored(store_, 2, [](std::string& stored) {
    v1::AuditRecord record;
    ASSERT_TRUE(record.ParseFromString(stored.substr(32)));
    record.set_actor("users/someone-else");
    std::string bytes = record.SerializeAsString();
    stored = absl::HexStringToBytes(Sha256Hex(bytes)) + bytes;
  });
  auto verified = log_.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->first_broken_sequence(), 3);
  EXPECT_EQ(verified->break_kind(), v1::AUDIT_BREAK_NOT_CHAINED);
}

TEST_F(AuditLogTest, ADeletedRecordIsFound) {
  AppendMany(log_, 5);
  Remove(store_, AuditRecordKey(3));
  auto verified = log_.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_FALSE(verified->intact());
  EXPECT_EQ(verified->first_broken_sequence(), 3);
  EXPECT_EQ(verified->break_kind(), v1::AUDIT_BREAK_MISSING);
}

TEST_F(AuditLogTest, ADeletedLastRecordIsFoundByTheHead) {
  AppendMany(log_, 5);
  Remove(store_, AuditRecordKey(5));
  auto verified = log_.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_FALSE(verified->intact());
  EXPECT_EQ(verified->first_broken_sequence(), 5);
  EXPECT_EQ(verified->break_kind(), v1::AUDIT_BREAK_MISSING);
  EXPECT_EQ(verified->head_sequence(), 5);
}

TEST_F(AuditLogTest, AFailedWriteLeavesTheChainWhole) {
  AppendMany(log_, 2);
  store_.set_fail_writes(true);
  WriteBatch batch;
  batch.Put("reports", "k", "never written");
  EXPECT_FALSE(log_.Write(batch, Event("Submit", "reports/x")).ok());
  store_.set_fail_writes(false);
  EXPECT_FALSE(store_.Get("reports", "k")->has_value());
  AppendMany(log_, 1);

  std::vector<v1::AuditRecord> records = All(log_);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].sequence(), 3);
  EXPECT_EQ(records[2].previous_hash(), records[1].hash());
  auto verified = log_.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact()) << verified->problem();
  EXPECT_EQ(verified->records(), 3);
}

// A store whose next write is applied but reported failed, as when the
// sync after a write fails.
class LandsButFailsStore final : public storage::KvStore {
 public:
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view cf,
                                                 absl::string_view key) const override {
    return inner_.Get(cf, key);
  }
  absl::Status Scan(absl::string_view cf, absl::string_view start, absl::string_view end,
                    const std::function<bool(absl::string_view, absl::string_view)>& visit)
      const override {
    return inner_.Scan(cf, start, end, visit);
  }
  std::unique_ptr<storage::KvReader> Snapshot() const override { return inner_.Snapshot(); }
  storage::StoreEpoch epoch() const override { return inner_.epoch(); }
  absl::Status Write(const WriteBatch& batch) override {
    absl::Status written = inner_.Write(batch);
    if (written.ok() && fail_next_) {
      fail_next_ = false;
      return absl::InternalError("storage: write: IO error: sync failed");
    }
    return written;
  }
  void FailNextAfterWriting() { fail_next_ = true; }

 private:
  MemoryStore inner_;
  bool fail_next_ = false;
};

TEST(AuditLogFailureTest, AWriteThatLandedDespiteItsErrorIsNotOverwritten) {
  LandsButFailsStore store;
  AuditLog log(&store, "registry", nullptr);
  AppendMany(log, 1);
  store.FailNextAfterWriting();
  EXPECT_FALSE(log.AppendStandalone(Event("UpdateAgency", "agencies/a")).ok());
  AppendMany(log, 1);
  std::vector<v1::AuditRecord> records = All(log);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].method(), "UpdateAgency");
  EXPECT_EQ(records[2].previous_hash(), records[1].hash());
  auto verified = log.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact()) << verified->problem();
}

TEST_F(AuditLogTest, ConcurrentWritersChainInOneOrder) {
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kEach; ++i) {
        WriteBatch batch;
        batch.Put("reports", absl::StrCat(t, "/", i), "v");
        EXPECT_TRUE(log_.Write(batch, Event("Submit", absl::StrCat("reports/", t))).ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  auto verified = log_.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact()) << verified->problem();
  EXPECT_EQ(verified->records(), kThreads * kEach);
}

TEST_F(AuditLogTest, ANewLogContinuesAfterARecordItsHeadDoesNotName) {
  AppendMany(log_, 3);
  // The head is lost: a fresh log must not overwrite record 1.
  Remove(store_, std::string(1, '\x02'));
  AuditLog reopened(&store_, "submissions", &clock_);
  ASSERT_TRUE(reopened.AppendStandalone(Event("Review", "reports/x")).ok());
  std::vector<v1::AuditRecord> records = All(reopened);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].method(), "Submit");
  EXPECT_EQ(records[3].method(), "Review");
  EXPECT_EQ(records[3].previous_hash(), records[2].hash());
  auto verified = reopened.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact()) << verified->problem();
}

TEST_F(AuditLogTest, RefusalsAreRecordedAndBadInputIsNot) {
  AuditEvent denied = Event("Review", "reports/x");
  denied.result = PermissionDenied("users/lan", "review", "reports/x");
  log_.RecordRefusal(denied);
  AuditEvent invalid = Event("Submit", "reports/x");
  invalid.result = InvalidField("report", "bad");
  log_.RecordRefusal(invalid);
  AuditEvent anonymous;
  anonymous.method = "Submit";
  anonymous.peer = "ipv4:10.0.0.9:4000";
  anonymous.result = Unauthenticated("no identity");
  log_.RecordRefusal(anonymous);

  std::vector<v1::AuditRecord> records = All(log_);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].result().code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(records[0].result().reason(), "PERMISSION_DENIED");
  EXPECT_FALSE(records[0].result().message().empty());
  EXPECT_EQ(records[1].result().code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(records[1].actor(), "");
  EXPECT_EQ(records[1].peer(), "ipv4:10.0.0.9:4000");
}

// An anonymous caller sending megabytes in a request's name or request id
// gets a refusal that costs a small record, not a copy of what it sent.
TEST_F(AuditLogTest, ARecordKeepsABoundedPartOfWhatTheCallerSent) {
  AuditEvent anonymous;
  anonymous.method = "Withdraw";
  anonymous.resource = "reports/" + std::string(5 << 20, 'r');
  anonymous.request_id = std::string(5 << 20, 'R') + "\xff";
  anonymous.peer = "ipv4:10.0.0.9:4000";
  anonymous.result = Unauthenticated("no identity");
  log_.RecordRefusal(anonymous);

  std::vector<v1::AuditRecord> records = All(log_);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_LT(records[0].ByteSizeLong(), 2048u);
  EXPECT_TRUE(absl::StartsWith(records[0].resource(), "reports/rrr"));
  EXPECT_TRUE(absl::StartsWith(records[0].request_id(), "RRR"));
  auto verified = log_.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact()) << verified->problem();
}

TEST_F(AuditLogTest, AuditRefusalReturnsTheResultUnchanged) {
  v1::DeleteAgencyRequest request;
  request.set_name("agencies/x");
  request.set_request_id("r-9");
  absl::StatusOr<int> refused = AuditRefusal(
      log_, Person(), "DeleteAgency", request,
      absl::StatusOr<int>(PermissionDenied("users/lan", "delete", "agencies/x")));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  absl::Status fine = AuditRefusal(log_, Person(), "DeleteAgency", request, absl::OkStatus());
  EXPECT_TRUE(fine.ok());
  std::vector<v1::AuditRecord> records = All(log_);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].resource(), "agencies/x");
  EXPECT_EQ(records[0].request_id(), "r-9");
}

TEST(AuditedResourceTest, FindsTheResourceByFieldNames) {
  v1::CreateAgencyRequest create;
  create.set_agency_id("dong-nai");
  EXPECT_EQ(AuditedResource(create), "agencies/dong-nai");
  v1::UpdateAgencyRequest update;
  update.mutable_agency()->set_name("agencies/dong-nai");
  EXPECT_EQ(AuditedResource(update), "agencies/dong-nai");
  v1::DeleteTaskRequest remove;
  remove.set_name("plans/p/tasks/A.1");
  EXPECT_EQ(AuditedResource(remove), "plans/p/tasks/A.1");
  v1::CreateTaskRequest task;
  task.set_parent("plans/p");
  EXPECT_EQ(AuditedResource(task), "plans/p");
  v1::ImportPlanRequest import;
  import.set_plan_id("dong-nai-74-2026");
  EXPECT_EQ(AuditedResource(import), "plans/dong-nai-74-2026");
  v1::Agency agency;
  agency.set_name("agencies/x");
  EXPECT_EQ(AuditedResource(agency), "agencies/x");
}

TEST(AuditLogRocksDbTest, AChainSurvivesReopeningAndAnAddedColumnFamily) {
  std::string dir = (std::filesystem::temp_directory_path() / "auditXXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  {
    // A data directory from before the audit trail: no audit column family.
    auto store = storage::OpenRocksDbStore(dir, {"reports"});
    ASSERT_TRUE(store.ok()) << store.status();
    WriteBatch batch;
    batch.Put("reports", "old", "kept");
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  std::string first_hash;
  {
    auto store = storage::OpenRocksDbStore(dir, {"reports", std::string(kAuditColumnFamily)});
    ASSERT_TRUE(store.ok()) << store.status();
    AuditLog log(store->get(), "submissions", nullptr);
    AppendMany(log, 2);
    first_hash = All(log)[1].hash();
  }
  auto store = storage::OpenRocksDbStore(dir, {"reports", std::string(kAuditColumnFamily)});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(*(*store)->Get("reports", "old"), "kept");
  AuditLog log(store->get(), "submissions", nullptr);
  AppendMany(log, 1);
  std::vector<v1::AuditRecord> records = All(log);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].previous_hash(), first_hash);
  auto verified = log.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact()) << verified->problem();
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tonghop
