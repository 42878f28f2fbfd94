#include "storage/rocksdb_store_impl.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tonghop::storage::internal {
namespace {

constexpr char kMarkFile[] = "tonghop-acknowledged";
constexpr char kDataLossFileName[] = "tonghop-data-loss.log";
// The mark's format: the sequence, then its bitwise complement, both
// little-endian: a torn or zeroed file does not pass for a mark.
constexpr size_t kMarkBytes = 16;
// The LOG is started afresh (the old one kept) past this size.
constexpr uint64_t kMaxLogBytes = 16 << 20;

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

absl::Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoError("cannot sync directory", dir);
  return absl::OkStatus();
}

std::string UtcStamp() {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone());
}

}  // namespace

// ---- InfoLogger ----

InfoLogger::InfoLogger(const std::string& dir)
    : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL),
      path_((std::filesystem::path(dir) / "LOG").string()) {
  absl::MutexLock lock(&mu_);
  Rotate();
}

InfoLogger::~InfoLogger() {
  absl::MutexLock lock(&mu_);
  if (file_ != nullptr) std::fclose(file_);
}

void InfoLogger::Rotate() {
  if (file_ != nullptr) std::fclose(file_);
  std::error_code ec;
  std::filesystem::rename(path_, path_ + ".old", ec);
  file_ = std::fopen(path_.c_str(), "we");
  written_ = 0;
}

void InfoLogger::Logv(const char* format, va_list ap) {
  char line[2048];
  int n = std::vsnprintf(line, sizeof(line), format, ap);
  if (n < 0) return;
  std::string stamp = absl::FormatTime("%Y/%m/%d-%H:%M:%E6S ", absl::Now(), absl::UTCTimeZone());
  absl::MutexLock lock(&mu_);
  if (file_ == nullptr) return;
  if (written_ > kMaxLogBytes) Rotate();
  if (file_ == nullptr) return;
  size_t length = std::min<size_t>(static_cast<size_t>(n), sizeof(line) - 1);
  // Failures (a full disk) only cost this line.
  std::fwrite(stamp.data(), 1, stamp.size(), file_);
  std::fwrite(line, 1, length, file_);
  if (length == 0 || line[length - 1] != '\n') std::fputc('\n', file_);
  std::fflush(file_);
  std::clearerr(file_);
  written_ += stamp.size() + length + 1;
}

// ---- AcknowledgedMark ----

absl::StatusOr<std::unique_ptr<AcknowledgedMark>> AcknowledgedMark::Open(const std::string& dir) {
  std::string path = (std::filesystem::path(dir) / kMarkFile).string();
  bool existed = std::filesystem::exists(path);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot open", path);
  unsigned char bytes[kMarkBytes];
  ssize_t n = ::pread(fd, bytes, kMarkBytes, 0);
  std::optional<uint64_t> value;
  bool unreadable = false;
  if (n == static_cast<ssize_t>(kMarkBytes)) {
    uint64_t sequence = 0, complement = 0;
    for (int i = 7; i >= 0; --i) {
      sequence = (sequence << 8) | bytes[i];
      complement = (complement << 8) | bytes[8 + i];
    }
    if (complement == ~sequence) {
      value = sequence;
    } else {
      unreadable = true;
    }
  } else if (existed && n != 0) {
    unreadable = true;
  }
  return std::unique_ptr<AcknowledgedMark>(new AcknowledgedMark(fd, value, unreadable));
}

AcknowledgedMark::~AcknowledgedMark() {
  Sync();
  ::close(fd_);
}

std::optional<uint64_t> AcknowledgedMark::value() const {
  absl::MutexLock lock(&mu_);
  return value_;
}

absl::Status AcknowledgedMark::WriteLocked(uint64_t sequence) {
  unsigned char bytes[kMarkBytes];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<unsigned char>(sequence >> (8 * i));
    bytes[8 + i] = static_cast<unsigned char>(~sequence >> (8 * i));
  }
  if (::pwrite(fd_, bytes, kMarkBytes, 0) != static_cast<ssize_t>(kMarkBytes)) {
    return ErrnoError("cannot write", kMarkFile);
  }
  value_ = sequence;
  dirty_ = true;
  return absl::OkStatus();
}

void AcknowledgedMark::Advance(uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  if (value_.has_value() && *value_ >= sequence) return;
  // A failed write leaves the mark behind, which can only hide a loss,
  // never invent one.
  WriteLocked(sequence).IgnoreError();
}

absl::Status AcknowledgedMark::Reset(uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  absl::Status written = WriteLocked(sequence);
  if (!written.ok()) return written;
  if (::fdatasync(fd_) != 0) return ErrnoError("cannot sync", kMarkFile);
  dirty_ = false;
  return absl::OkStatus();
}

void AcknowledgedMark::Sync() {
  absl::MutexLock lock(&mu_);
  if (!dirty_) return;
  if (::fdatasync(fd_) == 0) dirty_ = false;
}

// ---- Data loss ----

absl::Status RecordDataLoss(const std::string& dir, const std::string& text) {
  std::string path = (std::filesystem::path(dir) / kDataLossFileName).string();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot open", path);
  std::string entry = absl::StrCat(text, "\n");
  ssize_t n = ::write(fd, entry.data(), entry.size());
  int synced = ::fsync(fd);
  ::close(fd);
  if (n != static_cast<ssize_t>(entry.size()) || synced != 0) {
    return ErrnoError("cannot write", path);
  }
  return SyncDirectory(dir);
}

absl::StatusOr<std::string> KeepDamagedLogs(const std::string& dir) {
  std::filesystem::path target = std::filesystem::path(dir) / absl::StrCat("damaged-", UtcStamp());
  std::error_code ec;
  std::filesystem::create_directories(target, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", target.string(), ": ", ec.message()));
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".log") continue;
    std::filesystem::copy_file(entry.path(), target / entry.path().filename(),
                               std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("cannot copy ", entry.path().string(), " to ",
                                                 target.string(), ": ", ec.message()));
    }
  }
  if (ec) return absl::UnavailableError(absl::StrCat("cannot list ", dir, ": ", ec.message()));
  for (const auto& entry : std::filesystem::directory_iterator(target, ec)) {
    int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      if (fd >= 0) ::close(fd);
      return ErrnoError("cannot sync", entry.path().string());
    }
    ::close(fd);
  }
  absl::Status synced = SyncDirectory(target.string());
  if (!synced.ok()) return synced;
  synced = SyncDirectory(dir);
  if (!synced.ok()) return synced;
  return target.string();
}

// ---- Disk space ----

absl::StatusOr<DiskSpace> MeasureDiskSpace(const std::string& path) {
  struct statvfs info;
  if (::statvfs(path.c_str(), &info) != 0) return ErrnoError("cannot measure", path);
  DiskSpace space;
  space.free_bytes = static_cast<uint64_t>(info.f_bavail) * info.f_frsize;
  space.capacity_bytes = static_cast<uint64_t>(info.f_blocks) * info.f_frsize;
  return space;
}

std::string FormatBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0) return absl::StrCat(bytes, " B");
  return absl::StrFormat("%.1f %s", value, units[unit]);
}

}  // namespace tonghop::storage::internal
