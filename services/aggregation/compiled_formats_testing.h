#ifndef TONGHOP_SERVICES_AGGREGATION_COMPILED_FORMATS_TESTING_H_
#define TONGHOP_SERVICES_AGGREGATION_COMPILED_FORMATS_TESTING_H_

// For tests of the compiled report's formats: the roll-up of the fixture's
// plan computed independently from agencies' stored values (plain
// arithmetic, not the roll-up table), and readers that take the figures
// back out of each rendered format (JSON, Markdown, HTML, XLSX, DOCX, PDF)
// so that the two can be compared row by row.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "services/aggregation/registry_view.h"
#include "tonghop/v1/aggregation_service.pb.h"

namespace tonghop::aggregation::formats_testing {

// One agency's values, by (indicator id, cell key "sex=female" or "").
using Values = std::map<std::pair<std::string, std::string>, int64_t>;
// The reports that count, by agency id: values and submit time (seconds).
using Counted = std::map<std::string, std::pair<Values, int64_t>>;

struct Figure {
  bool present = false;
  // The exact value ("104", "90.38"), when present.
  std::string exact;
  // True when the figure carries a note (not available, or partial).
  bool noted = false;
  // Only in what a format shows: "x", withheld by disclosure control.
  bool withheld = false;
  // Only in what a format shows: a workbook's numeric cell (a double).
  bool binary = false;
};

// One row of the statistics appendix: an indicator's total (label "") or
// one of its breakdown cells ("Giới tính: Nữ").
struct Row {
  std::string indicator;  // display name
  std::string label;
  Figure current;
  // The previous period's figure; totals only.
  std::optional<Figure> previous;
};

struct Expected {
  std::vector<Row> rows;
};
using Shown = Expected;

// The fixture plan's statistics (testing::MakeTasks) for Đồng Nai, from the
// reports that count in the current and previous periods, following the
// rules documented in figures.h.
Expected IndependentRollup(StaticRegistryView& registry, const Counted& current,
                           const Counted& previous);

// The rows of the statistics in a rendered compiled report. A PDF has no
// table structure to read: its rows are found by `layout`'s labels, in
// order (required for PDF, ignored otherwise).
absl::StatusOr<Shown> ReadFigures(const std::string& content, v1::ReportFormat format,
                                  const Expected* layout = nullptr);

// The text of a DOCX's body (paragraphs one a line, table cells separated
// by tabs), or of every page of a PDF.
absl::StatusOr<std::string> DocxText(const std::string& docx);
absl::StatusOr<std::string> PdfText(const std::string& pdf);

// Adds a test failure for every row that differs (`format` names it).
void ExpectSame(const Expected& expected, const Shown& shown, const std::string& format);

}  // namespace tonghop::aggregation::formats_testing

#endif  // TONGHOP_SERVICES_AGGREGATION_COMPILED_FORMATS_TESTING_H_
