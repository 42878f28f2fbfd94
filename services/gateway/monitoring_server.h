#ifndef TONGHOP_SERVICES_GATEWAY_MONITORING_SERVER_H_
#define TONGHOP_SERVICES_GATEWAY_MONITORING_SERVER_H_

// The health endpoints, served by the HTTP gateway and by the monitoring
// listener (tonghopd --metrics), and that listener itself.
//
//   GET /healthz   200 {"status":"ok"} while the process answers at all
//   GET /readyz    200 {"status":"ready"}, or 503 {"status":"not ready",
//                  "reasons":["shutting down"]} while the server should
//                  not be sent requests
//   GET /metrics   the Prometheus metrics (monitoring listener only)
//
// None of them needs an identity or says anything a caller could misuse:
// no names, paths, versions or figures, only the fixed phrases of the
// reasons. /metrics reveals operational figures (request counts by method,
// store sizes), so the monitoring listener is plain HTTP meant for a
// loopback or monitoring-network address (docs/operations.md).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/identity.h"
#include "services/gateway/http_listener.h"

namespace tonghop::gateway {

// Why the server is not ready (empty: ready).
using ReadinessCheck = std::function<std::vector<std::string>()>;

// One answered HTTP request, for the request log and the metrics.
struct HttpExchange {
  // "GET /v1/registry/GetAgency": the verb and the route (the method's
  // path, "/healthz", "static" for the dashboard's files, "unknown"), never
  // the raw path, so that the metrics' labels stay few.
  std::string method;
  int status = 0;
  absl::Duration latency;
  std::optional<Caller> caller;  // when the request proved an identity
  std::string peer;              // "ADDRESS:PORT"
};
using HttpObserver = std::function<void(const HttpExchange&)>;

struct ProbeAnswer {
  int http_status = 200;
  std::string body;  // JSON
};
ProbeAnswer LivenessAnswer();
ProbeAnswer ReadinessAnswer(const ReadinessCheck& check);

struct MonitoringServerOptions {
  // HOST:PORT (port 0 picks one).
  std::string listen = "127.0.0.1:0";
  // The metrics in the text exposition format, at each scrape.
  std::function<std::string()> metrics;
  ReadinessCheck readiness;
  HttpObserver observer;  // optional
};

// A plain HTTP listener for monitoring. Start() binds before it returns.
// Thread-safe; owns its HTTP server and listener thread.
class MonitoringServer {
 public:
  static absl::StatusOr<std::unique_ptr<MonitoringServer>> Start(
      MonitoringServerOptions options);
  ~MonitoringServer();
  MonitoringServer(const MonitoringServer&) = delete;
  MonitoringServer& operator=(const MonitoringServer&) = delete;

  const std::string& address() const { return listener_->address(); }
  // Stops listening; safe to call more than once.
  void Stop() { listener_->Stop(); }

 private:
  MonitoringServer() = default;

  MonitoringServerOptions options_;
  std::unique_ptr<HttpListener> listener_;
};

}  // namespace tonghop::gateway

#endif  // TONGHOP_SERVICES_GATEWAY_MONITORING_SERVER_H_
