#include "services/registry/registry_schema.h"

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
#include "tonghop/v1/agency.pb.h"

namespace tonghop::registry {
namespace {

using ::absl::StartsWith;
using ::testing::HasSubstr;

// Golden bytes: a change here changes what existing data directories hold,
// and needs a new layout version and a migration.
TEST(RegistrySchemaTest, KeysHaveTheirRecordedBytes) {
  using std::string_literals::operator""s;
  EXPECT_EQ(AgencyKey("dong-nai"), "\x01" "dong-nai\0\x01"s);
  EXPECT_EQ(DimensionKey("sex"), "\x02" "sex\0\x01"s);
  EXPECT_EQ(IndicatorKey("ti-le"), "\x03" "ti-le\0\x01"s);
  EXPECT_EQ(PlanKey("kh-1"), "\x04" "kh-1\0\x01"s);
  EXPECT_EQ(TaskKey("kh-1", "1.2"), "\x05" "kh-1\0\x01" "1.2\0\x01"s);
  EXPECT_EQ(ChildKey("dong-nai", "dong-nai-so-y-te"), "\x0a" "dong-nai\0\x01" "dong-nai-so-y-te\0\x01"s);
  EXPECT_EQ(ReferenceKey("agencies/a", "plans/p"), "\x0b" "agencies/a\0\x01" "plans/p\0\x01"s);
  EXPECT_EQ(UserKey("lan"), "\x01" "lan\0\x01"s);
  EXPECT_EQ(CredentialKey("lan"), "\x02" "lan\0\x01"s);
  EXPECT_EQ(SessionKey("h"), "\x03" "h\0\x01"s);
  EXPECT_EQ(PersonSessionKey("lan", "h"), "\x04" "lan\0\x01" "h\0\x01"s);
  EXPECT_EQ(AgencyMemberKey("dong-nai", "lan"), "\x05" "dong-nai\0\x01" "lan\0\x01"s);
  EXPECT_EQ(SessionExpiryKey(absl::FromUnixSeconds(1), "h"),
            "\x06\x80\0\0\0\0\0\0\x01" "h\0\x01"s);
  EXPECT_EQ(kResourcesColumnFamily.name(), "resources");
  EXPECT_EQ(kIndexColumnFamily.name(), "index");
  EXPECT_EQ(kIdempotencyColumnFamily.name(), "idempotency");
  EXPECT_EQ(kPeopleColumnFamily.name(), "people");
  EXPECT_EQ(RegistryColumnFamilies(),
            (std::vector<std::string>{"resources", "index", "idempotency", "people", "audit"}));
}

TEST(RegistrySchemaTest, AnAgencysChildrenAreOnePrefixInIdOrder) {
  std::vector<std::string> keys = {
      ChildKey("dong-nai", "dong-nai-xa-b"), ChildKey("dong-nai", "dong-nai-so-y-te"),
      ChildKey("dong-nai-so-y-te", "dong-nai-so-y-te-phong-a"), ChildKey("dong", "dong-x"),
      ChildKey("dong-nai", "dong-nai-xa-a")};
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{
                      ChildKey("dong", "dong-x"), ChildKey("dong-nai", "dong-nai-so-y-te"),
                      ChildKey("dong-nai", "dong-nai-xa-a"), ChildKey("dong-nai", "dong-nai-xa-b"),
                      ChildKey("dong-nai-so-y-te", "dong-nai-so-y-te-phong-a")}));
  // Only dong-nai's own children are under its prefix, not those of an
  // agency whose id extends it.
  EXPECT_TRUE(StartsWith(ChildKey("dong-nai", "dong-nai-xa-a"), ChildPrefix("dong-nai")));
  EXPECT_FALSE(StartsWith(ChildKey("dong-nai-so-y-te", "x"), ChildPrefix("dong-nai")));
  EXPECT_EQ(SecondStringOf(ChildKey("dong-nai", "dong-nai-xa-a")), "dong-nai-xa-a");
  EXPECT_EQ(SecondStringOf(ReferenceKey("agencies/a", "plans/p")), "plans/p");
}

TEST(RegistrySchemaTest, APlansTasksAreOnePrefix) {
  EXPECT_TRUE(StartsWith(TaskKey("kh-1", "1.2"), TaskPrefix("kh-1")));
  EXPECT_FALSE(StartsWith(TaskKey("kh-10", "1"), TaskPrefix("kh-1")));
  EXPECT_LT(TaskKey("kh-1", "9"), TaskKey("kh-10", "1"));
}

TEST(RegistrySchemaTest, AgencyIdPrefixStartsWhereThoseIdsAre) {
  std::string start = ResourceIdPrefixStart(kTagAgency, "dong");
  EXPECT_LE(start, AgencyKey("dong"));
  EXPECT_TRUE(StartsWith(AgencyKey("dong-nai"), start));
  EXPECT_GT(start, AgencyKey("don"));
  EXPECT_TRUE(StartsWith(AgencyKey("a"), TagPrefix(kTagAgency)));
}

