#include "services/gateway/http_gateway.h"

#include <httplib.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/struct.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "services/common/errors.h"
#include "services/common/identity.h"
#include "services/common/openssl_util.h"
#include "services/common/sign_in.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"
#include "services/gateway/report_forms.h"
#include "services/gateway/sessions.h"
#include "services/gateway/static_files.h"
#include "services/gateway/transcode.h"
#include "tonghop/v1/auth_service.grpc.pb.h"
#include "tonghop/v1/registry_service.pb.h"
#include "tonghop/v1/submissions_service.pb.h"
#if __has_include("tonghop/v1/aggregation_service.pb.h")
#include "tonghop/v1/aggregation_service.pb.h"
#include "tonghop/v1/federation_service.pb.h"
#define TONGHOP_GATEWAY_HAVE_AGGREGATION_PROTO 1
#endif

namespace tonghop::gateway {
namespace {

using google::protobuf::Message;

constexpr char kJson[] = "application/json; charset=utf-8";

// Routes are found by name in the generated pool, which holds a file only
// if its generated code is linked in; a static library's object file is
// linked only when referenced. Touching one message per service file keeps
// every service the gateway can serve in the pool.
void LinkServiceDescriptors() {
  (void)v1::GetAgencyRequest::descriptor();
  (void)v1::GetReportRequest::descriptor();
  (void)v1::WhoAmIRequest::descriptor();
#ifdef TONGHOP_GATEWAY_HAVE_AGGREGATION_PROTO
  (void)v1::RollupRequest::descriptor();
  (void)v1::GetNationalOverviewRequest::descriptor();
#endif
}

void SendJson(httplib::Response& res, int http_status, const std::string& json) {
  res.status = http_status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(json, kJson);
}

void SendStatus(httplib::Response& res, const grpc::Status& status) {
  // Refused for now (a slowed sign-in, a busy server): say when to retry.
  absl::Duration retry = GetRetryDelay(FromGrpcStatus(status));
  if (retry > absl::ZeroDuration()) {
    res.set_header("Retry-After",
                   absl::StrCat(absl::ToInt64Seconds(absl::Ceil(retry, absl::Seconds(1)))));
  }
  SendJson(res, HttpStatusForCode(status.error_code()), StatusToJson(status));
}

void SendStatus(httplib::Response& res, const absl::Status& status) {
  SendStatus(res, ToGrpcStatus(status));
}

// A status with an HTTP code of its own (405, 415) whose gRPC code has no
// HTTP equivalent.
void SendStatus(httplib::Response& res, int http_status, const absl::Status& status) {
  SendJson(res, http_status, StatusToJson(ToGrpcStatus(status)));
}

// RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name.
std::string ContentDisposition(const std::string& filename) {
  std::string ascii;
  std::string encoded;
  for (unsigned char c : filename) {
    bool plain = absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_';
    ascii.push_back(plain ? static_cast<char>(c) : '_');
    if (plain) {
      encoded.push_back(static_cast<char>(c));
    } else {
      static const char kHex[] = "0123456789ABCDEF";
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 15]);
    }
  }
  return absl::StrCat("attachment; filename=\"", ascii, "\"; filename*=UTF-8''", encoded);
}

// The string field `name` (proto or JSON name) of `message`, or "".
std::string StringField(const Message& message, absl::string_view name) {
  const google::protobuf::Descriptor* type = message.GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = type->field(i);
    if ((field->name() == name || field->json_name() == name) && !field->is_repeated() &&
        (field->type() == google::protobuf::FieldDescriptor::TYPE_STRING ||
         field->type() == google::protobuf::FieldDescriptor::TYPE_BYTES)) {
      return message.GetReflection()->GetString(message, field);
    }
  }
  return "";
}

bool HasBytesField(const Message& message, absl::string_view name) {
  const google::protobuf::FieldDescriptor* field =
      message.GetDescriptor()->FindFieldByName(std::string(name));
  return field != nullptr && !field->is_repeated() &&
         field->type() == google::protobuf::FieldDescriptor::TYPE_BYTES;
}

