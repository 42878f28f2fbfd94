#include "services/common/display_format.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/period.h"
#include "services/common/text.h"

namespace tonghop {
namespace {

bool English(absl::string_view language) { return language == "en"; }

bool AllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// "-1234.5" split into its parts; false when it is not an exact decimal.
struct DecimalParts {
  absl::string_view sign;
  absl::string_view whole;
  absl::string_view fraction;
};
bool SplitDecimal(absl::string_view text, DecimalParts& parts) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    parts.sign = text.substr(0, 1);
    text.remove_prefix(1);
  }
  size_t point = text.find('.');
  parts.whole = text.substr(0, point);
  parts.fraction = point == absl::string_view::npos ? absl::string_view() : text.substr(point + 1);
  return AllDigits(parts.whole) && (point == absl::string_view::npos || AllDigits(parts.fraction));
}

}  // namespace

std::string FormatNumber(absl::string_view exact, absl::string_view language) {
  DecimalParts parts;
  if (!SplitDecimal(exact, parts)) return std::string(exact);
  const char group = English(language) ? ',' : '.';
  const absl::string_view decimal = English(language) ? "." : ",";
  std::string out = absl::StrCat(parts.sign, GroupDigits(parts.whole, group));
  if (!parts.fraction.empty()) absl::StrAppend(&out, decimal, parts.fraction);
  return out;
}

std::string FormatCount(int64_t count, absl::string_view language) {
  return FormatNumber(absl::StrCat(count), language);
}

std::string FormatPercent(absl::string_view exact, absl::string_view language) {
  DecimalParts parts;
  if (!SplitDecimal(exact, parts)) return std::string(exact);
  return FormatNumber(exact, language) + "%";
}

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%02d/%02d/%04d", day.day(), day.month(), day.year());
}

std::string FormatDate(const google::type::Date& date) {
  if (!IsSet(date)) return "";
  return FormatDate(ToCivilDay(date));
}

std::string FormatDate(absl::Time time) {
  return FormatDate(absl::ToCivilDay(time, VietnamTime()));
}

std::string FormatDateTime(absl::Time time, bool seconds) {
  absl::CivilSecond local = absl::ToCivilSecond(time, VietnamTime());
  std::string clock = seconds
                          ? absl::StrFormat("%02d:%02d:%02d", local.hour(), local.minute(),
                                            local.second())
                          : absl::StrFormat("%02d:%02d", local.hour(), local.minute());
  return absl::StrCat(clock, ", ", FormatDate(absl::CivilDay(local)));
}

std::string FormatDocumentDate(absl::CivilDay day, absl::string_view language) {
  if (English(language)) {
    static constexpr const char* kMonths[] = {"January", "February", "March",     "April",
                                              "May",     "June",     "July",      "August",
                                              "September", "October", "November", "December"};
    return absl::StrCat(day.day(), " ", kMonths[day.month() - 1], " ", day.year());
  }
  std::string month = day.month() < 3 ? absl::StrFormat("%02d", day.month())
                                       : absl::StrCat(day.month());
  return absl::StrFormat("ngày %02d tháng %s năm %04d", day.day(), month, day.year());
}

}  // namespace tonghop
