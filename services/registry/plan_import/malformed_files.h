#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_MALFORMED_FILES_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_MALFORMED_FILES_H_

// Files for tests of the importer's refusals, built in memory: zip archives
// (a .docx, a zip bomb, one with too many entries), a PDF whose only page is
// an image (a scan, no text layer), and the peak memory of a piece of work.
// Test-only; not linked into the server.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tonghop::plan_import::malformed {

// A zip archive holding `entries` (name, content), deflated.
std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& entries);

// A .docx whose word/document.xml is `document_xml` (with the other parts a
// Word file has).
std::string MakeDocx(const std::string& document_xml);

// A zip bomb: a .docx whose word/document.xml inflates to `inflated_bytes`
// of repeated text from a few hundred kilobytes.
std::string MakeZipBomb(size_t inflated_bytes);

// A zip archive of `count` tiny entries.
std::string MakeZipWithEntries(int count);

// A one-page PDF whose page is a grey image and nothing else, as a scanner
// makes it: no text layer.
std::string MakeImageOnlyPdf();

// Runs `work` and returns by how many bytes the process's peak resident
// memory rose meanwhile, or nullopt where Linux's /proc cannot tell.
std::optional<size_t> PeakMemoryGrowth(const std::function<void()>& work);

}  // namespace tonghop::plan_import::malformed

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_MALFORMED_FILES_H_
