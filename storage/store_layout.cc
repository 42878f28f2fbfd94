#include "storage/store_layout.h"

#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace tonghop::storage {
namespace {

// True when any of the store's own column families holds a key (the
// default column family holds the storage's own records, not the store's).
absl::StatusOr<bool> HoldsData(const KvReader& store, const StoreLayout& layout) {
  for (ColumnFamily family : layout.column_families) {
    if (family == kDefaultColumnFamily) continue;
    bool found = false;
    absl::Status status = store.Scan(family, "", "", [&](absl::string_view key, absl::string_view) {
      found = key != layout.version_key || family != layout.version_column_family;
      return !found;
    });
    if (!status.ok()) return status;
    if (found) return true;
  }
  return false;
}

const LayoutMigration* MigrationFrom(const StoreLayout& layout, int version) {
  for (const LayoutMigration& migration : layout.migrations) {
    if (migration.from_version == version) return &migration;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<int> RecordedLayoutVersion(const KvReader& store, const StoreLayout& layout) {
  absl::StatusOr<std::optional<std::string>> record =
      store.Get(layout.version_column_family, layout.version_key);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return 0;
  int version = 0;
  if (!absl::SimpleAtoi(**record, &version) || version < 1) {
    return absl::DataLossError(absl::StrCat("storage ", layout.store,
                                            ": unreadable layout version record \"",
                                            absl::CHexEscape(**record), "\""));
  }
  return version;
}

absl::StatusOr<LayoutUpgrade> UpgradeLayout(KvStore* store, const StoreLayout& layout) {
  LayoutUpgrade upgrade;
  upgrade.version = layout.version;
  absl::StatusOr<int> recorded = RecordedLayoutVersion(*store, layout);
  if (!recorded.ok()) return recorded.status();
  int version = *recorded;
  if (version == 0) {
    absl::StatusOr<bool> holds_data = HoldsData(*store, layout);
    if (!holds_data.ok()) return holds_data.status();
    version = *holds_data ? 1 : 0;
  }
  upgrade.found_version = version;
  if (version > layout.version) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage ", layout.store, ": the store has layout version ", version,
        ", written by a newer release; this release knows versions up to ", layout.version,
        " and does not open it (nothing was changed). Run the newer release again, or restore "
        "the backup taken before the upgrade (docs/operations.md, \"Upgrades and downgrades\")"));
  }
  if (version == 0 || (version == layout.version && *recorded == 0)) {
    // A new store, or one written at this version before versions were
    // recorded: nothing to migrate, only the record to write.
    WriteBatch batch;
    batch.Put(layout.version_column_family, layout.version_key, absl::StrCat(layout.version));
    absl::Status written = store->Write(batch);
    if (!written.ok() && written.GetPayload(kStorageConditionPayload).has_value()) {
      // A full or failing disk (the store may have opened read-only): the
      // data is already in this layout, so it is served, and the record is
      // written at the next open.
      std::cerr << "storage " << layout.store << ": layout version " << layout.version
                << " not recorded yet: " << written.message() << std::endl;
      return upgrade;
    }
    if (!written.ok()) return written;
    return upgrade;
  }
  while (version < layout.version) {
    const LayoutMigration* migration = MigrationFrom(layout, version);
    if (migration == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("storage ", layout.store, ": no migration from layout version ", version,
                       " to ", version + 1, " is known"));
    }
    absl::StatusOr<WriteBatch> batch = migration->changes(*store);
    if (!batch.ok()) {
      return absl::Status(batch.status().code(),
                          absl::StrCat("storage ", layout.store, ": migrating layout version ",
                                       version, " to ", version + 1, ": ",
                                       batch.status().message()));
    }
    batch->Put(layout.version_column_family, layout.version_key, absl::StrCat(version + 1));
    absl::Status written = store->Write(*batch);
    if (!written.ok()) return written;
    std::cerr << "storage " << layout.store << ": layout version " << version << " → "
              << version + 1 << ": " << migration->description << std::endl;
    upgrade.migrations.push_back(migration->description);
    ++version;
  }
  return upgrade;
}

}  // namespace tonghop::storage
