#ifndef TONGHOP_SERVICES_SUBMISSIONS_PERIOD_H_
#define TONGHOP_SERVICES_SUBMISSIONS_PERIOD_H_

// Reporting periods ("2026", "2026S1", "2026Q3") and the due dates a plan's
// schedule gives them.
//
// The on-time rule: a submission is on time when it is made before the end
// of the round's due day in Vietnam time (UTC+7, no daylight saving), i.e.
// before 00:00 UTC+7 of the following day. "Trước ngày 05/11" is read, as
// the provinces apply it, as "by the end of 5 November".

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tonghop/v1/plan.pb.h"

namespace tonghop::submissions {

// A parsed period label.
struct Period {
  int year = 0;
  v1::PeriodType type = v1::PERIOD_TYPE_UNSPECIFIED;
  // 1-2 for semi-annual, 1-4 for quarterly, 0 for annual.
  int sub_period = 0;
  std::string label;
};

// Parses "YYYY", "YYYYS1"/"YYYYS2" or "YYYYQ1".."YYYYQ4"; INVALID_ARGUMENT
// naming `field` otherwise.
absl::StatusOr<Period> ParsePeriod(absl::string_view label, absl::string_view field);

// The time zone every due date is read in: UTC+7.
absl::TimeZone VietnamTime();

// What a plan's schedule says about one period.
struct RoundDates {
  // 00:00 UTC+7 on the due day (shown to people as the due date).
  absl::Time due_day_start;
  // 00:00 UTC+7 on the day after the due day: submissions before this
  // instant are on time.
  absl::Time on_time_before;
};

// The due dates of `period` in `plan`. INVALID_ARGUMENT naming `field` when
// the period is outside first_year..last_year or no round of the schedule
// has its period type (the message lists the valid labels).
//
// A round with sub_period 0 applies to every sub-period: its due date is
// the one for the first sub-period, moved on by the sub-period's length
// (6 or 3 months) for each later one. A round for a specific sub-period
// wins over a sub_period-0 round. A due day past the end of its month (31
// in a 30-day month after the move) is the month's last day.
absl::StatusOr<RoundDates> DueDates(const v1::Plan& plan, const Period& period,
                                    absl::string_view field);

// True when a submission at `when` is on time for `dates`.
inline bool IsOnTime(const RoundDates& dates, absl::Time when) {
  return when < dates.on_time_before;
}

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_PERIOD_H_
