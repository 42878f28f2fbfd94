#include "services/gateway/monitoring_server.h"

#include <httplib.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "services/gateway/transcode.h"

namespace tonghop::gateway {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";

void Send(httplib::Response& res, const ProbeAnswer& answer) {
  res.status = answer.http_status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(answer.body, kJson);
}

}  // namespace

ProbeAnswer LivenessAnswer() { return {200, "{\"status\":\"ok\"}"}; }

ProbeAnswer ReadinessAnswer(const ReadinessCheck& check) {
  std::vector<std::string> reasons = check ? check() : std::vector<std::string>();
  if (reasons.empty()) return {200, "{\"status\":\"ready\"}"};
  google::protobuf::Struct body;
  (*body.mutable_fields())["status"].set_string_value("not ready");
  auto& list = *(*body.mutable_fields())["reasons"].mutable_list_value();
  for (const std::string& reason : reasons) list.add_values()->set_string_value(reason);
  absl::StatusOr<std::string> json = PrintJson(body);
  return {503, json.ok() ? *json : "{\"status\":\"not ready\"}"};
}

absl::StatusOr<std::unique_ptr<MonitoringServer>> MonitoringServer::Start(
    MonitoringServerOptions options) {
  if (!options.metrics) {
    return absl::InvalidArgumentError("the monitoring listener needs the metrics");
  }
  std::unique_ptr<MonitoringServer> monitoring(new MonitoringServer());
  monitoring->options_ = std::move(options);
  auto http = std::make_unique<httplib::Server>();
  httplib::Server& server = *http;
  const MonitoringServerOptions* opts = &monitoring->options_;
  auto observed = [opts](absl::string_view route, auto handler) {
    return [opts, route = std::string(route), handler](const httplib::Request& req,
                                                        httplib::Response& res) {
      absl::Time start = absl::Now();
      handler(req, res);
      if (opts->observer) {
        opts->observer({absl::StrCat(req.method, " ", route), res.status, absl::Now() - start,
                        std::nullopt, absl::StrCat(req.remote_addr, ":", req.remote_port)});
      }
    };
  };
  server.Get("/metrics",
             observed("/metrics", [opts](const httplib::Request&, httplib::Response& res) {
               res.status = 200;
               res.set_header("Cache-Control", "no-store");
               res.set_content(opts->metrics(), "text/plain; version=0.0.4; charset=utf-8");
             }));
  server.Get("/healthz", observed("/healthz", [](const httplib::Request&,
                                                 httplib::Response& res) {
               Send(res, LivenessAnswer());
             }));
  server.Get("/readyz", observed("/readyz", [opts](const httplib::Request&,
                                                   httplib::Response& res) {
               Send(res, ReadinessAnswer(opts->readiness));
             }));
  server.Get(".*", observed("unknown", [](const httplib::Request&, httplib::Response& res) {
               Send(res, {404, "{\"error\":\"not found: this listener serves /metrics, "
                               "/healthz and /readyz\"}"});
             }));
  absl::StatusOr<std::unique_ptr<HttpListener>> listener =
      HttpListener::Start(std::move(http), monitoring->options_.listen, "--metrics");
  if (!listener.ok()) return listener.status();
  monitoring->listener_ = *std::move(listener);
  return monitoring;
}

MonitoringServer::~MonitoringServer() { Stop(); }

}  // namespace tonghop::gateway
