#include "services/aggregation/exchange.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "services/aggregation/figures.h"
#include "services/common/csv.h"
#include "services/common/errors.h"
#include "services/common/period.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"

namespace tonghop::aggregation {
namespace {

std::string Xml(absl::string_view text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&apos;"}});
}


// The dimensions the values use, in the registry's order of their ids.
std::vector<std::string> DimensionsUsed(const ExchangeData& data) {
  std::set<std::string> used;
  for (const ExchangeValue& v : data.values) {
    for (const auto& [dimension, unused] : v.cells) used.insert(dimension);
  }
  return std::vector<std::string>(used.begin(), used.end());
}

// "age-group" → "AGE_GROUP": an SDMX component id.
std::string ComponentId(absl::string_view dimension) {
  return absl::AsciiStrToUpper(absl::StrReplaceAll(dimension, {{"-", "_"}}));
}

bool Withheld(const v1::Figure& f) {
  return f.unavailable_reason() == v1::UNAVAILABLE_REASON_SUPPRESSED_SMALL_COUNT ||
         f.unavailable_reason() == v1::UNAVAILABLE_REASON_SUPPRESSED_COMPLEMENTARY;
}

}  // namespace

std::string SdmxPeriod(absl::string_view label) {
  if (label.size() == 6) return absl::StrCat(label.substr(0, 4), "-", label.substr(4));
  return std::string(label);
}

absl::StatusOr<std::string> WriteAdx(const ExchangeData& data) {
  ASSIGN_OR_RETURN(std::string period, AdxPeriod(data.period));
  std::string xml = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<adx xmlns=\"", kAdxNamespace, "\" exported=\"",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", data.exported, absl::UTCTimeZone()), "\">\n",
      "  <group orgUnit=\"", Xml(data.agency), "\" period=\"", period, "\" dataSet=\"",
      Xml(data.plan), "\">\n");
  int written = 0;
  for (const ExchangeValue& v : data.values) {
    const v1::Indicator* def = data.snapshot->FindIndicator(absl::StrCat("indicators/", v.indicator));
    if (!v.figure.present() || AggregationOf(def) == v1::Indicator::AGGREGATION_RATIO) continue;
    absl::StrAppend(&xml, "    <dataValue dataElement=\"", Xml(v.indicator), "\" value=\"",
                    v.figure.value(), "\"");
    for (const auto& [dimension, option] : v.cells) {
      absl::StrAppend(&xml, " ", dimension, "=\"", Xml(option), "\"");
    }
    xml += "/>\n";
    ++written;
  }
  if (written == 0) {
    return FailedPrecondition("NOTHING_TO_EXPORT",
                              "no figure of the subtree can be exported as ADX yet");
  }
  xml += "  </group>\n</adx>\n";
  return xml;
}

std::string AdxDataSetSchema(const ExchangeData& data) {
  auto enumeration = [](const std::vector<std::string>& codes) {
    std::string out = "      <xs:restriction base=\"xs:token\">\n";
    for (const std::string& code : codes) {
      absl::StrAppend(&out, "        <xs:enumeration value=\"", Xml(code), "\"/>\n");
    }
    return out + "      </xs:restriction>\n";
  };
  std::vector<std::string> elements;
  std::set<std::string> seen;
  for (const ExchangeValue& v : data.values) {
    if (seen.insert(v.indicator).second) elements.push_back(v.indicator);
  }
  std::vector<std::string> units;
  for (const auto& [id, unused] : data.agencies) units.push_back(id);
  std::string xsd = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
      "<!-- The ADX data set \"", Xml(data.plan), "\": its code lists as enumerations. -->\n",
      "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns=\"", kAdxNamespace,
      "\" targetNamespace=\"", kAdxNamespace, "\" elementFormDefault=\"qualified\">\n",
      "  <xs:simpleType name=\"dataElementType\">\n", enumeration(elements),
      "  </xs:simpleType>\n  <xs:simpleType name=\"orgUnitType\">\n", enumeration(units),
      "  </xs:simpleType>\n  <xs:simpleType name=\"dataSetType\">\n", enumeration({data.plan}),
      "  </xs:simpleType>\n");
  std::vector<std::string> dimensions;
  for (const auto& [name, dimension] : data.snapshot->dimensions) dimensions.push_back(IdOf(name));
  for (const std::string& dimension : dimensions) {
    std::vector<std::string> options;
    for (const v1::DimensionOption& o :
         data.snapshot->FindDimension(absl::StrCat("dimensions/", dimension))->options()) {
      options.push_back(o.code());
    }
    absl::StrAppend(&xsd, "  <xs:simpleType name=\"", dimension, "Type\">\n", enumeration(options),
                    "  </xs:simpleType>\n");
  }
  absl::StrAppend(
      &xsd,
      "  <xs:element name=\"adx\">\n    <xs:complexType>\n      <xs:sequence>\n",
      "        <xs:element name=\"group\" maxOccurs=\"unbounded\">\n          <xs:complexType>\n",
      "            <xs:sequence>\n",
      "              <xs:element name=\"dataValue\" maxOccurs=\"unbounded\">\n",
      "                <xs:complexType>\n",
      "                  <xs:attribute name=\"dataElement\" type=\"dataElementType\" use=\"required\"/>\n",
      "                  <xs:attribute name=\"value\" type=\"xs:decimal\" use=\"required\"/>\n");
  for (const std::string& dimension : dimensions) {
    absl::StrAppend(&xsd, "                  <xs:attribute name=\"", dimension, "\" type=\"",
                    dimension, "Type\"/>\n");
  }
  absl::StrAppend(
      &xsd, "                </xs:complexType>\n              </xs:element>\n",
      "            </xs:sequence>\n",
      "            <xs:attribute name=\"orgUnit\" type=\"orgUnitType\" use=\"required\"/>\n",
      "            <xs:attribute name=\"period\" use=\"required\">\n",
      "              <xs:simpleType><xs:restriction base=\"xs:string\">\n",
      "                <xs:pattern value=\"\\d{4}-\\d{2}-01/P(1Y|6M|3M)\"/>\n",
      "              </xs:restriction></xs:simpleType>\n            </xs:attribute>\n",
      "            <xs:attribute name=\"dataSet\" type=\"dataSetType\" use=\"required\"/>\n",
      "          </xs:complexType>\n        </xs:element>\n      </xs:sequence>\n",
      "      <xs:attribute name=\"exported\" type=\"xs:dateTime\" use=\"required\"/>\n",
      "    </xs:complexType>\n  </xs:element>\n</xs:schema>\n");
  return xsd;
}

