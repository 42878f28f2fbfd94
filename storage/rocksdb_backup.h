#ifndef TONGHOP_STORAGE_ROCKSDB_BACKUP_H_
#define TONGHOP_STORAGE_ROCKSDB_BACKUP_H_

// Backups of RocksDB stores with RocksDB's BackupEngine, and the statistics
// the stores report. The store (rocksdb_store.cc) calls the first two on its
// open database; restoring works on directories alone, before any store is
// open.
//
// A store's backup directory holds any number of backups of that one store
// (meta/, shared_checksum/, private/ in BackupEngine's layout). Table files
// are shared between backups, so a later backup copies only what is new;
// every file carries a checksum that VerifyRocksDbBackup checks.
//
// The functions are thread-safe for distinct directories; one backup or
// restore at a time per backup directory.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/kv_store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
}  // namespace rocksdb

namespace tonghop::storage {

// Adds a backup of `db` (as it is when called, including its write-ahead
// log, while writes go on) to `backup_dir`, then verifies the checksums of
// what it wrote.
absl::StatusOr<StoreBackup> BackupRocksDb(rocksdb::DB& db, const std::string& backup_dir,
                                          const std::string& label);

// Checks that backup `backup_id` of `backup_dir` is whole: every file
// present, of its size and checksum. DATA_LOSS names what is wrong.
absl::Status VerifyRocksDbBackup(const std::string& backup_dir, uint32_t backup_id);

// The label of backup `backup_id` (what BackupRocksDb was given).
absl::StatusOr<std::string> RocksDbBackupLabel(const std::string& backup_dir,
                                               uint32_t backup_id);

// Writes the database of backup `backup_id` of `backup_dir` into `db_dir`,
// which must not exist or be empty, after verifying it.
absl::Status RestoreRocksDbBackup(const std::string& backup_dir, uint32_t backup_id,
                                  const std::string& db_dir);

// Sizes and compaction statistics of `db` over the column families
// `handles`.
StoreStats RocksDbStats(rocksdb::DB& db,
                        const std::vector<rocksdb::ColumnFamilyHandle*>& handles);

}  // namespace tonghop::storage

#endif  // TONGHOP_STORAGE_ROCKSDB_BACKUP_H_
