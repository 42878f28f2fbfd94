#include "clients/cli/command_groups.h"

#include "clients/cli/operations_commands.h"
#include "clients/cli/registry_commands.h"
#include "clients/cli/server_commands.h"
#include "clients/cli/user_commands.h"
// The build defines these for the command groups present in this tree.
#ifdef TONGHOP_HAVE_REPORT_COMMANDS
#include "clients/cli/report_commands.h"
#endif
#ifdef TONGHOP_HAVE_AGGREGATION_COMMANDS
#include "clients/cli/aggregation_commands.h"
#endif
#ifdef TONGHOP_HAVE_AUDIT_COMMANDS
#include "clients/cli/audit_commands.h"
#endif

namespace tonghop::cli {

CommandTable AllCommands() {
  CommandTable table;
  RegisterRegistryCommands(table);
  RegisterServerCommands(table);
  RegisterOperationsCommands(table);
  RegisterUserCommands(table);
#ifdef TONGHOP_HAVE_REPORT_COMMANDS
  RegisterReportCommands(table);
#endif
#ifdef TONGHOP_HAVE_AGGREGATION_COMMANDS
  RegisterAggregationCommands(table);
#endif
#ifdef TONGHOP_HAVE_AUDIT_COMMANDS
  RegisterAuditCommands(table);
#endif
  return table;
}

}  // namespace tonghop::cli
