// Exports of a subtree's figures as ADX and SDMX-CSV: they validate against
// schemas written from the published specifications (the ADX profile's
// loose schema and the data set's own, with its code lists; SDMX-CSV 2.0's
// data message rules, checked below), they hold the roll-up's figures, and
// an ADX export read back and filed as a report reproduces them.

#include "services/aggregation/exchange.h"

#include <regex>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/test_fixture.h"
#include "services/common/adx.h"

namespace tonghop::aggregation {
namespace {

using testing::IntValue;
using testing::MakeReport;
using ::testing::HasSubstr;

// RFC 4180 records: CRLF line ends, fields quoted when they hold a comma,
// quote or line break, quotes doubled.
absl::StatusOr<std::vector<std::vector<std::string>>> ParseCsv(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < csv.size(); ++i) {
    char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\r') {
      if (i + 1 >= csv.size() || csv[i + 1] != '\n') return absl::InvalidArgumentError("bare CR");
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else if (c == '\n') {
      return absl::InvalidArgumentError("a line ends without CR");
    } else {
      field.push_back(c);
    }
  }
  if (quoted || !field.empty() || !row.empty()) return absl::InvalidArgumentError("last record unended");
  return rows;
}

// The SDMX-CSV 2.0 data message rules (sdmx-twg/sdmx-csv, data message
// field guide) for this data flow: the fixed leading columns, the
// dimensions, the measure and attributes; coded values from their code
// lists; OBS_VALUE empty exactly when OBS_STATUS says why; each key once.
void ExpectValidSdmxCsv(const std::string& csv,
                        const std::vector<std::pair<std::string, std::string>>& code_lists) {
  auto rows = ParseCsv(csv);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_GE(rows->size(), 2u);
  const std::vector<std::string>& header = (*rows)[0];
  ASSERT_GE(header.size(), 9u);
  EXPECT_EQ(header[0], "STRUCTURE");
  EXPECT_EQ(header[1], "STRUCTURE_ID");
  EXPECT_EQ(header[2], "ACTION");
  EXPECT_EQ(header[3], "REF_AREA");
  EXPECT_EQ(header[4], "INDICATOR");
  EXPECT_EQ(header[5], "TIME_PERIOD");
  EXPECT_EQ(header[header.size() - 3], "OBS_VALUE");
  EXPECT_EQ(header[header.size() - 2], "UNIT_MEASURE");
  EXPECT_EQ(header[header.size() - 1], "OBS_STATUS");
  std::map<std::string, std::set<std::string>> codes;  // column → allowed ids
  for (const auto& [file, content] : code_lists) {
    auto list = ParseCsv(content);
    ASSERT_TRUE(list.ok()) << file << ": " << list.status();
    ASSERT_EQ((*list)[0][0], "ID") << file;
    std::string column = file.substr(3, file.size() - 7);  // CL_X.csv → X
    if (column == "AREA") column = "REF_AREA";
    for (size_t i = 1; i < list->size(); ++i) codes[column].insert((*list)[i][0]);
  }
  static const std::regex kStructureId(R"(^[A-Za-z0-9_@$\-]+:[A-Za-z0-9_@$\-]+\(\d+\.\d+(\.\d+)?\)$)");
  static const std::regex kTimePeriod(R"(^\d{4}(-[SQ]\d)?$)");
  std::set<std::vector<std::string>> keys;
  for (size_t r = 1; r < rows->size(); ++r) {
    const std::vector<std::string>& row = (*rows)[r];
    ASSERT_EQ(row.size(), header.size()) << "row " << r;
    EXPECT_THAT((std::set<std::string>{"dataflow", "datastructure", "dataprovision"}),
                ::testing::Contains(row[0]));
    EXPECT_TRUE(std::regex_match(row[1], kStructureId)) << row[1];
    EXPECT_THAT((std::set<std::string>{"I", "A", "R", "D"}), ::testing::Contains(row[2]));
    EXPECT_TRUE(std::regex_match(row[5], kTimePeriod)) << row[5];
    std::vector<std::string> key(row.begin() + 3, row.end() - 3);
    EXPECT_TRUE(keys.insert(key).second) << "a key twice: row " << r;
    for (size_t c = 3; c < header.size(); ++c) {
      if (header[c] == "TIME_PERIOD" || header[c] == "OBS_VALUE") continue;
      auto list = codes.find(header[c]);
      ASSERT_NE(list, codes.end()) << "no code list for " << header[c];
      EXPECT_TRUE(list->second.count(row[c])) << header[c] << " = " << row[c];
    }
    const std::string& value = row[header.size() - 3];
    const std::string& status = row[header.size() - 1];
    if (value.empty()) {
      EXPECT_THAT((std::set<std::string>{"C", "M"}), ::testing::Contains(status));
    } else {
      double parsed;
      EXPECT_TRUE(absl::SimpleAtod(value, &parsed)) << value;
      EXPECT_EQ(status, "A");
    }
  }
}

class ExchangeTest : public ::testing::Test {
 protected:
  ExchangeTest() {
    // The ministry's own plan, where the province reports its figures.
    v1::Plan national = testing::MakePlan("plans/bo-tu-phap-2026");
    national.set_issuer("agencies/bo-tu-phap");
    national.set_compiler("agencies/bo-tu-phap");
    env_.registry().SetPlan(national, testing::MakeTasks("plans/bo-tu-phap-2026"));
    Accept(MakeReport("dong-nai-so-tu-phap", "2026", 1,
                      {IntValue("complaints-received", 17),
                       IntValue("complaints-received", 3, {{"sex", "female"}}),
                       IntValue("complaints-received", 14, {{"sex", "male"}}),
                       IntValue("complaints-received", 9, {{"age-group", "18-30"}}),
                       IntValue("complaints-received", 8, {{"age-group", "over-60"}}),
                       IntValue("complaints-resolved", 12), IntValue("largest-case", 40),
                       testing::DecimalValue("budget", "1250.5")}));
    Accept(MakeReport("dong-nai-xa-a", "2026", 1,
                      {IntValue("complaints-received", 6),
                       IntValue("complaints-received", 6, {{"sex", "male"}}),
                       IntValue("complaints-resolved", 6), IntValue("largest-case", 90)}));
  }
  void Accept(const v1::Report& report) {
    ASSERT_TRUE(env_.Apply(v1::CHANGE_KIND_SUBMITTED, report).ok());
    ASSERT_TRUE(env_.Apply(v1::CHANGE_KIND_ACCEPTED, report).ok());
  }
  v1::ExportFiguresRequest Request(v1::ExchangeFormat format, bool exact) {
    v1::ExportFiguresRequest r;
    r.set_plan(testing::kPlan);
    r.set_period("2026");
    r.set_agency("agencies/dong-nai");
    r.set_format(format);
    r.set_exact(exact);
    return r;
  }
  // Every cell of the subtree's roll-up the chain sees: (indicator id, cell) → value.
  std::map<std::pair<std::string, std::string>, std::string> Rollup(const std::string& plan) {
    v1::RollupRequest r;
    r.set_plan(plan);
    r.set_period("2026");
    r.set_agency("agencies/dong-nai");
    r.set_group_by(v1::ROLLUP_GROUPING_CELLS);
    auto response = env_.queries().Rollup(focal_, r);
    EXPECT_TRUE(response.ok()) << response.status();
    std::map<std::pair<std::string, std::string>, std::string> out;
    for (const auto& i : response->indicators()) {
      if (i.aggregation() == v1::Indicator::AGGREGATION_RATIO) continue;
      for (const auto& row : i.rows()) {
        if (row.figure().present()) {
          out[{i.indicator().substr(11), CellKey(row.cells())}] = row.figure().value();
        }
      }
    }
    return out;
  }

