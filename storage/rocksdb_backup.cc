#include "storage/rocksdb_backup.h"

#include <filesystem>
#include <map>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/utilities/backup_engine.h"

namespace tonghop::storage {
namespace {

absl::Status FromIo(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat("backup: ", what, ": ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsNoSpace()) return absl::ResourceExhaustedError(message);
  if (s.IsIOError()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenReadOnly(
    const std::string& backup_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(backup_dir, ec)) {
    return absl::NotFoundError(absl::StrCat("backup: no backup directory ", backup_dir));
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(
      rocksdb::BackupEngineOptions(backup_dir), rocksdb::Env::Default(), &raw);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  if (!s.ok()) return FromIo(s, absl::StrCat("open ", backup_dir));
  return engine;
}

// The column families' integer property `name`, added up.
uint64_t SumProperty(rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                     const std::string& name) {
  uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    uint64_t value = 0;
    if (db.GetIntProperty(handle, name, &value)) total += value;
  }
  return total;
}

double MapNumber(const std::map<std::string, std::string>& map, const std::string& key) {
  auto it = map.find(key);
  double value = 0;
  if (it == map.end() || !absl::SimpleAtod(it->second, &value)) return 0;
  return value;
}

}  // namespace

absl::StatusOr<StoreBackup> BackupRocksDb(rocksdb::DB& db, const std::string& backup_dir,
                                          const std::string& label) {
  std::error_code ec;
  std::filesystem::create_directories(backup_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("backup: cannot create ", backup_dir, ": ", ec.message()));
  }
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::IOStatus s =
      rocksdb::BackupEngine::Open(rocksdb::BackupEngineOptions(backup_dir), db.GetEnv(), &raw);
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  if (!s.ok()) return FromIo(s, absl::StrCat("open ", backup_dir));
  StoreBackup backup;
  // Taken first: every write acknowledged by now is synced in the log that
  // the backup copies.
  backup.sequence = db.GetLatestSequenceNumber();
  rocksdb::CreateBackupOptions options;
  options.flush_before_backup = false;
  rocksdb::BackupID id = 0;
  s = engine->CreateNewBackupWithMetadata(options, &db, label, &id);
  if (!s.ok()) return FromIo(s, absl::StrCat("back up into ", backup_dir));
  s = engine->VerifyBackup(id, /*verify_with_checksum=*/true);
  if (!s.ok()) return FromIo(s, absl::StrCat("verify backup ", id, " in ", backup_dir));
  rocksdb::BackupInfo info;
  rocksdb::Status got = engine->GetBackupInfo(id, &info);
  if (!got.ok()) return FromIo(got, absl::StrCat("read backup ", id, " in ", backup_dir));
  backup.backup_id = id;
  backup.create_unix_seconds = info.timestamp;
  backup.bytes = info.size;
  backup.files = info.number_files;
  return backup;
}

absl::Status VerifyRocksDbBackup(const std::string& backup_dir, uint32_t backup_id) {
  auto engine = OpenReadOnly(backup_dir);
  if (!engine.ok()) return engine.status();
  rocksdb::BackupInfo info;
  rocksdb::Status got = (*engine)->GetBackupInfo(backup_id, &info);
  if (!got.ok()) {
    return absl::DataLossError(absl::StrCat("backup: ", backup_dir, " has no whole backup ",
                                            backup_id, " (", got.ToString(), ")"));
  }
  rocksdb::IOStatus s = (*engine)->VerifyBackup(backup_id, /*verify_with_checksum=*/true);
  if (!s.ok()) {
    return absl::DataLossError(absl::StrCat("backup: backup ", backup_id, " in ", backup_dir,
                                            " is damaged: ", s.ToString()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RocksDbBackupLabel(const std::string& backup_dir,
                                               uint32_t backup_id) {
  auto engine = OpenReadOnly(backup_dir);
  if (!engine.ok()) return engine.status();
  rocksdb::BackupInfo info;
  rocksdb::Status got = (*engine)->GetBackupInfo(backup_id, &info);
  if (!got.ok()) return FromIo(got, absl::StrCat("read backup ", backup_id, " in ", backup_dir));
  return info.app_metadata;
}

absl::Status RestoreRocksDbBackup(const std::string& backup_dir, uint32_t backup_id,
                                  const std::string& db_dir) {
  std::error_code ec;
  if (std::filesystem::exists(db_dir, ec) && !std::filesystem::is_empty(db_dir, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("restore: ", db_dir, " is not empty; restore into a new directory"));
  }
  auto engine = OpenReadOnly(backup_dir);
  if (!engine.ok()) return engine.status();
  rocksdb::IOStatus s = (*engine)->VerifyBackup(backup_id, /*verify_with_checksum=*/true);
  if (!s.ok()) {
    return absl::DataLossError(absl::StrCat("restore: backup ", backup_id, " in ", backup_dir,
                                            " is damaged: ", s.ToString()));
  }
  std::filesystem::create_directories(db_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("restore: cannot create ", db_dir, ": ", ec.message()));
  }
  s = (*engine)->RestoreDBFromBackup(rocksdb::RestoreOptions(), backup_id, db_dir, db_dir);
  return FromIo(s, absl::StrCat("restore backup ", backup_id, " of ", backup_dir, " into ",
                                db_dir));
}

StoreStats RocksDbStats(rocksdb::DB& db,
                        const std::vector<rocksdb::ColumnFamilyHandle*>& handles) {
  StoreStats stats;
  stats.live_sst_bytes = SumProperty(db, handles, "rocksdb.live-sst-files-size");
  stats.memtable_bytes = SumProperty(db, handles, "rocksdb.cur-size-all-mem-tables");
  stats.estimated_keys = SumProperty(db, handles, "rocksdb.estimate-num-keys");
  stats.pending_compaction_bytes =
      SumProperty(db, handles, "rocksdb.estimate-pending-compaction-bytes");
  uint64_t running = 0;
  if (db.GetIntProperty("rocksdb.num-running-compactions", &running)) {
    stats.running_compactions = running;
  }
  // RocksDB counts memtable flushes as work of level 0; what it counts at
  // the other levels is compaction proper.
  double compactions = 0;
  double seconds = 0;
  double written_gb = 0;
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    std::map<std::string, std::string> cf;
    if (!db.GetMapProperty(handle, "rocksdb.cfstats", &cf)) continue;
    compactions += MapNumber(cf, "compaction.Sum.CompCount") -
                   MapNumber(cf, "compaction.L0.CompCount");
    seconds += MapNumber(cf, "compaction.Sum.CompSec") - MapNumber(cf, "compaction.L0.CompSec");
    written_gb +=
        MapNumber(cf, "compaction.Sum.WriteGB") - MapNumber(cf, "compaction.L0.WriteGB");
  }
  stats.compactions = compactions > 0 ? static_cast<uint64_t>(compactions + 0.5) : 0;
  stats.compaction_seconds = seconds > 0 ? seconds : 0;
  stats.compaction_bytes_written =
      written_gb > 0 ? static_cast<uint64_t>(written_gb * (1ull << 30)) : 0;
  rocksdb::VectorLogPtr logs;
  if (db.GetSortedWalFiles(logs).ok()) {
    for (const auto& log : logs) stats.wal_bytes += log->SizeFileBytes();
  }
  return stats;
}

}  // namespace tonghop::storage
