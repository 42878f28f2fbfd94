#ifndef TONGHOP_CLIENTS_CLI_OPERATIONS_COMMANDS_H_
#define TONGHOP_CLIENTS_CLI_OPERATIONS_COMMANDS_H_

#include "clients/cli/command.h"

namespace tonghop::cli {

// admin backup.
void RegisterOperationsCommands(CommandTable& table);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_OPERATIONS_COMMANDS_H_
