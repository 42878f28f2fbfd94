// tonghop: the command-line client of the tonghop services.
//
//   tonghop [--server=HOST:PORT] [--agency=ID | --cert=PEM --key=PEM] [--tls-ca=PEM]
//           [--output=table|json|csv] COMMAND ...
//
// The command line is read by ReadCommandLine (command_line.h); each
// command group registers its commands and their flags.

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "clients/cli/command.h"
#include "clients/cli/command_groups.h"
#include "clients/cli/command_line.h"
#include "clients/cli/help.h"

namespace {

using tonghop::cli::Command;
using tonghop::cli::CommandTable;
using tonghop::cli::CliContext;
using tonghop::cli::OutputFormat;
using tonghop::cli::ParsedArgs;
using tonghop::ParsedFlags;

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  CommandTable table = tonghop::cli::AllCommands();

  CliContext context;
  context.server = EnvOr("TONGHOP_SERVER", "127.0.0.1:7070");
  context.agency = EnvOr("TONGHOP_AGENCY", "");
  context.state_dir = EnvOr("TONGHOP_STATE_DIR", EnvOr("HOME", ".") + "/.tonghop");
  context.out = &std::cout;
  context.err = &std::cerr;

  tonghop::cli::Invocation invocation =
      tonghop::cli::ReadCommandLine(table, std::vector<std::string>(argv + 1, argv + argc));
  if (invocation.help) {
    return tonghop::cli::PrintHelp(table, invocation.help_words, std::cout, std::cerr);
  }
  if (!invocation.error.ok()) {
    std::cerr << "tonghop: " << invocation.error.message() << "\n\n";
    if (invocation.command != nullptr) {
      tonghop::cli::PrintCommandUsage(std::cerr, *invocation.command);
    } else if (!invocation.group.empty()) {
      tonghop::cli::PrintHelp(table, invocation.group, std::cerr, std::cerr);
    } else {
      tonghop::cli::PrintUsage(std::cerr, table);
    }
    return 2;
  }
  if (invocation.command == nullptr) {
    tonghop::cli::PrintUsage(std::cerr, table);
    return 2;
  }
  const ParsedFlags& globals = invocation.globals;
  if (globals.Has("server")) context.server = globals.Get("server");
  if (globals.Has("agency")) {
    context.agency = globals.Get("agency");
    context.agency_from_flag = true;
  }
  if (globals.Has("state-dir")) context.state_dir = globals.Get("state-dir");
  tonghop::client::TlsFiles tls_files = tonghop::client::TlsFilesFromEnvironment();
  if (globals.Has("tls-ca")) tls_files.ca = globals.Get("tls-ca");
  if (globals.Has("cert")) tls_files.cert = globals.Get("cert");
  if (globals.Has("key")) tls_files.key = globals.Get("key");
  absl::StatusOr<tonghop::ClientTlsOptions> tls = tonghop::client::ReadClientTls(tls_files);
  if (!tls.ok()) {
    std::cerr << "tonghop: " << tls.status().message() << "\n";
    return 2;
  }
  context.tls = *std::move(tls);
  // An agency's certificate says who calls; --agency may repeat it but not
  // contradict it.
  std::string holder = tonghop::client::CertificateAgency(context.tls);
  if (!holder.empty()) {
    std::string named = tonghop::cli::AsName("agencies", context.agency);
    if (globals.Has("agency") && named != holder) {
      std::cerr << "tonghop: --agency=" << context.agency << " but the certificate (--cert) "
                << "acts for " << holder << "; leave --agency out\n";
      return 2;
    }
    context.agency = tonghop::IdOf(holder);
  }
  std::string output = globals.Get("output", "table");
  if (output == "json") {
    context.output = OutputFormat::kJson;
  } else if (output == "csv") {
    context.output = OutputFormat::kCsv;
  } else if (output != "table") {
    std::cerr << "tonghop: --output must be table, json or csv\n";
    return 2;
  }

  const Command* best = invocation.command;
  const ParsedArgs& args = invocation.args;
  // Nothing is sent (not even the outbox) before the agencies named are known
  // to be ids: the caller's travels in a header.
  if (!tonghop::cli::CheckAgencyFlags(context, args)) return 2;
  if (best->runs_before_hooks) {
    for (const auto& hook : table.before_hooks()) hook(context);
  }
  return best->run(context, args);
}
