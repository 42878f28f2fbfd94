#ifndef TONGHOP_SERVICES_COMMON_CALL_ORIGIN_H_
#define TONGHOP_SERVICES_COMMON_CALL_ORIGIN_H_

// Where a gRPC call comes from, read from its server context: whether it
// comes from inside this process (the HTTP gateway, or one service calling
// another), and the address of the client it serves, by which failed
// attempts are counted (sign-ins, writes without an identity) and which the
// log shows.
//
// Plain functions of their arguments; thread-safe.

#include <string>

#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"

namespace tonghop {

// The value of the call's metadata entry `key`; empty when there is none.
std::string MetadataValue(const grpc::ServerContextBase& context, absl::string_view key);

// True for a peer inside this process. gRPC 1.51's in-process transport
// reports its peer as "unknown"; a TCP or Unix-socket connection always
// reports its address, so "unknown" only ever names a call from inside.
bool IsInProcessPeer(absl::string_view peer);

// The client address in a gRPC peer string, without the port:
// "ipv4:10.0.0.5:4711" → "10.0.0.5", "ipv6:[::1]:4711" (or
// "ipv6:%5B::1%5D:4711") → "::1",
// "unix:/run/x" → "unix"; "" for in-process peers.
std::string ClientAddress(absl::string_view peer);

// The address of the client a call serves: for an in-process call, the one
// the HTTP gateway names (kClientAddressHeader, sign_in.h: believed only
// in-process; "" when it names none), else the peer's.
std::string CallerAddress(const grpc::ServerContextBase& context);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_CALL_ORIGIN_H_
