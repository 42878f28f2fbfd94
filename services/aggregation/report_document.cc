#include "services/aggregation/report_document.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/substitute.h"
#include "absl/time/time.h"
#include "services/aggregation/report_text.h"
#include "services/common/display_format.h"
#include "services/common/period.h"
#include "services/common/text.h"

namespace tonghop::aggregation {
namespace {

bool IsSuppressed(const v1::Figure& f) {
  return f.unavailable_reason() == v1::UNAVAILABLE_REASON_SUPPRESSED_SMALL_COUNT ||
         f.unavailable_reason() == v1::UNAVAILABLE_REASON_SUPPRESSED_COMPLEMENTARY;
}

// Numbers the notes of figures across the whole document: the same text
// gets the same number wherever it appears.
class Notes {
 public:
  int Number(const std::string& note) {
    auto it = std::find(notes_.begin(), notes_.end(), note);
    if (it != notes_.end()) return static_cast<int>(it - notes_.begin()) + 1;
    notes_.push_back(note);
    return static_cast<int>(notes_.size());
  }

 private:
  std::vector<std::string> notes_;
};

class Builder {
 public:
  explicit Builder(const v1::CompiledReport& report)
      : r_(report), lang_(report.language().empty() ? "vi" : report.language()) {}

  ReportDocument Build();

 private:
  std::string T(absl::string_view key) const { return aggregation::Text(key, lang_); }
  std::string Number(absl::string_view exact) const { return FormatNumber(exact, lang_); }

  // A figure's cell: its value, "—" when not available, "x" when withheld;
  // with a note when there is one. Ratios show their parts: "90,38
  // (47/52)".
  DocCell FigureCell(const v1::Figure& f, bool ratio, DocTable& table) {
    DocCell cell;
    cell.number = true;
    if (f.present()) {
      cell.text = Number(f.value());
      if (ratio) absl::StrAppend(&cell.text, " (", Number(f.numerator()), "/", Number(f.denominator()), ")");
    } else {
      cell.text = IsSuppressed(f) ? "x" : "—";
    }
    if (!f.note().empty()) {
      cell.note = notes_.Number(f.note());
      cell.hover = f.note();
      std::string line = absl::StrCat("(", cell.note, ") ", f.note());
      if (std::find(table.notes.begin(), table.notes.end(), line) == table.notes.end()) {
        table.notes.push_back(line);
      }
    }
    return cell;
  }
  DocCell Cell(std::string text, bool strong = false, int indent = 0) const {
    DocCell cell;
    cell.text = std::move(text);
    cell.strong = strong;
    cell.indent = indent;
    return cell;
  }
  DocCell Count(int64_t n) const {
    DocCell cell = Cell(FormatCount(n, lang_));
    cell.number = true;
    return cell;
  }

  // How many reports a figure comes from; blank for one not available
  // from any.
  DocCell Contributors(const v1::Figure& f) const {
    if (!f.present() && f.contributors() == 0) return Cell("");
    return Count(f.contributors());
  }

  std::string Assessment(const v1::CompiledStatistic& s) const {
    if (s.change().empty() || s.direction() == v1::DIRECTION_UNSPECIFIED) return "";
    return s.against_direction() ? T("against") : T("as_wanted");
  }

  void Heading(std::vector<DocBlock>& out, int level, std::string text) const {
    DocBlock b;
    b.kind = DocBlock::Kind::kHeading;
    b.level = level;
    b.text = std::move(text);
    out.push_back(std::move(b));
  }
  void Paragraph(std::vector<DocBlock>& out, std::string text, bool italic = false) const {
    DocBlock b;
    b.kind = DocBlock::Kind::kParagraph;
    b.text = std::move(text);
    b.italic = italic;
    out.push_back(std::move(b));
  }
  void Narrative(std::vector<DocBlock>& out, const std::string& text) const {
    for (DocBlock& b : NarrativeBlocks(text)) out.push_back(std::move(b));
  }
  void Table(std::vector<DocBlock>& out, DocTable table) const {
    DocBlock b;
    b.kind = DocBlock::Kind::kTable;
    b.table = std::move(table);
    out.push_back(std::move(b));
  }

