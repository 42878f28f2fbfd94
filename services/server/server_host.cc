#include "services/server/server_host.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "services/common/status_macros.h"

namespace tonghop {

absl::StatusOr<std::unique_ptr<ServerHost>> ServerHost::Start(ServerOptions options) {
  std::unique_ptr<ServerHost> host(new ServerHost());
  if (options.clock == nullptr) options.clock = RealClock::Get();
  if (options.identity == nullptr) {
    host->default_identity_ = std::make_unique<DevHeaderIdentity>();
    options.identity = host->default_identity_.get();
  }
  if (options.data_dir.empty()) {
    return absl::InvalidArgumentError("--data-dir is required");
  }
  host->options_ = std::move(options);
  const ServerOptions& opts = host->options_;

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
    env.identity = opts.identity;
    env.operator_agency = opts.operator_agency;
    env.channel = [raw](absl::string_view name) { return raw->ChannelTo(name); };
    auto module = factory->second(env);
    if (!module.ok()) {
      return absl::Status(module.status().code(),
                          absl::StrCat(service, ": ", module.status().message()));
    }
    host->modules_.push_back(*std::move(module));
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(opts.listen, grpc::InsecureServerCredentials(), &host->port_);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  for (const auto& module : host->modules_) {
    for (grpc::Service* service : module->services()) builder.RegisterService(service);
  }
  host->server_ = builder.BuildAndStart();
  if (host->server_ == nullptr || host->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", opts.listen));
  }
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
    if (hosted == service) return InProcessChannel();
  }
  absl::MutexLock lock(&mu_);
  auto it = remote_.find(std::string(service));
  if (it != remote_.end()) return it->second;
  auto address = options_.remote_addresses.find(std::string(service));
  if (address == options_.remote_addresses.end()) return nullptr;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(address->second,
                                           grpc::InsecureChannelCredentials(), args);
  remote_[std::string(service)] = channel;
  return channel;
}

void ServerHost::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) (*it)->Stop();
  if (server_ != nullptr) {
    server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    server_->Wait();
  }
  absl::MutexLock lock(&mu_);
  done_ = true;
}

void ServerHost::Wait() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&done_));
}

}  // namespace tonghop
