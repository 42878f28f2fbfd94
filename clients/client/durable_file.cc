#include "clients/client/durable_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace tonghop::client {
namespace {

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::Status(errno == ENOENT ? absl::StatusCode::kNotFound
                                      : absl::StatusCode::kInternal,
                      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

absl::Status SyncDirectory(const std::string& directory) {
  int fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Errno("cannot open directory", directory);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("cannot sync directory", directory);
  return absl::OkStatus();
}

std::string ParentOf(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

}  // namespace

absl::Status WriteFileDurably(const std::string& path, const std::string& content, int mode) {
  std::string directory = ParentOf(path);
  if (!directory.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(directory, ec);
    if (ec) {
      return absl::InternalError(
          absl::StrCat("cannot create directory ", directory, ": ", ec.message()));
    }
  }
  static thread_local std::mt19937_64 rng(std::random_device{}());
  std::string temporary = absl::StrCat(path, ".tmp-", rng());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                  static_cast<mode_t>(mode));
  if (fd < 0) return Errno("cannot create", temporary);
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status failed = Errno("cannot write", temporary);
      ::close(fd);
      ::unlink(temporary.c_str());
      return failed;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    absl::Status failed = Errno("cannot sync", temporary);
    ::close(fd);
    ::unlink(temporary.c_str());
    return failed;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    absl::Status failed = Errno("cannot rename onto", path);
    ::unlink(temporary.c_str());
    return failed;
  }
  return SyncDirectory(directory);
}

absl::Status RemoveFileDurably(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("cannot remove", path);
  return SyncDirectory(ParentOf(path));
}

absl::Status RenameDurably(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::filesystem::create_directories(ParentOf(to), ec);
  if (::rename(from.c_str(), to.c_str()) != 0) return Errno("cannot move", from);
  absl::Status synced = SyncDirectory(ParentOf(to));
  if (!synced.ok()) return synced;
  return SyncDirectory(ParentOf(from));
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::StatusOr<std::unique_ptr<FileLock>> FileLock::Acquire(const std::string& path, bool wait) {
  std::error_code ec;
  std::filesystem::create_directories(ParentOf(path), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot open", path);
  while (::flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    int error = errno;
    ::close(fd);
    if (!wait && error == EWOULDBLOCK) return std::unique_ptr<FileLock>();
    errno = error;
    return Errno("cannot lock", path);
  }
  return std::unique_ptr<FileLock>(new FileLock(fd));
}

FileLock::~FileLock() { ::close(fd_); }

}  // namespace tonghop::client
