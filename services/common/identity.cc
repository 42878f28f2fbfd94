#include "services/common/identity.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/resource_names.h"

namespace tonghop {

bool DevHeaderIdentity::IsLocalPeer(absl::string_view peer) {
  // gRPC 1.51's in-process transport reports its peer as "unknown"; a TCP
  // or Unix-socket connection always reports its address, so "unknown"
  // only ever names a call from inside this process.
  return absl::StartsWith(peer, "ipv4:127.") ||
         absl::StartsWith(peer, "ipv6:[::1]") ||
         absl::StartsWith(peer, "ipv6:%5B::1%5D") ||
         absl::StartsWith(peer, "unix:") || absl::StartsWith(peer, "inproc") ||
         peer == "unknown" || peer.empty();
}

absl::StatusOr<Caller> DevHeaderIdentity::FromHeaderValue(absl::string_view value) {
  if (value.empty()) {
    return Unauthenticated(absl::StrCat(
        "no caller identity: send the ", kAgencyHeader,
        " header (tonghop --agency=ID) naming the calling agency"));
  }
  std::string name = absl::StartsWith(value, "agencies/")
                         ? std::string(value)
                         : absl::StrCat("agencies/", value);
  if (!ParseSimpleName(name, "agencies", kAgencyHeader).ok()) {
    return Unauthenticated(absl::StrCat("\"", value, "\" in ", kAgencyHeader,
                                        " is not an agency id"));
  }
  return Caller{name};
}

absl::StatusOr<Caller> DevHeaderIdentity::Resolve(
    const grpc::ServerContextBase& context) const {
  if (!IsLocalPeer(context.peer())) {
    return Unauthenticated(absl::StrCat(
        "the development identity header is accepted only on loopback; peer ",
        context.peer(), " must present a client certificate"));
  }
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(std::string(kAgencyHeader));
  if (it == metadata.end()) return FromHeaderValue("");
  return FromHeaderValue(absl::string_view(it->second.data(), it->second.size()));
}

}  // namespace tonghop
