#include "services/registry/auth_service.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"
#include "services/common/sign_in.h"

namespace tonghop::registry {
namespace {

std::string Metadata(const grpc::ServerContextBase& context, absl::string_view key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// gRPC 1.51's in-process transport reports its peer as "unknown".
bool IsInProcess(absl::string_view peer) {
  return peer.empty() || peer == "unknown" || absl::StartsWith(peer, "inproc");
}

bool IsTls(const grpc::ServerContextBase& context) {
  auto auth = context.auth_context();
  if (auth == nullptr) return false;
  std::vector<grpc::string_ref> type = auth->FindPropertyValues("transport_security_type");
  return !type.empty() && absl::string_view(type.front().data(), type.front().size()) == "ssl";
}

// Where a sign-in comes from. The gateway's account of its HTTP client is
// believed only in-process.
SignInOrigin OriginOf(const grpc::ServerContextBase& context) {
  SignInOrigin origin;
  std::string peer = context.peer();
  if (IsInProcess(peer)) {
    origin.peer = Metadata(context, kClientAddressHeader);
    origin.browser = Metadata(context, kBrowserSessionHeader) == "1";
  } else {
    origin.peer = ClientAddress(peer);
  }
  return origin;
}

// OK when a secret may travel on this call: over TLS, in-process, or from
// this host.
absl::Status SecretMayTravel(const grpc::ServerContextBase& context) {
  std::string peer = context.peer();
  if (IsTls(context) || IsInProcess(peer) || DevHeaderIdentity::IsLocalPeer(peer)) {
    return absl::OkStatus();
  }
  return WithErrorInfo(
      absl::FailedPreconditionError("passwords are accepted only over TLS; connect with "
                                    "--tls-ca to a server started with --tls-cert"),
      "TLS_REQUIRED");
}

}  // namespace

std::string ClientAddress(absl::string_view peer) {
  if (IsInProcess(peer)) return "";
  if (absl::StartsWith(peer, "unix:")) return "unix";
  absl::string_view rest = peer;
  if (absl::StartsWith(rest, "ipv4:")) rest.remove_prefix(5);
  if (absl::StartsWith(rest, "ipv6:")) rest.remove_prefix(5);
  if (absl::StartsWith(rest, "[")) {
    size_t close = rest.find(']');
    return std::string(rest.substr(1, close == absl::string_view::npos ? rest.npos : close - 1));
  }
  size_t colon = rest.rfind(':');
  return std::string(colon == absl::string_view::npos ? rest : rest.substr(0, colon));
}

// What travels with the call (the origin, the bearer token) is read on
// gRPC's thread; the work runs on the registry's threads.
grpc::ServerUnaryReactor* AuthService::Login(grpc::CallbackServerContext* context,
                                             const v1::LoginRequest* request,
                                             v1::LoginResponse* response) {
  absl::Status secure = SecretMayTravel(*context);
  SignInOrigin origin = OriginOf(*context);
  return dispatcher_->ServeAnonymous(
      context, *request, response, {"Login"},
      [=]() -> absl::StatusOr<v1::LoginResponse> {
        RETURN_IF_ERROR(secure);
        return people_->Login(*request, origin);
      });
}

grpc::ServerUnaryReactor* AuthService::Logout(grpc::CallbackServerContext* context,
                                              const v1::LogoutRequest* request,
                                              google::protobuf::Empty* response) {
  std::string authorization = Metadata(*context, "authorization");
  SignInOrigin origin = OriginOf(*context);
  return dispatcher_->ServeAnonymous(
      context, *request, response, {"Logout"},
      [=]() -> absl::Status {
        if (!absl::StartsWithIgnoreCase(authorization, "bearer ")) {
          return WithErrorInfo(absl::FailedPreconditionError(
                                   "Logout ends the session whose bearer token the call "
                                   "carries; this call carries none"),
                               "NO_SESSION");
        }
        absl::string_view token =
            absl::StripAsciiWhitespace(absl::string_view(authorization).substr(7));
        return people_->Logout(token, origin);
      });
}

grpc::ServerUnaryReactor* AuthService::WhoAmI(grpc::CallbackServerContext* context,
                                              const v1::WhoAmIRequest* request,
                                              v1::WhoAmIResponse* response) {
  return dispatcher_->Serve(context, *request, response, {"WhoAmI"},
                            [=](const Caller& caller) { return people_->WhoAmI(caller); });
}

grpc::ServerUnaryReactor* AuthService::ResetPassword(grpc::CallbackServerContext* context,
                                                     const v1::ResetPasswordRequest* request,
                                                     google::protobuf::Empty* response) {
  absl::Status secure = SecretMayTravel(*context);
  SignInOrigin origin = OriginOf(*context);
  return dispatcher_->ServeAnonymous(context, *request, response, {"ResetPassword"},
                                     [=]() -> absl::Status {
                                       RETURN_IF_ERROR(secure);
                                       return people_->ResetPassword(*request, origin);
                                     });
}

}  // namespace tonghop::registry
