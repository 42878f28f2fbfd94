#include "clients/client/report_xlsx.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tonghop::client {
namespace {

using ::testing::HasSubstr;

class TempDirectory {
 public:
  TempDirectory() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "tonghop-xlsx-XXXXXX").string();
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
  received.set_display_name("Số vụ việc khiếu nại");
  received.set_value_type(v1::VALUE_TYPE_COUNT);
  catalog.indicators[received.name()] = received;
  v1::Indicator budget;
  budget.set_name("indicators/budget-spent");
  budget.set_display_name("Kinh phí");
  budget.set_value_type(v1::VALUE_TYPE_DECIMAL);
  catalog.indicators[budget.name()] = budget;
  return catalog;
}

v1::Report Draft() {
  v1::Report report;
  report.set_name("reports/dong-nai-so-y-te/dn-2026/2026");
  report.set_etag("etag-1");
  auto* progress = report.add_progress();
  progress->set_task("plans/dn-2026/tasks/A.1");
  progress->set_title("Tiếp công dân");
  progress->set_lead(true);
  report.add_values()->set_indicator("indicators/complaints-received");
  auto* female = report.add_values();
  female->set_indicator("indicators/complaints-received");
  (*female->mutable_cells())["sex"] = "female";
  report.add_values()->set_indicator("indicators/budget-spent");
  return report;
}

// Debian's python3 (where python3-openpyxl is installed), else the first on
// the PATH.
std::string Python() {
  return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

bool HaveOpenpyxl() {
  return std::system((Python() + " -c 'import openpyxl' 2>/dev/null").c_str()) == 0;
}

// Fills the workbook the way a script or another program would: openpyxl,
// which rewrites the whole file in its own way.
int FillWithOpenpyxl(const std::string& path, const std::string& assignments) {
  std::string script = absl::StrCat(
      "import openpyxl\n"
      "wb = openpyxl.load_workbook('", path, "')\n", assignments, "wb.save('", path, "')\n");
  std::string script_path = path + ".py";
  std::ofstream(script_path) << script;
  return std::system(absl::StrCat(Python(), " ", script_path).c_str());
}

TEST(ReportXlsxTest, AFormFilledByOpenpyxlIsRead) {
  if (!HaveOpenpyxl()) {
    GTEST_SKIP() << "python3-openpyxl is not installed";
  }
  TempDirectory dir;
  std::string path = dir.File("bao-cao.xlsx");
  ASSERT_TRUE(WriteReportXlsx(path, Draft(), Catalog()).ok());
  ASSERT_EQ(FillWithOpenpyxl(path,
                             "wb['Nhiệm vụ']['D2'] = 'Hoàn thành'\n"
                             "wb['Nhiệm vụ']['E2'] = 'Đã tiếp 1.200 lượt công dân.'\n"
                             "wb['Số liệu']['E2'] = 1200\n"
                             "wb['Số liệu']['E3'] = '600'\n"
                             "wb['Số liệu']['E4'] = 90.38\n"),
            0);
  absl::StatusOr<ReportForm> form = ReadReportXlsx(path);
  ASSERT_TRUE(form.ok()) << form.status();
  const v1::Report& report = form->report;
  EXPECT_EQ(report.name(), "reports/dong-nai-so-y-te/dn-2026/2026");
  EXPECT_EQ(report.etag(), "etag-1");
  ASSERT_EQ(report.progress_size(), 1);
  EXPECT_EQ(report.progress(0).task(), "plans/dn-2026/tasks/A.1");
  EXPECT_EQ(report.progress(0).status(), v1::PROGRESS_STATUS_COMPLETED);
  EXPECT_EQ(report.progress(0).summary(), "Đã tiếp 1.200 lượt công dân.");
  ASSERT_EQ(report.values_size(), 3);
  EXPECT_EQ(report.values(0).int_value(), 1200);
  EXPECT_EQ(report.values(1).int_value(), 600);
  EXPECT_EQ(report.values(1).cells().at("sex"), "female");
  EXPECT_EQ(report.values(2).decimal_value(), "90.38");
  // The server's field paths are shown as the sheet and cell.
  EXPECT_EQ(form->Where("report.values[1].value"), "bao-cao.xlsx, Số liệu!E3");
  EXPECT_EQ(form->Where("report.progress[0].status"), "bao-cao.xlsx, Nhiệm vụ!D2");

  // After a submission the etag is updated in place.
  ASSERT_TRUE(UpdateXlsxEtag(path, "etag-1", "etag-2").ok());
  form = ReadReportXlsx(path);
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->report.etag(), "etag-2");
  EXPECT_EQ(form->report.values(0).int_value(), 1200);
}

