#ifndef TONGHOP_SERVICES_SERVER_INSTANCE_BACKUP_H_
#define TONGHOP_SERVICES_SERVER_INSTANCE_BACKUP_H_

// Backups of the stores one tonghopd hosts, and restoring them into a new
// data directory (docs/operations.md, "Backup" and "Restore").
//
// A backup directory holds:
//   tonghop-backup.json   the manifest (v1::BackupManifest as JSON): every
//                         complete instance backup, oldest first
//   tonghop-backup.lock   held while a backup or restore runs
//   {store}/              RocksDB BackupEngine's backups of that store
//                         (files shared between backups, with checksums)
//
// An instance backup copies the stores one after the other, each as one
// consistent point taken after the backup started; the derived stores first
// (the roll-ups), then their sources (the change feed, then the registry),
// so that a restored instance holds no roll-up of a change its feed lacks:
// the roll-ups resume from their position and catch up. It is recorded in
// the manifest only when every store's copy is written and verified.
//
// Thread-safe: one backup or restore at a time per directory, across
// processes (the lock file); another one is refused with ABORTED.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/clock.h"
#include "services/common/service_module.h"
#include "tonghop/v1/operations_service.pb.h"

namespace tonghop {

inline constexpr char kBackupManifestFile[] = "tonghop-backup.json";

// Backs up `stores`, in this order, into `directory` (absolute; created
// when missing; never inside `data_dir`). `data_dir` is where the stores
// live: stores found there and not in `stores` are listed as not hosted.
absl::StatusOr<v1::BackupInstanceResponse> BackUpInstance(const std::vector<NamedStore>& stores,
                                                         const std::string& data_dir,
                                                         const std::string& directory,
                                                         const Clock& clock);

// Restores instance backup `backup_id` (0: the latest) of `directory` into
// `data_dir`, which must not exist or be empty: verifies every store's
// copy (files, sizes, checksums) before writing any, and removes what it
// wrote when it fails. Returns the backup restored.
absl::StatusOr<v1::BackupInstanceResponse> RestoreInstance(const std::string& directory,
                                                          int64_t backup_id,
                                                          const std::string& data_dir);

// The manifest of `directory` (empty when there is none yet).
absl::StatusOr<v1::BackupManifest> ReadBackupManifest(const std::string& directory);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_SERVER_INSTANCE_BACKUP_H_
