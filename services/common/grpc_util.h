#ifndef TONGHOP_SERVICES_COMMON_GRPC_UTIL_H_
#define TONGHOP_SERVICES_COMMON_GRPC_UTIL_H_

// Finishing unary callback-API calls from domain results, so that gRPC
// adapters stay one line per method.

#include <utility>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "services/common/errors.h"

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

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_GRPC_UTIL_H_