std::string WriteSdmxCsv(const ExchangeData& data) {
  std::vector<std::string> dimensions = DimensionsUsed(data);
  std::vector<std::string> header = {"STRUCTURE", "STRUCTURE_ID", "ACTION", "REF_AREA",
                                     "INDICATOR", "TIME_PERIOD"};
  for (const std::string& d : dimensions) header.push_back(ComponentId(d));
  for (const char* column : {"OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS"}) header.push_back(column);
  std::string csv = CsvRow(header);
  const std::string structure = absl::StrCat("TONGHOP:DF_", data.plan, "(1.0)");
  for (const ExchangeValue& v : data.values) {
    const v1::Indicator* def = data.snapshot->FindIndicator(absl::StrCat("indicators/", v.indicator));
    std::vector<std::string> row = {"dataflow", structure, "I", data.agency, v.indicator,
                                    SdmxPeriod(data.period)};
    for (const std::string& d : dimensions) {
      auto it = v.cells.find(d);
      row.push_back(it == v.cells.end() ? "_T" : it->second);
    }
    row.push_back(v.figure.present() ? v.figure.value() : "");
    row.push_back(AggregationOf(def) == v1::Indicator::AGGREGATION_RATIO ? "PC"
                  : def != nullptr && def->value_type() == v1::VALUE_TYPE_DECIMAL
                      ? "NUMBER"
                      : "COUNT");
    row.push_back(v.figure.present() ? "A" : Withheld(v.figure) ? "C" : "M");
    csv += CsvRow(row);
  }
  return csv;
}

std::vector<std::pair<std::string, std::string>> SdmxCodeLists(const ExchangeData& data) {
  std::vector<std::pair<std::string, std::string>> lists;
  const std::vector<std::string> header = {"ID", "NAME_VI", "NAME_EN"};
  std::string areas = CsvRow(header);
  for (const auto& [id, name] : data.agencies) areas += CsvRow({id, name, ""});
  lists.push_back({"CL_AREA.csv", areas});
  std::string indicators = CsvRow({"ID", "NAME_VI", "NAME_EN", "UNIT"});
  std::set<std::string> seen;
  for (const ExchangeValue& v : data.values) {
    if (!seen.insert(v.indicator).second) continue;
    const v1::Indicator* def = data.snapshot->FindIndicator(absl::StrCat("indicators/", v.indicator));
    indicators += CsvRow({v.indicator, def != nullptr ? def->display_name() : "",
                          def != nullptr ? def->english_name() : "", def != nullptr ? def->unit() : ""});
  }
  lists.push_back({"CL_INDICATOR.csv", indicators});
  lists.push_back({"CL_UNIT_MEASURE.csv",
                   absl::StrCat(CsvRow(header), CsvRow({"COUNT", "Số đếm", "Count"}),
                                CsvRow({"NUMBER", "Số", "Number"}),
                                CsvRow({"PC", "Phần trăm", "Percent"}))});
  lists.push_back({"CL_OBS_STATUS.csv",
                   absl::StrCat(CsvRow(header), CsvRow({"A", "Giá trị thông thường", "Normal value"}),
                                CsvRow({"C", "Không công bố (bảo mật)", "Confidential"}),
                                CsvRow({"M", "Không có số liệu", "Missing value"}))});
  for (const std::string& dimension : DimensionsUsed(data)) {
    const v1::Dimension* dim = data.snapshot->FindDimension(absl::StrCat("dimensions/", dimension));
    std::string list = absl::StrCat(CsvRow(header), CsvRow({"_T", "Tổng số", "Total"}));
    if (dim != nullptr) {
      for (const v1::DimensionOption& o : dim->options()) {
        list += CsvRow({o.code(), o.display_name(), o.english_name()});
      }
    }
    lists.push_back({absl::StrCat("CL_", ComponentId(dimension), ".csv"), list});
  }
  return lists;
}

}  // namespace tonghop::aggregation
