#ifndef TONGHOP_SERVICES_AGGREGATION_ZIP_WRITER_H_
#define TONGHOP_SERVICES_AGGREGATION_ZIP_WRITER_H_

// A zip archive built in memory with libzip, for the Office Open XML
// documents the compiled report is written as (.docx).

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace tonghop::aggregation {

// The bytes of a zip archive holding `files` (name, content) in that
// order, deflated. Thread-safe (no shared state).
absl::StatusOr<std::string> ZipArchive(
    const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_ZIP_WRITER_H_
