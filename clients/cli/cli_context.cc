#include "clients/cli/command.h"

namespace tonghop::cli {

const client::Connection& CliContext::connection() {
  if (connection_ == nullptr) {
    connection_ = std::make_unique<client::Connection>(server, agency);
  }
  return *connection_;
}

}  // namespace tonghop::cli
