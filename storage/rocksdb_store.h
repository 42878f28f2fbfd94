#ifndef TONGHOP_STORAGE_ROCKSDB_STORE_H_
#define TONGHOP_STORAGE_ROCKSDB_STORE_H_

// KvStore on RocksDB. One directory holds one database; each named column
// family is a RocksDB column family.
//
// What the store promises, and what it does when the disk fails it:
//
//  - A Write() that returned OK is in the write-ahead log and synced; so is
//    a WriteUnsynced() once AwaitDurable() on its ticket returned OK (one
//    SyncWAL for every write made before it: group commit). On
//    open, the log is replayed in RocksDB's kTolerateCorruptedTailRecords
//    mode: only an incomplete last record (a write that was never
//    acknowledged, torn by the crash) is tolerated; damage anywhere before
//    it fails the open. Besides, the store keeps the sequence number of the
//    last acknowledged write in a small file beside the database
//    (tonghop-acknowledged, written after every acknowledged write); a log
//    cut short loses no checksum, so the open compares what was recovered
//    with that mark. When acknowledged writes are missing, a store that
//    holds what clients were told is saved (kAcknowledged) refuses to open
//    with a message naming the store and the ways out, unless
//    `accept_data_loss` is set: then it opens at the last consistent point,
//    keeps a copy of the damaged log, records what was dropped in
//    tonghop-data-loss.log and on stderr, and starts a new generation of
//    its epoch. A store whose contents are derived from elsewhere
//    (kDerived) does this by itself and says so.
//  - A full disk stops writes, never the process: writes answer
//    RESOURCE_EXHAUSTED while reads go on, and RocksDB's error recovery
//    (with a check of our own every `check_interval`) resumes them when
//    space returns. A store that cannot open for writing because the disk
//    is full opens read-only and reopens for writing by itself once there
//    is room. Below `low_disk_warning` of free space it warns, once per
//    crossing. Every change of condition is logged and passed to
//    `on_condition`.
//  - RocksDB's paranoid checks are on, synced logs are tracked in the
//    MANIFEST, and RocksDB's own LOG is written by a logger that ignores
//    write errors (RocksDB 7.8's aborts when its LOG hits ENOSPC).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/kv_store.h"
#include "storage/store_layout.h"

namespace rocksdb {
class FileSystem;
}  // namespace rocksdb

namespace tonghop::storage {

// When free space counts as low: below `fraction` of the file system's
// capacity, or below `bytes` when that is set.
struct DiskThreshold {
  double fraction = 0.10;
  uint64_t bytes = 0;
};

// "10%", "2G", "500M", "1048576": a threshold of free space.
absl::StatusOr<DiskThreshold> ParseDiskThreshold(absl::string_view text);

// What a store's disk allows at one moment.
struct StoreCondition {
  std::string store;         // e.g. "submissions"
  std::string path;          // its directory
  bool writable = true;      // writes are accepted
  std::string reason;        // why not, when they are not
  bool low_space = false;    // free space is below the warning threshold
  uint64_t free_bytes = 0;
  uint64_t capacity_bytes = 0;
};

struct RocksDbOptions {
  // What the store holds, which decides what a damaged log does.
  enum class Contents {
    // Writes acknowledged to clients: missing ones refuse the open unless
    // `accept_data_loss`.
    kAcknowledged,
    // Data recomputed from elsewhere (the roll-ups, from the change feed):
    // open at the last consistent point and log what was dropped.
    kDerived,
  };

  // Sync the write-ahead log before acknowledging a write. Only benchmarks
  // measuring the unsynced limit turn this off (and lose the
  // acknowledged-write check with it).
  bool sync_writes = true;
  // The store's name in messages and conditions; default: the directory.
  std::string name;
  Contents contents = Contents::kAcknowledged;
  // Open without acknowledged writes the log no longer holds (the
  // operator's explicit choice, tonghopd --accept-data-loss).
  bool accept_data_loss = false;
  DiskThreshold low_disk_warning;
  // Called with the store's condition when it opens and whenever it
  // changes, from any of the store's threads; must not call the store.
  std::function<void(const StoreCondition&)> on_condition;
  // How often free space is measured and a stopped store tries to resume.
  absl::Duration check_interval = absl::Seconds(1);
  // Bytes of each column family's write buffer; 0 keeps the store's
  // default (32 MiB, storage/rocksdb_tuning.h). RocksDB resumes writes after
  // a full disk only once this much is free again.
  uint64_t write_buffer_bytes = 0;
  // The file system under the database; default: the operating system's.
  // Tests put a fault-injecting one here.
  std::shared_ptr<rocksdb::FileSystem> file_system;
};

// Opens (creating when missing) the database in `path` with exactly these
// column families. The returned store is thread-safe and owns the database;
// destroying it closes the database.
absl::StatusOr<std::unique_ptr<KvStore>> OpenRocksDbStore(
    const std::string& path, const std::vector<std::string>& column_families,
    RocksDbOptions options = {});

// Opens the database in `path` with the column families of `layout`, then
// brings it to the layout's version (UpgradeLayout: stamps a new store,
// migrates an older one, refuses a newer one). Every service opens its store
// this way.
absl::StatusOr<std::unique_ptr<KvStore>> OpenRocksDbStoreWithLayout(const std::string& path,
                                                                    const StoreLayout& layout,
                                                                    RocksDbOptions options = {});

// The file, in a store's directory, where accepted data losses are recorded.
inline constexpr absl::string_view kDataLossFile = "tonghop-data-loss.log";

}  // namespace tonghop::storage

#endif  // TONGHOP_STORAGE_ROCKSDB_STORE_H_
