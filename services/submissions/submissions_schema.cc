#include "services/submissions/submissions_schema.h"

namespace tonghop::submissions {

storage::StoreLayout SubmissionsLayout() {
  storage::StoreLayout layout;
  layout.store = "submissions";
  layout.column_families = {kReportsColumnFamily, kFeedColumnFamily, kIdempotencyColumnFamily,
                            kNoticesColumnFamily, kAuditColumnFamily};
  layout.version = kSubmissionsLayoutVersion;
  // No migrations yet: version 1 is the only layout there has been.
  return layout;
}

std::vector<std::string> SubmissionsColumnFamilies() {
  return storage::ColumnFamilyNames(SubmissionsLayout().column_families);
}

}  // namespace tonghop::submissions