// The peer's certificate and the intermediates it sent, as PEM; "" for
// plain HTTP or a peer that presented none. (On a server OpenSSL's peer
// chain leaves out the leaf.)
std::string PeerCertificatePem(const httplib::Request& req) {
  if (req.ssl == nullptr) return "";
  OpenSslPtr<X509> leaf(SSL_get1_peer_certificate(req.ssl));
  if (leaf == nullptr) return "";
  std::string pem = CertificatePem(leaf.get());
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(req.ssl);
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
    pem += CertificatePem(sk_X509_value(chain, i));
  }
  return pem;
}

bool NamesProxy(const httplib::Request& req) {
  for (const auto& [name, value] : req.headers) {
    if (DevHeaderIdentity::IsProxyHeader(absl::AsciiStrToLower(name))) return true;
  }
  return false;
}

// Accepts whatever certificate the client presents: the handshake only
// proves possession of its key, and the authenticator decides whether it
// names anyone (so that a refusal is a 401 with its reason, not a broken
// connection, and a browser without a certificate still connects).
int AcceptAnyCertificate(int /*preverified*/, X509_STORE_CTX* /*store*/) { return 1; }

// Serves `tls.cert_pem` (leaf, then intermediates) with `tls.key_pem`, TLS
// 1.2 or later; with a client CA, asks for a client certificate naming it
// without requiring one.
bool ConfigureTls(SSL_CTX& ctx, const TlsOptions& tls) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  std::vector<OpenSslPtr<X509>> chain = ReadCertificates(tls.cert_pem);
  if (chain.empty() || SSL_CTX_use_certificate(&ctx, chain.front().get()) != 1) return false;
  for (size_t i = 1; i < chain.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(&ctx, chain[i].get()) != 1) return false;
  }
  OpenSslPtr<EVP_PKEY> key = ReadPrivateKey(tls.key_pem);
  if (key == nullptr || SSL_CTX_use_PrivateKey(&ctx, key.get()) != 1 ||
      SSL_CTX_check_private_key(&ctx) != 1) {
    return false;
  }
  if (tls.client_ca_pem.empty()) {
    SSL_CTX_set_verify(&ctx, SSL_VERIFY_NONE, nullptr);
    return true;
  }
  std::vector<OpenSslPtr<X509>> cas = ReadCertificates(tls.client_ca_pem);
  if (cas.empty()) return false;
  for (const OpenSslPtr<X509>& ca : cas) {
    if (SSL_CTX_add_client_CA(&ctx, ca.get()) != 1) return false;
  }
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, AcceptAnyCertificate);
  // Sessions are resumed only within this server (OpenSSL refuses to
  // resume a session with a peer certificate without an id context).
  static constexpr unsigned char kSessionContext[] = "tonghop-gateway";
  SSL_CTX_set_session_id_context(&ctx, kSessionContext, sizeof(kSessionContext) - 1);
  return true;
}

}  // namespace

bool IsLoopbackAddress(absl::string_view address) {
  return absl::StartsWith(address, "127.") || address == "::1" ||
         absl::StartsWith(address, "::ffff:127.");
}

// Serves the requests. Immutable after construction; thread-safe.
class HttpGateway::Handler {
 public:
  Handler(const HttpGatewayOptions& options, const RouteTable* routes)
      : options_(options), routes_(routes), stub_(options.backend), files_(options.static_dir) {}

