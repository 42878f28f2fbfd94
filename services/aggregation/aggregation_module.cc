#include "services/aggregation/aggregation_module.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/aggregation_service.h"
#include "services/aggregation/feed_consumer.h"
#include "services/aggregation/forwarder.h"
#include "services/aggregation/queries.h"
#include "services/aggregation/registry_view.h"
#include "services/aggregation/report_drafts.h"
#include "services/common/status_macros.h"
#include "storage/rocksdb_store.h"

namespace tonghop::aggregation {
namespace {

class AggregationModule final : public ServiceModule {
 public:
  AggregationModule(const ServiceEnvironment& env, std::unique_ptr<storage::KvStore> store,
                    std::unique_ptr<AggregateStore> aggregates, std::string temp_dir)
      : env_(env),
        store_(std::move(store)),
        audit_(store_.get(), std::string(kAggregationService), env.clock),
        aggregates_(std::move(aggregates)),
        registry_([this] { return started_ ? env_.channel(kRegistryService) : nullptr; },
                  env.operator_agency, env.clock),
        drafts_store_(store_.get()),
        queries_(aggregates_.get(), &registry_, env.clock, env.policy, &drafts_store_),
        drafts_(&drafts_store_, &queries_, env.clock, env.policy, &audit_),
        forwarder_(&queries_, env.policy,
                   Upstream{env.upstream_address, env.upstream_identity, env.upstream_channel,
                            env.upstream_dev_header}),
        service_(aggregates_.get(), &queries_, &drafts_, &forwarder_,
                 [this](const Caller& caller, const v1::RebuildAggregatesRequest& r) {
                   return Rebuild(caller, r);
                 },
                 env.identity, &audit_, std::move(temp_dir)) {
    aggregates_->SetListener([this](int64_t sequence) { service_.OnApplied(sequence); });
  }

  ~AggregationModule() override { Stop(); }

  std::vector<grpc::Service*> services() override { return {&service_}; }
  std::vector<const AuditLog*> audit_logs() const override { return {&audit_}; }

  absl::Status Start() override {
    started_ = true;
    consumer_ = std::make_unique<FeedConsumer>(aggregates_.get(), &registry_,
                                               env_.channel(kSubmissionsService),
                                               env_.operator_agency);
    consumer_->Start();
    return absl::OkStatus();
  }

  void Stop() override {
    if (consumer_ != nullptr) consumer_->Stop();
    service_.Shutdown();
  }

 private:
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
    return response;
  }

  ServiceEnvironment env_;
  std::atomic<bool> started_{false};
  std::unique_ptr<storage::KvStore> store_;
  AuditLog audit_;
  std::unique_ptr<AggregateStore> aggregates_;
  GrpcRegistryView registry_;
  DraftStore drafts_store_;
  AggregationQueries queries_;
  ReportDrafts drafts_;
  Forwarder forwarder_;
  AggregationService service_;
  std::unique_ptr<FeedConsumer> consumer_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> CreateAggregationModule(
    const ServiceEnvironment& env) {
  std::vector<std::string> column_families = AggregationColumnFamilies();
  for (const std::string& cf : DraftStore::ColumnFamilies()) column_families.push_back(cf);
  column_families.emplace_back(kAuditColumnFamily);
  ASSIGN_OR_RETURN(std::unique_ptr<storage::KvStore> store,
                   storage::OpenRocksDbStore(env.data_dir, column_families));
  ASSIGN_OR_RETURN(std::unique_ptr<AggregateStore> aggregates, AggregateStore::Open(store.get()));
  std::string temp_dir = (std::filesystem::path(env.data_dir) / "tmp").string();
  std::error_code ec;
  std::filesystem::create_directories(temp_dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", temp_dir, ": ", ec.message()));
  return std::unique_ptr<ServiceModule>(
      new AggregationModule(env, std::move(store), std::move(aggregates), temp_dir));
}

}  // namespace tonghop::aggregation
