#include "services/aggregation/federation_service.h"

#include "services/common/audit_log.h"

namespace tonghop::aggregation {
grpc::ServerUnaryReactor* FederationService::PushFigures(
    grpc::CallbackServerContext* context, const v1::PushFiguresRequest* request,
    v1::PushFiguresResponse* response) {
  return dispatcher_->Serve(context, *request, response, {"PushFigures", true},
                            [=](const Caller& caller) {
                              return AuditRefusal(*audit_, caller, "PushFigures", *request,
                                                  received_->Push(caller, *request));
                            });
}

#define TONGHOP_READ(Method, Request, Response, expr)                       \
  grpc::ServerUnaryReactor* FederationService::Method(                     \
      grpc::CallbackServerContext* context, const v1::Request* request,    \
      Response* response) {                                                \
    return dispatcher_->Serve(context, *request, response, {#Method},      \
                              [=](const Caller& caller) { return expr; }); \
  }

TONGHOP_READ(GetReceivedFigures, GetReceivedFiguresRequest, v1::ReceivedFigures,
             received_->Get(caller, *request))
TONGHOP_READ(ListReceivedFigures, ListReceivedFiguresRequest, v1::ListReceivedFiguresResponse,
             received_->List(caller, *request))
TONGHOP_READ(GetNationalOverview, GetNationalOverviewRequest, v1::NationalOverview,
             national_->Overview(caller, *request))
TONGHOP_READ(GetNationalTrend, GetNationalTrendRequest, v1::NationalTrend,
             national_->Trend(caller, *request))
TONGHOP_READ(ExportNationalTable, ExportNationalTableRequest, v1::ExportNationalTableResponse,
             national_->Export(caller, *request))
TONGHOP_READ(GetUpstreamStatus, GetUpstreamStatusRequest, v1::UpstreamStatus,
             upstream_status_(caller))

#undef TONGHOP_READ

}  // namespace tonghop::aggregation
