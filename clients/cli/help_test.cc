#include "clients/cli/help.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tonghop::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

CommandTable Table() {
  CommandTable table;
  auto none = [](CliContext&, const ParsedArgs&) { return 0; };
  table.Add({"plan import", "FILE [--dry-run]", "import a plan from its document", none});
  table.Add({"plan export", "PLAN", "export a plan with its tasks", none});
  table.Add({"report submit", "FILE", "submit a report", none});
  table.Describe("plan import", "Examples:\n  tonghop plan import ke-hoach.docx --dry-run");
  return table;
}

TEST(HelpTest, ACommandHasItsOwnHelpWithExamples) {
  std::ostringstream out, err;
  EXPECT_EQ(PrintHelp(Table(), {"plan", "import"}, out, err), 0);
  EXPECT_THAT(out.str(), HasSubstr("usage: tonghop plan import FILE [--dry-run]"));
  EXPECT_THAT(out.str(), HasSubstr("import a plan from its document"));
  EXPECT_THAT(out.str(), HasSubstr("tonghop plan import ke-hoach.docx --dry-run"));
  // Not the global usage, nor the other commands.
  EXPECT_THAT(out.str(), Not(HasSubstr("plan export")));
  EXPECT_THAT(out.str(), Not(HasSubstr("--state-dir")));
  EXPECT_TRUE(err.str().empty());
}

TEST(HelpTest, AGroupListsItsCommands) {
  std::ostringstream out, err;
  EXPECT_EQ(PrintHelp(Table(), {"plan"}, out, err), 0);
  EXPECT_THAT(out.str(), HasSubstr("tonghop plan import FILE [--dry-run]"));
  EXPECT_THAT(out.str(), HasSubstr("tonghop plan export PLAN"));
  EXPECT_THAT(out.str(), Not(HasSubstr("report submit")));
}

TEST(HelpTest, NoWordsIsTheGlobalUsage) {
  std::ostringstream out, err;
  EXPECT_EQ(PrintHelp(Table(), {}, out, err), 0);
  EXPECT_THAT(out.str(), HasSubstr("--server"));
  EXPECT_THAT(out.str(), HasSubstr("report submit"));
}

TEST(HelpTest, AnUnknownCommandIsAUsageError) {
  std::ostringstream out, err;
  EXPECT_EQ(PrintHelp(Table(), {"plan", "delete"}, out, err), 2);
  EXPECT_THAT(err.str(), HasSubstr("no command \"plan delete\""));
  EXPECT_TRUE(out.str().empty());
  // A word that only starts a command's word is not that command.
  std::ostringstream out2, err2;
  EXPECT_EQ(PrintHelp(Table(), {"pla"}, out2, err2), 2);
}

}  // namespace
}  // namespace tonghop::cli
