#ifndef TONGHOP_SERVICES_COMMON_TERMINAL_H_
#define TONGHOP_SERVICES_COMMON_TERMINAL_H_

// Reading a secret (a password, a one-time code) the way a command-line
// program should: from the terminal without echo when standard input is
// one, else one line from standard input (a pipe, a file, a script).
// Secrets are never taken from command-line flags, which other users of
// the machine can read in the process list and which stay in shell history.

#include <iosfwd>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop {

// True when standard input is a terminal.
bool StdinIsTerminal();

// Prints `prompt` on `prompt_out` (only when reading from a terminal) and
// reads one line from standard input with echo off; the line ending is not
// part of the result. NOT_FOUND at end of input before any line.
absl::StatusOr<std::string> ReadSecret(absl::string_view prompt, std::ostream& prompt_out);

// A new secret: on a terminal, asked twice (`prompt`, then `confirm`) and
// refused (INVALID_ARGUMENT) when the two differ; from a pipe, one line.
absl::StatusOr<std::string> ReadNewSecret(absl::string_view prompt, absl::string_view confirm,
                                          std::ostream& prompt_out);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_TERMINAL_H_
