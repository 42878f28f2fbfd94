#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DOCUMENT_FILES_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DOCUMENT_FILES_H_

// Reading the files officials publish, Word (.docx) and PDF, into the plain
// text the importer reads: one line per paragraph, and an appendix table as
// one tab-separated line per row whose cells keep their paragraphs as <p>
// blocks, so the table's cells survive exactly.
//
// Both readers bound what they take in before reading it: the file's size,
// the number of zip entries and the declared and the actual decompressed size
// of the document part (a zip bomb is refused, not inflated), the number of
// PDF pages and the size of the text. Every refusal is INVALID_ARGUMENT on
// field "content" with an ErrorInfo reason and a Vietnamese message for the
// official.
//
// Pure functions of their input; safe to call concurrently.

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop::plan_import {

// The bounds a document file is read within.
struct FileLimits {
  size_t max_file_bytes = 10u << 20;      // the file itself
  long max_zip_entries = 2000;            // entries of a .docx archive
  size_t max_part_bytes = 24u << 20;      // word/document.xml, decompressed
  int max_pdf_pages = 2000;               // pages of a PDF
  size_t max_text_bytes = 10u << 20;      // the text extracted
};

// INVALID_ARGUMENT on field "content" with ErrorInfo `reason` and the
// Vietnamese message for the official.
absl::Status RefuseFile(absl::string_view reason, absl::string_view english,
                        absl::string_view vietnamese);

// INPUT_TOO_LARGE when `content` is over limits.max_file_bytes, else OK.
absl::Status CheckFileSize(absl::string_view content, const FileLimits& limits);

// Whether `content` starts like a zip archive (a .docx) or a PDF.
bool LooksLikeZip(absl::string_view content);
bool LooksLikePdf(absl::string_view content);

// The text of a .docx: its body paragraphs in order, one per line; a table
// whose first rows hold an appendix header (STT, Nhiệm vụ, Cơ quan chủ trì …)
// as tab-separated rows, other tables (the letterhead) cell by cell, one
// paragraph per line. Horizontally merged cells keep their grid columns;
// a vertically merged cell repeats its text in the rows it spans, except in
// the first column, where the empty cell marks the row as continuing the
// one above. Deleted (tracked) text and field codes are left out.
absl::StatusOr<std::string> DocxToText(absl::string_view content,
                                       const FileLimits& limits = FileLimits());

// The text layer of a PDF, one line per paragraph: lines that wrap at the
// right margin are joined, a larger vertical gap becomes an empty line, page
// numbers alone on a line at the top or bottom of a page are left out.
// A PDF whose pages carry no text (a scan) is refused with reason
// PDF_NO_TEXT; an encrypted one with PDF_ENCRYPTED.
absl::StatusOr<std::string> PdfToText(absl::string_view content,
                                      const FileLimits& limits = FileLimits());

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_DOCUMENT_FILES_H_