  // Returns the caller the request proved, if it got that far.
  std::optional<Caller> Api(const httplib::Request& req, httplib::Response& res) const {
    if (req.path == kLoginPath || req.path == kLogoutPath) {
      SignInOrOut(req, res);
      return std::nullopt;
    }
    if (req.path == kFormDownloadPath || req.path == kFormReadPath) return Form(req, res);
    const Route* route = routes_->Find(req.path);
    if (route == nullptr) {
      SendStatus(res, WithErrorInfo(absl::NotFoundError(absl::StrCat(
                                        "no method at ", req.path,
                                        "; GET /v1/ lists the methods this gateway serves")),
                                    "METHOD_NOT_FOUND", {{"path", req.path}}));
      return std::nullopt;
    }
    bool get = req.method == "GET" || req.method == "HEAD";
    if (get && !route->allow_get) {
      res.set_header("Allow", "POST");
      SendStatus(res, 405,
                 WithErrorInfo(absl::InvalidArgumentError(absl::StrCat(
                                   route->method->name(),
                                   " changes data and takes POST with a JSON body")),
                               "METHOD_NOT_ALLOWED", {{"path", req.path}}));
      return std::nullopt;
    }
    if (!get && req.method != "POST") {
      res.set_header("Allow", route->allow_get ? "GET, POST" : "POST");
      SendStatus(res, 405,
                 WithErrorInfo(absl::InvalidArgumentError(absl::StrCat(
                                   req.method, " is not supported; use ",
                                   route->allow_get ? "GET or POST" : "POST")),
                               "METHOD_NOT_ALLOWED", {{"path", req.path}}));
      return std::nullopt;
    }

    // Identity first, like the services: an unacceptable identity is
    // refused before the request is even read.
    absl::StatusOr<std::optional<Caller>> caller = Authenticate(req);
    if (!caller.ok()) {
      SendStatus(res, caller.status());
      return std::nullopt;
    }

    // System parameters, then the request message.
    bool media = false;
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto& [key, value] : req.params) {
      if (key == kAltParameter) {
        if (value == "media") {
          media = true;
        } else if (value != "json") {
          SendStatus(res, InvalidField(kAltParameter,
                                       absl::StrCat(QuoteInput(value), " is not json or media"),
                                       "INVALID_QUERY_PARAMETER"));
          return *caller;
        }
        continue;
      }
      params.emplace_back(key, value);
    }
    google::protobuf::MessageFactory* factory =
        google::protobuf::MessageFactory::generated_factory();
    std::unique_ptr<Message> request(
        factory->GetPrototype(route->method->input_type())->New());
    absl::Status parsed;
    if (get) {
      parsed = ParseQuery(params, request.get());
    } else {
      if (!params.empty()) {
        SendStatus(res, InvalidField(params.front().first,
                                     "POST takes the request in the JSON body; only alt "
                                     "may be a query parameter",
                                     "INVALID_QUERY_PARAMETER"));
        return *caller;
      }
      std::string content_type =
          absl::AsciiStrToLower(req.get_header_value("Content-Type"));
      if (!content_type.empty() && !absl::StartsWith(content_type, "application/json")) {
        SendStatus(res, 415,
                   InvalidField("Content-Type",
                                absl::StrCat(QuoteInput(content_type),
                                             " is not application/json"),
                                "UNSUPPORTED_MEDIA_TYPE"));
        return *caller;
      }
      parsed = ParseJsonBody(req.body, request.get());
    }
    if (!parsed.ok()) {
      SendStatus(res, parsed);
      return *caller;
    }

