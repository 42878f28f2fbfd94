#ifndef TONGHOP_SERVICES_COMMON_PERIOD_H_
#define TONGHOP_SERVICES_COMMON_PERIOD_H_

// Reporting periods ("2026", "2026S1", "2026Q3"): parsing, their dates and
// order, and the due dates a plan's schedule gives them. One definition for
// every service, so that a report's on-time flag, a task's due date and the
// compiled report's header always agree.
//
// The on-time rule: a submission is on time when it is made before the end
// of the round's due day in Vietnam time (UTC+7, no daylight saving), i.e.
// before 00:00 UTC+7 of the following day. "Trước ngày 05/11" is read, as
// the provinces apply it, as "by the end of 5 November".

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/type/date.pb.h"
#include "tonghop/v1/plan.pb.h"

namespace tonghop {

// A parsed period label. A value type.
struct Period {
  std::string label;
  v1::PeriodType type = v1::PERIOD_TYPE_UNSPECIFIED;
  int year = 0;
  // 1-2 for half-years, 1-4 for quarters, 0 for a year.
  int sub_period = 0;
  absl::CivilDay first_day;
  absl::CivilDay last_day;
};

// Parses "YYYY", "YYYYS1"/"YYYYS2" or "YYYYQ1".."YYYYQ4" with a year from
// 1900 to 2999; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<Period> ParsePeriod(absl::string_view label, absl::string_view field);

// Every period the plan's schedule has a round for, over first_year to
// last_year, year by year in schedule order, each once.
std::vector<Period> RoundPeriods(const v1::Plan& plan);

// The period just before: 2026 → 2025, 2026S1 → 2025S2, 2026Q1 → 2025Q4.
Period PreviousPeriod(const Period& period);

// Orders periods by first day, then shorter first.
bool PeriodBefore(const Period& a, const Period& b);

// The time zone every due date is read in: UTC+7.
absl::TimeZone VietnamTime();

// The due day of the reporting agencies' reports for `period` under the
// plan's schedule, or nullopt when no round has the period's type.
//
// A round for the exact sub-period wins over one with sub_period 0, which
// applies to every sub-period: its due date is the one for the first
// sub-period, moved on by the sub-period's length (6 or 3 months) for each
// later one. A due day past the end of its month (31 in a 30-day month after
// the move) is the month's last day.
std::optional<absl::CivilDay> DueDay(const v1::Plan& plan, const Period& period);

// The compiling (focal) agency's due day for `period` under the plan's
// schedule (the round's compile_due, chosen and moved as DueDay), or
// nullopt when the round has none: when a province's compiled figures are
// due at the Ministry.
std::optional<absl::CivilDay> CompileDueDay(const v1::Plan& plan, const Period& period);

// What a plan's schedule says about one period.
struct RoundDates {
  absl::CivilDay due_day;
  // 00:00 UTC+7 on the due day (shown to people as the due date).
  absl::Time due_day_start;
  // 00:00 UTC+7 on the day after the due day: submissions before this
  // instant are on time.
  absl::Time on_time_before;
};

// The due dates of `period` in `plan`. INVALID_ARGUMENT naming `field` when
// the period is outside first_year..last_year or no round of the schedule
// has its period type (the message lists the valid labels).
absl::StatusOr<RoundDates> DueDates(const v1::Plan& plan, const Period& period,
                                    absl::string_view field);

// True when a submission at `when` is on time for `dates`.
inline bool IsOnTime(const RoundDates& dates, absl::Time when) {
  return when < dates.on_time_before;
}

// google.type.Date helpers: a date is set when it has a year; a day or month
// of 0 (a whole month or year) reads as its first day.
bool IsSet(const google::type::Date& date);
absl::CivilDay ToCivilDay(const google::type::Date& date);
google::type::Date ToProtoDate(absl::CivilDay day);
// True when the date interval [from, to] (either may be unset) overlaps the
// period.
bool Overlaps(const google::type::Date& from, const google::type::Date& to,
              const Period& period);

// The period's last day as a period of its own: who is in force then owes
// the period's report. A report is made once its period has ended, so an
// agency dissolved during the period does not owe it; its successors answer
// for the whole period (the provinces merged on 1 July 2025 report 2025
// through the province they merged into), while a half-year ending on the
// day of the merger is still owed by the units dissolved that day.
Period ReportingDay(const Period& period);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_PERIOD_H_
