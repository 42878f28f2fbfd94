#include "services/common/period.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/errors.h"
#include "services/common/text.h"

namespace tonghop {
namespace {

constexpr char kPeriodForms[] =
    "expected a year (\"2026\"), a half-year (\"2026S1\", \"2026S2\") or a quarter "
    "(\"2026Q1\" to \"2026Q4\")";

int SubPeriodCount(v1::PeriodType type) {
  switch (type) {
    case v1::PERIOD_TYPE_SEMIANNUAL: return 2;
    case v1::PERIOD_TYPE_QUARTERLY: return 4;
    default: return 1;
  }
}

Period Make(v1::PeriodType type, int year, int sub_period) {
  Period p;
  p.type = type;
  p.year = year;
  p.sub_period = sub_period;
  int months = 12 / SubPeriodCount(type);
  std::string suffix;
  if (type == v1::PERIOD_TYPE_SEMIANNUAL) suffix = absl::StrCat("S", sub_period);
  if (type == v1::PERIOD_TYPE_QUARTERLY) suffix = absl::StrCat("Q", sub_period);
  int first_month = sub_period == 0 ? 1 : (sub_period - 1) * months + 1;
  p.first_day = absl::CivilDay(year, first_month, 1);
  p.last_day = absl::CivilDay(absl::CivilMonth(year, first_month) + months) - 1;
  p.label = absl::StrCat(year, suffix);
  return p;
}

int DaysInMonth(int year, int month) {
  absl::CivilDay first(year, month, 1);
  absl::CivilDay next = absl::CivilDay(absl::CivilMonth(first) + 1);
  return static_cast<int>(next - first);
}

// Every label the plan accepts (at most a dozen), for error messages.
std::string ValidLabels(const v1::Plan& plan) {
  std::vector<std::string> labels;
  for (const Period& period : RoundPeriods(plan)) {
    if (labels.size() == 12) break;
    labels.push_back(period.label);
  }
  return labels.empty() ? std::string("none: the plan has no reporting schedule")
                        : absl::StrJoin(labels, ", ");
}

}  // namespace

std::vector<Period> RoundPeriods(const v1::Plan& plan) {
  std::vector<Period> periods;
  for (int year = plan.first_year(); year <= plan.last_year(); ++year) {
    for (const v1::ReportingRound& round : plan.schedule()) {
      int count = SubPeriodCount(round.period_type());
      for (int sub = 1; sub <= count; ++sub) {
        if (round.sub_period() != 0 && round.sub_period() != sub) continue;
        Period period = Make(round.period_type(), year,
                             round.period_type() == v1::PERIOD_TYPE_ANNUAL ? 0 : sub);
        bool seen = false;
        for (const Period& p : periods) seen |= p.label == period.label;
        if (!seen) periods.push_back(std::move(period));
      }
    }
  }
  return periods;
}

absl::StatusOr<Period> ParsePeriod(absl::string_view label, absl::string_view field) {
  auto invalid = [&] {
    return InvalidField(field, absl::StrCat(QuoteInput(label), " is not a period: ", kPeriodForms));
  };
  if (label.size() != 4 && label.size() != 6) return invalid();
  for (int i = 0; i < 4; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(label[i]))) return invalid();
  }
  int year = 0;
  if (!absl::SimpleAtoi(label.substr(0, 4), &year) || year < 1900 || year > 2999) {
    return invalid();
  }
  if (label.size() == 4) return Make(v1::PERIOD_TYPE_ANNUAL, year, 0);
  char kind = label[4];
  char digit = label[5];
  if (kind == 'S' && (digit == '1' || digit == '2')) {
    return Make(v1::PERIOD_TYPE_SEMIANNUAL, year, digit - '0');
  }
  if (kind == 'Q' && digit >= '1' && digit <= '4') {
    return Make(v1::PERIOD_TYPE_QUARTERLY, year, digit - '0');
  }
  return invalid();
}

