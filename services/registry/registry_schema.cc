#include "services/registry/registry_schema.h"

namespace tonghop::registry {

storage::StoreLayout RegistryLayout() {
  storage::StoreLayout layout;
  layout.store = "registry";
  layout.column_families = {kResourcesColumnFamily, kIndexColumnFamily, kIdempotencyColumnFamily,
                            kPeopleColumnFamily, kAuditColumnFamily};
  layout.version = kRegistryLayoutVersion;
  // No migrations yet: version 1 is the only layout there has been.
  return layout;
}

std::vector<std::string> RegistryColumnFamilies() {
  return storage::ColumnFamilyNames(RegistryLayout().column_families);
}

}  // namespace tonghop::registry
