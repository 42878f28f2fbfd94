#ifndef TONGHOP_SERVICES_AGGREGATION_FEDERATION_SERVICE_H_
#define TONGHOP_SERVICES_AGGREGATION_FEDERATION_SERVICE_H_

// The gRPC adapter of the Federation service: resolves the caller and hands
// the request to ReceivedFiguresStore or, for the Ministry's view, to
// NationalView, through the aggregation's CallDispatcher
// (services/common/call_dispatcher.h).

#include <functional>
#include <utility>

#include "services/aggregation/national_view.h"
#include "services/aggregation/received_figures.h"
#include "services/common/audit_log.h"
#include "services/common/call_dispatcher.h"
#include "tonghop/v1/federation_service.grpc.pb.h"

namespace tonghop::aggregation {

// Refused pushes go in `audit` (applied ones are recorded by the store with
// their write). The sending side's status comes from `upstream_status`.
// Thread-safe. Does not own its collaborators.
class FederationService final : public v1::Federation::CallbackService {
 public:
  using UpstreamStatusFn = std::function<absl::StatusOr<v1::UpstreamStatus>(const Caller&)>;

  FederationService(ReceivedFiguresStore* received, const NationalView* national,
                    UpstreamStatusFn upstream_status, CallDispatcher* dispatcher, AuditLog* audit)
      : received_(received),
        national_(national),
        upstream_status_(std::move(upstream_status)),
        dispatcher_(dispatcher),
        audit_(audit) {}

  grpc::ServerUnaryReactor* PushFigures(grpc::CallbackServerContext* context, const v1::PushFiguresRequest* request,
                           v1::PushFiguresResponse* response) override;
  grpc::ServerUnaryReactor* GetReceivedFigures(grpc::CallbackServerContext* context,
                                  const v1::GetReceivedFiguresRequest* request,
                                  v1::ReceivedFigures* response) override;
  grpc::ServerUnaryReactor* ListReceivedFigures(grpc::CallbackServerContext* context,
                                   const v1::ListReceivedFiguresRequest* request,
                                   v1::ListReceivedFiguresResponse* response) override;
  grpc::ServerUnaryReactor* GetNationalOverview(grpc::CallbackServerContext* context,
                                   const v1::GetNationalOverviewRequest* request,
                                   v1::NationalOverview* response) override;
  grpc::ServerUnaryReactor* GetNationalTrend(grpc::CallbackServerContext* context,
                                const v1::GetNationalTrendRequest* request,
                                v1::NationalTrend* response) override;
  grpc::ServerUnaryReactor* ExportNationalTable(grpc::CallbackServerContext* context,
                                   const v1::ExportNationalTableRequest* request,
                                   v1::ExportNationalTableResponse* response) override;
  grpc::ServerUnaryReactor* GetUpstreamStatus(grpc::CallbackServerContext* context,
                                              const v1::GetUpstreamStatusRequest* request,
                                              v1::UpstreamStatus* response) override;

 private:
  ReceivedFiguresStore* received_;
  const NationalView* national_;
  UpstreamStatusFn upstream_status_;
  CallDispatcher* dispatcher_;
  AuditLog* audit_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_FEDERATION_SERVICE_H_
