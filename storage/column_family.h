#ifndef TONGHOP_STORAGE_COLUMN_FAMILY_H_
#define TONGHOP_STORAGE_COLUMN_FAMILY_H_

// A handle naming one column family of a store, defined once in the schema
// header of the store that owns it (services/*/…_schema.h) and passed to
// KvReader, KvStore and WriteBatch calls instead of a string literal.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace tonghop::storage {

// The name of a column family, as a type of its own so that a schema lists
// its column families once and call sites cannot pass a key where the
// column family goes. It converts to the name the storage calls take, so
// code written against names keeps working. A literal type: define handles
// as `inline constexpr ColumnFamily kFoo{"foo"};`. Immutable; the name must
// outlive the handle (a string literal does).
class ColumnFamily {
 public:
  constexpr explicit ColumnFamily(absl::string_view name) : name_(name) {}

  constexpr absl::string_view name() const { return name_; }
  // The storage calls take the name.
  constexpr operator absl::string_view() const { return name_; }  // NOLINT
  explicit operator std::string() const { return std::string(name_); }

  friend constexpr bool operator==(ColumnFamily a, ColumnFamily b) { return a.name_ == b.name_; }
  friend constexpr bool operator!=(ColumnFamily a, ColumnFamily b) { return a.name_ != b.name_; }

 private:
  absl::string_view name_;
};

// RocksDB's own column family, which every store has; it holds the store's
// epoch generation and its layout version (storage/store_layout.h).
inline constexpr ColumnFamily kDefaultColumnFamily{"default"};

// The names of `families`, for OpenRocksDbStore.
inline std::vector<std::string> ColumnFamilyNames(const std::vector<ColumnFamily>& families) {
  std::vector<std::string> names;
  names.reserve(families.size());
  for (ColumnFamily family : families) names.emplace_back(family.name());
  return names;
}

}  // namespace tonghop::storage

#endif  // TONGHOP_STORAGE_COLUMN_FAMILY_H_
