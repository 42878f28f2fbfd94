// The compiled report as PDF, drawn with cairo and laid out with pango in
// Liberation Serif (metric-compatible with Times New Roman, which Debian
// does not ship): the same page as the .docx — A4, margins 20 mm top and
// bottom, 30 mm left, 20 mm right, body in 14 pt, letterhead in two
// columns, page numbers centred at the top from the second page. Tables
// break across pages between rows and repeat their header.
//
// Each render uses its own font map and surface, so renders may run on
// several threads at once.

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "services/aggregation/report_document.h"
#include "services/aggregation/report_render.h"

namespace tonghop::aggregation {
namespace {

constexpr double kMm = 72.0 / 25.4;
constexpr double kPageWidth = 210 * kMm;
constexpr double kPageHeight = 297 * kMm;
constexpr double kTop = 20 * kMm;
constexpr double kBottom = 20 * kMm;
constexpr double kLeft = 30 * kMm;
constexpr double kRight = 20 * kMm;
constexpr double kTextWidth = kPageWidth - kLeft - kRight;
constexpr double kFirstLineIndent = 10 * kMm;
constexpr char kFamily[] = "Liberation Serif";

std::string Markup(absl::string_view text) {
  gchar* escaped = g_markup_escape_text(text.data(), static_cast<gssize>(text.size()));
  std::string out(escaped);
  g_free(escaped);
  return out;
}

struct TextStyle {
  double size = 14;
  bool bold = false;
  bool italic = false;
  bool underline = false;
  PangoAlignment align = PANGO_ALIGN_LEFT;
  bool justify = false;
  double first_line = 0;
  double left = 0;
  double before = 0;
  double after = 6;
};

// Draws a document page by page. Not thread-safe; one per render.
class Pages {
 public:
  explicit Pages(cairo_surface_t* surface)
      : cr_(cairo_create(surface)), font_map_(pango_cairo_font_map_new()) {
    context_ = pango_font_map_create_context(font_map_);
    pango_cairo_context_set_resolution(context_, 72);
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(context_, options);
    cairo_font_options_destroy(options);
    y_ = kTop;
  }
  ~Pages() {
    g_object_unref(context_);
    g_object_unref(font_map_);
    cairo_destroy(cr_);
  }

  cairo_status_t status() const { return cairo_status(cr_); }

  // A laid-out block of text `width` wide.
  PangoLayout* Layout(const std::string& markup, const TextStyle& style, double width) {
    PangoLayout* layout = pango_layout_new(context_);
    PangoFontDescription* font = pango_font_description_new();
    pango_font_description_set_family(font, kFamily);
    pango_font_description_set_size(font, static_cast<int>(style.size * PANGO_SCALE));
    pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(font, style.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, style.align);
    pango_layout_set_justify(layout, style.justify);
    pango_layout_set_indent(layout, static_cast<int>(style.first_line * PANGO_SCALE));
    pango_layout_set_spacing(layout, static_cast<int>(style.size * 0.15 * PANGO_SCALE));
    std::string text = style.underline ? absl::StrCat("<u>", markup, "</u>") : markup;
    pango_layout_set_markup(layout, text.c_str(), -1);
    return layout;
  }

