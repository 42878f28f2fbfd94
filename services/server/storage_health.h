#ifndef TONGHOP_SERVICES_SERVER_STORAGE_HEALTH_H_
#define TONGHOP_SERVICES_SERVER_STORAGE_HEALTH_H_

// The condition of each store a server hosts, published in the gRPC health
// service for probes and `tonghop admin storage`:
//
//   tonghop.storage.{store}        SERVING while the store takes writes,
//                                  NOT_SERVING while they are refused (a
//                                  full or failing disk); reads go on.
//   tonghop.storage.{store}.space  SERVING while free space is above the
//                                  warning threshold (--disk-free-warning).
//
// The services themselves stay SERVING: they answer reads either way.

#include <functional>
#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "grpcpp/health_check_service_interface.h"
#include "storage/rocksdb_store.h"

namespace tonghop {

// The health service names of a store's condition.
std::string StoreHealthName(absl::string_view store);
std::string StoreSpaceHealthName(absl::string_view store);

// Conditions that arrive before the server exists (stores open first) are
// kept and published on Attach. Thread-safe. Outlives the stores whose
// callbacks it handed out; Detach() before the health service goes away.
class StorageHealth {
 public:
  // Passes each condition on to `also` too, when set.
  std::function<void(const storage::StoreCondition&)> Callback(
      std::function<void(const storage::StoreCondition&)> also = nullptr);
  void Attach(grpc::HealthCheckServiceInterface* health);
  void Detach();

 private:
  void Update(const storage::StoreCondition& condition);
  void PublishLocked(const storage::StoreCondition& condition) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::map<std::string, storage::StoreCondition> latest_ ABSL_GUARDED_BY(mu_);
  grpc::HealthCheckServiceInterface* health_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_SERVER_STORAGE_HEALTH_H_
