#ifndef TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_MODULE_H_
#define TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "services/common/service_module.h"

namespace tonghop::submissions {

// Opens the submissions store under env.data_dir and returns the
// Submissions service. It reads the registry through env.channel("registry")
// (attached in Start(), so the registry must be hosted in the same process
// or given by address), calling as env.operator_agency. Stop() ends every
// open WatchChanges stream with UNAVAILABLE so that shutdown is prompt.
absl::StatusOr<std::unique_ptr<ServiceModule>> CreateSubmissionsModule(
    const ServiceEnvironment& env);

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_MODULE_H_
