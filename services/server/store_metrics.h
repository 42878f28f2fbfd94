#ifndef TONGHOP_SERVICES_SERVER_STORE_METRICS_H_
#define TONGHOP_SERVICES_SERVER_STORE_METRICS_H_

// The stores' sizes and compactions as Prometheus metrics, labelled by
// store (docs/operations.md, "Monitoring").

#include <vector>

#include "services/common/metrics.h"
#include "services/common/service_module.h"

namespace tonghop {

// Writes every store's statistics (KvStore::Stats) to `sink`.
void CollectStoreMetrics(const std::vector<NamedStore>& stores, MetricsSink& sink);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_SERVER_STORE_METRICS_H_
