// The compiled report as an Office Open XML document (.docx), laid out as
// Decree 30/2020/NĐ-CP sets an administrative document: A4, margins 20 mm
// top and bottom, 30 mm left, 20 mm right; Times New Roman, the body in
// 14 pt; the letterhead in two columns; page numbers centred at the top
// from the second page. The XML is written here element by element, in the
// order the schema (ECMA-376) requires, so that Word and LibreOffice open
// it without repair; libzip packs it.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "services/aggregation/report_document.h"
#include "services/aggregation/report_render.h"
#include "services/aggregation/zip_writer.h"

namespace tonghop::aggregation {
namespace {

constexpr char kW[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr char kR[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr char kXmlHeader[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr char kFont[] = "Times New Roman";

// A4 and the decree's margins, in twentieths of a point.
constexpr int kPageWidth = 11906;
constexpr int kPageHeight = 16838;
constexpr int kMarginTop = 1134;
constexpr int kMarginBottom = 1134;
constexpr int kMarginLeft = 1701;
constexpr int kMarginRight = 1134;
constexpr int kTextWidth = kPageWidth - kMarginLeft - kMarginRight;
// The first line of a body paragraph is indented 1 cm.
constexpr int kFirstLineIndent = 567;

// Font sizes in half-points.
constexpr int kBody = 28;        // 14 pt
constexpr int kLetterhead = 26;  // 13 pt
constexpr int kNationalName = 24;
constexpr int kTableText = 24;
constexpr int kAppendixTable = 22;
constexpr int kRecipients = 22;

std::string Xml(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

struct Run {
  std::string text;
  bool bold = false;
  bool italic = false;
  bool underline = false;
  bool superscript = false;
  int size = kBody;
};

// w:r with its properties in the schema's order (rFonts … b, i … sz … u …
// vertAlign).
std::string RunXml(const Run& run) {
  if (run.text.empty()) return "";
  std::string props;
  if (run.bold) props += "<w:b/><w:bCs/>";
  if (run.italic) props += "<w:i/><w:iCs/>";
  absl::StrAppend(&props, "<w:sz w:val=\"", run.size, "\"/><w:szCs w:val=\"", run.size, "\"/>");
  if (run.underline) props += "<w:u w:val=\"single\"/>";
  if (run.superscript) props += "<w:vertAlign w:val=\"superscript\"/>";
  return absl::StrCat("<w:r><w:rPr>", props, "</w:rPr><w:t xml:space=\"preserve\">", Xml(run.text),
                      "</w:t></w:r>");
}

struct ParagraphStyle {
  std::string align = "both";  // both, center, left, right
  int first_line = 0;
  int left = 0;
  int before = 0;
  int after = 120;
  bool keep_next = false;
  bool page_break_before = false;
  // A short rule under an empty paragraph: indentation on both sides.
  int rule_indent = -1;
};

// w:p with w:pPr children in the schema's order: keepNext, pageBreakBefore,
// pBdr, spacing, ind, jc.
std::string Paragraph(const std::vector<Run>& runs, const ParagraphStyle& style) {
  std::string props;
  if (style.keep_next) props += "<w:keepNext/>";
  if (style.page_break_before) props += "<w:pageBreakBefore/>";
  if (style.rule_indent >= 0) {
    props += "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>";
  }
  absl::StrAppend(&props, "<w:spacing w:before=\"", style.before, "\" w:after=\"", style.after,
                  "\" w:line=\"264\" w:lineRule=\"auto\"/>");
  int left = style.rule_indent >= 0 ? style.rule_indent : style.left;
  int right = style.rule_indent >= 0 ? style.rule_indent : 0;
  if (left > 0 || right > 0 || style.first_line > 0) {
    absl::StrAppend(&props, "<w:ind w:left=\"", left, "\" w:right=\"", right, "\"");
    if (style.first_line > 0) absl::StrAppend(&props, " w:firstLine=\"", style.first_line, "\"");
    props += "/>";
  }
  absl::StrAppend(&props, "<w:jc w:val=\"", style.align, "\"/>");
  std::string p = absl::StrCat("<w:p><w:pPr>", props, "</w:pPr>");
  for (const Run& run : runs) p += RunXml(run);
  return p + "</w:p>";
}

std::string Paragraph(const Run& run, const ParagraphStyle& style) {
  return Paragraph(std::vector<Run>{run}, style);
}

ParagraphStyle Centered(int after = 0) {
  ParagraphStyle s;
  s.align = "center";
  s.after = after;
  return s;
}

ParagraphStyle Body() {
  ParagraphStyle s;
  s.first_line = kFirstLineIndent;
  return s;
}

struct CellXml {
  std::string content;  // one or more w:p
  int width = 0;
  bool shaded = false;
};

// w:tbl: tblPr (tblW, tblBorders, tblLayout, tblCellMar), tblGrid, then
// rows (trPr: cantSplit, tblHeader), cells (tcPr: tcW, shd, vAlign).
std::string Table(const std::vector<int>& widths, const std::vector<std::vector<CellXml>>& rows,
                  bool borders, int header_rows) {
  int total = 0;
  for (int w : widths) total += w;
  std::string border = borders ? "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\""
                               : "w:val=\"nil\"";
  std::string t = absl::StrCat("<w:tbl><w:tblPr><w:tblW w:w=\"", total, "\" w:type=\"dxa\"/>",
                               "<w:jc w:val=\"center\"/><w:tblBorders>");
  for (const char* side : {"top", "left", "bottom", "right", "insideH", "insideV"}) {
    absl::StrAppend(&t, "<w:", side, " ", border, "/>");
  }
  absl::StrAppend(&t, "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>",
                  "<w:left w:w=\"", borders ? 80 : 0, "\" w:type=\"dxa\"/><w:right w:w=\"",
                  borders ? 80 : 0, "\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>");
  for (int w : widths) absl::StrAppend(&t, "<w:gridCol w:w=\"", w, "\"/>");
  t += "</w:tblGrid>";
  for (size_t r = 0; r < rows.size(); ++r) {
    t += "<w:tr><w:trPr><w:cantSplit/>";
    if (static_cast<int>(r) < header_rows) t += "<w:tblHeader/>";
    t += "</w:trPr>";
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const CellXml& cell = rows[r][c];
      absl::StrAppend(&t, "<w:tc><w:tcPr><w:tcW w:w=\"", widths[c], "\" w:type=\"dxa\"/>");
      if (cell.shaded) t += "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"EDEDED\"/>";
      t += "<w:vAlign w:val=\"top\"/></w:tcPr>";
      t += cell.content.empty() ? "<w:p/>" : cell.content;
      t += "</w:tc>";
    }
    t += "</w:tr>";
  }
  return t + "</w:tbl>";
}

// The columns' widths in twips, from relative widths, filling the text
// width.
std::vector<int> Widths(const std::vector<double>& relative, size_t columns) {
  std::vector<double> r = relative;
  r.resize(columns, 1.0);
  double sum = 0;
  for (double w : r) sum += w;
  std::vector<int> widths;
  int used = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    int w = i + 1 == r.size() ? kTextWidth - used : static_cast<int>(kTextWidth * r[i] / sum);
    used += w;
    widths.push_back(w);
  }
  return widths;
}

std::string DocTableXml(const DocTable& table, int size) {
  std::vector<int> widths = Widths(table.widths, table.header.size());
  std::vector<std::vector<CellXml>> rows;
  std::vector<CellXml> header;
  for (const std::string& h : table.header) {
    Run run{h};
    run.bold = true;
    run.size = size;
    header.push_back({Paragraph(run, Centered()), 0, true});
  }
  rows.push_back(std::move(header));
  for (const auto& row : table.rows) {
    std::vector<CellXml> cells;
    for (const DocCell& c : row) {
      ParagraphStyle style;
      style.after = 0;
      style.align = c.number ? "right" : "left";
      style.left = c.indent * 284;
      Run run{c.text};
      run.bold = c.strong;
      run.size = size;
      std::vector<Run> runs{run};
      if (c.note > 0) {
        Run note{absl::StrCat("(", c.note, ")")};
        note.superscript = true;
        note.size = size;
        runs.push_back(note);
      }
      cells.push_back({Paragraph(runs, style)});
    }
    rows.push_back(std::move(cells));
  }
  std::string xml = Table(widths, rows, /*borders=*/true, /*header_rows=*/1);
  for (const std::string& note : table.notes) {
    Run run{note};
    run.italic = true;
    run.size = kRecipients;
    ParagraphStyle style;
    style.after = 0;
    xml += Paragraph(run, style);
  }
  // A table is followed by a paragraph in Word's model; a small gap too.
  xml += Paragraph(Run{""}, Centered(60));
  return xml;
}

std::string BlocksXml(const std::vector<DocBlock>& blocks, int table_size) {
  std::string xml;
  for (const DocBlock& b : blocks) {
    switch (b.kind) {
      case DocBlock::Kind::kHeading: {
        Run run{b.text};
        run.bold = true;
        ParagraphStyle style = Body();
        style.keep_next = true;
        style.before = b.level <= 1 ? 120 : 60;
        xml += Paragraph(run, style);
        break;
      }
      case DocBlock::Kind::kAppendixTitle: {
        bool first = true;
        for (absl::string_view line : absl::StrSplit(b.text, '\n')) {
          Run run{std::string(line)};
          run.bold = true;
          ParagraphStyle style = Centered(first ? 0 : 120);
          style.page_break_before = first;
          style.keep_next = true;
          xml += Paragraph(run, style);
          first = false;
        }
        break;
      }
      case DocBlock::Kind::kParagraph: {
        Run run{b.text};
        run.italic = b.italic;
        xml += Paragraph(run, Body());
        break;
      }
      case DocBlock::Kind::kListItem:
        xml += Paragraph(Run{absl::StrCat("- ", b.text)}, Body());
        break;
      case DocBlock::Kind::kTable:
        xml += DocTableXml(b.table, table_size);
        break;
    }
  }
  return xml;
}

// The letterhead: governing and issuing body with the number on the left,
// the national name and motto with the place and date on the right.
std::string LetterheadXml(const ReportDocument& doc) {
  std::vector<int> widths = {3900, kTextWidth - 3900};
  std::string left;
  if (!doc.governing_body.empty()) {
    Run governing{doc.governing_body};
    governing.size = kLetterhead;
    left += Paragraph(governing, Centered());
  }
  Run issuing{doc.issuing_body};
  issuing.bold = true;
  issuing.size = kLetterhead;
  left += Paragraph(issuing, Centered());
  ParagraphStyle rule = Centered(0);
  rule.rule_indent = 1250;
  left += Paragraph(Run{""}, rule);
  Run national{doc.national_name};
  national.bold = true;
  national.size = kNationalName;
  Run motto{doc.motto};
  motto.bold = true;
  motto.underline = true;
  motto.size = kLetterhead;
  std::string right = Paragraph(national, Centered()) + Paragraph(motto, Centered());
  Run number{doc.number_line};
  number.size = kLetterhead;
  Run date{doc.date_line};
  date.italic = true;
  date.size = kBody;
  std::vector<std::vector<CellXml>> rows = {
      {{left}, {right}},
      {{Paragraph(number, Centered(120))}, {Paragraph(date, Centered(120))}}};
  return Table(widths, rows, /*borders=*/false, /*header_rows=*/0);
}

std::string ClosingXml(const ReportDocument& doc) {
  std::vector<int> widths = {kTextWidth / 2, kTextWidth - kTextWidth / 2};
  Run title{doc.recipients_title};
  title.bold = true;
  title.italic = true;
  title.size = kTableText;
  ParagraphStyle left_style;
  left_style.align = "left";
  left_style.after = 0;
  std::string left = Paragraph(title, left_style);
  for (const std::string& line : doc.recipients) {
    Run run{line};
    run.size = kRecipients;
    left += Paragraph(run, left_style);
  }
  std::string right;
  for (const std::string& line : {doc.signing_authority, doc.signer_title}) {
    if (line.empty()) continue;
    Run run{line};
    run.bold = true;
    right += Paragraph(run, Centered());
  }
  // Room for the signature and the seal.
  for (int i = 0; i < 4; ++i) right += Paragraph(Run{""}, Centered());
  Run name{doc.signer_name};
  name.bold = true;
  right += Paragraph(name, Centered());
  return Table(widths, {{{left}, {right}}}, /*borders=*/false, /*header_rows=*/0);
}

std::string DocumentXml(const ReportDocument& doc) {
  std::string body = LetterheadXml(doc);
  Run type{doc.type};
  type.bold = true;
  body += Paragraph(type, Centered());
  Run summary{doc.summary};
  summary.bold = true;
  body += Paragraph(summary, Centered());
  ParagraphStyle rule = Centered(240);
  rule.rule_indent = 3600;
  body += Paragraph(Run{""}, rule);
  body += BlocksXml(doc.body, kTableText);
  body += ClosingXml(doc);
  body += BlocksXml(doc.appendix, kAppendixTable);
  return absl::StrCat(
      kXmlHeader, "<w:document xmlns:w=\"", kW, "\" xmlns:r=\"", kR, "\"><w:body>", body,
      "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/>",
      "<w:pgSz w:w=\"", kPageWidth, "\" w:h=\"", kPageHeight, "\"/>",
      "<w:pgMar w:top=\"", kMarginTop, "\" w:right=\"", kMarginRight, "\" w:bottom=\"",
      kMarginBottom, "\" w:left=\"", kMarginLeft, "\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>",
      "<w:titlePg/></w:sectPr></w:body></w:document>");
}

std::string StylesXml(absl::string_view language) {
  std::string lang = language == "en" ? "en-GB" : "vi-VN";
  return absl::StrCat(
      kXmlHeader, "<w:styles xmlns:w=\"", kW, "\"><w:docDefaults><w:rPrDefault><w:rPr>",
      "<w:rFonts w:ascii=\"", kFont, "\" w:hAnsi=\"", kFont, "\" w:eastAsia=\"", kFont,
      "\" w:cs=\"", kFont, "\"/><w:sz w:val=\"", kBody, "\"/><w:szCs w:val=\"", kBody,
      "\"/><w:lang w:val=\"", lang, "\" w:eastAsia=\"", lang, "\" w:bidi=\"ar-SA\"/>",
      "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"264\" "
      "w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>",
      "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
      "<w:qFormat/></w:style>",
      "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal "
      "Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd "
      "w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" "
      "w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/>"
      "</w:tblCellMar></w:tblPr></w:style></w:styles>");
}

std::string HeaderXml() {
  return absl::StrCat(
      kXmlHeader, "<w:hdr xmlns:w=\"", kW, "\" xmlns:r=\"", kR, "\"><w:p><w:pPr><w:jc w:val=\"center\"/>",
      "</w:pPr><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText "
      "xml:space=\"preserve\"> PAGE </w:instrText></w:r><w:r><w:fldChar "
      "w:fldCharType=\"separate\"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar "
      "w:fldCharType=\"end\"/></w:r></w:p></w:hdr>");
}

}  // namespace

absl::StatusOr<std::string> RenderDocx(const v1::CompiledReport& report) {
  ReportDocument doc = BuildDocument(report);
  const google::type::Date& day = report.compiled_on();
  std::string created = absl::StrFormat("%04d-%02d-%02dT00:00:00Z", day.year(), day.month(), day.day());
  std::vector<std::pair<std::string, std::string>> files = {
      {"[Content_Types].xml",
       absl::StrCat(
           kXmlHeader,
           "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
           "<Default Extension=\"rels\" "
           "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
           "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
           "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
           "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
           "<Override PartName=\"/word/styles.xml\" ContentType=\"application/"
           "vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
           "<Override PartName=\"/word/settings.xml\" ContentType=\"application/"
           "vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
           "<Override PartName=\"/word/header1.xml\" ContentType=\"application/"
           "vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
           "<Override PartName=\"/docProps/core.xml\" "
           "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
           "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/"
           "vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>")},
      {"_rels/.rels",
       absl::StrCat(
           kXmlHeader,
           "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
           "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
           "relationships/officeDocument\" Target=\"word/document.xml\"/>"
           "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/"
           "relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
           "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
           "relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>")},
      {"word/_rels/document.xml.rels",
       absl::StrCat(
           kXmlHeader,
           "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
           "<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
           "2006/relationships/styles\" Target=\"styles.xml\"/>"
           "<Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/"
           "officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>"
           "<Relationship Id=\"rIdHeader\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
           "2006/relationships/header\" Target=\"header1.xml\"/></Relationships>")},
      {"word/document.xml", DocumentXml(doc)},
      {"word/styles.xml", StylesXml(doc.language)},
      {"word/settings.xml",
       absl::StrCat(kXmlHeader, "<w:settings xmlns:w=\"", kW,
                    "\"><w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl "
                    "w:val=\"doNotCompress\"/><w:compat><w:compatSetting "
                    "w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" "
                    "w:val=\"15\"/></w:compat></w:settings>")},
      {"word/header1.xml", HeaderXml()},
      {"docProps/core.xml",
       absl::StrCat(
           kXmlHeader,
           "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
           "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
           "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>",
           Xml(absl::StrCat(doc.type, " ", doc.summary)), "</dc:title><dc:creator>",
           Xml(report.compiler_display_name()), "</dc:creator><dc:language>",
           doc.language == "en" ? "en-GB" : "vi-VN",
           "</dc:language><dcterms:created xsi:type=\"dcterms:W3CDTF\">", created,
           "</dcterms:created></cp:coreProperties>")},
      {"docProps/app.xml",
       absl::StrCat(kXmlHeader,
                    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                    "extended-properties\"><Application>tonghop</Application></Properties>")},
  };
  return ZipArchive(files);
}

}  // namespace tonghop::aggregation
