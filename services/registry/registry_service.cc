#include "services/registry/registry_service.h"

#include "services/common/status_macros.h"

namespace tonghop::registry {

// Reads ask the access policy here; mutations leave it to the registry,
// which knows the agencies involved; the people class asks it itself.
#define TONGHOP_READ(Method, Request, Response, expr)                          \
  grpc::ServerUnaryReactor* RegistryService::Method(                          \
      grpc::CallbackServerContext* context, const v1::Request* request,       \
      Response* response) {                                                   \
    return dispatcher_->Serve(context, *request, response, {#Method},         \
                              [=](const Caller& caller) -> absl::StatusOr<Response> { \
                                RETURN_IF_ERROR(policy_->CheckReadRegistry(caller)); \
                                return expr;                                  \
                              });                                             \
  }

#define TONGHOP_WRITE(Method, Request, Response)                              \
  grpc::ServerUnaryReactor* RegistryService::Method(                          \
      grpc::CallbackServerContext* context, const v1::Request* request,       \
      Response* response) {                                                   \
    return dispatcher_->Serve(context, *request, response, {#Method, true},   \
                              [=](const Caller& caller) {                     \
                                return registry_->Method(caller, *request);   \
                              });                                             \
  }

#define TONGHOP_DELETE(Method, Request) \
  TONGHOP_WRITE(Method, Request, google::protobuf::Empty)

TONGHOP_READ(GetAgency, GetAgencyRequest, v1::Agency, registry_->GetAgency(request->name()))
TONGHOP_READ(ListAgencies, ListAgenciesRequest, v1::ListAgenciesResponse,
             registry_->ListAgencies(*request))
TONGHOP_WRITE(CreateAgency, CreateAgencyRequest, v1::Agency)
TONGHOP_WRITE(UpdateAgency, UpdateAgencyRequest, v1::Agency)
TONGHOP_DELETE(DeleteAgency, DeleteAgencyRequest)

TONGHOP_READ(GetDimension, GetDimensionRequest, v1::Dimension,
             registry_->GetDimension(request->name()))
TONGHOP_READ(ListDimensions, ListDimensionsRequest, v1::ListDimensionsResponse,
             registry_->ListDimensions(*request))
TONGHOP_WRITE(CreateDimension, CreateDimensionRequest, v1::Dimension)
TONGHOP_WRITE(UpdateDimension, UpdateDimensionRequest, v1::Dimension)
TONGHOP_DELETE(DeleteDimension, DeleteDimensionRequest)

TONGHOP_READ(GetIndicator, GetIndicatorRequest, v1::Indicator,
             registry_->GetIndicator(request->name()))
TONGHOP_READ(ListIndicators, ListIndicatorsRequest, v1::ListIndicatorsResponse,
             registry_->ListIndicators(*request))
TONGHOP_WRITE(CreateIndicator, CreateIndicatorRequest, v1::Indicator)
TONGHOP_WRITE(UpdateIndicator, UpdateIndicatorRequest, v1::Indicator)
TONGHOP_DELETE(DeleteIndicator, DeleteIndicatorRequest)

TONGHOP_READ(GetPlan, GetPlanRequest, v1::Plan, registry_->GetPlan(request->name()))
TONGHOP_READ(ListPlans, ListPlansRequest, v1::ListPlansResponse, registry_->ListPlans(*request))
TONGHOP_WRITE(CreatePlan, CreatePlanRequest, v1::Plan)
TONGHOP_WRITE(UpdatePlan, UpdatePlanRequest, v1::Plan)
TONGHOP_DELETE(DeletePlan, DeletePlanRequest)

TONGHOP_READ(GetTask, GetTaskRequest, v1::Task, registry_->GetTask(request->name()))
TONGHOP_READ(ListTasks, ListTasksRequest, v1::ListTasksResponse, registry_->ListTasks(*request))
TONGHOP_WRITE(CreateTask, CreateTaskRequest, v1::Task)
TONGHOP_WRITE(UpdateTask, UpdateTaskRequest, v1::Task)
TONGHOP_DELETE(DeleteTask, DeleteTaskRequest)

TONGHOP_WRITE(ImportPlan, ImportPlanRequest, v1::ImportPlanResponse)
TONGHOP_READ(ExportPlan, ExportPlanRequest, v1::ExportPlanResponse,
             registry_->ExportPlan(*request))

// People: the people class asks the policy.
#define TONGHOP_PEOPLE(Method, Request, Response, expr)                    \
  grpc::ServerUnaryReactor* RegistryService::Method(                      \
      grpc::CallbackServerContext* context, const v1::Request* request,   \
      Response* response) {                                               \
    return dispatcher_->Serve(context, *request, response, {#Method},     \
                              [=](const Caller& caller) { return expr; }); \
  }

TONGHOP_PEOPLE(GetUser, GetUserRequest, v1::User, people_->GetUser(caller, request->name()))
TONGHOP_PEOPLE(ListUsers, ListUsersRequest, v1::ListUsersResponse,
               people_->ListUsers(caller, *request))
TONGHOP_PEOPLE(CreateUser, CreateUserRequest, v1::User, people_->CreateUser(caller, *request))
TONGHOP_PEOPLE(UpdateUser, UpdateUserRequest, v1::User, people_->UpdateUser(caller, *request))
TONGHOP_PEOPLE(SetPassword, SetPasswordRequest, v1::User, people_->SetPassword(caller, *request))
TONGHOP_PEOPLE(CreatePasswordReset, CreatePasswordResetRequest, v1::PasswordReset,
               people_->CreatePasswordReset(caller, *request))

TONGHOP_PEOPLE(DeleteUser, DeleteUserRequest, google::protobuf::Empty,
               people_->DeleteUser(caller, *request))

#undef TONGHOP_PEOPLE
#undef TONGHOP_READ
#undef TONGHOP_WRITE
#undef TONGHOP_DELETE

}  // namespace tonghop::registry