  std::string DataAsOf() const {
    std::string counting =
        r_.include_unreviewed() ? T("counting_unreviewed_doc") : T("counting_accepted_doc");
    if (!r_.has_data_as_of()) return absl::Substitute(T("doc_no_data_yet"), counting);
    absl::Time t = absl::FromUnixSeconds(r_.data_as_of().seconds()) +
                   absl::Nanoseconds(r_.data_as_of().nanos());
    return absl::Substitute(T("doc_data_as_of"), FormatDateTime(t), counting);
  }

  void Situation(std::vector<DocBlock>& body);
  void Results(std::vector<DocBlock>& body);
  DocTable GroupFigures(const std::vector<const v1::CompiledStatistic*>& stats);
  void StatisticsAppendix(std::vector<DocBlock>& appendix);
  // A crossing of `s` as a table: a row per row option, a column per
  // column option.
  DocTable CrossingTable(const v1::CompiledStatistic& s, const v1::CompiledCrossing& crossing);
  void TasksAppendix(std::vector<DocBlock>& appendix);

  const v1::CompiledReport& r_;
  const std::string lang_;
  Notes notes_;
  // The report's number and date of issue, as the appendices cite them.
  std::string number_;
  std::string issued_on_;
};

void Builder::Situation(std::vector<DocBlock>& body) {
  Heading(body, 1, T("doc_section_situation"));
  Narrative(body, r_.draft().situation());
  Paragraph(body, DataAsOf(), /*italic=*/true);
  const v1::CompletenessResponse& c = r_.completeness();
  Paragraph(body, T("doc_reports_received"));
  DocTable table;
  table.header = {T("doc_reports_item"), T("doc_reports_count")};
  table.widths = {4, 1};
  for (const auto& [key, value] : CompletenessCounts(c)) {
    table.rows.push_back({Cell(T(key)), Count(value)});
  }
  if (c.has_due_date()) {
    DocCell due = Cell(FormatDate(c.due_date()));
    due.number = true;
    table.rows.push_back({Cell(T("due_date")), due});
  }
  Table(body, std::move(table));
  if (!c.missing_reporters().empty()) {
    std::vector<std::string> names;
    for (const v1::Reporter& m : c.missing_reporters()) {
      std::string name = m.display_name();
      if (m.state() == v1::REPORTER_STATE_RETURNED) {
        absl::StrAppend(&name, " (", ReporterStateLabel(m.state(), lang_), ")");
      }
      if (m.requested()) absl::StrAppend(&name, " (", T("requested"), ")");
      names.push_back(std::move(name));
    }
    Paragraph(body, absl::Substitute(T("doc_missing_list"), absl::StrJoin(names, "; ")));
  }
}

DocTable Builder::GroupFigures(const std::vector<const v1::CompiledStatistic*>& stats) {
  DocTable table;
  table.header = {T("indicator"), T("unit"), absl::StrCat(T("current"), " (", r_.period(), ")"),
                  absl::StrCat(T("previous"), " (", r_.previous_period(), ")"), T("change")};
  table.widths = {6, 1.6, 2.2, 2.2, 1.6};
  for (const v1::CompiledStatistic* s : stats) {
    bool ratio = s->aggregation() == v1::Indicator::AGGREGATION_RATIO;
    DocCell change = Cell(Number(s->change()));
    change.number = true;
    table.rows.push_back({Cell(s->display_name()), Cell(s->unit()),
                          FigureCell(s->current(), ratio, table),
                          FigureCell(s->previous(), ratio, table), change});
  }
  return table;
}

void Builder::Results(std::vector<DocBlock>& body) {
  Heading(body, 1, T("doc_section_results"));
  int number = 0;
  for (const v1::ReportSection& section : r_.draft().results()) {
    Heading(body, 2, absl::StrCat(++number, ". ", section.title()));
    Narrative(body, section.text());
    std::vector<const v1::CompiledStatistic*> stats;
    for (const v1::CompiledStatistic& s : r_.statistics()) {
      for (const std::string& outline : s.tasks()) {
        if (outline == section.task_group() ||
            absl::StartsWith(outline, absl::StrCat(section.task_group(), "."))) {
          stats.push_back(&s);
          break;
        }
      }
    }
    if (stats.empty()) continue;
    Paragraph(body, T("doc_group_figures"));
    Table(body, GroupFigures(stats));
  }
}

void Builder::StatisticsAppendix(std::vector<DocBlock>& appendix) {
  DocBlock title;
  title.kind = DocBlock::Kind::kAppendixTitle;
  title.text = T("doc_appendix_statistics");
  appendix.push_back(std::move(title));
  Paragraph(appendix, absl::Substitute(T("doc_appendix_of"), number_, issued_on_,
                                       r_.compiler_display_name()),
            /*italic=*/true);
  DocTable table;
  table.header = {T("doc_no"),
                  T("indicator"),
                  T("unit"),
                  absl::StrCat(T("current"), " (", r_.period(), ")"),
                  absl::StrCat(T("previous"), " (", r_.previous_period(), ")"),
                  T("change"),
                  T("assessment"),
                  T("contributors_short")};
  table.widths = {0.9, 5.0, 1.6, 2.1, 2.0, 1.4, 1.8, 1.3};
  int number = 0;
  for (const v1::CompiledStatistic& s : r_.statistics()) {
    bool ratio = s.aggregation() == v1::Indicator::AGGREGATION_RATIO;
    DocCell change = Cell(Number(s.change()));
    change.number = true;
    table.rows.push_back({Cell(absl::StrCat(++number)), Cell(s.display_name(), true),
                          Cell(s.unit()), FigureCell(s.current(), ratio, table),
                          FigureCell(s.previous(), ratio, table), change, Cell(Assessment(s)),
                          Contributors(s.current())});
    for (const v1::RollupRow& row : s.rows()) {
      // Crossed cells are in the two-way tables below.
      if (row.cells_size() == 2 && s.crossings_size() > 0) continue;
      table.rows.push_back({Cell(""), Cell(row.label(), false, 1), Cell(s.unit()),
                            FigureCell(row.figure(), ratio, table), Cell(""), Cell(""), Cell(""),
                            Contributors(row.figure())});
    }
  }
  Table(appendix, std::move(table));
  for (const v1::CompiledStatistic& s : r_.statistics()) {
    for (const v1::CompiledCrossing& crossing : s.crossings()) {
      Paragraph(appendix, absl::Substitute(T("doc_crosstab"), s.display_name(), s.unit(),
                                           crossing.rows_label(), crossing.columns_label()));
      Table(appendix, CrossingTable(s, crossing));
    }
  }
  if (r_.disclosure_controlled()) Paragraph(appendix, T("doc_disclosure"), /*italic=*/true);
}

DocTable Builder::CrossingTable(const v1::CompiledStatistic& s,
                                const v1::CompiledCrossing& crossing) {
  DocTable table;
  table.header.push_back(absl::StrCat(crossing.rows_label(), " \\ ", crossing.columns_label()));
  table.widths.push_back(3.0);
  for (const std::string& label : crossing.column_labels()) {
    table.header.push_back(label);
    table.widths.push_back(1.6);
  }
  const int columns = crossing.column_labels_size();
  bool ratio = s.aggregation() == v1::Indicator::AGGREGATION_RATIO;
  for (int r = 0; r < crossing.row_labels_size(); ++r) {
    std::vector<DocCell> line = {Cell(crossing.row_labels(r), true)};
    for (int c = 0; c < columns; ++c) {
      int index = r * columns + c;
      line.push_back(index < crossing.cells_size()
                         ? FigureCell(crossing.cells(index), ratio, table)
                         : FigureCell(v1::Figure(), ratio, table));
    }
    table.rows.push_back(std::move(line));
  }
  return table;
}

void Builder::TasksAppendix(std::vector<DocBlock>& appendix) {
  DocBlock title;
  title.kind = DocBlock::Kind::kAppendixTitle;
  title.text = T("doc_appendix_tasks");
  appendix.push_back(std::move(title));
  DocTable table;
  table.header = {T("doc_outline"), T("task"), T("lead"), T("status"), T("summary")};
  table.widths = {1.1, 5.0, 2.6, 1.8, 5.0};
  for (const v1::TaskStatusEntry& t : r_.tasks()) {
    std::string title_text = t.title();
    if (t.overdue()) absl::StrAppend(&title_text, " (", T("overdue"), ")");
    bool any = false;
    for (const v1::AssigneeStatus& a : t.assignees()) {
      if (!a.lead()) continue;
      std::string agency = a.display_name();
      if (a.requested()) absl::StrAppend(&agency, " (", T("requested"), ")");
      table.rows.push_back({Cell(any ? "" : t.outline(), t.depth() == 1),
                            Cell(any ? "" : title_text, t.depth() == 1), Cell(agency),
                            Cell(ProgressLabel(a.status(), lang_)), Cell(a.summary())});
      any = true;
    }
    if (!any) {
      table.rows.push_back({Cell(t.outline(), t.depth() == 1), Cell(title_text, t.depth() == 1),
                            Cell(""), Cell(""), Cell("")});
    }
  }
  Table(appendix, std::move(table));
}

ReportDocument Builder::Build() {
  const v1::CompiledReportDraft& d = r_.draft();
  ReportDocument doc;
  doc.language = lang_;
  doc.governing_body = d.governing_body();
  doc.issuing_body = d.issuing_body();
  // An unnumbered draft leaves room for the number: "Số:      /BC-STP".
  number_ = d.number_symbol();
  if (absl::StartsWith(number_, "/")) number_ = absl::StrCat("     ", number_);
  doc.number_line = absl::Substitute(T("doc_number"), number_);
  doc.national_name = T("doc_national_name");
  doc.motto = T("doc_motto");
  absl::CivilDay issued = IsSet(d.issue_date()) ? ToCivilDay(d.issue_date())
                                                : ToCivilDay(r_.compiled_on());
  doc.date_line = absl::StrCat(d.place(), ", ", FormatDocumentDate(issued, lang_));
  issued_on_ = FormatDate(issued);
  doc.type = T("doc_type");
  doc.summary = d.summary();
  doc.title = absl::StrCat(doc.type, " ", r_.plan_symbol(), " ", r_.period());

  Situation(doc.body);
  Results(doc.body);
  Heading(doc.body, 1, T("doc_section_difficulties"));
  Narrative(doc.body, d.difficulties());
  Heading(doc.body, 1, T("doc_section_recommendations"));
  Narrative(doc.body, d.recommendations());
  Paragraph(doc.body, absl::Substitute(T("doc_closing"), LowerFirstLetter(d.summary()),
                                       r_.compiler_display_name()));

  doc.recipients_title = T("doc_recipients");
  for (const std::string& line : d.recipients()) doc.recipients.push_back(absl::StrCat("- ", line));
  doc.signing_authority = d.signing_authority();
  doc.signer_title = d.signer_title();
  doc.signer_name = d.signer_name();

  StatisticsAppendix(doc.appendix);
  TasksAppendix(doc.appendix);
  return doc;
}

}  // namespace

std::vector<DocBlock> NarrativeBlocks(const std::string& text) {
  std::vector<DocBlock> blocks;
  std::string paragraph;
  auto flush = [&] {
    std::string trimmed(absl::StripAsciiWhitespace(paragraph));
    if (!trimmed.empty()) {
      DocBlock b;
      b.kind = DocBlock::Kind::kParagraph;
      b.text = std::move(trimmed);
      blocks.push_back(std::move(b));
    }
    paragraph.clear();
  };
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view stripped = absl::StripAsciiWhitespace(line);
    if (stripped.empty()) {
      flush();
    } else if (absl::ConsumePrefix(&stripped, "- ")) {
      flush();
      DocBlock b;
      b.kind = DocBlock::Kind::kListItem;
      b.text = std::string(absl::StripAsciiWhitespace(stripped));
      blocks.push_back(std::move(b));
    } else {
      if (!paragraph.empty()) paragraph.push_back(' ');
      absl::StrAppend(&paragraph, stripped);
    }
  }
  flush();
  return blocks;
}

ReportDocument BuildDocument(const v1::CompiledReport& report) {
  return Builder(report).Build();
}

}  // namespace tonghop::aggregation
