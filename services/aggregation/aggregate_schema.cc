#include "services/aggregation/aggregate_schema.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

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

// Version 3 to 4: every generation's feed position, and the upstream
// push's, from decimal text to EncodeFeedPosition. A few keys: one batch.
absl::StatusOr<storage::WriteBatch> FeedPositionsAsNumbers(const storage::KvReader& store) {
  storage::WriteBatch batch;
  absl::StatusOr<std::optional<std::string>> active = store.Get(kMetaCf, ActiveKey());
  if (!active.ok()) return active.status();
  absl::Status failed;
  absl::Status scanned = store.Scan(
      kMetaCf, PositionPrefix(), storage::PrefixEnd(PositionPrefix()),
      [&](absl::string_view key, absl::string_view value) {
        std::optional<uint64_t> generation = GenerationOfPositionKey(key);
        int64_t position = 0;
        if (generation && absl::SimpleAtoi(value, &position) && position >= 0) {
          batch.Put(kMetaCf, key, EncodeFeedPosition(position));
        } else if (active->has_value() && generation &&
                   **active == absl::StrCat(*generation)) {
          failed = absl::DataLossError(absl::StrCat("unreadable feed position of generation ",
                                                    *generation));
          return false;
        } else {
          // A generation that is not in use: dropped later, from 0 if ever
          // read.
          batch.Put(kMetaCf, key, EncodeFeedPosition(0));
        }
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!failed.ok()) return failed;
  absl::StatusOr<std::optional<std::string>> pushed =
      store.Get(kUpstreamPushCf, UpstreamPositionKey());
  if (!pushed.ok()) return pushed.status();
  if (pushed->has_value()) {
    int64_t position = 0;
    if (!absl::SimpleAtoi(**pushed, &position) || position < 0) {
      return absl::DataLossError("unreadable upstream push position");
    }
    batch.Put(kUpstreamPushCf, UpstreamPositionKey(), EncodeFeedPosition(position));
  }
  return batch;
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
  // Versions 1 and 2 were older layouts of the roll-up table; version 4
  // had no subtree counts, version 5 no digest of their members.
  layout.migrations = {StartRollupsOver(1), StartRollupsOver(2),
                       {3, "feed positions as 8-byte numbers", FeedPositionsAsNumbers},
                       StartRollupsOver(4), StartRollupsOver(5)};
  return layout;
}

std::vector<std::string> AggregationColumnFamilies() {
  return storage::ColumnFamilyNames({kMetaCf, kDataCf});
}

}  // namespace tonghop::aggregation
