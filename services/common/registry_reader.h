#ifndef TONGHOP_SERVICES_COMMON_REGISTRY_READER_H_
#define TONGHOP_SERVICES_COMMON_REGISTRY_READER_H_

// How services read the registry, the one client of it that both the
// submissions and the aggregation services use: behind an interface so that
// domain tests run on an in-memory fake, while the server reads the registry
// only through its gRPC API (GrpcRegistryReader). How long a service may
// keep what it read is decided here too (kRegistryLookupTtl,
// kRegistrySnapshotTtl).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "services/common/access_policy.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop {

// How long a point lookup (an agency, a plan and its tasks, an indicator) may
// be answered from a cache: a report's validation reads a dozen of them, and
// an administrator's change is seen by the next report within this time.
inline constexpr absl::Duration kRegistryLookupTtl = absl::Seconds(5);
// How long a whole reading of the registry (every agency, indicator and
// dimension) may be served: reading and indexing tens of thousands of
// agencies costs far more than a lookup, and a reader that meets an agency
// it does not know refreshes at once instead of waiting.
inline constexpr absl::Duration kRegistrySnapshotTtl = absl::Seconds(30);

// Read access to the registry. Absent resources are nullopt; an error means
// the registry could not be asked. Implementations are thread-safe. Its
// agencies are what the access policy reasons about.
class RegistryReader : public AgencyDirectory {
 public:
  ~RegistryReader() override = default;
  virtual absl::StatusOr<std::optional<v1::Plan>> FindPlan(absl::string_view name) const = 0;
  // Every task of the plan, in document order.
  virtual absl::StatusOr<std::vector<v1::Task>> ListTasks(absl::string_view plan) const = 0;
  // Every plan, in name order.
  virtual absl::StatusOr<std::vector<v1::Plan>> ListPlans() const = 0;
  // Every agency, in name order (for the notice scheduler, which finds who
  // owes each round).
  virtual absl::StatusOr<std::vector<v1::Agency>> ListAgencies() const = 0;
  // The people of `agency` (`agencies/{agency}`), in name order: whom its
  // notices are sent to.
  virtual absl::StatusOr<std::vector<v1::User>> ListUsers(absl::string_view agency) const = 0;
  virtual absl::StatusOr<std::optional<v1::Indicator>> FindIndicator(
      absl::string_view name) const = 0;
  virtual absl::StatusOr<std::optional<v1::Dimension>> FindDimension(
      absl::string_view name) const = 0;
  // Every indicator, in name order.
  virtual absl::StatusOr<std::vector<v1::Indicator>> ListIndicators() const = 0;
  // Every dimension, in name order.
  virtual absl::StatusOr<std::vector<v1::Dimension>> ListDimensions() const = 0;
};

// Reads the registry over gRPC, calling as `caller_agency` (the instance's
// operator). The channel is attached after the hosting server has started
// (service channels exist only then); until then every read is
// UNAVAILABLE. Thread-safe.
class GrpcRegistryReader final : public RegistryReader {
 public:
  explicit GrpcRegistryReader(std::string caller_agency,
                              absl::Duration timeout = absl::Seconds(10));

  void Attach(std::shared_ptr<grpc::Channel> channel);

  absl::StatusOr<std::optional<v1::Agency>> FindAgency(absl::string_view name) const override;
  absl::StatusOr<std::optional<v1::Plan>> FindPlan(absl::string_view name) const override;
  absl::StatusOr<std::vector<v1::Task>> ListTasks(absl::string_view plan) const override;
  absl::StatusOr<std::vector<v1::Plan>> ListPlans() const override;
  absl::StatusOr<std::vector<v1::Agency>> ListAgencies() const override;
  absl::StatusOr<std::vector<v1::User>> ListUsers(absl::string_view agency) const override;
  absl::StatusOr<std::optional<v1::Indicator>> FindIndicator(absl::string_view name) const override;
  absl::StatusOr<std::optional<v1::Dimension>> FindDimension(absl::string_view name) const override;
  absl::StatusOr<std::vector<v1::Indicator>> ListIndicators() const override;
  absl::StatusOr<std::vector<v1::Dimension>> ListDimensions() const override;

 private:
  absl::StatusOr<std::shared_ptr<v1::Registry::Stub>> Stub() const;
  std::unique_ptr<grpc::ClientContext> NewContext() const;
  // Every item of a List method, page after page; `call` makes one call,
  // `items` gives the page's repeated field.
  template <typename Response, typename Item, typename Request, typename Call, typename Items>
  absl::StatusOr<std::vector<Item>> ListAllPages(Request request, absl::string_view method,
                                                 const Call& call, const Items& items) const;

  std::string caller_agency_;
  absl::Duration timeout_;
  mutable absl::Mutex mu_;
  std::shared_ptr<v1::Registry::Stub> stub_ ABSL_GUARDED_BY(mu_);
};