  testing::QueryEnvironment env_;
  Caller focal_{"agencies/dong-nai-so-tu-phap"};
};

TEST_F(ExchangeTest, AdxValidatesAndHoldsTheRollup) {
  auto exported = env_.queries().ExportFigures(focal_, Request(v1::EXCHANGE_FORMAT_ADX, true));
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_FALSE(exported->disclosure_controlled());
  EXPECT_EQ(exported->filename(), "dong-nai-dong-nai-74-2026-2026.adx.xml");
  ASSERT_EQ(exported->code_lists_size(), 1);
  const std::string& schema = exported->code_lists(0).content();
  EXPECT_TRUE(ValidateXml(exported->content(), kAdxSchema).ok());
  EXPECT_TRUE(ValidateXml(exported->content(), schema).ok())
      << ValidateXml(exported->content(), schema);
  // The data set's code lists: an unknown data element or option is refused.
  std::string unknown = exported->content();
  unknown.replace(unknown.find("sex=\"female\""), 12, "sex=\"other\"");
  EXPECT_FALSE(ValidateXml(unknown, schema).ok());

  auto groups = ReadAdx(exported->content(), schema);
  ASSERT_TRUE(groups.ok()) << groups.status();
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].org_unit, "dong-nai");
  EXPECT_EQ((*groups)[0].data_set, "dong-nai-74-2026");
  EXPECT_EQ((*groups)[0].period, "2026-01-01/P1Y");
  std::map<std::pair<std::string, std::string>, std::string> shown;
  for (const AdxValue& v : (*groups)[0].values) {
    google::protobuf::Map<std::string, std::string> cells(v.attributes.begin(), v.attributes.end());
    shown[{v.data_element, CellKey(cells)}] = v.value;
  }
  EXPECT_EQ(shown, Rollup(testing::kPlan));
  EXPECT_EQ(shown[std::make_pair(std::string("budget"), std::string())], "1250.5");
}

