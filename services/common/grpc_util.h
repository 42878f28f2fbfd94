#ifndef TONGHOP_SERVICES_COMMON_GRPC_UTIL_H_
#define TONGHOP_SERVICES_COMMON_GRPC_UTIL_H_

// Starting and finishing callback-API calls, so that gRPC adapters stay one
// line per method: every handler first refuses a request no service should
// see (RefuseBadRequest), and finishes with the status mapped by the one
// ToGrpcStatus().

#include <utility>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "google/protobuf/message.h"
#include "services/common/errors.h"
#include "services/common/request_check.h"

namespace tonghop {

// Copies the value into `response` when OK and finishes the call with the
// status mapped by ToGrpcStatus().
template <typename T>
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      absl::StatusOr<T> result, T* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (result.ok()) *response = *std::move(result);
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

inline grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                             const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// The first thing a unary handler does: when CheckRequest() refuses
// `request` (an enum number the API does not define), finishes the call with
// that error and returns its reactor; otherwise returns nullptr.
//   if (auto* refused = RefuseBadRequest(context, *request)) return refused;
inline grpc::ServerUnaryReactor* RefuseBadRequest(grpc::CallbackServerContext* context,
                                                  const google::protobuf::Message& request) {
  absl::Status checked = CheckRequest(request);
  return checked.ok() ? nullptr : FinishUnary(context, checked);
}

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_GRPC_UTIL_H_
