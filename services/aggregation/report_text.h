#ifndef TONGHOP_SERVICES_AGGREGATION_REPORT_TEXT_H_
#define TONGHOP_SERVICES_AGGREGATION_REPORT_TEXT_H_

// Every user-facing phrase of the aggregation service (its notes on figures
// and the compiled report), in Vietnamese with its
// English beside it, kept in one place.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "tonghop/v1/aggregation_service.pb.h"
#include "tonghop/v1/report.pb.h"

namespace tonghop::aggregation {

// The phrase for `key` in `language` ("vi" or "en"); the key itself when
// unknown, so a missing phrase shows rather than vanishes.
std::string Text(absl::string_view key, absl::string_view language);

std::string ProgressLabel(v1::ProgressStatus status, absl::string_view language);

// The counts of a completeness answer as every format lists them, in
// order: (phrase key, count) — expected, received, on time, late, missing,
// awaiting review, returned.
std::vector<std::pair<const char*, int>> CompletenessCounts(const v1::CompletenessResponse& c);
std::string ReporterStateLabel(v1::ReporterState state, absl::string_view language);
std::string DirectionLabel(v1::Direction direction, absl::string_view language);

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_REPORT_TEXT_H_
