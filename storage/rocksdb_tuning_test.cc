#include "storage/rocksdb_tuning.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/rocksdb_store.h"

namespace tonghop::storage::internal {
namespace {

// A fresh directory named after the running test, removed at the end.
class TuningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::path(::testing::TempDir()) /
            absl::StrCat("tuning-", getpid(), "-",
                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<rocksdb::DB> Open(const StoreMemory& memory) {
    rocksdb::Options options = TunedOptions(memory, 0);
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    rocksdb::Status status = rocksdb::DB::Open(options, dir_, &db);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return std::unique_ptr<rocksdb::DB>(db);
  }

  // `count` roll-up-like records: long shared key prefixes, small values.
  static void Fill(rocksdb::DB& db, int count) {
    for (int i = 0; i < count; ++i) {
      std::string key = absl::StrFormat("agg/lg-ke-hoach-tai/2026-Q1/national/ind-%05d/%06d",
                                        i % 44, i);
      ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), key, absl::StrCat("sum=", i * 7, ";n=", i % 13))
                      .ok());
    }
  }

  // The compression of every table file, by name.
  static std::vector<std::string> Compressions(rocksdb::DB& db) {
    rocksdb::TablePropertiesCollection tables;
    EXPECT_TRUE(db.GetPropertiesOfAllTables(&tables).ok());
    std::vector<std::string> names;
    for (const auto& [file, properties] : tables) names.push_back(properties->compression_name);
    return names;
  }

  std::string dir_;
};

TEST_F(TuningTest, FlushesUseLz4AndTheLastLevelZstd) {
  std::unique_ptr<rocksdb::DB> db = Open(NewStoreMemory());
  ASSERT_NE(db, nullptr);
  Fill(*db, 20000);
  ASSERT_TRUE(db->Flush(rocksdb::FlushOptions()).ok());
  EXPECT_EQ(Compressions(*db), std::vector<std::string>{"LZ4"});

  // A manual compaction would move this lone file down as it is; force the
  // rewrite that RocksDB's own compactions do when the compression of the
  // output level differs from the file's.
  rocksdb::CompactRangeOptions rewrite;
  rewrite.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  ASSERT_TRUE(db->CompactRange(rewrite, nullptr, nullptr).ok());
  std::vector<std::string> compressed = Compressions(*db);
  ASSERT_FALSE(compressed.empty());
  for (const std::string& name : compressed) EXPECT_EQ(name, "ZSTD");
}

TEST_F(TuningTest, ColumnFamiliesShareOneBoundedCacheAndMemtableLimit) {
  StoreMemory memory = NewStoreMemory();
  EXPECT_EQ(memory.block_cache->GetCapacity(), kStoreBlockCacheBytes);
  rocksdb::Options options = TunedOptions(memory, 0);
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions(options)},
      {"busy", rocksdb::ColumnFamilyOptions(options)}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir_, families, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string value(100, 'x');
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[1], absl::StrCat("k", i), value).ok());
  }
  // The busy family's memtable is counted by the store's limit.
  uint64_t memtable = 0;
  ASSERT_TRUE(db->GetIntProperty(handles[1], "rocksdb.cur-size-all-mem-tables", &memtable));
  EXPECT_GT(memtable, 1u << 20);
  EXPECT_GE(memory.write_buffers->memory_usage(), memtable);
  // Both families report the store's cache.
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    uint64_t capacity = 0;
    ASSERT_TRUE(db->GetIntProperty(handle, "rocksdb.block-cache-capacity", &capacity));
    EXPECT_EQ(capacity, kStoreBlockCacheBytes);
  }
  // Reads go through it: a flushed table's blocks and index and filter
  // partitions are found there.
  ASSERT_TRUE(db->Flush(rocksdb::FlushOptions(), handles[1]).ok());
  std::string read;
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), handles[1], "k123", &read).ok());
  EXPECT_GT(memory.block_cache->GetUsage(), 0u);
  EXPECT_LE(memory.block_cache->GetUsage(), kStoreBlockCacheBytes);
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
}

TEST_F(TuningTest, EveryColumnFamilyOfAStoreIsOpenedTuned) {
  {
    auto store = OpenRocksDbStore(dir_, {"a", "b"});
    ASSERT_TRUE(store.ok()) << store.status();
  }
  std::string options_text;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().filename().string().rfind("OPTIONS-", 0) != 0) continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    options_text = text.str();
  }
  ASSERT_FALSE(options_text.empty());
  auto count = [&](const std::string& needle) {
    int n = 0;
    for (size_t at = options_text.find(needle); at != std::string::npos;
         at = options_text.find(needle, at + 1)) {
      ++n;
    }
    return n;
  };
  // The default column family and "a" and "b".
  EXPECT_EQ(count("\n  bottommost_compression=kZSTD\n"), 3);
  EXPECT_EQ(count("\n  compression=kLZ4Compression\n"), 3);
  EXPECT_EQ(count("\n  level_compaction_dynamic_level_bytes=true\n"), 3);
  EXPECT_EQ(count("\n  block_size=16384\n"), 3);
  EXPECT_EQ(count("\n  cache_index_and_filter_blocks=true\n"), 3);
  EXPECT_EQ(count("\n  partition_filters=true\n"), 3);
  EXPECT_EQ(count("\n  paranoid_file_checks=true\n"), 3);
  EXPECT_EQ(count("\n  paranoid_checks=true\n"), 1);
}

}  // namespace
}  // namespace tonghop::storage::internal
