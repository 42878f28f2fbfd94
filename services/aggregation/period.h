#ifndef TONGHOP_SERVICES_AGGREGATION_PERIOD_H_
#define TONGHOP_SERVICES_AGGREGATION_PERIOD_H_

// Reporting periods ("2026", "2026S1", "2026Q3"): their dates, their order,
// the period before, and a plan round's due date.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "google/type/date.pb.h"
#include "tonghop/v1/plan.pb.h"

namespace tonghop::aggregation {

// A parsed period label. A value type.
struct Period {
  std::string label;
  v1::PeriodType type = v1::PERIOD_TYPE_UNSPECIFIED;
  int year = 0;
  int sub = 0;  // 1..2 for semesters, 1..4 for quarters, 0 for a year
  absl::CivilDay first_day;
  absl::CivilDay last_day;
};

// INVALID_ARGUMENT naming `field` unless `label` is YYYY, YYYYS1-2 or YYYYQ1-4
// with a year from 1900 to 2999.
absl::StatusOr<Period> ParsePeriod(absl::string_view label, absl::string_view field);

// The period just before: 2026 → 2025, 2026S1 → 2025S2, 2026Q1 → 2025Q4.
Period PreviousPeriod(const Period& period);

// Orders periods by first day, then shorter first.
bool PeriodBefore(const Period& a, const Period& b);

// The due date of the reporting agencies' reports for `period` under the
// plan's schedule: the round of the period's type (a round for the exact
// sub-period wins over one for every sub-period); nullopt when there is none.
std::optional<absl::CivilDay> DueDate(const v1::Plan& plan, const Period& period);

// True when the date interval [from, to] (either may be unset) overlaps the
// period.
bool Overlaps(const google::type::Date& from, const google::type::Date& to,
              const Period& period);

google::type::Date ToProtoDate(absl::CivilDay day);
bool IsSet(const google::type::Date& date);
absl::CivilDay ToCivilDay(const google::type::Date& date);

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_PERIOD_H_
