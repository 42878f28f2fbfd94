#include "services/common/call_origin.h"

#include <utility>

#include "absl/strings/match.h"
#include "services/common/sign_in.h"

namespace tonghop {

std::string MetadataValue(const grpc::ServerContextBase& context, absl::string_view key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

bool IsInProcessPeer(absl::string_view peer) {
  return peer.empty() || peer == "unknown" || absl::StartsWith(peer, "inproc");
}

std::string ClientAddress(absl::string_view peer) {
  if (IsInProcessPeer(peer)) return "";
  if (absl::StartsWith(peer, "unix:")) return "unix";
  absl::string_view rest = peer;
  if (absl::StartsWith(rest, "ipv4:")) rest.remove_prefix(5);
  if (absl::StartsWith(rest, "ipv6:")) rest.remove_prefix(5);
  // gRPC writes an IPv6 peer as "[::1]:4711", or URI-escaped.
  for (auto [open, close] : {std::pair<absl::string_view, absl::string_view>{"[", "]"},
                             {"%5B", "%5D"}}) {
    if (absl::StartsWith(rest, open)) {
      rest.remove_prefix(open.size());
      return std::string(rest.substr(0, rest.find(close)));
    }
  }
  size_t colon = rest.rfind(':');
  return std::string(colon == absl::string_view::npos ? rest : rest.substr(0, colon));
}

std::string CallerAddress(const grpc::ServerContextBase& context) {
  std::string peer = context.peer();
  if (IsInProcessPeer(peer)) return MetadataValue(context, kClientAddressHeader);
  return ClientAddress(peer);
}

}  // namespace tonghop
