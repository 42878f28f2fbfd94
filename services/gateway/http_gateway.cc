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
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
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

// 413: a body over the gateway's limit (--http's max_body_bytes).
absl::Status BodyTooLarge(size_t max_bytes) {
  return WithErrorInfo(absl::ResourceExhaustedError(absl::StrCat(
                           "the request body is larger than the ", max_bytes,
                           " bytes this gateway accepts")),
                       "BODY_TOO_LARGE", {{"maxBytes", absl::StrCat(max_bytes)}});
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

// GET and HEAD only read; every other method may change data.
bool ChangesState(const httplib::Request& req) {
  return req.method != "GET" && req.method != "HEAD";
}

// Each comma-separated item of every `name` header, trimmed and lowercased
// (httplib keeps repeated headers apart; a coding may hide in the second).
std::vector<std::string> HeaderItems(const httplib::Request& req, const char* name) {
  std::vector<std::string> items;
  auto [begin, end] = req.headers.equal_range(name);
  for (auto it = begin; it != end; ++it) {
    for (absl::string_view item : absl::StrSplit(it->second, ',')) {
      item = absl::StripAsciiWhitespace(item);
      if (!item.empty()) items.push_back(absl::AsciiStrToLower(item));
    }
  }
  return items;
}

// True when the request says a body follows its headers.
bool DeclaresBody(const httplib::Request& req) {
  return req.has_header("Transfer-Encoding") ||
         (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0");
}

// "scheme://host[:port]" in lowercase, without the scheme's default port, so
// that an Origin header and the request's own Host compare equal when they
// name the same origin.
std::string NormalizedOrigin(absl::string_view origin) {
  std::string normal = absl::AsciiStrToLower(absl::StripSuffix(origin, "/"));
  if (absl::StartsWith(normal, "https://") && absl::EndsWith(normal, ":443")) {
    normal.resize(normal.size() - 4);
  } else if (absl::StartsWith(normal, "http://") && absl::EndsWith(normal, ":80")) {
    normal.resize(normal.size() - 3);
  }
  return normal;
}

// Why the gateway answers `req` from its headers alone, without reading its
// body; nullopt when it goes on. Runs before httplib reads (or inflates)
// anything after the headers.
struct Refusal {
  int http_status;
  absl::Status status;
};

// A request that changes data from a page of another origin, refused
// whatever credential it carries (nullopt: it may go on).
std::optional<Refusal> ScreenOrigin(const httplib::Request& req, bool tls) {
  // Cross-site requests that change data are refused whatever credential
  // they carry: a browser attaches a client certificate (and cookies) to a
  // request another site makes it send, and the CSRF token covers only
  // sessions. Same-site pages of another origin are refused too: the
  // dashboard is served by this gateway, so its own calls are same-origin.
  if (ChangesState(req)) {
    if (req.has_header("Origin")) {
      std::string origin = req.get_header_value("Origin");
      std::string own = absl::StrCat(tls ? "https://" : "http://", req.get_header_value("Host"));
      if (req.get_header_value_count("Origin") != 1 ||
          NormalizedOrigin(origin) != NormalizedOrigin(own)) {
        return Refusal{
            403, WithErrorInfo(absl::PermissionDeniedError(absl::StrCat(
                                   req.method, " from the origin ", QuoteInput(origin),
                                   " is refused: requests that change data are accepted only "
                                   "from this gateway's own pages (", QuoteInput(own), ")")),
                               "CROSS_ORIGIN_REQUEST")};
      }
    }
    std::string site = absl::AsciiStrToLower(req.get_header_value("Sec-Fetch-Site"));
    if (site == "cross-site" || site == "same-site") {
      return Refusal{
          403, WithErrorInfo(absl::PermissionDeniedError(absl::StrCat(
                                 req.method, " sent from a page of another origin (Sec-Fetch-Site: ",
                                 site,
                                 ") is refused: requests that change data are accepted only "
                                 "from this gateway's own pages")),
                             "CROSS_SITE_REQUEST")};
    }
  }
  return std::nullopt;
}

// A body the gateway must not read (nullopt: it may go on). Answered
// before httplib reads or inflates anything after the headers, and the
// connection then closed on the unread bytes.
std::optional<Refusal> ScreenBody(const httplib::Request& req, size_t max_body_bytes) {
  // Compressed bodies are refused before a byte of them is read: httplib
  // would inflate gzip, deflate and br into memory with no limit but the
  // compressed size, for a caller nobody has identified yet.
  for (const std::string& coding : HeaderItems(req, "Content-Encoding")) {
    if (coding != "identity") {
      return Refusal{415, InvalidField("Content-Encoding",
                                       absl::StrCat("request bodies are accepted only "
                                                    "uncompressed (identity); ",
                                                    QuoteInput(coding), " is refused"),
                                       "UNSUPPORTED_CONTENT_ENCODING")};
    }
  }

  // The body's framing: chunked alone (counted against the limit as it is
  // read), or one Content-Length within the limit; never both, nor codings
  // httplib would not decode (their bytes would be taken for the next
  // request on the connection).
  if (req.has_header("Transfer-Encoding")) {
    if (req.get_header_value_count("Transfer-Encoding") != 1 ||
        !absl::EqualsIgnoreCase(req.get_header_value("Transfer-Encoding"), "chunked")) {
      return Refusal{501, InvalidField("Transfer-Encoding",
                                       absl::StrCat(QuoteInput(req.get_header_value(
                                                        "Transfer-Encoding")),
                                                    " is not supported; send the body with "
                                                    "Content-Length or chunked"),
                                       "UNSUPPORTED_TRANSFER_ENCODING")};
    }
    if (req.has_header("Content-Length")) {
      return Refusal{400, InvalidField("Content-Length",
                                       "a request has Content-Length or Transfer-Encoding, "
                                       "not both",
                                       "AMBIGUOUS_BODY_LENGTH")};
    }
  }
  if (req.has_header("Content-Length")) {
    std::string length = req.get_header_value("Content-Length");
    uint64_t bytes = 0;
    bool digits = !length.empty() && std::all_of(length.begin(), length.end(),
                                                 [](char c) { return absl::ascii_isdigit(c); });
    if (req.get_header_value_count("Content-Length") != 1 || !digits) {
      return Refusal{400, InvalidField("Content-Length",
                                       absl::StrCat(QuoteInput(length),
                                                    " is not one number of bytes"),
                                       "INVALID_CONTENT_LENGTH")};
    }
    if (!absl::SimpleAtoi(length, &bytes) || bytes > max_body_bytes) {
      return Refusal{413, BodyTooLarge(max_body_bytes)};
    }
  }
  if (!ChangesState(req) && DeclaresBody(req)) {
    return Refusal{400, InvalidField("body",
                                     absl::StrCat(req.method, " takes no body; the request "
                                                              "goes in the query parameters"),
                                     "UNEXPECTED_BODY")};
  }
  return std::nullopt;
}

// OK when `req` sends its body as JSON. Every POST must say so: a page of
// another site can send text/plain, a form or no Content-Type at all without
// asking, but application/json only after a CORS preflight, which this
// gateway never answers.
// (The uploaded workbook of /v1/forms/xlsx:read is the one body that is not
// JSON: its types need a preflight too.)
absl::Status CheckBodyType(const httplib::Request& req) {
  std::string content_type = req.get_header_value("Content-Type");
  absl::string_view media =
      absl::StripAsciiWhitespace(absl::string_view(content_type).substr(0, content_type.find(';')));
  const bool workbook = req.path == kFormReadPath;
  if (req.get_header_value_count("Content-Type") == 1 &&
      (workbook ? absl::EqualsIgnoreCase(media, kXlsxContentType) ||
                      absl::EqualsIgnoreCase(media, "application/octet-stream")
                : absl::EqualsIgnoreCase(media, "application/json"))) {
    return absl::OkStatus();
  }
  std::string expected = workbook ? absl::StrCat(kXlsxContentType, " (or application/octet-stream)")
                                  : std::string("application/json");
  return InvalidField("Content-Type",
                      content_type.empty()
                          ? absl::StrCat("this POST sends its body as ", expected,
                                         "; this one names no Content-Type")
                          : absl::StrCat(QuoteInput(content_type), " is not ", expected),
                      "UNSUPPORTED_MEDIA_TYPE");
}

// The body of a POST whose headers passed ScreenBody(), read through `reader`
// and never beyond `max_bytes`, chunked or not. Without Content-Length or
// chunked a request has no body (RFC 9112, 6.3); httplib would read until
// the connection closed.
absl::StatusOr<std::string> ReadBody(const httplib::Request& req,
                                     const httplib::ContentReader& reader, size_t max_bytes) {
  if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
    return std::string();
  }
  std::string body;
  bool too_large = false;
  bool complete = reader([&body, &too_large, max_bytes](const char* data, size_t length) {
    if (length > max_bytes - body.size()) {
      too_large = true;
      return false;
    }
    body.append(data, length);
    return true;
  });
  if (too_large) return BodyTooLarge(max_bytes);
  if (!complete) {
    return InvalidField("body", "the request body ended early or its chunks are malformed",
                        "MALFORMED_BODY");
  }
  return body;
}

void CloseAfter(httplib::Response& res);

// After `res` was written for a request refused from its headers: reads and
// drops its body, within the same limit, so that the connection stays in
// step and a client still sending gets the answer; closes the connection
// after the answer when the body cannot be read to its end (or would be
// parsed as a multipart form).
void DrainOrClose(const httplib::Request& req, const httplib::ContentReader& reader,
                  size_t max_bytes, httplib::Response& res) {
  if (!DeclaresBody(req)) return;
  const int status = res.status;
  size_t read = 0;
  bool drained = !req.is_multipart_form_data() &&
                 reader([&read, max_bytes](const char* /*data*/, size_t length) {
                   if (length > max_bytes - read) return false;
                   read += length;
                   return true;
                 });
  res.status = status;  // httplib sets 400 or 413 when reading fails
  if (!drained) CloseAfter(res);
}

// Sends `res` and then closes the connection: for answers given before the
// request's body was read, or when reading stopped part way, whose unread
// bytes must never be taken as the next request. httplib 0.11.4 closes a
// kept-alive connection only when writing a response fails, so the answer
// is written by a content provider that writes all of it, then reports a
// failure. (A HEAD answer has no body and leaves the connection open.)
void CloseAfter(httplib::Response& res) {
  if (res.body.empty()) return;
  auto body = std::make_shared<std::string>(std::move(res.body));
  res.body.clear();
  std::string content_type = res.get_header_value("Content-Type");
  res.headers.erase("Content-Type");
  res.set_header("Connection", "close");
  res.set_content_provider(body->size(), content_type,
                           [body](size_t offset, size_t length, httplib::DataSink& sink) {
                             sink.write(body->data() + offset, length);
                             return false;
                           });
}

// The headers every answer carries, files and JSON alike. A response that
// sets its own Content-Security-Policy (the dashboard's pages) keeps it;
// any other cannot run or load anything if opened as a page.
void AddSecurityHeaders(bool tls, httplib::Response& res) {
  auto set_default = [&res](const char* name, const char* value) {
    if (!res.has_header(name)) res.set_header(name, value);
  };
  set_default("X-Content-Type-Options", "nosniff");
  set_default("Referrer-Policy", "no-referrer");
  set_default("X-Frame-Options", "DENY");
  set_default("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  // Only over TLS (a browser ignores it on plain HTTP), and for this host
  // alone: other hosts of the agency may not serve HTTPS.
  if (tls) set_default("Strict-Transport-Security", "max-age=31536000");
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

bool IsLoopbackHost(absl::string_view host) {
  absl::string_view name = host;
  absl::string_view port;
  if (absl::StartsWith(host, "[")) {
    size_t close = host.find(']');
    if (close == absl::string_view::npos) return false;
    name = host.substr(1, close - 1);
    absl::string_view rest = host.substr(close + 1);
    if (!rest.empty() && !absl::ConsumePrefix(&rest, ":")) return false;
    port = rest;
    if (name != "::1") return false;
  } else {
    size_t colon = host.rfind(':');
    if (colon != absl::string_view::npos) {
      name = host.substr(0, colon);
      port = host.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (name != "127.0.0.1" && !absl::EqualsIgnoreCase(name, "localhost")) return false;
  }
  return std::all_of(port.begin(), port.end(), [](char c) { return absl::ascii_isdigit(c); }) &&
         port.size() <= 5;
}

// Serves the requests. Immutable after construction; thread-safe.
class HttpGateway::Handler {
 public:
  Handler(const HttpGatewayOptions& options, const RouteTable* routes)
      : options_(options), routes_(routes), stub_(options.backend), files_(options.static_dir) {}

  // POST /v1/…: the body is read only once the origin and the headers say
  // JSON (ScreenBody() has checked the framing), and never beyond
  // max_body_bytes.
  std::optional<Caller> Post(const httplib::Request& req, const httplib::ContentReader& reader,
                             httplib::Response& res) const {
    std::optional<Refusal> refusal = ScreenOrigin(req, options_.tls.enabled());
    if (!refusal.has_value()) {
      if (absl::Status type = CheckBodyType(req); !type.ok()) refusal = Refusal{415, type};
    }
    if (refusal.has_value()) {
      SendStatus(res, refusal->http_status, refusal->status);
      DrainOrClose(req, reader, options_.max_body_bytes, res);
      return std::nullopt;
    }
    absl::StatusOr<std::string> body = ReadBody(req, reader, options_.max_body_bytes);
    if (!body.ok()) {
      SendStatus(res, absl::IsResourceExhausted(body.status()) ? 413 : 400, body.status());
      CloseAfter(res);
      return std::nullopt;
    }
    return Api(req, *body, res);
  }

  // Returns the caller the request proved, if it got that far. `body` is
  // the POST's JSON body (empty for the other methods, which take none).
  std::optional<Caller> Api(const httplib::Request& req, const std::string& body,
                            httplib::Response& res) const {
    if (req.path == kLoginPath || req.path == kLogoutPath) {
      SignInOrOut(req, body, res);
      return std::nullopt;
    }
    if (req.path == kFormDownloadPath || req.path == kFormReadPath) return Form(req, body, res);
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
      parsed = ParseJsonBody(body, request.get());
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

  // PUT, PATCH, DELETE and POST outside /v1/: refused, their body read only
  // to be dropped.
  std::optional<Caller> NotAllowed(const httplib::Request& req,
                                   const httplib::ContentReader& reader,
                                   httplib::Response& res) const {
    std::optional<Caller> caller;
    if (std::optional<Refusal> refusal = ScreenOrigin(req, options_.tls.enabled())) {
      SendStatus(res, refusal->http_status, refusal->status);
    } else {
      caller = NotAllowed(req, res);
    }
    DrainOrClose(req, reader, options_.max_body_bytes, res);
    return caller;
  }

  // Any method but GET on a file, and any but GET and POST under /v1/.
  std::optional<Caller> NotAllowed(const httplib::Request& req, httplib::Response& res) const {
    if (absl::StartsWith(req.path, "/v1/")) return Api(req, "", res);
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

    // The development header, behind --insecure-dev-identity. A page of
    // another site whose name resolves to 127.0.0.1 (DNS rebinding) sends
    // its own name as Host: the header counts only when Host names loopback.
    if (req.has_header(std::string(kAgencyHeader))) {
      ASSIGN_OR_RETURN(Caller agency,
                       authenticator.FromDevHeader(
                           req.get_header_value(std::string(kAgencyHeader)), loopback,
                           NamesProxy(req)));
      if (req.get_header_value_count("Host") != 1 ||
          !IsLoopbackHost(req.get_header_value("Host"))) {
        return Unauthenticated(absl::StrCat(
            "the development header ", kAgencyHeader,
            " is accepted only when the request names a loopback host (Host: 127.0.0.1, "
            "[::1] or localhost, with the port); this one names ",
            QuoteInput(req.get_header_value("Host"))));
      }
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
  void SignInOrOut(const httplib::Request& req, const std::string& body,
                   httplib::Response& res) const {
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
    // A sign-in is JSON, like every POST (Post() has checked).
    v1::LoginRequest login;
    absl::Status parsed = ParseJsonBody(body, &login);
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
  std::optional<Caller> Form(const httplib::Request& req, const std::string& body,
                             httplib::Response& res) const {
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
    // Post() has checked the body's type.
    if (req.path == kFormReadPath) {
      std::string filename = req.get_param_value("filename");
      absl::StatusOr<std::string> read = ReadReportFormUpload(
          body, filename.empty() ? "bieu-mau.xlsx" : filename, req.get_param_value("name"));
      if (!read.ok()) {
        SendStatus(res, read.status());
      } else {
        SendJson(res, 200, *read);
      }
      return *caller;
    }
    client::Connection connection(options_.backend, "", options_.call_timeout);
    const Caller& as = **caller;
    connection.set_identify([this, as, address = req.remote_addr](grpc::ClientContext& context) {
      options_.authenticator->AttachInternal(as, context);
      context.AddMetadata(std::string(kClientAddressHeader), address);
    });
    absl::StatusOr<FormWorkbook> workbook = DownloadReportForm(connection, body);
    if (!workbook.ok()) {
      SendStatus(res, workbook.status());
      return *caller;
    }
    res.status = 200;
    res.set_header("Cache-Control", "no-store");
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
  // Every answer is observed: its route, status, time and caller.
  auto observe = [handler, opts](const httplib::Request& req, const httplib::Response& res,
                                 absl::Time start, std::optional<Caller> caller) {
    if (opts->observer) {
      opts->observer({absl::StrCat(req.method, " ", handler->RouteOf(req)), res.status,
                      absl::Now() - start, std::move(caller),
                      absl::StrCat(req.remote_addr, ":", req.remote_port)});
    }
  };
  using Serve = std::function<std::optional<Caller>(const httplib::Request&, httplib::Response&)>;
  auto observed = [observe](Serve serve) {
    return [observe, serve](const httplib::Request& req, httplib::Response& res) {
      absl::Time start = absl::Now();
      std::optional<Caller> caller = serve(req, res);
      observe(req, res, start, std::move(caller));
    };
  };
  // Methods that may carry a body get a content reader, so that httplib
  // never reads one by itself: a body is read only by Handler::Post, within
  // the limit, and any other is left unread and its connection closed.
  using ServeBody = std::function<std::optional<Caller>(
      const httplib::Request&, const httplib::ContentReader&, httplib::Response&)>;
  auto observed_body = [observe](ServeBody serve) {
    return [observe, serve](const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader) {
      absl::Time start = absl::Now();
      std::optional<Caller> caller = serve(req, reader, res);
      observe(req, res, start, std::move(caller));
    };
  };
  const bool tls = gateway->options_.tls.enabled();
  // Before httplib reads anything after the headers (httplib 0.11.4's
  // Server::routing runs this first, then reads or inflates the body).
  server.set_pre_routing_handler([observe, opts, tls](const httplib::Request& req,
                                                      httplib::Response& res) {
    absl::Time start = absl::Now();
    std::optional<Refusal> refusal = ScreenBody(req, opts->max_body_bytes);
    // The methods with a content reader check the origin there, where a
    // refused body can be drained; the others (OPTIONS, unknown methods)
    // here, since httplib never reads their body.
    static const char* const kWithReader[] = {"POST", "PUT", "PATCH", "DELETE"};
    if (!refusal.has_value() && std::find(std::begin(kWithReader), std::end(kWithReader),
                                          req.method) == std::end(kWithReader)) {
      refusal = ScreenOrigin(req, tls);
    }
    if (!refusal.has_value()) return httplib::Server::HandlerResponse::Unhandled;
    SendStatus(res, refusal->http_status, refusal->status);
    if (DeclaresBody(req)) CloseAfter(res);
    observe(req, res, start, std::nullopt);
    return httplib::Server::HandlerResponse::Handled;
  });
  // On every response, httplib's own errors (400, 404, 414) included.
  server.set_post_routing_handler(
      [tls](const httplib::Request&, httplib::Response& res) { AddSecurityHeaders(tls, res); });
  auto api = [handler](const httplib::Request& req, httplib::Response& res) {
    return handler->Api(req, "", res);
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
  server.Post(R"(/v1/.*)",
              observed_body([handler](const httplib::Request& req,
                                      const httplib::ContentReader& reader,
                                      httplib::Response& res) {
                return handler->Post(req, reader, res);
              }));
  server.Get(R"(.*)", observed([handler](const httplib::Request& req, httplib::Response& res) {
               handler->Static(req, res);
               return std::optional<Caller>();
             }));
  auto not_allowed = observed_body([handler](const httplib::Request& req,
                                             const httplib::ContentReader& reader,
                                             httplib::Response& res) {
    return handler->NotAllowed(req, reader, res);
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
