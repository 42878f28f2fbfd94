#include "services/common/identity.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/errors.h"
#include "services/common/resource_names.h"

namespace tonghop {
namespace {

constexpr Role kRoles[] = {Role::kClerk, Role::kReviewer, Role::kAnalyst, Role::kAdmin};

// Metadata a reverse proxy adds; a call that carries one did not come from
// the loopback client it appears to come from.
constexpr absl::string_view kProxyHeaders[] = {
    "forwarded", "x-forwarded-for", "x-real-ip", "x-forwarded-host", "via",
    // Akamai's and Cloudflare's client-address headers.
    "true-client-ip", "cf-connecting-ip"};

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kClerk: return "clerk";
    case Role::kReviewer: return "reviewer";
    case Role::kAnalyst: return "analyst";
    case Role::kAdmin: return "admin";
  }
  return "";
}

std::string RoleSetName(RoleSet roles) {
  std::vector<absl::string_view> names;
  for (Role role : kRoles) {
    if (roles & static_cast<RoleSet>(role)) names.push_back(RoleName(role));
  }
  return absl::StrJoin(names, ",");
}

absl::StatusOr<Role> ParseRole(absl::string_view name) {
  std::string lower = absl::AsciiStrToLower(name);
  for (Role role : kRoles) {
    if (lower == RoleName(role)) return role;
  }
  return InvalidField("roles", absl::StrCat("\"", name.substr(0, 40),
                                            "\" is not a role: use clerk, reviewer, "
                                            "analyst or admin"));
}

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

bool DevHeaderIdentity::NamesProxy(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  for (absl::string_view header : kProxyHeaders) {
    if (metadata.find(grpc::string_ref(header.data(), header.size())) != metadata.end()) {
      return true;
    }
  }
  return false;
}

bool DevHeaderIdentity::IsProxyHeader(absl::string_view lowercase_name) {
  for (absl::string_view header : kProxyHeaders) {
    if (header == lowercase_name) return true;
  }
  return false;
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
    return Unauthenticated(absl::StrCat(
        "the value of ", kAgencyHeader,
        " is not an agency id (lowercase letters, digits and hyphens, e.g. dong-nai-so-y-te)"));
  }
  Caller caller;
  caller.agency = std::move(name);
  caller.credential = "dev-header";
  return caller;
}

absl::StatusOr<Caller> DevHeaderIdentity::Resolve(
    const grpc::ServerContextBase& context) const {
  if (!IsLocalPeer(context.peer())) {
    return Unauthenticated(
        "the development identity header is accepted only from loopback; present a client "
        "certificate or a bearer token");
  }
  if (NamesProxy(context)) {
    return Unauthenticated(
        "the development identity header is not accepted through a proxy; present a client "
        "certificate or a bearer token");
  }
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(std::string(kAgencyHeader));
  if (it == metadata.end()) return FromHeaderValue("");
  return FromHeaderValue(absl::string_view(it->second.data(), it->second.size()));
}

}  // namespace tonghop
