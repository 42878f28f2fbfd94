#include "services/aggregation/registry_view.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"

namespace tonghop::aggregation {

std::vector<std::string> PlanIndicators(const PlanInfo& plan) {
  std::vector<std::string> indicators;
  std::set<std::string> seen;
  for (const v1::Task& task : plan.tasks) {
    for (const std::string& indicator : task.indicators()) {
      if (seen.insert(indicator).second) indicators.push_back(indicator);
    }
  }
  return indicators;
}


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

CachingRegistryView::CachingRegistryView(const RegistryReader* source, const Clock* clock,
                                   absl::Duration ttl)
    : source_(source), clock_(clock), ttl_(ttl) {}

absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> CachingRegistryView::Load() {
  ASSIGN_OR_RETURN(std::vector<v1::Agency> agencies, source_->ListAgencies());
  ASSIGN_OR_RETURN(std::vector<v1::Indicator> indicators, source_->ListIndicators());
  ASSIGN_OR_RETURN(std::vector<v1::Dimension> dimensions, source_->ListDimensions());
  auto snapshot = std::make_shared<RegistrySnapshot>();
  for (v1::Indicator& indicator : indicators) {
    std::string name = indicator.name();
    snapshot->indicators.emplace(std::move(name), std::move(indicator));
  }
  for (v1::Dimension& dimension : dimensions) {
    std::string name = dimension.name();
    snapshot->dimensions.emplace(std::move(name), std::move(dimension));
  }
  snapshot->hierarchy = std::make_shared<Hierarchy>(std::move(agencies));
  return std::shared_ptr<const RegistrySnapshot>(std::move(snapshot));
}

absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> CachingRegistryView::Snapshot(
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

absl::StatusOr<std::shared_ptr<const PlanInfo>> CachingRegistryView::LoadPlan(
    absl::string_view name) {
  ASSIGN_OR_RETURN(std::optional<v1::Plan> plan, source_->FindPlan(name));
  if (!plan.has_value()) return NotFound(name);
  auto info = std::make_shared<PlanInfo>();
  info->plan = *std::move(plan);
  ASSIGN_OR_RETURN(info->tasks, source_->ListTasks(name));
  return std::shared_ptr<const PlanInfo>(std::move(info));
}

absl::StatusOr<std::shared_ptr<const PlanInfo>> CachingRegistryView::Plan(absl::string_view name) {
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
