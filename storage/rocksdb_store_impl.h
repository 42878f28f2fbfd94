#ifndef TONGHOP_STORAGE_ROCKSDB_STORE_IMPL_H_
#define TONGHOP_STORAGE_ROCKSDB_STORE_IMPL_H_

// The pieces of the RocksDB store that live beside the database: its info
// log, the mark of the last acknowledged write, the record of accepted data
// losses and the free space of its disk. Used by rocksdb_store.cc only.

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"

namespace tonghop::storage::internal {

// RocksDB's info LOG (DIR/LOG, the previous one kept as DIR/LOG.old),
// written with stdio and never failing: RocksDB 7.8's own logger aborts the
// process (an assertion in WritableFileWriter) once a write to its LOG has
// failed, which is the first thing a full disk does. Lines that cannot be
// written are dropped. Thread-safe.
class InfoLogger final : public rocksdb::Logger {
 public:
  explicit InfoLogger(const std::string& dir);
  ~InfoLogger() override;

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override;

 private:
  void Rotate() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::string path_;
  absl::Mutex mu_;
  FILE* file_ ABSL_GUARDED_BY(mu_) = nullptr;
  uint64_t written_ ABSL_GUARDED_BY(mu_) = 0;
};

// The RocksDB sequence number of the last write acknowledged to a caller,
// in DIR/tonghop-acknowledged. Advanced with a plain write after each
// acknowledged write: the page cache keeps it across a killed process, and
// it is synced by Sync() (the store's monitor, and closing). It is only
// ever behind what the log holds, so a recovery that ends before it has
// lost acknowledged writes. Thread-safe.
class AcknowledgedMark {
 public:
  // Opens (creating) the file; `value()` is what it held (nullopt when it
  // is new or unreadable; `unreadable()` tells which).
  static absl::StatusOr<std::unique_ptr<AcknowledgedMark>> Open(const std::string& dir);
  ~AcknowledgedMark();

  std::optional<uint64_t> value() const;
  bool unreadable() const { return unreadable_; }
  // Raises the mark to `sequence` (no-op when it is lower).
  void Advance(uint64_t sequence);
  // Sets the mark, down if need be, and syncs it (after an accepted loss).
  absl::Status Reset(uint64_t sequence);
  // Syncs the mark when it moved since the last sync.
  void Sync();

 private:
  AcknowledgedMark(int fd, std::optional<uint64_t> value, bool unreadable)
      : fd_(fd), value_(value), unreadable_(unreadable) {}
  absl::Status WriteLocked(uint64_t sequence) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  int fd_;
  mutable absl::Mutex mu_;
  std::optional<uint64_t> value_ ABSL_GUARDED_BY(mu_);
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;
  const bool unreadable_;
};

// Appends `text` to DIR/tonghop-data-loss.log and syncs it.
absl::Status RecordDataLoss(const std::string& dir, const std::string& text);

// Copies every write-ahead log file (*.log) of the database in `dir` to a
// new directory beside them, damaged-{UTC time}; returns its path.
absl::StatusOr<std::string> KeepDamagedLogs(const std::string& dir);

struct DiskSpace {
  uint64_t free_bytes = 0;
  uint64_t capacity_bytes = 0;
};
// The space of the file system holding `path` (as an unprivileged process
// may use it).
absl::StatusOr<DiskSpace> MeasureDiskSpace(const std::string& path);

// "1.5 GiB", "812.0 MiB", "4096 B" (for logs).
std::string FormatBytes(uint64_t bytes);

}  // namespace tonghop::storage::internal

#endif  // TONGHOP_STORAGE_ROCKSDB_STORE_IMPL_H_
