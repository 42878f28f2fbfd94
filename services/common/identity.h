#ifndef TONGHOP_SERVICES_COMMON_IDENTITY_H_
#define TONGHOP_SERVICES_COMMON_IDENTITY_H_

// Who is calling. The calling agency comes from the connection: in
// development, from the `x-tonghop-agency` header on a loopback or
// in-process connection; in production, from the client's mutual-TLS
// certificate (another implementation of the same interface).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"

namespace tonghop {

// The metadata key of the development identity header.
inline constexpr absl::string_view kAgencyHeader = "x-tonghop-agency";

// The authenticated caller.
struct Caller {
  // `agencies/{agency}`.
  std::string agency;
};

// Resolves the caller of a call. Implementations are thread-safe.
class IdentityResolver {
 public:
  virtual ~IdentityResolver() = default;
  // UNAUTHENTICATED when the call carries no acceptable identity.
  virtual absl::StatusOr<Caller> Resolve(
      const grpc::ServerContextBase& context) const = 0;
};

// Reads `x-tonghop-agency` ("agencies/x" or "x"), accepted only from peers on
// loopback or in-process.
class DevHeaderIdentity final : public IdentityResolver {
 public:
  absl::StatusOr<Caller> Resolve(
      const grpc::ServerContextBase& context) const override;
  // The header's value as an agency name, or UNAUTHENTICATED. Exposed for the
  // HTTP gateway, which reads the same header.
  static absl::StatusOr<Caller> FromHeaderValue(absl::string_view value);
  // True for "ipv4:127.…", "ipv6:[::1]…", "unix:…" and in-process peers.
  static bool IsLocalPeer(absl::string_view peer);
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_IDENTITY_H_
