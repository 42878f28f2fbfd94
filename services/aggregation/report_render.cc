#include "services/aggregation/report_render.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/json_util.h"
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

std::string FigureText(const v1::Figure& f, absl::string_view lang) {
  return f.present() ? f.value() : Text("no_data", lang);
}

std::string Assessment(const v1::CompiledStatistic& s, absl::string_view lang) {
  if (s.change().empty() || s.direction() == v1::DIRECTION_UNSPECIFIED) return "";
  return s.against_direction() ? Text("against", lang) : Text("as_wanted", lang);
}

std::string RoleText(const v1::AssigneeStatus& a, absl::string_view lang) {
  std::string role = a.lead() ? Text("lead", lang) : Text("coordinating", lang);
  if (a.requested()) absl::StrAppend(&role, ", ", Text("requested", lang));
  return role;
}

std::string CountingText(const v1::CompiledReport& r, absl::string_view lang) {
  return r.include_unreviewed() ? Text("counting_unreviewed", lang)
                                : Text("counting_accepted", lang);
}

// ---- Markdown ----

std::string MdCell(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"|", "\\|"}, {"\r\n", " "}, {"\n", " "}});
}

std::string MdRow(const std::vector<std::string>& cells) {
  std::vector<std::string> escaped;
  for (const std::string& c : cells) escaped.push_back(MdCell(c));
  return absl::StrCat("| ", absl::StrJoin(escaped, " | "), " |\n");
}

std::string MdRule(size_t columns) {
  std::string rule = "|";
  for (size_t i = 0; i < columns; ++i) rule += "---|";
  return rule + "\n";
}

// ---- HTML ----

std::string Html(absl::string_view text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}});
}

std::string HtmlRow(const std::vector<std::string>& cells, bool header = false) {
  std::string tag = header ? "th" : "td";
  std::string row = "<tr>";
  for (const std::string& c : cells) absl::StrAppend(&row, "<", tag, ">", Html(c), "</", tag, ">");
  return row + "</tr>\n";
}

std::vector<std::string> StatisticHeader(const v1::CompiledReport& r, absl::string_view lang) {
  return {Text("indicator", lang),
          Text("unit", lang),
          absl::StrCat(Text("current", lang), " (", r.period(), ")"),
          absl::StrCat(Text("previous", lang), " (", r.previous_period(), ")"),
          Text("change", lang),
          Text("direction", lang),
          Text("assessment", lang),
          Text("contributors", lang)};
}

std::vector<std::vector<std::string>> StatisticRows(const v1::CompiledReport& r,
                                                    absl::string_view lang) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::CompiledStatistic& s : r.statistics()) {
    std::string current = FigureText(s.current(), lang);
    if (s.aggregation() == v1::Indicator::AGGREGATION_RATIO && s.current().present()) {
      absl::StrAppend(&current, " (", s.current().numerator(), "/", s.current().denominator(), ")");
    }
    rows.push_back({s.display_name(), s.unit(), current, FigureText(s.previous(), lang), s.change(),
                    DirectionLabel(s.direction(), lang), Assessment(s, lang),
                    absl::StrCat(s.current().contributors())});
    for (const v1::RollupRow& row : s.rows()) {
      rows.push_back({absl::StrCat("    ↳ ", row.label()), s.unit(), FigureText(row.figure(), lang),
                      "", "", "", "", absl::StrCat(row.figure().contributors())});
    }
  }
  return rows;
}

std::vector<std::pair<std::string, std::string>> CompletenessRows(const v1::CompiledReport& r,
                                                                  absl::string_view lang) {
  const v1::CompletenessResponse& c = r.completeness();
  std::vector<std::pair<std::string, std::string>> rows = {
      {Text("expected", lang), absl::StrCat(c.expected())},
      {Text("received", lang), absl::StrCat(c.received())},
      {Text("on_time", lang), absl::StrCat(c.on_time())},
      {Text("late", lang), absl::StrCat(c.late())},
      {Text("missing", lang), absl::StrCat(c.missing())},
      {Text("awaiting_review", lang), absl::StrCat(c.awaiting_review())},
      {Text("returned", lang), absl::StrCat(c.returned())},
  };
  if (c.has_due_date()) rows.push_back({Text("due_date", lang), DateText(c.due_date(), lang)});
  return rows;
}

