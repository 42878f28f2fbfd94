#ifndef TONGHOP_STORAGE_STORE_LAYOUT_H_
#define TONGHOP_STORAGE_STORE_LAYOUT_H_

// The layout version of a store and the migrations between versions.
//
// Every store records the version of the key and value layout it was
// written with (its "layout version record"). Opening a store with
// UpgradeLayout():
//   - a store without the record and without data is new: it is stamped
//     with the current version;
//   - a store without the record but with data was written before versions
//     were recorded: it counts as version 1;
//   - an older version runs the registered migrations in order, each one
//     written together with the version it reaches in one WriteBatch, so a
//     kill -9 at any point leaves the store at one version or the next,
//     never in between, and the next open goes on from there;
//   - a newer version than this binary knows is refused (FAILED_PRECONDITION)
//     and the store is left untouched: an older binary does not know what the
//     newer layout means.
// Each store's layout (its column families, keys, values and version) is
// defined in its schema header beside the service (docs/architecture.md,
// "Stores and key layouts").

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/column_family.h"
#include "storage/kv_store.h"

namespace tonghop::storage {

// Brings a store from layout `from_version` to `from_version + 1`: the puts
// and deletes to make, read from the store as it is. The batch, with the new
// version record added, is written atomically, so a migration must fit in
// one batch and must not write by itself.
struct LayoutMigration {
  int from_version = 0;
  // What the step does, for the log ("rewrite positions as 8-byte numbers").
  std::string description;
  std::function<absl::StatusOr<WriteBatch>(const KvReader& store)> changes;
};

// What a binary knows of one store's layout. Copyable value.
struct StoreLayout {
  // The store's name in messages ("registry").
  std::string store;
  // Every column family of the store, in the order they are opened.
  std::vector<ColumnFamily> column_families;
  // Where the version record is: decimal text.
  ColumnFamily version_column_family = kDefaultColumnFamily;
  std::string version_key = "tonghop/layout";
  // The version this binary reads and writes; 1 or more.
  int version = 1;
  // One migration from each older version, 1 to version - 1.
  std::vector<LayoutMigration> migrations;
};

// What UpgradeLayout found and did.
struct LayoutUpgrade {
  // The version found: 0 for a new, empty store; 1 for data written before
  // versions were recorded.
  int found_version = 0;
  // The version the store is at now (StoreLayout::version).
  int version = 0;
  // The descriptions of the migrations that ran, in order.
  std::vector<std::string> migrations;
};

// Brings `store` to `layout.version` as the file comment says, before any
// other use of the store. Writes nothing when the store is already at that
// version. Logs each migration to stderr. Errors: FAILED_PRECONDITION for a
// newer version, or an older one no registered migration starts from;
// DATA_LOSS for an unreadable version record; a migration's own error or a
// store error (the store then stays at the last version reached).
absl::StatusOr<LayoutUpgrade> UpgradeLayout(KvStore* store, const StoreLayout& layout);

// The version recorded in `store`, or 0 when there is no record.
absl::StatusOr<int> RecordedLayoutVersion(const KvReader& store, const StoreLayout& layout);

}  // namespace tonghop::storage

#endif  // TONGHOP_STORAGE_STORE_LAYOUT_H_
