#ifndef TONGHOP_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define TONGHOP_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

// The gRPC adapter of the Registry service: hands each call to the Registry
// and People domain classes through the service's CallDispatcher
// (services/common/call_dispatcher.h: the request checked and the caller
// resolved on gRPC's thread, the work on the registry's own threads).

#include "services/common/access_policy.h"
#include "services/common/call_dispatcher.h"
#include "services/registry/people.h"
#include "services/registry/registry.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop::registry {

// Thread-safe (the registry and the people are). Does not own `registry`,
// `people`, `dispatcher` or `policy`.
class RegistryService final : public v1::Registry::CallbackService {
 public:
  RegistryService(Registry* registry, People* people, CallDispatcher* dispatcher,
                  const AccessPolicy* policy)
      : registry_(registry), people_(people), dispatcher_(dispatcher), policy_(policy) {}

  grpc::ServerUnaryReactor* GetAgency(grpc::CallbackServerContext* context,
                                      const v1::GetAgencyRequest* request,
                                      v1::Agency* response) override;
  grpc::ServerUnaryReactor* ListAgencies(grpc::CallbackServerContext* context,
                                         const v1::ListAgenciesRequest* request,
                                         v1::ListAgenciesResponse* response) override;
  grpc::ServerUnaryReactor* CreateAgency(grpc::CallbackServerContext* context,
                                         const v1::CreateAgencyRequest* request,
                                         v1::Agency* response) override;
  grpc::ServerUnaryReactor* UpdateAgency(grpc::CallbackServerContext* context,
                                         const v1::UpdateAgencyRequest* request,
                                         v1::Agency* response) override;
  grpc::ServerUnaryReactor* DeleteAgency(grpc::CallbackServerContext* context,
                                         const v1::DeleteAgencyRequest* request,
                                         google::protobuf::Empty* response) override;

  grpc::ServerUnaryReactor* GetDimension(grpc::CallbackServerContext* context,
                                         const v1::GetDimensionRequest* request,
                                         v1::Dimension* response) override;
  grpc::ServerUnaryReactor* ListDimensions(grpc::CallbackServerContext* context,
                                           const v1::ListDimensionsRequest* request,
                                           v1::ListDimensionsResponse* response) override;
  grpc::ServerUnaryReactor* CreateDimension(grpc::CallbackServerContext* context,
                                            const v1::CreateDimensionRequest* request,
                                            v1::Dimension* response) override;
  grpc::ServerUnaryReactor* UpdateDimension(grpc::CallbackServerContext* context,
                                            const v1::UpdateDimensionRequest* request,
                                            v1::Dimension* response) override;
  grpc::ServerUnaryReactor* DeleteDimension(grpc::CallbackServerContext* context,
                                            const v1::DeleteDimensionRequest* request,
                                            google::protobuf::Empty* response) override;

  grpc::ServerUnaryReactor* GetIndicator(grpc::CallbackServerContext* context,
                                         const v1::GetIndicatorRequest* request,
                                         v1::Indicator* response) override;
  grpc::ServerUnaryReactor* ListIndicators(grpc::CallbackServerContext* context,
                                           const v1::ListIndicatorsRequest* request,
                                           v1::ListIndicatorsResponse* response) override;
  grpc::ServerUnaryReactor* CreateIndicator(grpc::CallbackServerContext* context,
                                            const v1::CreateIndicatorRequest* request,
                                            v1::Indicator* response) override;
  grpc::ServerUnaryReactor* UpdateIndicator(grpc::CallbackServerContext* context,
                                            const v1::UpdateIndicatorRequest* request,
                                            v1::Indicator* response) override;
  grpc::ServerUnaryReactor* DeleteIndicator(grpc::CallbackServerContext* context,
                                            const v1::DeleteIndicatorRequest* request,
                                            google::protobuf::Empty* response) override;

  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* context,
                                    const v1::GetPlanRequest* request,
                                    v1::Plan* response) override;
  grpc::ServerUnaryReactor* ListPlans(grpc::CallbackServerContext* context,
                                      const v1::ListPlansRequest* request,
                                      v1::ListPlansResponse* response) override;
  grpc::ServerUnaryReactor* CreatePlan(grpc::CallbackServerContext* context,
                                       const v1::CreatePlanRequest* request,
                                       v1::Plan* response) override;
  grpc::ServerUnaryReactor* UpdatePlan(grpc::CallbackServerContext* context,
                                       const v1::UpdatePlanRequest* request,
                                       v1::Plan* response) override;
  grpc::ServerUnaryReactor* DeletePlan(grpc::CallbackServerContext* context,
                                       const v1::DeletePlanRequest* request,
                                       google::protobuf::Empty* response) override;

  grpc::ServerUnaryReactor* GetTask(grpc::CallbackServerContext* context,
                                    const v1::GetTaskRequest* request,
                                    v1::Task* response) override;
  grpc::ServerUnaryReactor* ListTasks(grpc::CallbackServerContext* context,
                                      const v1::ListTasksRequest* request,
                                      v1::ListTasksResponse* response) override;
  grpc::ServerUnaryReactor* CreateTask(grpc::CallbackServerContext* context,
                                       const v1::CreateTaskRequest* request,
                                       v1::Task* response) override;
  grpc::ServerUnaryReactor* UpdateTask(grpc::CallbackServerContext* context,
                                       const v1::UpdateTaskRequest* request,
                                       v1::Task* response) override;
  grpc::ServerUnaryReactor* DeleteTask(grpc::CallbackServerContext* context,
                                       const v1::DeleteTaskRequest* request,
                                       google::protobuf::Empty* response) override;

  grpc::ServerUnaryReactor* ImportPlan(grpc::CallbackServerContext* context,
                                       const v1::ImportPlanRequest* request,
                                       v1::ImportPlanResponse* response) override;
  grpc::ServerUnaryReactor* ExportPlan(grpc::CallbackServerContext* context,
                                       const v1::ExportPlanRequest* request,
                                       v1::ExportPlanResponse* response) override;

  grpc::ServerUnaryReactor* GetUser(grpc::CallbackServerContext* context,
                                    const v1::GetUserRequest* request,
                                    v1::User* response) override;
  grpc::ServerUnaryReactor* ListUsers(grpc::CallbackServerContext* context,
                                      const v1::ListUsersRequest* request,
                                      v1::ListUsersResponse* response) override;
  grpc::ServerUnaryReactor* CreateUser(grpc::CallbackServerContext* context,
                                       const v1::CreateUserRequest* request,
                                       v1::User* response) override;
  grpc::ServerUnaryReactor* UpdateUser(grpc::CallbackServerContext* context,
                                       const v1::UpdateUserRequest* request,
                                       v1::User* response) override;
  grpc::ServerUnaryReactor* DeleteUser(grpc::CallbackServerContext* context,
                                       const v1::DeleteUserRequest* request,
                                       google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* SetPassword(grpc::CallbackServerContext* context,
                                        const v1::SetPasswordRequest* request,
                                        v1::User* response) override;
  grpc::ServerUnaryReactor* CreatePasswordReset(grpc::CallbackServerContext* context,
                                                const v1::CreatePasswordResetRequest* request,
                                                v1::PasswordReset* response) override;

 private:
  Registry* registry_;
  People* people_;
  CallDispatcher* dispatcher_;
  const AccessPolicy* policy_;
};

}  // namespace tonghop::registry

#endif  // TONGHOP_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
