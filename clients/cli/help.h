#ifndef TONGHOP_CLIENTS_CLI_HELP_H_
#define TONGHOP_CLIENTS_CLI_HELP_H_

// The `tonghop` CLI's help: the global usage, and each command's own help
// (`tonghop help plan import`, `tonghop plan import --help`).

#include <ostream>
#include <string>
#include <vector>

#include "clients/cli/command.h"

namespace tonghop::cli {

// The global flags and the list of commands.
void PrintUsage(std::ostream& out, const CommandTable& table);

// A command's usage line, and where its help is: what a usage error shows.
void PrintCommandUsage(std::ostream& out, const Command& command);

// Help for the command named by `words` ("plan", "import"): its usage,
// summary, details and the flags it takes. When `words` name a group ("report"), the group's
// commands with their usage. With no words, the global usage. Returns the
// exit code: 0, or 2 (after saying so on `err`) when nothing matches.
int PrintHelp(const CommandTable& table, const std::vector<std::string>& words,
              std::ostream& out, std::ostream& err);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_HELP_H_
