#include "services/common/registry_reader.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/identity.h"

namespace tonghop {
namespace {

// A registry error other than NOT_FOUND means the registry could not answer;
// the message names the registry so that the caller knows which service
// failed.
absl::Status RegistryFailure(const grpc::Status& status) {
  absl::Status inner = FromGrpcStatus(status);
  return absl::Status(inner.code(), absl::StrCat("registry: ", inner.message()));
}

template <typename T>
absl::StatusOr<std::optional<T>> Found(const grpc::Status& status, T value) {
  if (status.ok()) return std::optional<T>(std::move(value));
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return std::optional<T>();
  return RegistryFailure(status);
}

}  // namespace

GrpcRegistryReader::GrpcRegistryReader(std::string caller_agency, absl::Duration timeout)
    : caller_agency_(std::move(caller_agency)), timeout_(timeout) {}

void GrpcRegistryReader::Attach(std::shared_ptr<grpc::Channel> channel) {
  absl::MutexLock lock(&mu_);
  stub_ = channel ? std::make_shared<v1::Registry::Stub>(channel) : nullptr;
}

absl::StatusOr<std::shared_ptr<v1::Registry::Stub>> GrpcRegistryReader::Stub() const {
  absl::MutexLock lock(&mu_);
  if (stub_ == nullptr) {
    return absl::UnavailableError("registry: not connected yet; try again shortly");
  }
  return stub_;
}

std::unique_ptr<grpc::ClientContext> GrpcRegistryReader::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!caller_agency_.empty()) {
    context->AddMetadata(std::string(kAgencyHeader), caller_agency_);
  }
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  return context;
}

absl::StatusOr<std::optional<v1::Agency>> GrpcRegistryReader::FindAgency(
    absl::string_view name) const {
  auto stub = Stub();
  if (!stub.ok()) return stub.status();
  v1::GetAgencyRequest request;
  request.set_name(std::string(name));
  v1::Agency response;
  auto context = NewContext();
  grpc::Status status = (*stub)->GetAgency(context.get(), request, &response);
  return Found(status, std::move(response));
}

absl::StatusOr<std::optional<v1::Plan>> GrpcRegistryReader::FindPlan(absl::string_view name) const {
  auto stub = Stub();
  if (!stub.ok()) return stub.status();
  v1::GetPlanRequest request;
  request.set_name(std::string(name));
  v1::Plan response;
  auto context = NewContext();
  grpc::Status status = (*stub)->GetPlan(context.get(), request, &response);
  return Found(status, std::move(response));
}

