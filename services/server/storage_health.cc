#include "services/server/storage_health.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace tonghop {

std::string StoreHealthName(absl::string_view store) {
  return absl::StrCat("tonghop.storage.", store);
}

std::string StoreSpaceHealthName(absl::string_view store) {
  return absl::StrCat("tonghop.storage.", store, ".space");
}

std::function<void(const storage::StoreCondition&)> StorageHealth::Callback(
    std::function<void(const storage::StoreCondition&)> also) {
  return [this, also = std::move(also)](const storage::StoreCondition& condition) {
    Update(condition);
    if (also) also(condition);
  };
}

void StorageHealth::Attach(grpc::HealthCheckServiceInterface* health) {
  absl::MutexLock lock(&mu_);
  health_ = health;
  for (const auto& [store, condition] : latest_) PublishLocked(condition);
}

void StorageHealth::Detach() {
  absl::MutexLock lock(&mu_);
  health_ = nullptr;
}

void StorageHealth::Update(const storage::StoreCondition& condition) {
  absl::MutexLock lock(&mu_);
  latest_[condition.store] = condition;
  PublishLocked(condition);
}

void StorageHealth::PublishLocked(const storage::StoreCondition& condition) {
  if (health_ == nullptr) return;
  health_->SetServingStatus(StoreHealthName(condition.store), condition.writable);
  health_->SetServingStatus(StoreSpaceHealthName(condition.store), !condition.low_space);
}

}  // namespace tonghop
