#ifndef TONGHOP_SERVICES_GATEWAY_HTTP_GATEWAY_H_
#define TONGHOP_SERVICES_GATEWAY_HTTP_GATEWAY_H_

// The HTTP/JSON gateway: serves the gRPC services' methods as JSON under
// /v1/... for the web dashboard, and the dashboard's static files.
//
// One generic mapping serves every method (see routes.h for the URL
// scheme): the request comes from the JSON body (POST) or the query
// parameters (GET, read-only methods), is parsed into the method's request
// message through protobuf's JSON mapping, and is sent on the backend
// channel by method name; the response message is printed back as JSON.
//
//   GET  /v1/                        the served methods, as JSON
//   GET  /v1/registry/ListAgencies?parent=agencies/dong-nai&pageSize=50
//   POST /v1/submissions/Submit      {"name": "reports/…", "etag": "…"}
//   GET  /v1/aggregation/CompileReport?…&format=REPORT_FORMAT_XLSX&alt=media
//                                    the bytes of the response's `content`
//                                    field, with its `contentType` and
//                                    `filename`, instead of JSON
//   POST /v1/forms/xlsx, /v1/forms/xlsx:read
//                                    the report form as an Excel workbook,
//                                    downloaded and read back (report_forms.h)
//   GET  /, /assets/…                the dashboard (static_dir)
//   GET  /healthz, /readyz           liveness and readiness, without identity
//                                    (see monitoring_server.h)
//
// Identity: the gateway authenticates each request with the server's
// Authenticator and calls the services in-process as that caller (a signed
// internal credential); no HTTP header ever becomes gRPC metadata. A
// request proves who it comes from with the first of:
// - a bearer token (`Authorization: Bearer …`), over HTTPS or from loopback;
// - a browser session: the cookie POST /v1/auth/login sets, with the
//   session's CSRF token on every state-changing request (sessions.h: the
//   sign-in routes, the cookie's attributes, the CSRF rule);
// - a client certificate (HTTPS with a client CA: one is asked for but not
//   required, since people who sign in with a password have none), checked
//   by Authenticator::FromCertificate;
// - the development header `x-tonghop-agency`, only when the server runs
//   with --insecure-dev-identity, only from a loopback peer to a loopback
//   Host (IsLoopbackHost: a rebound DNS name is not), and never on a
//   request that names a proxy hop (Forwarded, X-Forwarded-For, X-Real-IP,
//   X-Forwarded-Host, Via, True-Client-IP, CF-Connecting-IP).
// A credential that is present but wrong is 401; a request with none calls
// the service without identity, which answers 401 where one is needed.
// Browsers send the header only to the page's own origin (the gateway
// answers no CORS preflight), so another site cannot make a visitor's
// browser call the API under an identity.
//
// Refused from the headers alone, before any body is kept (docs/security.md):
// - a request that changes data (any method but GET and HEAD) whose Origin
//   is not the gateway's own (scheme and Host) or whose Sec-Fetch-Site is
//   cross-site or same-site: 403, whatever credential it carries (a browser
//   sends its client certificate with another site's request too);
// - a Content-Encoding other than identity: 415 (httplib would inflate it
//   without limit);
// - a Transfer-Encoding other than chunked, or with Content-Length: 501/400;
//   a Content-Length over max_body_bytes: 413; a body on GET or HEAD: 400;
// - a POST without Content-Type: application/json (the workbook upload of
//   report_forms.h: its spreadsheet type or application/octet-stream): 415
//   (another site can send other types, or none, without a CORS preflight).
// A chunked body is counted as it is read and refused with 413 past
// max_body_bytes. A refusal of the body itself leaves its bytes unread and
// closes the connection after the answer, so they are never taken for
// another request; a refusal for the origin, the Content-Type or the method
// reads and drops the body (within the limit) and keeps the connection.
//
// Every answer carries X-Content-Type-Options: nosniff, Referrer-Policy:
// no-referrer, X-Frame-Options: DENY, a Content-Security-Policy (the
// dashboard's pages their own, anything else none at all) and, over TLS,
// Strict-Transport-Security.
//
// Transport: with `tls` holding a certificate the gateway serves HTTPS only
// (TLS 1.2 or later); plain HTTP on that port fails the handshake.
//
// Errors: the gRPC status maps to the HTTP status google.rpc.Code
// documents (INVALID_ARGUMENT and FAILED_PRECONDITION 400, UNAUTHENTICATED
// 401, PERMISSION_DENIED 403, NOT_FOUND 404, ALREADY_EXISTS and ABORTED 409,
// UNIMPLEMENTED 501, UNAVAILABLE 503, …) and the body is the
// google.rpc.Status in JSON, with its details (ErrorInfo, BadRequest).
// The gateway's own errors (malformed JSON, unknown parameter or method)
// take the same form.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "services/common/authenticator.h"
#include "services/common/clock.h"
#include "services/common/tls.h"
#include "services/gateway/http_listener.h"
#include "services/gateway/monitoring_server.h"
#include "services/gateway/routes.h"

