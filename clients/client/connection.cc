#include "clients/client/connection.h"

#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/common/identity.h"

namespace tonghop::client {
namespace {

std::string AgencyName(const std::string& agency) {
  if (agency.empty() || absl::StartsWith(agency, "agencies/")) return agency;
  return absl::StrCat("agencies/", agency);
}

}  // namespace

Connection::Connection(std::string address, std::string agency,
                       absl::Duration timeout)
    : address_(std::move(address)),
      agency_(AgencyName(agency)),
      timeout_(timeout),
      channel_(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials())) {}

Connection::Connection(std::shared_ptr<grpc::Channel> channel, std::string agency,
                       absl::Duration timeout)
    : address_("in-process"),
      agency_(AgencyName(agency)),
      timeout_(timeout),
      channel_(std::move(channel)) {}

std::unique_ptr<grpc::ClientContext> Connection::NewStreamContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!agency_.empty()) context->AddMetadata(std::string(kAgencyHeader), agency_);
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
