#include "clients/loadgen/limits.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "clients/loadgen/echo.grpc.pb.h"
#include "clients/loadgen/rpc.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "services/common/audit_schema.h"
#include "services/common/idempotency_schema.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/submissions/submissions_schema.h"
#include "storage/key_encoding.h"
#include "storage/rocksdb_store.h"
#include "tonghop/v1/audit_service.pb.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop::loadgen {
namespace {

constexpr char kColumnFamily[] = "values";

// Keeps the first error of several threads.
class FirstError {
 public:
  void Set(absl::Status status) {
    absl::MutexLock lock(&mu_);
    if (status_.ok()) status_ = std::move(status);
  }
  absl::Status Get() const {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

class EchoService final : public Echo::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const EchoRequest* request, EchoResponse* response) override {
    response->mutable_payload()->assign(static_cast<size_t>(request->response_bytes()), 'x');
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// What WriteSynced did.
struct SyncedWrites {
  int64_t batches = 0;
  double seconds = 0;
};

// Opens a fresh RocksDB store at `dir` (which must not exist) with
// `column_families`, and has `writers` threads write the batches
// `make_batch(writer, n)` builds (n counts each writer's batches), each
// synced, until at least `min_batches` batches and `min_time` have passed;
// then removes `dir`. A batch is built before its write, as the server
// builds one before its sync, and counts in the time. Concurrent writers let
// RocksDB group-commit their syncs, as a server with many clients does.
// `make_batch` is called from every writer thread at once.
absl::StatusOr<SyncedWrites> WriteSynced(
    const std::string& dir, const std::vector<std::string>& column_families, int writers,
    int64_t min_batches, absl::Duration min_time,
    const std::function<storage::WriteBatch(int writer, int64_t n)>& make_batch) {
  if (std::filesystem::exists(dir)) {
    return absl::FailedPreconditionError(absl::StrCat(dir, " already exists"));
  }
  SyncedWrites written;
  {
    ASSIGN_OR_RETURN(std::unique_ptr<storage::KvStore> store,
                     storage::OpenRocksDbStore(dir, column_families));
    std::atomic<int64_t> batches{0};
    FirstError error;
    const absl::Time start = absl::Now();
    const absl::Time not_before = start + min_time;
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        for (int64_t n = 0;; ++n) {
          if (batches.load() >= min_batches && absl::Now() >= not_before) return;
          absl::Status status = store->Write(make_batch(w, n));
          if (!status.ok()) {
            error.Set(status);
            return;
          }
          batches.fetch_add(1);
        }
      });
    }
    for (std::thread& t : threads) t.join();
    written.seconds = absl::ToDoubleSeconds(absl::Now() - start);
    written.batches = batches.load();
    if (absl::Status s = error.Get(); !s.ok()) return s;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return written;
}

// Sizes of what the submissions store writes beside a report: a request
// fingerprint (services/common/etag.h: 64 bits in hex) and an audit hash
// (SHA-256).
constexpr size_t kFingerprintChars = 16;

// The batch one Submit of `report` writes (see MeasureReportBatchLimit),
// as the first submission of agency `agency_id` at feed and audit position
// `sequence`.
storage::WriteBatch SubmitBatch(const v1::Report& report, const std::string& agency_id,
                                int64_t sequence) {
  const std::string agency = absl::StrCat("agencies/", agency_id);
  const std::string stored = report.SerializeAsString();
  // The report's plan and period (its name is checked before the first
  // batch); `agency_id` for its agency.
  ReportNameParts parts = ParseReportName(report.name(), "name").value_or(ReportNameParts());
  parts.agency_id = agency_id;
  storage::WriteBatch batch;
  batch.Put(submissions::kReportsColumnFamily, submissions::ReportKey(parts), stored);
  batch.Put(submissions::kReportsColumnFamily, submissions::RevisionKey(parts, 1), stored);
  v1::Change change;
  change.set_kind(v1::CHANGE_KIND_SUBMITTED);
  change.set_sequence(sequence);
  *change.mutable_report() = report;
  *change.mutable_time() = report.submit_time();
  batch.Put(submissions::kFeedColumnFamily, submissions::ChangeKey(sequence),
            change.SerializeAsString());
  batch.Put(submissions::kFeedColumnFamily, submissions::CounterKey(),
            submissions::EncodeCounter(sequence));
  const std::string request_id = absl::StrFormat("00000000-0000-4000-8000-%012d", sequence);
  batch.Put(submissions::kIdempotencyColumnFamily, IdempotencyKey(agency, request_id),
            IdempotencyRecordValue("Submit", std::string(kFingerprintChars, 'f'), stored));
  v1::AuditRecord record;
  record.set_store("submissions");
  record.set_sequence(sequence);
  *record.mutable_time() = report.submit_time();
  record.set_actor(agency);
  record.set_agency(agency);
  record.set_method("Submit");
  record.set_resource(MakeReportName(agency_id, parts.plan_id, parts.period));
  record.set_request_id(request_id);
  record.mutable_result()->set_code(0);
  record.set_peer("ipv4:127.0.0.1:54321");
  record.set_previous_hash(std::string(2 * kAuditHashBytes, 'a'));
  const std::string hash(kAuditHashBytes, 'h');
  batch.Put(kAuditColumnFamily, AuditRecordKey(sequence),
            absl::StrCat(hash, record.SerializeAsString()));
  batch.Put(kAuditColumnFamily, AuditHeadKey(), EncodeAuditHead(sequence, hash));
  return batch;
}

}  // namespace

