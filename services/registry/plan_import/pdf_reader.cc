// PdfToText: the text layer of a PDF read with poppler-cpp (see
// document_files.h).

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/status_macros.h"
#include "services/registry/plan_import/document_files.h"
#include "services/registry/plan_import/outline.h"

namespace tonghop::plan_import {
namespace {

// Fewer letters and digits than this in the whole file: no text layer.
constexpr size_t kMinTextCharacters = 16;

void Quiet(const std::string&, void*) {}

struct Word {
  std::string text;
  double x0 = 0, x1 = 0, top = 0, bottom = 0;
  bool space_after = false;
};

struct Line {
  std::vector<Word> words;
  double x0 = 0, x1 = 0, top = 0, bottom = 0;
  std::string Text() const {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
      out += words[i].text;
      if (i + 1 < words.size() &&
          (words[i].space_after || words[i + 1].x0 - words[i].x1 > 0.15 * (bottom - top))) {
        out.push_back(' ');
      }
    }
    return out;
  }
  double FirstWordWidth() const { return words.empty() ? 0 : words[0].x1 - words[0].x0; }
};

double Median(std::vector<double> values, double fallback) {
  if (values.empty()) return fallback;
  std::nth_element(values.begin(), values.begin() + static_cast<long>(values.size() / 2),
                   values.end());
  return values[values.size() / 2];
}

std::vector<Line> PageLines(poppler::page& page) {
  std::vector<Line> lines;
  for (const poppler::text_box& box : page.text_list()) {
    poppler::byte_array utf8 = box.text().to_utf8();
    Word word;
    word.text.assign(utf8.begin(), utf8.end());
    poppler::rectf r = box.bbox();
    word.x0 = r.left();
    word.x1 = r.right();
    word.top = r.top();
    word.bottom = r.bottom();
    word.space_after = box.has_space_after();
    if (word.text.empty()) continue;
    double height = std::max(1.0, word.bottom - word.top);
    double center = (word.top + word.bottom) / 2;
    bool same_line = false;
    if (!lines.empty()) {
      const Line& last = lines.back();
      double last_center = (last.top + last.bottom) / 2;
      same_line = std::abs(center - last_center) <= 0.5 * height && word.x0 >= last.x1 - height;
    }
    if (!same_line) {
      Line line;
      line.x0 = word.x0;
      line.x1 = word.x1;
      line.top = word.top;
      line.bottom = word.bottom;
      lines.push_back(std::move(line));
    }
    Line& line = lines.back();
    line.x0 = std::min(line.x0, word.x0);
    line.x1 = std::max(line.x1, word.x1);
    line.top = std::min(line.top, word.top);
    line.bottom = std::max(line.bottom, word.bottom);
    line.words.push_back(std::move(word));
  }
  return lines;
}

bool IsPageNumber(const std::string& text) {
  std::string t;
  for (char ch : text) {
    if (ch != ' ' && ch != '-') t.push_back(ch);
  }
  if (t.empty() || t.size() > 4) return false;
  return std::all_of(t.begin(), t.end(),
                     [](char ch) { return absl::ascii_isdigit(static_cast<unsigned char>(ch)); });
}

// Whether `text` opens a new paragraph whatever its position: a bullet or an
// outline code ("1.", "a)", "II.", "1.1.").
bool OpensItem(absl::string_view text) {
  if (absl::StartsWith(text, "- ") || absl::StartsWith(text, "+ ") ||
      absl::StartsWith(text, "\xE2\x80\xA2") || absl::StartsWith(text, "\xE2\x80\x93 ")) {
    return true;
  }
  size_t space = text.find(' ');
  absl::string_view first = text.substr(0, space);
  if (first.size() > 8) return false;
  bool terminated = absl::EndsWith(first, ".") || absl::EndsWith(first, ")");
  return terminated && !ReadCode(first).empty();
}

size_t CountTextCharacters(const std::string& text) {
  size_t n = 0;
  for (unsigned char ch : text) {
    // ASCII letters and digits, and the lead bytes of multi-byte characters
    // (Vietnamese letters).
    if (absl::ascii_isalnum(ch) || ch >= 0xC0) ++n;
  }
  return n;
}

}  // namespace

bool LooksLikePdf(absl::string_view content) {
  // The header may follow a few bytes of junk; readers accept it within 1 KB.
  return content.substr(0, 1024).find("%PDF-") != absl::string_view::npos;
}

