#ifndef TONGHOP_SERVICES_SERVER_REQUEST_LOG_H_
#define TONGHOP_SERVICES_SERVER_REQUEST_LOG_H_

// Every request the server answers, counted in the metrics and written as
// one JSON line (docs/operations.md, "Logs"):
//
//   {"time":"2026-11-03T02:00:00.123Z","transport":"grpc",
//    "method":"/tonghop.v1.Submissions/Submit","code":"OK","latency_ms":4.1,
//    "caller":"users/lan","agency":"agencies/dong-nai-so-y-te",
//    "credential":"bearer","kind":"person","peer":"ipv4:10.1.2.3:50412"}
//
// A line never holds a secret: no request or response content, no token,
// password, cookie or key, only the kind of credential; an error's message
// is cut to kMaxErrorBytes. gRPC calls are seen by a server interceptor,
// installed after the request guard so that the code recorded is the one
// the client gets (the guard's INVALID_ARGUMENT for bytes that do not parse);
// who called is learnt from the services' own identity resolution
// (RecordingResolver wraps the authenticator they use), so nothing is
// authenticated twice. Calls inside the process (the HTTP gateway's, and
// between co-hosted services) are counted (transport "in-process") but not
// written: the request that caused them is. HTTP requests are recorded by
// the gateway through Record().
//
// Thread-safe. The log outlives the server it observes.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "services/common/identity.h"
#include "services/common/metrics.h"

namespace tonghop {

// One answered request.
struct RequestRecord {
  std::string transport;  // "grpc", "in-process" or "http"
  // The gRPC method ("/tonghop.v1.Registry/GetAgency"), or for HTTP the
  // route ("GET /v1/registry/GetAgency", "GET static").
  std::string method;
  std::string code;  // gRPC code name, or the HTTP status
  absl::Duration latency;
  std::optional<Caller> caller;  // nullopt: no identity was established
  std::string peer;
  std::string error;  // the error's message, when not OK
};

// Where lines go; called with one complete line (ending in "\n") at a time.
using RequestLogSink = std::function<void(absl::string_view line)>;

class RequestLog {
 public:
  static constexpr size_t kMaxErrorBytes = 200;

  // `metrics` must outlive the log; `sink` may be empty (count only).
  RequestLog(MetricsRegistry* metrics, RequestLogSink sink);

  // Counts the request and, unless it is in-process, writes its line.
  void Record(const RequestRecord& record);

  // The line of `record` (without writing it), for tests.
  static std::string Line(const RequestRecord& record, absl::Time at);

  // For ServerBuilder::experimental().SetInterceptorCreators().
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> InterceptorFactory();

  // Wraps `inner` (which must outlive it) so that the caller each call
  // resolves to is written in that call's line.
  std::unique_ptr<IdentityResolver> RecordingResolver(const IdentityResolver* inner);

 private:
  class Call;
  class Factory;
  class Resolver;
  friend class Call;

  // A call's caller is kept from its start (Open) until it is recorded
  // (Close), keyed by the call's context.
  void Open(const grpc::ServerContextBase* context);
  void NoteCaller(const grpc::ServerContextBase* context, const absl::StatusOr<Caller>& caller);
  std::optional<Caller> Close(const grpc::ServerContextBase* context);

  CounterFamily& requests_;
  HistogramFamily& latency_;
  RequestLogSink sink_;
  absl::Mutex mu_;
  absl::flat_hash_map<const grpc::ServerContextBase*, std::optional<Caller>> calls_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_SERVER_REQUEST_LOG_H_
