#ifndef TONGHOP_CLIENTS_CLI_COMMAND_H_
#define TONGHOP_CLIENTS_CLI_COMMAND_H_

// The `tonghop` CLI's command table. Each command group lives in its own
// file and registers its commands with a Register*Commands(CommandTable&)
// function that main() calls.

#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "clients/client/connection.h"
#include "google/protobuf/message.h"

namespace tonghop::cli {

enum class OutputFormat { kTable, kJson, kCsv };

// Arguments after the command words: positional arguments and --flags
// ("--key=value", "--key value" is not accepted, "--flag" alone is "true").
class ParsedArgs {
 public:
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;

  bool Has(absl::string_view flag) const { return flags.count(std::string(flag)) > 0; }
  std::string Get(absl::string_view flag, absl::string_view fallback = "") const {
    auto it = flags.find(std::string(flag));
    return it == flags.end() ? std::string(fallback) : it->second;
  }
};

// What every command gets: where to connect, as whom, how to print.
struct CliContext {
  std::string server;   // --server, host:port
  std::string agency;   // --agency, the caller's agency id
  // --tls-ca, --cert, --key: TLS to the server, and the caller's
  // certificate (which then is the identity, instead of --agency).
  ClientTlsOptions tls;
  // True when --agency was given on the command line: the development
  // identity is then used even if a person is signed in.
  bool agency_from_flag = false;
  OutputFormat output = OutputFormat::kTable;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  // Where the durable outbox lives (--state-dir, default ~/.tonghop).
  std::string state_dir;
  // A connection to --server (created on first use) as the person signed
  // in there with `tonghop login`, else as the certificate or --agency.
  const client::Connection& connection();
  // The person signed in to --server ("users/{id}"), or empty.
  std::string SignedInUser();

 private:
  std::unique_ptr<client::Connection> connection_;
};

// Prints a command's result: the whole response as JSON, or its rows as a
// table or CSV.
void PrintResult(CliContext& context, const google::protobuf::Message& response,
                 const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

// "dong-nai" or "agencies/dong-nai" → "agencies/dong-nai" (empty stays empty).
inline std::string AsName(absl::string_view collection, absl::string_view id_or_name) {
  if (id_or_name.empty() || absl::StartsWith(id_or_name, absl::StrCat(collection, "/"))) {
    return std::string(id_or_name);
  }
  return absl::StrCat(collection, "/", id_or_name);
}

// The last segment of a resource name: "agencies/dong-nai" → "dong-nai".
inline std::string Id(absl::string_view name) {
  size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

// A command runs and returns the process exit code: 0 on success, 1 when
// the server refused (after printing its message and field violations), 2
// for a usage error.
using CommandFn = std::function<int(CliContext&, const ParsedArgs&)>;

struct Command {
  std::string words;   // "report submit"
  std::string usage;   // "FILE [--dry-run]"
  std::string summary; // one line, English
  CommandFn run;
};

// Runs before every command (e.g. delivering the outbox); must not fail the
// command, only report on `context.err`.
using BeforeHook = std::function<void(CliContext&)>;

// The table of commands. Not thread-safe; filled once at start-up.
class CommandTable {
 public:
  void Add(Command command) { commands_.push_back(std::move(command)); }
  void AddBeforeHook(BeforeHook hook) { hooks_.push_back(std::move(hook)); }
  const std::vector<Command>& commands() const { return commands_; }
  const std::vector<BeforeHook>& before_hooks() const { return hooks_; }

 private:
  std::vector<Command> commands_;
  std::vector<BeforeHook> hooks_;
};

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_COMMAND_H_
