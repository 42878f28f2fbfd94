#include "clients/loadgen/limits.h"

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "clients/loadgen/echo.grpc.pb.h"
#include "clients/loadgen/rpc.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "storage/key_encoding.h"
#include "storage/rocksdb_store.h"

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

}  // namespace

absl::StatusOr<RocksDbLimit> MeasureRocksDbLimit(const std::string& dir, int writers,
                                                 int values_per_batch, int64_t min_values,
                                                 absl::Duration min_time) {
  if (std::filesystem::exists(dir)) {
    return absl::FailedPreconditionError(absl::StrCat(dir, " already exists"));
  }
  RocksDbLimit limit;
  limit.writers = writers;
  limit.values_per_batch = values_per_batch;
  {
    auto store = storage::OpenRocksDbStore(dir, {kColumnFamily});
    if (!store.ok()) return store.status();
    storage::KvStore* kv = store->get();

    std::atomic<int64_t> values{0};
    std::atomic<int64_t> batches{0};
    FirstError error;
    const absl::Time start = absl::Now();
    const absl::Time not_before = start + min_time;
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        std::string value(8, '\0');
        for (int64_t n = 0;; ++n) {
          if (values.load() >= min_values && absl::Now() >= not_before) return;
          // One batch is one report: the agency, plan and period, then one
          // key per indicator cell.
          storage::WriteBatch batch;
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
          absl::Status status = kv->Write(batch);
          if (!status.ok()) {
            error.Set(status);
            return;
          }
          values.fetch_add(values_per_batch);
          batches.fetch_add(1);
        }
      });
    }
    for (std::thread& t : threads) t.join();
    limit.seconds = absl::ToDoubleSeconds(absl::Now() - start);
    limit.values = values.load();
    limit.batches = batches.load();
    if (absl::Status s = error.Get(); !s.ok()) return s;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
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
