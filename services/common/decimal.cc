#include "services/common/decimal.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/text.h"

namespace tonghop {
namespace {

__int128 Abs(__int128 v) { return v < 0 ? -v : v; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

namespace {

absl::StatusOr<Micros> ParseWithLimit(absl::string_view text, int max_whole_digits) {
  auto bad = [](absl::string_view why) { return absl::InvalidArgumentError(why); };
  absl::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && rest[0] == '-') {
    negative = true;
    rest.remove_prefix(1);
  }
  const size_t dot = rest.find('.');
  absl::string_view whole = rest.substr(0, dot);
  absl::string_view fraction =
      dot == absl::string_view::npos ? absl::string_view() : rest.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return bad("no digits");
  for (absl::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (!IsDigit(c)) {
        return bad(c == '+'   ? "a sign other than '-'"
                   : c == ',' ? "a comma (write the point as '.', with no grouping)"
                              : "a character that is not a digit");
      }
    }
  }
  if (whole.empty()) return bad("no digit before the point");
  if (dot != absl::string_view::npos && fraction.empty()) return bad("nothing after the point");
  if (fraction.size() > 6) return bad("more than 6 digits after the point");
  if (whole.size() > static_cast<size_t>(max_whole_digits)) {
    return bad(absl::StrCat("more than ", max_whole_digits, " digits before the point"));
  }
  Micros value = 0;
  for (char c : whole) value = value * 10 + (c - '0');
  Micros frac = 0;
  for (char c : fraction) frac = frac * 10 + (c - '0');
  for (size_t i = fraction.size(); i < 6; ++i) frac *= 10;
  value = value * kMicrosPerUnit + frac;
  return negative ? -value : value;
}

absl::StatusOr<Micros> NameField(absl::StatusOr<Micros> value, absl::string_view text,
                                 absl::string_view field) {
  if (!value.ok()) {
    return InvalidField(field, absl::StrCat("not a decimal number (", value.status().message(),
                                            "): ", QuoteInput(text)));
  }
  return value;
}

}  // namespace

absl::StatusOr<Micros> ParseDecimal(absl::string_view text) {
  return ParseWithLimit(text, kMaxWholeDigits);
}

absl::StatusOr<Micros> ParseDecimal(absl::string_view text, absl::string_view field) {
  return NameField(ParseWithLimit(text, kMaxWholeDigits), text, field);
}

absl::StatusOr<Micros> ParseDecimalSum(absl::string_view text, absl::string_view field) {
  return NameField(ParseWithLimit(text, kMaxSumWholeDigits), text, field);
}

std::string Int128ToString(__int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  unsigned __int128 u = negative ? static_cast<unsigned __int128>(-(v + 1)) + 1
                                 : static_cast<unsigned __int128>(v);
  std::string digits;
  while (u > 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::optional<__int128> ParseInt128(absl::string_view text) {
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 38) return std::nullopt;
  __int128 v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

std::string FormatMicros(Micros v) {
  std::string sign = v < 0 ? "-" : "";
  Micros a = Abs(v);
  std::string whole = Int128ToString(a / kMicrosPerUnit);
  int64_t frac = static_cast<int64_t>(a % kMicrosPerUnit);
  if (frac == 0) return sign + whole;
  std::string digits = std::to_string(frac);
  digits = std::string(6 - digits.size(), '0') + digits;
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return absl::StrCat(sign, whole, ".", digits);
}

std::string FormatRounded(Micros v, int digits) {
  digits = std::clamp(digits, 0, 6);
  Micros unit = 1;
  for (int i = digits; i < 6; ++i) unit *= 10;
  Micros a = Abs(v);
  Micros rounded = (a + unit / 2) / unit;  // in units of 10^-digits
  if (digits == 6) rounded = a;
  Micros scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  std::string whole = Int128ToString(rounded / scale);
  std::string sign = (v < 0 && rounded != 0) ? "-" : "";
  if (digits == 0) return sign + whole;
  std::string frac = Int128ToString(rounded % scale);
  frac = std::string(digits - frac.size(), '0') + frac;
  return absl::StrCat(sign, whole, ".", frac);
}

std::optional<Micros> PercentMicros(Micros numerator, Micros denominator) {
  if (denominator == 0) return std::nullopt;
  // 100 × n / d, in millionths: (n × 10^8) / d, rounded half away from zero.
  __int128 scaled = numerator * 100 * kMicrosPerUnit;
  __int128 q = scaled / denominator;
  __int128 r = scaled % denominator;
  if (2 * Abs(r) >= Abs(denominator)) q += ((scaled < 0) != (denominator < 0)) ? -1 : 1;
  return q;
}

std::string FormatChange(Micros delta, int digits) {
  std::string text = digits < 0 ? FormatMicros(delta) : FormatRounded(delta, digits);
  if (delta > 0) return "+" + text;
  return text;
}

double ToDouble(Micros v) {
  return static_cast<double>(v) / static_cast<double>(kMicrosPerUnit);
}

}  // namespace tonghop
