#include "clients/loadgen/work_dir.h"

#include <cstdlib>
#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace tonghop::loadgen {

const std::vector<std::string>& WorkDir::Entries() {
  static const std::vector<std::string> kEntries = {
      "data", "tonghopd.log", "limit-rocksdb-1", "limit-rocksdb-n", "limit-rocksdb-report"};
  return kEntries;
}

absl::StatusOr<WorkDir> WorkDir::Prepare(const std::string& named) {
  WorkDir dir;
  if (named.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = absl::StrCat(tmp && *tmp ? tmp : "/tmp", "/tonghop-loadgen-XXXXXX");
    if (!mkdtemp(pattern.data())) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create a directory like ", pattern));
    }
    dir.path_ = pattern;
    dir.made_ = true;
    dir.own_ = true;
    return dir;
  }
  std::error_code ec;
  dir.path_ = std::filesystem::absolute(named).string();
  dir.made_ = !std::filesystem::exists(dir.path_, ec);
  std::filesystem::create_directories(dir.path_, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", dir.path_, ": ", ec.message()));
  }
  for (const std::string& entry : Entries()) {
    if (std::filesystem::exists(std::filesystem::path(dir.path_) / entry, ec)) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir.path_, " already holds ", entry,
          " (from an earlier run, or someone's own); name an empty directory or remove it "
          "first"));
    }
  }
  return dir;
}

std::string WorkDir::Entry(absl::string_view name) const {
  return absl::StrCat(path_, "/", name);
}

void WorkDir::Clean() const {
  std::error_code ec;
  if (own_) {
    std::filesystem::remove_all(path_, ec);
    return;
  }
  for (const std::string& entry : Entries()) std::filesystem::remove_all(Entry(entry), ec);
  // Removes the directory only when empty: never anything this run did not make.
  if (made_) std::filesystem::remove(path_, ec);
}

}  // namespace tonghop::loadgen
