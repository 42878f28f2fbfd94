#include "services/aggregation/federation_service.h"

#include "services/common/errors.h"

namespace tonghop::aggregation {
namespace {

// Answers `response` from `result`.
template <typename Response>
grpc::Status Answer(absl::StatusOr<Response> result, Response* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status FederationService::PushFigures(grpc::ServerContext* context,
                                            const v1::PushFiguresRequest* request,
                                            v1::PushFiguresResponse* response) {
  absl::StatusOr<Caller> caller = identity_->Resolve(*context);
  if (!caller.ok()) {
    AuditUnidentifiedRefusal(*audit_, *context, "PushFigures", *request, caller.status());
    return ToGrpcStatus(caller.status());
  }
  return Answer(AuditRefusal(*audit_, *caller, "PushFigures", *request,
                             received_->Push(*caller, *request)),
                response);
}

grpc::Status FederationService::GetReceivedFigures(grpc::ServerContext* context,
                                                   const v1::GetReceivedFiguresRequest* request,
                                                   v1::ReceivedFigures* response) {
  absl::StatusOr<Caller> caller = identity_->Resolve(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Answer(received_->Get(*caller, *request), response);
}

grpc::Status FederationService::ListReceivedFigures(grpc::ServerContext* context,
                                                    const v1::ListReceivedFiguresRequest* request,
                                                    v1::ListReceivedFiguresResponse* response) {
  absl::StatusOr<Caller> caller = identity_->Resolve(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Answer(received_->List(*caller, *request), response);
}

grpc::Status FederationService::GetNationalOverview(grpc::ServerContext* context,
                                                    const v1::GetNationalOverviewRequest* request,
                                                    v1::NationalOverview* response) {
  absl::StatusOr<Caller> caller = identity_->Resolve(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Answer(national_->Overview(*caller, *request), response);
}

grpc::Status FederationService::GetNationalTrend(grpc::ServerContext* context,
                                                 const v1::GetNationalTrendRequest* request,
                                                 v1::NationalTrend* response) {
  absl::StatusOr<Caller> caller = identity_->Resolve(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Answer(national_->Trend(*caller, *request), response);
}

grpc::Status FederationService::ExportNationalTable(grpc::ServerContext* context,
                                                    const v1::ExportNationalTableRequest* request,
                                                    v1::ExportNationalTableResponse* response) {
  absl::StatusOr<Caller> caller = identity_->Resolve(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Answer(national_->Export(*caller, *request), response);
}

}  // namespace tonghop::aggregation
