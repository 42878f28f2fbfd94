#ifndef TONGHOP_SERVICES_SERVER_REQUEST_GUARD_H_
#define TONGHOP_SERVICES_SERVER_REQUEST_GUARD_H_

// A server interceptor, installed by ServerHost on every tonghop server, that
// guards what leaves the server on a bad request:
//
// - Bytes that do not parse as the method's request message. gRPC 1.51's
//   callback API then never calls the service: its handler
//   (grpcpp/impl/codegen/server_callback_handlers.h, RunHandler) finishes the
//   call itself with UNIMPLEMENTED and an empty message, and the
//   SerializationTraits status that said why is dropped. The interceptor sees
//   the failure (a null received message at POST_RECV_MESSAGE) and turns that
//   status into INVALID_ARGUMENT (ErrorInfo MALFORMED_REQUEST) naming the
//   expected message type, before it is sent (PRE_SEND_STATUS).
// - Any error status, however it was built, leaves within the bounds of
//   BoundedRpcStatus() (services/common/errors.h).
//
// Unknown enum numbers are refused by the services themselves
// (CheckRequest() in CallDispatcher, services/common/call_dispatcher.h): an interceptor cannot stop
// a handler from running.
//
// The factory is stateless and thread-safe; gRPC owns each interceptor,
// which lives for one call.

#include "grpcpp/support/server_interceptor.h"

namespace tonghop {

class RequestGuardFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_SERVER_REQUEST_GUARD_H_
