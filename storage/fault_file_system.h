#ifndef TONGHOP_STORAGE_FAULT_FILE_SYSTEM_H_
#define TONGHOP_STORAGE_FAULT_FILE_SYSTEM_H_

// For tests: a RocksDB file system that behaves like the real one until
// told the disk is full, and counts the syncs of the write-ahead log. Pass
// it as RocksDbOptions::file_system.

#include <atomic>
#include <memory>
#include <string>

#include "rocksdb/file_system.h"

namespace tonghop::storage {

// Forwards everything to the operating system's file system, except that
// while it is "full", every write to a file (append, flush, sync,
// allocation) fails with ENOSPC as a full disk's would, and free space reads
// as zero. Files opened before it filled fail too, as on a real disk.
// SetTablesFull fails only the writes of table files (*.sst): the
// write-ahead log still takes a write, and the memtable flush after it hits
// the full disk, as when the last free megabytes go to the log.
// Thread-safe; SetFull and SetTablesFull may be called at any time from any
// thread.
class FaultInjectingFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  FaultInjectingFileSystem();

  void SetFull(bool full) { full_.store(full); }
  bool full() const { return full_.load(); }
  void SetTablesFull(bool full) { tables_full_.store(full); }
  // Whether a write to a table file (or to another file) is refused now.
  bool Refuses(bool table_file) const {
    return full_.load() || (table_file && tables_full_.load());
  }
  // Writes refused so far.
  int refused_writes() const { return refused_.load(); }
  // Syncs of write-ahead log files (*.log) so far.
  int log_syncs() const { return log_syncs_.load(); }
  void CountLogSync() { ++log_syncs_; }

  const char* Name() const override { return "TonghopFaultInjectingFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& name,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* free_bytes, rocksdb::IODebugContext* dbg) override;

  // The error a full disk gives.
  rocksdb::IOStatus Refuse();

 private:
  std::atomic<bool> full_{false};
  std::atomic<bool> tables_full_{false};
  std::atomic<int> refused_{0};
  std::atomic<int> log_syncs_{0};
};

}  // namespace tonghop::storage

#endif  // TONGHOP_STORAGE_FAULT_FILE_SYSTEM_H_
