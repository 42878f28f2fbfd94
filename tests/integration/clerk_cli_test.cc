// What a clerk meets with the CLI: what her agency owes, a form filled in
// with Vietnamese labels and numbers and a semicolon-separated CSV, errors
// shown at the CSV's line, a correction before review that replaces the
// pending revision, and a withdrawal.

#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "clients/client/durable_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/submissions_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Sở Y tế's figures as Excel writes them under Vietnamese settings.
std::string SemicolonCsv(const std::string& total, const std::string& male,
                         const std::string& female, const std::string& resolved) {
  return absl::StrCat(
      "\xEF\xBB\xBFindicator;cells;value;type;label\r\n",
      "complaints-received;;", total, ";count;Tổng số\r\n",
      "complaints-received;sex=male;", male, ";count;Nam\r\n",
      "complaints-received;sex=female;", female, ";count;Nữ\r\n",
      "complaints-resolved;;", resolved, ";count;Đã giải quyết\r\n");
}

TEST(ClerkCliTest, OwedFormLabelsCsvLinesReplaceAndWithdraw) {
  if (!std::filesystem::exists(BuiltBinary("clients/cli/tonghop"))) {
    GTEST_SKIP() << "the tonghop CLI is not built";
  }
  TempDir dir;
  TempDir state;
  auto server = TestServer::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(LoadRegistryFixture((*server)->NewChannel()).ok());
  std::string as_clerk = absl::StrCat("--server=", (*server)->address(),
                                      " --agency=dong-nai-so-y-te --state-dir=", state.path(),
                                      "/state ");
  std::string output;

  // What she owes, before anything was drafted.
  ASSERT_EQ(RunCli(as_clerk + "report status", &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("Báo cáo cơ quan phải nộp"));
  EXPECT_THAT(output, HasSubstr("74/KH-UBND"));
  EXPECT_THAT(output, Not(HasSubstr("Không có báo cáo nào")));

  // The form, asked for by the plan's symbol.
  std::string form = state.path() + "/bao-cao.json";
  ASSERT_EQ(RunCli(as_clerk + "report template --plan=74/KH-UBND --period=2026 --out=" + form,
                   &output),
            0)
      << output;
  absl::StatusOr<std::string> json = client::ReadWholeFile(form);
  ASSERT_TRUE(json.ok());
  ASSERT_THAT(*json, HasSubstr("\"status\": \"\""));
  std::string filled = absl::StrReplaceAll(
      *json, {{"\"status\": \"\"", "\"status\": \"Hoàn thành\""},
              {"\"summary\": \"\"", "\"summary\": \"Đã giải quyết xong.\""}});
  ASSERT_TRUE(client::WriteFileDurably(form, filled).ok());

  // A mistake: the breakdown by sex does not add up to the total.
  std::string csv = state.path() + "/bao-cao.csv";
  ASSERT_TRUE(client::WriteFileDurably(csv, SemicolonCsv("1.200", "600", "500", "1.000")).ok());
  EXPECT_EQ(RunCli(as_clerk + "report submit " + form, &output), 1) << output;
  EXPECT_THAT(output, HasSubstr("bao-cao.csv, dòng"));

  // Fixed: accepted, numbers read the Vietnamese way.
  ASSERT_TRUE(client::WriteFileDurably(csv, SemicolonCsv("1.200", "600", "600", "1.000")).ok());
  ASSERT_EQ(RunCli(as_clerk + "report submit " + form, &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("lần nộp thứ 1"));
  auto channel = (*server)->NewChannel();
  auto submitted = ClientAs(channel, "dong-nai-so-y-te").GetReport(kSoYTeReport);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->values(0).int_value(), 1200);
  EXPECT_EQ(submitted->progress(0).status(), v1::PROGRESS_STATUS_COMPLETED);

  // Corrected before review: the same file again replaces the pending
  // revision, with no etag error.
  ASSERT_TRUE(client::WriteFileDurably(csv, SemicolonCsv("1.300", "650", "650", "1.000")).ok());
  ASSERT_EQ(RunCli(as_clerk + "report submit " + form, &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("lần nộp thứ 2"));
  ASSERT_EQ(RunCli(as_clerk + "report history " + kSoYTeReport, &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("Đã được thay bằng lần nộp sau"));

  // Withdrawn before review: a draft again, and owed.
  ASSERT_EQ(RunCli(as_clerk + "report withdraw " + form, &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("Đang soạn"));
  ASSERT_EQ(RunCli(as_clerk + "report due", &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("Đang soạn"));
  // The same form, submitted again after the withdrawal.
  ASSERT_EQ(RunCli(as_clerk + "report submit " + form, &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("lần nộp thứ 3"));
  ASSERT_EQ(RunCli(as_clerk + "report withdraw " + kSoYTeReport, &output), 0) << output;

  // A status nobody knows is refused with the choices spelled out.
  ASSERT_TRUE(client::WriteFileDurably(
                  form, absl::StrReplaceAll(filled, {{"Hoàn thành", "Xong rồi"}}))
                  .ok());
  EXPECT_EQ(RunCli(as_clerk + "report submit " + form, &output), 1) << output;
  EXPECT_THAT(output, HasSubstr("Hoàn thành (COMPLETED)"));
}

TEST(ClerkCliTest, AnExcelFormIsFilledSubmittedAndCorrected) {
  std::string python =
      std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  if (!std::filesystem::exists(BuiltBinary("clients/cli/tonghop")) ||
      std::system((python + " -c 'import openpyxl' 2>/dev/null").c_str()) != 0) {
    GTEST_SKIP() << "needs the tonghop CLI and python3-openpyxl";
  }
  TempDir dir;
  TempDir state;
  auto server = TestServer::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(LoadRegistryFixture((*server)->NewChannel()).ok());
  std::string as_clerk = absl::StrCat("--server=", (*server)->address(),
                                      " --agency=dong-nai-so-y-te --state-dir=", state.path(),
                                      "/state ");
  std::string output;
  std::string form = state.path() + "/bao-cao.xlsx";
  ASSERT_EQ(RunCli(as_clerk + "report template --plan=74/KH-UBND --period=2026 --out=" + form,
                   &output),
            0)
      << output;
  // The figures sheet lists the total, then the breakdowns: fill by label.
  auto fill = [&](const std::string& total, const std::string& male, const std::string& female) {
    std::string script = absl::StrCat(
        "import openpyxl\n"
        "wb = openpyxl.load_workbook('", form, "')\n"
        "wb['Nhiệm vụ']['D2'] = 'Hoàn thành'\n"
        "ws = wb['Số liệu']\n"
        "for row in ws.iter_rows(min_row=2):\n"
        "    ind, cells = row[0].value, row[1].value or ''\n"
        "    if ind == 'complaints-received' and cells == '': row[4].value = ", total, "\n"
        "    if ind == 'complaints-received' and cells == 'sex=male': row[4].value = ", male, "\n"
        "    if ind == 'complaints-received' and cells == 'sex=female': row[4].value = ", female,
        "\n"
        "    if ind == 'complaints-resolved' and cells == '': row[4].value = 8\n"
        "wb.save('", form, "')\n");
    std::string script_path = state.path() + "/fill.py";
    EXPECT_TRUE(client::WriteFileDurably(script_path, script).ok());
    return std::system((python + " " + script_path).c_str());
  };
  ASSERT_EQ(fill("10", "5", "4"), 0);
  // The sexes do not add up: the cell to fix is named.
  EXPECT_EQ(RunCli(as_clerk + "report submit " + form, &output), 1) << output;
  EXPECT_THAT(output, HasSubstr("bao-cao.xlsx, Số liệu!E"));
  ASSERT_EQ(fill("10", "5", "5"), 0);
  ASSERT_EQ(RunCli(as_clerk + "report submit " + form, &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("lần nộp thứ 1"));
  // Corrected in the same workbook and submitted again before review.
  ASSERT_EQ(fill("'1.200'", "600", "600"), 0);
  ASSERT_EQ(RunCli(as_clerk + "report submit " + form, &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("lần nộp thứ 2"));
  auto report = ClientAs((*server)->NewChannel(), "dong-nai-so-y-te").GetReport(kSoYTeReport);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->values(0).int_value(), 1200);
  EXPECT_EQ(report->progress(0).status(), v1::PROGRESS_STATUS_COMPLETED);
}

}  // namespace
}  // namespace tonghop::testing
