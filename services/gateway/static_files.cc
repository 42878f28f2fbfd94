#include "services/gateway/static_files.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/common/text.h"

namespace tonghop::gateway {
namespace {

namespace fs = std::filesystem;

// True when `path` is `root` or inside it; both canonical.
bool IsWithin(const fs::path& root, const fs::path& path) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (p == path.end() || *r != *p) return false;
  }
  return true;
}

}  // namespace

StaticFiles::StaticFiles(std::string root) : root_(std::move(root)) {}

absl::StatusOr<StaticFile> StaticFiles::Read(absl::string_view url_path) const {
  if (root_.empty()) {
    return NotFound(absl::StrCat(url_path, " (no dashboard directory is configured)"));
  }
  if (!absl::StartsWith(url_path, "/")) {
    return InvalidField("path", "must start with /", "INVALID_PATH");
  }
  absl::string_view relative = url_path.substr(1);
  bool directory = relative.empty() || absl::EndsWith(relative, "/");
  if (absl::EndsWith(relative, "/")) relative.remove_suffix(1);
  fs::path path(root_);
  if (!relative.empty()) {
    for (absl::string_view segment : absl::StrSplit(relative, '/')) {
      if (segment.empty() || segment == "." || segment == ".." ||
          segment.find('\\') != absl::string_view::npos ||
          segment.find('\0') != absl::string_view::npos) {
        return InvalidField("path",
                            absl::StrCat(QuoteInput(url_path),
                                         " has an empty, \".\" or \"..\" segment or a "
                                         "forbidden character"),
                            "INVALID_PATH");
      }
      path /= std::string(segment);
    }
  }
  std::error_code ec;
  if (directory || fs::is_directory(path, ec)) path /= "index.html";
  // Symbolic links inside the root may point anywhere; only the resolved
  // target decides.
  fs::path canonical_root = fs::canonical(root_, ec);
  if (ec) return NotFound(url_path);
  fs::path canonical = fs::canonical(path, ec);
  if (ec || !fs::is_regular_file(canonical, ec)) return NotFound(url_path);
  if (!IsWithin(canonical_root, canonical)) {
    return InvalidField("path", absl::StrCat(QuoteInput(url_path), " leaves the dashboard directory"),
                        "INVALID_PATH");
  }
  std::ifstream in(canonical, std::ios::binary);
  if (!in) return NotFound(url_path);
  std::ostringstream content;
  content << in.rdbuf();
  StaticFile file;
  file.content = std::move(content).str();
  file.content_type = ContentTypeForPath(canonical.filename().string());
  file.immutable = absl::StartsWith(relative, "assets/");
  return file;
}

std::string ContentTypeForPath(absl::string_view path) {
  static const std::map<std::string, std::string>* kTypes =
      new std::map<std::string, std::string>{
          {"html", "text/html; charset=utf-8"},
          {"htm", "text/html; charset=utf-8"},
          {"js", "text/javascript; charset=utf-8"},
          {"mjs", "text/javascript; charset=utf-8"},
          {"css", "text/css; charset=utf-8"},
          {"json", "application/json; charset=utf-8"},
          {"map", "application/json; charset=utf-8"},
          {"webmanifest", "application/manifest+json; charset=utf-8"},
          {"txt", "text/plain; charset=utf-8"},
          {"svg", "image/svg+xml"},
          {"png", "image/png"},
          {"jpg", "image/jpeg"},
          {"jpeg", "image/jpeg"},
          {"gif", "image/gif"},
          {"webp", "image/webp"},
          {"ico", "image/x-icon"},
          {"woff", "font/woff"},
          {"woff2", "font/woff2"},
          {"ttf", "font/ttf"},
          {"wasm", "application/wasm"},
      };
  size_t slash = path.rfind('/');
  absl::string_view name = slash == absl::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  if (dot == absl::string_view::npos) return "application/octet-stream";
  auto it = kTypes->find(absl::AsciiStrToLower(name.substr(dot + 1)));
  return it == kTypes->end() ? "application/octet-stream" : it->second;
}

}  // namespace tonghop::gateway
