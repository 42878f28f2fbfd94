#include "storage/rocksdb_store.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "storage/fault_file_system.h"
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

TEST_P(KvStoreContractTest, AnUnsyncedWriteIsReadAtOnceAndAwaitedInOrder) {
  WriteBatch first;
  first.Put("a", "k1", "one");
  absl::StatusOr<WriteTicket> one = store_->WriteUnsynced(first);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(**store_->Get("a", "k1"), "one");
  WriteBatch second;
  second.Put("b", "k2", "two");
  second.Delete("a", "k1");
  absl::StatusOr<WriteTicket> two = store_->WriteUnsynced(second);
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_GE(*two, *one);
  EXPECT_FALSE(store_->Get("a", "k1")->has_value());
  EXPECT_TRUE(store_->AwaitDurable(*two).ok());
  EXPECT_TRUE(store_->AwaitDurable(*one).ok());
  EXPECT_EQ(**store_->Get("b", "k2"), "two");
}

TEST(RocksDbStoreTest, OneSyncMakesEveryEarlierUnsyncedWriteDurable) {
  std::string dir = TempDir();
  auto file_system = std::make_shared<FaultInjectingFileSystem>();
  RocksDbOptions options;
  options.file_system = file_system;
  {
    auto store = OpenRocksDbStore(dir, {"a"}, options);
    ASSERT_TRUE(store.ok()) << store.status();
    std::vector<WriteTicket> tickets;
    for (int i = 0; i < 5; ++i) {
      WriteBatch batch;
      batch.Put("a", absl::StrCat("k", i), "v");
      absl::StatusOr<WriteTicket> ticket = (*store)->WriteUnsynced(batch);
      ASSERT_TRUE(ticket.ok()) << ticket.status();
      tickets.push_back(*ticket);
    }
    int syncs_before = file_system->log_syncs();
    ASSERT_TRUE((*store)->AwaitDurable(tickets.back()).ok());
    EXPECT_EQ(file_system->log_syncs(), syncs_before + 1);
    // The earlier writers find their writes synced by that one sync.
    for (WriteTicket ticket : tickets) ASSERT_TRUE((*store)->AwaitDurable(ticket).ok());
    EXPECT_EQ(file_system->log_syncs(), syncs_before + 1);
  }
  std::filesystem::remove_all(dir);
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

// ---- Damaged and lost logs ----

// The newest write-ahead log file of the database in `dir`.
std::string NewestLog(const std::string& dir) {
  std::string newest;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log" && entry.path().string() > newest) {
      newest = entry.path().string();
    }
  }
  return newest;
}

