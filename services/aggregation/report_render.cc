#include "services/aggregation/report_render.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/json_util.h"
#include "services/aggregation/report_document.h"
#include "services/aggregation/report_text.h"

namespace tonghop::aggregation {
namespace {

std::string PlanId(const v1::CompiledReport& r) {
  size_t slash = r.plan().rfind('/');
  return r.plan().substr(slash == std::string::npos ? 0 : slash + 1);
}
std::string AgencyId(const v1::CompiledReport& r) {
  size_t slash = r.agency().rfind('/');
  return r.agency().substr(slash == std::string::npos ? 0 : slash + 1);
}

// ---- Markdown ----

// Text from the registry and the agencies' reports, as Markdown shows it
// literally: on one line, no table, emphasis, link or code syntax, and no
// HTML (a summary holding <script> must stay text where the Markdown is
// shown as HTML).
std::string MdEscape(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"|", "\\|"},
                                    {"\r\n", " "},
                                    {"\n", " "},
                                    {"*", "\\*"},
                                    {"_", "\\_"},
                                    {"`", "\\`"},
                                    {"[", "\\["},
                                    {"]", "\\]"},
                                    {"&", "&amp;"},
                                    {"<", "&lt;"},
                                    {">", "&gt;"}});
}

std::string MdCell(const DocCell& cell) {
  std::string text = MdEscape(cell.text);
  if (cell.strong && !text.empty()) text = absl::StrCat("**", text, "**");
  if (cell.indent > 0) text = absl::StrCat("    ↳ ", text);
  if (cell.note > 0) absl::StrAppend(&text, " <sup>(", cell.note, ")</sup>");
  return text;
}

void MdTable(std::string& md, const DocTable& table) {
  std::vector<std::string> header;
  for (const std::string& h : table.header) header.push_back(MdEscape(h));
  absl::StrAppend(&md, "| ", absl::StrJoin(header, " | "), " |\n|");
  for (size_t i = 0; i < table.header.size(); ++i) {
    bool number = !table.rows.empty() && i < table.rows[0].size() && table.rows[0][i].number;
    md += number ? "---:|" : "---|";
  }
  md += "\n";
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (const DocCell& c : row) cells.push_back(MdCell(c));
    absl::StrAppend(&md, "| ", absl::StrJoin(cells, " | "), " |\n");
  }
  md += "\n";
  for (const std::string& note : table.notes) absl::StrAppend(&md, "*", MdEscape(note), "*  \n");
  if (!table.notes.empty()) md += "\n";
}

void MdBlocks(std::string& md, const std::vector<DocBlock>& blocks) {
  bool in_list = false;
  for (const DocBlock& b : blocks) {
    if (in_list && b.kind != DocBlock::Kind::kListItem) md += "\n";
    in_list = b.kind == DocBlock::Kind::kListItem;
    switch (b.kind) {
      case DocBlock::Kind::kHeading:
        absl::StrAppend(&md, b.level <= 1 ? "## " : "### ", MdEscape(b.text), "\n\n");
        break;
      case DocBlock::Kind::kAppendixTitle:
        absl::StrAppend(&md, "## ", MdEscape(absl::StrReplaceAll(b.text, {{"\n", " — "}})),
                        "\n\n");
        break;
      case DocBlock::Kind::kParagraph:
        absl::StrAppend(&md, b.italic ? "*" : "", MdEscape(b.text), b.italic ? "*" : "", "\n\n");
        break;
      case DocBlock::Kind::kListItem:
        absl::StrAppend(&md, "- ", MdEscape(b.text), "\n");
        break;
      case DocBlock::Kind::kTable:
        MdTable(md, b.table);
        break;
    }
  }
  if (in_list) md += "\n";
}

// ---- HTML ----

std::string Html(absl::string_view text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}});
}

void HtmlTable(std::string& h, const DocTable& table) {
  h += "<table>\n<thead><tr>";
  for (const std::string& header : table.header) absl::StrAppend(&h, "<th>", Html(header), "</th>");
  h += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    h += "<tr>";
    for (const DocCell& c : row) {
      std::vector<std::string> classes;
      if (c.number) classes.push_back("num");
      if (c.indent > 0) classes.push_back("sub");
      if (c.strong) classes.push_back("strong");
      h += "<td";
      if (!classes.empty()) absl::StrAppend(&h, " class=\"", absl::StrJoin(classes, " "), "\"");
      if (!c.hover.empty()) absl::StrAppend(&h, " title=\"", Html(c.hover), "\"");
      absl::StrAppend(&h, ">", Html(c.text));
      if (c.note > 0) absl::StrAppend(&h, "<sup>(", c.note, ")</sup>");
      h += "</td>";
    }
    h += "</tr>\n";
  }
  h += "</tbody>\n</table>\n";
  for (const std::string& note : table.notes) absl::StrAppend(&h, "<p class=\"note\">", Html(note), "</p>\n");
}

