#include "services/aggregation/aggregation_module.h"

#include <filesystem>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/aggregation_service.h"
#include "services/aggregation/federation_service.h"
#include "services/aggregation/feed_consumer.h"
#include "services/aggregation/forwarder.h"
#include "services/aggregation/grpc_change_stream.h"
#include "services/aggregation/queries.h"
#include "services/aggregation/national_view.h"
#include "services/aggregation/received_figures.h"
#include "services/aggregation/registry_view.h"
#include "services/aggregation/report_drafts.h"
#include "services/aggregation/upstream_pusher.h"
#include "services/common/call_dispatcher.h"
#include "services/common/status_macros.h"
#include "storage/rocksdb_store.h"

namespace tonghop::aggregation {
namespace {

// The threads of the aggregation's and the federation's calls: they read
// the table and wait on the registry and on other instances over gRPC.
constexpr int kAggregationThreads = 4;

class AggregationModule final : public ServiceModule {
 public:
  AggregationModule(const ServiceEnvironment& env, std::unique_ptr<storage::KvStore> store,
                    std::unique_ptr<AggregateStore> aggregates, std::string temp_dir)
      : env_(env),
        store_(std::move(store)),
        audit_(store_.get(), std::string(kAggregationService), env.clock),
        aggregates_(std::move(aggregates)),
        registry_reader_(env.operator_agency),
        registry_(&registry_reader_, env.clock),
        drafts_store_(store_.get()),
        queries_(aggregates_.get(), &registry_, env.clock, env.policy, &drafts_store_),
        drafts_(&drafts_store_, &queries_, env.clock, env.policy, &audit_),
        forwarder_(&queries_, env.policy,
                   Upstream{env.upstream_address, env.upstream_identity, env.upstream_channel,
                            env.upstream_dev_header}),
        dispatcher_(env.identity, &audit_,
                    {kAggregationThreads, [this] { return aggregates_->applied_sequence(); },
                     env.unidentified_writes}),
        service_(&queries_, &drafts_, &forwarder_,
                 [this](const Caller& caller, const v1::RebuildAggregatesRequest& r) {
                   return Rebuild(caller, r);
                 },
                 &dispatcher_, &audit_, temp_dir),
        received_(store_.get(), &registry_, env.policy, &audit_, env.clock),
        national_(&received_, &registry_, env.policy, temp_dir),
        federation_service_(
            &received_, &national_,
            [this](const Caller& caller) { return UpstreamStatus(caller); }, &dispatcher_,
            &audit_) {
    if (env.upstream_channel != nullptr) {
      pusher_ = std::make_unique<UpstreamPusher>(
          store_.get(), aggregates_.get(), &queries_, &registry_, &registry_reader_, env.policy,
          env.clock,
          Upstream{env.upstream_address, env.upstream_identity, env.upstream_channel,
                   env.upstream_dev_header},
          env.operator_agency);
    }
    aggregates_->SetListener([this](int64_t sequence) {
      dispatcher_.OnApplied(sequence);
      if (pusher_ != nullptr) pusher_->OnApplied(sequence);
    });
  }

  ~AggregationModule() override { Stop(); }

  std::vector<grpc::Service*> services() override { return {&service_, &federation_service_}; }
  std::vector<const AuditLog*> audit_logs() const override { return {&audit_}; }
  std::vector<NamedStore> stores() override {
    return {{std::string(kAggregationService), store_.get()}};
  }

  absl::Status Start() override {
    // Service channels exist once the hosting server has started.
    registry_reader_.Attach(env_.channel(kRegistryService));
    started_ = true;
    feed_ = std::make_unique<GrpcChangeStream>(env_.channel(kSubmissionsService),
                                               env_.operator_agency);
    consumer_ = std::make_unique<FeedConsumer>(
        aggregates_.get(), &registry_, feed_.get(),
        [this] { return Rebuild(Instance(), v1::RebuildAggregatesRequest()).status(); });
    consumer_->Start();
    // A table a crash left half-built is dropped now that the server
    // listens: dropping a large one takes seconds that a start must not.
    dropper_ = std::thread([this] { DropLeftovers(); });
    if (env_.monitor != nullptr) {
      env_.monitor->SetRollupSource(
          {[this] { return aggregates_->applied_sequence(); },
           [this] { return consumer_->following(); }});
    }
    if (pusher_ != nullptr) {
      pusher_->Start(env_.channel(kSubmissionsService));
      if (env_.monitor != nullptr) {
        env_.monitor->SetUpstreamSource(
            {[this] { return pusher_->PushedPosition(); },
             [this]() -> absl::StatusOr<int64_t> {
               ASSIGN_OR_RETURN(std::vector<records::UpstreamHold> held, pusher_->HeldPushes());
               return static_cast<int64_t>(held.size());
             }});
      }
    }
    return absl::OkStatus();
  }

  void Stop() override {
    if (pusher_ != nullptr) pusher_->Stop();
    stopping_ = true;
    if (dropper_.joinable()) dropper_.join();
    if (consumer_ != nullptr) consumer_->Stop();
    dispatcher_.Shutdown();
  }