    std::unique_ptr<Message> response(
        factory->GetPrototype(route->method->output_type())->New());
    grpc::Status status = Call(*route, *request, *caller, req.remote_addr, response.get());
    if (!status.ok()) {
      SendStatus(res, status);
      return *caller;
    }
    if (media) {
      SendMedia(*response, res);
      return *caller;
    }
    absl::StatusOr<std::string> json = PrintJson(*response);
    if (!json.ok()) {
      SendStatus(res, json.status());
      return *caller;
    }
    SendJson(res, 200, *json);
    return *caller;
  }

  // GET /v1/: what is served, for people and for clients that discover.
  void Index(const httplib::Request& req, httplib::Response& res) const {
    google::protobuf::Struct index;
    auto& methods = *(*index.mutable_fields())["methods"].mutable_list_value();
    for (const Route& route : routes_->routes()) {
      google::protobuf::Struct entry;
      auto& fields = *entry.mutable_fields();
      fields["path"].set_string_value(route.path);
      fields["grpcMethod"].set_string_value(route.grpc_method);
      fields["httpMethods"].set_string_value(route.allow_get ? "GET, POST" : "POST");
      fields["requestType"].set_string_value(route.method->input_type()->full_name());
      fields["responseType"].set_string_value(route.method->output_type()->full_name());
      *methods.add_values()->mutable_struct_value() = std::move(entry);
    }
    auto& missing = *(*index.mutable_fields())["missingServices"].mutable_list_value();
    for (const std::string& service : routes_->missing_services()) {
      missing.add_values()->set_string_value(service);
    }
    absl::StatusOr<std::string> json = PrintJson(index);
    if (!json.ok()) {
      SendStatus(res, json.status());
      return;
    }
    SendJson(res, 200, *json);
  }

  void Static(const httplib::Request& req, httplib::Response& res) const {
    absl::StatusOr<StaticFile> file = files_.Read(req.path);
    if (!file.ok()) {
      SendStatus(res, file.status());
      return;
    }
    res.status = 200;
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control",
                   file->immutable ? "public, max-age=31536000, immutable" : "no-cache");
    if (absl::StartsWith(file->content_type, "text/html")) {
      // Everything the dashboard needs is bundled: refusing other origins
      // keeps it working the same offline and stops injected content from
      // calling out.
      res.set_header("Content-Security-Policy",
                     "default-src 'self'; img-src 'self' data: blob:; "
                     "style-src 'self' 'unsafe-inline'; object-src 'none'; "
                     "base-uri 'self'; frame-ancestors 'none'");
    }
    res.set_content(file->content, file->content_type);
  }

  std::optional<Caller> NotAllowed(const httplib::Request& req, httplib::Response& res) const {
    if (absl::StartsWith(req.path, "/v1/")) return Api(req, res);
    res.set_header("Allow", "GET");
    SendStatus(res, 405,
               WithErrorInfo(absl::InvalidArgumentError(absl::StrCat(
                                 req.method, " ", req.path,
                                 ": the dashboard's files are read with GET")),
                             "METHOD_NOT_ALLOWED", {{"path", req.path}}));
    return std::nullopt;
  }

  // The route of `req` as the metrics and the log name it: the method's
  // path, the index, a probe, "static" or "unknown".
  std::string RouteOf(const httplib::Request& req) const {
    if (req.path == "/v1/" || req.path == "/v1") return "/v1/";
    if (req.path == kFormDownloadPath || req.path == kFormReadPath) return req.path;
    if (absl::StartsWith(req.path, "/v1/")) {
      const Route* route = routes_->Find(req.path);
      return route != nullptr ? route->path : "unknown";
    }
    if (req.path == "/healthz" || req.path == "/readyz") return req.path;
    return "static";
  }

 private:
  // Who sends `req`: nullopt when it carries no credential at all (the
  // services then refuse what needs an identity), UNAUTHENTICATED when it
  // carries one that is not accepted.
  absl::StatusOr<std::optional<Caller>> Authenticate(const httplib::Request& req) const {
    const Authenticator& authenticator = *options_.authenticator;
    const bool loopback = IsLoopbackAddress(req.remote_addr);

    // People signed in with a password: a bearer token, else a browser's
    // session cookie, whose state-changing requests carry its CSRF token.
    ASSIGN_OR_RETURN(TokenCredential token, PersonToken(req));
    if (!token.token.empty()) {
      bool changes_state = req.method != "GET" && req.method != "HEAD";
      RETURN_IF_ERROR(
          CheckCsrf(token, changes_state, req.get_header_value(std::string(kCsrfHeader))));
      ASSIGN_OR_RETURN(Caller person, authenticator.FromToken(token.token));
      return person;
    }

    // Machines and people with a client certificate (mutual TLS).
    if (std::string pem = PeerCertificatePem(req); !pem.empty()) {
      ASSIGN_OR_RETURN(Caller holder, authenticator.FromCertificate(pem));
      return holder;
    }

    // The development header, behind --insecure-dev-identity.
    if (req.has_header(std::string(kAgencyHeader))) {
      ASSIGN_OR_RETURN(Caller agency,
                       authenticator.FromDevHeader(
                           req.get_header_value(std::string(kAgencyHeader)), loopback,
                           NamesProxy(req)));
      return agency;
    }
    return std::nullopt;
  }

  // The token of a person's request (a bearer header or the session
  // cookie; empty when none), which travels only over HTTPS or from
  // loopback.
  absl::StatusOr<TokenCredential> PersonToken(const httplib::Request& req) const {
    ASSIGN_OR_RETURN(TokenCredential token, TokenOf(req.get_header_value("Authorization"),
                                                    req.get_header_value("Cookie")));
    if (!token.token.empty() && req.ssl == nullptr && !IsLoopbackAddress(req.remote_addr)) {
      return Unauthenticated(token.from_cookie ? "sessions are accepted only over HTTPS"
                                               : "bearer tokens are accepted only over HTTPS");
    }
    return token;
  }

  // POST /v1/auth/login and /v1/auth/logout (sessions.h).
  void SignInOrOut(const httplib::Request& req, httplib::Response& res) const {
    if (req.method != "POST") {
      res.set_header("Allow", "POST");
      SendStatus(res, 405,
                 WithErrorInfo(absl::InvalidArgumentError(
                                   absl::StrCat(req.path, " takes POST with a JSON body")),
                               "METHOD_NOT_ALLOWED", {{"path", req.path}}));
      return;
    }
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
    context.AddMetadata(std::string(kClientAddressHeader), req.remote_addr);
    context.AddMetadata(std::string(kBrowserSessionHeader), "1");
    auto stub = v1::Auth::NewStub(options_.backend);
    if (req.path == kLogoutPath) {
      absl::StatusOr<TokenCredential> token = PersonToken(req);
      if (token.ok() && token->token.empty()) {
        token = Unauthenticated("there is no session to sign out of");
      }
      absl::Status allowed =
          token.ok() ? CheckCsrf(*token, /*changes_state=*/true,
                                 req.get_header_value(std::string(kCsrfHeader)))
                     : token.status();
      if (!allowed.ok()) {
        SendStatus(res, allowed);
        return;
      }
      context.AddMetadata("authorization", absl::StrCat("Bearer ", token->token));
      google::protobuf::Empty empty;
      grpc::Status status = stub->Logout(&context, v1::LogoutRequest(), &empty);
      // Whether or not the session was still open, the browser forgets it.
      res.set_header("Set-Cookie", ClearedSessionCookie());
      if (!status.ok() && status.error_code() != grpc::StatusCode::UNAUTHENTICATED) {
        SendStatus(res, status);
        return;
      }
      SendJson(res, 200, "{}");
      return;
    }
    if (req.ssl == nullptr && !IsLoopbackAddress(req.remote_addr)) {
      SendStatus(res, WithErrorInfo(absl::FailedPreconditionError(
                                        "passwords are accepted only over HTTPS"),
                                    "TLS_REQUIRED"));
      return;
    }
    // A sign-in takes JSON only: a form on another site cannot send it
    // without a CORS preflight, which this gateway never answers.
    std::string content_type = absl::AsciiStrToLower(req.get_header_value("Content-Type"));
    if (!absl::StartsWith(content_type, "application/json")) {
      SendStatus(res, 415,
                 InvalidField("Content-Type", "a sign-in is sent as application/json",
                              "UNSUPPORTED_MEDIA_TYPE"));
      return;
    }
    v1::LoginRequest login;
    absl::Status parsed = ParseJsonBody(req.body, &login);
    if (!parsed.ok()) {
      SendStatus(res, parsed);
      return;
    }
    v1::LoginResponse signed_in;
    grpc::Status status = stub->Login(&context, login, &signed_in);
    if (!status.ok()) {
      SendStatus(res, status);
      return;
    }
    const Clock* clock = options_.clock != nullptr ? options_.clock : RealClock::Get();
    absl::Duration lifetime =
        absl::FromUnixSeconds(signed_in.expire_time().seconds()) - clock->Now();
    absl::StatusOr<std::string> user = PrintJson(signed_in.user());
    absl::StatusOr<std::string> expire = PrintJson(signed_in.expire_time());
    if (!user.ok() || !expire.ok()) {
      SendStatus(res, !user.ok() ? user.status() : expire.status());
      return;
    }
    res.set_header("Set-Cookie",
                   SessionCookie(signed_in.token(), std::max(lifetime, absl::ZeroDuration())));
    // The answer carries the CSRF token, never the session token.
    SendJson(res, 200,
             absl::StrCat("{\"user\":", *user, ",\"expireTime\":", *expire,
                          ",\"csrfToken\":\"", CsrfTokenFor(signed_in.token()), "\"}"));
  }

  // The report form as a workbook (report_forms.h).
  std::optional<Caller> Form(const httplib::Request& req, httplib::Response& res) const {
    if (req.method != "POST") {
      res.set_header("Allow", "POST");
      SendStatus(res, 405,
                 WithErrorInfo(absl::InvalidArgumentError(
                                   absl::StrCat(req.path, " takes POST")),
                               "METHOD_NOT_ALLOWED", {{"path", req.path}}));
      return std::nullopt;
    }
    absl::StatusOr<std::optional<Caller>> caller = Authenticate(req);
    if (caller.ok() && !caller->has_value()) {
      caller = Unauthenticated("the report form needs an identity");
    }
    if (!caller.ok()) {
      SendStatus(res, caller.status());
      return std::nullopt;
    }
    std::string content_type = absl::AsciiStrToLower(req.get_header_value("Content-Type"));
    if (req.path == kFormReadPath) {
      if (!content_type.empty() && !absl::StartsWith(content_type, kXlsxContentType) &&
          !absl::StartsWith(content_type, "application/octet-stream")) {
        SendStatus(res, 415,
                   InvalidField("Content-Type",
                                absl::StrCat(QuoteInput(content_type), " is not ",
                                             kXlsxContentType),
                                "UNSUPPORTED_MEDIA_TYPE"));
        return *caller;
      }
      std::string filename = req.get_param_value("filename");
      absl::StatusOr<std::string> read = ReadReportFormUpload(
          req.body, filename.empty() ? "bieu-mau.xlsx" : filename, req.get_param_value("name"));
      if (!read.ok()) {
        SendStatus(res, read.status());
      } else {
        SendJson(res, 200, *read);
      }
      return *caller;
    }
    if (!content_type.empty() && !absl::StartsWith(content_type, "application/json")) {
      SendStatus(res, 415,
                 InvalidField("Content-Type",
                              absl::StrCat(QuoteInput(content_type), " is not application/json"),
                              "UNSUPPORTED_MEDIA_TYPE"));
      return *caller;
    }
    client::Connection connection(options_.backend, "", options_.call_timeout);
    const Caller& as = **caller;
    connection.set_identify([this, as, address = req.remote_addr](grpc::ClientContext& context) {
      options_.authenticator->AttachInternal(as, context);
      context.AddMetadata(std::string(kClientAddressHeader), address);
    });
    absl::StatusOr<FormWorkbook> workbook = DownloadReportForm(connection, req.body);
    if (!workbook.ok()) {
      SendStatus(res, workbook.status());
      return *caller;
    }
    res.status = 200;
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Disposition", ContentDisposition(workbook->filename));
    res.set_content(workbook->bytes, std::string(kXlsxContentType));
    return *caller;
  }

  grpc::Status Call(const Route& route, const Message& request,
                    const std::optional<Caller>& caller, const std::string& client_address,
                    Message* response) const {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
    if (caller.has_value()) options_.authenticator->AttachInternal(*caller, context);
    // For the Auth service's per-address slowing of failed password resets.
    context.AddMetadata(std::string(kClientAddressHeader), client_address);
    grpc::ByteBuffer request_buffer;
    bool own_buffer = false;
    grpc::Status serialized = grpc::SerializationTraits<Message>::Serialize(
        request, &request_buffer, &own_buffer);
    if (!serialized.ok()) return serialized;
    grpc::ByteBuffer response_buffer;
    grpc::Status result;
    absl::Notification done;
    stub_.UnaryCall(&context, route.grpc_method, grpc::StubOptions(), &request_buffer,
                    &response_buffer, [&result, &done](grpc::Status status) {
                      result = std::move(status);
                      done.Notify();
                    });
    done.WaitForNotification();
    if (!result.ok()) return result;
    return grpc::SerializationTraits<Message>::Deserialize(&response_buffer, response);
  }

  void SendMedia(const Message& response, httplib::Response& res) const {
    if (!HasBytesField(response, "content")) {
      SendStatus(res, InvalidField(kAltParameter,
                                   absl::StrCat("alt=media needs a response with a bytes "
                                                "field \"content\"; ",
                                                response.GetDescriptor()->full_name(),
                                                " has none"),
                                   "INVALID_QUERY_PARAMETER"));
      return;
    }
    std::string content_type = StringField(response, "content_type");
    if (content_type.empty()) content_type = "application/octet-stream";
    std::string filename = StringField(response, "filename");
    res.status = 200;
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    if (!filename.empty()) res.set_header("Content-Disposition", ContentDisposition(filename));
    res.set_content(StringField(response, "content"), content_type);
  }

  const HttpGatewayOptions& options_;
  const RouteTable* routes_;
  mutable grpc::GenericStub stub_;
  StaticFiles files_;
};