void HtmlBlocks(std::string& h, const std::vector<DocBlock>& blocks) {
  bool in_list = false;
  for (const DocBlock& b : blocks) {
    if (in_list && b.kind != DocBlock::Kind::kListItem) h += "</ul>\n";
    if (!in_list && b.kind == DocBlock::Kind::kListItem) h += "<ul>\n";
    in_list = b.kind == DocBlock::Kind::kListItem;
    switch (b.kind) {
      case DocBlock::Kind::kHeading:
        absl::StrAppend(&h, b.level <= 1 ? "<h2>" : "<h3>", Html(b.text),
                        b.level <= 1 ? "</h2>\n" : "</h3>\n");
        break;
      case DocBlock::Kind::kAppendixTitle:
        absl::StrAppend(&h, "<h2 class=\"appendix\">",
                        absl::StrReplaceAll(Html(b.text), {{"\n", "<br>"}}), "</h2>\n");
        break;
      case DocBlock::Kind::kParagraph:
        absl::StrAppend(&h, b.italic ? "<p class=\"meta\">" : "<p>", Html(b.text), "</p>\n");
        break;
      case DocBlock::Kind::kListItem:
        absl::StrAppend(&h, "<li>", Html(b.text), "</li>\n");
        break;
      case DocBlock::Kind::kTable:
        HtmlTable(h, b.table);
        break;
    }
  }
  if (in_list) h += "</ul>\n";
}

}  // namespace

std::string RenderMarkdown(const v1::CompiledReport& r) {
  ReportDocument doc = BuildDocument(r);
  std::string md;
  // The letterhead as a two-column table, as the decree lays it out.
  std::string left = doc.governing_body.empty()
                         ? absl::StrCat("**", doc.issuing_body, "**")
                         : absl::StrCat(doc.governing_body, "<br>**", doc.issuing_body, "**");
  absl::StrAppend(&md, "| ", left, " | **", doc.national_name, "**<br>**", doc.motto, "** |\n");
  absl::StrAppend(&md, "|:---:|:---:|\n| ", MdEscape(doc.number_line), " | *", doc.date_line,
                  "* |\n\n");
  absl::StrAppend(&md, "# ", doc.type, "\n\n**", MdEscape(doc.summary), "**\n\n");
  MdBlocks(md, doc.body);
  absl::StrAppend(&md, "**", doc.recipients_title, "**\n\n");
  for (const std::string& line : doc.recipients) absl::StrAppend(&md, MdEscape(line), "  \n");
  md += "\n";
  if (!doc.signing_authority.empty()) absl::StrAppend(&md, "**", doc.signing_authority, "**  \n");
  absl::StrAppend(&md, "**", doc.signer_title, "**\n\n");
  if (!doc.signer_name.empty()) absl::StrAppend(&md, "**", doc.signer_name, "**\n\n");
  md += "---\n\n";
  MdBlocks(md, doc.appendix);
  return md;
}

