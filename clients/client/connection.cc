#include "clients/client/connection.h"

#include <cstdlib>
#include <random>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/common/identity.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"

namespace tonghop::client {
namespace {

std::string AgencyName(const std::string& agency) {
  if (agency.empty() || absl::StartsWith(agency, "agencies/")) return agency;
  return absl::StrCat("agencies/", agency);
}

}  // namespace

TlsFiles TlsFilesFromEnvironment() {
  auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value == nullptr ? "" : value);
  };
  return {env("TONGHOP_TLS_CA"), env("TONGHOP_CERT"), env("TONGHOP_KEY")};
}

absl::StatusOr<ClientTlsOptions> ReadClientTls(const TlsFiles& files) {
  if (files.cert.empty() != files.key.empty()) {
    return absl::InvalidArgumentError(
        "--cert and --key go together (or $TONGHOP_CERT and $TONGHOP_KEY)");
  }
  ClientTlsOptions tls;
  if (!files.ca.empty()) {
    ASSIGN_OR_RETURN(tls.ca_pem, ReadPemFile("--tls-ca", files.ca));
  }
  if (!files.cert.empty()) {
    ASSIGN_OR_RETURN(tls.cert_pem, ReadPemFile("--cert", files.cert));
    ASSIGN_OR_RETURN(tls.key_pem, ReadPemFile("--key", files.key));
    RETURN_IF_ERROR(CheckKeyPair("--cert/--key", tls.cert_pem, tls.key_pem));
  }
  return tls;
}

std::string CertificateAgency(const ClientTlsOptions& tls) {
  if (!tls.has_certificate()) return "";
  absl::StatusOr<std::vector<SpiffeId>> ids = SpiffeIdsOfPem(tls.cert_pem);
  if (!ids.ok()) return "";
  for (const SpiffeId& id : *ids) {
    if (absl::StartsWith(id.path, "agencies/")) return id.path;
  }
  return "";
}

Connection::Connection(std::string address, std::string agency, ClientTlsOptions tls,
                       absl::Duration timeout)
    : address_(std::move(address)),
      agency_(AgencyName(agency)),
      send_agency_header_(!tls.has_certificate()),
      timeout_(timeout),
      channel_(grpc::CreateChannel(address_, ChannelCredentials(tls))) {}

Connection::Connection(std::shared_ptr<grpc::Channel> channel, std::string agency,
                       absl::Duration timeout)
    : address_("in-process"),
      agency_(AgencyName(agency)),
      timeout_(timeout),
      channel_(std::move(channel)) {}

std::unique_ptr<grpc::ClientContext> Connection::NewStreamContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  // Only an agency name goes into the header: gRPC aborts the process on a
  // header value that is not printable ASCII ("Sở Y tế"), and anything else
  // would be refused anyway. Callers check what they are given first (the
  // CLI says which agency was meant); a call without it is anonymous.
  if (identify_) {
    identify_(*context);
  } else if (!bearer_token_.empty()) {
    context->AddMetadata("authorization", "Bearer " + bearer_token_);
  } else if (send_agency_header_ && ParseSimpleName(agency_, "agencies", kAgencyHeader).ok()) {
    context->AddMetadata(std::string(kAgencyHeader), agency_);
  }
  return context;
}

std::unique_ptr<grpc::ClientContext> Connection::NewContext() const {
  auto context = NewStreamContext();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  return context;
}

std::string NewRequestId() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  uint64_t a = rng(), b = rng();
  return absl::StrFormat("%08x-%04x-4%03x-%04x-%012x", a >> 32, (a >> 16) & 0xffff,
                         a & 0xfff, ((b >> 48) & 0x3fff) | 0x8000,
                         b & 0xffffffffffffULL);
}

}  // namespace tonghop::client
