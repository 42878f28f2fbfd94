#ifndef TONGHOP_SERVICES_COMMON_DECIMAL_H_
#define TONGHOP_SERVICES_COMMON_DECIMAL_H_

// Exact decimal numbers: the one implementation the services and the clients
// use to read and write a figure's canonical text ("-12.5", "1250",
// "0.000001", as the API carries decimal_value).
//
// Every value is held in millionths (6 fraction digits, the precision of
// VALUE_TYPE_DECIMAL) in a 128-bit integer, so sums over a whole country of
// amounts of money never overflow and never round. Percentages are computed
// from summed numerators and denominators at the end, never by averaging
// rates. How a number is shown to an official (comma decimal, dot thousands)
// is another matter, kept with the display formats.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop {

// A value in millionths of a unit.
using Micros = __int128;

inline constexpr int64_t kMicrosPerUnit = 1000000;

// The most digits before the point a figure may have: 10^15 units, beyond
// any amount an agency reports, and with 6 fraction digits still far inside
// what sums of every agency of the country need.
inline constexpr int kMaxWholeDigits = 15;
// The most digits before the point of a sum of figures (a province's total
// pushed to the Ministry): thousands of agencies' largest figures still fit,
// and so do their sums in Micros.
inline constexpr int kMaxSumWholeDigits = 24;

// The canonical text of a decimal: an optional '-', 1 to 15 digits, and
// optionally '.' followed by 1 to 6 digits. Nothing else: no '+', no
// leading or trailing point, no exponent, no spaces, no grouping. Returns
// the value in millionths, or INVALID_ARGUMENT saying why in English ("more
// than 6 digits after the point").
absl::StatusOr<Micros> ParseDecimal(absl::string_view text);

// The same, with the error naming `field` (InvalidField, for an API error's
// BadRequest) and quoting the text.
absl::StatusOr<Micros> ParseDecimal(absl::string_view text, absl::string_view field);

// The canonical text of a sum of figures: as ParseDecimal, with up to
// kMaxSumWholeDigits digits before the point.
absl::StatusOr<Micros> ParseDecimalSum(absl::string_view text, absl::string_view field);

// A count as millionths.
inline Micros FromInt(int64_t v) { return static_cast<Micros>(v) * kMicrosPerUnit; }

// The decimal digits of a 128-bit integer ("-1234").
std::string Int128ToString(__int128 v);
// The reverse; nullopt unless `text` is an optional '-' and 1 to 38 digits.
std::optional<__int128> ParseInt128(absl::string_view text);

// Canonical text of a value with trailing fraction zeros removed:
// 1250500000 → "1250.5", 42000000 → "42". ParseDecimal reads it back
// whenever the value has at most 15 whole digits.
std::string FormatMicros(Micros v);

// `v` rounded half away from zero to `digits` (0..6) fraction digits and
// printed with exactly that many: (87499999, 2) → "87.50".
std::string FormatRounded(Micros v, int digits);

// 100 × numerator / denominator in millionths of a percent, rounded half away
// from zero; nullopt when the denominator is 0.
std::optional<Micros> PercentMicros(Micros numerator, Micros denominator);

// A signed change as text with an explicit sign: "+12", "-3.5", "0".
std::string FormatChange(Micros delta, int digits = -1);

// The value as a double, for charts only.
double ToDouble(Micros v);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_DECIMAL_H_
