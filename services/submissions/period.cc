#include "services/submissions/period.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/errors.h"

namespace tonghop::submissions {
namespace {

constexpr char kPeriodForms[] =
    "expected a year (\"2026\"), a half-year (\"2026S1\", \"2026S2\") or a quarter "
    "(\"2026Q1\" to \"2026Q4\")";

int SubPeriodCount(v1::PeriodType type) {
  switch (type) {
    case v1::PERIOD_TYPE_SEMIANNUAL:
      return 2;
    case v1::PERIOD_TYPE_QUARTERLY:
      return 4;
    default:
      return 1;
  }
}

std::string Label(int year, v1::PeriodType type, int sub) {
  switch (type) {
    case v1::PERIOD_TYPE_SEMIANNUAL:
      return absl::StrCat(year, "S", sub);
    case v1::PERIOD_TYPE_QUARTERLY:
      return absl::StrCat(year, "Q", sub);
    default:
      return absl::StrCat(year);
  }
}

int DaysInMonth(int year, int month) {
  absl::CivilDay first(year, month, 1);
  absl::CivilDay next = absl::CivilDay(absl::CivilMonth(first) + 1);
  return static_cast<int>(next - first);
}

}  // namespace

absl::TimeZone VietnamTime() { return absl::FixedTimeZone(7 * 60 * 60); }

absl::StatusOr<Period> ParsePeriod(absl::string_view label, absl::string_view field) {
  auto invalid = [&]() {
    return InvalidField(field, absl::StrCat("\"", label, "\" is not a period: ", kPeriodForms));
  };
  if (label.size() != 4 && label.size() != 6) return invalid();
  for (int i = 0; i < 4; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(label[i]))) return invalid();
  }
  Period period;
  period.year = (label[0] - '0') * 1000 + (label[1] - '0') * 100 + (label[2] - '0') * 10 +
                (label[3] - '0');
  if (period.year < 1900) return invalid();
  period.label = std::string(label);
  if (label.size() == 4) {
    period.type = v1::PERIOD_TYPE_ANNUAL;
    return period;
  }
  char kind = label[4];
  char sub = label[5];
  if (kind == 'S' && (sub == '1' || sub == '2')) {
    period.type = v1::PERIOD_TYPE_SEMIANNUAL;
  } else if (kind == 'Q' && sub >= '1' && sub <= '4') {
    period.type = v1::PERIOD_TYPE_QUARTERLY;
  } else {
    return invalid();
  }
  period.sub_period = sub - '0';
  return period;
}

absl::StatusOr<RoundDates> DueDates(const v1::Plan& plan, const Period& period,
                                    absl::string_view field) {
  // Every label the plan accepts, for the error message.
  auto valid_labels = [&]() {
    std::vector<std::string> labels;
    for (int year = plan.first_year(); year <= plan.last_year() && labels.size() < 12;
         ++year) {
      for (const v1::ReportingRound& round : plan.schedule()) {
        int count = SubPeriodCount(round.period_type());
        for (int sub = 1; sub <= count; ++sub) {
          if (round.sub_period() != 0 && round.sub_period() != sub) continue;
          std::string label = Label(year, round.period_type(),
                                    round.period_type() == v1::PERIOD_TYPE_ANNUAL ? 0 : sub);
          if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
            labels.push_back(label);
          }
        }
      }
    }
    return labels.empty() ? std::string("none: the plan has no reporting schedule")
                          : absl::StrJoin(labels, ", ");
  };
  if (period.year < plan.first_year() || period.year > plan.last_year()) {
    return InvalidField(field, absl::StrCat("\"", period.label, "\" is outside ", plan.name(),
                                            ", which covers ", plan.first_year(), "-",
                                            plan.last_year(), "; valid periods: ",
                                            valid_labels()));
  }
  const v1::ReportingRound* chosen = nullptr;
  for (const v1::ReportingRound& round : plan.schedule()) {
    if (round.period_type() != period.type) continue;
    if (period.type == v1::PERIOD_TYPE_ANNUAL || round.sub_period() == period.sub_period) {
      chosen = &round;
      break;
    }
    if (round.sub_period() == 0 && chosen == nullptr) chosen = &round;
  }
  if (chosen == nullptr) {
    return InvalidField(field, absl::StrCat("\"", period.label, "\" is not a reporting round of ",
                                            plan.name(), "; valid periods: ", valid_labels()));
  }
  int shift_months = 0;
  if (chosen->sub_period() == 0 && period.sub_period > 1) {
    shift_months = (period.sub_period - 1) * (12 / SubPeriodCount(period.type));
  }
  int month_index = chosen->due().month() - 1 + shift_months;
  int year = period.year + chosen->due().year_offset() + month_index / 12;
  int month = month_index % 12 + 1;
  int day = std::min(chosen->due().day(), DaysInMonth(year, month));
  absl::CivilDay due(year, month, day);
  RoundDates dates;
  dates.due_day_start = absl::FromCivil(due, VietnamTime());
  dates.on_time_before = absl::FromCivil(due + 1, VietnamTime());
  return dates;
}

}  // namespace tonghop::submissions
