#include "storage/rocksdb_backup.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "storage/memory_store.h"
#include "storage/rocksdb_store.h"

namespace tonghop::storage {
namespace {

namespace fs = std::filesystem;

class RocksDbBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "backupXXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Path(const std::string& name) const { return (fs::path(root_) / name).string(); }

  static std::string Key(int i) { return absl::StrFormat("k%08d", i); }

  std::string root_;
};

TEST_F(RocksDbBackupTest, RestoresEveryWriteAcknowledgedBeforeTheBackupWhileWritesGoOn) {
  auto store = OpenRocksDbStore(Path("db"), {"a"});
  ASSERT_TRUE(store.ok()) << store.status();
  // A writer keeps writing; `acknowledged` is the last key whose write
  // returned before the backup started.
  std::atomic<int> written{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      WriteBatch batch;
      batch.Put("a", Key(i), std::string(100, 'v'));
      if (!(*store)->Write(batch).ok()) return;
      written.store(i + 1);
    }
  });
  while (written.load() < 2000) std::this_thread::yield();
  int acknowledged = written.load();
  auto backup = (*store)->Backup(Path("backup"), "label-1");
  ASSERT_TRUE(backup.ok()) << backup.status();
  stop.store(true);
  writer.join();
  EXPECT_EQ(backup->backup_id, 1u);
  EXPECT_GT(backup->bytes, 0u);
  EXPECT_GE(backup->sequence, static_cast<uint64_t>(acknowledged));

  ASSERT_TRUE(VerifyRocksDbBackup(Path("backup"), backup->backup_id).ok());
  auto label = RocksDbBackupLabel(Path("backup"), backup->backup_id);
  ASSERT_TRUE(label.ok());
  EXPECT_EQ(*label, "label-1");
  ASSERT_TRUE(RestoreRocksDbBackup(Path("backup"), backup->backup_id, Path("restored")).ok());
  auto restored = OpenRocksDbStore(Path("restored"), {"a"});
  ASSERT_TRUE(restored.ok()) << restored.status();
  for (int i = 0; i < acknowledged; ++i) {
    auto value = (*restored)->Get("a", Key(i));
    ASSERT_TRUE(value.ok());
    ASSERT_TRUE(value->has_value()) << "acknowledged write " << i << " is missing";
  }
  // Nothing the restored copy holds is a write that never happened, and it
  // holds no gap: keys 0..n-1 for some n.
  int count = 0;
  ASSERT_TRUE((*restored)
                  ->Scan("a", "", "",
                         [&](absl::string_view key, absl::string_view) {
                           EXPECT_EQ(key, Key(count));
                           ++count;
                           return true;
                         })
                  .ok());
  EXPECT_GE(count, acknowledged);
  EXPECT_LE(count, written.load());
}

TEST_F(RocksDbBackupTest, LaterBackupsShareFilesAndEachRestores) {
  auto store = OpenRocksDbStore(Path("db"), {"a"});
  ASSERT_TRUE(store.ok());
  WriteBatch first;
  first.Put("a", "x", "1");
  ASSERT_TRUE((*store)->Write(first).ok());
  auto one = (*store)->Backup(Path("backup"), "");
  ASSERT_TRUE(one.ok()) << one.status();
  WriteBatch second;
  second.Put("a", "x", "2");
  ASSERT_TRUE((*store)->Write(second).ok());
  auto two = (*store)->Backup(Path("backup"), "");
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->backup_id, one->backup_id + 1);
  ASSERT_TRUE(RestoreRocksDbBackup(Path("backup"), one->backup_id, Path("r1")).ok());
  ASSERT_TRUE(RestoreRocksDbBackup(Path("backup"), two->backup_id, Path("r2")).ok());
  auto r1 = OpenRocksDbStore(Path("r1"), {"a"});
  auto r2 = OpenRocksDbStore(Path("r2"), {"a"});
  ASSERT_TRUE(r1.ok() && r2.ok());
  EXPECT_EQ((*r1)->Get("a", "x")->value_or(""), "1");
  EXPECT_EQ((*r2)->Get("a", "x")->value_or(""), "2");
}

TEST_F(RocksDbBackupTest, ADamagedBackupIsRefused) {
  auto store = OpenRocksDbStore(Path("db"), {"a"});
  ASSERT_TRUE(store.ok());
  for (int i = 0; i < 100; ++i) {
    WriteBatch batch;
    batch.Put("a", Key(i), std::string(1000, 'v'));
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  auto backup = (*store)->Backup(Path("backup"), "");
  ASSERT_TRUE(backup.ok());
  // Flip one byte in the middle of every file of the backup's data.
  int damaged = 0;
  for (const auto& entry : fs::recursive_directory_iterator(Path("backup"))) {
    if (!entry.is_regular_file() || entry.path().parent_path().filename() == "meta") continue;
    if (entry.file_size() < 2) continue;
    std::fstream file(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(entry.file_size() / 2));
    char c = 0;
    file.get(c);
    file.seekp(static_cast<std::streamoff>(entry.file_size() / 2));
    file.put(static_cast<char>(c ^ 0x5a));
    ++damaged;
  }
  ASSERT_GT(damaged, 0);
  absl::Status verified = VerifyRocksDbBackup(Path("backup"), backup->backup_id);
  EXPECT_EQ(verified.code(), absl::StatusCode::kDataLoss) << verified;
  absl::Status restored = RestoreRocksDbBackup(Path("backup"), backup->backup_id, Path("r"));
  EXPECT_EQ(restored.code(), absl::StatusCode::kDataLoss) << restored;
}

TEST_F(RocksDbBackupTest, RestoreRefusesANonEmptyDirectory) {
  auto store = OpenRocksDbStore(Path("db"), {"a"});
  ASSERT_TRUE(store.ok());
  auto backup = (*store)->Backup(Path("backup"), "");
  ASSERT_TRUE(backup.ok());
  fs::create_directories(Path("r"));
  std::ofstream(Path("r/something")) << "x";
  absl::Status restored = RestoreRocksDbBackup(Path("backup"), backup->backup_id, Path("r"));
  EXPECT_EQ(restored.code(), absl::StatusCode::kFailedPrecondition) << restored;
  EXPECT_EQ(VerifyRocksDbBackup(Path("backup"), 7).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(VerifyRocksDbBackup(Path("nothing"), 1).code(), absl::StatusCode::kNotFound);
}

TEST_F(RocksDbBackupTest, StatsCountSizesAndCompactions) {
  auto store = OpenRocksDbStore(Path("db"), {"a", "b"});
  ASSERT_TRUE(store.ok());
  for (int i = 0; i < 500; ++i) {
    WriteBatch batch;
    batch.Put(i % 2 ? "a" : "b", Key(i), std::string(200, 'v'));
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  StoreStats stats = (*store)->Stats();
  EXPECT_GT(stats.memtable_bytes + stats.live_sst_bytes, 100u * 1000);
  EXPECT_GT(stats.wal_bytes, 100u * 1000);
  EXPECT_GT(stats.estimated_keys, 0u);
  // The memory store keeps none and cannot be backed up.
  MemoryStore memory;
  EXPECT_EQ(memory.Stats().estimated_keys, 0u);
  EXPECT_EQ(memory.Backup(Path("m"), "").status().code(), absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace tonghop::storage
