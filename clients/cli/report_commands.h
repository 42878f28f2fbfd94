#ifndef TONGHOP_CLIENTS_CLI_REPORT_COMMANDS_H_
#define TONGHOP_CLIENTS_CLI_REPORT_COMMANDS_H_

#include "clients/cli/command.h"

namespace tonghop::cli {

// `report template|submit|status|review|history|get` and
// `outbox flush|list`, plus the hook that delivers the outbox before every
// command.
void RegisterReportCommands(CommandTable& table);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_REPORT_COMMANDS_H_
