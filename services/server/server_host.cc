#include "services/server/server_host.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/client_interceptor.h"
#include "services/common/status_macros.h"
#include "services/server/listen_problem.h"
#include "services/server/request_guard.h"
#include "services/server/operations_service.h"
#include "services/server/store_metrics.h"

namespace tonghop {
namespace {

// Stamps every call with a fixed internal credential unless the call
// already carries one (the gateway sets the caller it authenticated).
class StampIdentity final : public grpc::experimental::Interceptor {
 public:
  explicit StampIdentity(const std::string* credential) : credential_(credential) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* metadata = methods->GetSendInitialMetadata();
      if (metadata->find(std::string(kInternalCallerHeader)) == metadata->end()) {
        metadata->emplace(std::string(kInternalCallerHeader), *credential_);
      }
    }
    methods->Proceed();
  }

 private:
  const std::string* credential_;
};

class StampIdentityFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit StampIdentityFactory(const std::string* credential) : credential_(credential) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new StampIdentity(credential_);
  }

 private:
  const std::string* credential_;
};

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const TlsOptions& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  // Client certificates are asked for but checked by the authenticator, so
  // that a certificate from another CA, expired or of another trust domain
  // gets UNAUTHENTICATED with its reason instead of a failed handshake, and
  // people without one can still sign in with a token. gRPC 1.51 needs no
  // roots for that mode; given, they are sent to clients as the names of
  // the acceptable CAs.
  grpc::SslServerCredentialsOptions ssl(
      tls.client_ca_pem.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
  ssl.pem_key_cert_pairs.push_back({tls.key_pem, tls.cert_pem});
  ssl.pem_root_certs = tls.client_ca_pem;
  return grpc::SslServerCredentials(ssl);
}

// Towards services in other processes: TLS when this server serves TLS or
// was given something to trust or present, with the instance's certificate.
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(const TlsOptions& tls) {
  ClientTlsOptions outgoing = tls.Outgoing();
  if (tls.enabled() && !outgoing.enabled()) return grpc::SslCredentials({});
  return ChannelCredentials(outgoing);
}

// The agency a certificate names in `trust_domain` ("agencies/{id}"), or ""
// when it names none.
std::string AgencyOf(absl::string_view cert_pem, absl::string_view trust_domain) {
  absl::StatusOr<std::string> identity = CertificateIdentity(cert_pem, trust_domain);
  return identity.ok() && absl::StartsWith(*identity, "agencies/") ? *identity : "";
}

