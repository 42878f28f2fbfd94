#include "services/submissions/submissions_schema.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/memory_store.h"
#include "storage/rocksdb_store.h"
#include "tonghop/v1/report.pb.h"

namespace tonghop::submissions {
namespace {

using ::absl::StartsWith;
using ::testing::HasSubstr;
using std::string_literals::operator""s;

ReportNameParts Parts(std::string agency, std::string plan, std::string period) {
  ReportNameParts parts;
  parts.agency_id = std::move(agency);
  parts.plan_id = std::move(plan);
  parts.period = std::move(period);
  return parts;
}

// Golden bytes: a change here changes what existing data directories hold,
// and needs a new layout version and a migration.
TEST(SubmissionsSchemaTest, KeysHaveTheirRecordedBytes) {
  ReportNameParts p = Parts("dong-nai", "kh-1", "2026");
  EXPECT_EQ(ReportKey(p), "\x01" "kh-1\0\x01" "2026\0\x01" "dong-nai\0\x01"s);
  EXPECT_EQ(RevisionKey(p, 3), "\x02" "dong-nai\0\x01" "kh-1\0\x01" "2026\0\x01" "\0\0\0\0\0\0\0\x03"s);
  EXPECT_EQ(ChangeKey(258), "\x01\0\0\0\0\0\0\x01\x02"s);
  EXPECT_EQ(CounterKey(), "\x02" "last_sequence\0\x01"s);
  EXPECT_EQ(EncodeCounter(258), "\0\0\0\0\0\0\x01\x02"s);
  EXPECT_EQ(DecodeCounter("\0\0\0\0\0\0\x01\x02"s), 258);
  EXPECT_EQ(DecodeCounter("258"), std::nullopt);
  EXPECT_EQ(NoticeKey("n1"), "\x01" "n1\0\x01"s);
  EXPECT_EQ(PendingNoticeKey(absl::FromUnixMicros(1), "n1"), "\x02\x80\0\0\0\0\0\0\x01" "n1\0\x01"s);
  EXPECT_EQ(SubmissionsColumnFamilies(),
            (std::vector<std::string>{"reports", "feed", "idempotency", "notices", "audit"}));
}

TEST(SubmissionsSchemaTest, AReportsRevisionsAreOnePrefixOldestFirst) {
  ReportNameParts p = Parts("dong-nai", "kh-1", "2026");
  std::vector<int64_t> revisions = {10, 2, 256, 1, 9};
  std::vector<std::string> keys;
  for (int64_t r : revisions) keys.push_back(RevisionKey(p, r));
  std::sort(keys.begin(), keys.end());
  std::sort(revisions.begin(), revisions.end());
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(keys[i], RevisionKey(p, revisions[i]));
    EXPECT_TRUE(StartsWith(keys[i], RevisionPrefix(p)));
  }
  // Another agency, plan or period whose id extends this one's is elsewhere.
  EXPECT_FALSE(StartsWith(RevisionKey(Parts("dong-nai-so-y-te", "kh-1", "2026"), 1), RevisionPrefix(p)));
  EXPECT_FALSE(StartsWith(RevisionKey(Parts("dong-nai", "kh-1", "2026S1"), 1), RevisionPrefix(p)));
}

TEST(SubmissionsSchemaTest, APlansReportsForOnePeriodAreOnePrefix) {
  ReportNameParts p = Parts("dong-nai", "kh-1", "2026");
  EXPECT_TRUE(StartsWith(ReportKey(p), ReportPrefix("kh-1", "2026")));
  EXPECT_TRUE(StartsWith(ReportKey(p), ReportPrefix("kh-1")));
  EXPECT_TRUE(StartsWith(ReportKey(p), ReportPrefix()));
  EXPECT_FALSE(StartsWith(ReportKey(Parts("a", "kh-1", "2026S1")), ReportPrefix("kh-1", "2026")));
  EXPECT_FALSE(StartsWith(ReportKey(Parts("a", "kh-10", "2026")), ReportPrefix("kh-1")));
  EXPECT_LT(ReportKey(Parts("a", "kh-1", "2026")), ReportKey(Parts("b", "kh-1", "2026")));
}

TEST(SubmissionsSchemaTest, TheFeedAndTheNoticeQueueAreInNumericOrder) {
  std::vector<int64_t> sequences = {1, 255, 256, 65536, 2};
  std::vector<std::string> keys;
  for (int64_t s : sequences) keys.push_back(ChangeKey(s));
  std::sort(keys.begin(), keys.end());
  std::sort(sequences.begin(), sequences.end());
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(keys[i], ChangeKey(sequences[i]));
  EXPECT_TRUE(StartsWith(ChangeKey(7), ChangePrefix()));
  EXPECT_FALSE(StartsWith(CounterKey(), ChangePrefix()));

  absl::Time t = absl::FromUnixSeconds(1790000000);
  EXPECT_LT(PendingNoticeKey(t, "z"), PendingNoticeKey(t + absl::Microseconds(1), "a"));
  EXPECT_LT(PendingNoticeKey(absl::FromUnixSeconds(-1), "z"), PendingNoticeKey(t, "a"));
  std::optional<PendingNotice> parsed = ParsePendingNoticeKey(PendingNoticeKey(t, "n1"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->next_attempt_micros, absl::ToUnixMicros(t));
  EXPECT_EQ(parsed->id, "n1");
  EXPECT_FALSE(ParsePendingNoticeKey(NoticeKey("n1")).has_value());
}

TEST(SubmissionsSchemaTest, ANewStoreIsStampedAndOneWrittenBeforeVersionsIsVersionOne) {
  storage::MemoryStore fresh;
  auto upgrade = storage::UpgradeLayout(&fresh, SubmissionsLayout());
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->found_version, 0);
  EXPECT_EQ(*storage::RecordedLayoutVersion(fresh, SubmissionsLayout()), kSubmissionsLayoutVersion);

  storage::MemoryStore old;
  storage::WriteBatch batch;
  batch.Put(kFeedColumnFamily, CounterKey(), EncodeCounter(0));
  ASSERT_TRUE(old.Write(batch).ok());
  upgrade = storage::UpgradeLayout(&old, SubmissionsLayout());
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->found_version, 1);
  EXPECT_EQ(*storage::RecordedLayoutVersion(old, SubmissionsLayout()), kSubmissionsLayoutVersion);
}

