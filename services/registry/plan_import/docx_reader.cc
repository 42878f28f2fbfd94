// DocxToText: a .docx read with libzip and pugixml (see document_files.h).

#include <zip.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "pugixml.hpp"
#include "services/common/xml_depth.h"
#include "services/common/status_macros.h"
#include "services/registry/plan_import/document_files.h"
#include "services/registry/plan_import/table.h"

namespace tonghop::plan_import {
namespace {

constexpr char kDocumentPart[] = "word/document.xml";
constexpr size_t kReadChunk = 64 * 1024;
// Rows of a table searched for the appendix header (a title row or two may
// come first).
constexpr size_t kHeaderSearchRows = 3;

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

// word/document.xml, decompressed within `limits`.
absl::StatusOr<std::string> ReadDocumentPart(absl::string_view content,
                                             const FileLimits& limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(content.data(), content.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return absl::ResourceExhaustedError("cannot read the .docx archive");
  }
  std::unique_ptr<zip_t, ZipCloser> archive(
      zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (archive == nullptr) {
    std::string why = zip_error_strerror(&error);
    zip_source_free(source);
    zip_error_fini(&error);
    return RefuseFile("DOCX_DAMAGED",
                  absl::StrCat("the .docx file is damaged: not a readable zip archive (", why,
                               ")"),
                  "Tệp .docx bị hỏng: không mở được (không phải tệp nén zip hợp lệ). Hãy lưu lại "
                  "văn bản từ Word rồi nhập lại.");
  }
  zip_error_fini(&error);
  zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  if (entries < 0 || entries > limits.max_zip_entries) {
    return RefuseFile("DOCX_TOO_MANY_ENTRIES",
                  absl::StrCat("the .docx archive has ", entries, " entries; at most ",
                               limits.max_zip_entries, " are read"),
                  absl::StrCat("Tệp .docx chứa ", entries,
                               " thành phần, quá nhiều so với một văn bản (tối đa ",
                               limits.max_zip_entries, "); tệp không được đọc."));
  }
  zip_int64_t index = zip_name_locate(archive.get(), kDocumentPart, 0);
  if (index < 0) {
    return RefuseFile("DOCX_NOT_WORD",
                  "not a Word document: the archive has no word/document.xml",
                  "Tệp không phải văn bản Word (.docx): thiếu phần nội dung word/document.xml.");
  }
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(index), 0, &stat) != 0 ||
      (stat.valid & ZIP_STAT_SIZE) == 0) {
    return RefuseFile("DOCX_DAMAGED", "the .docx file is damaged: word/document.xml is unreadable",
                  "Tệp .docx bị hỏng: không đọc được phần nội dung.");
  }
  auto too_large = [&]() {
    return RefuseFile("DOCX_TOO_LARGE",
                  absl::StrCat("word/document.xml decompresses to more than ",
                               limits.max_part_bytes >> 20,
                               " MB; refused unread (a zip bomb or not a plan)"),
                  absl::StrCat("Nội dung tệp .docx khi giải nén vượt quá ",
                               limits.max_part_bytes >> 20,
                               " MB (có thể là tệp nén độc hại); tệp không được đọc."));
  };
  if (stat.size > limits.max_part_bytes) return too_large();
  std::unique_ptr<zip_file_t, ZipFileCloser> file(
      zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(index), 0));
  if (file == nullptr) {
    return RefuseFile("DOCX_DAMAGED", "the .docx file is damaged: word/document.xml cannot be opened",
                  "Tệp .docx bị hỏng: không mở được phần nội dung.");
  }
  std::string xml;
  xml.reserve(static_cast<size_t>(stat.size));
  char buffer[kReadChunk];
  for (;;) {
    zip_int64_t n = zip_fread(file.get(), buffer, sizeof(buffer));
    if (n < 0) {
      return RefuseFile("DOCX_DAMAGED",
                    "the .docx file is damaged: word/document.xml does not decompress",
                    "Tệp .docx bị hỏng: phần nội dung không giải nén được.");
    }
    if (n == 0) break;
    // The declared size can lie: stop at the limit, whatever it said.
    if (xml.size() + static_cast<size_t>(n) > limits.max_part_bytes) return too_large();
    xml.append(buffer, static_cast<size_t>(n));
  }
  return xml;
}

