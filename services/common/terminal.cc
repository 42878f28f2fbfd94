#include "services/common/terminal.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace tonghop {
namespace {

// Turns echo off on standard input while alive (when it is a terminal).
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

}  // namespace

bool StdinIsTerminal() { return isatty(STDIN_FILENO) == 1; }

absl::StatusOr<std::string> ReadSecret(absl::string_view prompt, std::ostream& prompt_out) {
  std::string line;
  if (StdinIsTerminal()) {
    prompt_out << prompt << std::flush;
    EchoOff quiet;
    if (!std::getline(std::cin, line)) return absl::NotFoundError("no input");
  } else if (!std::getline(std::cin, line)) {
    return absl::NotFoundError("no input on standard input");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

absl::StatusOr<std::string> ReadNewSecret(absl::string_view prompt, absl::string_view confirm,
                                          std::ostream& prompt_out) {
  absl::StatusOr<std::string> first = ReadSecret(prompt, prompt_out);
  if (!first.ok() || !StdinIsTerminal()) return first;
  absl::StatusOr<std::string> second = ReadSecret(confirm, prompt_out);
  if (!second.ok()) return second.status();
  if (*first != *second) return absl::InvalidArgumentError("the two entries differ");
  return first;
}

}  // namespace tonghop
