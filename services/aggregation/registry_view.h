#ifndef TONGHOP_SERVICES_AGGREGATION_REGISTRY_VIEW_H_
#define TONGHOP_SERVICES_AGGREGATION_REGISTRY_VIEW_H_

// What the aggregation service needs from the registry, behind a small
// interface: the hierarchy, indicators and dimensions as one snapshot, and
// plans with their tasks. The registry is another service and is read only
// through its gRPC API (CachingRegistryView over a GrpcRegistryReader);
// tests use StaticRegistryView or a FakeRegistryReader.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "services/aggregation/hierarchy.h"
#include "services/common/clock.h"
#include "services/common/registry_reader.h"
#include "tonghop/v1/indicator.pb.h"
#include "tonghop/v1/plan.pb.h"

namespace tonghop::aggregation {

// One consistent reading of the registry's agencies, indicators and
// dimensions. Immutable.
struct RegistrySnapshot {
  std::shared_ptr<const Hierarchy> hierarchy;
  std::map<std::string, v1::Indicator> indicators;
  std::map<std::string, v1::Dimension> dimensions;

  const v1::Indicator* FindIndicator(absl::string_view name) const {
    auto it = indicators.find(std::string(name));
    return it == indicators.end() ? nullptr : &it->second;
  }
  const v1::Dimension* FindDimension(absl::string_view name) const {
    auto it = dimensions.find(std::string(name));
    return it == dimensions.end() ? nullptr : &it->second;
  }
};

// A plan with its tasks in document order. Immutable.
struct PlanInfo {
  v1::Plan plan;
  std::vector<v1::Task> tasks;
};

// The indicators the plan's tasks list, in document order, each once.
std::vector<std::string> PlanIndicators(const PlanInfo& plan);

// Implementations are thread-safe.
class RegistryView {
 public:
  virtual ~RegistryView() = default;
  // The current snapshot; with `refresh`, read again from the source first.
  // UNAVAILABLE when the registry cannot be reached and nothing is cached.
  virtual absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> Snapshot(bool refresh) = 0;
  // A plan and its tasks; NOT_FOUND when the plan does not exist.
  virtual absl::StatusOr<std::shared_ptr<const PlanInfo>> Plan(absl::string_view name) = 0;
};

// Registry data held in memory and changed by its owner (tests, fixed data).
// Thread-safe; a change is seen by the next Snapshot().
class StaticRegistryView final : public RegistryView {
 public:
  void SetAgencies(std::vector<v1::Agency> agencies);
  void AddIndicator(v1::Indicator indicator);
  void AddDimension(v1::Dimension dimension);
  void SetPlan(v1::Plan plan, std::vector<v1::Task> tasks);

  absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> Snapshot(bool refresh) override;
  absl::StatusOr<std::shared_ptr<const PlanInfo>> Plan(absl::string_view name) override;

 private:
  absl::Mutex mu_;
  std::vector<v1::Agency> agencies_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::Indicator> indicators_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::Dimension> dimensions_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<const PlanInfo>> plans_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const RegistrySnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
};

// Reads the registry through `source` (the services' one registry client,
// services/common/registry_reader.h) and keeps what it read for `ttl`: the
// snapshot and each plan are read again when older than that, or at once
// when asked to refresh (the feed consumer does when a report names an
// agency the snapshot does not know). While the registry is unreachable the
// last good reading is served. Thread-safe; one load runs at a time. Does
// not own `source` or `clock`, which must outlive it.
class CachingRegistryView final : public RegistryView {
 public:
  CachingRegistryView(const RegistryReader* source, const Clock* clock,
                   absl::Duration ttl = kRegistrySnapshotTtl);

  absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> Snapshot(bool refresh) override;
  absl::StatusOr<std::shared_ptr<const PlanInfo>> Plan(absl::string_view name) override;

 private:
  absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> Load();
  absl::StatusOr<std::shared_ptr<const PlanInfo>> LoadPlan(absl::string_view name);

  const RegistryReader* source_;
  const Clock* clock_;
  absl::Duration ttl_;
  absl::Mutex load_mu_;  // one load at a time
  absl::Mutex mu_;
  std::shared_ptr<const RegistrySnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  absl::Time loaded_at_ ABSL_GUARDED_BY(mu_);
  struct CachedPlan {
    std::shared_ptr<const PlanInfo> info;
    absl::Time loaded_at;
  };
  std::map<std::string, CachedPlan> plans_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_REGISTRY_VIEW_H_
