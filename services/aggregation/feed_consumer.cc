#include "services/aggregation/feed_consumer.h"

#include <iostream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/identity.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::aggregation {
namespace {

// The submissions service's word that the feed is not the one a reader's
// position came from.
bool FeedReplaced(const absl::Status& status) {
  std::string reason = GetErrorInfo(status).reason();
  return reason == "FEED_EPOCH_CHANGED" || reason == "FEED_REWOUND";
}

// The most changes applied in one batch (about 200 values each in a large
// plan): bounds the memory a batch stages and the time it holds the table.
constexpr size_t kMaxBatch = 256;

}  // namespace

absl::Status GrpcChangeSource::ReadToEnd(
    int64_t after_sequence, const std::function<absl::Status(const v1::Change&)>& visit) {
  if (channel_ == nullptr) {
    return absl::UnavailableError(
        "no submissions service is configured for the aggregation "
        "service (--submissions-address)");
  }
  auto stub = v1::Submissions::NewStub(channel_);
  grpc::ClientContext context;
  context.AddMetadata(std::string(kAgencyHeader), agency_);
  v1::WatchChangesRequest request;
  request.set_after_sequence(after_sequence);
  request.set_stop_at_end(true);
  auto reader = stub->WatchChanges(&context, request);
  v1::Change change;
  absl::Status visited;
  while (reader->Read(&change)) {
    visited = visit(change);
    if (!visited.ok()) {
      context.TryCancel();
      break;
    }
  }
  grpc::Status finished = reader->Finish();
  if (!visited.ok()) return visited;
  if (!finished.ok()) {
    absl::Status s = FromGrpcStatus(finished);
    return absl::Status(s.code(), absl::StrCat("reading the change feed: ", s.message()));
  }
  return absl::OkStatus();
}

FeedConsumer::FeedConsumer(AggregateStore* store, RegistryView* registry,
                           std::shared_ptr<grpc::Channel> submissions, std::string agency,
                           Rebuild rebuild, absl::Duration registry_poll)
    : store_(store),
      registry_(registry),
      channel_(std::move(submissions)),
      agency_(std::move(agency)),
      rebuild_(std::move(rebuild)),
      registry_poll_(registry_poll) {}

FeedConsumer::~FeedConsumer() { Stop(); }

void FeedConsumer::Start() {
  consumer_ = std::thread([this] { Run(); });
  maintainer_ = std::thread([this] { Maintain(); });
}

void FeedConsumer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (stream_ != nullptr) stream_->TryCancel();
  }
  if (consumer_.joinable()) consumer_.join();
  if (maintainer_.joinable()) maintainer_.join();
}

bool FeedConsumer::following() const {
  absl::MutexLock lock(&mu_);
  return stream_ != nullptr && !stopping_;
}

bool FeedConsumer::WaitForStop(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopping_), timeout);
  return stopping_;
}

void FeedConsumer::Run() {
  absl::Duration backoff = absl::Milliseconds(100);
  std::string last_error;
  while (true) {
    StreamEnd end = ConsumeOnce();
    const absl::Status& status = end.status;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    if (end.progressed) backoff = absl::Milliseconds(100);
    if (end.rewound) {
      std::cerr << "aggregation: the change feed is not the one the roll-ups were built from ("
                << status.message() << "); rebuilding them from it" << std::endl;
      absl::Status rebuilt = rebuild_ ? rebuild_() : absl::UnimplementedError("no rebuild");
      if (!rebuilt.ok()) {
        std::cerr << "aggregation: rebuilding the roll-ups: " << rebuilt.message()
                  << " (retrying)" << std::endl;
      }
      // Reconnects after the usual backoff, so that a feed that keeps
      // changing under the rebuilds cannot make them run back to back.
      last_error.clear();
      if (WaitForStop(backoff)) return;
      backoff = std::min(backoff * 2, absl::Seconds(5));
      continue;
    }
    std::string error(status.message());
    if (!status.ok() && error != last_error) {
      // Logged once per distinct error, not on every retry.
      std::cerr << "aggregation: change feed: " << error << " (retrying)" << std::endl;
    }
    last_error = error;
    if (WaitForStop(backoff)) return;
    backoff = std::min(backoff * 2, absl::Seconds(5));
  }
}