namespace tonghop::gateway {

struct HttpGatewayOptions {
  // HOST:PORT to listen on ("127.0.0.1:8080", "[::1]:8080"); port 0 picks a
  // free port.
  std::string listen = "127.0.0.1:0";
  // Where the services run: the server's in-process channel (internal
  // credentials are accepted only in-process).
  std::shared_ptr<grpc::Channel> backend;
  // Authenticates each HTTP caller: the server's (ServerHost::authenticator()).
  // Required; must outlive the gateway.
  const Authenticator* authenticator = nullptr;
  // HTTPS with tls.cert_pem and tls.key_pem when set; tls.client_ca_pem asks
  // clients for a certificate. The other fields are not used.
  TlsOptions tls;
  // The dashboard's built files; empty serves no files.
  std::string static_dir;
  // The methods to serve.
  std::vector<MethodRule> methods = DefaultMethodRules();
  // Deadline of each backend call.
  absl::Duration call_timeout = absl::Seconds(30);
  // Largest request body accepted.
  size_t max_body_bytes = 32 << 20;
  // The server's readiness, for /readyz (empty: always ready).
  ReadinessCheck readiness;
  // Told of every answered request (optional).
  HttpObserver observer;
  // The server's clock, for the session cookie's Max-Age (null: the real
  // time). Not owned.
  const Clock* clock = nullptr;
};

// A running gateway. Start() binds the port before it returns, so the
// address can be used at once. Thread-safe; requests are handled on a pool
// of threads, each blocking on its backend call. Owns its HTTP server and
// listener thread; shares the backend channel.
class HttpGateway {
 public:
  static absl::StatusOr<std::unique_ptr<HttpGateway>> Start(HttpGatewayOptions options);

  // Stops the gateway (see Stop()).
  ~HttpGateway();
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;

  // "HOST:PORT" as bound.
  const std::string& address() const { return listener_->address(); }
  int port() const { return listener_->port(); }
  const RouteTable& routes() const { return routes_; }

  // Stops accepting connections and waits for the listener to end. Safe to
  // call more than once and from any thread but a request handler.
  void Stop();

 private:
  class Handler;
  HttpGateway() = default;

  HttpGatewayOptions options_;
  RouteTable routes_;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<HttpListener> listener_;
};

// True for the addresses of this host's loopback interface as the HTTP
// server reports peers: "127.x.y.z", "::1", "::ffff:127.x.y.z".
bool IsLoopbackAddress(absl::string_view address);

// True for a Host header naming this host's loopback by address or name:
// "127.0.0.1", "[::1]" or "localhost", each with or without ":PORT".
bool IsLoopbackHost(absl::string_view host);

}  // namespace tonghop::gateway

#endif  // TONGHOP_SERVICES_GATEWAY_HTTP_GATEWAY_H_
