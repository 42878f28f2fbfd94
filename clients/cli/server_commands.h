#ifndef TONGHOP_CLIENTS_CLI_SERVER_COMMANDS_H_
#define TONGHOP_CLIENTS_CLI_SERVER_COMMANDS_H_

#include "clients/cli/command.h"

namespace tonghop::cli {

// `admin storage`: whether each store of the server takes writes and has
// room, as the server's health service tells.
void RegisterServerCommands(CommandTable& table);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_SERVER_COMMANDS_H_
