#ifndef TONGHOP_SERVICES_AGGREGATION_AGGREGATION_MODULE_H_
#define TONGHOP_SERVICES_AGGREGATION_AGGREGATION_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "services/common/service_module.h"

namespace tonghop::aggregation {

// Opens the aggregation store under env.data_dir and returns the Aggregation
// service. Start() begins consuming the Submissions change feed from
// env.channel("submissions") as env.operator_agency; Stop() cancels it.
absl::StatusOr<std::unique_ptr<ServiceModule>> CreateAggregationModule(
    const ServiceEnvironment& env);

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_AGGREGATION_MODULE_H_