FeedConsumer::StreamEnd FeedConsumer::ConsumeOnce() {
  StreamEnd end;
  if (channel_ == nullptr) {
    end.status = absl::UnavailableError("no submissions service is configured");
    return end;
  }
  absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> snapshot = registry_->Snapshot(false);
  if (!snapshot.ok()) {
    end.status = snapshot.status();
    return end;
  }
  auto stub = v1::Submissions::NewStub(channel_);
  absl::StatusOr<std::string> mismatch = FeedMismatch(*stub);
  if (!mismatch.ok() || !mismatch->empty()) {
    end.status = mismatch.ok() ? absl::FailedPreconditionError(*mismatch) : mismatch.status();
    end.rewound = mismatch.ok();
    return end;
  }
  grpc::ClientContext context;
  context.AddMetadata(std::string(kAgencyHeader), agency_);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      end.status = absl::CancelledError("stopping");
      return end;
    }
    stream_ = &context;
  }
  struct Unregister {
    FeedConsumer* self;
    ~Unregister() {
      absl::MutexLock lock(&self->mu_);
      self->stream_ = nullptr;
    }
  } unregister{this};

  const FeedMark mark = store_->feed_mark();
  v1::WatchChangesRequest request;
  request.set_after_sequence(store_->applied_sequence());
  request.set_epoch(mark.epoch);
  auto reader = stub->WatchChanges(&context, request);

  // A second thread reads the stream into a bounded queue while this one
  // applies whatever has arrived as one batch: under load, many changes
  // share one synced write and their common sums are updated once.
  struct Queue {
    absl::Mutex mu;
    std::vector<v1::Change> changes ABSL_GUARDED_BY(mu);
    bool ended ABSL_GUARDED_BY(mu) = false;
    bool abandoned ABSL_GUARDED_BY(mu) = false;
  } queue;
  std::thread stream_reader([&] {
    v1::Change change;
    while (reader->Read(&change)) {
      absl::MutexLock lock(&queue.mu);
      queue.mu.Await(absl::Condition(
          +[](Queue* q) ABSL_EXCLUSIVE_LOCKS_REQUIRED(q->mu) {
            return q->abandoned || q->changes.size() < kMaxBatch;
          },
          &queue));
      if (queue.abandoned) break;
      queue.changes.push_back(std::move(change));
    }
    absl::MutexLock lock(&queue.mu);
    queue.ended = true;
  });

  absl::Status applied;
  std::vector<v1::Change> batch;
  while (true) {
    batch.clear();
    {
      absl::MutexLock lock(&queue.mu);
      queue.mu.Await(absl::Condition(
          +[](Queue* q)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(q->mu) { return q->ended || !q->changes.empty(); },
          &queue));
      if (queue.changes.empty()) break;  // the stream ended
      batch.swap(queue.changes);
    }
    // The cached snapshot is re-read when older than its time to live; a
    // report from an agency it does not know yet forces a fresh reading.
    absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> current = registry_->Snapshot(false);
    if (current.ok()) snapshot = current;
    for (const v1::Change& change : batch) {
      if (!(*snapshot)->hierarchy->Contains(change.report().agency())) {
        current = registry_->Snapshot(true);
        if (current.ok()) snapshot = current;
        break;
      }
    }
    applied = store_->ApplyBatch(batch, *(*snapshot)->hierarchy);
    // Changes of another feed epoch than the table's.
    if (applied.code() == absl::StatusCode::kFailedPrecondition) end.rewound = true;
    if (!applied.ok()) {
      {
        absl::MutexLock lock(&queue.mu);
        queue.abandoned = true;
      }
      context.TryCancel();
      break;
    }
    end.progressed = true;
  }
  stream_reader.join();
  grpc::Status finished = reader->Finish();
  if (!applied.ok()) {
    end.status = applied;
  } else if (!finished.ok()) {
    absl::Status s = FromGrpcStatus(finished);
    end.rewound = FeedReplaced(s);
    end.status = absl::Status(s.code(), s.message());
  } else {
    end.status = absl::UnavailableError("the change feed ended");
  }
  return end;
}

absl::StatusOr<std::string> FeedConsumer::FeedMismatch(v1::Submissions::Stub& stub) {
  const FeedMark mark = store_->feed_mark();
  // Tables built before marks were kept, and empty ones, have nothing to
  // check.
  if (mark.digest.empty() || mark.sequence <= 0) return std::string();
  grpc::ClientContext context;
  context.AddMetadata(std::string(kAgencyHeader), agency_);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::CancelledError("stopping");
    stream_ = &context;
  }
  v1::WatchChangesRequest request;
  request.set_after_sequence(mark.sequence - 1);
  request.set_stop_at_end(true);
  request.set_epoch(mark.epoch);
  auto reader = stub.WatchChanges(&context, request);
  v1::Change first;
  bool got = reader->Read(&first);
  if (got) {
    context.TryCancel();
    v1::Change rest;
    while (reader->Read(&rest)) {
    }
  }
  grpc::Status finished = reader->Finish();
  {
    absl::MutexLock lock(&mu_);
    stream_ = nullptr;
  }
  if (!got) {
    if (finished.ok()) {
      return absl::StrCat("the change feed ends before sequence ", mark.sequence,
                          ", which the roll-ups applied: it was rewound");
    }
    absl::Status s = FromGrpcStatus(finished);
    if (FeedReplaced(s)) return std::string(s.message());
    return absl::Status(s.code(), s.message());
  }
  if (first.sequence() != mark.sequence || ChangeDigest(first) != mark.digest) {
    return absl::StrCat("change ", mark.sequence,
                        " of the feed is not the one the roll-ups applied: the feed was rewound "
                        "or replaced");
  }
  return std::string();
}

void FeedConsumer::Maintain() {
  while (!WaitForStop(registry_poll_)) {
    // Read afresh here, before the cached reading expires, so that queries
    // do not pay for reading the registry.
    absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> snapshot = registry_->Snapshot(true);
    if (!snapshot.ok()) continue;
    absl::Status status = store_->Rehome(*(*snapshot)->hierarchy);
    if (!status.ok()) {
      std::cerr << "aggregation: re-homing after a registry change: " << status.message()
                << std::endl;
    }
  }
}

}  // namespace tonghop::aggregation
