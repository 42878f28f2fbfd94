// What a clerk meets with the CLI: what her agency owes, a form filled in
// with Vietnamese labels and numbers and a semicolon-separated CSV, errors
// shown at the CSV's line, a correction before review that replaces the
// pending revision, and a withdrawal.

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

  // A status nobody knows is refused with the choices spelled out.
  ASSERT_TRUE(client::WriteFileDurably(
                  form, absl::StrReplaceAll(filled, {{"Hoàn thành", "Xong rồi"}}))
                  .ok());
  EXPECT_EQ(RunCli(as_clerk + "report submit " + form, &output), 1) << output;
  EXPECT_THAT(output, HasSubstr("Hoàn thành (COMPLETED)"));
}

}  // namespace
}  // namespace tonghop::testing
