#ifndef TONGHOP_CLIENTS_CLI_COMMAND_H_
#define TONGHOP_CLIENTS_CLI_COMMAND_H_

// The `tonghop` CLI's command table. Each command group lives in its own
// file and registers its commands with a Register*Commands(CommandTable&)
// function that AllCommands() (command_groups.cc) calls.

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "clients/client/connection.h"
#include "google/protobuf/message.h"
#include "services/common/flags.h"
#include "services/common/resource_names.h"

namespace tonghop::cli {

enum class OutputFormat { kTable, kJson, kCsv };

// A command's positional arguments and --flags, as it declared them
// (Command::Takes): Has, Get, GetAll and positional.
using ParsedArgs = ::tonghop::ParsedFlags;

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
  // A new connection to --server for a call made on behalf of `agency` (a
  // report's): as the person signed in there, else as the certificate or
  // `agency` in the development header. The same identity rules as
  // connection().
  client::Connection ConnectionFor(const std::string& agency);
  // The person signed in to --server ("users/{id}"), or empty.
  std::string SignedInUser();
  // Whether calls carry an identity: --agency, a certificate, or a person
  // signed in to --server.
  bool HasIdentity();

 private:
  // The signed-in person's bearer token for --server, or empty when nobody
  // is signed in, the command line names another identity, or the token
  // would travel in plaintext (said once on err).
  std::string BearerToken();

  std::unique_ptr<client::Connection> connection_;
  std::optional<std::string> bearer_token_;
};

// Checks the agency ids given on the command line before anything is sent:
// --agency (the caller, which travels in a header) and the flags that name
// agencies (--subtree, --parent, --issuer, --assignee). A value that is not
// an agency id ("Sở Y tế", "DONG-NAI-SO-Y-TE") is refused with the agencies
// it probably meant, read from the registry when the server can be reached.
// The caller must also exist, unless the registry has no agencies yet (the
// first load) or cannot be reached (reports then wait in the outbox).
// Prints the error and returns false when a value is refused.
bool CheckAgencyFlags(CliContext& context, const ParsedArgs& args);

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

// A command runs and returns the process exit code: 0 on success, 1 when
// the server refused (after printing its message and field violations), 2
// for a usage error.
using CommandFn = std::function<int(CliContext&, const ParsedArgs&)>;

struct Command {
  std::string words;   // "report submit"
  std::string usage;   // "FILE [--dry-run]"
  std::string summary; // one line, English
  CommandFn run;
  // False for a command that does the hooks' work itself (outbox flush).
  bool runs_before_hooks = true;
  // The flags the command takes, besides the global ones, declared as in
  // services/common/flags.h: "dry-run", "format=FORMAT", "map=NAME=AGENCY...".
  // Any other flag is refused, naming it, with the command's usage.
  std::vector<std::string> flags = {};

  // Declares the flags the command takes (see `flags`).
  Command& Takes(std::vector<std::string> declarations) {
    flags.insert(flags.end(), declarations.begin(), declarations.end());
    return *this;
  }
};

// Runs before every command (e.g. delivering the outbox); must not fail the
// command, only report on `context.err`.
using BeforeHook = std::function<void(CliContext&)>;

// The table of commands. Not thread-safe; filled once at start-up.
class CommandTable {
 public:
  // Adds a command; the reference is for declaring its flags at once
  // (`table.Add({...}).Takes({...})`) and is not kept.
  Command& Add(Command command) {
    commands_.push_back(std::move(command));
    return commands_.back();
  }
  // What `tonghop help WORDS` prints after a command's usage and summary:
  // what it does in more words, and examples.
  void Describe(const std::string& words, std::string details) {
    details_[words] = std::move(details);
  }
  const std::string& details(const std::string& words) const {
    static const std::string kNone;
    auto it = details_.find(words);
    return it == details_.end() ? kNone : it->second;
  }
  void AddBeforeHook(BeforeHook hook) { hooks_.push_back(std::move(hook)); }
  const std::vector<Command>& commands() const { return commands_; }
  const std::vector<BeforeHook>& before_hooks() const { return hooks_; }

 private:
  std::vector<Command> commands_;
  std::vector<BeforeHook> hooks_;
  std::map<std::string, std::string> details_;
};

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_COMMAND_H_