absl::StatusOr<std::unique_ptr<HttpGateway>> HttpGateway::Start(HttpGatewayOptions options) {
  if (options.backend == nullptr) {
    return absl::InvalidArgumentError("the HTTP gateway needs a backend channel");
  }
  if (options.authenticator == nullptr) {
    return absl::InvalidArgumentError("the HTTP gateway needs the server's authenticator");
  }
  LinkServiceDescriptors();
  std::unique_ptr<HttpGateway> gateway(new HttpGateway());
  gateway->options_ = std::move(options);
  absl::StatusOr<RouteTable> routes = RouteTable::Build(
      google::protobuf::DescriptorPool::generated_pool(), gateway->options_.methods);
  if (!routes.ok()) return routes.status();
  gateway->routes_ = *std::move(routes);
  gateway->handler_ = std::make_unique<Handler>(gateway->options_, &gateway->routes_);
  std::unique_ptr<httplib::Server> http;
  if (gateway->options_.tls.enabled()) {
    const TlsOptions& tls = gateway->options_.tls;
    auto https = std::make_unique<httplib::SSLServer>(
        [&tls](SSL_CTX& ctx) { return ConfigureTls(ctx, tls); });
    if (!https->is_valid()) {
      return absl::InvalidArgumentError(
          "the HTTPS gateway cannot use the TLS certificate, key or client CA given");
    }
    http = std::move(https);
  } else {
    http = std::make_unique<httplib::Server>();
  }

  httplib::Server& server = *http;
  const Handler* handler = gateway->handler_.get();
  server.set_payload_max_length(gateway->options_.max_body_bytes);
  const HttpGatewayOptions* opts = &gateway->options_;
  // Every handler is observed: its route, status, time and caller.
  using Serve = std::function<std::optional<Caller>(const httplib::Request&, httplib::Response&)>;
  auto observed = [handler, opts](Serve serve) {
    return [handler, opts, serve](const httplib::Request& req, httplib::Response& res) {
      absl::Time start = absl::Now();
      std::optional<Caller> caller = serve(req, res);
      if (opts->observer) {
        opts->observer({absl::StrCat(req.method, " ", handler->RouteOf(req)), res.status,
                        absl::Now() - start, std::move(caller),
                        absl::StrCat(req.remote_addr, ":", req.remote_port)});
      }
    };
  };
  auto api = [handler](const httplib::Request& req, httplib::Response& res) {
    return handler->Api(req, res);
  };
  server.Get("/healthz", observed([](const httplib::Request&, httplib::Response& res) {
               ProbeAnswer answer = LivenessAnswer();
               SendJson(res, answer.http_status, answer.body);
               return std::optional<Caller>();
             }));
  server.Get("/readyz", observed([opts](const httplib::Request&, httplib::Response& res) {
               ProbeAnswer answer = ReadinessAnswer(opts->readiness);
               SendJson(res, answer.http_status, answer.body);
               return std::optional<Caller>();
             }));
  server.Get(R"(/v1/?)", observed([handler](const httplib::Request& req, httplib::Response& res) {
               handler->Index(req, res);
               return std::optional<Caller>();
             }));
  server.Get(R"(/v1/.*)", observed(api));
  server.Post(R"(/v1/.*)", observed(api));
  server.Get(R"(.*)", observed([handler](const httplib::Request& req, httplib::Response& res) {
               handler->Static(req, res);
               return std::optional<Caller>();
             }));
  auto not_allowed = observed([handler](const httplib::Request& req, httplib::Response& res) {
    return handler->NotAllowed(req, res);
  });
  server.Post(R"(.*)", not_allowed);
  server.Put(R"(.*)", not_allowed);
  server.Patch(R"(.*)", not_allowed);
  server.Delete(R"(.*)", not_allowed);

  absl::StatusOr<std::unique_ptr<HttpListener>> listener =
      HttpListener::Start(std::move(http), gateway->options_.listen, "--http");
  if (!listener.ok()) return listener.status();
  gateway->listener_ = *std::move(listener);
  return gateway;
}

HttpGateway::~HttpGateway() { Stop(); }

void HttpGateway::Stop() {
  if (listener_ != nullptr) listener_->Stop();
}

}  // namespace tonghop::gateway
