#ifndef TONGHOP_CLIENTS_LOADGEN_LIMITS_H_
#define TONGHOP_CLIENTS_LOADGEN_LIMITS_H_

// The physical limits the load generator measures in the same run as the
// load, so that every figure can be read as a fraction of what the machine
// could do at that moment: synced RocksDB batch writes on the data disk
// (small values, and whole reports as a Submit stores them), and bare gRPC
// unary calls over loopback with the real calls' sizes and concurrency.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop::loadgen {

struct RocksDbLimit {
  int writers = 0;
  int values_per_batch = 0;
  int64_t batches = 0;
  int64_t values = 0;
  double seconds = 0;
  double values_per_second() const { return seconds > 0 ? values / seconds : 0; }
  double batches_per_second() const { return seconds > 0 ? batches / seconds : 0; }
};

// Writes synced batches of `values_per_batch` small values (keys shaped like
// a report's: agency, plan, period, indicator, cell) from `writers` threads
// at once, through storage::OpenRocksDbStore in a fresh database under
// `dir` (which must not exist; it is removed afterwards), until at least
// `min_values` values and `min_time` have passed. Concurrent writers let
// RocksDB group-commit their syncs, as a server with many clients does.
absl::StatusOr<RocksDbLimit> MeasureRocksDbLimit(const std::string& dir, int writers,
                                                 int values_per_batch, int64_t min_values,
                                                 absl::Duration min_time);

struct ReportBatchLimit {
  int writers = 0;
  // Keys and values of one batch, and of the stored report in it, averaged
  // over the sample reports.
  int batch_bytes = 0;
  int report_bytes = 0;
  int64_t batches = 0;
  double seconds = 0;
  double batches_per_second() const { return seconds > 0 ? batches / seconds : 0; }
};

// Writes one synced WriteBatch per call, shaped as the submissions store
// writes one Submit (services/submissions/submissions_schema.h): the
// report, its revision, the change-feed entry holding it and the feed
// counter, the idempotency record holding the answer, the audit record and
// the audit head. The reports are `stored_reports` in turn (each as the
// server stores it after a Submit), each batch under a new agency and
// sequence. From `writers` threads at once, through
// storage::OpenRocksDbStore in a fresh database under `dir` (which must not
// exist; it is removed afterwards), until at least `min_batches` batches
// and `min_time` have passed. `stored_reports` must not be empty.
absl::StatusOr<ReportBatchLimit> MeasureReportBatchLimit(
    const std::string& dir, int writers, const std::vector<v1::Report>& stored_reports,
    int64_t min_batches, absl::Duration min_time);

struct EchoLimit {
  int threads = 0;
  int request_bytes = 0;
  int response_bytes = 0;
  int64_t calls = 0;
  double seconds = 0;
  double calls_per_second() const { return seconds > 0 ? calls / seconds : 0; }
};

// Starts an echo server (callback API, as tonghopd's services) on
// 127.0.0.1:0 in this process and calls it from `threads` threads, each
// with its own channel and synchronous stub, as the load generator's
// clients do, with `request_bytes` up and `response_bytes` down, until at
// least `min_calls` calls and `min_time` have passed.
absl::StatusOr<EchoLimit> MeasureEchoLimit(int threads, int request_bytes,
                                           int response_bytes, int64_t min_calls,
                                           absl::Duration min_time);

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_LIMITS_H_
