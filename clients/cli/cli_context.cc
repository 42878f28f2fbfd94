#include "clients/cli/command.h"

#include "absl/strings/match.h"
#include "clients/cli/output.h"
#include "clients/client/token_store.h"

namespace tonghop::cli {
namespace {

// A bearer token is sent only where it cannot be read on the way: over TLS
// or to this machine.
bool TokenMayTravel(const std::string& server, const ClientTlsOptions& tls) {
  if (tls.enabled()) return true;
  return absl::StartsWith(server, "127.") || absl::StartsWith(server, "localhost:") ||
         absl::StartsWith(server, "[::1]") || absl::StartsWith(server, "unix:");
}

}  // namespace

std::string CliContext::SignedInUser() {
  absl::StatusOr<std::optional<client::StoredToken>> stored =
      client::TokenStore(state_dir).Load(server);
  return stored.ok() && stored->has_value() ? (*stored)->user : "";
}

const client::Connection& CliContext::connection() {
  if (connection_ == nullptr) {
    connection_ = std::make_unique<client::Connection>(server, agency, tls);
    // A person signed in here acts as themself, unless the command line
    // names another identity (--agency, --cert).
    if (!agency_from_flag && !tls.has_certificate()) {
      absl::StatusOr<std::optional<client::StoredToken>> stored =
          client::TokenStore(state_dir).Load(server);
      if (!stored.ok()) {
        *err << "tonghop: " << stored.status().message() << "\n";
      } else if (stored->has_value() && !TokenMayTravel(server, tls)) {
        *err << "tonghop: not sending the sign-in token of " << (*stored)->user
             << " to " << server << " over plaintext; use TLS (--tls-ca)\n";
      } else if (stored->has_value()) {
        connection_->set_bearer_token((*stored)->token);
      }
    }
  }
  return *connection_;
}

void PrintResult(CliContext& context, const google::protobuf::Message& response,
                 const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  switch (context.output) {
    case OutputFormat::kJson: PrintJson(*context.out, response); break;
    case OutputFormat::kCsv: PrintCsv(*context.out, header, rows); break;
    case OutputFormat::kTable: PrintTable(*context.out, header, rows); break;
  }
}

}  // namespace tonghop::cli
