#ifndef TONGHOP_SERVICES_SERVER_OPERATIONS_SERVICE_H_
#define TONGHOP_SERVICES_SERVER_OPERATIONS_SERVICE_H_

// The Operations service (proto/tonghop/v1/operations_service.proto): the
// gRPC adapter of BackUpInstance for the stores this server hosts. The
// access policy decides who may call it (administering the instance).
//
// A backup runs on the instance's CallDispatcher (an operator's rare
// request): the server's shutdown waits for it, so the stores outlive it.
// Thread-safe; does not own what it is given, which must outlive it.

#include <functional>
#include <string>
#include <vector>

#include "services/common/access_policy.h"
#include "services/common/clock.h"
#include "services/common/call_dispatcher.h"
#include "services/common/service_module.h"
#include "tonghop/v1/operations_service.grpc.pb.h"

namespace tonghop {

class OperationsService final : public v1::Operations::CallbackService {
 public:
  // `stores` lists the stores to back up, in the order to copy them.
  OperationsService(CallDispatcher* dispatcher, const AccessPolicy* policy,
                    std::function<std::vector<NamedStore>()> stores, std::string data_dir,
                    const Clock* clock);

  grpc::ServerUnaryReactor* BackupInstance(grpc::CallbackServerContext* context,
                                           const v1::BackupInstanceRequest* request,
                                           v1::BackupInstanceResponse* response) override;

 private:
  CallDispatcher* dispatcher_;
  const AccessPolicy* policy_;
  std::function<std::vector<NamedStore>()> stores_;
  std::string data_dir_;
  const Clock* clock_;
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_SERVER_OPERATIONS_SERVICE_H_
