#include "clients/cli/command_line.h"

#include <map>
#include <memory>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace tonghop::cli {
namespace {

constexpr char kHelpCommand[] = "help";
constexpr char kHelpFlag[] = "help";

// The command table as CLI11 subcommands, one per word, so that "plan"
// holds "import" and "export". Owns its CLI11 programs (not copyable); reads
// one command line. Not thread-safe.
class CommandTree {
 public:
  explicit CommandTree(const CommandTable& table) {
    root_.set_help_flag();  // --help is answered by PrintHelp, per command
    // One command word per level: once a command is chosen, a later word
    // that names a command too ("user get admin") is an argument.
    root_.require_subcommand(0, 1);
    DeclareFlags(root_, GlobalFlags());
    DeclareFlags(root_, {kHelpFlag});
    AcceptPositional(Node({kHelpCommand}));
    for (const Command& command : table.commands()) {
      CLI::App& node = Node(absl::StrSplit(command.words, ' '));
      DeclareFlags(node, command.flags);
      AcceptPositional(node);
      commands_[&node] = &command;
    }
  }

  CLI::App& root() { return root_; }

  // The command a node stands for, or null (a group such as "plan").
  const Command* CommandAt(CLI::App* node) const {
    auto it = commands_.find(node);
    return it == commands_.end() ? nullptr : it->second;
  }

  // The subcommands the command line gave, outermost first.
  std::vector<CLI::App*> Given() {
    std::vector<CLI::App*> given;
    for (CLI::App* node = &root_; !node->get_subcommands().empty();) {
      node = node->get_subcommands().front();
      given.push_back(node);
    }
    return given;
  }

 private:
  // The node for `words`, made (with the nodes above it) on first use.
  CLI::App& Node(const std::vector<std::string>& words) {
    CLI::App* node = &root_;
    std::string path;
    for (const std::string& word : words) {
      path = path.empty() ? word : absl::StrCat(path, " ", word);
      auto [it, added] = nodes_.emplace(path, nullptr);
      if (added) {
        it->second = node->add_subcommand(word);
        it->second->set_help_flag();
        it->second->require_subcommand(0, 1);
        // The global flags (and --help) may follow the command's words.
        it->second->fallthrough();
      }
      node = it->second;
    }
    return *node;
  }

  CLI::App root_;
  std::map<std::string, CLI::App*> nodes_;
  std::map<const CLI::App*, const Command*> commands_;
};

}  // namespace

const std::vector<std::string>& GlobalFlags() {
  static const auto* const kGlobal = new std::vector<std::string>{
      "server=HOST:PORT", "agency=ID",   "cert=PEM",      "key=PEM",
      "tls-ca=PEM",       "output=FORMAT", "state-dir=DIR"};
  return *kGlobal;
}

Invocation ReadCommandLine(const CommandTable& table, const std::vector<std::string>& args) {
  Invocation invocation;
  CommandTree tree(table);
  invocation.error = ParseCommandLine(tree.root(), args);

  std::vector<std::string> words;
  CLI::App* last = &tree.root();
  for (CLI::App* node : tree.Given()) {
    words.push_back(node->get_name());
    last = node;
  }
  // The words no command took ("tonghop plan frob").
  std::vector<std::string> stray;
  for (const std::string& left : tree.root().remaining(/*recurse=*/true)) {
    if (left.empty() || left[0] != '-') stray.push_back(left);
  }
  invocation.globals = CollectFlags(tree.root());
  invocation.globals.flags.erase(kHelpFlag);
  invocation.globals.repeated.erase(kHelpFlag);

  if (words.size() == 1 && words[0] == kHelpCommand) {
    invocation.help = true;
    invocation.help_words = CollectFlags(*last).positional;
    return invocation;
  }
  if (CollectFlags(tree.root()).Has(kHelpFlag)) {
    invocation.help = true;
    invocation.help_words = words;
    invocation.help_words.insert(invocation.help_words.end(), stray.begin(), stray.end());
    return invocation;
  }
  invocation.command = tree.CommandAt(last);
  if (invocation.command == nullptr) {
    invocation.group = words;
    if (!stray.empty()) {
      words.push_back(stray.front());
      invocation.error = absl::InvalidArgumentError(
          absl::StrCat("unknown command \"", absl::StrJoin(words, " "), "\""));
    } else if (!words.empty()) {
      invocation.error = absl::InvalidArgumentError(
          absl::StrCat("\"", absl::StrJoin(words, " "), "\" needs one of its commands"));
    }
    return invocation;
  }
  invocation.args = CollectFlags(*last);
  return invocation;
}

}  // namespace tonghop::cli