// An ADX export read back and filed as the province's report in the
// ministry's plan reproduces the same figures there.
TEST_F(ExchangeTest, AnAdxExportImportedBackReproducesTheFigures) {
  auto exported = env_.queries().ExportFigures(focal_, Request(v1::EXCHANGE_FORMAT_ADX, true));
  ASSERT_TRUE(exported.ok()) << exported.status();
  auto groups = ReadAdx(exported->content(), exported->code_lists(0).content());
  ASSERT_TRUE(groups.ok()) << groups.status();
  std::vector<v1::Value> values;
  for (const AdxValue& v : (*groups)[0].values) {
    v1::Value value;
    value.set_indicator("indicators/" + v.data_element);
    for (const auto& [d, o] : v.attributes) (*value.mutable_cells())[d] = o;
    int64_t count;
    if (absl::SimpleAtoi(v.value, &count)) {
      value.set_int_value(count);
    } else {
      value.set_decimal_value(v.value);
    }
    values.push_back(value);
  }
  ASSERT_EQ(*PeriodFromAdx((*groups)[0].period), "2026");
  Accept(MakeReport((*groups)[0].org_unit, "2026", 1, values, "plans/bo-tu-phap-2026"));
  EXPECT_EQ(Rollup("plans/bo-tu-phap-2026"), Rollup(testing::kPlan));
}

TEST_F(ExchangeTest, SdmxCsvFollowsTheDataMessageRules) {
  auto exported =
      env_.queries().ExportFigures(focal_, Request(v1::EXCHANGE_FORMAT_SDMX_CSV, true));
  ASSERT_TRUE(exported.ok()) << exported.status();
  std::vector<std::pair<std::string, std::string>> lists;
  for (const auto& f : exported->code_lists()) lists.push_back({f.filename(), f.content()});
  ExpectValidSdmxCsv(exported->content(), lists);
  EXPECT_THAT(exported->content(),
              HasSubstr("dataflow,TONGHOP:DF_dong-nai-74-2026(1.0),I,dong-nai,complaints-received,"
                        "2026,_T,_T,23,COUNT,A\r\n"));
  EXPECT_THAT(exported->content(),
              HasSubstr("dong-nai,complaint-resolution-rate,2026,_T,_T,78.26,PC,A\r\n"));
  // Every figure of the roll-up is there.
  auto rows = *ParseCsv(exported->content());
  std::map<std::pair<std::string, std::string>, std::string> shown;
  for (size_t r = 1; r < rows.size(); ++r) {
    std::string cell;
    if (rows[r][6] != "_T") cell = "age-group=" + rows[r][6];
    if (rows[r][7] != "_T") cell = "sex=" + rows[r][7];
    if (!rows[r][8].empty() && rows[r][9] != "PC") shown[{rows[r][4], cell}] = rows[r][8];
  }
  EXPECT_EQ(shown, Rollup(testing::kPlan));
}

TEST_F(ExchangeTest, ExportsAreUnderDisclosureControlUnlessTheChainAsksForExactFigures) {
  auto published = env_.queries().ExportFigures(focal_, Request(v1::EXCHANGE_FORMAT_SDMX_CSV, false));
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_TRUE(published->disclosure_controlled());
  EXPECT_EQ(published->withheld(), 2);  // female 3 and its complement
  EXPECT_THAT(published->content(), HasSubstr(",female,,COUNT,C\r\n"));
  auto adx = env_.queries().ExportFigures(focal_, Request(v1::EXCHANGE_FORMAT_ADX, false));
  EXPECT_THAT(adx->content(), ::testing::Not(HasSubstr("sex=\"female\"")));
  EXPECT_EQ(env_.queries()
                .ExportFigures(Caller{"agencies/bo-ngoai-giao"},
                               Request(v1::EXCHANGE_FORMAT_ADX, true))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  // Outside the subtree's reach, not even the published figures.
  EXPECT_EQ(env_.queries()
                .ExportFigures(Caller{"agencies/bo-ngoai-giao"},
                               Request(v1::EXCHANGE_FORMAT_ADX, false))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace tonghop::aggregation