bool Is(const pugi::xml_node& node, const char* name) {
  return std::string_view(node.name()) == name;
}

std::string Escape(absl::string_view text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

// The text of a paragraph (or any run container): w:t, tabs, breaks.
// Deleted text (w:delText), field instructions (w:instrText) and other
// non-text elements are skipped by only reading w:t.
void AppendRuns(const pugi::xml_node& node, bool in_cell, std::string* out) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    if (Is(child, "w:t")) {
      out->append(child.text().get());
    } else if (Is(child, "w:tab") || Is(child, "w:ptab")) {
      out->push_back(' ');
    } else if (Is(child, "w:br") || Is(child, "w:cr")) {
      out->push_back('\n');
    } else if (Is(child, "w:noBreakHyphen")) {
      out->push_back('-');
    } else if (Is(child, "w:del") || Is(child, "w:instrText") || Is(child, "w:delText") ||
               Is(child, "w:pPr") || Is(child, "w:rPr") || Is(child, "mc:Fallback")) {
      continue;
    } else {
      AppendRuns(child, in_cell, out);
    }
  }
}

std::string ParagraphText(const pugi::xml_node& paragraph, bool in_cell) {
  std::string text;
  AppendRuns(paragraph, in_cell, &text);
  return text;
}

// The paragraphs of a cell (nested tables flattened to their paragraphs).
void CellParagraphs(const pugi::xml_node& node, std::vector<std::string>* out) {
  for (pugi::xml_node child : node.children()) {
    if (Is(child, "w:p")) {
      std::string text = ParagraphText(child, true);
      for (absl::string_view line : absl::StrSplit(text, '\n')) {
        if (!line.empty()) out->emplace_back(line);
      }
    } else if (Is(child, "w:tbl") || Is(child, "w:tr") || Is(child, "w:tc") ||
               Is(child, "w:sdt") || Is(child, "w:sdtContent") || Is(child, "w:customXml")) {
      CellParagraphs(child, out);
    }
  }
}

int IntAttribute(const pugi::xml_node& node, const char* child, int fallback) {
  pugi::xml_node c = node.child(child);
  if (!c) return fallback;
  return c.attribute("w:val").as_int(fallback);
}

struct Cell {
  std::vector<std::string> paragraphs;
  bool merged_from_above = false;
};

