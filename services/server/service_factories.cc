#include "services/server/server_host.h"
#include "services/registry/registry_module.h"
#ifdef TONGHOP_HAVE_SUBMISSIONS
#include "services/submissions/submissions_module.h"
#endif
#ifdef TONGHOP_HAVE_AGGREGATION
#include "services/aggregation/aggregation_module.h"
#endif

namespace tonghop {

std::map<std::string, ModuleFactory> AllServiceFactories() {
  std::map<std::string, ModuleFactory> factories;
  factories[std::string(kRegistryService)] = registry::CreateRegistryModule;
#ifdef TONGHOP_HAVE_SUBMISSIONS
  factories[std::string(kSubmissionsService)] = submissions::CreateSubmissionsModule;
#endif
#ifdef TONGHOP_HAVE_AGGREGATION
  factories[std::string(kAggregationService)] = aggregation::CreateAggregationModule;
#endif
  return factories;
}

}  // namespace tonghop