Period PreviousPeriod(const Period& period) {
  int count = SubPeriodCount(period.type);
  if (period.type == v1::PERIOD_TYPE_ANNUAL || count == 1) {
    return Make(v1::PERIOD_TYPE_ANNUAL, period.year - 1, 0);
  }
  return period.sub_period == 1 ? Make(period.type, period.year - 1, count)
                                 : Make(period.type, period.year, period.sub_period - 1);
}

bool PeriodBefore(const Period& a, const Period& b) {
  if (a.first_day != b.first_day) return a.first_day < b.first_day;
  return a.last_day < b.last_day;
}

absl::TimeZone VietnamTime() { return absl::FixedTimeZone(7 * 60 * 60); }

namespace {

// The day `date_of` the round for `period` names (see DueDay).
std::optional<absl::CivilDay> RoundDay(
    const v1::Plan& plan, const Period& period,
    const v1::RelativeDate& (v1::ReportingRound::*date_of)() const,
    bool (v1::ReportingRound::*has_date)() const) {
  const v1::ReportingRound* chosen = nullptr;
  for (const v1::ReportingRound& round : plan.schedule()) {
    if (round.period_type() != period.type) continue;
    if (period.type == v1::PERIOD_TYPE_ANNUAL || round.sub_period() == period.sub_period) {
      chosen = &round;
      break;
    }
    if (round.sub_period() == 0 && chosen == nullptr) chosen = &round;
  }
  if (chosen == nullptr || !(chosen->*has_date)()) return std::nullopt;
  const v1::RelativeDate& date = (chosen->*date_of)();
  if (date.month() < 1 || date.month() > 12) return std::nullopt;
  int shift_months = 0;
  if (chosen->sub_period() == 0 && period.sub_period > 1) {
    shift_months = (period.sub_period - 1) * (12 / SubPeriodCount(period.type));
  }
  int month_index = date.month() - 1 + shift_months;
  int year = period.year + date.year_offset() + month_index / 12;
  int month = month_index % 12 + 1;
  int day = std::min(std::max(date.day(), 1), DaysInMonth(year, month));
  return absl::CivilDay(year, month, day);
}

}  // namespace

std::optional<absl::CivilDay> DueDay(const v1::Plan& plan, const Period& period) {
  return RoundDay(plan, period, &v1::ReportingRound::due, &v1::ReportingRound::has_due);
}

std::optional<absl::CivilDay> CompileDueDay(const v1::Plan& plan, const Period& period) {
  return RoundDay(plan, period, &v1::ReportingRound::compile_due,
                  &v1::ReportingRound::has_compile_due);
}

absl::StatusOr<RoundDates> DueDates(const v1::Plan& plan, const Period& period,
                                    absl::string_view field) {
  if (period.year < plan.first_year() || period.year > plan.last_year()) {
    return InvalidField(field, absl::StrCat(QuoteInput(period.label), " is outside ", plan.name(),
                                            ", which covers ", plan.first_year(), "-",
                                            plan.last_year(), "; valid periods: ",
                                            ValidLabels(plan)));
  }
  std::optional<absl::CivilDay> due = DueDay(plan, period);
  if (!due) {
    return InvalidField(field, absl::StrCat(QuoteInput(period.label), " is not a reporting round of ",
                                            plan.name(), "; valid periods: ", ValidLabels(plan)));
  }
  RoundDates dates;
  dates.due_day = *due;
  dates.due_day_start = absl::FromCivil(*due, VietnamTime());
  dates.on_time_before = absl::FromCivil(*due + 1, VietnamTime());
  return dates;
}

bool IsSet(const google::type::Date& date) { return date.year() != 0; }

absl::CivilDay ToCivilDay(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month() == 0 ? 1 : date.month(),
                        date.day() == 0 ? 1 : date.day());
}

google::type::Date ToProtoDate(absl::CivilDay day) {
  google::type::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

Period ReportingDay(const Period& period) {
  Period day = period;
  day.first_day = period.last_day;
  return day;
}

bool Overlaps(const google::type::Date& from, const google::type::Date& to,
              const Period& period) {
  if (IsSet(from) && ToCivilDay(from) > period.last_day) return false;
  if (IsSet(to) && ToCivilDay(to) < period.first_day) return false;
  return true;
}

}  // namespace tonghop