// One table as rows of grid cells.
std::vector<std::vector<Cell>> ReadTable(const pugi::xml_node& table) {
  std::vector<std::vector<Cell>> rows;
  for (pugi::xml_node tr : table.children("w:tr")) {
    std::vector<Cell> row;
    for (pugi::xml_node tc : tr.children("w:tc")) {
      pugi::xml_node properties = tc.child("w:tcPr");
      int span = std::max(1, IntAttribute(properties, "w:gridSpan", 1));
      Cell cell;
      pugi::xml_node vmerge = properties.child("w:vMerge");
      std::string merge = vmerge ? vmerge.attribute("w:val").as_string("continue") : "";
      size_t column = row.size();
      if (merge == "continue") {
        cell.merged_from_above = true;
        if (column > 0 && !rows.empty() && column < rows.back().size()) {
          cell.paragraphs = rows.back()[column].paragraphs;
        }
      } else {
        CellParagraphs(tc, &cell.paragraphs);
      }
      row.push_back(std::move(cell));
      for (int i = 1; i < span; ++i) row.push_back(Cell());
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string CellText(const Cell& cell) {
  if (cell.paragraphs.empty()) return "";
  if (cell.paragraphs.size() == 1) return Escape(cell.paragraphs.front());
  std::string out;
  for (const std::string& p : cell.paragraphs) absl::StrAppend(&out, "<p>", Escape(p), "</p>");
  return out;
}

std::string Plain(const Cell& cell) { return absl::StrJoin(cell.paragraphs, " "); }

bool IsAppendixTable(const std::vector<std::vector<Cell>>& rows) {
  for (size_t r = 0; r < rows.size() && r < kHeaderSearchRows; ++r) {
    std::vector<std::string> cells;
    for (const Cell& c : rows[r]) cells.push_back(Plain(c));
    if (IsHeaderRow(cells)) return true;
  }
  return false;
}

void AppendBlock(const pugi::xml_node& container, std::vector<std::string>* lines) {
  for (pugi::xml_node child : container.children()) {
    if (Is(child, "w:p")) {
      std::string text = ParagraphText(child, false);
      for (absl::string_view line : absl::StrSplit(text, '\n')) lines->emplace_back(line);
    } else if (Is(child, "w:tbl")) {
      std::vector<std::vector<Cell>> rows = ReadTable(child);
      lines->emplace_back();
      if (IsAppendixTable(rows)) {
        for (const auto& row : rows) {
          std::vector<std::string> cells;
          for (const Cell& c : row) cells.push_back(CellText(c));
          lines->push_back(absl::StrJoin(cells, "\t"));
        }
      } else {
        // A letterhead or a layout table: its text, a paragraph per line.
        for (const auto& row : rows) {
          for (const Cell& c : row) {
            if (c.merged_from_above) continue;
            for (const std::string& p : c.paragraphs) lines->push_back(p);
          }
        }
      }
      lines->emplace_back();
    } else if (Is(child, "w:sdt")) {
      AppendBlock(child.child("w:sdtContent"), lines);
    } else if (Is(child, "w:customXml") || Is(child, "w:ins")) {
      AppendBlock(child, lines);
    }
  }
}

}  // namespace

bool LooksLikeZip(absl::string_view content) {
  return absl::StartsWith(content, absl::string_view("PK\x03\x04", 4));
}

absl::StatusOr<std::string> DocxToText(absl::string_view content, const FileLimits& limits) {
  RETURN_IF_ERROR(CheckFileSize(content, limits));
  absl::StatusOr<std::string> xml = ReadDocumentPart(content, limits);
  if (!xml.ok()) return xml.status();
  pugi::xml_document document;
  pugi::xml_parse_result parsed =
      document.load_buffer_inplace(xml->data(), xml->size(),
                                   pugi::parse_default | pugi::parse_ws_pcdata_single,
                                   pugi::encoding_utf8);
  if (!parsed) {
    return RefuseFile("DOCX_DAMAGED",
                  absl::StrCat("the .docx file is damaged: word/document.xml is not XML (",
                               parsed.description(), " at byte ", parsed.offset, ")"),
                  "Tệp .docx bị hỏng: phần nội dung không phải XML hợp lệ.");
  }
  if (NestsDeeperThan(document)) {
    return RefuseFile("DOCX_DAMAGED",
                      absl::StrCat("the .docx file is damaged: word/document.xml nests deeper "
                                   "than ", kMaxXmlDepth, " elements"),
                      "Tệp .docx bị hỏng: phần nội dung lồng nhau quá sâu.");
  }
  pugi::xml_node body = document.child("w:document").child("w:body");
  if (!body) {
    return RefuseFile("DOCX_NOT_WORD", "not a Word document: word/document.xml has no w:body",
                  "Tệp không phải văn bản Word (.docx): không có phần thân văn bản.");
  }
  std::vector<std::string> lines;
  AppendBlock(body, &lines);
  std::string text = absl::StrJoin(lines, "\n");
  text.push_back('\n');
  if (text.size() > limits.max_text_bytes) {
    return RefuseFile("INPUT_TOO_LARGE",
                  absl::StrCat("the document's text is ", text.size() >> 20,
                               " MB; a plan is at most ", limits.max_text_bytes >> 20, " MB"),
                  "Nội dung văn bản quá lớn so với một kế hoạch.");
  }
  return text;
}

}  // namespace tonghop::plan_import
