#include "services/aggregation/zip_writer.h"

#include <zip.h>

#include <cstdio>

#include "absl/strings/str_cat.h"

namespace tonghop::aggregation {
namespace {

absl::Status ZipError(absl::string_view what, zip_error_t* error) {
  return absl::InternalError(absl::StrCat("libzip: ", what, ": ", zip_error_strerror(error)));
}

}  // namespace

absl::StatusOr<std::string> ZipArchive(
    const std::vector<std::pair<std::string, std::string>>& files) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) return ZipError("cannot create a buffer", &error);
  // The archive frees its source when closed; keep it to read the result.
  zip_source_keep(buffer);
  struct Release {
    zip_source_t* source;
    ~Release() { zip_source_free(source); }
  } release{buffer};
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (archive == nullptr) return ZipError("cannot open an archive", &error);
  for (const auto& [name, content] : files) {
    // The contents stay alive (in `files`) until zip_close() reads them.
    zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
    if (source == nullptr ||
        zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
      if (source != nullptr) zip_source_free(source);
      absl::Status status = ZipError(absl::StrCat("cannot add ", name), zip_get_error(archive));
      zip_discard(archive);
      return status;
    }
  }
  if (zip_close(archive) != 0) {
    absl::Status status = ZipError("cannot write the archive", zip_get_error(archive));
    zip_discard(archive);
    return status;
  }
  if (zip_source_open(buffer) != 0) return ZipError("cannot read back", zip_source_error(buffer));
  std::string bytes;
  if (zip_source_seek(buffer, 0, SEEK_END) == 0) {
    zip_int64_t size = zip_source_tell(buffer);
    zip_source_seek(buffer, 0, SEEK_SET);
    if (size > 0) {
      bytes.resize(static_cast<size_t>(size));
      zip_int64_t read = zip_source_read(buffer, bytes.data(), static_cast<zip_uint64_t>(size));
      if (read != size) bytes.clear();
    }
  }
  zip_source_close(buffer);
  if (bytes.empty()) return absl::InternalError("libzip: the archive came back empty");
  return bytes;
}

}  // namespace tonghop::aggregation