template <typename Response, typename Item, typename Request, typename Call, typename Items>
absl::StatusOr<std::vector<Item>> GrpcRegistryReader::ListAllPages(Request request,
                                                                  absl::string_view method,
                                                                  const Call& call,
                                                                  const Items& items) const {
  auto stub = Stub();
  if (!stub.ok()) return stub.status();
  std::vector<Item> all;
  request.set_page_size(1000);
  for (int page = 0; page < 1000; ++page) {
    Response response;
    auto context = NewContext();
    grpc::Status status = call(**stub, context.get(), request, &response);
    if (!status.ok()) return RegistryFailure(status);
    for (Item& item : *items(response)) all.push_back(std::move(item));
    if (response.next_page_token().empty()) return all;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError(
      absl::StrCat("registry: ", method, " did not end after 1000 pages"));
}

absl::StatusOr<std::vector<v1::Task>> GrpcRegistryReader::ListTasks(absl::string_view plan) const {
  v1::ListTasksRequest request;
  request.set_parent(std::string(plan));
  return ListAllPages<v1::ListTasksResponse, v1::Task>(
      std::move(request), "ListTasks",
      [](v1::Registry::Stub& stub, grpc::ClientContext* context, const v1::ListTasksRequest& r,
         v1::ListTasksResponse* response) { return stub.ListTasks(context, r, response); },
      [](v1::ListTasksResponse& response) { return response.mutable_tasks(); });
}

absl::StatusOr<std::vector<v1::Plan>> GrpcRegistryReader::ListPlans() const {
  return ListAllPages<v1::ListPlansResponse, v1::Plan>(
      v1::ListPlansRequest(), "ListPlans",
      [](v1::Registry::Stub& stub, grpc::ClientContext* context, const v1::ListPlansRequest& r,
         v1::ListPlansResponse* response) { return stub.ListPlans(context, r, response); },
      [](v1::ListPlansResponse& response) { return response.mutable_plans(); });
}

absl::StatusOr<std::vector<v1::Agency>> GrpcRegistryReader::ListAgencies() const {
  return ListAllPages<v1::ListAgenciesResponse, v1::Agency>(
      v1::ListAgenciesRequest(), "ListAgencies",
      [](v1::Registry::Stub& stub, grpc::ClientContext* context,
         const v1::ListAgenciesRequest& r, v1::ListAgenciesResponse* response) {
        return stub.ListAgencies(context, r, response);
      },
      [](v1::ListAgenciesResponse& response) { return response.mutable_agencies(); });
}

absl::StatusOr<std::vector<v1::User>> GrpcRegistryReader::ListUsers(
    absl::string_view agency) const {
  v1::ListUsersRequest request;
  request.set_agency(std::string(agency));
  return ListAllPages<v1::ListUsersResponse, v1::User>(
      std::move(request), "ListUsers",
      [](v1::Registry::Stub& stub, grpc::ClientContext* context, const v1::ListUsersRequest& r,
         v1::ListUsersResponse* response) { return stub.ListUsers(context, r, response); },
      [](v1::ListUsersResponse& response) { return response.mutable_users(); });
}

absl::StatusOr<std::optional<v1::Indicator>> GrpcRegistryReader::FindIndicator(
    absl::string_view name) const {
  auto stub = Stub();
  if (!stub.ok()) return stub.status();
  v1::GetIndicatorRequest request;
  request.set_name(std::string(name));
  v1::Indicator response;
  auto context = NewContext();
  grpc::Status status = (*stub)->GetIndicator(context.get(), request, &response);
  return Found(status, std::move(response));
}

absl::StatusOr<std::optional<v1::Dimension>> GrpcRegistryReader::FindDimension(
    absl::string_view name) const {
  auto stub = Stub();
  if (!stub.ok()) return stub.status();
  v1::GetDimensionRequest request;
  request.set_name(std::string(name));
  v1::Dimension response;
  auto context = NewContext();
  grpc::Status status = (*stub)->GetDimension(context.get(), request, &response);
  return Found(status, std::move(response));
}

absl::StatusOr<std::vector<v1::Indicator>> GrpcRegistryReader::ListIndicators() const {
  return ListAllPages<v1::ListIndicatorsResponse, v1::Indicator>(
      v1::ListIndicatorsRequest(), "ListIndicators",
      [](v1::Registry::Stub& stub, grpc::ClientContext* context,
         const v1::ListIndicatorsRequest& r, v1::ListIndicatorsResponse* response) {
        return stub.ListIndicators(context, r, response);
      },
      [](v1::ListIndicatorsResponse& response) { return response.mutable_indicators(); });
}

absl::StatusOr<std::vector<v1::Dimension>> GrpcRegistryReader::ListDimensions() const {
  return ListAllPages<v1::ListDimensionsResponse, v1::Dimension>(
      v1::ListDimensionsRequest(), "ListDimensions",
      [](v1::Registry::Stub& stub, grpc::ClientContext* context,
         const v1::ListDimensionsRequest& r, v1::ListDimensionsResponse* response) {
        return stub.ListDimensions(context, r, response);
      },
      [](v1::ListDimensionsResponse& response) { return response.mutable_dimensions(); });
}

// ---- FakeRegistryReader ----

void FakeRegistryReader::Put(const v1::Agency& agency) {
  absl::MutexLock lock(&mu_);
  agencies_[agency.name()] = agency;
}

void FakeRegistryReader::Put(const v1::Plan& plan) {
  absl::MutexLock lock(&mu_);
  plans_[plan.name()] = plan;
}

void FakeRegistryReader::Put(const v1::Task& task) {
  absl::MutexLock lock(&mu_);
  std::string plan = task.name().substr(0, task.name().find("/tasks/"));
  tasks_[plan].push_back(task);
}

void FakeRegistryReader::Put(const v1::Indicator& indicator) {
  absl::MutexLock lock(&mu_);
  indicators_[indicator.name()] = indicator;
}

void FakeRegistryReader::Put(const v1::Dimension& dimension) {
  absl::MutexLock lock(&mu_);
  dimensions_[dimension.name()] = dimension;
}

void FakeRegistryReader::set_unavailable(bool unavailable) {
  absl::MutexLock lock(&mu_);
  unavailable_ = unavailable;
}

template <typename T>
absl::StatusOr<std::optional<T>> FakeRegistryReader::Find(const std::map<std::string, T>& from,
                                                          absl::string_view name) const {
  absl::MutexLock lock(&mu_);
  if (unavailable_) return absl::UnavailableError("registry: unavailable (fake)");
  auto it = from.find(std::string(name));
  if (it == from.end()) return std::optional<T>();
  return std::optional<T>(it->second);
}

absl::StatusOr<std::optional<v1::Agency>> FakeRegistryReader::FindAgency(
    absl::string_view name) const {
  return Find(agencies_, name);
}

absl::StatusOr<std::optional<v1::Plan>> FakeRegistryReader::FindPlan(absl::string_view name) const {
  return Find(plans_, name);
}

absl::StatusOr<std::vector<v1::Task>> FakeRegistryReader::ListTasks(absl::string_view plan) const {
  absl::MutexLock lock(&mu_);
  if (unavailable_) return absl::UnavailableError("registry: unavailable (fake)");
  auto it = tasks_.find(std::string(plan));
  if (it == tasks_.end()) return std::vector<v1::Task>();
  return it->second;
}

absl::StatusOr<std::vector<v1::Plan>> FakeRegistryReader::ListPlans() const {
  absl::MutexLock lock(&mu_);
  if (unavailable_) return absl::UnavailableError("registry: unavailable (fake)");
  std::vector<v1::Plan> plans;
  for (const auto& [name, plan] : plans_) plans.push_back(plan);
  return plans;
}

absl::StatusOr<std::vector<v1::Agency>> FakeRegistryReader::ListAgencies() const {
  absl::MutexLock lock(&mu_);
  if (unavailable_) return absl::UnavailableError("registry: unavailable (fake)");
  std::vector<v1::Agency> agencies;
  for (const auto& [name, agency] : agencies_) agencies.push_back(agency);
  return agencies;
}

absl::StatusOr<std::vector<v1::User>> FakeRegistryReader::ListUsers(
    absl::string_view agency) const {
  absl::MutexLock lock(&mu_);
  if (unavailable_) return absl::UnavailableError("registry: unavailable (fake)");
  std::vector<v1::User> users;
  for (const auto& [name, user] : users_) {
    if (user.agency() == agency) users.push_back(user);
  }
  return users;
}

void FakeRegistryReader::Put(const v1::User& user) {
  absl::MutexLock lock(&mu_);
  users_[user.name()] = user;
}

absl::StatusOr<std::optional<v1::Indicator>> FakeRegistryReader::FindIndicator(
    absl::string_view name) const {
  return Find(indicators_, name);
}

absl::StatusOr<std::optional<v1::Dimension>> FakeRegistryReader::FindDimension(
    absl::string_view name) const {
  return Find(dimensions_, name);
}

absl::StatusOr<std::vector<v1::Indicator>> FakeRegistryReader::ListIndicators() const {
  absl::MutexLock lock(&mu_);
  if (unavailable_) return absl::UnavailableError("registry: unavailable (fake)");
  std::vector<v1::Indicator> indicators;
  for (const auto& [name, indicator] : indicators_) indicators.push_back(indicator);
  return indicators;
}

absl::StatusOr<std::vector<v1::Dimension>> FakeRegistryReader::ListDimensions() const {
  absl::MutexLock lock(&mu_);
  if (unavailable_) return absl::UnavailableError("registry: unavailable (fake)");
  std::vector<v1::Dimension> dimensions;
  for (const auto& [name, dimension] : dimensions_) dimensions.push_back(dimension);
  return dimensions;
}

CachingRegistryReader::CachingRegistryReader(const RegistryReader* source, absl::Duration ttl)
    : source_(source), ttl_(ttl) {}

template <typename T>
absl::StatusOr<T> CachingRegistryReader::Lookup(Cache<T>& cache, absl::string_view name,
                                                const std::function<absl::StatusOr<T>()>& load,
                                                const std::function<bool(const T&)>& keep) const {
  absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache.find(name);
    if (it != cache.end() && now - it->second.read_at < ttl_) return it->second.value;
  }
  absl::StatusOr<T> loaded = load();
  if (!loaded.ok() || !keep(*loaded)) return loaded;
  absl::MutexLock lock(&mu_);
  cache[std::string(name)] = Entry<T>{*loaded, now};
  return loaded;
}

