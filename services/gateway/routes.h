#ifndef TONGHOP_SERVICES_GATEWAY_ROUTES_H_
#define TONGHOP_SERVICES_GATEWAY_ROUTES_H_

// Which gRPC methods the HTTP/JSON gateway serves, and at which paths. The
// table is derived from the services' descriptors, so a method added to a
// proto appears on HTTP without gateway code for it.
//
// URL scheme: POST /v1/{service}/{Method} with the request message as a JSON
// body (protobuf's JSON mapping), for every served method; GET with the
// request as query parameters as well, for read-only methods. {service} is
// the service's name in lowercase without a "Service" suffix
// ("tonghop.v1.Registry" → "registry"); {Method} is the method's name as in
// the proto: GET /v1/registry/ListAgencies?parent=agencies/dong-nai.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace tonghop::gateway {

// Selects methods to serve: `pattern` is "{service full name}/{method}",
// where the method may end in "*" to match a prefix
// ("tonghop.v1.Registry/List*").
struct MethodRule {
  std::string pattern;
  // True for read-only methods: GET with query parameters is allowed too.
  // Methods that change state take POST only, so a link or a prefetch never
  // changes anything.
  bool allow_get = false;
};

// The methods served by default: every read method of the registry,
// submissions and aggregation services, the audit trail's listing, the
// report life cycle an agency drives from a web form (GetOrCreateDraft,
// UpdateDraft, Submit, Review), the editing of a compiled report's draft
// (UpdateCompiledReportDraft), who the caller is (Auth.WhoAmI), a password
// reset with a one-time code (Auth.ResetPassword), and the plan import of
// the dashboard (ImportPlan, and UpdateAgency for the aliases it stores).
// Other registry mutations, Forward, RebuildAggregates and VerifyAuditLog (a
// walk over every record) stay gRPC-only; signing in and out have their own
// routes (sessions.h).
const std::vector<MethodRule>& DefaultMethodRules();

// One served method.
struct Route {
  // "/v1/registry/GetAgency".
  std::string path;
  // The gRPC method path, "/tonghop.v1.Registry/GetAgency".
  std::string grpc_method;
  // Points into the descriptor pool the table was built from.
  const google::protobuf::MethodDescriptor* method = nullptr;
  bool allow_get = false;
};

// Query parameters the gateway itself interprets; no served request message
// may have a field of one of these names.
inline constexpr absl::string_view kAltParameter = "alt";

// The routes, built once. Immutable after Build(), so safe to share between
// threads. The descriptor pool must outlive the table.
class RouteTable {
 public:
  // Builds a route for every unary method matched by a rule. A service named
  // by a rule but absent from `pool` (not compiled into this binary) is
  // skipped and listed in missing_services(). Fails when a rule is
  // malformed, when a rule matches a streaming method by its full name, or
  // when a served request type has a field named like a gateway parameter.
  static absl::StatusOr<RouteTable> Build(const google::protobuf::DescriptorPool* pool,
                                          const std::vector<MethodRule>& rules);

  // The route at `path`, or nullptr.
  const Route* Find(absl::string_view path) const;
  // Every route, sorted by path.
  const std::vector<Route>& routes() const { return routes_; }
  // Services named by rules that the pool does not hold.
  const std::vector<std::string>& missing_services() const { return missing_services_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::string> missing_services_;
};

// The path segment of a service: "tonghop.v1.Registry" → "registry",
// "tonghop.v1.Aggregation" → "aggregation".
std::string ServiceSegment(const google::protobuf::ServiceDescriptor& service);

}  // namespace tonghop::gateway

#endif  // TONGHOP_SERVICES_GATEWAY_ROUTES_H_
