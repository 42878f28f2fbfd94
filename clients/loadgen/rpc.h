#ifndef TONGHOP_CLIENTS_LOADGEN_RPC_H_
#define TONGHOP_CLIENTS_LOADGEN_RPC_H_

// Channels and call contexts for the load generator's clients.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "services/common/tls.h"

namespace tonghop::loadgen {

// How the load generator reaches the server under test: plaintext unless
// set (--tls-ca, --cert, --key). With a client certificate every call is
// made as its holder and carries no development header. Call once, from
// main(), before any channel is made; not thread-safe.
void SetServerTls(ClientTlsOptions tls);

// A channel to the server under test with its own TCP connection: gRPC
// shares connections between channels with equal arguments unless told not
// to, and the point of giving each client thread its own channel is that
// they do not queue on one connection. Thread-safe.
std::shared_ptr<grpc::Channel> NewDedicatedChannel(const std::string& address);
// Same, always plaintext (the load generator's own echo server).
std::shared_ptr<grpc::Channel> NewPlaintextChannel(const std::string& address);

// A context for one call made as `agency` ("agencies/x"; the development
// identity header, accepted on loopback by a server run with
// --insecure-dev-identity; none with a client certificate), with a deadline.
std::unique_ptr<grpc::ClientContext> CallAs(absl::string_view agency,
                                            absl::Duration timeout = absl::Seconds(60));

// Runs fn(worker, i) for every i in [0, n) on `workers` threads (worker is
// the thread's index, 0-based), each taking the next i; stops handing out
// work at the first error and returns it.
absl::Status ParallelFor(int workers, int n,
                         const std::function<absl::Status(int worker, int i)>& fn);

// grpc::Status as absl::Status, keeping the code and message, prefixed with
// what was being done.
absl::Status FromGrpc(const grpc::Status& status, absl::string_view what);

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_RPC_H_
