#ifndef TONGHOP_STORAGE_KV_STORE_H_
#define TONGHOP_STORAGE_KV_STORE_H_

// The small storage interface services depend on: an ordered key-value store
// with named column families and atomic, durable batches.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop::storage {

// A set of puts and deletes applied all together or not at all.
// Not thread-safe; build it in one thread, then hand it to KvStore::Write.
class WriteBatch {
 public:
  struct Op {
    std::string column_family;
    std::string key;
    std::optional<std::string> value;  // nullopt: delete
  };

  void Put(absl::string_view column_family, absl::string_view key,
           absl::string_view value) {
    ops_.push_back(
        {std::string(column_family), std::string(key), std::string(value)});
  }
  void Delete(absl::string_view column_family, absl::string_view key) {
    ops_.push_back(
        {std::string(column_family), std::string(key), std::nullopt});
  }
  const std::vector<Op> &ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }

 private:
  std::vector<Op> ops_;
};

// Storage errors caused by the condition of the disk carry this payload
// (absl::Status::SetPayload), valued kDiskFull or kDiskFailed, so that the
// services can say so to callers (see services/common/errors.h).
inline constexpr absl::string_view kStorageConditionPayload = "tonghop.storage/condition";
inline constexpr absl::string_view kDiskFull = "disk-full";
inline constexpr absl::string_view kDiskFailed = "disk-failed";

// What a store holds on disk and how its compactions go, for monitoring.
// Byte counts are RocksDB's own estimates.
struct StoreStats {
  uint64_t live_sst_bytes = 0;        // table files of the current version
  uint64_t memtable_bytes = 0;        // data not yet flushed to table files
  uint64_t wal_bytes = 0;             // write-ahead log files
  uint64_t estimated_keys = 0;
  uint64_t pending_compaction_bytes = 0;
  uint64_t running_compactions = 0;
  uint64_t compactions = 0;           // completed since the store opened
  uint64_t compaction_bytes_written = 0;
  double compaction_seconds = 0;
};

// One consistent copy of a store in a backup directory (see
// KvStore::Backup).
struct StoreBackup {
  uint32_t backup_id = 0;  // within the store's backup directory
  int64_t create_unix_seconds = 0;
  uint64_t bytes = 0;      // files of this backup, shared or not
  uint32_t files = 0;
  // Every write acknowledged before Backup() was called has a sequence
  // number at or below this one, and is in the backup.
  uint64_t sequence = 0;
};

struct KeyValue {
  std::string key;
  std::string value;
};

// Which incarnation of a store's data is being read: the id the store got
// when it was created, and a generation that grows each time it was opened
// without writes it had acknowledged (see RocksDbOptions::accept_data_loss).
// Positions derived from a store (e.g. a change-feed sequence number)
// compare only within one epoch.
struct StoreEpoch {
  std::string id;
  int64_t generation = 1;

  // "{id}:{generation}".
  std::string ToString() const;
  bool operator==(const StoreEpoch& other) const {
    return id == other.id && generation == other.generation;
  }
};

// Reading an ordered key-value store. Keys within a column family are
// ordered bytewise.
class KvReader {
 public:
  virtual ~KvReader() = default;

  // The value at `key`, or nullopt when absent. NOT_FOUND is never used for
  // an absent key; errors mean the store failed.
  virtual absl::StatusOr<std::optional<std::string>> Get(
      absl::string_view column_family, absl::string_view key) const = 0;

  // Calls `visit` for each entry with start <= key < end (end empty: no upper
  // bound), in key order, until it returns false. Sees one snapshot.
  virtual absl::Status Scan(
      absl::string_view column_family, absl::string_view start,
      absl::string_view end,
      const std::function<bool(absl::string_view key, absl::string_view value)>
          &visit) const = 0;

  // Convenience: up to `limit` entries of [start, end).
  absl::StatusOr<std::vector<KeyValue>> ScanRange(
      absl::string_view column_family, absl::string_view start,
      absl::string_view end, size_t limit) const;

  // Convenience: up to `limit` entries whose keys start with `prefix`.
  absl::StatusOr<std::vector<KeyValue>> ScanPrefix(
      absl::string_view column_family, absl::string_view prefix,
      size_t limit) const;
};

// A place in a store's sequence of writes, returned by WriteUnsynced and
// passed to AwaitDurable. Larger tickets are later writes.
using WriteTicket = uint64_t;

// An ordered key-value store. Thread-safe: reads may run concurrently with
// each other and with writes; each read sees a consistent snapshot. A Write()
// that returns OK is durable (synced) and atomic across column families.
class KvStore : public KvReader {
 public:
  // Applies the batch atomically and durably (synced before returning).
  virtual absl::Status Write(const WriteBatch &batch) = 0;

  // Group commit, for writers that must apply their batches one after
  // another (each reads what the previous one wrote) but need not wait for
  // the disk one after another. WriteUnsynced applies the batch atomically
  // and makes it visible to reads at once; it survives a killed process (it
  // is in the operating system's buffers) but not a machine that loses
  // power until AwaitDurable(ticket) has returned OK. AwaitDurable returns
  // once every write up to the ticket is synced: one sync serves every
  // writer waiting meanwhile. Acknowledge nothing that depends on the batch
  // before then. The defaults write synced and wait for nothing.
  virtual absl::StatusOr<WriteTicket> WriteUnsynced(const WriteBatch &batch) {
    absl::Status written = Write(batch);
    if (!written.ok()) return written;
    return WriteTicket{0};
  }
  virtual absl::Status AwaitDurable(WriteTicket /*ticket*/) { return absl::OkStatus(); }

  // A read-only view of the whole store as it is now: every read through it
  // sees the same state, whatever is written afterwards, so several reads
  // can be combined without locking writers out. Thread-safe; it must not
  // outlive the store.
  virtual std::unique_ptr<KvReader> Snapshot() const = 0;

  // The store's epoch; fixed while it is open.
  virtual StoreEpoch epoch() const = 0;

  // Adds a consistent copy of the store, as it is now, to `backup_dir` (a
  // directory of this store's backups, created when missing; files shared
  // with earlier backups there are not copied again) while writes go on.
  // `label` is kept with it. One backup at a time per directory.
  // UNIMPLEMENTED for stores that cannot (the memory store).
  virtual absl::StatusOr<StoreBackup> Backup(const std::string &backup_dir,
                                             const std::string &label) const;

  // Storage statistics, all zero for stores that keep none.
  virtual StoreStats Stats() const { return {}; }
};

}  // namespace tonghop::storage

#endif  // TONGHOP_STORAGE_KV_STORE_H_
