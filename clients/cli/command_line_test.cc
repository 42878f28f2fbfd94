#include "clients/cli/command_line.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/cli/help.h"
#include "clients/cli/command_groups.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tonghop::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

CommandTable Table() {
  CommandTable table;
  auto none = [](CliContext&, const ParsedArgs&) { return 0; };
  table.Add({"plan import", "FILE [--dry-run] [--map=NAME=AGENCY]...", "import a plan", none})
      .Takes({"dry-run", "format=FORMAT", "map=NAME=AGENCY..."});
  table.Add({"plan export", "PLAN", "export a plan", none});
  table.Add({"report submit", "FILE", "submit a report", none});
  table.Add({"agency update", "ID [--email=ADDRESS]", "change an agency", none})
      .Takes({"email=ADDRESS"});
  table.Add({"admin audit list", "[--page-size=N]", "the audit trail", none})
      .Takes({"page-size=N"});
  table.Add({"compile", "--plan=PLAN", "the compiled report", none}).Takes({"plan=PLAN"});
  table.Add({"compile draft", "--plan=PLAN [--revision=N]", "the draft", none})
      .Takes({"plan=PLAN", "revision=N"});
  return table;
}

std::vector<std::string> Words(absl::string_view line) {
  return absl::StrSplit(line, ' ', absl::SkipEmpty());
}

struct RefusedCase {
  std::string line;
  std::string message;
  std::string usage_of;  // the command whose usage is shown, or empty
};

TEST(CommandLineTest, RefusesWithAPreciseMessage) {
  const RefusedCase cases[] = {
      // A flag the command does not take, even one another command takes.
      {"report submit r.json --dryrun", "unknown option --dryrun", "report submit"},
      {"report submit r.json --dry-run", "unknown option --dry-run", "report submit"},
      {"plan export p1 --map=a=b", "unknown option --map", "plan export"},
      // A bad whole number names the flag and the value.
      {"admin audit list --page-size=ten", "--page-size: \"ten\" is not a whole number",
       "admin audit list"},
      {"compile draft --plan=p --revision=2.5", "--revision: \"2.5\" is not a whole number",
       "compile draft"},
      {"plan import ke-hoach.docx --format", "--format needs a value (--format=VALUE)",
       "plan import"},
      // A command's flag before its words belongs to no command.
      {"--dry-run plan import ke-hoach.docx", "unknown option --dry-run", "plan import"},
      {"frob", "unknown command \"frob\"", ""},
      {"plan frob", "unknown command \"plan frob\"", ""},
      {"plan", "\"plan\" needs one of its commands", ""},
  };
  CommandTable table = Table();
  for (const RefusedCase& c : cases) {
    Invocation invocation = ReadCommandLine(table, Words(c.line));
    EXPECT_FALSE(invocation.help) << c.line;
    EXPECT_EQ(invocation.error.message(), c.message) << c.line;
    EXPECT_EQ(invocation.command == nullptr ? "" : invocation.command->words, c.usage_of)
        << c.line;
  }
}

struct HelpCase {
  std::string line;
  std::vector<std::string> words;
};

TEST(CommandLineTest, HelpAnywhereIsTheHelpOfTheCommandNamed) {
  const HelpCase cases[] = {
      {"help", {}},
      {"--help", {}},
      {"help plan import", {"plan", "import"}},
      {"plan import --help", {"plan", "import"}},
      {"plan import ke-hoach.docx --dryrun --help", {"plan", "import"}},
      {"--server=h:1 compile draft --help", {"compile", "draft"}},
      {"plan --help", {"plan"}},
      {"plan frob --help", {"plan", "frob"}},
  };
  CommandTable table = Table();
  for (const HelpCase& c : cases) {
    Invocation invocation = ReadCommandLine(table, Words(c.line));
    EXPECT_TRUE(invocation.help) << c.line;
    EXPECT_THAT(invocation.help_words, ElementsAreArray(c.words)) << c.line;
  }
}

TEST(CommandLineTest, ACommandGetsItsFlagsAndPositionalArguments) {
  CommandTable table = Table();
  Invocation invocation =
      ReadCommandLine(table, Words("--agency=dong-nai plan import ke-hoach.docx --map=STP=a "
                                     "--dry-run --map=UBND=b --output=json --server=h:1"));
  ASSERT_TRUE(invocation.error.ok()) << invocation.error;
  ASSERT_NE(invocation.command, nullptr);
  EXPECT_EQ(invocation.command->words, "plan import");
  EXPECT_THAT(invocation.args.positional, ElementsAre("ke-hoach.docx"));
  EXPECT_THAT(invocation.args.GetAll("map"), ElementsAre("STP=a", "UBND=b"));
  EXPECT_EQ(invocation.args.Get("map"), "UBND=b");
  EXPECT_TRUE(invocation.args.Has("dry-run"));
  // The global flags are the program's, before or after the words.
  EXPECT_FALSE(invocation.args.Has("server"));
  EXPECT_EQ(invocation.globals.Get("agency"), "dong-nai");
  EXPECT_EQ(invocation.globals.Get("output"), "json");
  EXPECT_EQ(invocation.globals.Get("server"), "h:1");
}

