#ifndef TONGHOP_CLIENTS_CLI_AUDIT_COMMANDS_H_
#define TONGHOP_CLIENTS_CLI_AUDIT_COMMANDS_H_

#include "clients/cli/command.h"

namespace tonghop::cli {

// `admin audit list` and `admin audit verify`: the Audit service's commands.
void RegisterAuditCommands(CommandTable& table);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_AUDIT_COMMANDS_H_
