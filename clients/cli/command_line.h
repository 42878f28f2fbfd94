#ifndef TONGHOP_CLIENTS_CLI_COMMAND_LINE_H_
#define TONGHOP_CLIENTS_CLI_COMMAND_LINE_H_

// The `tonghop` command line, read against the command table by CLI11
// (services/common/flags.h): the global flags anywhere, the command's words
// ("plan import"), then the command's own flags and positional arguments in
// any order; "--" ends the flags. Each command takes only the flags it
// declares (Command::Takes) and the global ones.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/cli/command.h"
#include "services/common/flags.h"

namespace tonghop::cli {

// The global flags every command takes, declared once: where to connect,
// as whom, how to print, where the outbox lives.
const std::vector<std::string>& GlobalFlags();

// What a command line asks for.
struct Invocation {
  // The command to run, or null (help, or a usage error before a command
  // was found). Points into the table.
  const Command* command = nullptr;
  ParsedArgs args;     // the command's own flags and positional arguments
  ParsedFlags globals; // the global flags given
  // `tonghop help WORDS`, or --help anywhere: print the help of these
  // words instead of running anything.
  bool help = false;
  std::vector<std::string> help_words;
  // A usage error to say as is ("unknown option --dryrun"); `command`
  // then names the command whose usage to show, when one was found, and
  // `group` the words that were read when they name no command.
  absl::Status error;
  std::vector<std::string> group;
};

// Reads `args` (the command line without the program's name) against
// `table`, which must outlive the Invocation (its `command` points there).
Invocation ReadCommandLine(const CommandTable& table, const std::vector<std::string>& args);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_COMMAND_LINE_H_
