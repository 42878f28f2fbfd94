#ifndef TONGHOP_SERVICES_GATEWAY_STATIC_FILES_H_
#define TONGHOP_SERVICES_GATEWAY_STATIC_FILES_H_

// Serving the dashboard's built files from one directory, and nothing
// outside it.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop::gateway {

// A file to send.
struct StaticFile {
  std::string content;
  std::string content_type;
  // Vite puts content-hashed names under assets/: they never change, so a
  // browser may keep them; everything else (index.html) is revalidated.
  bool immutable = false;
};

// Reads files under a root directory for URL paths. "/" and directories map
// to their index.html. Paths with "..", "." or empty segments, backslashes or
// NUL bytes are refused, and so is any path that resolves (through
// symbolic links) outside the root. Thread-safe: holds only the root.
class StaticFiles {
 public:
  // `root` need not exist yet (the dashboard may be built after the server
  // starts); an empty root serves nothing.
  explicit StaticFiles(std::string root);

  // The file for a decoded URL path ("/", "/assets/index-3f2a.js").
  // NOT_FOUND when there is none; INVALID_ARGUMENT for a refused path.
  absl::StatusOr<StaticFile> Read(absl::string_view url_path) const;

  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

// The media type for a file name, by extension ("index.html" →
// "text/html; charset=utf-8"); "application/octet-stream" when unknown.
std::string ContentTypeForPath(absl::string_view path);

}  // namespace tonghop::gateway

#endif  // TONGHOP_SERVICES_GATEWAY_STATIC_FILES_H_