std::string MissingLine(const v1::Reporter& m, absl::string_view lang) {
  std::string line = m.display_name();
  if (m.state() == v1::REPORTER_STATE_RETURNED) {
    absl::StrAppend(&line, " (", ReporterStateLabel(m.state(), lang), ")");
  }
  if (m.requested()) absl::StrAppend(&line, " (", Text("requested", lang), ")");
  return line;
}

}  // namespace

std::string RenderMarkdown(const v1::CompiledReport& r) {
  const std::string& lang = r.language().empty() ? "vi" : r.language();
  std::string md;
  absl::StrAppend(&md, "# ", Text("title", lang), "\n\n");
  absl::StrAppend(&md, "## ", absl::StrFormat(Text("title_line", lang).c_str(), r.plan_symbol()),
                  "\n\n");
  absl::StrAppend(&md, "**", Text("issuer", lang), ":** ", r.compiler_display_name(), "  \n");
  absl::StrAppend(&md, "**", Text("for_agency", lang), ":** ", r.agency_display_name(), "  \n");
  absl::StrAppend(&md, "**", Text("plan", lang), ":** ", r.plan_symbol(), " — ", r.plan_title(),
                  "  \n");
  absl::StrAppend(&md, "**", Text("period", lang), ":** ", r.period(), "  \n");
  absl::StrAppend(&md, "**", Text("compiled_on", lang), ":** ", DateText(r.compiled_on(), lang),
                  "  \n");
  absl::StrAppend(&md, "**", Text("counting", lang), ":** ", CountingText(r, lang), " (",
                  Text("feed_position", lang), " ", r.applied_sequence(), ")\n\n");

  absl::StrAppend(&md, "## ", Text("completeness", lang), "\n\n");
  md += MdRow({"", ""});
  md += MdRule(2);
  for (const auto& [label, value] : CompletenessRows(r, lang)) md += MdRow({label, value});
  absl::StrAppend(&md, "\n### ", Text("missing_list", lang), "\n\n");
  if (r.completeness().missing_reporters().empty()) {
    absl::StrAppend(&md, Text("none", lang), "\n");
  }
  for (const v1::Reporter& m : r.completeness().missing_reporters()) {
    absl::StrAppend(&md, "- ", MissingLine(m, lang), "\n");
  }

  absl::StrAppend(&md, "\n## ", Text("tasks", lang), "\n\n");
  for (const v1::TaskStatusEntry& t : r.tasks()) {
    int level = std::min(t.depth() + 2, 6);
    absl::StrAppend(&md, std::string(level, '#'), " ", t.outline(), ". ", MdCell(t.title()));
    if (t.overdue()) absl::StrAppend(&md, " — **", Text("overdue", lang), "**");
    md += "\n\n";
    if (!t.deadline_text().empty()) {
      absl::StrAppend(&md, "*", Text("deadline", lang), ":* ", t.deadline_text(), "\n\n");
    }
    for (const v1::AssigneeStatus& a : t.assignees()) {
      if (!a.lead()) continue;
      absl::StrAppend(&md, "- **", a.display_name(), "** (", RoleText(a, lang), "): ",
                      ProgressLabel(a.status(), lang));
      if (!a.summary().empty()) absl::StrAppend(&md, " — ", MdCell(a.summary()));
      md += "\n";
    }
    if (t.leads() > 0) md += "\n";
  }

  absl::StrAppend(&md, "## ", Text("statistics", lang), "\n\n");
  std::vector<std::string> header = StatisticHeader(r, lang);
  md += MdRow(header);
  md += MdRule(header.size());
  for (const auto& row : StatisticRows(r, lang)) md += MdRow(row);
  return md;
}