// Checks the TLS material and picks the instance's certificate: the one
// given, else the server's own when it also names an agency (one
// certificate with both server and client use), else none.
absl::Status PrepareTls(TlsOptions& tls, absl::string_view trust_domain) {
  if (tls.cert_pem.empty() != tls.key_pem.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!tls.client_ca_pem.empty() && !tls.enabled()) {
    return absl::InvalidArgumentError(
        "--client-ca asks for client certificates, which needs TLS: give --tls-cert and "
        "--tls-key too");
  }
  if (tls.instance_cert_pem.empty() != tls.instance_key_pem.empty()) {
    return absl::InvalidArgumentError("--instance-cert and --instance-key go together");
  }
  if (tls.enabled()) {
    RETURN_IF_ERROR(CheckKeyPair("--tls-cert/--tls-key", tls.cert_pem, tls.key_pem));
  }
  if (tls.instance_cert_pem.empty()) {
    if (tls.enabled() && !AgencyOf(tls.cert_pem, trust_domain).empty()) {
      tls.instance_cert_pem = tls.cert_pem;
      tls.instance_key_pem = tls.key_pem;
    }
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(CheckKeyPair("--instance-cert/--instance-key", tls.instance_cert_pem,
                               tls.instance_key_pem));
  if (AgencyOf(tls.instance_cert_pem, trust_domain).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--instance-cert must name the agency this instance acts as: its subject alternative "
        "names need spiffe://",
        trust_domain, "/agencies/ID"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerHost>> ServerHost::Start(ServerOptions options) {
  std::unique_ptr<ServerHost> host(new ServerHost());
  if (options.clock == nullptr) options.clock = RealClock::Get();
  if (options.data_dir.empty()) {
    return absl::InvalidArgumentError("--data-dir is required");
  }
  RETURN_IF_ERROR(PrepareTls(options.tls, options.auth.trust_domain));
  options.auth.clock = options.clock;
  options.auth.tls = options.tls.enabled();
  options.auth.client_ca_pem = options.tls.client_ca_pem;
  ASSIGN_OR_RETURN(host->authenticator_, Authenticator::Create(options.auth));
  if (options.identity == nullptr) options.identity = host->authenticator_.get();
  host->policy_ = std::make_unique<AccessPolicy>(options.operator_agency);
  host->monitor_ = std::make_unique<InstanceMonitor>(options.clock);
  host->request_log_ =
      std::make_unique<RequestLog>(&host->monitor_->metrics(), options.request_log);
  // The services resolve callers through it, which names them in the log.
  host->recording_identity_ = host->request_log_->RecordingResolver(options.identity);
  host->unidentified_writes_ =
      std::make_unique<FailureThrottle>(options.clock, UnidentifiedWriteAllowance());
  host->options_ = std::move(options);
  host->instance_credential_ = host->authenticator_->SignInternal(host->InstanceCaller());
  const ServerOptions& opts = host->options_;

  std::string upstream_identity;
  bool upstream_dev_header = false;
  std::shared_ptr<grpc::Channel> upstream_channel;
  if (!opts.upstream.empty()) {
    if (!opts.tls.instance_cert_pem.empty()) {
      absl::StatusOr<std::string> identity =
          CertificateIdentity(opts.tls.instance_cert_pem, opts.auth.trust_domain);
      if (!identity.ok() || !absl::StartsWith(*identity, "agencies/")) {
        return absl::InvalidArgumentError(
            "--upstream: the instance certificate must name an agency "
            "(spiffe://TRUST-DOMAIN/agencies/ID)");
      }
      upstream_identity = *identity;
    } else if (!opts.upstream_agency.empty()) {
      upstream_identity = opts.upstream_agency;
      upstream_dev_header = true;
    } else {
      return absl::InvalidArgumentError(
          "--upstream needs the instance certificate this instance presents there "
          "(--instance-cert, --instance-key)");
    }
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    upstream_channel =
        grpc::CreateCustomChannel(opts.upstream, ChannelCredentialsFor(opts.tls), args);
  }

  ServerHost* raw = host.get();
  for (const std::string& service : opts.services) {
    auto factory = opts.factories.find(service);
    if (factory == opts.factories.end()) {
      std::vector<std::string> known;
      for (const auto& [name, unused] : opts.factories) known.push_back(name);
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown service \"", service, "\" in --services; this binary has: ",
          absl::StrJoin(known, ",")));
    }
    ServiceEnvironment env;
    env.data_dir = (std::filesystem::path(opts.data_dir) / service).string();
    env.clock = opts.clock;
    env.identity = host->recording_identity_.get();
    env.unidentified_writes = host->unidentified_writes_.get();
    env.monitor = host->monitor_.get();
    env.policy = host->policy_.get();
    env.operator_agency = opts.operator_agency;
    env.session_lifetime = opts.session_lifetime;
    env.channel = [raw](absl::string_view name) { return raw->ChannelTo(name); };
    env.upstream_address = opts.upstream;
    env.upstream_identity = upstream_identity;
    env.upstream_dev_header = upstream_dev_header;
    env.upstream_channel = upstream_channel;
    env.storage = opts.storage;
    env.notices = opts.notices;
    env.storage.on_condition = host->storage_health_.Callback(opts.storage.on_condition);
    auto module = factory->second(env);
    if (!module.ok()) {
      return absl::Status(module.status().code(),
                          absl::StrCat(service, ": ", module.status().message()));
    }
    if (const PersonDirectory* people = (*module)->people()) {
      host->authenticator_->SetPersonDirectory(people);
    }
    host->modules_.push_back(*std::move(module));
  }

  std::vector<const AuditLog*> audit_logs;
  for (const auto& module : host->modules_) {
    for (const AuditLog* log : module->audit_logs()) audit_logs.push_back(log);
  }
  host->audit_trail_ = std::make_unique<audit::AuditTrail>(std::move(audit_logs));
  // Backups and audit-log verification read whole stores: one at a time
  // besides the listings.
  host->instance_dispatcher_ = std::make_unique<CallDispatcher>(
      host->recording_identity_.get(), nullptr,
      CallDispatcher::Options{2, nullptr, host->unidentified_writes_.get()});
  host->audit_service_ = std::make_unique<audit::AuditService>(
      host->audit_trail_.get(), host->instance_dispatcher_.get(), host->policy_.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // One server per port: with SO_REUSEPORT (gRPC's default) a second server
  // would bind the same port and take half the clients to its own data.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(opts.listen, ServerCredentialsFor(opts.tls), &host->port_);
  // Requests arrive uncompressed: gRPC 1.51 inflates a compressed message
  // whole before it checks the receive limit, so 200 KB of gzip could make
  // the server hold 200 MB for a caller nobody has identified yet. A call
  // that compresses its request is refused (UNIMPLEMENTED) when its
  // metadata arrives, before its message is read. The limit is then on
  // bytes actually sent; 64 MB leaves room for the largest request a
  // service refuses with a precise error (the plan import's 10 MB file,
  // sent as 50 MB).
  builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_DEFLATE, false);
  builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_GZIP, false);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  for (const auto& module : host->modules_) {
    for (grpc::Service* service : module->services()) builder.RegisterService(service);
  }
  builder.RegisterService(host->audit_service_.get());
  host->operations_ = std::make_unique<OperationsService>(
      host->instance_dispatcher_.get(), host->policy_.get(), [raw] { return raw->Stores(); },
      opts.data_dir, opts.clock);
  builder.RegisterService(host->operations_.get());
  // One list: a second SetInterceptorCreators would replace the first. The
  // request log sees every call, the guard's refusals included. Outgoing
  // statuses pass the interceptors in this order, so the guard comes
  // first: the log then records the status the client gets (the guard's
  // INVALID_ARGUMENT for a request that does not parse, not gRPC's
  // UNIMPLEMENTED).
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<RequestGuardFactory>());
  interceptors.push_back(host->request_log_->InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  host->server_ = builder.BuildAndStart();
  if (host->server_ == nullptr || host->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", opts.listen, ": ", ListenProblem(opts.listen)));
  }
  host->storage_health_.Attach(host->server_->GetHealthCheckService());
  host->store_collector_ = host->monitor_->metrics().AddCollector(
      [raw](MetricsSink& sink) { CollectStoreMetrics(raw->Stores(), sink); });
  std::string host_part = opts.listen.substr(0, opts.listen.rfind(':'));
  host->address_ = absl::StrCat(host_part, ":", host->port_);
  for (const auto& module : host->modules_) {
    absl::Status started = module->Start();
    if (!started.ok()) {
      host->Shutdown();
      return started;
    }
  }
  return host;
}

