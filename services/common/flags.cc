#include "services/common/flags.h"

#include <algorithm>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace tonghop {
namespace {

// The name CLI11 gives the positional arguments of a program or command.
constexpr char kPositional[] = "args";

// A flag declared "name=N" takes a whole number.
constexpr char kWholeNumber[] = "N";

// Everything after this argument is positional.
constexpr char kEndOfOptions[] = "--";

std::vector<CLI::App*> SelfAndSubcommands(CLI::App& app) {
  std::vector<CLI::App*> all = {&app};
  for (size_t i = 0; i < all.size(); ++i) {
    for (CLI::App* sub : all[i]->get_subcommands([](CLI::App*) { return true; })) {
      all.push_back(sub);
    }
  }
  return all;
}

// Whether some program or command under `app` declares `name` as taking a
// value.
bool TakesValue(CLI::App& app, const std::string& name) {
  for (CLI::App* each : SelfAndSubcommands(app)) {
    for (const CLI::Option* option : each->get_options()) {
      if (option->nonpositional() && option->get_items_expected_max() > 0 &&
          option->check_lname(name)) {
        return true;
      }
    }
  }
  return false;
}

// The program or command the command line selected: `app`, or the last
// subcommand given.
CLI::App& Selected(CLI::App& app) {
  CLI::App* selected = &app;
  for (std::vector<CLI::App*> given = app.get_subcommands(); !given.empty();
       given = selected->get_subcommands()) {
    selected = given.front();
  }
  return *selected;
}

CLI::Option* PositionalOf(CLI::App& app) {
  for (CLI::Option* option : app.get_options([](CLI::Option*) { return true; })) {
    if (option->get_positional()) return option;
  }
  return nullptr;
}

}  // namespace

FlagSpec FlagSpec::Parse(absl::string_view declaration) {
  FlagSpec spec;
  spec.repeatable = absl::ConsumeSuffix(&declaration, "...");
  size_t equals = declaration.find('=');
  spec.takes_value = equals != absl::string_view::npos;
  spec.name = std::string(declaration.substr(0, equals));
  if (spec.takes_value) spec.placeholder = std::string(declaration.substr(equals + 1));
  return spec;
}

std::string FlagSpec::Usage() const {
  return takes_value ? absl::StrCat("--", name, "=", placeholder) : absl::StrCat("--", name);
}

void DeclareFlags(CLI::App& app, const std::vector<std::string>& declarations) {
  for (const std::string& declaration : declarations) {
    FlagSpec spec = FlagSpec::Parse(declaration);
    CLI::Option* option = spec.takes_value ? app.add_option(absl::StrCat("--", spec.name))
                                           : app.add_flag(absl::StrCat("--", spec.name));
    if (spec.takes_value) option->type_name(spec.placeholder);
    if (spec.placeholder == kWholeNumber) {
      option->check(CLI::Validator(
          [](std::string& value) -> std::string {
            int64_t number = 0;
            return absl::SimpleAtoi(value, &number)
                       ? ""
                       : absl::StrCat("\"", value, "\" is not a whole number");
          },
          kWholeNumber));
    }
    option->multi_option_policy(spec.repeatable ? CLI::MultiOptionPolicy::TakeAll
                                                : CLI::MultiOptionPolicy::TakeLast);
  }
}

