#ifndef TONGHOP_SERVICES_SERVER_SERVER_HOST_H_
#define TONGHOP_SERVICES_SERVER_SERVER_HOST_H_

// Hosts a set of tonghop services in one gRPC server: opens each service's
// module under its own data directory, wires the channels between services
// (in-process for co-hosted services, TCP for the others), serves one Audit
// service over the audit trails of the hosted services, enables health
// checking and reflection, and shuts everything down in order.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"
#include "services/audit/audit_service.h"
#include "services/common/call_dispatcher.h"
#include "services/common/instance_monitor.h"
#include "services/common/service_module.h"
#include "services/common/tls.h"
#include "services/server/storage_health.h"
#include "services/server/request_log.h"

namespace tonghop {

using ModuleFactory = std::function<absl::StatusOr<std::unique_ptr<ServiceModule>>(
    const ServiceEnvironment&)>;

struct ServerOptions {
  // Root data directory; each service uses DATA_DIR/{service}.
  std::string data_dir;
  // host:port to listen on; port 0 picks a free port.
  std::string listen = "127.0.0.1:0";
  // Services hosted here, in start order (e.g. registry, submissions, aggregation).
  std::vector<std::string> services;
  // Addresses of services hosted elsewhere, by service name.
  std::map<std::string, std::string> remote_addresses;
  // How to create each service; must cover `services`.
  std::map<std::string, ModuleFactory> factories;
  // The agency this instance acts as when one service calls another
  // (the ministry, or a province's Department of Justice).
  std::string operator_agency = "agencies/bo-tu-phap";
  const Clock* clock = nullptr;               // default: RealClock
  // How long a person's session or bearer token works after sign-in.
  absl::Duration session_lifetime = absl::Hours(12);
  // How callers prove who they are. The host builds the authenticator from
  // these (tls and client_ca_pem are filled in from `tls`).
  AuthenticatorOptions auth;
  TlsOptions tls;
  // The instance this one forwards to, host:port (empty: none).
  std::string upstream;
  // Development only, without an instance certificate: the agency this
  // instance is upstream, sent there as the identity header.
  std::string upstream_agency;
  // Replaces the authenticator (tests that inject callers).
  const IdentityResolver* identity = nullptr;
  // How the services open their stores (data loss, disk warning); each
  // store's condition is also published in the health service.
  storage::RocksDbOptions storage;
  // Where each request's log line goes (docs/operations.md, "Logs"); empty:
  // requests are only counted in the metrics.
  RequestLogSink request_log;
  // E-mail notices (--smtp, --smtp-from, --remind-days).
  NoticeSettings notices;
};

// A running server. Thread-safe; Shutdown() may be called from any thread,
// once. Owns its modules and the gRPC server.
class ServerHost {
 public:
  static absl::StatusOr<std::unique_ptr<ServerHost>> Start(ServerOptions options);
  ~ServerHost();

  // "127.0.0.1:PORT" as bound.
  const std::string& address() const { return address_; }
  int port() const { return port_; }
  // A channel to this server that does not leave the process. Calls on it
  // must carry an identity: `authenticator().AttachInternal(...)`.
  std::shared_ptr<grpc::Channel> InProcessChannel();
  // Authenticates every call of this server (and of its HTTP gateway).
  const Authenticator& authenticator() const { return *authenticator_; }
  const AccessPolicy& policy() const { return *policy_; }
  // The instance itself, as the caller of its own services.
  Caller InstanceCaller() const;
  // The instance's metrics and the services' readiness.
  InstanceMonitor& monitor() { return *monitor_; }
  // Counts and logs requests; the HTTP gateway records its own in it.
  RequestLog& request_log() { return *request_log_; }
  // Why the server is not ready to serve (empty when it is): shutting
  // down, or what the services report.
  std::vector<std::string> NotReadyReasons() const;
  // The stores the hosted services own, in the order a backup copies them
  // (derived stores before their sources: the reverse of start order).
  std::vector<NamedStore> Stores() const;
  // Stops background work, then the server (waiting at most 5 s for calls).
  void Shutdown();
  // Blocks until Shutdown() has completed.
  void Wait();

 private:
  ServerHost() = default;
  std::shared_ptr<grpc::Channel> ChannelTo(absl::string_view service);

  ServerOptions options_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<AccessPolicy> policy_;
  // Declared before the modules, which use them, so destroyed after.
  std::unique_ptr<InstanceMonitor> monitor_;
  std::unique_ptr<RequestLog> request_log_;
  std::unique_ptr<IdentityResolver> recording_identity_;
  // Writes refused for want of an identity, per client address, for every
  // service (CallDispatcher::Options::unidentified_writes).
  std::unique_ptr<FailureThrottle> unidentified_writes_;
  int64_t store_collector_ = 0;
  // The signed internal credential of InstanceCaller().
  std::string instance_credential_;
  // Outlives the modules, whose stores report to it.
  StorageHealth storage_health_;
  std::vector<std::unique_ptr<ServiceModule>> modules_;
  // The Audit service over the modules' audit trails.
  std::unique_ptr<audit::AuditTrail> audit_trail_;
  // The calls of the instance's own services (audit, operations).
  std::unique_ptr<CallDispatcher> instance_dispatcher_;
  std::unique_ptr<audit::AuditService> audit_service_;
  std::unique_ptr<grpc::Service> operations_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  int port_ = 0;
  mutable absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<grpc::Channel> in_process_ ABSL_GUARDED_BY(mu_);
  // In-process, stamping every call with the instance's own identity.
  std::shared_ptr<grpc::Channel> in_process_as_instance_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<grpc::Channel>> remote_ ABSL_GUARDED_BY(mu_);
};

// The factories of every service compiled into this binary.
std::map<std::string, ModuleFactory> AllServiceFactories();

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_SERVER_SERVER_HOST_H_
