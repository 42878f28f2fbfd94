#include "services/common/flags.h"

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tonghop {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::vector<std::string> kDeclared = {"data-dir=DIR", "listen=HOST:PORT", "dry-run",
                                            "map=NAME=AGENCY...", "years=N", "email=ADDRESS"};

absl::StatusOr<ParsedFlags> Parse(std::vector<std::string> args) {
  std::vector<const char*> argv = {"program"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  return ParseFlatCommandLine(static_cast<int>(argv.size()), argv.data(), kDeclared);
}

struct RefusedCase {
  std::vector<std::string> args;
  std::string message;
};

TEST(FlagsTest, RefusesWhatIsNotDeclaredNamingIt) {
  const RefusedCase cases[] = {
      {{"--dryrun"}, "unknown option --dryrun"},
      {{"--dryrun=true"}, "unknown option --dryrun"},
      {{"--data-dir=/d", "--listne=:0"}, "unknown option --listne"},
      {{"-x"}, "unknown option -x"},
      {{"stray"}, "unexpected argument \"stray\""},
      {{"--listen"}, "--listen needs a value (--listen=VALUE)"},
      {{"--", "after"}, "unexpected argument \"after\""},
      {{"--years=12a"}, "--years: \"12a\" is not a whole number"},
  };
  for (const RefusedCase& c : cases) {
    absl::StatusOr<ParsedFlags> parsed = Parse(c.args);
    ASSERT_FALSE(parsed.ok()) << c.args.front();
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), c.message) << c.args.front();
  }
}

TEST(FlagsTest, ReadsValuesSwitchesAndRepeatedFlags) {
  absl::StatusOr<ParsedFlags> parsed =
      Parse({"--data-dir=/srv/a", "--listen", "127.0.0.1:0", "--dry-run", "--map=STP=so-tu-phap",
             "--map=UBND=ubnd", "--data-dir=/srv/b", "--email="});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Get("data-dir"), "/srv/b");  // the last value of a single flag
  EXPECT_EQ(parsed->Get("listen"), "127.0.0.1:0");  // "--flag value" is accepted
  EXPECT_EQ(parsed->Get("dry-run"), "true");
  EXPECT_THAT(parsed->GetAll("map"), ElementsAre("STP=so-tu-phap", "UBND=ubnd"));
  EXPECT_TRUE(parsed->Has("email"));  // "--email=" is the empty value
  EXPECT_EQ(parsed->Get("email", "unset"), "");
  EXPECT_FALSE(parsed->Has("years"));
  EXPECT_EQ(parsed->Get("years", "7"), "7");
  EXPECT_THAT(parsed->positional, IsEmpty());
}

TEST(FlagsTest, ASwitchMayBeGivenAValue) {
  absl::StatusOr<ParsedFlags> parsed = Parse({"--dry-run=false"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Get("dry-run"), "false");
}

TEST(FlagsTest, HelpIsAnsweredWhateverElseIsGiven) {
  absl::StatusOr<ParsedFlags> parsed = Parse({"--dryrun", "--help"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->Has("help"));
}

struct NumberCase {
  std::string value;
  bool ok;
  std::string message;
};

TEST(FlagsTest, NumbersAreRefusedNamingTheFlagAndValue) {
  const NumberCase cases[] = {
      {"12", true, ""},
      {"-3", true, ""},
      {"12a", false, "--years: \"12a\" is not a whole number"},
      {"1.5", false, "--years: \"1.5\" is not a whole number"},
      {"", false, "--years: \"\" is not a whole number"},
  };
  for (const NumberCase& c : cases) {
    ParsedFlags parsed;
    parsed.flags["years"] = c.value;
    absl::StatusOr<int> years = parsed.Int("years", 0);
    EXPECT_EQ(years.ok(), c.ok) << c.value;
    if (!c.ok) {
      EXPECT_EQ(years.status().message(), c.message);
    }
  }
  ParsedFlags none;
  EXPECT_EQ(*none.Int("years", 4), 4);
  ParsedFlags rate;
  rate.flags["rate"] = "2,5";
  EXPECT_EQ(rate.Double("rate", 0).status().message(), "--rate: \"2,5\" is not a number");
  rate.flags["rate"] = "2.5";
  EXPECT_EQ(*rate.Double("rate", 0), 2.5);
  ParsedFlags limits;
  limits.flags["limits"] = "maybe";
  EXPECT_EQ(limits.OnOff("limits", true).status().message(),
            "--limits: \"maybe\": use on or off");
  limits.flags["limits"] = "off";
  EXPECT_FALSE(*limits.OnOff("limits", true));
}

TEST(FlagsTest, ADeclarationReadsAsItsUsage) {
  FlagSpec map = FlagSpec::Parse("map=NAME=AGENCY...");
  EXPECT_EQ(map.name, "map");
  EXPECT_EQ(map.placeholder, "NAME=AGENCY");
  EXPECT_TRUE(map.takes_value);
  EXPECT_TRUE(map.repeatable);
  EXPECT_EQ(map.Usage(), "--map=NAME=AGENCY");
  FlagSpec dry_run = FlagSpec::Parse("dry-run");
  EXPECT_FALSE(dry_run.takes_value);
  EXPECT_FALSE(dry_run.repeatable);
  EXPECT_EQ(dry_run.Usage(), "--dry-run");
}

// A command's flags on a subcommand; the program's own flags are accepted
// after the command's words too.
TEST(FlagsTest, SubcommandsTakeTheirOwnFlagsAndPositionalArguments) {
  CLI::App app;
  app.set_help_flag();
  DeclareFlags(app, {"server=HOST:PORT"});
  CLI::App* plan = app.add_subcommand("plan");
  plan->fallthrough();
  CLI::App* import = plan->add_subcommand("import");
  import->fallthrough();
  DeclareFlags(*import, {"dry-run", "map=NAME=AGENCY..."});
  AcceptPositional(*import);

  ASSERT_TRUE(ParseCommandLine(app, {"plan", "import", "ke-hoach.docx", "--server=h:1",
                                     "--map=a=b", "--", "--literal", "-"})
                  .ok());
  EXPECT_EQ(CollectFlags(app).Get("server"), "h:1");
  ParsedFlags command = CollectFlags(*import);
  EXPECT_THAT(command.positional, ElementsAre("ke-hoach.docx", "--literal", "-"));
  EXPECT_THAT(command.GetAll("map"), ElementsAre("a=b"));
  EXPECT_FALSE(command.Has("server"));
}

TEST(FlagsTest, AnotherCommandsFlagIsUnknown) {
  CLI::App app;
  app.set_help_flag();
  CLI::App* submit = app.add_subcommand("submit");
  submit->fallthrough();
  AcceptPositional(*submit);
  CLI::App* import = app.add_subcommand("import");
  DeclareFlags(*import, {"dry-run"});
  absl::Status parsed = ParseCommandLine(app, {"submit", "r.json", "--dry-run"});
  EXPECT_THAT(parsed.message(), HasSubstr("unknown option --dry-run"));
}

}  // namespace
}  // namespace tonghop
