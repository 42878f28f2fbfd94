#ifndef TONGHOP_STORAGE_ROCKSDB_TUNING_H_
#define TONGHOP_STORAGE_ROCKSDB_TUNING_H_

// How a RocksDB store uses memory, disk and CPU: the one place where the
// database and column family options that are a matter of performance are
// chosen (the ones that are a matter of safety stay in OpenDatabase, see
// rocksdb_store.h). Used by rocksdb_store.cc only.

#include <cstdint>
#include <memory>

#include "rocksdb/cache.h"
#include "rocksdb/options.h"
#include "rocksdb/write_buffer_manager.h"

namespace tonghop::storage::internal {

// The memory of one store, shared by all its column families and kept
// across the store's reopens (read-only, then writable again after a full
// disk), so that a store holds at most kStoreBlockCacheBytes of cached
// blocks, indexes and filters, and about kStoreWriteBufferBytes of
// memtables, whatever the number of its column families and the size of
// its data.
struct StoreMemory {
  std::shared_ptr<rocksdb::Cache> block_cache;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers;
};

// The block cache of a store: data blocks, and the index and filter
// partitions of its tables.
inline constexpr uint64_t kStoreBlockCacheBytes = 32 << 20;
// What the memtables of all the store's column families may take together
// before the largest is flushed.
inline constexpr uint64_t kStoreWriteBufferBytes = 64 << 20;
// One column family's memtable, unless RocksDbOptions::write_buffer_bytes
// says otherwise.
inline constexpr uint64_t kDefaultWriteBufferBytes = 32 << 20;

// A new store's memory: a cache of kStoreBlockCacheBytes and a write
// buffer manager of kStoreWriteBufferBytes. The result is thread-safe
// and may be shared by any number of open databases.
StoreMemory NewStoreMemory();

// The tuned options for a store, every column family's included (a store
// uses the same for each). `write_buffer_bytes` is one column family's
// memtable (0: kDefaultWriteBufferBytes). The caller adds what is not a
// matter of performance (creation, recovery, checks, logging, listeners).
rocksdb::Options TunedOptions(const StoreMemory& memory, uint64_t write_buffer_bytes);

}  // namespace tonghop::storage::internal

#endif  // TONGHOP_STORAGE_ROCKSDB_TUNING_H_
