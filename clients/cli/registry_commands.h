#ifndef TONGHOP_CLIENTS_CLI_REGISTRY_COMMANDS_H_
#define TONGHOP_CLIENTS_CLI_REGISTRY_COMMANDS_H_

#include "clients/cli/command.h"

namespace tonghop::cli {

// agency/dimension/indicator/plan/task commands and `registry load DIR`.
void RegisterRegistryCommands(CommandTable& table);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_REGISTRY_COMMANDS_H_