// A store written by the release before layout versions opens, is stamped
// and reads the same; a later release's migration runs on it; the release
// before that refuses it.
TEST(SubmissionsSchemaTest, ADataDirectoryIsStampedMigratedAndRefusedByAnOlderRelease) {
  std::string dir = (std::filesystem::path(::testing::TempDir()) /
                     absl::StrCat("submissions_schema_", ::testing::UnitTest::GetInstance()->random_seed()))
                        .string();
  std::filesystem::remove_all(dir);
  ReportNameParts p = Parts("dong-nai", "kh-1", "2026");
  v1::Report report;
  report.set_name("reports/dong-nai/kh-1/2026");
  report.set_revision(2);
  {
    auto store = storage::OpenRocksDbStore(dir, SubmissionsColumnFamilies());
    ASSERT_TRUE(store.ok()) << store.status();
    storage::WriteBatch batch;
    batch.Put(kReportsColumnFamily, ReportKey(p), report.SerializeAsString());
    batch.Put(kReportsColumnFamily, RevisionKey(p, 1), report.SerializeAsString());
    batch.Put(kReportsColumnFamily, RevisionKey(p, 2), report.SerializeAsString());
    batch.Put(kFeedColumnFamily, CounterKey(), EncodeCounter(2));
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  {
    auto store = storage::OpenRocksDbStoreWithLayout(dir, SubmissionsLayout());
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(*storage::RecordedLayoutVersion(**store, SubmissionsLayout()), 1);
    EXPECT_EQ(*(*store)->Get(kFeedColumnFamily, CounterKey()), std::optional<std::string>(EncodeCounter(2)));
  }
  // A release at version 2 that drops revisions older than the current one.
  storage::StoreLayout next = SubmissionsLayout();
  next.version = kSubmissionsLayoutVersion + 1;
  next.migrations.push_back(
      {kSubmissionsLayoutVersion, "keep only the current revision",
       [&p](const storage::KvReader& store) -> absl::StatusOr<storage::WriteBatch> {
         storage::WriteBatch batch;
         auto revisions = store.ScanPrefix(kReportsColumnFamily, RevisionPrefix(p), 100);
         if (!revisions.ok()) return revisions.status();
         for (size_t i = 0; i + 1 < revisions->size(); ++i) {
           batch.Delete(kReportsColumnFamily, (*revisions)[i].key);
         }
         return batch;
       }});
  {
    auto store = storage::OpenRocksDbStoreWithLayout(dir, next);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(*storage::RecordedLayoutVersion(**store, next), kSubmissionsLayoutVersion + 1);
    auto revisions = (*store)->ScanPrefix(kReportsColumnFamily, RevisionPrefix(p), 100);
    ASSERT_TRUE(revisions.ok());
    ASSERT_EQ(revisions->size(), 1u);
    EXPECT_EQ((*revisions)[0].key, RevisionKey(p, 2));
  }
  auto refused = storage::OpenRocksDbStoreWithLayout(dir, SubmissionsLayout());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("storage submissions: the store has layout version 2"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tonghop::submissions
