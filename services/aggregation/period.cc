#include "services/aggregation/period.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/errors.h"

namespace tonghop::aggregation {
namespace {

Period Make(v1::PeriodType type, int year, int sub) {
  Period p;
  p.type = type;
  p.year = year;
  p.sub = sub;
  int months = 12;
  std::string suffix;
  if (type == v1::PERIOD_TYPE_SEMIANNUAL) {
    months = 6;
    suffix = absl::StrCat("S", sub);
  } else if (type == v1::PERIOD_TYPE_QUARTERLY) {
    months = 3;
    suffix = absl::StrCat("Q", sub);
  }
  int first_month = sub == 0 ? 1 : (sub - 1) * months + 1;
  p.first_day = absl::CivilDay(year, first_month, 1);
  p.last_day = absl::CivilDay(absl::CivilMonth(year, first_month) + months) - 1;
  p.label = absl::StrCat(year, suffix);
  return p;
}

}  // namespace

absl::StatusOr<Period> ParsePeriod(absl::string_view label, absl::string_view field) {
  auto bad = [&] {
    return InvalidField(field, absl::StrCat("\"", label,
                                            "\" is not a period (YYYY, YYYYS1, YYYYS2 or "
                                            "YYYYQ1 to YYYYQ4)"));
  };
  if (label.size() != 4 && label.size() != 6) return bad();
  int year = 0;
  if (!absl::SimpleAtoi(label.substr(0, 4), &year) || !absl::ascii_isdigit(label[0]) ||
      year < 1900 || year > 2999) {
    return bad();
  }
  if (label.size() == 4) return Make(v1::PERIOD_TYPE_ANNUAL, year, 0);
  char kind = label[4];
  char digit = label[5];
  if (digit < '1' || digit > '4') return bad();
  int sub = digit - '0';
  if (kind == 'S' && sub <= 2) return Make(v1::PERIOD_TYPE_SEMIANNUAL, year, sub);
  if (kind == 'Q') return Make(v1::PERIOD_TYPE_QUARTERLY, year, sub);
  return bad();
}

Period PreviousPeriod(const Period& period) {
  switch (period.type) {
    case v1::PERIOD_TYPE_SEMIANNUAL:
      return period.sub == 1 ? Make(period.type, period.year - 1, 2)
                             : Make(period.type, period.year, 1);
    case v1::PERIOD_TYPE_QUARTERLY:
      return period.sub == 1 ? Make(period.type, period.year - 1, 4)
                             : Make(period.type, period.year, period.sub - 1);
    default:
      return Make(v1::PERIOD_TYPE_ANNUAL, period.year - 1, 0);
  }
}

bool PeriodBefore(const Period& a, const Period& b) {
  if (a.first_day != b.first_day) return a.first_day < b.first_day;
  return a.last_day < b.last_day;
}

std::optional<absl::CivilDay> DueDate(const v1::Plan& plan, const Period& period) {
  const v1::ReportingRound* best = nullptr;
  for (const v1::ReportingRound& round : plan.schedule()) {
    if (round.period_type() != period.type) continue;
    if (round.sub_period() == period.sub) {
      best = &round;
      break;
    }
    if (round.sub_period() == 0 && best == nullptr) best = &round;
  }
  if (best == nullptr || best->due().month() < 1 || best->due().month() > 12) {
    return std::nullopt;
  }
  int year = period.year + best->due().year_offset();
  absl::CivilDay due(year, best->due().month(), best->due().day());
  if (period.type != v1::PERIOD_TYPE_ANNUAL && best->sub_period() == 0) {
    // A round for every sub-period gives the date of the first one; later
    // sub-periods fall due as many months later as they start.
    int months = period.type == v1::PERIOD_TYPE_SEMIANNUAL ? 6 : 3;
    absl::CivilMonth month = absl::CivilMonth(due) + (period.sub - 1) * months;
    due = absl::CivilDay(month.year(), month.month(), best->due().day());
  }
  return due;
}

bool IsSet(const google::type::Date& date) { return date.year() != 0; }

absl::CivilDay ToCivilDay(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month() == 0 ? 1 : date.month(),
                        date.day() == 0 ? 1 : date.day());
}

bool Overlaps(const google::type::Date& from, const google::type::Date& to,
              const Period& period) {
  if (IsSet(from) && ToCivilDay(from) > period.last_day) return false;
  if (IsSet(to) && ToCivilDay(to) < period.first_day) return false;
  return true;
}

google::type::Date ToProtoDate(absl::CivilDay day) {
  google::type::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

}  // namespace tonghop::aggregation