// What the directory holds at this moment, copied to `to`: with every write
// synced and none in flight, exactly what a kill -9 would leave.
void CrashImage(const std::string& from, const std::string& to) {
  std::filesystem::remove_all(to);
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

void FlipBytes(const std::string& path, uint64_t offset, int count) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  for (int i = 0; i < count; ++i) {
    file.seekg(offset + i);
    char c = 0;
    file.get(c);
    file.seekp(offset + i);
    file.put(static_cast<char>(c ^ 0x5a));
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class RocksDbRecoveryTest : public ::testing::Test {
 protected:
  RocksDbRecoveryTest() : live_(TempDir()), crashed_(TempDir()) {}
  ~RocksDbRecoveryTest() override {
    store_.reset();
    std::filesystem::remove_all(live_);
    std::filesystem::remove_all(crashed_);
  }

  // Acknowledged writes k000 … k{count-1}, alternating between two column
  // families.
  void WriteKeys(int from, int count, size_t value_bytes = 100) {
    if (store_ == nullptr) {
      auto store = OpenRocksDbStore(live_, {"a", "b"}, Named("submissions"));
      ASSERT_TRUE(store.ok()) << store.status();
      store_ = *std::move(store);
    }
    for (int i = from; i < from + count; ++i) {
      WriteBatch batch;
      batch.Put(i % 2 == 0 ? "a" : "b", Key(i), std::string(value_bytes, 'v'));
      ASSERT_TRUE(store_->Write(batch).ok());
    }
  }
  static std::string Key(int i) { return absl::StrCat("k", 1000 + i); }
  static RocksDbOptions Named(const std::string& name) {
    RocksDbOptions options;
    options.name = name;
    return options;
  }
  int CountKeys(KvStore& store) {
    int count = 0;
    for (const char* cf : {"a", "b"}) {
      EXPECT_TRUE(store
                      .Scan(cf, "", "",
                            [&](absl::string_view, absl::string_view) {
                              ++count;
                              return true;
                            })
                      .ok());
    }
    return count;
  }

  std::string live_;
  std::string crashed_;
  std::unique_ptr<KvStore> store_;
};

TEST_F(RocksDbRecoveryTest, ATornLastRecordThatWasNeverAcknowledgedIsTolerated) {
  WriteKeys(0, 200);
  CrashImage(live_, crashed_);
  // The process dies while writing one more (large) record: it reaches the
  // log but is cut by the crash, and was never acknowledged.
  WriteKeys(200, 1, 20000);
  std::string log = NewestLog(live_);
  std::string torn = (std::filesystem::path(crashed_) / std::filesystem::path(log).filename())
                         .string();
  std::filesystem::copy_file(log, torn, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::resize_file(torn, std::filesystem::file_size(torn) - 9000);

  auto reopened = OpenRocksDbStore(crashed_, {"a", "b"}, Named("submissions"));
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(CountKeys(**reopened), 200);
  EXPECT_EQ((*reopened)->epoch().generation, 1);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(crashed_) / "tonghop-data-loss.log"));
}

TEST_F(RocksDbRecoveryTest, ADamagedLogIsRefusedWithTheWayOut) {
  WriteKeys(0, 400);
  CrashImage(live_, crashed_);
  std::string log = NewestLog(crashed_);
  FlipBytes(log, std::filesystem::file_size(log) / 2, 16);

  auto refused = OpenRocksDbStore(crashed_, {"a", "b"}, Named("submissions"));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kDataLoss) << refused.status();
  std::string message(refused.status().message());
  EXPECT_NE(message.find("storage submissions"), std::string::npos) << message;
  EXPECT_NE(message.find("damaged"), std::string::npos) << message;
  EXPECT_NE(message.find("backup"), std::string::npos) << message;
  EXPECT_NE(message.find("--accept-data-loss"), std::string::npos) << message;
  // Refusing changed nothing: the damage is still there to refuse.
  EXPECT_EQ(OpenRocksDbStore(crashed_, {"a", "b"}, Named("submissions")).status().code(),
            absl::StatusCode::kDataLoss);

  RocksDbOptions accept = Named("submissions");
  accept.accept_data_loss = true;
  auto opened = OpenRocksDbStore(crashed_, {"a", "b"}, accept);
  ASSERT_TRUE(opened.ok()) << opened.status();
  int kept = CountKeys(**opened);
  EXPECT_GT(kept, 0);
  EXPECT_LT(kept, 400);
  EXPECT_EQ((*opened)->epoch().generation, 2);
  std::string record =
      ReadFile((std::filesystem::path(crashed_) / std::string(kDataLossFile)).string());
  EXPECT_NE(record.find("--accept-data-loss"), std::string::npos) << record;
  EXPECT_NE(record.find(absl::StrCat(400 - kept, " key writes")), std::string::npos) << record;
  EXPECT_NE(record.find("damaged-"), std::string::npos) << record;
  bool copied = false;
  for (const auto& entry : std::filesystem::directory_iterator(crashed_)) {
    if (entry.path().filename().string().rfind("damaged-", 0) == 0) {
      copied = !std::filesystem::is_empty(entry.path());
    }
  }
  EXPECT_TRUE(copied);
  // Written since, and reopened without the flag: the loss was accepted once.
  WriteBatch batch;
  batch.Put("a", "after", "x");
  ASSERT_TRUE((*opened)->Write(batch).ok());
  opened->reset();
  auto again = OpenRocksDbStore(crashed_, {"a", "b"}, Named("submissions"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(CountKeys(**again), kept + 1);
  EXPECT_EQ((*again)->epoch().generation, 2);
}

TEST_F(RocksDbRecoveryTest, ALogCutShortIsRefusedThoughNoChecksumFails) {
  WriteKeys(0, 400);
  CrashImage(live_, crashed_);
  std::string log = NewestLog(crashed_);
  std::filesystem::resize_file(log, std::filesystem::file_size(log) * 6 / 10);

  auto refused = OpenRocksDbStore(crashed_, {"a", "b"}, Named("submissions"));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kDataLoss) << refused.status();
  std::string message(refused.status().message());
  EXPECT_NE(message.find("before the last acknowledged write"), std::string::npos) << message;
  EXPECT_NE(message.find("--accept-data-loss"), std::string::npos) << message;

  RocksDbOptions accept = Named("submissions");
  accept.accept_data_loss = true;
  auto opened = OpenRocksDbStore(crashed_, {"a", "b"}, accept);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_LT(CountKeys(**opened), 400);
  EXPECT_EQ((*opened)->epoch().generation, 2);
}

// Keys k{from} … written with WriteUnsynced, then awaited or not.
void WriteUnsyncedKeys(KvStore& store, int from, int count, bool await) {
  WriteTicket last = 0;
  for (int i = from; i < from + count; ++i) {
    WriteBatch batch;
    batch.Put(i % 2 == 0 ? "a" : "b", absl::StrCat("k", 1000 + i), std::string(100, 'v'));
    absl::StatusOr<WriteTicket> ticket = store.WriteUnsynced(batch);
    ASSERT_TRUE(ticket.ok()) << ticket.status();
    last = *ticket;
  }
  if (await) {
    ASSERT_TRUE(store.AwaitDurable(last).ok());
  }
}

TEST_F(RocksDbRecoveryTest, AnUnsyncedWriteNobodyAwaitedMayBeLostWithoutRefusingTheOpen) {
  WriteKeys(0, 200);
  uint64_t acknowledged_bytes = std::filesystem::file_size(NewestLog(live_));
  WriteUnsyncedKeys(*store_, 200, 200, /*await=*/false);
  CrashImage(live_, crashed_);
  // What a machine losing power may leave: the log as it was last synced.
  std::filesystem::resize_file(NewestLog(crashed_), acknowledged_bytes);

  auto opened = OpenRocksDbStore(crashed_, {"a", "b"}, Named("submissions"));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(CountKeys(**opened), 200);
  EXPECT_EQ((*opened)->epoch().generation, 1);
}

TEST_F(RocksDbRecoveryTest, AnAwaitedUnsyncedWriteIsAcknowledgedAndItsLossRefusesTheOpen) {
  WriteKeys(0, 200);
  uint64_t acknowledged_bytes = std::filesystem::file_size(NewestLog(live_));
  WriteUnsyncedKeys(*store_, 200, 200, /*await=*/true);
  CrashImage(live_, crashed_);
  std::filesystem::resize_file(NewestLog(crashed_), acknowledged_bytes);

  auto refused = OpenRocksDbStore(crashed_, {"a", "b"}, Named("submissions"));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kDataLoss) << refused.status();
}

