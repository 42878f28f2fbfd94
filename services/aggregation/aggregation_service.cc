#include "services/aggregation/aggregation_service.h"

#include "absl/strings/str_cat.h"
#include "services/aggregation/report_render.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"

namespace tonghop::aggregation {

AggregationService::AggregationService(const AggregationQueries* queries, ReportDrafts* drafts,
                                       const Forwarder* forwarder, RebuildFn rebuild,
                                       CallDispatcher* dispatcher, AuditLog* audit,
                                       std::string temp_dir)
    : queries_(queries),
      drafts_(drafts),
      forwarder_(forwarder),
      rebuild_(std::move(rebuild)),
      dispatcher_(dispatcher),
      audit_(audit),
      temp_dir_(std::move(temp_dir)) {}

// A write's refusal (no permission) goes in the audit trail here: the
// aggregation's domain classes leave it to their callers.
#define TONGHOP_READ(Method, Request, Response, expr)                            \
  grpc::ServerUnaryReactor* AggregationService::Method(                         \
      grpc::CallbackServerContext* context, const v1::Request* request,         \
      Response* response) {                                                     \
    return dispatcher_->Serve(context, *request, response,                      \
                              {#Method, false, request->min_sequence()},        \
                              [=](const Caller& caller) { return expr; });      \
  }

TONGHOP_READ(Rollup, RollupRequest, v1::RollupResponse, queries_->Rollup(caller, *request))
TONGHOP_READ(Completeness, CompletenessRequest, v1::CompletenessResponse,
             queries_->Completeness(caller, *request))
TONGHOP_READ(TaskStatus, TaskStatusRequest, v1::TaskStatusResponse,
             queries_->TaskStatus(caller, *request))
TONGHOP_READ(Trend, TrendRequest, v1::TrendResponse, queries_->Trend(caller, *request))
TONGHOP_READ(ExplainFigure, ExplainFigureRequest, v1::ExplainFigureResponse,
             queries_->ExplainFigure(caller, *request))
TONGHOP_READ(ExportFigures, ExportFiguresRequest, v1::ExportFiguresResponse,
             queries_->ExportFigures(caller, *request))

#undef TONGHOP_READ

grpc::ServerUnaryReactor* AggregationService::CompileReport(
    grpc::CallbackServerContext* context, const v1::CompileReportRequest* request,
    v1::CompileReportResponse* response) {
  return dispatcher_->Serve(
      context, *request, response, {"CompileReport", false, request->min_sequence()},
      [=](const Caller& caller) -> absl::StatusOr<v1::CompileReportResponse> {
        ASSIGN_OR_RETURN(v1::CompiledReport report, queries_->Compile(caller, *request));
        ASSIGN_OR_RETURN(RenderedReport rendered,
                         RenderReport(report, request->format(), temp_dir_));
        v1::CompileReportResponse answer;
        *answer.mutable_report() = std::move(report);
        answer.set_content(std::move(rendered.content));
        answer.set_content_type(rendered.content_type);
        answer.set_filename(rendered.filename);
        return answer;
      });
}

grpc::ServerUnaryReactor* AggregationService::Forward(grpc::CallbackServerContext* context,
                                                      const v1::ForwardRequest* request,
                                                      v1::ForwardResponse* response) {
  return dispatcher_->Serve(
      context, *request, response, {"Forward", true, request->min_sequence()},
      [=](const Caller& caller) {
        return AuditRefusal(
            *audit_, caller, "Forward", *request,
            [&]() -> absl::StatusOr<v1::ForwardResponse> {
              ASSIGN_OR_RETURN(v1::ForwardResponse answer, forwarder_->Forward(caller, *request));
              // The change is on the other instance; here it is a record of its own.
              if (!answer.unchanged()) {
                RETURN_IF_ERROR(
                    audit_->AppendStandalone(MakeAuditEvent(caller, "Forward", *request, &answer)));
              }
              return answer;
            }());
      });
}

grpc::ServerUnaryReactor* AggregationService::RebuildAggregates(
    grpc::CallbackServerContext* context, const v1::RebuildAggregatesRequest* request,
    v1::RebuildAggregatesResponse* response) {
  return dispatcher_->Serve(
      context, *request, response, {"RebuildAggregates", true},
      [=](const Caller& caller) {
        return AuditRefusal(*audit_, caller, "RebuildAggregates", *request,
                            [&]() -> absl::StatusOr<v1::RebuildAggregatesResponse> {
                              RETURN_IF_ERROR(queries_->AuthorizeAdmin(caller));
                              return rebuild_(caller, *request);
                            }());
      });
}

grpc::ServerUnaryReactor* AggregationService::GetCompiledReportDraft(
    grpc::CallbackServerContext* context, const v1::GetCompiledReportDraftRequest* request,
    v1::CompiledReportDraft* response) {
  return dispatcher_->Serve(context, *request, response, {"GetCompiledReportDraft"},
                            [=](const Caller& caller) { return drafts_->Get(caller, *request); });
}

grpc::ServerUnaryReactor* AggregationService::UpdateCompiledReportDraft(
    grpc::CallbackServerContext* context, const v1::UpdateCompiledReportDraftRequest* request,
    v1::CompiledReportDraft* response) {
  return dispatcher_->Serve(context, *request, response, {"UpdateCompiledReportDraft", true},
                            [=](const Caller& caller) {
                              return AuditRefusal(*audit_, caller, "UpdateCompiledReportDraft",
                                                  *request, drafts_->Update(caller, *request));
                            });
}

grpc::ServerUnaryReactor* AggregationService::ListCompiledReportDraftRevisions(
    grpc::CallbackServerContext* context,
    const v1::ListCompiledReportDraftRevisionsRequest* request,
    v1::ListCompiledReportDraftRevisionsResponse* response) {
  return dispatcher_->Serve(
      context, *request, response, {"ListCompiledReportDraftRevisions"},
      [=](const Caller& caller) { return drafts_->ListRevisions(caller, *request); });
}

}  // namespace tonghop::aggregation
