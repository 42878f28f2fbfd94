#ifndef TONGHOP_CLIENTS_CLI_USER_COMMANDS_H_
#define TONGHOP_CLIENTS_CLI_USER_COMMANDS_H_

#include "clients/cli/command.h"

namespace tonghop::cli {

// People and signing in: `tonghop user list|get|create|update|disable|
// enable|delete|set-password|reset-link`, `tonghop login`, `tonghop
// logout`, `tonghop whoami`. Passwords and codes are read from the terminal
// without echo, or from standard input; never from a flag.
void RegisterUserCommands(CommandTable& table);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_USER_COMMANDS_H_
