#ifndef TONGHOP_CLIENTS_LOADGEN_WORK_DIR_H_
#define TONGHOP_CLIENTS_LOADGEN_WORK_DIR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop::loadgen {

// The run's working directory: the server's data, its log, the limit
// measurements' databases.
//
// A directory the user named may hold their own files: only the entries
// this run creates in it (kEntries) are removed at the end, and the
// directory itself only when this run made it and nothing else is left. A
// directory the run made for itself (none named) is removed whole.
//
// Not thread-safe; a value type.
class WorkDir {
 public:
  // What a run creates in its working directory.
  static const std::vector<std::string>& Entries();

  // `named` empty: a new directory under $TMPDIR (or /tmp). Otherwise that
  // directory, created when missing; refused when it already holds one of
  // Entries() (an earlier run's, or someone's own).
  static absl::StatusOr<WorkDir> Prepare(const std::string& named);

  const std::string& path() const { return path_; }
  // `path()/name`, for one of Entries().
  std::string Entry(absl::string_view name) const;
  // Removes what the run created (see the class comment).
  void Clean() const;

 private:
  std::string path_;
  // The run made the directory (it did not exist before).
  bool made_ = false;
  // The run chose the directory itself: everything in it is the run's.
  bool own_ = false;
};

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_WORK_DIR_H_
