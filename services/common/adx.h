#ifndef TONGHOP_SERVICES_COMMON_ADX_H_
#define TONGHOP_SERVICES_COMMON_ADX_H_

// Reading ADX, IHE's Aggregate Data Exchange (QRPH profile, namespace
// urn:ihe:qrph:adx:2015): a document of <group>s, each the values of one
// org unit, period and data set, each <dataValue> a data element's value
// with its disaggregation as extra attributes. Documents are checked
// against the profile's loose schema (kAdxSchema, written here from the
// profile: what every ADX document must satisfy, whatever its data set) and
// optionally a data set's own schema with its code lists. Thread-safe (no
// shared state; libxml2 is initialized once).

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop {

// The namespace of ADX documents.
inline constexpr char kAdxNamespace[] = "urn:ihe:qrph:adx:2015";

// The loose ADX schema (W3C XML Schema).
extern const char kAdxSchema[];

// A reporting period as ADX writes it, an ISO 8601 start and duration:
// "2026" → "2026-01-01/P1Y", "2026S2" → "2026-07-01/P6M", "2026Q3" →
// "2026-07-01/P3M"; and back. INVALID_ARGUMENT (on `period`) for any other.
absl::StatusOr<std::string> AdxPeriod(absl::string_view label);
absl::StatusOr<std::string> PeriodFromAdx(absl::string_view adx_period);

struct AdxValue {
  std::string data_element;
  std::string value;  // as written: a decimal
  // Every other attribute: the disaggregation (dimension → option).
  std::map<std::string, std::string> attributes;
};

struct AdxGroup {
  std::string org_unit;
  std::string period;  // ISO 8601 start/duration: "2026-01-01/P1Y"
  std::string data_set;
  std::vector<AdxValue> values;
};

// Checks `xml` against `schema` (an XSD document); INVALID_ARGUMENT listing
// the first errors (line: message) when it does not validate.
absl::Status ValidateXml(absl::string_view xml, absl::string_view schema);

// The groups of an ADX document, after checking it against kAdxSchema and,
// when given, `data_set_schema`.
absl::StatusOr<std::vector<AdxGroup>> ReadAdx(absl::string_view xml,
                                              absl::string_view data_set_schema = "");

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_ADX_H_
