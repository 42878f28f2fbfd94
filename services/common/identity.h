#ifndef TONGHOP_SERVICES_COMMON_IDENTITY_H_
#define TONGHOP_SERVICES_COMMON_IDENTITY_H_

// Who is calling. A caller is a person (`users/{id}`) acting for the agency
// they belong to, with the roles they hold there, or a machine (another
// instance, a batch job) acting as an agency with every role of it.
//
// The services never decide how a caller proved who they are: they receive a
// `Caller` from an `IdentityResolver` (services/server/authenticator.h in
// tonghopd: client certificates, bearer tokens, sessions, and the
// development header only behind --insecure-dev-identity), and ask the one
// access policy (services/common/access_policy.h) what it may do.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"

namespace tonghop {

// The metadata key of the development identity header.
inline constexpr absl::string_view kAgencyHeader = "x-tonghop-agency";

// What a person may do in their agency. A person holds any combination.
enum class Role : uint8_t {
  // Drafts and submits the agency's reports.
  kClerk = 1 << 0,
  // Reviews the reports of the subtrees the agency is the focal agency of.
  kReviewer = 1 << 1,
  // Reads reports and roll-ups within the agency's reach.
  kAnalyst = 1 << 2,
  // Changes the registry and the people within the agency's scope.
  kAdmin = 1 << 3,
};

// A set of roles, as a bit mask of `Role` values.
using RoleSet = uint8_t;
inline constexpr RoleSet kNoRoles = 0;
inline constexpr RoleSet kAllRoles = 0x0f;

// How the caller proved who it is (for logs and the audit trail).
enum class CallerKind : uint8_t {
  // A machine acting as an agency: an agency certificate, the instance
  // itself calling its own services, or the development header.
  kMachine = 0,
  // A person, identified by a personal certificate, a bearer token or a
  // browser session.
  kPerson = 1,
};

// The authenticated caller. Copyable value.
struct Caller {
  Caller() = default;
  // A machine acting as `agency_name` with every role (tests, the instance).
  explicit Caller(std::string agency_name) : agency(std::move(agency_name)) {}

  // `agencies/{agency}`: the agency the caller acts for; empty for nobody.
  std::string agency;
  // `users/{user}` for a person; empty for a machine.
  std::string user;
  // The roles held in `agency`. A machine holds every role of its agency.
  RoleSet roles = kAllRoles;
  CallerKind kind = CallerKind::kMachine;
  // How the identity was established: "certificate", "bearer", "session",
  // "internal", "dev-header" (logs and audit only; never a secret).
  std::string credential;

  bool is_person() const { return kind == CallerKind::kPerson; }
  bool HasRole(Role role) const { return (roles & static_cast<RoleSet>(role)) != 0; }
  // Who acted, for `submitted_by`, `reviewed_by` and the audit trail:
  // "users/lan" for a person, the agency name for a machine.
  std::string Actor() const { return user.empty() ? agency : user; }
};

// The lowercase name of a role ("clerk", "reviewer", "analyst", "admin").
absl::string_view RoleName(Role role);
// "clerk,reviewer" for a set; "" for none.
std::string RoleSetName(RoleSet roles);
// Parses one role name; INVALID_ARGUMENT naming the accepted ones otherwise.
absl::StatusOr<Role> ParseRole(absl::string_view name);

// Resolves the caller of a call. Implementations are thread-safe.
class IdentityResolver {
 public:
  virtual ~IdentityResolver() = default;
  // UNAUTHENTICATED when the call carries no acceptable identity.
  virtual absl::StatusOr<Caller> Resolve(
      const grpc::ServerContextBase& context) const = 0;
};

// The development identity: reads `x-tonghop-agency` ("agencies/x" or "x")
// as a machine acting for that agency, accepted only from peers on loopback
// or in-process, and never for a call that names a proxy hop (`forwarded`,
// `x-forwarded-for`, `x-real-ip` metadata). tonghopd uses it only behind
// --insecure-dev-identity.
class DevHeaderIdentity final : public IdentityResolver {
 public:
  absl::StatusOr<Caller> Resolve(
      const grpc::ServerContextBase& context) const override;
  // The header's value as a caller, or UNAUTHENTICATED. Exposed for the
  // HTTP gateway, which reads the same header.
  static absl::StatusOr<Caller> FromHeaderValue(absl::string_view value);
  // True for "ipv4:127.…", "ipv6:[::1]…", "unix:…" and in-process peers.
  static bool IsLocalPeer(absl::string_view peer);
  // True when the call's metadata names a proxy hop.
  static bool NamesProxy(const grpc::ServerContextBase& context);
  // True for the lowercase name of a header a reverse proxy adds
  // ("forwarded", "x-forwarded-for", "x-real-ip", "x-forwarded-host", "via",
  // "true-client-ip", "cf-connecting-ip").
  static bool IsProxyHeader(absl::string_view lowercase_name);
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_IDENTITY_H_
