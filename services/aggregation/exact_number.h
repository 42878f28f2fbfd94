#ifndef TONGHOP_SERVICES_AGGREGATION_EXACT_NUMBER_H_
#define TONGHOP_SERVICES_AGGREGATION_EXACT_NUMBER_H_

// Exact arithmetic for rolled-up values. Every value is held in millionths
// (6 fraction digits, the precision of VALUE_TYPE_DECIMAL) in a 128-bit
// integer, so sums over a whole country of amounts of money never overflow
// and never round. Percentages are computed from summed numerators and
// denominators at the end, never by averaging rates.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop::aggregation {

// A value in millionths of a unit.
using Micros = __int128;

inline constexpr int64_t kMicrosPerUnit = 1000000;

// "-12.5" → -12500000. At most 6 fraction digits; no exponent, no spaces.
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<Micros> ParseDecimal(absl::string_view text, absl::string_view field);

// A count as millionths.
inline Micros FromInt(int64_t v) { return static_cast<Micros>(v) * kMicrosPerUnit; }

// The decimal digits of a 128-bit integer ("-1234").
std::string Int128ToString(__int128 v);
// The reverse; nullopt unless `text` is an optional '-' and 1 to 39 digits.
std::optional<__int128> ParseInt128(absl::string_view text);

// Exact text of a value with trailing fraction zeros removed: 1250500000 →
// "1250.5", 42000000 → "42".
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

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_EXACT_NUMBER_H_
