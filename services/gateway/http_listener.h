#ifndef TONGHOP_SERVICES_GATEWAY_HTTP_LISTENER_H_
#define TONGHOP_SERVICES_GATEWAY_HTTP_LISTENER_H_

// An httplib server bound to HOST:PORT and answering on its own thread: what
// the HTTP gateway and the monitoring listener share.

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace tonghop::gateway {

// Owns the server and its thread. Start() binds before it returns, so the
// address can be used at once. Thread-safe; Stop() may be called more than
// once, from any thread but a request handler.
class HttpListener {
 public:
  // Binds `server` (its handlers already registered) to `listen`
  // ("127.0.0.1:8080", "[::1]:0"; port 0 picks a free one) with
  // SO_REUSEADDR only, and starts answering. `flag` names the option in
  // messages ("--http").
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(
      std::unique_ptr<httplib::Server> server, const std::string& listen, absl::string_view flag);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // "HOST:PORT" as bound.
  const std::string& address() const { return address_; }
  int port() const { return port_; }

  // Stops accepting connections and waits for the loop to end.
  void Stop();

 private:
  HttpListener() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> done_{false};
  std::string address_;
  int port_ = 0;
  absl::Mutex stop_mu_;
  bool stopped_ ABSL_GUARDED_BY(stop_mu_) = false;
};

}  // namespace tonghop::gateway

#endif  // TONGHOP_SERVICES_GATEWAY_HTTP_LISTENER_H_
