#include "clients/cli/help.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace tonghop::cli {
namespace {

// The commands whose first words are `words`.
std::vector<const Command*> CommandsUnder(const CommandTable& table,
                                          const std::vector<std::string>& words) {
  std::vector<const Command*> found;
  for (const Command& c : table.commands()) {
    std::vector<std::string> parts = absl::StrSplit(c.words, ' ');
    if (parts.size() < words.size()) continue;
    if (std::equal(words.begin(), words.end(), parts.begin())) found.push_back(&c);
  }
  return found;
}

std::string UsageLine(const Command& command) {
  return absl::StrCat("usage: tonghop ", command.words, command.usage.empty() ? "" : " ",
                      command.usage, "\n");
}

}  // namespace

void PrintCommandUsage(std::ostream& out, const Command& command) {
  out << UsageLine(command) << "\n`tonghop help " << command.words
      << "` (or `tonghop " << command.words << " --help`) says more.\n";
}

void PrintUsage(std::ostream& out, const CommandTable& table) {
  out << "usage: tonghop [--server=HOST:PORT] [--agency=ID | --cert=PEM --key=PEM] "
         "[--tls-ca=PEM] [--output=table|json|csv] COMMAND [ARGS]\n\n"
         "  --server   the tonghopd address (default $TONGHOP_SERVER or 127.0.0.1:7070)\n"
         "  --tls-ca   connect over TLS, trusting this CA (default $TONGHOP_TLS_CA)\n"
         "  --cert, --key\n"
         "             connect over TLS with this client certificate, which names who\n"
         "             calls (default $TONGHOP_CERT, $TONGHOP_KEY); an agency\n"
         "             certificate also sets --agency\n"
         "  --agency   the calling agency's id, e.g. dong-nai-so-tu-phap\n"
         "             (default $TONGHOP_AGENCY); without a certificate it is sent as\n"
         "             the development header, which only a server run with\n"
         "             --insecure-dev-identity accepts, from this machine; after\n"
         "             tonghop login, calls are made as the person signed in unless\n"
         "             --agency or --cert is given\n"
         "  --output   table (default), json (protobuf JSON mapping) or csv\n"
         "  --state-dir  where undelivered reports wait (default ~/.tonghop)\n\n"
         "commands:\n";
  size_t width = 0;
  for (const Command& c : table.commands()) width = std::max(width, c.words.size());
  for (const Command& c : table.commands()) {
    out << "  " << c.words << std::string(width - c.words.size() + 2, ' ') << c.summary
        << "\n";
  }
  out << "\n`tonghop help COMMAND` (or `tonghop COMMAND --help`) says more about a command.\n";
}

int PrintHelp(const CommandTable& table, const std::vector<std::string>& words,
              std::ostream& out, std::ostream& err) {
  if (words.empty()) {
    PrintUsage(out, table);
    return 0;
  }
  const std::string joined = absl::StrJoin(words, " ");
  std::vector<const Command*> under = CommandsUnder(table, words);
  auto exact = std::find_if(under.begin(), under.end(),
                            [&](const Command* c) { return c->words == joined; });
  if (exact != under.end()) {
    const Command& c = **exact;
    out << UsageLine(c) << "\n" << c.summary << "\n";
    const std::string& details = table.details(c.words);
    if (!details.empty()) out << "\n" << details << (details.back() == '\n' ? "" : "\n");
    if (!c.flags.empty()) {
      out << "\nFlags:";
      for (const std::string& declaration : c.flags) {
        FlagSpec flag = FlagSpec::Parse(declaration);
        out << "\n  " << flag.Usage() << (flag.repeatable ? " (may be repeated)" : "");
      }
      out << "\n";
    }
    out << "\nGlobal flags (--server, --cert, --key, --tls-ca, --output …): tonghop help\n";
    return 0;
  }
  if (under.empty()) {
    err << "tonghop: no command \"" << joined << "\"; `tonghop help` lists them\n";
    return 2;
  }
  out << "commands under \"" << joined << "\":\n";
  for (const Command* c : under) {
    out << "  tonghop " << c->words << (c->usage.empty() ? "" : " ") << c->usage << "\n"
        << "      " << c->summary << "\n";
  }
  return 0;
}

}  // namespace tonghop::cli