ServerHost::~ServerHost() { Shutdown(); }

Caller ServerHost::InstanceCaller() const {
  Caller caller;
  caller.agency = options_.operator_agency;
  caller.credential = "internal";
  return caller;
}

std::vector<std::string> ServerHost::NotReadyReasons() const {
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return {"shutting down"};
  }
  return monitor_->NotReadyReasons();
}

std::vector<NamedStore> ServerHost::Stores() const {
  std::vector<NamedStore> stores;
  for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) {
    for (const NamedStore& store : (*it)->stores()) stores.push_back(store);
  }
  return stores;
}

std::shared_ptr<grpc::Channel> ServerHost::InProcessChannel() {
  absl::MutexLock lock(&mu_);
  if (in_process_ == nullptr && server_ != nullptr) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    in_process_ = server_->InProcessChannel(args);
  }
  return in_process_;
}

std::shared_ptr<grpc::Channel> ServerHost::ChannelTo(absl::string_view service) {
  for (const std::string& hosted : options_.services) {
    if (hosted != service) continue;
    absl::MutexLock lock(&mu_);
    if (in_process_as_instance_ == nullptr && server_ != nullptr) {
      grpc::ChannelArguments args;
      args.SetMaxReceiveMessageSize(64 << 20);
      std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> stamps;
      stamps.push_back(std::make_unique<StampIdentityFactory>(&instance_credential_));
      in_process_as_instance_ =
          server_->experimental().InProcessChannelWithInterceptors(args, std::move(stamps));
    }
    return in_process_as_instance_;
  }
  absl::MutexLock lock(&mu_);
  auto it = remote_.find(std::string(service));
  if (it != remote_.end()) return it->second;
  auto address = options_.remote_addresses.find(std::string(service));
  if (address == options_.remote_addresses.end()) return nullptr;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel =
      grpc::CreateCustomChannel(address->second, ChannelCredentialsFor(options_.tls), args);
  remote_[std::string(service)] = channel;
  return channel;
}

void ServerHost::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  // What reads the modules goes first.
  if (monitor_ != nullptr) {
    monitor_->metrics().RemoveCollector(store_collector_);
    monitor_->ClearSources();
  }
  for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) (*it)->Stop();
  if (server_ != nullptr) {
    server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    server_->Wait();
  }
  storage_health_.Detach();
  absl::MutexLock lock(&mu_);
  done_ = true;
}

void ServerHost::Wait() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&done_));
}

}  // namespace tonghop
