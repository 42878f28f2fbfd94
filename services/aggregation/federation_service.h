#ifndef TONGHOP_SERVICES_AGGREGATION_FEDERATION_SERVICE_H_
#define TONGHOP_SERVICES_AGGREGATION_FEDERATION_SERVICE_H_

// The gRPC adapter of the Federation service: resolves the caller and hands
// the request to ReceivedFiguresStore or, for the Ministry's view, to
// NationalView. Synchronous: the domain reads the
// registry over blocking gRPC, which must not tie up callback threads.

#include "services/aggregation/national_view.h"
#include "services/aggregation/received_figures.h"
#include "services/common/audit_log.h"
#include "services/common/identity.h"
#include "tonghop/v1/federation_service.grpc.pb.h"

namespace tonghop::aggregation {

// Refused pushes go in `audit` (applied ones are recorded by the store with
// their write). Thread-safe. Does not own its collaborators.
class FederationService final : public v1::Federation::Service {
 public:
  FederationService(ReceivedFiguresStore* received, const NationalView* national,
                    const IdentityResolver* identity, AuditLog* audit)
      : received_(received), national_(national), identity_(identity), audit_(audit) {}

  grpc::Status PushFigures(grpc::ServerContext* context, const v1::PushFiguresRequest* request,
                           v1::PushFiguresResponse* response) override;
  grpc::Status GetReceivedFigures(grpc::ServerContext* context,
                                  const v1::GetReceivedFiguresRequest* request,
                                  v1::ReceivedFigures* response) override;
  grpc::Status ListReceivedFigures(grpc::ServerContext* context,
                                   const v1::ListReceivedFiguresRequest* request,
                                   v1::ListReceivedFiguresResponse* response) override;
  grpc::Status GetNationalOverview(grpc::ServerContext* context,
                                   const v1::GetNationalOverviewRequest* request,
                                   v1::NationalOverview* response) override;
  grpc::Status GetNationalTrend(grpc::ServerContext* context,
                                const v1::GetNationalTrendRequest* request,
                                v1::NationalTrend* response) override;
  grpc::Status ExportNationalTable(grpc::ServerContext* context,
                                   const v1::ExportNationalTableRequest* request,
                                   v1::ExportNationalTableResponse* response) override;

 private:
  ReceivedFiguresStore* received_;
  const NationalView* national_;
  const IdentityResolver* identity_;
  AuditLog* audit_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_FEDERATION_SERVICE_H_
