#include "services/aggregation/registry_view.h"

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/identity.h"
#include "services/common/status_macros.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop::aggregation {

void StaticRegistryView::SetAgencies(std::vector<v1::Agency> agencies) {
  absl::MutexLock lock(&mu_);
  agencies_ = std::move(agencies);
  snapshot_.reset();
}

void StaticRegistryView::AddIndicator(v1::Indicator indicator) {
  absl::MutexLock lock(&mu_);
  std::string name = indicator.name();
  indicators_[name] = std::move(indicator);
  snapshot_.reset();
}

void StaticRegistryView::AddDimension(v1::Dimension dimension) {
  absl::MutexLock lock(&mu_);
  std::string name = dimension.name();
  dimensions_[name] = std::move(dimension);
  snapshot_.reset();
}

void StaticRegistryView::SetPlan(v1::Plan plan, std::vector<v1::Task> tasks) {
  absl::MutexLock lock(&mu_);
  auto info = std::make_shared<PlanInfo>();
  std::string name = plan.name();
  info->plan = std::move(plan);
  info->tasks = std::move(tasks);
  plans_[name] = std::move(info);
}

absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> StaticRegistryView::Snapshot(bool) {
  absl::MutexLock lock(&mu_);
  if (snapshot_ == nullptr) {
    auto snapshot = std::make_shared<RegistrySnapshot>();
    snapshot->hierarchy = std::make_shared<Hierarchy>(agencies_);
    snapshot->indicators = indicators_;
    snapshot->dimensions = dimensions_;
    snapshot_ = std::move(snapshot);
  }
  return snapshot_;
}

absl::StatusOr<std::shared_ptr<const PlanInfo>> StaticRegistryView::Plan(absl::string_view name) {
  absl::MutexLock lock(&mu_);
  auto it = plans_.find(std::string(name));
  if (it == plans_.end()) return NotFound(name);
  return it->second;
}

GrpcRegistryView::GrpcRegistryView(ChannelProvider channel, std::string agency,
                                   const Clock* clock, absl::Duration ttl)
    : channel_(std::move(channel)), agency_(std::move(agency)), clock_(clock), ttl_(ttl) {}

namespace {

std::unique_ptr<grpc::ClientContext> NewContext(const std::string& agency) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!agency.empty()) context->AddMetadata(std::string(kAgencyHeader), agency);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

absl::Status Unreachable(const grpc::Status& status, absl::string_view what) {
  absl::Status s = FromGrpcStatus(status);
  if (s.code() == absl::StatusCode::kNotFound) return s;
  return absl::UnavailableError(
      absl::StrCat("the registry could not be read (", what, "): ", s.message()));
}