TEST_F(RocksDbRecoveryTest, ADerivedStoreOpensAtItsLastConsistentPointBySelf) {
  WriteKeys(0, 400);
  CrashImage(live_, crashed_);
  std::string log = NewestLog(crashed_);
  FlipBytes(log, std::filesystem::file_size(log) / 2, 16);
  RocksDbOptions derived = Named("aggregation");
  derived.contents = RocksDbOptions::Contents::kDerived;
  auto opened = OpenRocksDbStore(crashed_, {"a", "b"}, derived);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_LT(CountKeys(**opened), 400);
  EXPECT_EQ((*opened)->epoch().generation, 2);
  std::string record =
      ReadFile((std::filesystem::path(crashed_) / std::string(kDataLossFile)).string());
  EXPECT_NE(record.find("derived"), std::string::npos) << record;
}

TEST_F(RocksDbRecoveryTest, TheEpochIdStaysAcrossReopens) {
  WriteKeys(0, 3);
  StoreEpoch first = store_->epoch();
  EXPECT_FALSE(first.id.empty());
  EXPECT_EQ(first.generation, 1);
  store_.reset();
  auto reopened = OpenRocksDbStore(live_, {"a", "b"});
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->epoch(), first);
  auto other = OpenRocksDbStore(crashed_, {"a", "b"});
  ASSERT_TRUE(other.ok());
  EXPECT_NE((*other)->epoch().id, first.id);
}

