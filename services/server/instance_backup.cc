#include "services/server/instance_backup.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/status_macros.h"
#include "services/common/timestamps.h"
#include "storage/rocksdb_backup.h"

namespace tonghop {
namespace {

namespace fs = std::filesystem;

constexpr char kLockFile[] = "tonghop-backup.lock";

// The label kept with each store's copy, tying it to its instance backup.
std::string StoreLabel(int64_t backup_id) {
  return absl::StrCat("tonghop instance backup ", backup_id);
}

// An exclusive lock on the directory's lock file, released when destroyed.
class DirectoryLock {
 public:
  static absl::StatusOr<DirectoryLock> Take(const std::string& directory) {
    std::string path = (fs::path(directory) / kLockFile).string();
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      close(fd);
      return absl::AbortedError(absl::StrCat("another backup or restore is using ", directory,
                                             "; try again when it is done"));
    }
    return DirectoryLock(fd);
  }
  DirectoryLock(DirectoryLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DirectoryLock& operator=(DirectoryLock&&) = delete;
  ~DirectoryLock() {
    if (fd_ >= 0) close(fd_);  // releases the lock
  }

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_;
};

absl::Status SyncPath(const std::string& path, int flags) {
  int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  int synced = fsync(fd);
  close(fd);
  if (synced != 0) {
    return absl::UnavailableError(absl::StrCat("cannot sync ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// Replaces the manifest atomically and durably.
absl::Status WriteManifest(const std::string& directory, const v1::BackupManifest& manifest) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(manifest, &json, options).ok()) {
    return absl::InternalError("cannot print the backup manifest");
  }
  std::string path = (fs::path(directory) / kBackupManifestFile).string();
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << json;
    out.close();
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", temporary));
  }
  RETURN_IF_ERROR(SyncPath(temporary, O_RDONLY));
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot write ", path, ": ", ec.message()));
  return SyncPath(directory, O_RDONLY | O_DIRECTORY);
}

// `path` made absolute and normal, following symbolic links where it exists.
std::string Canonical(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(path), ec);
  return ec ? fs::path(path).lexically_normal().string() : canonical.string();
}

bool Within(const std::string& inner, const std::string& outer) {
  std::string prefix = absl::EndsWith(outer, "/") ? outer : outer + "/";
  return inner == outer || absl::StartsWith(inner, prefix);
}

// Subdirectories of `data_dir` holding a RocksDB database.
std::vector<std::string> StoresIn(const std::string& data_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data_dir, ec)) {
    if (entry.is_directory(ec) && fs::exists(entry.path() / "CURRENT", ec)) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool EmptyOrMissing(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return true;
  return fs::is_directory(path, ec) && fs::is_empty(path, ec);
}

}  // namespace

absl::StatusOr<v1::BackupManifest> ReadBackupManifest(const std::string& directory) {
  std::string path = (fs::path(directory) / kBackupManifestFile).string();
  v1::BackupManifest manifest;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    manifest.set_format(1);
    return manifest;
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  if (!google::protobuf::util::JsonStringToMessage(text.str(), &manifest).ok()) {
    return absl::DataLossError(absl::StrCat("the backup manifest ", path, " is damaged"));
  }
  if (manifest.format() != 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " is of manifest format ", manifest.format(),
        "; this tonghopd reads format 1 (a newer tonghop wrote it?)"));
  }
  return manifest;
}

