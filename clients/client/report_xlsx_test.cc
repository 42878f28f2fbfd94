#include "clients/client/report_xlsx.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <utility>

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

// `path` (a file in `dir`) as LibreOffice saves it again: the converted
// copy's path, or "" when the conversion fails.
std::string SavedByLibreOffice(const TempDirectory& dir, const std::string& path) {
  std::filesystem::create_directory(dir.File("out"));
  int converted = std::system(absl::StrCat("soffice -env:UserInstallation=file://",
                                           dir.File("profile"),
                                           " --headless --convert-to xlsx --outdir ",
                                           dir.File("out"), " ", path, " >/dev/null 2>&1")
                                  .c_str());
  if (converted != 0) return "";
  return dir.File("out/" + std::filesystem::path(path).filename().string());
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
  absl::StatusOr<ReportForm> form = ReadReportXlsx(SavedByLibreOffice(dir, path));
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->report.name(), draft.name());
  EXPECT_EQ(form->report.etag(), "etag-1");
  EXPECT_EQ(form->report.progress(0).status(), v1::PROGRESS_STATUS_IN_PROGRESS);
  EXPECT_EQ(form->report.values(0).int_value(), 1200);
  EXPECT_EQ(form->report.values(1).value_case(), v1::Value::VALUE_NOT_SET);
  EXPECT_EQ(form->report.values(2).decimal_value(), "90.38");
}

// complaints-received asks for sex × age-group: the draft's crossed slots.
IndicatorCatalog CrossedCatalog() {
  IndicatorCatalog catalog = Catalog();
  v1::Indicator& received = catalog.indicators["indicators/complaints-received"];
  received.add_dimensions("dimensions/sex");
  received.add_dimensions("dimensions/age-group");
  v1::DimensionCrossing* crossing = received.add_crossings();
  crossing->set_rows("dimensions/sex");
  crossing->set_columns("dimensions/age-group");
  v1::Dimension sex;
  sex.set_name("dimensions/sex");
  sex.set_display_name("Giới tính");
  for (const auto& [code, name] : {std::pair<const char*, const char*>{"male", "Nam"},
                                   {"female", "Nữ"}}) {
    auto* o = sex.add_options();
    o->set_code(code);
    o->set_display_name(name);
  }
  v1::Dimension age;
  age.set_name("dimensions/age-group");
  age.set_display_name("Nhóm tuổi");
  for (const auto& [code, name] : {std::pair<const char*, const char*>{"under-18", "Dưới 18"},
                                   {"adult", "Từ 18"}, {"over-60", "Trên 60"}}) {
    auto* o = age.add_options();
    o->set_code(code);
    o->set_display_name(name);
  }
  catalog.dimensions[sex.name()] = sex;
  catalog.dimensions[age.name()] = age;
  return catalog;
}

v1::Report CrossedDraft() {
  v1::Report report = Draft();  // values[0..2]: total, female, budget
  for (const char* sex : {"male", "female"}) {
    for (const char* age : {"under-18", "adult", "over-60"}) {
      v1::Value* v = report.add_values();
      v->set_indicator("indicators/complaints-received");
      (*v->mutable_cells())["sex"] = sex;
      (*v->mutable_cells())["age-group"] = age;
    }
  }
  report.mutable_values(4)->set_int_value(7);  // male, adult
  return report;
}

