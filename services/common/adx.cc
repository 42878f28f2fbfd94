#include "services/common/adx.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/common/period.h"
#include "services/common/status_macros.h"

namespace tonghop {

// Written from IHE QRPH's Aggregate Data Exchange profile (trial
// implementation, 2015): the constraints every ADX document satisfies. A
// data set's own schema adds its code lists.
const char kAdxSchema[] = R"xsd(<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns="urn:ihe:qrph:adx:2015"
           targetNamespace="urn:ihe:qrph:adx:2015"
           elementFormDefault="qualified">
  <!-- An ISO 8601 period as a start date and a duration: 2026-01-01/P1Y. -->
  <xs:simpleType name="periodType">
    <xs:restriction base="xs:string">
      <xs:pattern value="\d{4}-\d{2}-\d{2}/P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:complexType name="dataValueType">
    <xs:attribute name="dataElement" type="xs:token" use="required"/>
    <xs:attribute name="value" type="xs:decimal" use="required"/>
    <!-- The disaggregation: one attribute per dimension. -->
    <xs:anyAttribute processContents="skip"/>
  </xs:complexType>
  <xs:complexType name="groupType">
    <xs:sequence>
      <xs:element name="dataValue" type="dataValueType" maxOccurs="unbounded"/>
    </xs:sequence>
    <xs:attribute name="orgUnit" type="xs:token" use="required"/>
    <xs:attribute name="period" type="periodType" use="required"/>
    <xs:attribute name="dataSet" type="xs:token" use="required"/>
    <xs:anyAttribute processContents="skip"/>
  </xs:complexType>
  <xs:element name="adx">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="group" type="groupType" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="exported" type="xs:dateTime" use="required"/>
      <xs:anyAttribute processContents="skip"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
)xsd";

namespace {

struct DocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

// Collects libxml2's messages for one document.
void Collect(void* context, const xmlError* error) {
  auto* errors = static_cast<std::vector<std::string>*>(context);
  if (errors->size() >= 10) return;
  std::string message = error->message != nullptr ? error->message : "invalid";
  while (!message.empty() && message.back() == '\n') message.pop_back();
  errors->push_back(absl::StrCat("line ", error->line, ": ", message));
}

Doc Parse(absl::string_view xml, std::vector<std::string>& errors) {
  xmlParserCtxtPtr context = xmlNewParserCtxt();
  if (context == nullptr) return nullptr;
  xmlSetStructuredErrorFunc(&errors, reinterpret_cast<xmlStructuredErrorFunc>(Collect));
  // No network, no external entities.
  xmlDoc* doc = xmlCtxtReadMemory(context, xml.data(), static_cast<int>(xml.size()), nullptr,
                                  "UTF-8", XML_PARSE_NONET | XML_PARSE_NOBLANKS);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  xmlFreeParserCtxt(context);
  return Doc(doc);
}

std::string Attribute(xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) return "";
  std::string out(reinterpret_cast<char*>(value));
  xmlFree(value);
  return out;
}

bool Named(xmlNode* node, const char* name) {
  return node->type == XML_ELEMENT_NODE &&
         xmlStrcmp(node->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

}  // namespace

absl::StatusOr<std::string> AdxPeriod(absl::string_view label) {
  ASSIGN_OR_RETURN(Period p, ParsePeriod(label, "period"));
  const char* duration = p.type == v1::PERIOD_TYPE_SEMIANNUAL  ? "P6M"
                         : p.type == v1::PERIOD_TYPE_QUARTERLY ? "P3M"
                                                               : "P1Y";
  return absl::StrFormat("%04d-%02d-%02d/%s", p.first_day.year(), p.first_day.month(),
                         p.first_day.day(), duration);
}

absl::StatusOr<std::string> PeriodFromAdx(absl::string_view adx_period) {
  auto bad = [&] {
    return InvalidField("period", absl::StrCat("\"", adx_period,
                                               "\" is not a reporting period: expected "
                                               "YYYY-01-01/P1Y, a half-year (P6M) or a quarter "
                                               "(P3M) starting on its first day"));
  };
  std::vector<std::string> parts = absl::StrSplit(adx_period, '/');
  absl::CivilDay start;
  if (parts.size() != 2 || !absl::ParseCivilTime(parts[0], &start) || start.day() != 1) {
    return bad();
  }
  std::string label;
  if (parts[1] == "P1Y" && start.month() == 1) {
    label = absl::StrCat(start.year());
  } else if (parts[1] == "P6M" && (start.month() == 1 || start.month() == 7)) {
    label = absl::StrCat(start.year(), "S", start.month() == 1 ? 1 : 2);
  } else if (parts[1] == "P3M" && (start.month() - 1) % 3 == 0) {
    label = absl::StrCat(start.year(), "Q", (start.month() - 1) / 3 + 1);
  } else {
    return bad();
  }
  if (!ParsePeriod(label, "period").ok()) return bad();
  return label;
}

absl::Status ValidateXml(absl::string_view xml, absl::string_view schema) {
  InitOnce();
  std::vector<std::string> errors;
  Doc doc = Parse(xml, errors);
  if (doc == nullptr) {
    return InvalidField("content", absl::StrCat("is not well-formed XML: ",
                                                absl::StrJoin(errors, "; ")));
  }
  Doc schema_doc = Parse(schema, errors);
  if (schema_doc == nullptr) return absl::InternalError("the schema is not well-formed XML");
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewDocParserCtxt(schema_doc.get());
  xmlSchemaPtr compiled = parser != nullptr ? xmlSchemaParse(parser) : nullptr;
  if (parser != nullptr) xmlSchemaFreeParserCtxt(parser);
  if (compiled == nullptr) return absl::InternalError("the schema does not compile");
  xmlSchemaValidCtxtPtr validator = xmlSchemaNewValidCtxt(compiled);
  errors.clear();
  xmlSchemaSetValidStructuredErrors(validator,
                                    reinterpret_cast<xmlStructuredErrorFunc>(Collect), &errors);
  int result = xmlSchemaValidateDoc(validator, doc.get());
  xmlSchemaFreeValidCtxt(validator);
  xmlSchemaFree(compiled);
  if (result != 0) {
    return InvalidField("content", absl::StrCat("does not validate: ", absl::StrJoin(errors, "; ")));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AdxGroup>> ReadAdx(absl::string_view xml,
                                              absl::string_view data_set_schema) {
  absl::Status valid = ValidateXml(xml, kAdxSchema);
  if (!valid.ok()) return valid;
  if (!data_set_schema.empty()) {
    valid = ValidateXml(xml, data_set_schema);
    if (!valid.ok()) return valid;
  }
  std::vector<std::string> errors;
  Doc doc = Parse(xml, errors);
  std::vector<AdxGroup> groups;
  for (xmlNode* g = xmlDocGetRootElement(doc.get())->children; g != nullptr; g = g->next) {
    if (!Named(g, "group")) continue;
    AdxGroup group;
    group.org_unit = Attribute(g, "orgUnit");
    group.period = Attribute(g, "period");
    group.data_set = Attribute(g, "dataSet");
    for (xmlNode* v = g->children; v != nullptr; v = v->next) {
      if (!Named(v, "dataValue")) continue;
      AdxValue value;
      for (xmlAttr* a = v->properties; a != nullptr; a = a->next) {
        std::string name(reinterpret_cast<const char*>(a->name));
        std::string text = Attribute(v, name.c_str());
        if (name == "dataElement") {
          value.data_element = text;
        } else if (name == "value") {
          value.value = text;
        } else {
          value.attributes[name] = text;
        }
      }
      group.values.push_back(std::move(value));
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace tonghop
