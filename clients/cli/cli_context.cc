#include "clients/cli/command.h"

#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "clients/cli/output.h"
#include "clients/client/token_store.h"
#include "services/common/agency_matcher.h"
#include "services/common/errors.h"
#include "services/common/resource_names.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop::cli {
namespace {

// A bearer token is sent only where it cannot be read on the way: over TLS
// or to this machine.
bool TokenMayTravel(const std::string& server, const ClientTlsOptions& tls) {
  if (tls.enabled()) return true;
  return absl::StartsWith(server, "127.") || absl::StartsWith(server, "localhost:") ||
         absl::StartsWith(server, "[::1]") || absl::StartsWith(server, "unix:");
}

// The flags other than --agency whose values are agencies.
constexpr const char* kAgencyFlags[] = {"subtree", "parent", "issuer", "assignee"};

// How long the checks wait for the registry; past that, the command goes on
// and meets the same server itself.
constexpr absl::Duration kLookupTimeout = absl::Seconds(10);

std::unique_ptr<grpc::ClientContext> LookupContext(CliContext& context) {
  auto call = context.connection().NewStreamContext();
  call->set_deadline(absl::ToChronoTime(absl::Now() + kLookupTimeout));
  return call;
}

// Every agency of the registry.
absl::StatusOr<std::vector<v1::Agency>> FetchAgencies(CliContext& context) {
  auto stub = v1::Registry::NewStub(context.connection().channel());
  std::vector<v1::Agency> agencies;
  v1::ListAgenciesRequest request;
  request.set_page_size(1000);
  for (int page = 0; page < 1000; ++page) {
    v1::ListAgenciesResponse response;
    grpc::Status status = stub->ListAgencies(LookupContext(context).get(), request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    for (v1::Agency& agency : *response.mutable_agencies()) agencies.push_back(std::move(agency));
    if (response.next_page_token().empty()) return agencies;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("ListAgencies did not end after 1000 pages");
}

}  // namespace

std::string CliContext::SignedInUser() {
  absl::StatusOr<std::optional<client::StoredToken>> stored =
      client::TokenStore(state_dir).Load(server);
  return stored.ok() && stored->has_value() ? (*stored)->user : "";
}

std::string CliContext::BearerToken() {
  if (bearer_token_) return *bearer_token_;
  bearer_token_ = "";
  // A person signed in here acts as themself, unless the command line
  // names another identity (--agency, --cert).
  if (agency_from_flag || tls.has_certificate()) return "";
  absl::StatusOr<std::optional<client::StoredToken>> stored =
      client::TokenStore(state_dir).Load(server);
  if (!stored.ok()) {
    *err << "tonghop: " << stored.status().message() << "\n";
  } else if (stored->has_value() && !TokenMayTravel(server, tls)) {
    *err << "tonghop: not sending the sign-in token of " << (*stored)->user << " to " << server
         << " over plaintext; use TLS (--tls-ca)\n";
  } else if (stored->has_value()) {
    bearer_token_ = (*stored)->token;
  }
  return *bearer_token_;
}

bool CliContext::HasIdentity() {
  return !agency.empty() || tls.has_certificate() || !BearerToken().empty();
}

const client::Connection& CliContext::connection() {
  if (connection_ == nullptr) {
    connection_ = std::make_unique<client::Connection>(ConnectionFor(agency));
  }
  return *connection_;
}

client::Connection CliContext::ConnectionFor(const std::string& for_agency) {
  client::Connection connection(server, for_agency, tls);
  if (std::string token = BearerToken(); !token.empty()) {
    connection.set_bearer_token(std::move(token));
  }
  return connection;
}

bool CheckAgencyFlags(CliContext& context, const ParsedArgs& args) {
  std::vector<std::pair<std::string, std::string>> given;  // flag, value
  if (!context.agency.empty()) given.emplace_back("agency", context.agency);
  for (const char* flag : kAgencyFlags) {
    if (args.Has(flag)) given.emplace_back(flag, args.Get(flag));
  }
  // The registry's agencies, read at most once and only when a value is wrong.
  std::optional<absl::StatusOr<std::vector<v1::Agency>>> fetched;
  std::optional<AgencyMatcher> matcher;
  auto known = [&]() -> const AgencyMatcher& {
    if (!fetched) {
      fetched = FetchAgencies(context);
      matcher.emplace(fetched->ok() ? **fetched : std::vector<v1::Agency>());
    }
    return *matcher;
  };
  // Refuses with `status`, saying when there was nothing to suggest from.
  auto refuse = [&](const absl::Status& status) {
    PrintError(*context.err, status);
    if (fetched && !fetched->ok()) {
      // "The agency list could not be read from the server to suggest one."
      *context.err << "  (Không đọc được danh sách cơ quan trên máy chủ để gợi ý; the registry "
                      "could not be read for suggestions: "
                   << fetched->status().message() << ")\n";
    }
    return false;
  };
  for (const auto& [flag, value] : given) {
    bool caller = flag == "agency";
    if (!IsValidSlugId(AgencyId(value))) {
      return refuse(UnknownAgency(value, caller ? "" : "--" + flag, known()));
    }
    if (!caller) continue;  // the command's own call says whether it exists
    v1::GetAgencyRequest request;
    request.set_name(MakeName("agencies", AgencyId(value)));
    v1::Agency agency;
    grpc::Status status = v1::Registry::NewStub(context.connection().channel())
                              ->GetAgency(LookupContext(context).get(), request, &agency);
    if (status.error_code() != grpc::StatusCode::NOT_FOUND) continue;
    const AgencyMatcher& registry = known();
    if (registry.size() == 0) continue;  // an empty registry being loaded
    return refuse(UnknownAgency(value, "", registry));
  }
  return true;
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
