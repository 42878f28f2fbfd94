#ifndef TONGHOP_SERVICES_REGISTRY_REGISTRY_MODULE_H_
#define TONGHOP_SERVICES_REGISTRY_REGISTRY_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "services/common/service_module.h"

namespace tonghop::registry {

// Opens the registry's store under env.data_dir and returns the Registry
// service, with plan-document import when the importer is linked in.
absl::StatusOr<std::unique_ptr<ServiceModule>> CreateRegistryModule(
    const ServiceEnvironment& env);

}  // namespace tonghop::registry

#endif  // TONGHOP_SERVICES_REGISTRY_REGISTRY_MODULE_H_
