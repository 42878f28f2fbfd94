#ifndef TONGHOP_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_
#define TONGHOP_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_

// The gRPC adapter of the Aggregation service: hands each call to the
// domain classes through the service's CallDispatcher
// (services/common/call_dispatcher.h). A call with `min_sequence` above the
// applied feed position waits there, without holding a thread, until the
// position reaches it or the client cancels.

#include <functional>
#include <string>

#include "services/aggregation/forwarder.h"
#include "services/aggregation/queries.h"
#include "services/aggregation/report_drafts.h"
#include "services/common/audit_log.h"
#include "services/common/call_dispatcher.h"
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
// Thread-safe. Does not own its collaborators; the dispatcher is shut down
// (the module does, in Stop()) before they go away.
class AggregationService final : public v1::Aggregation::CallbackService {
 public:
  AggregationService(const AggregationQueries* queries, ReportDrafts* drafts,
                     const Forwarder* forwarder, RebuildFn rebuild, CallDispatcher* dispatcher,
                     AuditLog* audit, std::string temp_dir);

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
  const AggregationQueries* queries_;
  ReportDrafts* drafts_;
  const Forwarder* forwarder_;
  RebuildFn rebuild_;
  CallDispatcher* dispatcher_;
  AuditLog* audit_;
  std::string temp_dir_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_
