#include "services/common/adx.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tonghop {
namespace {

using ::testing::HasSubstr;

constexpr char kValid[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-11-07T07:05:00Z">
  <group orgUnit="dong-nai" period="2026-01-01/P1Y" dataSet="dong-nai-74-2026">
    <dataValue dataElement="complaints-received" value="104"/>
    <dataValue dataElement="complaints-received" value="45" sex="female"/>
    <dataValue dataElement="budget" value="1250.5"/>
  </group>
</adx>
)";

TEST(AdxTest, ReadsGroupsAndTheirDisaggregation) {
  auto groups = ReadAdx(kValid);
  ASSERT_TRUE(groups.ok()) << groups.status();
  ASSERT_EQ(groups->size(), 1u);
  const AdxGroup& g = (*groups)[0];
  EXPECT_EQ(g.org_unit, "dong-nai");
  EXPECT_EQ(g.period, "2026-01-01/P1Y");
  EXPECT_EQ(g.data_set, "dong-nai-74-2026");
  ASSERT_EQ(g.values.size(), 3u);
  EXPECT_EQ(g.values[1].data_element, "complaints-received");
  EXPECT_EQ(g.values[1].value, "45");
  EXPECT_EQ(g.values[1].attributes.at("sex"), "female");
  EXPECT_EQ(g.values[2].value, "1250.5");
}

TEST(AdxTest, RefusesWhatTheProfileDoesNotAllow) {
  std::string no_exported = kValid;
  no_exported.replace(no_exported.find(" exported=\"2026-11-07T07:05:00Z\""), 32, "");
  EXPECT_THAT(ReadAdx(no_exported).status().message(), HasSubstr("exported"));
  std::string bad_period = kValid;
  bad_period.replace(bad_period.find("2026-01-01/P1Y"), 14, "2026");
  EXPECT_THAT(ReadAdx(bad_period).status().message(), HasSubstr("period"));
  std::string bad_value = kValid;
  bad_value.replace(bad_value.find("\"104\""), 5, "\"many\"");
  EXPECT_THAT(ReadAdx(bad_value).status().message(), HasSubstr("value"));
  std::string other_namespace = kValid;
  other_namespace.replace(other_namespace.find("urn:ihe:qrph:adx:2015"), 21, "urn:example:adx");
  EXPECT_FALSE(ReadAdx(other_namespace).ok());
  EXPECT_THAT(ReadAdx("<adx").status().message(), HasSubstr("not well-formed"));
}

TEST(AdxTest, ADataSetSchemaAddsItsCodeLists) {
  constexpr char kSchema[] = R"(<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:ihe:qrph:adx:2015"
  targetNamespace="urn:ihe:qrph:adx:2015" elementFormDefault="qualified">
  <xs:element name="adx"><xs:complexType><xs:sequence>
    <xs:element name="group" maxOccurs="unbounded"><xs:complexType><xs:sequence>
      <xs:element name="dataValue" maxOccurs="unbounded"><xs:complexType>
        <xs:attribute name="dataElement" use="required"><xs:simpleType>
          <xs:restriction base="xs:token"><xs:enumeration value="complaints-received"/>
          </xs:restriction></xs:simpleType></xs:attribute>
        <xs:anyAttribute processContents="skip"/>
      </xs:complexType></xs:element></xs:sequence>
      <xs:anyAttribute processContents="skip"/></xs:complexType></xs:element>
  </xs:sequence><xs:anyAttribute processContents="skip"/></xs:complexType></xs:element>
</xs:schema>)";
  EXPECT_THAT(ReadAdx(kValid, kSchema).status().message(), HasSubstr("budget"));
}

TEST(AdxTest, PeriodsAreIsoStartsAndDurations) {
  for (const auto& [label, adx] : std::vector<std::pair<std::string, std::string>>{
           {"2026", "2026-01-01/P1Y"}, {"2026S1", "2026-01-01/P6M"},
           {"2026S2", "2026-07-01/P6M"}, {"2026Q3", "2026-07-01/P3M"}}) {
    EXPECT_EQ(*AdxPeriod(label), adx);
    EXPECT_EQ(*PeriodFromAdx(adx), label);
  }
  EXPECT_FALSE(PeriodFromAdx("2026-02-01/P1Y").ok());
  EXPECT_FALSE(PeriodFromAdx("2026-01-01/P2M").ok());
  EXPECT_FALSE(PeriodFromAdx("2026").ok());
}

}  // namespace
}  // namespace tonghop