 private:
  void DropLeftovers() {
    size_t count = aggregates_->leftover_generations().size();
    if (count == 0) return;
    std::cerr << "aggregation: dropping " << count
              << " roll-up table(s) left by an unfinished rebuild, in the background"
              << std::endl;
    absl::Time start = absl::Now();
    absl::StatusOr<int> dropped = aggregates_->DropLeftovers([this] { return !stopping_; });
    if (!dropped.ok()) {
      std::cerr << "aggregation: dropping leftover roll-up tables: " << dropped.status().message()
                << " (the rest is dropped at the next start)" << std::endl;
      return;
    }
    std::cerr << "aggregation: dropped " << *dropped << " leftover roll-up table(s) in "
              << absl::FormatDuration(absl::Now() - start) << std::endl;
  }

  // The sending side's status; on an instance without an upstream, the
  // authority's readers learn there is none.
  absl::StatusOr<v1::UpstreamStatus> UpstreamStatus(const Caller& caller) {
    if (pusher_ != nullptr) return pusher_->Status(caller);
    ASSIGN_OR_RETURN(auto snapshot, registry_.Snapshot(false));
    RETURN_IF_ERROR(env_.policy->CheckReadRollup(caller, *snapshot->hierarchy,
                                                 env_.policy->operator_agency()));
    return absl::FailedPreconditionError(
        "this instance has no upstream: it pushes nowhere (tonghopd --upstream=HOST:PORT)");
  }

  // The instance itself, for the rebuild it runs when the change feed was
  // rewound or replaced.
  Caller Instance() const {
    Caller instance(env_.operator_agency);
    instance.credential = "internal";
    return instance;
  }

  // A rebuild that swaps the table is recorded in the audit trail with the
  // swap; a verify-only one changes nothing and is not.
  absl::StatusOr<v1::RebuildAggregatesResponse> Rebuild(
      const Caller& caller, const v1::RebuildAggregatesRequest& request) {
    ASSIGN_OR_RETURN(auto snapshot, registry_.Snapshot(true));
    GrpcChangeSource source(started_ ? env_.channel(kSubmissionsService) : nullptr,
                            env_.operator_agency);
    AuditEvent event = MakeAuditEvent(caller, "RebuildAggregates", request);
    event.resource = "aggregates";
    ASSIGN_OR_RETURN(AggregateStore::RebuildResult result,
                     aggregates_->Rebuild(source, *snapshot->hierarchy, request.verify_only(),
                                          [&](storage::WriteBatch& batch) {
                                            return audit_.Write(batch, event);
                                          }));
    v1::RebuildAggregatesResponse response;
    response.set_applied_sequence(result.applied_sequence);
    response.set_changes_replayed(result.changes_replayed);
    response.set_records(result.records);
    response.set_rebuilt_digest(result.rebuilt_digest);
    response.set_previous_digest(result.previous_digest);
    response.set_identical(result.identical);
    response.set_swapped(result.swapped);
    response.set_previous_sequence(result.previous_sequence);
    response.set_feed_rewound(result.rewound);
    response.set_feed_epoch(result.feed_epoch);
    if (result.swapped) {
      std::cerr << "aggregation: rebuilt the roll-ups from " << result.changes_replayed
                << " changes of the feed (epoch " << result.feed_epoch << ", position "
                << result.applied_sequence << ")" << std::endl;
    }
    return response;
  }

  ServiceEnvironment env_;
  std::unique_ptr<storage::KvStore> store_;
  AuditLog audit_;
  std::unique_ptr<AggregateStore> aggregates_;
  std::atomic<bool> started_{false};
  GrpcRegistryReader registry_reader_;
  CachingRegistryView registry_;
  DraftStore drafts_store_;
  AggregationQueries queries_;
  ReportDrafts drafts_;
  Forwarder forwarder_;
  // Both adapters' calls; shut down in Stop(), before what they use goes.
  CallDispatcher dispatcher_;
  AggregationService service_;
  ReceivedFiguresStore received_;
  NationalView national_;
  FederationService federation_service_;
  // Only with an upstream.
  std::unique_ptr<UpstreamPusher> pusher_;
  // The consumer's connection to the change feed; outlives the consumer.
  std::unique_ptr<ChangeStream> feed_;
  std::unique_ptr<FeedConsumer> consumer_;
  std::atomic<bool> stopping_{false};
  std::thread dropper_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> CreateAggregationModule(
    const ServiceEnvironment& env) {
  // Besides the roll-ups, which the change feed gives again, the store holds
  // the service's audit trail, whose records were acknowledged (a rebuild's
  // answer): a damaged log is refused like any store of acknowledged writes.
  // An older layout of the roll-ups is migrated by starting them over
  // (AggregationLayout); Open then starts the empty generation.
  ASSIGN_OR_RETURN(std::unique_ptr<storage::KvStore> store,
                   storage::OpenRocksDbStoreWithLayout(env.data_dir, AggregationLayout(),
                                                       StoreOptions(env, kAggregationService)));
  ASSIGN_OR_RETURN(std::unique_ptr<AggregateStore> aggregates, AggregateStore::Open(store.get()));
  std::string temp_dir = (std::filesystem::path(env.data_dir) / "tmp").string();
  std::error_code ec;
  std::filesystem::create_directories(temp_dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", temp_dir, ": ", ec.message()));
  return std::unique_ptr<ServiceModule>(
      new AggregationModule(env, std::move(store), std::move(aggregates), temp_dir));
}

}  // namespace tonghop::aggregation