std::string RenderHtml(const v1::CompiledReport& r) {
  ReportDocument doc = BuildDocument(r);
  std::string h;
  absl::StrAppend(
      &h, "<!DOCTYPE html>\n<html lang=\"", doc.language, "\">\n<head>\n<meta charset=\"utf-8\">\n",
      "<title>", Html(doc.title), "</title>\n",
      "<style>\n"
      "body{font-family:\"Times New Roman\",\"Liberation Serif\",serif;font-size:14pt;"
      "line-height:1.35;max-width:48em;margin:2em auto;padding:0 1em}\n"
      "h1{font-size:14pt;text-align:center;margin:1.2em 0 0}\n"
      "h2{font-size:14pt;margin:1.2em 0 .4em}\n"
      "h3{font-size:14pt;margin:1em 0 .4em}\n"
      "h2.appendix{text-align:center;page-break-before:always}\n"
      "p{text-align:justify;margin:.4em 0;text-indent:0}\n"
      "p.summary{text-align:center;font-weight:bold;margin-top:0}\n"
      "p.meta,p.note{font-style:italic}\n"
      "p.note{font-size:12pt;margin:.1em 0}\n"
      "table{border-collapse:collapse;width:100%;margin:.4em 0}\n"
      "td,th{border:1px solid #444;padding:2px 6px;vertical-align:top;font-size:13pt}\n"
      "th{text-align:center}\n"
      "td.num{text-align:right;white-space:nowrap}\n"
      "td.sub{padding-left:1.6em}\n"
      "td.strong{font-weight:bold}\n"
      "table.letterhead td{border:none;text-align:center;width:50%;font-size:13pt}\n"
      "table.closing td{border:none;vertical-align:top;width:50%}\n"
      "td.recipients{font-size:11pt}\n"
      "td.signature{text-align:center;font-weight:bold}\n"
      "</style>\n</head>\n<body>\n");
  h += "<table class=\"letterhead\"><tr><td>";
  if (!doc.governing_body.empty()) absl::StrAppend(&h, Html(doc.governing_body), "<br>");
  absl::StrAppend(&h, "<b>", Html(doc.issuing_body), "</b></td><td><b>", Html(doc.national_name),
                  "</b><br><b><u>", Html(doc.motto), "</u></b></td></tr>\n<tr><td>",
                  Html(doc.number_line), "</td><td><i>", Html(doc.date_line),
                  "</i></td></tr></table>\n");
  absl::StrAppend(&h, "<h1>", Html(doc.type), "</h1>\n<p class=\"summary\">", Html(doc.summary),
                  "</p>\n");
  HtmlBlocks(h, doc.body);
  h += "<table class=\"closing\"><tr><td class=\"recipients\">";
  absl::StrAppend(&h, "<b><i>", Html(doc.recipients_title), "</i></b><br>\n");
  for (const std::string& line : doc.recipients) absl::StrAppend(&h, Html(line), "<br>\n");
  h += "</td><td class=\"signature\">";
  if (!doc.signing_authority.empty()) absl::StrAppend(&h, Html(doc.signing_authority), "<br>");
  absl::StrAppend(&h, Html(doc.signer_title), "<br><br><br><br>", Html(doc.signer_name),
                  "</td></tr></table>\n");
  HtmlBlocks(h, doc.appendix);
  h += "</body>\n</html>\n";
  return h;
}

std::string RenderJson(const v1::CompiledReport& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(report, &json, options).ok()) return "{}";
  return json;
}

absl::StatusOr<RenderedReport> RenderReport(const v1::CompiledReport& report,
                                            v1::ReportFormat format,
                                            const std::string& temp_dir) {
  RenderedReport rendered;
  std::string base = absl::StrCat("bao-cao-", AgencyId(report), "-", PlanId(report), "-",
                                  report.period());
  switch (format) {
    case v1::REPORT_FORMAT_MARKDOWN:
      rendered.content = RenderMarkdown(report);
      rendered.content_type = "text/markdown; charset=utf-8";
      rendered.filename = base + ".md";
      break;
    case v1::REPORT_FORMAT_HTML:
      rendered.content = RenderHtml(report);
      rendered.content_type = "text/html; charset=utf-8";
      rendered.filename = base + ".html";
      break;
    case v1::REPORT_FORMAT_XLSX: {
      absl::StatusOr<std::string> bytes = RenderXlsx(report, temp_dir);
      if (!bytes.ok()) return bytes.status();
      rendered.content = *std::move(bytes);
      rendered.content_type =
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
      rendered.filename = base + ".xlsx";
      break;
    }
    case v1::REPORT_FORMAT_DOCX: {
      absl::StatusOr<std::string> bytes = RenderDocx(report);
      if (!bytes.ok()) return bytes.status();
      rendered.content = *std::move(bytes);
      rendered.content_type =
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
      rendered.filename = base + ".docx";
      break;
    }
    case v1::REPORT_FORMAT_PDF: {
      absl::StatusOr<std::string> bytes = RenderPdf(report);
      if (!bytes.ok()) return bytes.status();
      rendered.content = *std::move(bytes);
      rendered.content_type = "application/pdf";
      rendered.filename = base + ".pdf";
      break;
    }
    default:
      rendered.content = RenderJson(report);
      rendered.content_type = "application/json";
      rendered.filename = base + ".json";
      break;
  }
  return rendered;
}

}  // namespace tonghop::aggregation
