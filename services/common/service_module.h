#ifndef TONGHOP_SERVICES_COMMON_SERVICE_MODULE_H_
#define TONGHOP_SERVICES_COMMON_SERVICE_MODULE_H_

// How a service plugs into the process that hosts it (tonghopd, or a test
// server). Each service folder provides a factory
//
//   absl::StatusOr<std::unique_ptr<ServiceModule>> Create<Name>Module(
//       const ServiceEnvironment& env);
//
// which opens the service's own storage under env.data_dir and returns its
// gRPC service(s). Services reach each other only through env.channel().

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "services/common/access_policy.h"
#include "services/common/audit_log.h"
#include "services/common/authenticator.h"
#include "services/common/clock.h"
#include "services/common/failure_throttle.h"
#include "services/common/identity.h"
#include "storage/rocksdb_store.h"
#include "services/common/instance_monitor.h"
#include "storage/kv_store.h"

namespace tonghop {

// The names used in --services= and for env.channel().
inline constexpr absl::string_view kRegistryService = "registry";
inline constexpr absl::string_view kSubmissionsService = "submissions";
inline constexpr absl::string_view kAggregationService = "aggregation";

// The submissions service's e-mail notices (tonghopd --smtp, --smtp-from,
// --remind-days; docs/notices.md).
struct NoticeSettings {
  // The mail relay, host:port; empty: notices are queued and listed, not sent.
  std::string smtp_relay;
  // The sender's address.
  std::string from = "tonghop@localhost";
  // Days before a due day on which a reminder is sent.
  std::vector<int> remind_days = {7, 1};
  // How often the scheduler looks for reminders and digests to queue, and
  // how often the sender looks for notices to retry (it is also woken by
  // every review).
  absl::Duration scan_interval = absl::Minutes(5);
  absl::Duration send_interval = absl::Seconds(30);
};

// What the hosting process gives a service. Pointers outlive the module.
struct ServiceEnvironment {
  // A directory owned by this service alone (e.g. DATA_DIR/registry).
  std::string data_dir;
  const Clock* clock = nullptr;
  const IdentityResolver* identity = nullptr;
  // Writes refused for want of an identity, counted per client address for
  // every service of the process (CallDispatcher::Options); null: not
  // limited.
  FailureThrottle* unidentified_writes = nullptr;
  // The one access policy every permission is asked of.
  const AccessPolicy* policy = nullptr;
  // The agency this instance acts as when it calls another service (its
  // operator: the ministry, or a province's Department of Justice),
  // "agencies/{id}"; also the instance's authority (see AccessPolicy).
  std::string operator_agency;
  // How long a person's session or bearer token works after sign-in
  // (tonghopd --session-lifetime).
  absl::Duration session_lifetime = absl::Hours(12);
  // A channel to another service by name: in-process when it is hosted in
  // the same process, else to the address given on the command line. Call it
  // only after Start(); the channel is shared and thread-safe. Every call on
  // it carries the instance's own identity (a machine acting as
  // operator_agency): in-process as a signed internal credential, to
  // another process as the instance's certificate (or, in development, the
  // identity header).
  std::function<std::shared_ptr<grpc::Channel>(absl::string_view service)>
      channel;
  // The instance this one reports to (tonghopd --upstream), host:port;
  // empty when none.
  std::string upstream_address;
  // The agency this instance is upstream ("agencies/{id}"): the one its
  // instance certificate names, or in development --upstream-agency.
  std::string upstream_identity;
  // Development only: the upstream is called with the identity header
  // instead of a certificate.
  bool upstream_dev_header = false;
  // A channel to the upstream with the instance's credentials (null when
  // there is none). Shared and thread-safe.
  std::shared_ptr<grpc::Channel> upstream_channel;
  // How the service opens its store: what the operator decided about data
  // loss and low disk space, and who hears of the store's condition. See
  // StoreOptions().
  storage::RocksDbOptions storage;
  // Where the module publishes metrics and readiness (see
  // InstanceMonitor); null when the host keeps none (unit tests).
  InstanceMonitor* monitor = nullptr;
  // The submissions service's e-mail notices.
  NoticeSettings notices;
};

// A store a module owns, named as its directory under the data directory
// (the service's name).
struct NamedStore {
  std::string name;
  const storage::KvStore* store = nullptr;
};

// env.storage for the store of `service`, holding `contents`.
inline storage::RocksDbOptions StoreOptions(
    const ServiceEnvironment& env, absl::string_view service,
    storage::RocksDbOptions::Contents contents =
        storage::RocksDbOptions::Contents::kAcknowledged) {
  storage::RocksDbOptions options = env.storage;
  options.name = std::string(service);
  options.contents = contents;
  return options;
}

// One service hosted by a server. Owned by the server; Start and Stop are
// called once each, from the main thread.
class ServiceModule {
 public:
  virtual ~ServiceModule() = default;
  // The gRPC services to register; owned by the module.
  virtual std::vector<grpc::Service*> services() = 0;
  // Called after the server is listening: start background work (e.g.
  // consuming another service's change feed).
  virtual absl::Status Start() { return absl::OkStatus(); }
  // Called before the server shuts down; stop background work and return
  // promptly. Open streams are cancelled by the server's shutdown.
  virtual void Stop() {}
  // The people this module knows (the registry's), for authenticating
  // persons; nullptr for modules that keep none. Owned by the module.
  virtual const PersonDirectory* people() { return nullptr; }
  // The audit trails of the module's stores, for the process's Audit
  // service; owned by the module.
  virtual std::vector<const AuditLog*> audit_logs() const { return {}; }
  // The stores the module owns, for backups and metrics. Owned by the
  // module; valid until it is destroyed.
  virtual std::vector<NamedStore> stores() { return {}; }
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_SERVICE_MODULE_H_
