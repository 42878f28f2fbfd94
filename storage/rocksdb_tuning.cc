#include "storage/rocksdb_tuning.h"

#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"

namespace tonghop::storage::internal {

StoreMemory NewStoreMemory() {
  StoreMemory memory;
  rocksdb::LRUCacheOptions cache;
  cache.capacity = kStoreBlockCacheBytes;
  // Index and filter partitions are cached with high priority (below), so
  // a scan of cold data evicts data blocks before the blocks that locate
  // them.
  cache.high_pri_pool_ratio = 0.5;
  memory.block_cache = rocksdb::NewLRUCache(cache);
  // Not charged to the block cache: memtables that outgrow what is left of
  // it leave no room for the filters every lookup reads, and each lookup
  // then reads and checksums a whole filter block from the file (seen at
  // medium scale: the roll-ups still applying the history minutes after the
  // last accept, instead of 0.3 s).
  memory.write_buffers = std::make_shared<rocksdb::WriteBufferManager>(kStoreWriteBufferBytes);
  return memory;
}

rocksdb::Options TunedOptions(const StoreMemory& memory, uint64_t write_buffer_bytes) {
  rocksdb::Options options;

  // Two background jobs (flushes and compactions) for a 2-core machine
  // that also serves the requests.
  options.max_background_jobs = 2;
  // Logs beyond this flush the column families still holding them, which
  // bounds both the disk they take and the replay on restart.
  options.max_total_wal_size = 64 << 20;
  options.write_buffer_manager = memory.write_buffers;

  // Leveled compaction: a store is read by point lookups and short prefix
  // scans while being written, which leveled compaction serves with one
  // file per level to look in; universal compaction may hold twice the data
  // on disk while it merges. Dynamic level sizes make the last level the
  // one that holds the data and size the ones above from it, so about 90 %
  // of the bytes are in the last level and the space overhead stays near
  // 1.1 whatever the size of the store.
  options.compaction_style = rocksdb::kCompactionStyleLevel;
  options.level_compaction_dynamic_level_bytes = true;

  // Compression: LZ4 where data passes through (the memtable flushes and
  // the upper levels, rewritten often, where a fast codec keeps compaction
  // cheap on 2 cores) and ZSTD in the last level, which holds nearly all of
  // it and is rewritten least. Keys share long prefixes and values are
  // small serialized records, which both compress well.
  options.compression = rocksdb::kLZ4Compression;
  options.bottommost_compression = rocksdb::kZSTD;

  // Memtables: the roll-ups rewrite the same sums batch after batch, and a
  // memtable keeps each version until it is flushed; a larger one drops
  // more of them before they reach the disk. The write buffer manager above
  // caps the sum over the store's column families, so that the mostly idle
  // ones (audit, idempotency, drafts) leave their room to the busy one.
  options.write_buffer_size =
      write_buffer_bytes != 0 ? write_buffer_bytes : kDefaultWriteBufferBytes;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = memory.block_cache;
  // 16 KiB blocks compress better than the default 4 KiB (more repeated
  // key prefixes and field names per block) and need a quarter of the
  // index entries; a point lookup reads a larger block, mostly from the
  // cache.
  table.block_size = 16 << 10;
  // Indexes and filters live in the bounded cache rather than beside it, so
  // memory does not grow with the data. They are partitioned: a lookup
  // loads the 4 KiB partition of the filter and the index it needs, not the
  // whole filter of a file (megabytes at national scale, which a small
  // cache would evict and read again at every lookup). The top-level
  // indexes of the partitions, and everything of level 0, which every
  // lookup reads, stay pinned.
  table.index_type = rocksdb::BlockBasedTableOptions::IndexType::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_top_level_index_and_filter = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // A bloom filter of 10 bits per key (1 % false positives) spares most
  // lookups of absent keys (idempotency checks, new sums) a block read;
  // filters are sized to the allocator's blocks, not rounded up.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.optimize_filters_for_memory = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace tonghop::storage::internal
