#ifndef TONGHOP_CLIENTS_CLIENT_CONNECTION_H_
#define TONGHOP_CLIENTS_CLIENT_CONNECTION_H_

// Connecting to tonghopd as an agency: the channel, and per-call contexts
// that carry the caller's identity and a deadline.

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace tonghop::client {

// Who calls and where. Copyable; thread-safe to share once built.
class Connection {
 public:
  // `address` is host:port; `agency` is the caller's agency id ("dong-nai")
  // or name ("agencies/dong-nai"), empty for anonymous.
  Connection(std::string address, std::string agency,
             absl::Duration timeout = absl::Seconds(30));
  // For a channel that already exists (an in-process channel in tests).
  Connection(std::shared_ptr<grpc::Channel> channel, std::string agency,
             absl::Duration timeout = absl::Seconds(30));

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const std::string& address() const { return address_; }
  // The caller as an agency name, "agencies/{id}" (empty if anonymous).
  const std::string& agency() const { return agency_; }

  // A fresh context for one call, with the identity header and deadline set.
  std::unique_ptr<grpc::ClientContext> NewContext() const;
  // Same, with no deadline (for streams that stay open).
  std::unique_ptr<grpc::ClientContext> NewStreamContext() const;

 private:
  std::string address_;
  std::string agency_;
  absl::Duration timeout_;
  std::shared_ptr<grpc::Channel> channel_;
};

// A fresh idempotency key (UUID-shaped, random).
std::string NewRequestId();

}  // namespace tonghop::client

#endif  // TONGHOP_CLIENTS_CLIENT_CONNECTION_H_
