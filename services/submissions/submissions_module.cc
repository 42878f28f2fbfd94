#include "services/submissions/submissions_module.h"

#include <utility>

#include "services/common/call_dispatcher.h"
#include "services/common/status_macros.h"
#include "services/submissions/notice_scheduler.h"
#include "services/submissions/notice_sender.h"
#include "services/common/registry_reader.h"
#include "services/submissions/submissions.h"
#include "services/submissions/submissions_service.h"
#include "storage/rocksdb_store.h"

namespace tonghop::submissions {
namespace {

// Threads that run the service's calls. They spend most of their time
// waiting on the registry, so a few more than the cores.
constexpr int kWorkerThreads = 8;
// Accepting a report may wait a little; the roll-ups that officials read
// should not: when the CPU is short, the roll-ups' thread (nice 0) gets
// about nine times the share of a busy worker thread (nice 10).
constexpr int kWorkerNiceness = 10;

class SubmissionsModule final : public ServiceModule {
 public:
  SubmissionsModule(const ServiceEnvironment& env, std::unique_ptr<storage::KvStore> store,
                    std::unique_ptr<AuditLog> audit,
                    std::unique_ptr<GrpcRegistryReader> registry,
                    std::unique_ptr<CachingRegistryReader> cached_registry,
                    std::unique_ptr<Submissions> submissions)
      : channel_(env.channel),
        monitor_(env.monitor),
        store_(std::move(store)),
        audit_(std::move(audit)),
        registry_(std::move(registry)),
        cached_registry_(std::move(cached_registry)),
        submissions_(std::move(submissions)),
        dispatcher_(env.identity, audit_.get(),
                    {kWorkerThreads, nullptr, env.unidentified_writes, kWorkerNiceness}),
        service_(submissions_.get(), &dispatcher_),
        transport_(env.notices.smtp_relay.empty()
                       ? nullptr
                       : std::make_unique<SmtpTransport>(env.notices.smtp_relay)),
        scheduler_(cached_registry_.get(), submissions_.get(), &submissions_->notice_queue(),
                   env.clock, env.notices.remind_days),
        sender_(&submissions_->notice_queue(), cached_registry_.get(), transport_.get(),
                env.clock, env.notices.from),
        notice_worker_(&scheduler_, &sender_, &submissions_->notifier(),
                       env.notices.scan_interval, env.notices.send_interval) {}

  std::vector<grpc::Service*> services() override { return {&service_}; }
  std::vector<const AuditLog*> audit_logs() const override { return {audit_.get()}; }
  std::vector<NamedStore> stores() override {
    return {{std::string(kSubmissionsService), store_.get()}};
  }

  absl::Status Start() override {
    std::shared_ptr<grpc::Channel> channel = channel_ ? channel_(kRegistryService) : nullptr;
    if (channel == nullptr) {
      return absl::FailedPreconditionError(
          "the submissions service needs the registry: host it in the same process "
          "(--services=registry,submissions) or give --registry-address");
    }
    registry_->Attach(std::move(channel));
    if (monitor_ != nullptr) {
      Submissions* submissions = submissions_.get();
      monitor_->SetFeedSource(
          {[submissions] { return submissions->last_sequence(); },
           [submissions](int64_t sequence) -> absl::StatusOr<std::optional<absl::Time>> {
             ASSIGN_OR_RETURN(std::vector<v1::Change> changes,
                              submissions->ReadChanges(sequence - 1, 1));
             if (changes.empty() || changes[0].sequence() != sequence) return std::nullopt;
             return absl::FromUnixSeconds(changes[0].time().seconds()) +
                    absl::Nanoseconds(changes[0].time().nanos());
           }});
    }
    notice_worker_.Start();
    return absl::OkStatus();
  }

  void Stop() override {
    notice_worker_.Stop();
    submissions_->notifier().Close();
  }

 private:
  std::function<std::shared_ptr<grpc::Channel>(absl::string_view)> channel_;
  InstanceMonitor* monitor_;
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<GrpcRegistryReader> registry_;
  std::unique_ptr<CachingRegistryReader> cached_registry_;
  std::unique_ptr<Submissions> submissions_;
  // Destroyed after the service and before the domain class: by then the
  // server has stopped, and the dispatcher finishes what was queued.
  CallDispatcher dispatcher_;
  SubmissionsService service_;
  // E-mail notices: the relay (null without --smtp), the scheduler and the
  // sender, and the thread that runs them; stopped in Stop().
  std::unique_ptr<SmtpTransport> transport_;
  NoticeScheduler scheduler_;
  NoticeSender sender_;
  NoticeWorker notice_worker_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> CreateSubmissionsModule(
    const ServiceEnvironment& env) {
  if (env.clock == nullptr || env.identity == nullptr) {
    return absl::InvalidArgumentError("submissions: the environment needs a clock and identity");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<storage::KvStore> store,
                   storage::OpenRocksDbStoreWithLayout(env.data_dir, SubmissionsLayout(),
                                                       StoreOptions(env, kSubmissionsService)));
  auto registry = std::make_unique<GrpcRegistryReader>(env.operator_agency);
  auto cached_registry = std::make_unique<CachingRegistryReader>(registry.get(), kRegistryLookupTtl);
  auto audit = std::make_unique<AuditLog>(store.get(), std::string(kSubmissionsService), env.clock);
  ASSIGN_OR_RETURN(std::unique_ptr<Submissions> submissions,
                   Submissions::Open(store.get(), audit.get(), cached_registry.get(), env.clock,
                                     env.policy));
  return std::unique_ptr<ServiceModule>(
      new SubmissionsModule(env, std::move(store), std::move(audit), std::move(registry),
                            std::move(cached_registry), std::move(submissions)));
}

}  // namespace tonghop::submissions
