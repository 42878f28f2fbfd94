#include "services/gateway/monitoring_server.h"

#include <httplib.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
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

absl::StatusOr<std::string> BindHttpServer(httplib::Server& server, const std::string& listen,
                                           absl::string_view what) {
  size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(what, "=", listen, " is not HOST:PORT"));
  }
  std::string host = listen.substr(0, colon);
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "127.0.0.1";
  // httplib's default also sets SO_REUSEPORT, which would let a second
  // process bind the same port and take a share of the connections; only
  // SO_REUSEADDR is wanted (a restart may rebind at once).
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  if (port == 0) {
    port = server.bind_to_any_port(host);
    if (port < 0) port = 0;
  } else if (!server.bind_to_port(host, port)) {
    port = 0;
  }
  if (port == 0) {
    return absl::UnavailableError(absl::StrCat(what, ": cannot listen on ", listen));
  }
  return host.find(':') != std::string::npos ? absl::StrCat("[", host, "]:", port)
                                             : absl::StrCat(host, ":", port);
}

std::thread ListenInBackground(httplib::Server& server, std::atomic<bool>* done) {
  std::thread listener([&server, done] {
    server.listen_after_bind();
    done->store(true);
  });
  // The socket already accepts connections (they queue until the loop
  // runs); waiting for the loop only makes a stop() right after start
  // reliable, since httplib ignores stop() before its loop has begun.
  while (!server.is_running() && !done->load()) std::this_thread::yield();
  return listener;
}

absl::StatusOr<std::unique_ptr<MonitoringServer>> MonitoringServer::Start(
    MonitoringServerOptions options) {
  if (!options.metrics) {
    return absl::InvalidArgumentError("the monitoring listener needs the metrics");
  }
  std::unique_ptr<MonitoringServer> monitoring(new MonitoringServer());
  monitoring->options_ = std::move(options);
  monitoring->server_ = std::make_unique<httplib::Server>();
  httplib::Server& server = *monitoring->server_;
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
  absl::StatusOr<std::string> address =
      BindHttpServer(server, monitoring->options_.listen, "--metrics");
  if (!address.ok()) return address.status();
  monitoring->address_ = *address;
  monitoring->listener_ = ListenInBackground(server, &monitoring->listener_done_);
  return monitoring;
}

MonitoringServer::~MonitoringServer() { Stop(); }

void MonitoringServer::Stop() {
  absl::MutexLock lock(&stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  if (server_ != nullptr) server_->stop();
  if (listener_.joinable()) listener_.join();
}

}  // namespace tonghop::gateway