namespace {

template <typename T>
bool Present(const std::optional<T>& value) {
  return value.has_value();
}

}  // namespace

absl::StatusOr<std::optional<v1::Agency>> CachingRegistryReader::FindAgency(
    absl::string_view name) const {
  return Lookup<std::optional<v1::Agency>>(
      agencies_, name, [&] { return source_->FindAgency(name); }, Present<v1::Agency>);
}

absl::StatusOr<std::optional<v1::Plan>> CachingRegistryReader::FindPlan(
    absl::string_view name) const {
  return Lookup<std::optional<v1::Plan>>(
      plans_, name, [&] { return source_->FindPlan(name); }, Present<v1::Plan>);
}

absl::StatusOr<std::vector<v1::Task>> CachingRegistryReader::ListTasks(
    absl::string_view plan) const {
  return Lookup<std::vector<v1::Task>>(
      tasks_, plan, [&] { return source_->ListTasks(plan); },
      [](const std::vector<v1::Task>& tasks) { return !tasks.empty(); });
}

absl::StatusOr<std::vector<v1::Plan>> CachingRegistryReader::ListPlans() const {
  return source_->ListPlans();
}

absl::StatusOr<std::vector<v1::Agency>> CachingRegistryReader::ListAgencies() const {
  return source_->ListAgencies();
}

absl::StatusOr<std::vector<v1::User>> CachingRegistryReader::ListUsers(
    absl::string_view agency) const {
  return source_->ListUsers(agency);
}

absl::StatusOr<std::optional<v1::Indicator>> CachingRegistryReader::FindIndicator(
    absl::string_view name) const {
  return Lookup<std::optional<v1::Indicator>>(
      indicators_, name, [&] { return source_->FindIndicator(name); }, Present<v1::Indicator>);
}

absl::StatusOr<std::optional<v1::Dimension>> CachingRegistryReader::FindDimension(
    absl::string_view name) const {
  return Lookup<std::optional<v1::Dimension>>(
      dimensions_, name, [&] { return source_->FindDimension(name); }, Present<v1::Dimension>);
}

absl::StatusOr<std::vector<v1::Indicator>> CachingRegistryReader::ListIndicators() const {
  return source_->ListIndicators();
}

absl::StatusOr<std::vector<v1::Dimension>> CachingRegistryReader::ListDimensions() const {
  return source_->ListDimensions();
}

}  // namespace tonghop
