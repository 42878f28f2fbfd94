#include "services/server/store_metrics.h"

namespace tonghop {

void CollectStoreMetrics(const std::vector<NamedStore>& stores, MetricsSink& sink) {
  for (const NamedStore& named : stores) {
    const storage::StoreStats stats = named.store->Stats();
    const MetricLabels store = {{"store", named.name}};
    sink.Gauge("tonghop_store_live_sst_bytes", "Bytes of the store's live table files.", store,
               static_cast<double>(stats.live_sst_bytes));
    sink.Gauge("tonghop_store_memtable_bytes",
               "Bytes of the store's data not yet flushed to table files.", store,
               static_cast<double>(stats.memtable_bytes));
    sink.Gauge("tonghop_store_wal_bytes", "Bytes of the store's write-ahead log files.", store,
               static_cast<double>(stats.wal_bytes));
    sink.Gauge("tonghop_store_estimated_keys", "RocksDB's estimate of the store's keys.", store,
               static_cast<double>(stats.estimated_keys));
    sink.Gauge("tonghop_store_pending_compaction_bytes",
               "Bytes RocksDB estimates compaction has to rewrite to settle the store.", store,
               static_cast<double>(stats.pending_compaction_bytes));
    sink.Gauge("tonghop_store_running_compactions", "Compactions of the store running now.",
               store, static_cast<double>(stats.running_compactions));
    sink.Counter("tonghop_store_compactions_total",
                 "Compactions of the store completed since the server started (memtable "
                 "flushes not counted).",
                 store, static_cast<double>(stats.compactions));
    sink.Counter("tonghop_store_compaction_seconds_total",
                 "Time spent compacting the store since the server started.", store,
                 stats.compaction_seconds);
    sink.Counter("tonghop_store_compaction_written_bytes_total",
                 "Bytes written by compactions of the store since the server started.", store,
                 static_cast<double>(stats.compaction_bytes_written));
  }
}

}  // namespace tonghop