absl::StatusOr<std::string> PdfToText(absl::string_view content, const FileLimits& limits) {
  RETURN_IF_ERROR(CheckFileSize(content, limits));
  poppler::set_debug_error_function(Quiet, nullptr);
  std::unique_ptr<poppler::document> document(poppler::document::load_from_raw_data(
      content.data(), static_cast<int>(content.size())));
  if (document == nullptr) {
    return RefuseFile("PDF_DAMAGED", "the PDF file is damaged or not a PDF",
                  "Tệp PDF bị hỏng hoặc không phải PDF; không đọc được.");
  }
  if (document->is_locked()) {
    return RefuseFile("PDF_ENCRYPTED", "the PDF is protected by a password",
                  "Tệp PDF được bảo vệ bằng mật khẩu; hãy nhập bản không đặt mật khẩu.");
  }
  int pages = document->pages();
  if (pages > limits.max_pdf_pages) {
    return RefuseFile("PDF_TOO_MANY_PAGES",
                  absl::StrCat("the PDF has ", pages, " pages; at most ", limits.max_pdf_pages,
                               " are read"),
                  absl::StrCat("Tệp PDF có ", pages, " trang, quá nhiều so với một kế hoạch (tối đa ",
                               limits.max_pdf_pages, ")."));
  }
  std::vector<std::vector<Line>> page_lines;
  size_t bytes = 0;
  for (int p = 0; p < pages; ++p) {
    std::unique_ptr<poppler::page> page(document->create_page(p));
    if (page == nullptr) continue;
    std::vector<Line> lines = PageLines(*page);
    for (const Line& line : lines) {
      for (const Word& w : line.words) bytes += w.text.size() + 1;
    }
    if (bytes > limits.max_text_bytes) {
      return RefuseFile("INPUT_TOO_LARGE", "the PDF's text is larger than a plan can be",
                    "Nội dung văn bản PDF quá lớn so với một kế hoạch.");
    }
    // Page numbers alone at the top or bottom of the page.
    while (!lines.empty() && IsPageNumber(lines.back().Text())) lines.pop_back();
    if (!lines.empty() && IsPageNumber(lines.front().Text())) lines.erase(lines.begin());
    page_lines.push_back(std::move(lines));
  }
  // The right margin and the line spacing of the document.
  double right = 0;
  std::vector<double> spacings, heights;
  for (const auto& lines : page_lines) {
    for (size_t i = 0; i < lines.size(); ++i) {
      right = std::max(right, lines[i].x1);
      heights.push_back(lines[i].bottom - lines[i].top);
      if (i > 0 && lines[i].top > lines[i - 1].top) {
        spacings.push_back(lines[i].top - lines[i - 1].top);
      }
    }
  }
  double height = Median(heights, 12);
  double spacing = Median(spacings, height * 1.2);
  std::vector<std::string> out;
  std::string paragraph;
  const Line* previous = nullptr;
  bool previous_on_other_page = false;
  for (const auto& lines : page_lines) {
    for (size_t i = 0; i < lines.size(); ++i) {
      const Line& line = lines[i];
      std::string text = line.Text();
      bool join = false;
      if (previous != nullptr && !paragraph.empty()) {
        bool close = previous_on_other_page ||
                     (line.top > previous->top && line.top - previous->top <= 1.5 * spacing);
        // The previous line wrapped when this line's first word would not
        // have fitted after it.
        bool wrapped = previous->x1 + 0.3 * height + line.FirstWordWidth() > right - 0.5;
        join = close && wrapped && !OpensItem(text);
        if (!join && !previous_on_other_page && line.top - previous->top > 1.6 * spacing) {
          out.push_back(std::move(paragraph));
          paragraph.clear();
          out.emplace_back();
        }
      }
      if (join) {
        paragraph.push_back(' ');
        paragraph += text;
      } else {
        if (!paragraph.empty()) out.push_back(std::move(paragraph));
        paragraph = std::move(text);
      }
      previous = &line;
      previous_on_other_page = false;
    }
    previous_on_other_page = true;
  }
  if (!paragraph.empty()) out.push_back(std::move(paragraph));
  std::string text = absl::StrJoin(out, "\n");
  text.push_back('\n');
  if (CountTextCharacters(text) < kMinTextCharacters) {
    return RefuseFile("PDF_NO_TEXT",
                  absl::StrCat("the PDF has no text layer (", pages,
                               " pages of images, likely a scan): there is nothing to read"),
                  "Tệp PDF không có lớp chữ (thường là bản scan hoặc ảnh chụp), nên không đọc được "
                  "nội dung. Hãy nhập tệp .docx gốc hoặc tệp PDF xuất trực tiếp từ Word; nếu chỉ "
                  "có bản scan, cần nhận dạng chữ (OCR) trước.");
  }
  return text;
}

}  // namespace tonghop::plan_import