// ---- A full disk ----

// Collects a store's conditions and lets a test wait for one.
class Conditions {
 public:
  std::function<void(const StoreCondition&)> Callback() {
    return [this](const StoreCondition& c) {
      absl::MutexLock lock(&mu_);
      seen_.push_back(c);
    };
  }
  // Waits (up to a minute, then fails) for a condition `wanted` accepts.
  bool WaitFor(const std::function<bool(const StoreCondition&)>& wanted) {
    absl::MutexLock lock(&mu_);
    auto any = [&] {
      for (const StoreCondition& c : seen_) {
        if (wanted(c)) return true;
      }
      return false;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&any), absl::Minutes(1));
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    seen_.clear();
  }

 private:
  absl::Mutex mu_;
  std::vector<StoreCondition> seen_ ABSL_GUARDED_BY(mu_);
};

RocksDbOptions FaultOptions(std::shared_ptr<FaultInjectingFileSystem> fs, Conditions& conditions) {
  RocksDbOptions options;
  options.name = "submissions";
  options.file_system = std::move(fs);
  options.on_condition = conditions.Callback();
  options.check_interval = absl::Milliseconds(20);
  options.write_buffer_bytes = 1 << 20;
  return options;
}

TEST(RocksDbFullDiskTest, WritesStopAndResumeWhileReadsGoOn) {
  std::string dir = TempDir();
  auto fs = std::make_shared<FaultInjectingFileSystem>();
  Conditions conditions;
  auto store = OpenRocksDbStore(dir, {"a"}, FaultOptions(fs, conditions));
  ASSERT_TRUE(store.ok()) << store.status();
  WriteBatch before;
  before.Put("a", "before", "kept");
  ASSERT_TRUE((*store)->Write(before).ok());

  fs->SetFull(true);
  WriteBatch during;
  during.Put("a", "during", "x");
  absl::Status refused = (*store)->Write(during);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_NE(refused.message().find("disk is full"), std::string::npos) << refused;
  EXPECT_NE(refused.message().find("submissions"), std::string::npos) << refused;
  EXPECT_GT(fs->refused_writes(), 0);
  // Later writes are refused the same way; reads go on.
  EXPECT_EQ((*store)->Write(during).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(*(*store)->Get("a", "before"), "kept");
  EXPECT_TRUE(conditions.WaitFor([](const StoreCondition& c) { return !c.writable; }));
  EXPECT_TRUE(conditions.WaitFor([](const StoreCondition& c) { return c.low_space; }));

  conditions.Clear();
  fs->SetFull(false);
  ASSERT_TRUE(conditions.WaitFor([](const StoreCondition& c) { return c.writable; }));
  ASSERT_TRUE((*store)->Write(during).ok());
  EXPECT_EQ(*(*store)->Get("a", "during"), "x");
  EXPECT_EQ(*(*store)->Get("a", "before"), "kept");
  store->reset();
  auto reopened = OpenRocksDbStore(dir, {"a"});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(*(*reopened)->Get("a", "during"), "x");
  reopened->reset();
  std::filesystem::remove_all(dir);
}

// The disk fills while a memtable is flushed, not while the log is written:
// RocksDB stops writes for the background error. Those writes are refused as
// a full disk (they were INTERNAL before, which the CLI took for a refusal
// of the report), and resume by themselves.
TEST(RocksDbFullDiskTest, AFlushOnAFullDiskStopsWritesAsAFullDiskAndTheyResume) {
  std::string dir = TempDir();
  auto fs = std::make_shared<FaultInjectingFileSystem>();
  Conditions conditions;
  auto store = OpenRocksDbStore(dir, {"a"}, FaultOptions(fs, conditions));
  ASSERT_TRUE(store.ok()) << store.status();
  fs->SetTablesFull(true);
  // 100 KiB a write; the 1 MiB write buffer is full after about ten, and
  // its flush fails. Writes go on into the log until RocksDB stops them.
  const std::string value(100 << 10, 'v');
  absl::Status refused;
  int acknowledged = 0;
  for (; acknowledged < 400; ++acknowledged) {
    WriteBatch batch;
    batch.Put("a", absl::StrCat("k", acknowledged), value);
    refused = (*store)->Write(batch);
    if (!refused.ok()) break;
  }
  ASSERT_FALSE(refused.ok()) << "400 writes of 100 KiB went through a failing flush";
  EXPECT_GT(acknowledged, 0);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_NE(refused.message().find("disk is full"), std::string::npos) << refused;
  EXPECT_TRUE(conditions.WaitFor([](const StoreCondition& c) { return !c.writable; }));
  // Every acknowledged write reads back while writes are stopped.
  for (int i = 0; i < acknowledged; ++i) {
    auto read = (*store)->Get("a", absl::StrCat("k", i));
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_TRUE(read->has_value()) << "k" << i;
  }

  conditions.Clear();
  fs->SetTablesFull(false);
  ASSERT_TRUE(conditions.WaitFor([](const StoreCondition& c) { return c.writable; }));
  WriteBatch after;
  after.Put("a", "after", "x");
  absl::Status resumed = (*store)->Write(after);
  ASSERT_TRUE(resumed.ok()) << resumed;
  store->reset();
  auto reopened = OpenRocksDbStore(dir, {"a"});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(*(*reopened)->Get("a", "after"), "x");
  EXPECT_TRUE((*(*reopened)->Get("a", absl::StrCat("k", acknowledged - 1))).has_value());
  reopened->reset();
  std::filesystem::remove_all(dir);
}

TEST(RocksDbFullDiskTest, AStoreOnAFullDiskOpensReadOnlyAndThenForWrites) {
  std::string dir = TempDir();
  {
    auto store = OpenRocksDbStore(dir, {"a"});
    ASSERT_TRUE(store.ok());
    WriteBatch batch;
    batch.Put("a", "k", "v");
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  auto fs = std::make_shared<FaultInjectingFileSystem>();
  fs->SetFull(true);
  Conditions conditions;
  auto store = OpenRocksDbStore(dir, {"a"}, FaultOptions(fs, conditions));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(*(*store)->Get("a", "k"), "v");
  WriteBatch batch;
  batch.Put("a", "k2", "v2");
  absl::Status refused = (*store)->Write(batch);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_NE(refused.message().find("read-only"), std::string::npos) << refused;
  EXPECT_TRUE(conditions.WaitFor([](const StoreCondition& c) { return !c.writable; }));

  fs->SetFull(false);
  ASSERT_TRUE(conditions.WaitFor([](const StoreCondition& c) { return c.writable; }));
  ASSERT_TRUE((*store)->Write(batch).ok());
  EXPECT_EQ(*(*store)->Get("a", "k2"), "v2");
  store->reset();
  std::filesystem::remove_all(dir);
}

TEST(RocksDbFullDiskTest, LowFreeSpaceIsReportedBeforeTheDiskIsFull) {
  std::string dir = TempDir();
  Conditions conditions;
  RocksDbOptions options;
  options.name = "registry";
  options.on_condition = conditions.Callback();
  options.check_interval = absl::Milliseconds(20);
  // More than any test machine has free.
  options.low_disk_warning.bytes = uint64_t{1} << 60;
  auto store = OpenRocksDbStore(dir, {"a"}, options);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(conditions.WaitFor(
      [](const StoreCondition& c) { return c.low_space && c.writable && c.free_bytes > 0; }));
  store->reset();
  std::filesystem::remove_all(dir);
}

TEST(DiskThresholdTest, ParsesPercentagesAndSizes) {
  EXPECT_DOUBLE_EQ(ParseDiskThreshold("10%")->fraction, 0.10);
  EXPECT_EQ(ParseDiskThreshold("2G")->bytes, uint64_t{2} << 30);
  EXPECT_EQ(ParseDiskThreshold("500M")->bytes, uint64_t{500} << 20);
  EXPECT_EQ(ParseDiskThreshold("4096")->bytes, 4096u);
  EXPECT_FALSE(ParseDiskThreshold("ten").ok());
  EXPECT_FALSE(ParseDiskThreshold("150%").ok());
  EXPECT_FALSE(ParseDiskThreshold("").ok());
}

}  // namespace
}  // namespace tonghop::storage