// Keeps what `source` answered for `ttl` (but the lists, read afresh each
// time so that, for one, a new plan is owed at once): a report's validation reads its
// agency's ancestors, the plan, its tasks and every indicator it reports,
// and the registry changes far more rarely than reports arrive. Absent
// resources and errors are not kept, so a resource created a moment ago is
// found at once; a change to an existing one is seen within `ttl`.
// Thread-safe. Does not own `source`, which must outlive it.
class CachingRegistryReader final : public RegistryReader {
 public:
  CachingRegistryReader(const RegistryReader* source, absl::Duration ttl);

  absl::StatusOr<std::optional<v1::Agency>> FindAgency(absl::string_view name) const override;
  absl::StatusOr<std::optional<v1::Plan>> FindPlan(absl::string_view name) const override;
  absl::StatusOr<std::vector<v1::Task>> ListTasks(absl::string_view plan) const override;
  absl::StatusOr<std::vector<v1::Plan>> ListPlans() const override;
  absl::StatusOr<std::vector<v1::Agency>> ListAgencies() const override;
  absl::StatusOr<std::vector<v1::User>> ListUsers(absl::string_view agency) const override;
  absl::StatusOr<std::optional<v1::Indicator>> FindIndicator(absl::string_view name) const override;
  absl::StatusOr<std::optional<v1::Dimension>> FindDimension(absl::string_view name) const override;
  absl::StatusOr<std::vector<v1::Indicator>> ListIndicators() const override;
  absl::StatusOr<std::vector<v1::Dimension>> ListDimensions() const override;

 private:
  template <typename T>
  struct Entry {
    T value;
    absl::Time read_at;
  };
  template <typename T>
  using Cache = absl::flat_hash_map<std::string, Entry<T>>;

  // The kept answer for `name`, or `load`'s when there is none or it is
  // older than the time to live; `keep` says which answers may be kept.
  template <typename T>
  absl::StatusOr<T> Lookup(Cache<T>& cache, absl::string_view name,
                           const std::function<absl::StatusOr<T>()>& load,
                           const std::function<bool(const T&)>& keep) const;

  const RegistryReader* source_;
  absl::Duration ttl_;
  mutable absl::Mutex mu_;
  mutable Cache<std::optional<v1::Agency>> agencies_ ABSL_GUARDED_BY(mu_);
  mutable Cache<std::optional<v1::Plan>> plans_ ABSL_GUARDED_BY(mu_);
  mutable Cache<std::vector<v1::Task>> tasks_ ABSL_GUARDED_BY(mu_);
  mutable Cache<std::optional<v1::Indicator>> indicators_ ABSL_GUARDED_BY(mu_);
  mutable Cache<std::optional<v1::Dimension>> dimensions_ ABSL_GUARDED_BY(mu_);
};

// A registry held in memory, for tests. Thread-safe.
class FakeRegistryReader final : public RegistryReader {
 public:
  void Put(const v1::Agency& agency);
  void Put(const v1::Plan& plan);
  void Put(const v1::Task& task);  // appended to its plan's tasks in call order
  void Put(const v1::Indicator& indicator);
  void Put(const v1::Dimension& dimension);
  void Put(const v1::User& user);
  // Makes every read fail with UNAVAILABLE (or succeed again).
  void set_unavailable(bool unavailable);

  absl::StatusOr<std::optional<v1::Agency>> FindAgency(absl::string_view name) const override;
  absl::StatusOr<std::optional<v1::Plan>> FindPlan(absl::string_view name) const override;
  absl::StatusOr<std::vector<v1::Task>> ListTasks(absl::string_view plan) const override;
  absl::StatusOr<std::vector<v1::Plan>> ListPlans() const override;
  absl::StatusOr<std::vector<v1::Agency>> ListAgencies() const override;
  absl::StatusOr<std::vector<v1::User>> ListUsers(absl::string_view agency) const override;
  absl::StatusOr<std::optional<v1::Indicator>> FindIndicator(absl::string_view name) const override;
  absl::StatusOr<std::optional<v1::Dimension>> FindDimension(absl::string_view name) const override;
  absl::StatusOr<std::vector<v1::Indicator>> ListIndicators() const override;
  absl::StatusOr<std::vector<v1::Dimension>> ListDimensions() const override;

 private:
  template <typename T>
  absl::StatusOr<std::optional<T>> Find(const std::map<std::string, T>& from,
                                        absl::string_view name) const;

  mutable absl::Mutex mu_;
  bool unavailable_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, v1::Agency> agencies_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::Plan> plans_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<v1::Task>> tasks_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::Indicator> indicators_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::Dimension> dimensions_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::User> users_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_REGISTRY_READER_H_
