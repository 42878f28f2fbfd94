#ifndef TONGHOP_CLIENTS_CLIENT_CONNECTION_H_
#define TONGHOP_CLIENTS_CLIENT_CONNECTION_H_

// Connecting to tonghopd: the channel (plaintext, TLS, or mutual TLS with
// the caller's certificate), and per-call contexts that carry a deadline
// and, without a certificate, the development identity header.

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "services/common/tls.h"

namespace tonghop::client {

// The files of a client's TLS material: --tls-ca (the CA that signed the
// server's certificate), --cert and --key (the caller's certificate).
struct TlsFiles {
  std::string ca;
  std::string cert;
  std::string key;
};

// $TONGHOP_TLS_CA, $TONGHOP_CERT and $TONGHOP_KEY.
TlsFiles TlsFilesFromEnvironment();

// Reads the files (empty paths are skipped). INVALID_ARGUMENT when --cert
// comes without --key or the other way round, or the key does not belong to
// the certificate; errors name the flag and the file.
absl::StatusOr<ClientTlsOptions> ReadClientTls(const TlsFiles& files);

// The agency a client certificate acts for, "agencies/{id}" from its URI
// subject alternative name spiffe://{any trust domain}/agencies/{id}; empty
// when it names a person or nothing (the server decides either way).
std::string CertificateAgency(const ClientTlsOptions& tls);

// Who calls and where. Copyable; thread-safe to share once built.
class Connection {
 public:
  // `address` is host:port; `agency` is the caller's agency id ("dong-nai")
  // or name ("agencies/dong-nai"), empty for anonymous. With a certificate
  // in `tls` the certificate is the identity and `agency` is only what the
  // commands default to; without one, `agency` travels in the development
  // header (accepted only by a server run with --insecure-dev-identity,
  // from loopback).
  Connection(std::string address, std::string agency, ClientTlsOptions tls = {},
             absl::Duration timeout = absl::Seconds(30));
  // For a channel that already exists (an in-process channel in tests).
  Connection(std::shared_ptr<grpc::Channel> channel, std::string agency,
             absl::Duration timeout = absl::Seconds(30));

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const std::string& address() const { return address_; }
  // The caller as an agency name, "agencies/{id}" (empty if anonymous).
  const std::string& agency() const { return agency_; }

  // Identifies calls with a person's bearer token (from `tonghop login`)
  // instead of the agency: `authorization: Bearer TOKEN`. Set it before
  // sharing the connection.
  void set_bearer_token(std::string token) { bearer_token_ = std::move(token); }
  bool has_bearer_token() const { return !bearer_token_.empty(); }

  // Identifies calls by `identify`, which adds the caller's credential to
  // each call's context, instead of a token or the header: the HTTP
  // gateway's in-process calls as the person it authenticated. Set it
  // before sharing the connection.
  void set_identify(std::function<void(grpc::ClientContext&)> identify) {
    identify_ = std::move(identify);
  }

  // A fresh context for one call, with the deadline (and the bearer token,
  // or without a certificate the identity header) set. The header carries
  // the agency only when it is a well-formed agency name (lowercase letters,
  // digits and hyphens); otherwise the call has no identity.
  std::unique_ptr<grpc::ClientContext> NewContext() const;
  // Same, with no deadline (for streams that stay open).
  std::unique_ptr<grpc::ClientContext> NewStreamContext() const;

 private:
  std::string address_;
  std::string agency_;
  // Whether calls carry the development header (no certificate).
  bool send_agency_header_ = true;
  std::string bearer_token_;
  std::function<void(grpc::ClientContext&)> identify_;
  absl::Duration timeout_;
  std::shared_ptr<grpc::Channel> channel_;
};

// A fresh idempotency key (UUID-shaped, random).
std::string NewRequestId();

}  // namespace tonghop::client

#endif  // TONGHOP_CLIENTS_CLIENT_CONNECTION_H_
