// tonghop: the command-line client of the tonghop services.
//
//   tonghop [--server=HOST:PORT] [--agency=ID | --cert=PEM --key=PEM] [--tls-ca=PEM]
//           [--output=table|json|csv] COMMAND ...

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/cli/command.h"
#include "clients/cli/help.h"
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

namespace {

using tonghop::cli::Command;
using tonghop::cli::CommandTable;
using tonghop::cli::CliContext;
using tonghop::cli::OutputFormat;
using tonghop::cli::ParsedArgs;

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  CommandTable table;
  tonghop::cli::RegisterRegistryCommands(table);
  tonghop::cli::RegisterServerCommands(table);
  tonghop::cli::RegisterOperationsCommands(table);
  tonghop::cli::RegisterUserCommands(table);
#ifdef TONGHOP_HAVE_REPORT_COMMANDS
  tonghop::cli::RegisterReportCommands(table);
#endif
#ifdef TONGHOP_HAVE_AGGREGATION_COMMANDS
  tonghop::cli::RegisterAggregationCommands(table);
#endif
#ifdef TONGHOP_HAVE_AUDIT_COMMANDS
  tonghop::cli::RegisterAuditCommands(table);
#endif

  CliContext context;
  context.server = EnvOr("TONGHOP_SERVER", "127.0.0.1:7070");
  context.agency = EnvOr("TONGHOP_AGENCY", "");
  context.state_dir = EnvOr("TONGHOP_STATE_DIR", EnvOr("HOME", ".") + "/.tonghop");
  context.out = &std::cout;
  context.err = &std::cerr;

  // Every --flag is accepted anywhere; words that are not flags select the
  // command (longest match) and the rest are its positional arguments.
  ParsedArgs args;
  std::vector<std::string> words;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) words.push_back(argv[i]);
      break;
    }
    if (absl::StartsWith(arg, "--")) {
      std::vector<std::string> kv = absl::StrSplit(arg.substr(2), absl::MaxSplits('=', 1));
      args.flags[kv[0]] = kv.size() > 1 ? kv[1] : "true";
      args.repeated[kv[0]].push_back(args.flags[kv[0]]);
    } else {
      words.push_back(arg);
    }
  }
  if (args.Has("server")) context.server = args.Get("server");
  if (args.Has("agency")) {
    context.agency = args.Get("agency");
    context.agency_from_flag = true;
  }
  if (args.Has("state-dir")) context.state_dir = args.Get("state-dir");
  tonghop::client::TlsFiles tls_files = tonghop::client::TlsFilesFromEnvironment();
  if (args.Has("tls-ca")) tls_files.ca = args.Get("tls-ca");
  if (args.Has("cert")) tls_files.cert = args.Get("cert");
  if (args.Has("key")) tls_files.key = args.Get("key");
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
    if (args.Has("agency") && named != holder) {
      std::cerr << "tonghop: --agency=" << context.agency << " but the certificate (--cert) "
                << "acts for " << holder << "; leave --agency out\n";
      return 2;
    }
    context.agency = tonghop::IdOf(holder);
  }
  std::string output = args.Get("output", "table");
  if (output == "json") {
    context.output = OutputFormat::kJson;
  } else if (output == "csv") {
    context.output = OutputFormat::kCsv;
  } else if (output != "table") {
    std::cerr << "tonghop: --output must be table, json or csv\n";
    return 2;
  }
  for (const char* global : {"server", "agency", "output", "state-dir", "tls-ca", "cert", "key"}) {
    args.flags.erase(global);
  }

  if (words.empty() && !args.Has("help")) {
    tonghop::cli::PrintUsage(std::cerr, table);
    return 2;
  }
  if (!words.empty() && words[0] == "help") {
    return tonghop::cli::PrintHelp(table, {words.begin() + 1, words.end()}, std::cout, std::cerr);
  }
  if (args.Has("help")) return tonghop::cli::PrintHelp(table, words, std::cout, std::cerr);
  const Command* best = nullptr;
  size_t best_words = 0;
  for (const Command& c : table.commands()) {
    std::vector<std::string> parts = absl::StrSplit(c.words, ' ');
    if (parts.size() > words.size() || parts.size() <= best_words) continue;
    bool match = true;
    for (size_t i = 0; i < parts.size(); ++i) match = match && parts[i] == words[i];
    if (match) {
      best = &c;
      best_words = parts.size();
    }
  }
  if (best == nullptr) {
    std::cerr << "tonghop: unknown command \"" << words[0] << "\"\n\n";
    tonghop::cli::PrintUsage(std::cerr, table);
    return 2;
  }
  args.positional.assign(words.begin() + best_words, words.end());
  // Nothing is sent (not even the outbox) before the agencies named are known
  // to be ids: the caller's travels in a header.
  if (!tonghop::cli::CheckAgencyFlags(context, args)) return 2;
  if (best->runs_before_hooks) {
    for (const auto& hook : table.before_hooks()) hook(context);
  }
  return best->run(context, args);
}
