#include "clients/client/token_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/client/durable_file.h"

namespace tonghop::client {
namespace {

// Makes `directory` exist with mode 0700; its parent (the state directory)
// is created 0700 when missing (with any missing ancestors) but otherwise
// left as it is.
absl::Status PrivateDirectory(const std::string& directory) {
  std::filesystem::path parent = std::filesystem::path(directory).parent_path();
  if (!parent.empty() && !std::filesystem::exists(parent)) {
    std::error_code ec;
    std::filesystem::create_directories(parent.parent_path(), ec);
    if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::InternalError(
          absl::StrCat("cannot create ", parent.string(), ": ", std::strerror(errno)));
    }
  }
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::InternalError(
        absl::StrCat("cannot create ", directory, ": ", std::strerror(errno)));
  }
  if (::chmod(directory.c_str(), 0700) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot make ", directory, " private: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

std::string TokenStore::PathFor(absl::string_view server) const {
  std::string file;
  for (char c : server) {
    file.push_back(absl::ascii_isalnum(c) || c == '.' || c == '-' ? c : '_');
  }
  return absl::StrCat(state_dir_, "/tokens/", file);
}

absl::Status TokenStore::Save(absl::string_view server, const StoredToken& token) const {
  std::string path = PathFor(server);
  absl::Status directory = PrivateDirectory(path.substr(0, path.rfind('/')));
  if (!directory.ok()) return directory;
  // Three lines: token, person, expiry in Unix seconds.
  return WriteFileDurably(path,
                          absl::StrCat(token.token, "\n", token.user, "\n",
                                       absl::ToUnixSeconds(token.expire_time), "\n"),
                          0600);
}

absl::StatusOr<std::optional<StoredToken>> TokenStore::Load(absl::string_view server) const {
  std::string path = PathFor(server);
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return std::optional<StoredToken>();
    return absl::InternalError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " is readable by others, so its token is not used; sign in again (tonghop login)"));
  }
  absl::StatusOr<std::string> content = ReadWholeFile(path);
  if (!content.ok()) return content.status();
  std::vector<std::string> lines = absl::StrSplit(*content, '\n');
  int64_t expire = 0;
  if (lines.size() < 3 || lines[0].empty() || !absl::SimpleAtoi(lines[2], &expire)) {
    return absl::DataLossError(absl::StrCat(path, " is damaged; sign in again (tonghop login)"));
  }
  StoredToken token;
  token.token = lines[0];
  token.user = lines[1];
  token.expire_time = absl::FromUnixSeconds(expire);
  return std::optional<StoredToken>(std::move(token));
}

absl::Status TokenStore::Remove(absl::string_view server) const {
  return RemoveFileDurably(PathFor(server));
}

}  // namespace tonghop::client
