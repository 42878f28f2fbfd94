#ifndef TONGHOP_CLIENTS_CLI_COMMAND_GROUPS_H_
#define TONGHOP_CLIENTS_CLI_COMMAND_GROUPS_H_

#include "clients/cli/command.h"

namespace tonghop::cli {

// The table of every `tonghop` command: each command group present in this
// tree registers its commands (the CLI's main() and the test that reads
// every command's flags use the same table).
CommandTable AllCommands();

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_COMMAND_GROUPS_H_