void AcceptPositional(CLI::App& app) {
  app.add_option(kPositional)->expected(-1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

absl::Status ParseCommandLine(CLI::App& app, std::vector<std::string> args) {
  // Everything after "--" is positional: kept aside and handed to the
  // command selected by what comes before.
  std::vector<std::string> after_end;
  auto end = std::find(args.begin(), args.end(), kEndOfOptions);
  if (end != args.end()) {
    after_end.assign(end + 1, args.end());
    args.erase(end, args.end());
  }
  // CLI11 reads "--email=" as "--email" and takes the next argument as its
  // value; "--email=" is the empty value.
  std::vector<std::string> normalized;
  for (std::string& arg : args) {
    if (absl::StartsWith(arg, "--") && absl::EndsWith(arg, "=") &&
        arg.find('=') == arg.size() - 1 && TakesValue(app, arg.substr(2, arg.size() - 3))) {
      normalized.push_back(arg.substr(0, arg.size() - 1));
      normalized.push_back("");
    } else {
      normalized.push_back(std::move(arg));
    }
  }
  // Unknown options are left over instead of thrown, and named below.
  for (CLI::App* each : SelfAndSubcommands(app)) each->allow_extras();
  std::reverse(normalized.begin(), normalized.end());  // CLI11 reads from the back
  try {
    app.parse(normalized);
  } catch (const CLI::ArgumentMismatch& e) {
    // "--format: 1 required  missing": the option is named first.
    std::string message = e.what();
    std::string option = message.substr(0, message.find(':'));
    if (absl::StartsWith(option, "--") && absl::StrContains(message, "missing")) {
      return absl::InvalidArgumentError(
          absl::StrCat(option, " needs a value (", option, "=VALUE)"));
    }
    return absl::InvalidArgumentError(message);
  } catch (const CLI::ValidationError& e) {
    // "--years: \"x\" is not a whole number"
    return absl::InvalidArgumentError(e.what());
  } catch (const CLI::ParseError& e) {
    return absl::InvalidArgumentError(e.what());
  }
  for (const std::string& left : app.remaining(/*recurse=*/true)) {
    if (absl::StartsWith(left, "-") && left != "-" && left != kEndOfOptions) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option ", left.substr(0, left.find('='))));
    }
  }
  for (const std::string& left : app.remaining(/*recurse=*/true)) {
    if (left != kEndOfOptions) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", left, "\""));
    }
  }
  if (!after_end.empty()) {
    CLI::Option* positional = PositionalOf(Selected(app));
    if (positional == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument \"", after_end.front(), "\""));
    }
    for (std::string& arg : after_end) positional->add_result(std::move(arg));
  }
  return absl::OkStatus();
}

ParsedFlags CollectFlags(const CLI::App& app) {
  ParsedFlags parsed;
  for (const CLI::Option* option : app.get_options()) {
    if (option->results().empty()) continue;
    if (option->get_positional()) {
      parsed.positional = option->results();
      continue;
    }
    const std::string& name = option->get_lnames().front();
    parsed.repeated[name] = option->results();
    parsed.flags[name] = option->results().back();
  }
  return parsed;
}

absl::StatusOr<ParsedFlags> ParseFlatCommandLine(int argc, const char* const* argv,
                                                  const std::vector<std::string>& declarations) {
  ParsedFlags help;
  help.flags["help"] = "true";
  // --help is answered whatever else the command line says.
  if (std::find(argv + 1, argv + argc, absl::string_view("--help")) != argv + argc) return help;
  CLI::App app;
  app.set_help_flag();
  DeclareFlags(app, declarations);
  if (std::none_of(declarations.begin(), declarations.end(),
                   [](const std::string& d) { return FlagSpec::Parse(d).name == "help"; })) {
    DeclareFlags(app, {"help"});
  }
  absl::Status parsed = ParseCommandLine(app, std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.ok()) return parsed;
  return CollectFlags(app);
}

absl::StatusOr<int> ParsedFlags::Int(absl::string_view flag, int fallback) const {
  if (!Has(flag)) return fallback;
  int value = 0;
  if (!absl::SimpleAtoi(Get(flag), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": \"", Get(flag), "\" is not a whole number"));
  }
  return value;
}

absl::StatusOr<double> ParsedFlags::Double(absl::string_view flag, double fallback) const {
  if (!Has(flag)) return fallback;
  double value = 0;
  if (!absl::SimpleAtod(Get(flag), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": \"", Get(flag), "\" is not a number"));
  }
  return value;
}

absl::StatusOr<bool> ParsedFlags::OnOff(absl::string_view flag, bool fallback) const {
  if (!Has(flag)) return fallback;
  const std::string value = Get(flag);
  if (value == "on" || value == "true") return true;
  if (value == "off" || value == "false") return false;
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, ": \"", value, "\": use on or off"));
}

}  // namespace tonghop
