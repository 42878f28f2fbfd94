#ifndef TONGHOP_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_
#define TONGHOP_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_

// The gRPC adapter of the Aggregation service. Each call resolves the
// caller, then runs on a small pool of worker threads (the domain calls the
// registry and the other instance over blocking gRPC, which must not tie up
// the server's callback threads). A call with `min_sequence` above the
// applied feed position waits, without holding a thread, until the position
// reaches it or the client cancels.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/forwarder.h"
#include "services/aggregation/queries.h"
#include "services/aggregation/report_drafts.h"
#include "services/common/audit_log.h"
#include "services/common/identity.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"

namespace tonghop::aggregation {

// Runs a rebuild for a caller already authorized (and records it in the
// audit trail with the swap).
using RebuildFn = std::function<absl::StatusOr<v1::RebuildAggregatesResponse>(
    const Caller&, const v1::RebuildAggregatesRequest&)>;

// The writes (Forward, RebuildAggregates, UpdateCompiledReportDraft) go in
// `audit`: a forward that submitted something in a record of its own, a
// rebuild that swapped the table with its swap (RebuildFn's part), a draft's
// revision with its write (ReportDrafts' part); any of them refused with
// PERMISSION_DENIED or UNAUTHENTICATED in a record of its own.
//
// Thread-safe. Does not own its collaborators. Shutdown() before destruction
// (the module does, in Stop()).
class AggregationService final : public v1::Aggregation::CallbackService {
 public:
  AggregationService(AggregateStore* store, const AggregationQueries* queries,
                     ReportDrafts* drafts, const Forwarder* forwarder, RebuildFn rebuild,
                     const IdentityResolver* identity, AuditLog* audit, std::string temp_dir,
                     int workers = 4);
  ~AggregationService() override;

  // Answers waiting calls with UNAVAILABLE, refuses new ones, joins workers.
  void Shutdown();
  // Releases the calls waiting for `sequence` (the store's listener).
  void OnApplied(int64_t sequence);

  grpc::ServerUnaryReactor* Rollup(grpc::CallbackServerContext* context,
                                   const v1::RollupRequest* request,
                                   v1::RollupResponse* response) override;
  grpc::ServerUnaryReactor* Completeness(grpc::CallbackServerContext* context,
                                         const v1::CompletenessRequest* request,
                                         v1::CompletenessResponse* response) override;
  grpc::ServerUnaryReactor* TaskStatus(grpc::CallbackServerContext* context,
                                       const v1::TaskStatusRequest* request,
                                       v1::TaskStatusResponse* response) override;
  grpc::ServerUnaryReactor* Trend(grpc::CallbackServerContext* context,
                                  const v1::TrendRequest* request,
                                  v1::TrendResponse* response) override;
  grpc::ServerUnaryReactor* CompileReport(grpc::CallbackServerContext* context,
                                          const v1::CompileReportRequest* request,
                                          v1::CompileReportResponse* response) override;
  grpc::ServerUnaryReactor* Forward(grpc::CallbackServerContext* context,
                                    const v1::ForwardRequest* request,
                                    v1::ForwardResponse* response) override;
  grpc::ServerUnaryReactor* RebuildAggregates(grpc::CallbackServerContext* context,
                                              const v1::RebuildAggregatesRequest* request,
                                              v1::RebuildAggregatesResponse* response) override;
  grpc::ServerUnaryReactor* ExplainFigure(grpc::CallbackServerContext* context,
                                          const v1::ExplainFigureRequest* request,
                                          v1::ExplainFigureResponse* response) override;
  grpc::ServerUnaryReactor* ExportFigures(grpc::CallbackServerContext* context,
                                          const v1::ExportFiguresRequest* request,
                                          v1::ExportFiguresResponse* response) override;
  grpc::ServerUnaryReactor* GetCompiledReportDraft(grpc::CallbackServerContext* context,
                                                   const v1::GetCompiledReportDraftRequest* request,
                                                   v1::CompiledReportDraft* response) override;
  grpc::ServerUnaryReactor* UpdateCompiledReportDraft(
      grpc::CallbackServerContext* context, const v1::UpdateCompiledReportDraftRequest* request,
      v1::CompiledReportDraft* response) override;
  grpc::ServerUnaryReactor* ListCompiledReportDraftRevisions(
      grpc::CallbackServerContext* context,
      const v1::ListCompiledReportDraftRevisionsRequest* request,
      v1::ListCompiledReportDraftRevisionsResponse* response) override;

 private:
  class Call;
  // A write method and its request, for the audit trail.
  struct AuditedWrite {
    absl::string_view method;
    const google::protobuf::Message* request;  // nullptr: not a write
  };
  // Refuses a request with an undefined enum number, resolves the caller and
  // runs `work` once the feed has reached `min_sequence`. For a `write`, a
  // refusal (no identity, no permission) is recorded in the audit trail.
  grpc::ServerUnaryReactor* Dispatch(grpc::CallbackServerContext* context,
                                     const google::protobuf::Message& request,
                                     int64_t min_sequence,
                                     std::function<absl::Status(const Caller&)> work,
                                     AuditedWrite write = {});
  void Enqueue(Call* call);
  void Cancelled(Call* call);
  void Done(Call* call);
  void Work();

  AggregateStore* store_;
  const AggregationQueries* queries_;
  ReportDrafts* drafts_;
  const Forwarder* forwarder_;
  RebuildFn rebuild_;
  const IdentityResolver* identity_;
  AuditLog* audit_;
  std::string temp_dir_;

  absl::Mutex mu_;
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
  std::multimap<int64_t, Call*> waiting_ ABSL_GUARDED_BY(mu_);
  std::deque<Call*> ready_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> workers_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_
