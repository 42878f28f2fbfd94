#ifndef TONGHOP_SERVICES_COMMON_FLAGS_H_
#define TONGHOP_SERVICES_COMMON_FLAGS_H_

// Command-line flags of every tonghop program (tonghopd, tonghop-loadgen,
// each command of the tonghop CLI), parsed by CLI11 (Debian's libcli11-dev).
// A program or command declares the flags it takes; anything else is
// refused, naming the flag.
//
// A flag is declared as its usage shows it:
//   "dry-run"             a switch: --dry-run (the value "true"), or
//                         --dry-run=false
//   "format=FORMAT"       takes a value: --format=csv or --format csv;
//                         --format= gives the empty value
//   "map=NAME=AGENCY..."  takes a value and may be repeated; every value is
//                         kept, in order
//   "years=N"             takes a whole number (anything else is refused,
//                         naming the flag and the value)
// A flag given twice that is not repeatable keeps its last value.

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace CLI {
class App;
}  // namespace CLI

namespace tonghop {

// What a command line gave one program or command: each flag's values and
// the positional arguments. A plain value type: thread-compatible, owns its
// strings.
class ParsedFlags {
 public:
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;  // the last value of each flag
  std::map<std::string, std::vector<std::string>> repeated;  // every value, in order

  bool Has(absl::string_view flag) const { return flags.count(std::string(flag)) > 0; }
  std::string Get(absl::string_view flag, absl::string_view fallback = "") const {
    auto it = flags.find(std::string(flag));
    return it == flags.end() ? std::string(fallback) : it->second;
  }
  // Every value a flag was given ("--map=a --map=b").
  std::vector<std::string> GetAll(absl::string_view flag) const {
    auto it = repeated.find(std::string(flag));
    return it == repeated.end() ? std::vector<std::string>() : it->second;
  }
  // The flag's value as a whole number, or `fallback` when it was not
  // given; InvalidArgument naming the flag and the value when it is not a
  // whole number.
  absl::StatusOr<int> Int(absl::string_view flag, int fallback) const;
  // The same for a decimal number ("2", "0.5").
  absl::StatusOr<double> Double(absl::string_view flag, double fallback) const;
  // on/true or off/false.
  absl::StatusOr<bool> OnOff(absl::string_view flag, bool fallback) const;
};

// One declared flag, read from its declaration (see above). A plain value.
struct FlagSpec {
  std::string name;         // "map"
  std::string placeholder;  // "NAME=AGENCY"; empty for a switch
  bool takes_value = false;
  bool repeatable = false;

  static FlagSpec Parse(absl::string_view declaration);
  // "--map=NAME=AGENCY", "--dry-run".
  std::string Usage() const;
};

// Declares each of `declarations` on `app` (a CLI11 program or one of its
// subcommands, which keeps them). The functions below are not thread-safe
// for one `app`.
void DeclareFlags(CLI::App& app, const std::vector<std::string>& declarations);

// Lets `app` take positional arguments (read by CollectFlags).
void AcceptPositional(CLI::App& app);

// Parses `args` (without the program's name) with `app`, as declared with
// DeclareFlags and AcceptPositional. Returns InvalidArgument with a message
// for the user: "unknown option --dryrun", "--format needs a value",
// "unexpected argument \"x\"" where `app` takes none. The values are then
// read with CollectFlags.
absl::Status ParseCommandLine(CLI::App& app, std::vector<std::string> args);

// The flags and positional arguments `app` itself (not its subcommands) was
// given by ParseCommandLine.
ParsedFlags CollectFlags(const CLI::App& app);

// A flat program's command line (tonghopd, tonghop-loadgen): the declared
// flags, no positional arguments, no subcommands. --help is always
// accepted (a switch).
absl::StatusOr<ParsedFlags> ParseFlatCommandLine(int argc, const char* const* argv,
                                                  const std::vector<std::string>& declarations);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_FLAGS_H_
