#ifndef TONGHOP_SERVICES_AGGREGATION_REPORT_TEXT_H_
#define TONGHOP_SERVICES_AGGREGATION_REPORT_TEXT_H_

// Every user-facing phrase of the compiled report, in Vietnamese with its
// English beside it, kept in one place.

#include <string>

#include "absl/strings/string_view.h"
#include "tonghop/v1/aggregation_service.pb.h"
#include "tonghop/v1/report.pb.h"

namespace tonghop::aggregation {

// The phrase for `key` in `language` ("vi" or "en"); the key itself when
// unknown, so a missing phrase shows rather than vanishes.
std::string Text(absl::string_view key, absl::string_view language);

std::string ProgressLabel(v1::ProgressStatus status, absl::string_view language);
std::string ReporterStateLabel(v1::ReporterState state, absl::string_view language);
std::string DirectionLabel(v1::Direction direction, absl::string_view language);

// "05/11/2026" (Vietnamese) or "2026-11-05" (English).
std::string DateText(const google::type::Date& date, absl::string_view language);

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_REPORT_TEXT_H_