TEST(ReportXlsxTest, AWrongCellIsNamed) {
  if (!HaveOpenpyxl()) {
    GTEST_SKIP() << "python3-openpyxl is not installed";
  }
  TempDirectory dir;
  std::string path = dir.File("bao-cao.xlsx");
  ASSERT_TRUE(WriteReportXlsx(path, Draft(), Catalog()).ok());
  ASSERT_EQ(FillWithOpenpyxl(path, "wb['Số liệu']['E3'] = 'mười hai'\n"), 0);
  absl::StatusOr<ReportForm> form = ReadReportXlsx(path);
  ASSERT_EQ(form.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(form.status().message(), HasSubstr("Số liệu!E3"));

  ASSERT_TRUE(WriteReportXlsx(path, Draft(), Catalog()).ok());
  ASSERT_EQ(FillWithOpenpyxl(path, "wb['Nhiệm vụ']['D2'] = 'Xong'\n"), 0);
  form = ReadReportXlsx(path);
  ASSERT_EQ(form.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(form.status().message(), HasSubstr("Nhiệm vụ!D2"));
  EXPECT_THAT(form.status().message(), HasSubstr("Hoàn thành (COMPLETED)"));
}

TEST(ReportXlsxTest, AWorkbookSavedByLibreOfficeIsRead) {
  if (std::system("command -v soffice >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "LibreOffice (soffice) is not installed";
  }
  TempDirectory dir;
  std::string path = dir.File("bao-cao.xlsx");
  v1::Report draft = Draft();
  draft.mutable_progress(0)->set_status(v1::PROGRESS_STATUS_IN_PROGRESS);
  draft.mutable_values(0)->set_int_value(1200);
  draft.mutable_values(2)->set_decimal_value("90.38");
  ASSERT_TRUE(WriteReportXlsx(path, draft, Catalog()).ok());
  std::filesystem::create_directory(dir.File("out"));
  ASSERT_EQ(std::system(absl::StrCat("soffice -env:UserInstallation=file://", dir.File("profile"),
                                     " --headless --convert-to xlsx --outdir ", dir.File("out"),
                                     " ", path, " >/dev/null 2>&1")
                            .c_str()),
            0);
  absl::StatusOr<ReportForm> form = ReadReportXlsx(dir.File("out/bao-cao.xlsx"));
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->report.name(), draft.name());
  EXPECT_EQ(form->report.etag(), "etag-1");
  EXPECT_EQ(form->report.progress(0).status(), v1::PROGRESS_STATUS_IN_PROGRESS);
  EXPECT_EQ(form->report.values(0).int_value(), 1200);
  EXPECT_EQ(form->report.values(1).value_case(), v1::Value::VALUE_NOT_SET);
  EXPECT_EQ(form->report.values(2).decimal_value(), "90.38");
}

TEST(ReportXlsxTest, OurOwnWorkbookReadsBackUnfilled) {
  TempDirectory dir;
  std::string path = dir.File("mau.xlsx");
  v1::Report draft = Draft();
  draft.mutable_values(0)->set_int_value(1234567);
  ASSERT_TRUE(WriteReportXlsx(path, draft, Catalog()).ok());
  absl::StatusOr<ReportForm> form = ReadReportXlsx(path);
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->report.values(0).int_value(), 1234567);
  EXPECT_EQ(form->report.values(1).value_case(), v1::Value::VALUE_NOT_SET);
  EXPECT_EQ(form->report.progress(0).status(), v1::PROGRESS_STATUS_UNSPECIFIED);
  EXPECT_FALSE(ReadReportXlsx(dir.File("none.xlsx")).ok());
}

}  // namespace
}  // namespace tonghop::client
