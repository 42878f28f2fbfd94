#ifndef TONGHOP_CLIENTS_CLI_AGGREGATION_COMMANDS_H_
#define TONGHOP_CLIENTS_CLI_AGGREGATION_COMMANDS_H_

#include "clients/cli/command.h"

namespace tonghop::cli {

// rollup, completeness, tasks, trend, compile, forward and
// `admin rebuild-aggregates`: the Aggregation service's commands.
void RegisterAggregationCommands(CommandTable& table);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_AGGREGATION_COMMANDS_H_
