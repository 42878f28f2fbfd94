#include "services/registry/auth_service.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/call_origin.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"
#include "services/common/sign_in.h"

namespace tonghop::registry {
namespace {

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
  origin.peer = CallerAddress(context);
  origin.browser = IsInProcessPeer(context.peer()) &&
                   MetadataValue(context, kBrowserSessionHeader) == "1";
  return origin;
}

// OK when a secret may travel on this call: over TLS, in-process, or from
// this host.
absl::Status SecretMayTravel(const grpc::ServerContextBase& context) {
  std::string peer = context.peer();
  if (IsTls(context) || IsInProcessPeer(peer) || DevHeaderIdentity::IsLocalPeer(peer)) {
    return absl::OkStatus();
  }
  return WithErrorInfo(
      absl::FailedPreconditionError("passwords are accepted only over TLS; connect with "
                                    "--tls-ca to a server started with --tls-cert"),
      "TLS_REQUIRED");
}

}  // namespace

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
  std::string authorization = MetadataValue(*context, "authorization");
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
