#include "clients/client/report_file.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "clients/client/durable_file.h"
#include "gtest/gtest.h"
#include "services/common/display_format.h"

namespace tonghop::client {
namespace {

class TempDirectory {
 public:
  TempDirectory() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "tonghop-client-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDirectory() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

IndicatorCatalog Catalog() {
  IndicatorCatalog catalog;
  v1::Indicator received;
  received.set_name("indicators/complaints-received");
  received.set_display_name("Số vụ việc khiếu nại, đã thụ lý");
  received.set_unit("vụ việc");
  received.set_value_type(v1::VALUE_TYPE_COUNT);
  received.add_dimensions("dimensions/sex");
  catalog.indicators[received.name()] = received;
  v1::Indicator budget;
  budget.set_name("indicators/budget-spent");
  budget.set_display_name("Kinh phí");
  budget.set_unit("triệu đồng");
  budget.set_value_type(v1::VALUE_TYPE_DECIMAL);
  catalog.indicators[budget.name()] = budget;
  v1::Dimension sex;
  sex.set_name("dimensions/sex");
  sex.set_display_name("Giới tính");
  auto* female = sex.add_options();
  female->set_code("female");
  female->set_display_name("Nữ");
  catalog.dimensions[sex.name()] = sex;
  return catalog;
}

v1::Report Report() {
  v1::Report report;
  report.set_name("reports/dong-nai-so-y-te/dn-2026/2026");
  report.set_etag("abc");
  auto* total = report.add_values();
  total->set_indicator("indicators/complaints-received");
  total->set_int_value(12);
  auto* female = report.add_values();
  female->set_indicator("indicators/complaints-received");
  (*female->mutable_cells())["sex"] = "female";  // left empty
  auto* budget = report.add_values();
  budget->set_indicator("indicators/budget-spent");
  budget->set_decimal_value("1250.5");
  return report;
}

TEST(ReportFileTest, CsvPathSitsBesideTheJson) {
  EXPECT_EQ(CsvPathFor("/x/so-y-te.json"), "/x/so-y-te.csv");
  EXPECT_EQ(CsvPathFor("/x/report"), "/x/report.csv");
}

TEST(ReportFileTest, CsvHasLabelsAndTypesAndRoundTrips) {
  std::string csv = ValuesToCsv(Report(), Catalog());
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBFindicator,cells,value,type,label\r\n", 0), 0u);
  EXPECT_NE(csv.find("complaints-received,,12,count,\"Số vụ việc khiếu nại, đã thụ lý "
                     "(vụ việc) — Tổng số\""),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("complaints-received,sex=female,,count,"), std::string::npos);
  EXPECT_NE(csv.find("Giới tính: Nữ"), std::string::npos);
  auto values = ValuesFromCsv(csv, "r.csv");
  ASSERT_TRUE(values.ok()) << values.status();
  ASSERT_EQ(values->size(), 3);
  EXPECT_EQ(values->Get(0).int_value(), 12);
  EXPECT_EQ(values->Get(1).value_case(), v1::Value::VALUE_NOT_SET);
  EXPECT_EQ(values->Get(1).cells().at("sex"), "female");
  EXPECT_EQ(values->Get(2).decimal_value(), "1250.5");
}

TEST(ReportFileTest, ColumnsAreFoundByTheirHeader) {
  auto values = ValuesFromCsv(
      "value,indicator,cells\n7,indicators/complaints-received,sex = female\n"
      "2.5,budget-spent,\n",
      "r.csv");
  ASSERT_TRUE(values.ok()) << values.status();
  ASSERT_EQ(values->size(), 2);
  EXPECT_EQ(values->Get(0).indicator(), "indicators/complaints-received");
  EXPECT_EQ(values->Get(0).int_value(), 7);
  EXPECT_EQ(values->Get(0).cells().at("sex"), "female");
  EXPECT_EQ(values->Get(1).decimal_value(), "2.5");  // the server judges its type
}

TEST(ReportFileTest, MalformedCsvNamesTheLine) {
  auto no_header = ValuesFromCsv("a,b\n", "r.csv");
  EXPECT_EQ(no_header.status().code(), absl::StatusCode::kInvalidArgument);
  auto bad_cells = ValuesFromCsv("indicator,cells,value\nx,,1\ny,sex,2\n", "r.csv");
  ASSERT_EQ(bad_cells.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_cells.status().message().find("r.csv: line 3"), std::string::npos)
      << bad_cells.status();
  auto open_quote = ValuesFromCsv("indicator,cells,value\n\"x,,1\n", "r.csv");
  EXPECT_EQ(open_quote.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ReportFileTest, FilesRoundTripAndTheCsvWins) {
  TempDirectory dir;
  std::string json_path = dir.File("so-y-te.json");
  auto csv_path = WriteReportFiles(json_path, Report(), Catalog());
  ASSERT_TRUE(csv_path.ok()) << csv_path.status();
  EXPECT_EQ(*csv_path, dir.File("so-y-te.csv"));
  auto read = ReadReportFiles(json_path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->name(), "reports/dong-nai-so-y-te/dn-2026/2026");
  EXPECT_EQ(read->etag(), "abc");
  ASSERT_EQ(read->values_size(), 3);
  // Edit the CSV: it replaces the JSON's values.
  ASSERT_TRUE(WriteFileDurably(*csv_path, "indicator,cells,value\ncomplaints-received,,30\n").ok());
  read = ReadReportFiles(json_path);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->values_size(), 1);
  EXPECT_EQ(read->values(0).int_value(), 30);
  // Without a CSV the JSON's values stand.
  std::filesystem::remove(*csv_path);
  read = ReadReportFiles(json_path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->values_size(), 3);
  ASSERT_TRUE(WriteFileDurably(json_path, "{\"nope\": 1}").ok());
  EXPECT_EQ(ReadReportFiles(json_path).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ReportFileTest, VietnameseNumbersAreReadAndWritten) {
  EXPECT_EQ(ParseVietnameseNumber("1.200"), "1200");
  EXPECT_EQ(ParseVietnameseNumber("12.345.678"), "12345678");
  EXPECT_EQ(ParseVietnameseNumber("90,38"), "90.38");
  EXPECT_EQ(ParseVietnameseNumber("-1.234,5"), "-1234.5");
  EXPECT_EQ(ParseVietnameseNumber(" 1 200 "), "1200");
  EXPECT_EQ(ParseVietnameseNumber("1200"), "1200");
  EXPECT_EQ(ParseVietnameseNumber("2.5"), "2.5");  // a decimal point
  EXPECT_EQ(ParseVietnameseNumber("1.2.3"), std::nullopt);
  EXPECT_EQ(ParseVietnameseNumber("1,2,3"), std::nullopt);
  EXPECT_EQ(ParseVietnameseNumber("mười"), std::nullopt);
  EXPECT_EQ(ParseVietnameseNumber(","), std::nullopt);
  // What the form writes (display_format) reads back as the same decimal.
  for (const char* decimal : {"1234567", "-1250.5", "12", "0.05"}) {
    EXPECT_EQ(ParseVietnameseNumber(FormatNumber(decimal, "vi")), decimal) << decimal;
  }
}

TEST(ReportFileTest, SemicolonCsvWithVietnameseNumbersIsRead) {
  auto values = ValuesFromCsv(
      "\xEF\xBB\xBFindicator;cells;value;type;label\r\n"
      "complaints-received;;1.200;count;\"Tổng; số\"\r\n"
      "budget-spent;;90,38;decimal;Kinh phí\r\n"
      "complaints-received;sex=female;;count;Nữ\r\n",
      "r.csv");
  ASSERT_TRUE(values.ok()) << values.status();
  ASSERT_EQ(values->size(), 3);
  EXPECT_EQ(values->Get(0).int_value(), 1200);
  EXPECT_EQ(values->Get(1).decimal_value(), "90.38");
  EXPECT_EQ(values->Get(2).cells().at("sex"), "female");
  auto bad = ValuesFromCsv("indicator;cells;value\nx;;mười\n", "r.csv");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("r.csv: line 2"), std::string::npos) << bad.status();
}

TEST(ReportFileTest, StatusesMayBeLabelsOrShortNamesAndErrorsNameTheLine) {
  TempDirectory dir;
  std::string json_path = dir.File("form.json");
  v1::Report report = Report();
  auto* progress = report.add_progress();
  progress->set_task("plans/dn-2026/tasks/A.1");
  ASSERT_TRUE(WriteReportFiles(json_path, report, Catalog()).ok());
  // The template has slots for the status and the summary.
  std::string written = *ReadWholeFile(json_path);
  EXPECT_NE(written.find("\"status\": \"\""), std::string::npos) << written;
  EXPECT_NE(written.find("\"summary\": \"\""), std::string::npos) << written;
  EXPECT_NE(written.find("Hoàn thành (COMPLETED)"), std::string::npos) << written;
  // Unfilled, it reads as not stated.
  auto read = ReadReportForm(json_path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->report.progress(0).status(), v1::PROGRESS_STATUS_UNSPECIFIED);

  for (const char* status : {"Hoàn thành", "COMPLETED", "completed", "PROGRESS_STATUS_COMPLETED"}) {
    std::string filled = written;
    size_t at = filled.find("\"status\": \"\"");
    filled.replace(at, 12, absl::StrCat("\"status\": \"", status, "\""));
    ASSERT_TRUE(WriteFileDurably(json_path, filled).ok());
    read = ReadReportForm(json_path);
    ASSERT_TRUE(read.ok()) << status << ": " << read.status();
    EXPECT_EQ(read->report.progress(0).status(), v1::PROGRESS_STATUS_COMPLETED) << status;
  }
  std::string wrong = written;
  wrong.replace(wrong.find("\"status\": \"\""), 12, "\"status\": \"xong\"");
  ASSERT_TRUE(WriteFileDurably(json_path, wrong).ok());
  auto refused = ReadReportForm(json_path);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("progress[0] (plans/dn-2026/tasks/A.1)"),
            std::string::npos)
      << refused.status();
  EXPECT_NE(refused.status().message().find("Đang thực hiện (IN_PROGRESS)"), std::string::npos);

  // The server's field paths are shown as the CSV's lines.
  ASSERT_TRUE(WriteFileDurably(json_path, written).ok());
  read = ReadReportForm(json_path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->Where("report.values[0].value"), "form.csv, dòng 2");
  EXPECT_EQ(read->Where("report.values[2]"), "form.csv, dòng 4");
  EXPECT_EQ(read->Where("report.values[3]"), "");
  EXPECT_EQ(read->Where("report.progress[0].status"), "form.json, nhiệm vụ A.1");
  EXPECT_EQ(read->Where("name"), "");
}

}  // namespace
}  // namespace tonghop::client
