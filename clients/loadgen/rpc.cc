#include "clients/loadgen/rpc.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "services/common/identity.h"

namespace tonghop::loadgen {

namespace {

ClientTlsOptions& ServerTls() {
  static ClientTlsOptions* tls = new ClientTlsOptions();
  return *tls;
}

std::shared_ptr<grpc::Channel> DedicatedChannel(const std::string& address,
                                                const ClientTlsOptions& tls) {
  static std::atomic<int> next_id{0};
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // A distinct argument also keeps the channels apart in the global pool.
  args.SetInt("tonghop.loadgen.channel", next_id.fetch_add(1));
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  // A server restarted on the same address (the federation drill kills and
  // restarts them) is reached again within a second, not after gRPC's
  // default backoff of up to two minutes.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  return grpc::CreateCustomChannel(address, ChannelCredentials(tls), args);
}

}  // namespace

void SetServerTls(ClientTlsOptions tls) { ServerTls() = std::move(tls); }

std::shared_ptr<grpc::Channel> NewDedicatedChannel(const std::string& address) {
  return DedicatedChannel(address, ServerTls());
}

std::shared_ptr<grpc::Channel> NewPlaintextChannel(const std::string& address) {
  return DedicatedChannel(address, ClientTlsOptions());
}

std::unique_ptr<grpc::ClientContext> CallAs(absl::string_view agency, absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!ServerTls().has_certificate()) {
    context->AddMetadata(std::string(kAgencyHeader), std::string(agency));
  }
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

absl::Status ParallelFor(int workers, int n,
                         const std::function<absl::Status(int worker, int i)>& fn) {
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mu;
  absl::Status first;
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      while (!failed.load()) {
        int i = next.fetch_add(1);
        if (i >= n) return;
        absl::Status status = fn(w, i);
        if (!status.ok()) {
          absl::MutexLock lock(&mu);
          if (first.ok()) first = status;
          failed.store(true);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return first;
}

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

}  // namespace tonghop::loadgen