absl::StatusOr<RocksDbLimit> MeasureRocksDbLimit(const std::string& dir, int writers,
                                                 int values_per_batch, int64_t min_values,
                                                 absl::Duration min_time) {
  RocksDbLimit limit;
  limit.writers = writers;
  limit.values_per_batch = values_per_batch;
  const int64_t min_batches =
      values_per_batch > 0 ? (min_values + values_per_batch - 1) / values_per_batch : 0;
  auto make_batch = [&](int w, int64_t n) {
    // One batch is one report: the agency, plan and period, then one key
    // per indicator cell.
    storage::WriteBatch batch;
    std::string value(8, '\0');
    std::string agency = absl::StrCat("lg-w", w, "-", n);
    for (int v = 0; v < values_per_batch; ++v) {
      std::string key = storage::KeyBuilder(0x10)
                            .String(agency)
                            .String("lg-ke-hoach")
                            .String("2026")
                            .String(absl::StrCat("lg-chi-tieu-", v / 5))
                            .String(absl::StrCat("sex=", v % 5))
                            .Build();
      value[0] = static_cast<char>(v);
      batch.Put(kColumnFamily, key, value);
    }
    return batch;
  };
  ASSIGN_OR_RETURN(SyncedWrites written, WriteSynced(dir, {kColumnFamily}, writers,
                                                     min_batches, min_time, make_batch));
  limit.seconds = written.seconds;
  limit.batches = written.batches;
  limit.values = written.batches * values_per_batch;
  return limit;
}

absl::StatusOr<ReportBatchLimit> MeasureReportBatchLimit(
    const std::string& dir, int writers, const std::vector<v1::Report>& stored_reports,
    int64_t min_batches, absl::Duration min_time) {
  if (stored_reports.empty()) return absl::InvalidArgumentError("no sample report");
  ReportBatchLimit limit;
  limit.writers = writers;
  {
    int64_t batch_bytes = 0, report_bytes = 0;
    for (const v1::Report& report : stored_reports) {
      if (auto parsed = ParseReportName(report.name(), "name"); !parsed.ok()) {
        return parsed.status();
      }
      report_bytes += static_cast<int64_t>(report.ByteSizeLong());
      const storage::WriteBatch batch = SubmitBatch(report, "lg-size", 1);
      for (const auto& op : batch.ops()) {
        batch_bytes += static_cast<int64_t>(op.key.size() + op.value.value_or("").size());
      }
    }
    const int64_t n = static_cast<int64_t>(stored_reports.size());
    limit.batch_bytes = static_cast<int>(batch_bytes / n);
    limit.report_bytes = static_cast<int>(report_bytes / n);
  }
  std::atomic<int64_t> sequence{0};
  auto make_batch = [&](int w, int64_t n) {
    // Each batch a new agency's first submission, at the next feed and
    // audit position.
    return SubmitBatch(stored_reports[static_cast<size_t>(n) % stored_reports.size()],
                       absl::StrCat("lg-w", w, "-", n), sequence.fetch_add(1) + 1);
  };
  const std::vector<std::string> column_families = storage::ColumnFamilyNames(
      {submissions::kReportsColumnFamily, submissions::kFeedColumnFamily,
       submissions::kIdempotencyColumnFamily, kAuditColumnFamily});
  ASSIGN_OR_RETURN(SyncedWrites written, WriteSynced(dir, column_families, writers,
                                                     min_batches, min_time, make_batch));
  limit.seconds = written.seconds;
  limit.batches = written.batches;
  return limit;
}

absl::StatusOr<EchoLimit> MeasureEchoLimit(int threads, int request_bytes, int response_bytes,
                                           int64_t min_calls, absl::Duration min_time) {
  EchoService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) return absl::InternalError("echo server: could not start");
  const std::string address = absl::StrCat("127.0.0.1:", port);

  EchoLimit limit;
  limit.threads = threads;
  limit.request_bytes = request_bytes;
  limit.response_bytes = response_bytes;
  std::atomic<int64_t> calls{0};
  FirstError error;
  // Connect every channel before the clock starts, as the real clients are
  // connected by the time they submit.
  std::vector<std::unique_ptr<Echo::Stub>> stubs;
  for (int t = 0; t < threads; ++t) {
    auto channel = NewPlaintextChannel(address);
    if (!channel->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(10)))) {
      server->Shutdown();
      return absl::UnavailableError("echo server: could not connect");
    }
    stubs.push_back(Echo::NewStub(channel));
  }
  const absl::Time start = absl::Now();
  const absl::Time not_before = start + min_time;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      EchoRequest request;
      request.set_payload(std::string(static_cast<size_t>(request_bytes), 'r'));
      request.set_response_bytes(response_bytes);
      while (calls.load() < min_calls || absl::Now() < not_before) {
        EchoResponse response;
        auto context = CallAs("agencies/bo-tu-phap");
        grpc::Status status = stubs[t]->Echo(context.get(), request, &response);
        if (!status.ok()) {
          error.Set(FromGrpc(status, "echo"));
          return;
        }
        calls.fetch_add(1);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  limit.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  limit.calls = calls.load();
  server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  if (absl::Status s = error.Get(); !s.ok()) return s;
  return limit;
}

}  // namespace tonghop::loadgen
