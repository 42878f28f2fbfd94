#ifndef TONGHOP_SERVICES_AGGREGATION_EXCHANGE_H_
#define TONGHOP_SERVICES_AGGREGATION_EXCHANGE_H_

// A subtree's figures in the formats other statistical systems read:
//
//  - ADX, IHE's Aggregate Data Exchange (QRPH, namespace
//    urn:ihe:qrph:adx:2015), as DHIS2 imports it with codes as identifiers:
//    one <group> for the subtree (orgUnit = agency id, dataSet = plan id,
//    period = ISO 8601 start/duration, e.g. 2026-01-01/P1Y), one
//    <dataValue> per indicator cell (dataElement = indicator id, value,
//    and one attribute per dimension: sex="female"). ADX carries counts and
//    amounts, not ratios (a receiver recomputes them from their parts).
//    Its code lists come as the data set's own ADX schema
//    (AdxDataSetSchema), which enumerates every code, as the profile
//    derives one from a data structure definition.
//  - SDMX-CSV 2.0 (sdmx-twg/sdmx-csv, data message): STRUCTURE,
//    STRUCTURE_ID, ACTION, then the dimensions REF_AREA, INDICATOR,
//    TIME_PERIOD (2026, 2026-S1, 2026-Q3) and one per disaggregation
//    dimension ("_T" for the total), the measure OBS_VALUE and the
//    attributes UNIT_MEASURE and OBS_STATUS (A normal, C confidential:
//    withheld, M missing: not available). Its code lists come as CSV
//    files, one per code list.
//
// Pure functions of their input; thread-safe.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/aggregation/registry_view.h"
#include "services/common/adx.h"
#include "tonghop/v1/aggregation_service.pb.h"

namespace tonghop::aggregation {


// One exported figure: an indicator's cell over the subtree.
struct ExchangeValue {
  std::string indicator;  // id: "complaints-received"
  std::map<std::string, std::string> cells;  // dimension id → option code
  v1::Figure figure;
};

struct ExchangeData {
  std::string agency;  // id: "dong-nai"
  std::string plan;    // id: "dong-nai-74-2026"
  std::string period;  // label: "2026"
  absl::Time exported;
  std::vector<ExchangeValue> values;
  // The registry reading the values refer to (names, units, dimensions).
  const RegistrySnapshot* snapshot = nullptr;
  // The agencies of the subtree, for the area code list: id → name.
  std::map<std::string, std::string> agencies;
};

// "2026" → "2026", "2026S1" → "2026-S1", "2026Q3" → "2026-Q3".
std::string SdmxPeriod(absl::string_view label);

// The ADX document of `data` (values not present are left out).
absl::StatusOr<std::string> WriteAdx(const ExchangeData& data);
// The schema of the data set's ADX documents: the loose ADX structure with
// every code list (data elements, org units, each dimension's options)
// enumerated.
std::string AdxDataSetSchema(const ExchangeData& data);

// The SDMX-CSV 2.0 data message of `data`.
std::string WriteSdmxCsv(const ExchangeData& data);
// The code lists SDMX-CSV refers to, as CSV files (file name, content):
// CL_AREA, CL_INDICATOR, CL_UNIT and one per dimension.
std::vector<std::pair<std::string, std::string>> SdmxCodeLists(const ExchangeData& data);

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_EXCHANGE_H_