TEST(CommandLineTest, EverythingAfterTheSeparatorIsPositional) {
  Invocation invocation =
      ReadCommandLine(Table(), {"report", "submit", "--", "--bao-cao.json", "-", "--server=x"});
  ASSERT_TRUE(invocation.error.ok()) << invocation.error;
  EXPECT_THAT(invocation.args.positional, ElementsAre("--bao-cao.json", "-", "--server=x"));
  EXPECT_FALSE(invocation.globals.Has("server"));
}

TEST(CommandLineTest, AnEmptyValueIsAValue) {
  Invocation invocation = ReadCommandLine(Table(), Words("agency update dong-nai --email="));
  ASSERT_TRUE(invocation.error.ok()) << invocation.error;
  EXPECT_TRUE(invocation.args.Has("email"));
  EXPECT_EQ(invocation.args.Get("email", "unset"), "");
  EXPECT_THAT(invocation.args.positional, ElementsAre("dong-nai"));
}

TEST(CommandLineTest, AWordAfterTheCommandIsAnArgumentEvenWhenItNamesACommand) {
  CommandTable table = Table();
  Invocation invocation = ReadCommandLine(table, Words("plan export report compile plan"));
  ASSERT_TRUE(invocation.error.ok()) << invocation.error;
  ASSERT_NE(invocation.command, nullptr);
  EXPECT_EQ(invocation.command->words, "plan export");
  EXPECT_THAT(invocation.args.positional, ElementsAre("report", "compile", "plan"));
}

TEST(CommandLineTest, TheLongestCommandWins) {
  CommandTable table = Table();
  Invocation draft = ReadCommandLine(table, Words("compile draft --plan=p --revision=2"));
  ASSERT_NE(draft.command, nullptr);
  EXPECT_EQ(draft.command->words, "compile draft");
  EXPECT_EQ(draft.args.Get("revision"), "2");
  Invocation compile = ReadCommandLine(table, Words("compile --plan=p"));
  ASSERT_NE(compile.command, nullptr);
  EXPECT_EQ(compile.command->words, "compile");
  EXPECT_THAT(compile.args.positional, IsEmpty());
}

TEST(CommandLineTest, NothingIsNoCommand) {
  Invocation invocation = ReadCommandLine(Table(), {});
  EXPECT_TRUE(invocation.error.ok());
  EXPECT_EQ(invocation.command, nullptr);
  EXPECT_FALSE(invocation.help);
}

// ---- the real command table ----

// The words of a shell command line: "double quotes" group, no expansion.
std::vector<std::string> ShellWords(absl::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false, in_word = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      in_word = true;
    } else if (c == ' ' && !quoted) {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

// Every flag a usage line shows is one the command takes (or a global one).
TEST(CommandLineTest, EveryCommandTakesTheFlagsItsUsageShows) {
  CommandTable table = AllCommands();
  ASSERT_GT(table.commands().size(), 40u);
  for (const Command& command : table.commands()) {
    for (absl::string_view token : absl::StrSplit(command.usage, absl::ByAnyChar(" []|."))) {
      if (!absl::ConsumePrefix(&token, "--")) continue;
      std::string name(token.substr(0, token.find('=')));
      if (name.empty()) continue;
      std::vector<std::string> line = Words(command.words);
      line.push_back(absl::StrCat("--", name, "=x"));
      Invocation invocation = ReadCommandLine(table, line);
      EXPECT_NE(invocation.error.message(), absl::StrCat("unknown option --", name))
          << command.words << " shows --" << name << " in its usage but does not take it";
    }
  }
}

// The global usage explains every global flag.
TEST(CommandLineTest, TheGlobalUsageShowsEveryGlobalFlag) {
  std::ostringstream usage;
  PrintUsage(usage, AllCommands());
  for (const std::string& declaration : GlobalFlags()) {
    EXPECT_THAT(usage.str(), ::testing::HasSubstr("--" + FlagSpec::Parse(declaration).name))
        << declaration;
  }
}

// Every example in a command's help reads as a command line.
TEST(CommandLineTest, EveryExampleInTheHelpReads) {
  CommandTable table = AllCommands();
  int examples = 0;
  for (const Command& command : table.commands()) {
    for (absl::string_view line : absl::StrSplit(table.details(command.words), '\n')) {
      line = absl::StripLeadingAsciiWhitespace(line);
      if (!absl::ConsumePrefix(&line, "tonghop ")) continue;
      ++examples;
      Invocation invocation = ReadCommandLine(table, ShellWords(line));
      EXPECT_TRUE(invocation.error.ok()) << line << ": " << invocation.error;
      EXPECT_NE(invocation.command, nullptr) << line;
    }
  }
  EXPECT_GT(examples, 10);
}

}  // namespace
}  // namespace tonghop::cli
