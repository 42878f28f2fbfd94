#include "services/gateway/http_listener.h"

#include <httplib.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace tonghop::gateway {

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(
    std::unique_ptr<httplib::Server> server, const std::string& listen, absl::string_view flag) {
  size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(flag, "=", listen, " is not HOST:PORT"));
  }
  std::string host = listen.substr(0, colon);
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "127.0.0.1";
  // httplib's default also sets SO_REUSEPORT, which would let a second
  // process bind the same port and take a share of the connections; only
  // SO_REUSEADDR is wanted (a restart may rebind at once).
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  if (port == 0) {
    port = server->bind_to_any_port(host);
    if (port < 0) port = 0;
  } else if (!server->bind_to_port(host, port)) {
    port = 0;
  }
  if (port == 0) {
    return absl::UnavailableError(absl::StrCat(flag, ": cannot listen on ", listen));
  }
  std::unique_ptr<HttpListener> listener(new HttpListener());
  listener->port_ = port;
  listener->address_ = host.find(':') != std::string::npos ? absl::StrCat("[", host, "]:", port)
                                                           : absl::StrCat(host, ":", port);
  listener->server_ = std::move(server);
  httplib::Server* running = listener->server_.get();
  std::atomic<bool>* done = &listener->done_;
  listener->thread_ = std::thread([running, done] {
    running->listen_after_bind();
    done->store(true);
  });
  // The socket already accepts connections (they queue until the loop
  // runs); waiting for the loop only makes a Stop() right after Start()
  // reliable, since httplib ignores stop() before its loop has begun.
  while (!running->is_running() && !done->load()) std::this_thread::yield();
  return listener;
}

HttpListener::~HttpListener() { Stop(); }

void HttpListener::Stop() {
  absl::MutexLock lock(&stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tonghop::gateway
