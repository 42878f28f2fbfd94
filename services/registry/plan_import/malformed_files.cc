#include "services/registry/plan_import/malformed_files.h"

#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tonghop::plan_import::malformed {
namespace {

constexpr char kContentTypes[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override "
    "PartName=\"/word/document.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+"
    "xml\"/></Types>";

// Text generated as libzip reads it, so that a large entry is never held in
// memory while the archive is written.
struct Generator {
  size_t total = 0;
  size_t offset = 0;
  zip_error_t error;
};

zip_int64_t Generate(void* state, void* data, zip_uint64_t length, zip_source_cmd_t command) {
  auto* g = static_cast<Generator*>(state);
  switch (command) {
    case ZIP_SOURCE_OPEN:
      g->offset = 0;
      return 0;
    case ZIP_SOURCE_READ: {
      size_t n = std::min<size_t>(length, g->total - g->offset);
      std::memset(data, 'a', n);
      g->offset += n;
      return static_cast<zip_int64_t>(n);
    }
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
      return 0;
    case ZIP_SOURCE_STAT: {
      auto* stat = static_cast<zip_stat_t*>(data);
      zip_stat_init(stat);
      stat->size = g->total;
      stat->valid |= ZIP_STAT_SIZE;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&g->error, data, length);
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                            ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
      zip_error_set(&g->error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
  }
}

// Builds an archive with `add` and returns its bytes.
std::string Archive(const std::function<void(zip_t*)>& add) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  add(archive);
  zip_close(archive);
  std::string out;
  if (zip_source_open(buffer) == 0) {
    zip_source_seek(buffer, 0, SEEK_END);
    zip_int64_t size = zip_source_tell(buffer);
    zip_source_seek(buffer, 0, SEEK_SET);
    out.resize(static_cast<size_t>(std::max<zip_int64_t>(size, 0)));
    zip_source_read(buffer, out.data(), out.size());
    zip_source_close(buffer);
  }
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

void AddEntry(zip_t* archive, const std::string& name, const std::string& content) {
  // libzip copies nothing: keep the bytes alive until zip_close by handing
  // it a copy it frees.
  char* copy = static_cast<char*>(std::malloc(content.size() + 1));
  std::memcpy(copy, content.data(), content.size());
  zip_source_t* source = zip_source_buffer(archive, copy, content.size(), 1);
  zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
}

std::optional<size_t> StatusKilobytes(absl::string_view field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view v = line;
    if (!absl::ConsumePrefix(&v, field)) continue;
    absl::ConsumePrefix(&v, ":");
    v = absl::StripAsciiWhitespace(v);
    absl::ConsumeSuffix(&v, "kB");
    size_t kb = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(v), &kb)) return kb;
  }
  return std::nullopt;
}

}  // namespace

std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& entries) {
  return Archive([&](zip_t* archive) {
    for (const auto& [name, content] : entries) AddEntry(archive, name, content);
  });
}

std::string MakeDocx(const std::string& document_xml) {
  return MakeZip({{"[Content_Types].xml", kContentTypes}, {"word/document.xml", document_xml}});
}

std::string MakeZipBomb(size_t inflated_bytes) {
  Generator generator;
  generator.total = inflated_bytes;
  zip_error_init(&generator.error);
  std::string out = Archive([&](zip_t* archive) {
    AddEntry(archive, "[Content_Types].xml", kContentTypes);
    zip_source_t* source = zip_source_function(archive, Generate, &generator);
    zip_file_add(archive, "word/document.xml", source, ZIP_FL_ENC_UTF_8);
  });
  zip_error_fini(&generator.error);
  return out;
}

std::string MakeZipWithEntries(int count) {
  return Archive([&](zip_t* archive) {
    for (int i = 0; i < count; ++i) AddEntry(archive, absl::StrCat("part/", i, ".xml"), "x");
  });
}

std::string MakeImageOnlyPdf() {
  std::string pixels(64, '\x80');
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
      "/Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
      absl::StrCat("<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace "
                   "/DeviceGray /BitsPerComponent 8 /Length ",
                   pixels.size(), " >>\nstream\n", pixels, "\nendstream"),
  };
  std::string contents = "q 500 0 0 700 40 70 cm /Im1 Do Q";
  objects.push_back(
      absl::StrCat("<< /Length ", contents.size(), " >>\nstream\n", contents, "\nendstream"));
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    absl::StrAppend(&pdf, i + 1, " 0 obj\n", objects[i], "\nendobj\n");
  }
  size_t xref = pdf.size();
  absl::StrAppend(&pdf, "xref\n0 ", objects.size() + 1, "\n0000000000 65535 f \n");
  for (size_t offset : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof(entry), "%010zu 00000 n \n", offset);
    pdf += entry;
  }
  absl::StrAppend(&pdf, "trailer\n<< /Size ", objects.size() + 1, " /Root 1 0 R >>\nstartxref\n",
                  xref, "\n%%EOF\n");
  return pdf;
}

std::optional<size_t> PeakMemoryGrowth(const std::function<void()>& work) {
  // Writing 5 to clear_refs resets the peak (VmHWM) to the present size.
  std::optional<size_t> before = StatusKilobytes("VmRSS");
  {
    std::ofstream clear("/proc/self/clear_refs");
    if (!clear || !before.has_value()) {
      work();
      return std::nullopt;
    }
    clear << "5";
  }
  work();
  std::optional<size_t> peak = StatusKilobytes("VmHWM");
  if (!peak.has_value()) return std::nullopt;
  return *peak > *before ? (*peak - *before) * 1024 : 0;
}

}  // namespace tonghop::plan_import::malformed
