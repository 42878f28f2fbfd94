#ifndef TONGHOP_SERVICES_SUBMISSIONS_REPORT_VALIDATOR_H_
#define TONGHOP_SERVICES_SUBMISSIONS_REPORT_VALIDATOR_H_

// Validation of a report's content (task progress and indicator values)
// against what the registry says the agency was asked for. Every violation
// is collected, with a field path into the request ("report.values[3].value"),
// so that one bad report gets all its faults back at once.
//
// The rules:
//  - progress: the task must be a task of the report's plan that concerns
//    the agency (see TaskRole), at most once; status a known value. On
//    submit every task the agency is expected to lead needs a status.
//  - values: the indicator must exist, be asked for by a task concerning
//    the agency and be reported rather than computed (no PERCENT or RATIO
//    indicators); a cell names one dimension, or two when the indicator
//    asks for that crossing (Indicator.crossings), each a dimension the
//    indicator is disaggregated by, and one of its options; one value per
//    indicator and cell; COUNT indicators
//    take int_value ≥ 0, DECIMAL ones decimal_value with at most 6 fraction
//    digits. A value may be left empty (not reported); empty values are
//    allowed in drafts and dropped on submit.
//  - breakdowns: a dimension's breakdown is either absent (none of its cells
//    has a value) or complete: then the total must be given too, and the
//    cells (empty ones counting as zero) must add up to it exactly.
//  - crossings: in a two-way grid (rows × columns) a blank cell is unknown,
//    not 0. A row whose cells are all given adds up to the rows dimension's
//    value for that option when it is given; likewise a column; a grid
//    whose cells are all given adds up to the total. For counts, cells
//    given that already exceed their margin or the total are wrong whatever
//    the blanks hold. A grid with any cell given needs the total.
//  - rules: KIND_AT_MOST / KIND_AT_LEAST between two indicators hold cell by
//    cell wherever both values are given.

#include <optional>
#include <vector>
#include <string>

#include "absl/numeric/int128.h"
#include "absl/strings/string_view.h"
#include "services/common/errors.h"
#include "services/submissions/report_context.h"
#include "tonghop/v1/report.pb.h"

namespace tonghop::submissions {

enum class ValidationMode {
  // Saving a draft: incomplete is fine, wrong is not.
  kDraft,
  // Submitting: also every lead task needs a status.
  kSubmit,
};

// Checks `report`'s progress and values against `context`, adding every
// violation to `violations` under the path `field` ("report"). Normalizes
// in place: strings to NFC and trimmed, each progress entry's `lead` and
// `title` from the registry, and (on submit) drops values left empty.
void ValidateReportContent(const ReportContext& context, ValidationMode mode,
                           absl::string_view field, v1::Report& report,
                           ViolationList& violations);

// What a valid report is accepted with but its agency should look at:
// NO_FIGURES when the indicators of the tasks the agency is expected to
// report on all have no figure, else FIGURES_MISSING naming those that have
// none (neither a total nor a cell). Never a reason to refuse.
std::vector<v1::ReportWarning> FigureWarnings(const ReportContext& context,
                                              const v1::Report& report);

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_REPORT_VALIDATOR_H_
