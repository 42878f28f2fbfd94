#include "storage/store_layout.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/memory_store.h"
#include "storage/rocksdb_store.h"

namespace tonghop::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr ColumnFamily kThings{"things"};

// A layout at version 3 whose values were once decimal text (version 1),
// then gained a suffix (version 2), then was replaced by its length (version 3).
StoreLayout ThingsLayout() {
  StoreLayout layout;
  layout.store = "things";
  layout.column_families = {kThings};
  layout.version = 3;
  layout.migrations.push_back(
      {1, "suffix values", [](const KvReader& store) -> absl::StatusOr<WriteBatch> {
         WriteBatch batch;
         absl::Status status = store.Scan(kThings, "", "", [&](absl::string_view k, absl::string_view v) {
           batch.Put(kThings, k, absl::StrCat(v, ";"));
           return true;
         });
         if (!status.ok()) return status;
         return batch;
       }});
  layout.migrations.push_back(
      {2, "values replaced by their lengths", [](const KvReader& store) -> absl::StatusOr<WriteBatch> {
         WriteBatch batch;
         absl::Status status = store.Scan(kThings, "", "", [&](absl::string_view k, absl::string_view v) {
           batch.Put(kThings, k, absl::StrCat("n", v.size()));
           return true;
         });
         if (!status.ok()) return status;
         return batch;
       }});
  return layout;
}

std::string Value(const KvStore& store, absl::string_view key) {
  return store.Get(kThings, key)->value_or("<absent>");
}

TEST(StoreLayoutTest, ANewStoreIsStampedWithTheCurrentVersion) {
  MemoryStore store;
  absl::StatusOr<LayoutUpgrade> upgrade = UpgradeLayout(&store, ThingsLayout());
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->found_version, 0);
  EXPECT_TRUE(upgrade->migrations.empty());
  EXPECT_EQ(*store.Get(kDefaultColumnFamily, "tonghop/layout"), std::optional<std::string>("3"));
  EXPECT_EQ(*RecordedLayoutVersion(store, ThingsLayout()), 3);
}

TEST(StoreLayoutTest, AStoreAtTheCurrentVersionIsNotWritten) {
  MemoryStore store;
  ASSERT_TRUE(UpgradeLayout(&store, ThingsLayout()).ok());
  int writes = store.write_count();
  ASSERT_TRUE(UpgradeLayout(&store, ThingsLayout()).ok());
  EXPECT_EQ(store.write_count(), writes);
}

TEST(StoreLayoutTest, DataWithoutARecordIsVersionOneAndIsMigratedInOrder) {
  MemoryStore store;
  WriteBatch old;
  old.Put(kThings, "a", "12");
  ASSERT_TRUE(store.Write(old).ok());
  absl::StatusOr<LayoutUpgrade> upgrade = UpgradeLayout(&store, ThingsLayout());
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->found_version, 1);
  EXPECT_THAT(upgrade->migrations, ElementsAre("suffix values", "values replaced by their lengths"));
  // "12" → "12;" → "n3": the second step saw the first one's result.
  EXPECT_EQ(Value(store, "a"), "n3");
  EXPECT_EQ(*RecordedLayoutVersion(store, ThingsLayout()), 3);
  // One write per step.
  EXPECT_EQ(store.write_count(), 3);
}

TEST(StoreLayoutTest, DataWithoutARecordAtVersionOneIsOnlyStamped) {
  MemoryStore store;
  WriteBatch old;
  old.Put(kThings, "a", "12");
  ASSERT_TRUE(store.Write(old).ok());
  StoreLayout layout = ThingsLayout();
  layout.version = 1;
  layout.migrations.clear();
  absl::StatusOr<LayoutUpgrade> upgrade = UpgradeLayout(&store, layout);
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->found_version, 1);
  EXPECT_EQ(*RecordedLayoutVersion(store, layout), 1);
  EXPECT_EQ(Value(store, "a"), "12");
}

