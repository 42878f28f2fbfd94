#ifndef TONGHOP_STORAGE_ROCKSDB_STORE_H_
#define TONGHOP_STORAGE_ROCKSDB_STORE_H_

// KvStore on RocksDB. One directory holds one database; each named column
// family is a RocksDB column family.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/kv_store.h"

namespace tonghop::storage {

struct RocksDbOptions {
  // Sync the write-ahead log before acknowledging a write. Only benchmarks
  // measuring the unsynced limit turn this off.
  bool sync_writes = true;
};

// Opens (creating when missing) the database in `path` with exactly these
// column families. The returned store is thread-safe and owns the database;
// destroying it closes the database.
absl::StatusOr<std::unique_ptr<KvStore>> OpenRocksDbStore(
    const std::string& path, const std::vector<std::string>& column_families,
    RocksDbOptions options = {});

}  // namespace tonghop::storage

#endif  // TONGHOP_STORAGE_ROCKSDB_STORE_H_
