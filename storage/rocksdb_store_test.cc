#include "storage/rocksdb_store.h"

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "storage/key_encoding.h"
#include "storage/memory_store.h"

namespace tonghop::storage {
namespace {

std::string TempDir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "kvXXXXXX").string();
  char *dir = mkdtemp(tmpl.data());
  EXPECT_NE(dir, nullptr);
  return tmpl;
}

// The same contract tests run against both implementations.
class KvStoreContractTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      dir_ = TempDir();
      auto store = OpenRocksDbStore(dir_, {"a", "b"});
      ASSERT_TRUE(store.ok()) << store.status();
      store_ = std::move(*store);
    } else {
      store_ = std::make_unique<MemoryStore>();
    }
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string dir_;
  std::unique_ptr<KvStore> store_;
};

TEST_P(KvStoreContractTest, BatchIsAtomicAcrossColumnFamilies) {
  WriteBatch batch;
  batch.Put("a", "k1", "v1");
  batch.Put("b", "k1", "w1");
  batch.Put("a", "k2", "v2");
  batch.Delete("a", "k2");
  ASSERT_TRUE(store_->Write(batch).ok());
  EXPECT_EQ(*store_->Get("a", "k1"), "v1");
  EXPECT_EQ(*store_->Get("b", "k1"), "w1");
  EXPECT_FALSE(store_->Get("a", "k2")->has_value());
}

TEST_P(KvStoreContractTest, ScanPrefixReturnsChildrenInOrder) {
  WriteBatch batch;
  for (const char *child : {"c", "a", "b"}) {
    batch.Put("a", KeyBuilder(1).String("parent").String(child).Build(), child);
  }
  batch.Put("a", KeyBuilder(1).String("parent-2").String("x").Build(), "x");
  batch.Put("a", KeyBuilder(2).String("parent").Build(), "other tag");
  ASSERT_TRUE(store_->Write(batch).ok());
  auto rows =
      store_->ScanPrefix("a", KeyBuilder(1).String("parent").Build(), 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].value, "a");
  EXPECT_EQ((*rows)[1].value, "b");
  EXPECT_EQ((*rows)[2].value, "c");
  auto limited =
      store_->ScanPrefix("a", KeyBuilder(1).String("parent").Build(), 2);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Stores, KvStoreContractTest, ::testing::Bool(),
                         [](const auto &info) {
                           return info.param ? "RocksDb" : "Memory";
                         });

TEST_P(KvStoreContractTest, SnapshotIgnoresLaterWrites) {
  WriteBatch before;
  before.Put("a", "k1", "old");
  before.Put("a", "k2", "kept");
  ASSERT_TRUE(store_->Write(before).ok());
  std::unique_ptr<KvReader> snapshot = store_->Snapshot();
  WriteBatch after;
  after.Put("a", "k1", "new");
  after.Delete("a", "k2");
  after.Put("a", "k3", "added");
  ASSERT_TRUE(store_->Write(after).ok());

  EXPECT_EQ(**snapshot->Get("a", "k1"), "old");
  EXPECT_EQ(**snapshot->Get("a", "k2"), "kept");
  EXPECT_FALSE(snapshot->Get("a", "k3")->has_value());
  auto scanned = snapshot->ScanPrefix("a", "k", 10);
  ASSERT_TRUE(scanned.ok());
  ASSERT_EQ(scanned->size(), 2u);
  EXPECT_EQ((*scanned)[0].value, "old");
  // The store itself moved on.
  EXPECT_EQ(**store_->Get("a", "k1"), "new");
  EXPECT_FALSE(store_->Get("a", "k2")->has_value());
}

TEST(RocksDbStoreTest, DataSurvivesReopen) {
  std::string dir = TempDir();
  {
    auto store = OpenRocksDbStore(dir, {"a"});
    ASSERT_TRUE(store.ok());
    WriteBatch batch;
    batch.Put("a", "key", "value");
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  {
    auto store = OpenRocksDbStore(dir, {"a"});
    ASSERT_TRUE(store.ok());
    EXPECT_EQ(*(*store)->Get("a", "key"), "value");
  }
  std::filesystem::remove_all(dir);
}

TEST(RocksDbStoreTest, SecondOpenOfSameDirectoryFailsClearly) {
  std::string dir = TempDir();
  auto first = OpenRocksDbStore(dir, {"a"});
  ASSERT_TRUE(first.ok());
  auto second = OpenRocksDbStore(dir, {"a"});
  EXPECT_FALSE(second.ok());
  first->reset();
  std::filesystem::remove_all(dir);
}

TEST(RocksDbStoreTest, UnknownColumnFamilyIsAnError) {
  std::string dir = TempDir();
  auto store = OpenRocksDbStore(dir, {"a"});
  ASSERT_TRUE(store.ok());
  WriteBatch batch;
  batch.Put("nope", "k", "v");
  EXPECT_FALSE((*store)->Write(batch).ok());
  EXPECT_FALSE((*store)->Get("nope", "k").ok());
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tonghop::storage