TEST(StoreLayoutTest, AnInterruptedUpgradeStopsAtAVersionAndGoesOnFromThere) {
  MemoryStore store;
  WriteBatch old;
  old.Put(kThings, "a", "12");
  ASSERT_TRUE(store.Write(old).ok());
  StoreLayout failing = ThingsLayout();
  failing.migrations[1].changes = [](const KvReader&) -> absl::StatusOr<WriteBatch> {
    return absl::UnavailableError("interrupted");
  };
  absl::StatusOr<LayoutUpgrade> upgrade = UpgradeLayout(&store, failing);
  EXPECT_EQ(upgrade.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(upgrade.status().message(), HasSubstr("migrating layout version 2 to 3"));
  // The first step and its version were written together; nothing of the second.
  EXPECT_EQ(*RecordedLayoutVersion(store, failing), 2);
  EXPECT_EQ(Value(store, "a"), "12;");
  upgrade = UpgradeLayout(&store, ThingsLayout());
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->found_version, 2);
  EXPECT_THAT(upgrade->migrations, ElementsAre("values replaced by their lengths"));
  EXPECT_EQ(Value(store, "a"), "n3");
}

TEST(StoreLayoutTest, ANewerVersionIsRefusedAndNothingIsWritten) {
  MemoryStore store;
  WriteBatch newer;
  newer.Put(kDefaultColumnFamily, "tonghop/layout", "4");
  newer.Put(kThings, "a", "whatever version 4 means");
  ASSERT_TRUE(store.Write(newer).ok());
  int writes = store.write_count();
  absl::StatusOr<LayoutUpgrade> upgrade = UpgradeLayout(&store, ThingsLayout());
  EXPECT_EQ(upgrade.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(upgrade.status().message(), HasSubstr("storage things: the store has layout version 4"));
  EXPECT_THAT(upgrade.status().message(), HasSubstr("knows versions up to 3"));
  EXPECT_EQ(store.write_count(), writes);
  EXPECT_EQ(*RecordedLayoutVersion(store, ThingsLayout()), 4);
}

TEST(StoreLayoutTest, AnUnreadableRecordIsDataLoss) {
  MemoryStore store;
  WriteBatch bad;
  bad.Put(kDefaultColumnFamily, "tonghop/layout", "three");
  ASSERT_TRUE(store.Write(bad).ok());
  EXPECT_EQ(UpgradeLayout(&store, ThingsLayout()).status().code(), absl::StatusCode::kDataLoss);
}

TEST(StoreLayoutTest, AMissingMigrationIsRefused) {
  MemoryStore store;
  WriteBatch old;
  old.Put(kDefaultColumnFamily, "tonghop/layout", "1");
  ASSERT_TRUE(store.Write(old).ok());
  StoreLayout layout = ThingsLayout();
  layout.migrations.erase(layout.migrations.begin());
  absl::StatusOr<LayoutUpgrade> upgrade = UpgradeLayout(&store, layout);
  EXPECT_EQ(upgrade.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(upgrade.status().message(), HasSubstr("no migration from layout version 1"));
}

TEST(StoreLayoutTest, TheRecordCanLiveInAColumnFamilyOfTheStore) {
  MemoryStore store;
  StoreLayout layout = ThingsLayout();
  layout.version_column_family = kThings;
  layout.version_key = "F";
  ASSERT_TRUE(UpgradeLayout(&store, layout).ok());
  EXPECT_EQ(Value(store, "F"), "3");
  // Its own record is not data: the store still counts as new, at version 3.
  absl::StatusOr<LayoutUpgrade> again = UpgradeLayout(&store, layout);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->found_version, 3);
}

TEST(StoreLayoutTest, RocksDbStoresAreUpgradedWhenOpened) {
  std::string dir = (std::filesystem::path(::testing::TempDir()) /
                     absl::StrCat("store_layout_", ::testing::UnitTest::GetInstance()->random_seed()))
                        .string();
  std::filesystem::remove_all(dir);
  {
    auto store = OpenRocksDbStore(dir, std::vector<std::string>{"things"});
    ASSERT_TRUE(store.ok()) << store.status();
    WriteBatch old;
    old.Put(kThings, "a", "12");
    ASSERT_TRUE((*store)->Write(old).ok());
  }
  {
    auto store = OpenRocksDbStoreWithLayout(dir, ThingsLayout());
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(Value(**store, "a"), "n3");
  }
  StoreLayout older = ThingsLayout();
  older.version = 2;
  auto refused = OpenRocksDbStoreWithLayout(dir, older);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tonghop::storage
