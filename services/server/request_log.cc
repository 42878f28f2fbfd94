#include "services/server/request_log.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "grpcpp/server_context.h"
#include "services/common/call_origin.h"

namespace tonghop {
namespace {

// The name gRPC gives a status code: "OK", "NOT_FOUND", ….
std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

// `text` cut to at most `max_bytes` at a character boundary, with "…"
// when cut.
std::string Bounded(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  // Step back over UTF-8 continuation bytes to the start of a character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(text.substr(0, end), "…");
}

// A JSON string literal of `text`.
void AppendJsonString(std::string& out, absl::string_view text) {
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void AppendField(std::string& out, absl::string_view name, absl::string_view value) {
  absl::StrAppend(&out, ",\"", name, "\":");
  AppendJsonString(out, value);
}

}  // namespace

// Observes one gRPC call, from its creation to its status.
class RequestLog::Call final : public grpc::experimental::Interceptor {
 public:
  Call(RequestLog* log, grpc::experimental::ServerRpcInfo* info)
      : log_(log),
        context_(info->server_context()),
        method_(info->method() != nullptr ? info->method() : ""),
        peer_(context_ != nullptr ? context_->peer() : ""),
        start_(absl::Now()) {
    log_->Open(context_);
  }

  ~Call() override {
    if (!recorded_) Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the call ended early"));
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      Finish(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  void Finish(const grpc::Status& status) {
    recorded_ = true;
    RequestRecord record;
    record.transport = IsInProcessPeer(peer_) ? "in-process" : "grpc";
    record.method = method_;
    record.code = CodeName(status.error_code());
    record.latency = absl::Now() - start_;
    record.caller = log_->Close(context_);
    record.peer = peer_;
    if (!status.ok()) record.error = status.error_message();
    log_->Record(record);
  }

  RequestLog* log_;
  const grpc::ServerContextBase* context_;
  std::string method_;
  std::string peer_;
  absl::Time start_;
  bool recorded_ = false;
};

class RequestLog::Factory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(RequestLog* log) : log_(log) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new Call(log_, info);
  }

 private:
  RequestLog* log_;
};

class RequestLog::Resolver final : public IdentityResolver {
 public:
  Resolver(RequestLog* log, const IdentityResolver* inner) : log_(log), inner_(inner) {}
  absl::StatusOr<Caller> Resolve(const grpc::ServerContextBase& context) const override {
    absl::StatusOr<Caller> caller = inner_->Resolve(context);
    log_->NoteCaller(&context, caller);
    return caller;
  }

 private:
  RequestLog* log_;
  const IdentityResolver* inner_;
};

RequestLog::RequestLog(MetricsRegistry* metrics, RequestLogSink sink)
    : requests_(metrics->Counter("tonghop_requests_total",
                                 "Requests answered, by transport (grpc, in-process, http), "
                                 "method (gRPC method or HTTP route) and code (gRPC code or "
                                 "HTTP status).",
                                 {"transport", "method", "code"})),
      latency_(metrics->Histogram("tonghop_request_duration_seconds",
                                  "Time from a request's arrival to its answer.",
                                  {"transport", "method"}, MetricsRegistry::LatencyBuckets())),
      sink_(std::move(sink)) {}

void RequestLog::Record(const RequestRecord& record) {
  requests_.Increment({record.transport, record.method, record.code});
  latency_.Observe({record.transport, record.method}, absl::ToDoubleSeconds(record.latency));
  if (sink_ && record.transport != "in-process") sink_(Line(record, absl::Now()));
}

std::string RequestLog::Line(const RequestRecord& record, absl::Time at) {
  std::string line = "{\"time\":";
  AppendJsonString(line,
                   absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", at, absl::UTCTimeZone()));
  AppendField(line, "transport", record.transport);
  AppendField(line, "method", record.method);
  AppendField(line, "code", record.code);
  absl::StrAppendFormat(&line, ",\"latency_ms\":%.3f",
                        absl::ToDoubleMilliseconds(record.latency));
  if (record.caller.has_value() && !record.caller->agency.empty()) {
    AppendField(line, "caller", record.caller->Actor());
    AppendField(line, "agency", record.caller->agency);
    AppendField(line, "credential", record.caller->credential);
    AppendField(line, "kind", record.caller->is_person() ? "person" : "machine");
  }
  if (!record.peer.empty()) AppendField(line, "peer", record.peer);
  if (!record.error.empty()) AppendField(line, "error", Bounded(record.error, kMaxErrorBytes));
  line += "}\n";
  return line;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
RequestLog::InterceptorFactory() {
  return std::make_unique<Factory>(this);
}

std::unique_ptr<IdentityResolver> RequestLog::RecordingResolver(const IdentityResolver* inner) {
  return std::make_unique<Resolver>(this, inner);
}

void RequestLog::Open(const grpc::ServerContextBase* context) {
  if (context == nullptr) return;
  absl::MutexLock lock(&mu_);
  calls_[context].reset();
}

void RequestLog::NoteCaller(const grpc::ServerContextBase* context,
                            const absl::StatusOr<Caller>& caller) {
  if (!caller.ok()) return;
  absl::MutexLock lock(&mu_);
  auto it = calls_.find(context);
  if (it != calls_.end()) it->second = *caller;
}

std::optional<Caller> RequestLog::Close(const grpc::ServerContextBase* context) {
  absl::MutexLock lock(&mu_);
  auto it = calls_.find(context);
  if (it == calls_.end()) return std::nullopt;
  std::optional<Caller> caller = std::move(it->second);
  calls_.erase(it);
  return caller;
}

}  // namespace tonghop
