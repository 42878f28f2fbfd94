#ifndef TONGHOP_CLIENTS_CLIENT_DURABLE_FILE_H_
#define TONGHOP_CLIENTS_CLIENT_DURABLE_FILE_H_

// Files that survive a crash: written to a temporary name in the same
// directory, flushed with fsync, renamed over the final name and the
// directory synced, so a reader sees either the old file or the whole new
// one, never a torn one.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tonghop::client {

// Replaces `path` with `content` atomically and durably. Creates the parent
// directory when missing. The file is created with `mode` (less the umask)
// from the start, so a secret is never readable by others even briefly.
absl::Status WriteFileDurably(const std::string& path, const std::string& content,
                              int mode = 0644);

// Removes `path` and syncs its directory; OK when it is already gone.
absl::Status RemoveFileDurably(const std::string& path);

// Renames `from` to `to` (same file system) and syncs both directories.
absl::Status RenameDurably(const std::string& from, const std::string& to);

// The whole file; NOT_FOUND when it does not exist.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// An exclusive lock on a file (flock), held by this process until
// destroyed; it excludes other processes (and other FileLocks), and goes
// away with the process however it ends. Not thread-safe.
class FileLock {
 public:
  // Takes the lock on `path` (creating the file), waiting for its holder
  // when `wait`; otherwise returns nullptr when it is held.
  static absl::StatusOr<std::unique_ptr<FileLock>> Acquire(const std::string& path, bool wait);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace tonghop::client

#endif  // TONGHOP_CLIENTS_CLIENT_DURABLE_FILE_H_