TEST(RegistrySchemaTest, SessionsOrderByExpiryAndTheBoundSplitsThem) {
  absl::Time now = absl::FromUnixSeconds(1790000000);
  std::vector<std::string> keys = {
      SessionExpiryKey(now + absl::Seconds(1), "a"), SessionExpiryKey(absl::FromUnixSeconds(-5), "z"),
      SessionExpiryKey(now - absl::Seconds(1), "b"), SessionExpiryKey(now, "c"),
      SessionExpiryKey(absl::FromUnixSeconds(256), "d")};
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{
                      SessionExpiryKey(absl::FromUnixSeconds(-5), "z"),
                      SessionExpiryKey(absl::FromUnixSeconds(256), "d"),
                      SessionExpiryKey(now - absl::Seconds(1), "b"), SessionExpiryKey(now, "c"),
                      SessionExpiryKey(now + absl::Seconds(1), "a")}));
  // Ended sessions are the keys below the bound of now.
  EXPECT_LT(SessionExpiryKey(now - absl::Seconds(1), "zzz"), SessionExpiryBound(now));
  EXPECT_GE(SessionExpiryKey(now, ""), SessionExpiryBound(now));
  EXPECT_EQ(SessionExpiryTokenHashOf(SessionExpiryKey(now, "h")), "h");
  EXPECT_EQ(SecondStringOf(PersonSessionKey("lan", "h")), "h");
}

TEST(RegistrySchemaTest, ANewStoreIsStampedAndOneWrittenBeforeVersionsIsVersionOne) {
  storage::MemoryStore fresh;
  auto upgrade = storage::UpgradeLayout(&fresh, RegistryLayout());
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->found_version, 0);
  EXPECT_EQ(*fresh.Get(storage::kDefaultColumnFamily, "tonghop/layout"),
            std::optional<std::string>(absl::StrCat(kRegistryLayoutVersion)));

  storage::MemoryStore old;
  storage::WriteBatch batch;
  batch.Put(kPeopleColumnFamily, UserKey("lan"), "");
  ASSERT_TRUE(old.Write(batch).ok());
  upgrade = storage::UpgradeLayout(&old, RegistryLayout());
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->found_version, 1);
  EXPECT_EQ(*storage::RecordedLayoutVersion(old, RegistryLayout()), kRegistryLayoutVersion);
}

// A store written by the release before layout versions (only the column
// families, no record) opens, is stamped, and reads the same; a later
// release's migration then runs on it; the release before that refuses it.
TEST(RegistrySchemaTest, ADataDirectoryIsStampedMigratedAndRefusedByAnOlderRelease) {
  std::string dir = (std::filesystem::path(::testing::TempDir()) /
                     absl::StrCat("registry_schema_", ::testing::UnitTest::GetInstance()->random_seed()))
                        .string();
  std::filesystem::remove_all(dir);
  v1::Agency agency;
  agency.set_name("agencies/dong-nai");
  agency.set_display_name("Tỉnh Đồng Nai");
  {
    auto store = storage::OpenRocksDbStore(dir, RegistryColumnFamilies());
    ASSERT_TRUE(store.ok()) << store.status();
    storage::WriteBatch batch;
    batch.Put(kResourcesColumnFamily, AgencyKey("dong-nai"), agency.SerializeAsString());
    batch.Put(kIndexColumnFamily, ChildKey("", "dong-nai"), "");
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  {
    auto store = storage::OpenRocksDbStoreWithLayout(dir, RegistryLayout());
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(*storage::RecordedLayoutVersion(**store, RegistryLayout()), 1);
    EXPECT_EQ(*(*store)->Get(kResourcesColumnFamily, AgencyKey("dong-nai")),
              std::optional<std::string>(agency.SerializeAsString()));
  }
  // A release at version 2 that, say, indexes agencies by display name.
  storage::StoreLayout next = RegistryLayout();
  next.version = kRegistryLayoutVersion + 1;
  next.migrations.push_back(
      {kRegistryLayoutVersion, "index agencies by display name",
       [](const storage::KvReader& store) -> absl::StatusOr<storage::WriteBatch> {
         storage::WriteBatch batch;
         absl::Status status = store.Scan(
             kResourcesColumnFamily, TagPrefix(kTagAgency), storage::PrefixEnd(TagPrefix(kTagAgency)),
             [&](absl::string_view, absl::string_view value) {
               v1::Agency a;
               if (!a.ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
               batch.Put(kIndexColumnFamily,
                         storage::KeyBuilder(12).String(a.display_name()).String(a.name()).Build(),
                         "");
               return true;
             });
         if (!status.ok()) return status;
         return batch;
       }});
  {
    auto store = storage::OpenRocksDbStoreWithLayout(dir, next);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(*storage::RecordedLayoutVersion(**store, next), kRegistryLayoutVersion + 1);
    auto indexed = (*store)->ScanPrefix(kIndexColumnFamily, TagPrefix(12), 10);
    ASSERT_TRUE(indexed.ok());
    ASSERT_EQ(indexed->size(), 1u);
    EXPECT_EQ((*indexed)[0].key,
              storage::KeyBuilder(12).String("Tỉnh Đồng Nai").String("agencies/dong-nai").Build());
  }
  auto refused = storage::OpenRocksDbStoreWithLayout(dir, RegistryLayout());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("storage registry: the store has layout version 2"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tonghop::registry