TEST(ReportXlsxTest, ACrossedIndicatorIsATwoWayGridReadBackByItsCells) {
  if (!HaveOpenpyxl()) {
    GTEST_SKIP() << "python3-openpyxl is not installed";
  }
  TempDirectory dir;
  std::string path = dir.File("bao-cao.xlsx");
  ASSERT_TRUE(WriteReportXlsx(path, CrossedDraft(), CrossedCatalog()).ok());
  // The grid as written: codes, labels, the figure already given, the sums.
  std::string dump = dir.File("dump.txt");
  ASSERT_EQ(FillWithOpenpyxl(path,
                             "ws = wb['Bảng chéo']\n"
                             "open('" + dump + "', 'w').write(repr([[c.value for c in r] for r in "
                             "ws.iter_rows(min_row=1, max_row=6, max_col=6)]) + '\\n' + "
                             "repr(wb['Số liệu'].max_row))\n"),
            0);
  std::ifstream in(dump);
  std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(written, HasSubstr("'complaints-received', 'sex × age-group'"));
  EXPECT_THAT(written, HasSubstr("'under-18', 'adult', 'over-60'"));
  EXPECT_THAT(written, HasSubstr("'Giới tính \\\\ Nhóm tuổi', 'Dưới 18', 'Từ 18', 'Trên 60', 'Cộng'"));
  EXPECT_THAT(written, HasSubstr("['male', 'Nam', None, 7, None, '=SUM(C4:E4)']"));
  EXPECT_THAT(written, HasSubstr("[None, 'Cộng', '=SUM(C4:C5)'"));
  EXPECT_THAT(written, ::testing::EndsWith("\n4")) << "crossed figures are not rows too";

  ASSERT_EQ(FillWithOpenpyxl(path,
                             "ws = wb['Bảng chéo']\n"
                             "ws['C4'] = 2\n"
                             "ws['D5'] = '1.200'\n"
                             "ws['E5'] = 3\n"),
            0);
  absl::StatusOr<ReportForm> form = ReadReportXlsx(path);
  ASSERT_TRUE(form.ok()) << form.status();
  const v1::Report& report = form->report;
  ASSERT_EQ(report.values_size(), 9);
  std::map<std::string, std::string> crossed;
  for (int i = 3; i < 9; ++i) {
    const v1::Value& v = report.values(i);
    ASSERT_EQ(v.cells_size(), 2);
    crossed[v.cells().at("sex") + "/" + v.cells().at("age-group")] =
        v.value_case() == v1::Value::kIntValue ? std::to_string(v.int_value()) : "";
  }
  EXPECT_EQ(crossed["male/under-18"], "2");
  EXPECT_EQ(crossed["male/adult"], "7");
  EXPECT_EQ(crossed["male/over-60"], "");
  EXPECT_EQ(crossed["female/adult"], "1200");
  EXPECT_EQ(crossed["female/over-60"], "3");
  // The server's field violations land on the grid's cells.
  EXPECT_EQ(report.values(7).cells().at("age-group"), "adult");
  EXPECT_EQ(form->Where("report.values[7].value"), "bao-cao.xlsx, Bảng chéo!D5");
  EXPECT_EQ(form->Where("report.values[1].value"), "bao-cao.xlsx, Số liệu!E3");

  // A wrong grid cell is named by its sheet and cell.
  ASSERT_EQ(FillWithOpenpyxl(path, "wb['Bảng chéo']['E4'] = 'ba'\n"), 0);
  form = ReadReportXlsx(path);
  ASSERT_EQ(form.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(form.status().message(), HasSubstr("Bảng chéo!E4"));
}

TEST(ReportXlsxTest, AGridSavedByLibreOfficeIsRead) {
  if (std::system("command -v soffice >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "LibreOffice (soffice) is not installed";
  }
  TempDirectory dir;
  std::string path = dir.File("bao-cao.xlsx");
  ASSERT_TRUE(WriteReportXlsx(path, CrossedDraft(), CrossedCatalog()).ok());
  absl::StatusOr<ReportForm> form = ReadReportXlsx(SavedByLibreOffice(dir, path));
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->report.values_size(), 9);
  EXPECT_EQ(form->report.values(4).cells().at("sex"), "male");
  EXPECT_EQ(form->report.values(4).cells().at("age-group"), "adult");
  EXPECT_EQ(form->report.values(4).int_value(), 7);
  EXPECT_EQ(form->report.values(5).value_case(), v1::Value::VALUE_NOT_SET);
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