std::string RenderHtml(const v1::CompiledReport& r) {
  const std::string& lang = r.language().empty() ? "vi" : r.language();
  std::string h;
  absl::StrAppend(&h, "<!DOCTYPE html>\n<html lang=\"", lang, "\">\n<head>\n<meta charset=\"utf-8\">\n",
                  "<title>", Html(Text("title", lang)), " ", Html(r.plan_symbol()), " ",
                  Html(r.period()), "</title>\n",
                  "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
                  "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}"
                  ".overdue{color:#b00;font-weight:bold}.against{color:#b00}</style>\n",
                  "</head>\n<body>\n");
  absl::StrAppend(&h, "<h1>", Html(Text("title", lang)), "</h1>\n<h2>",
                  Html(absl::StrFormat(Text("title_line", lang).c_str(), r.plan_symbol())),
                  "</h2>\n<p>\n");
  auto line = [&](absl::string_view key, absl::string_view value) {
    absl::StrAppend(&h, "<b>", Html(Text(key, lang)), ":</b> ", Html(value), "<br>\n");
  };
  line("issuer", r.compiler_display_name());
  line("for_agency", r.agency_display_name());
  line("plan", absl::StrCat(r.plan_symbol(), " — ", r.plan_title()));
  line("period", r.period());
  line("compiled_on", DateText(r.compiled_on(), lang));
  line("counting", absl::StrCat(CountingText(r, lang), " (", Text("feed_position", lang), " ",
                                r.applied_sequence(), ")"));
  absl::StrAppend(&h, "</p>\n<h2>", Html(Text("completeness", lang)), "</h2>\n<table>\n");
  for (const auto& [label, value] : CompletenessRows(r, lang)) h += HtmlRow({label, value});
  absl::StrAppend(&h, "</table>\n<h3>", Html(Text("missing_list", lang)), "</h3>\n<ul>\n");
  if (r.completeness().missing_reporters().empty()) {
    absl::StrAppend(&h, "<li>", Html(Text("none", lang)), "</li>\n");
  }
  for (const v1::Reporter& m : r.completeness().missing_reporters()) {
    absl::StrAppend(&h, "<li>", Html(MissingLine(m, lang)), "</li>\n");
  }
  absl::StrAppend(&h, "</ul>\n<h2>", Html(Text("tasks", lang)), "</h2>\n");
  for (const v1::TaskStatusEntry& t : r.tasks()) {
    int level = std::min(t.depth() + 2, 6);
    absl::StrAppend(&h, "<h", level, ">", Html(t.outline()), ". ", Html(t.title()));
    if (t.overdue()) {
      absl::StrAppend(&h, " <span class=\"overdue\">", Html(Text("overdue", lang)), "</span>");
    }
    absl::StrAppend(&h, "</h", level, ">\n");
    if (!t.deadline_text().empty()) {
      absl::StrAppend(&h, "<p><i>", Html(Text("deadline", lang)), ":</i> ",
                      Html(t.deadline_text()), "</p>\n");
    }
    if (t.leads() == 0) continue;
    h += "<ul>\n";
    for (const v1::AssigneeStatus& a : t.assignees()) {
      if (!a.lead()) continue;
      absl::StrAppend(&h, "<li><b>", Html(a.display_name()), "</b> (", Html(RoleText(a, lang)),
                      "): ", Html(ProgressLabel(a.status(), lang)));
      if (!a.summary().empty()) absl::StrAppend(&h, " — ", Html(a.summary()));
      h += "</li>\n";
    }
    h += "</ul>\n";
  }
  absl::StrAppend(&h, "<h2>", Html(Text("statistics", lang)), "</h2>\n<table>\n");
  h += HtmlRow(StatisticHeader(r, lang), true);
  for (const auto& row : StatisticRows(r, lang)) h += HtmlRow(row);
  h += "</table>\n</body>\n</html>\n";
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
    default:
      rendered.content = RenderJson(report);
      rendered.content_type = "application/json";
      rendered.filename = base + ".json";
      break;
  }
  return rendered;
}

}  // namespace tonghop::aggregation
