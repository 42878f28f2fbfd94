#ifndef TONGHOP_SERVICES_REGISTRY_AUTH_SERVICE_H_
#define TONGHOP_SERVICES_REGISTRY_AUTH_SERVICE_H_

// The gRPC adapter of the Auth service (signing people in and out): reads
// where a call comes from and its bearer token, and hands it to People.
//
// Passwords and reset codes travel only over TLS or from this host: a Login
// or ResetPassword over plaintext from another host is refused
// (FAILED_PRECONDITION) before the password is looked at. Calls run through
// the registry's CallDispatcher (password hashing must not hold gRPC's
// threads).

#include "services/common/call_dispatcher.h"
#include "services/registry/people.h"
#include "tonghop/v1/auth_service.grpc.pb.h"

namespace tonghop::registry {

// Thread-safe (People is). Does not own `people` or `dispatcher`.
class AuthService final : public v1::Auth::CallbackService {
 public:
  AuthService(People* people, CallDispatcher* dispatcher)
      : people_(people), dispatcher_(dispatcher) {}

  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* context,
                                  const v1::LoginRequest* request,
                                  v1::LoginResponse* response) override;
  grpc::ServerUnaryReactor* Logout(grpc::CallbackServerContext* context,
                                   const v1::LogoutRequest* request,
                                   google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* context,
                                   const v1::WhoAmIRequest* request,
                                   v1::WhoAmIResponse* response) override;
  grpc::ServerUnaryReactor* ResetPassword(grpc::CallbackServerContext* context,
                                          const v1::ResetPasswordRequest* request,
                                          google::protobuf::Empty* response) override;

 private:
  People* people_;
  CallDispatcher* dispatcher_;
};

}  // namespace tonghop::registry

#endif  // TONGHOP_SERVICES_REGISTRY_AUTH_SERVICE_H_