absl::StatusOr<v1::BackupInstanceResponse> BackUpInstance(const std::vector<NamedStore>& stores,
                                                         const std::string& data_dir,
                                                         const std::string& directory,
                                                         const Clock& clock) {
  if (directory.empty() || directory[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat(
        "directory: \"", directory,
        "\" is not an absolute path; name a directory on the server's machine, e.g. "
        "/var/backups/tonghop"));
  }
  const std::string target = Canonical(directory);
  const std::string data = Canonical(data_dir);
  if (Within(target, data) || Within(data, target)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "directory: ", directory, " and the data directory ", data_dir,
        " must not contain one another; keep backups apart from the data (ideally on another "
        "disk)"));
  }
  if (stores.empty()) {
    return absl::FailedPreconditionError("this server hosts no store to back up");
  }
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", directory, ": ", ec.message()));
  }
  ASSIGN_OR_RETURN(DirectoryLock lock, DirectoryLock::Take(directory));
  ASSIGN_OR_RETURN(v1::BackupManifest manifest, ReadBackupManifest(directory));
  int64_t id = 1;
  for (const auto& backup : manifest.backups()) id = std::max(id, backup.backup_id() + 1);

  v1::BackupInstanceResponse result;
  result.set_backup_id(id);
  result.set_directory(directory);
  *result.mutable_start_time() = ToTimestamp(clock.Now());
  for (const NamedStore& named : stores) {
    absl::StatusOr<storage::StoreBackup> copy =
        named.store->Backup((fs::path(directory) / named.name).string(), StoreLabel(id));
    if (!copy.ok()) {
      return absl::Status(copy.status().code(),
                          absl::StrCat("store ", named.name, ": ", copy.status().message()));
    }
    v1::StoreBackup& entry = *result.add_stores();
    entry.set_store(named.name);
    entry.set_store_backup_id(copy->backup_id);
    entry.set_sequence(copy->sequence);
    entry.set_size_bytes(copy->bytes);
    entry.set_files(copy->files);
    *entry.mutable_create_time() = ToTimestamp(absl::FromUnixSeconds(copy->create_unix_seconds));
  }
  for (const std::string& name : StoresIn(data_dir)) {
    bool hosted = std::any_of(stores.begin(), stores.end(),
                              [&](const NamedStore& s) { return s.name == name; });
    if (!hosted) result.add_stores_not_hosted(name);
  }
  *result.mutable_complete_time() = ToTimestamp(clock.Now());
  *manifest.add_backups() = result;
  manifest.set_format(1);
  RETURN_IF_ERROR(WriteManifest(directory, manifest));
  return result;
}

absl::StatusOr<v1::BackupInstanceResponse> RestoreInstance(const std::string& directory,
                                                          int64_t backup_id,
                                                          const std::string& data_dir) {
  if (!EmptyOrMissing(data_dir)) {
    return absl::FailedPreconditionError(
        absl::StrCat("--data-dir=", data_dir,
                     " is not empty: a backup is restored into a new, empty data directory "
                     "only (move the old one aside first)"));
  }
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    return absl::NotFoundError(absl::StrCat("no backup directory ", directory));
  }
  ASSIGN_OR_RETURN(DirectoryLock lock, DirectoryLock::Take(directory));
  ASSIGN_OR_RETURN(v1::BackupManifest manifest, ReadBackupManifest(directory));
  if (manifest.backups().empty()) {
    return absl::NotFoundError(absl::StrCat(directory, " holds no complete backup (no ",
                                            kBackupManifestFile, " entry)"));
  }
  const v1::BackupInstanceResponse* chosen = nullptr;
  std::vector<std::string> ids;
  for (const auto& backup : manifest.backups()) {
    ids.push_back(absl::StrCat(backup.backup_id()));
    if (backup_id == 0 || backup.backup_id() == backup_id) chosen = &backup;
  }
  if (chosen == nullptr) {
    return absl::NotFoundError(absl::StrCat(directory, " has no backup ", backup_id,
                                            "; it has ", absl::StrJoin(ids, ", ")));
  }
  // Everything is checked before anything is written.
  for (const v1::StoreBackup& store : chosen->stores()) {
    std::string store_dir = (fs::path(directory) / store.store()).string();
    RETURN_IF_ERROR(storage::VerifyRocksDbBackup(store_dir, store.store_backup_id()));
    ASSIGN_OR_RETURN(std::string label,
                     storage::RocksDbBackupLabel(store_dir, store.store_backup_id()));
    if (label != StoreLabel(chosen->backup_id())) {
      return absl::DataLossError(absl::StrCat(
          "store ", store.store(), ": its backup ", store.store_backup_id(), " in ", store_dir,
          " is labelled \"", label, "\", not \"", StoreLabel(chosen->backup_id()),
          "\": the manifest and the store's backups disagree"));
    }
  }
  std::vector<std::string> written;
  for (const v1::StoreBackup& store : chosen->stores()) {
    std::string target = (fs::path(data_dir) / store.store()).string();
    absl::Status restored = storage::RestoreRocksDbBackup(
        (fs::path(directory) / store.store()).string(), store.store_backup_id(), target);
    if (!restored.ok()) {
      for (const std::string& path : written) fs::remove_all(path, ec);
      fs::remove_all(target, ec);
      return absl::Status(restored.code(),
                          absl::StrCat("store ", store.store(), ": ", restored.message(),
                                       " (nothing was left in ", data_dir, ")"));
    }
    written.push_back(target);
  }
  return *chosen;
}

}  // namespace tonghop