// Reads every page of a List call.
template <typename Request, typename Response, typename Call, typename Visit>
absl::Status ReadAllPages(const std::string& agency, Request request, Call call, Visit visit,
                          absl::string_view what) {
  request.set_page_size(1000);
  while (true) {
    Response response;
    auto context = NewContext(agency);
    grpc::Status status = call(context.get(), request, &response);
    if (!status.ok()) return Unreachable(status, what);
    visit(response);
    if (response.next_page_token().empty()) return absl::OkStatus();
    request.set_page_token(response.next_page_token());
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> GrpcRegistryView::Load() {
  std::shared_ptr<grpc::Channel> channel = channel_ ? channel_() : nullptr;
  if (channel == nullptr) {
    return absl::UnavailableError("no registry is configured for the aggregation service");
  }
  auto stub = v1::Registry::NewStub(channel);
  std::vector<v1::Agency> agencies;
  auto snapshot = std::make_shared<RegistrySnapshot>();
  RETURN_IF_ERROR((ReadAllPages<v1::ListAgenciesRequest, v1::ListAgenciesResponse>(
      agency_, v1::ListAgenciesRequest(),
      [&](grpc::ClientContext* c, const v1::ListAgenciesRequest& r, v1::ListAgenciesResponse* o) {
        return stub->ListAgencies(c, r, o);
      },
      [&](const v1::ListAgenciesResponse& r) {
        for (const auto& a : r.agencies()) agencies.push_back(a);
      },
      "agencies")));
  RETURN_IF_ERROR((ReadAllPages<v1::ListIndicatorsRequest, v1::ListIndicatorsResponse>(
      agency_, v1::ListIndicatorsRequest(),
      [&](grpc::ClientContext* c, const v1::ListIndicatorsRequest& r,
          v1::ListIndicatorsResponse* o) { return stub->ListIndicators(c, r, o); },
      [&](const v1::ListIndicatorsResponse& r) {
        for (const auto& i : r.indicators()) snapshot->indicators[i.name()] = i;
      },
      "indicators")));
  RETURN_IF_ERROR((ReadAllPages<v1::ListDimensionsRequest, v1::ListDimensionsResponse>(
      agency_, v1::ListDimensionsRequest(),
      [&](grpc::ClientContext* c, const v1::ListDimensionsRequest& r,
          v1::ListDimensionsResponse* o) { return stub->ListDimensions(c, r, o); },
      [&](const v1::ListDimensionsResponse& r) {
        for (const auto& d : r.dimensions()) snapshot->dimensions[d.name()] = d;
      },
      "dimensions")));
  snapshot->hierarchy = std::make_shared<Hierarchy>(std::move(agencies));
  return std::shared_ptr<const RegistrySnapshot>(std::move(snapshot));
}

absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> GrpcRegistryView::Snapshot(
    bool refresh) {
  {
    absl::MutexLock lock(&mu_);
    if (!refresh && snapshot_ != nullptr && clock_->Now() - loaded_at_ < ttl_) {
      return snapshot_;
    }
  }
  absl::MutexLock load_lock(&load_mu_);
  {
    // Another caller may have loaded while this one waited.
    absl::MutexLock lock(&mu_);
    if (snapshot_ != nullptr && clock_->Now() - loaded_at_ < (refresh ? absl::ZeroDuration() : ttl_)) {
      return snapshot_;
    }
  }
  absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> loaded = Load();
  absl::MutexLock lock(&mu_);
  if (!loaded.ok()) {
    if (snapshot_ != nullptr) return snapshot_;
    return loaded.status();
  }
  snapshot_ = *loaded;
  loaded_at_ = clock_->Now();
  return snapshot_;
}

absl::StatusOr<std::shared_ptr<const PlanInfo>> GrpcRegistryView::LoadPlan(
    absl::string_view name) {
  std::shared_ptr<grpc::Channel> channel = channel_ ? channel_() : nullptr;
  if (channel == nullptr) {
    return absl::UnavailableError("no registry is configured for the aggregation service");
  }
  auto stub = v1::Registry::NewStub(channel);
  auto info = std::make_shared<PlanInfo>();
  v1::GetPlanRequest get;
  get.set_name(std::string(name));
  auto context = NewContext(agency_);
  grpc::Status status = stub->GetPlan(context.get(), get, &info->plan);
  if (!status.ok()) return Unreachable(status, name);
  v1::ListTasksRequest list;
  list.set_parent(std::string(name));
  RETURN_IF_ERROR((ReadAllPages<v1::ListTasksRequest, v1::ListTasksResponse>(
      agency_, list,
      [&](grpc::ClientContext* c, const v1::ListTasksRequest& r, v1::ListTasksResponse* o) {
        return stub->ListTasks(c, r, o);
      },
      [&](const v1::ListTasksResponse& r) {
        for (const auto& t : r.tasks()) info->tasks.push_back(t);
      },
      "tasks")));
  return std::shared_ptr<const PlanInfo>(std::move(info));
}

absl::StatusOr<std::shared_ptr<const PlanInfo>> GrpcRegistryView::Plan(absl::string_view name) {
  {
    absl::MutexLock lock(&mu_);
    auto it = plans_.find(std::string(name));
    if (it != plans_.end() && clock_->Now() - it->second.loaded_at < ttl_) {
      return it->second.info;
    }
  }
  absl::StatusOr<std::shared_ptr<const PlanInfo>> loaded = LoadPlan(name);
  absl::MutexLock lock(&mu_);
  if (!loaded.ok()) {
    auto it = plans_.find(std::string(name));
    if (loaded.status().code() != absl::StatusCode::kNotFound && it != plans_.end()) {
      return it->second.info;
    }
    if (loaded.status().code() == absl::StatusCode::kNotFound) plans_.erase(std::string(name));
    return loaded.status();
  }
  plans_[std::string(name)] = CachedPlan{*loaded, clock_->Now()};
  return *loaded;
}

}  // namespace tonghop::aggregation
