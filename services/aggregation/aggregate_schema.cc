#include "services/aggregation/aggregate_schema.h"

namespace tonghop::aggregation {
namespace {

// The migration of every older roll-up layout: forget the active
// generation, so that AggregateStore::Open starts an empty one that the feed
// consumer fills from the change feed; the old generations are then
// leftovers, dropped in the background.
storage::LayoutMigration StartRollupsOver(int from_version) {
  return {from_version, "the roll-ups are rebuilt from the change feed",
          [](const storage::KvReader&) -> absl::StatusOr<storage::WriteBatch> {
            storage::WriteBatch batch;
            batch.Delete(kMetaCf, ActiveKey());
            return batch;
          }};
}

}  // namespace

storage::StoreLayout AggregationLayout() {
  storage::StoreLayout layout;
  layout.store = "aggregation";
  layout.column_families = {kMetaCf,         kDataCf,           kDraftsCf,      kDraftRequestsCf,
                            kAuditColumnFamily, kReceivedFiguresCf, kUpstreamPushCf};
  layout.version_column_family = kMetaCf;
  layout.version_key = LayoutKey();
  layout.version = kAggregationLayoutVersion;
  // Versions 1 and 2 were older layouts of the roll-up table.
  layout.migrations = {StartRollupsOver(1), StartRollupsOver(2)};
  return layout;
}

std::vector<std::string> AggregationColumnFamilies() {
  return storage::ColumnFamilyNames({kMetaCf, kDataCf});
}

}  // namespace tonghop::aggregation