  static double Height(PangoLayout* layout) {
    int w = 0;
    int h = 0;
    pango_layout_get_size(layout, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  // A paragraph across the text width, line by line, onto as many pages as
  // it needs.
  void Paragraph(const std::string& markup, const TextStyle& style, bool keep_with_next = false) {
    y_ += style.before;
    PangoLayout* layout = Layout(markup, style, kTextWidth - style.left);
    if (keep_with_next && y_ + Height(layout) + 3 * style.size > Bottom()) NewPage();
    PangoLayoutIter* it = pango_layout_get_iter(layout);
    double offset = y_;  // where the layout's top is on this page
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      double line_top = offset + static_cast<double>(logical.y) / PANGO_SCALE;
      double line_height = static_cast<double>(logical.height) / PANGO_SCALE;
      if (line_top + line_height > Bottom()) {
        NewPage();
        offset = y_ - static_cast<double>(logical.y) / PANGO_SCALE;
        line_top = y_;
      }
      double baseline = offset + static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE;
      cairo_move_to(cr_, kLeft + style.left + static_cast<double>(logical.x) / PANGO_SCALE, baseline);
      pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      y_ = line_top + line_height;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(layout);
    y_ += style.after;
  }

  // A block at (x, y) that is known to fit.
  void Block(PangoLayout* layout, double x, double y) {
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout);
  }

  void Rule(double x0, double x1, double y) {
    cairo_set_line_width(cr_, 0.6);
    cairo_move_to(cr_, x0, y);
    cairo_line_to(cr_, x1, y);
    cairo_stroke(cr_);
  }

  void Box(double x, double y, double w, double h, bool shaded) {
    if (shaded) {
      cairo_set_source_rgb(cr_, 0.93, 0.93, 0.93);
      cairo_rectangle(cr_, x, y, w, h);
      cairo_fill(cr_);
      cairo_set_source_rgb(cr_, 0, 0, 0);
    }
    cairo_set_line_width(cr_, 0.5);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_stroke(cr_);
  }

  void NewPage() {
    cairo_show_page(cr_);
    ++page_;
    y_ = kTop;
    // Page numbers from the second page, centred at the top.
    TextStyle style;
    style.size = 13;
    style.align = PANGO_ALIGN_CENTER;
    PangoLayout* layout = Layout(absl::StrCat(page_), style, kTextWidth);
    Block(layout, kLeft, kTop / 2 - Height(layout) / 2);
    g_object_unref(layout);
  }

  double Bottom() const { return kPageHeight - kBottom; }
  double y() const { return y_; }
  void set_y(double y) { y_ = y; }
  void Skip(double dy) { y_ += dy; }

 private:
  cairo_t* cr_;
  PangoFontMap* font_map_;
  PangoContext* context_;
  double y_;
  int page_ = 1;
};

// A cell's content as pango markup: its text, and its note as a
// superscript "(n)".
std::string CellMarkup(const DocCell& cell) {
  std::string markup = Markup(cell.text);
  if (cell.note > 0) absl::StrAppend(&markup, "<sup>(", cell.note, ")</sup>");
  return markup;
}

void DrawTable(Pages& pages, const DocTable& table, double size) {
  std::vector<double> relative = table.widths;
  relative.resize(table.header.size(), 1.0);
  double sum = 0;
  for (double w : relative) sum += w;
  std::vector<double> widths;
  for (double w : relative) widths.push_back(kTextWidth * w / sum);
  constexpr double kPad = 3;

  struct LaidOutRow {
    std::vector<PangoLayout*> cells;
    double height = 0;
    bool header = false;
  };
  auto lay_out = [&](const std::vector<std::string>& markups, const std::vector<DocCell>* cells,
                     bool header) {
    LaidOutRow row;
    row.header = header;
    for (size_t c = 0; c < widths.size(); ++c) {
      TextStyle style;
      style.size = size;
      style.bold = header || (cells != nullptr && c < cells->size() && (*cells)[c].strong);
      bool number = cells != nullptr && c < cells->size() && (*cells)[c].number;
      style.align = header ? PANGO_ALIGN_CENTER : number ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
      double indent = cells != nullptr && c < cells->size() ? (*cells)[c].indent * 3 * kMm : 0;
      PangoLayout* layout = pages.Layout(c < markups.size() ? markups[c] : "", style,
                                         widths[c] - 2 * kPad - indent);
      row.height = std::max(row.height, Pages::Height(layout) + 2 * kPad);
      row.cells.push_back(layout);
    }
    return row;
  };
  auto draw = [&](const LaidOutRow& row) {
    double x = kLeft;
    for (size_t c = 0; c < row.cells.size(); ++c) {
      pages.Box(x, pages.y(), widths[c], row.height, row.header);
      // A breakdown row's label is laid out narrower: indented.
      double indent = widths[c] - 2 * kPad -
                      static_cast<double>(pango_layout_get_width(row.cells[c])) / PANGO_SCALE;
      pages.Block(row.cells[c], x + kPad + indent, pages.y() + kPad);
      x += widths[c];
    }
    pages.Skip(row.height);
  };
  auto release = [](LaidOutRow& row) {
    for (PangoLayout* layout : row.cells) g_object_unref(layout);
  };

  std::vector<std::string> header_markup;
  for (const std::string& h : table.header) header_markup.push_back(Markup(h));
  LaidOutRow header = lay_out(header_markup, nullptr, true);
  bool header_drawn = false;
  for (const auto& cells : table.rows) {
    std::vector<std::string> markups;
    for (const DocCell& c : cells) markups.push_back(CellMarkup(c));
    LaidOutRow row = lay_out(markups, &cells, false);
    double needed = row.height + (header_drawn ? 0 : header.height);
    if (pages.y() + needed > pages.Bottom()) {
      pages.NewPage();
      header_drawn = false;
    }
    if (!header_drawn) {
      draw(header);
      header_drawn = true;
    }
    draw(row);
    release(row);
  }
  if (!header_drawn) draw(header);
  release(header);
  TextStyle note;
  note.size = 11;
  note.italic = true;
  note.after = 0;
  pages.Skip(2);
  for (const std::string& n : table.notes) pages.Paragraph(Markup(n), note);
  pages.Skip(6);
}

void DrawBlocks(Pages& pages, const std::vector<DocBlock>& blocks, double table_size) {
  for (const DocBlock& b : blocks) {
    TextStyle body;
    body.align = PANGO_ALIGN_LEFT;
    body.justify = true;
    body.first_line = kFirstLineIndent;
    switch (b.kind) {
      case DocBlock::Kind::kHeading:
        body.bold = true;
        body.before = b.level <= 1 ? 6 : 3;
        pages.Paragraph(Markup(b.text), body, /*keep_with_next=*/true);
        break;
      case DocBlock::Kind::kAppendixTitle: {
        pages.NewPage();
        TextStyle title;
        title.bold = true;
        title.align = PANGO_ALIGN_CENTER;
        title.after = 2;
        for (absl::string_view line : absl::StrSplit(b.text, '\n')) {
          pages.Paragraph(Markup(line), title);
        }
        pages.Skip(4);
        break;
      }
      case DocBlock::Kind::kParagraph:
        body.italic = b.italic;
        pages.Paragraph(Markup(b.text), body);
        break;
      case DocBlock::Kind::kListItem:
        pages.Paragraph(Markup(absl::StrCat("- ", b.text)), body);
        break;
      case DocBlock::Kind::kTable:
        DrawTable(pages, b.table, table_size);
        break;
    }
  }
}

// Two columns side by side, each a list of (markup, style) lines; returns
// the lowest point reached.
double Columns(Pages& pages, double left_width,
               const std::vector<std::pair<std::string, TextStyle>>& left,
               const std::vector<std::pair<std::string, TextStyle>>& right,
               std::vector<std::pair<double, double>>* rule_under_left = nullptr,
               int rule_after_left_line = -1) {
  double top = pages.y();
  double bottom = top;
  auto column = [&](double x, double width, const std::vector<std::pair<std::string, TextStyle>>& lines,
                    bool is_left) {
    double y = top;
    int index = 0;
    for (const auto& [markup, style] : lines) {
      y += style.before;
      PangoLayout* layout = pages.Layout(markup, style, width);
      pages.Block(layout, x, y);
      double h = Pages::Height(layout);
      if (is_left && index == rule_after_left_line && rule_under_left != nullptr) {
        // A short rule under the issuing body, a third of the column wide.
        rule_under_left->push_back({x + width / 3, y + h + 4});
      }
      g_object_unref(layout);
      y += h + style.after;
      ++index;
    }
    bottom = std::max(bottom, y);
  };
  column(kLeft, left_width, left, true);
  column(kLeft + left_width, kTextWidth - left_width, right, false);
  return bottom;
}

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

absl::StatusOr<std::string> RenderPdf(const v1::CompiledReport& report) {
  ReportDocument doc = BuildDocument(report);
  std::string bytes;
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(Append, &bytes, kPageWidth, kPageHeight);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                 absl::StrCat(doc.type, " ", doc.summary).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR,
                                 report.compiler_display_name().c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "tonghop");
  const google::type::Date& day = report.compiled_on();
  std::string created = absl::StrFormat("%04d-%02d-%02dT00:00:00", day.year(), day.month(), day.day());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, created.c_str());
  cairo_status_t status;
  {
    Pages pages(surface);
    // The letterhead.
    auto style = [](double size, bool bold, bool italic = false, bool underline = false) {
      TextStyle s;
      s.size = size;
      s.bold = bold;
      s.italic = italic;
      s.underline = underline;
      s.align = PANGO_ALIGN_CENTER;
      s.after = 0;
      return s;
    };
    std::vector<std::pair<std::string, TextStyle>> left;
    if (!doc.governing_body.empty()) left.push_back({Markup(doc.governing_body), style(13, false)});
    left.push_back({Markup(doc.issuing_body), style(13, true)});
    int rule_line = static_cast<int>(left.size()) - 1;
    std::vector<std::pair<std::string, TextStyle>> right = {
        {Markup(doc.national_name), style(12, true)},
        {Markup(doc.motto), style(13, true, false, true)}};
    std::vector<std::pair<double, double>> rules;
    double left_width = 70 * kMm;
    double bottom = Columns(pages, left_width, left, right, &rules, rule_line);
    for (const auto& [x, y] : rules) pages.Rule(x, x + left_width / 3, y);
    pages.set_y(bottom + 10);
    TextStyle number = style(13, false);
    TextStyle date = style(14, false, true);
    bottom = Columns(pages, left_width, {{Markup(doc.number_line), number}},
                     {{Markup(doc.date_line), date}});
    pages.set_y(bottom + 18);
    TextStyle title = style(14, true);
    pages.Paragraph(Markup(doc.type), title);
    pages.Paragraph(Markup(doc.summary), title);
    pages.Rule(kLeft + kTextWidth / 2 - 40, kLeft + kTextWidth / 2 + 40, pages.y() + 5);
    pages.Skip(18);
    DrawBlocks(pages, doc.body, 12);

    // Recipients and signature, kept together.
    std::vector<std::pair<std::string, TextStyle>> recipients;
    TextStyle heading = style(12, true, true);
    heading.align = PANGO_ALIGN_LEFT;
    recipients.push_back({Markup(doc.recipients_title), heading});
    for (const std::string& line : doc.recipients) {
      TextStyle s = style(11, false);
      s.align = PANGO_ALIGN_LEFT;
      recipients.push_back({Markup(line), s});
    }
    std::vector<std::pair<std::string, TextStyle>> signature;
    if (!doc.signing_authority.empty()) signature.push_back({Markup(doc.signing_authority), style(14, true)});
    signature.push_back({Markup(doc.signer_title), style(14, true)});
    TextStyle name = style(14, true);
    name.before = 60;
    signature.push_back({Markup(doc.signer_name.empty() ? " " : doc.signer_name), name});
    if (pages.y() + 140 > pages.Bottom()) pages.NewPage();
    pages.Skip(6);
    bottom = Columns(pages, kTextWidth / 2, recipients, signature);
    pages.set_y(bottom);
    DrawBlocks(pages, doc.appendix, 11);
    status = pages.status();
  }
  cairo_surface_finish(surface);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(absl::StrCat("cairo: ", cairo_status_to_string(status)));
  }
  return bytes;
}

}  // namespace tonghop::aggregation
