#include "services/aggregation/grpc_change_stream.h"

#include <algorithm>
#include <deque>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/identity.h"

namespace tonghop::aggregation {
namespace {

absl::Status NoSubmissionsService() {
  return absl::UnavailableError(
      "no submissions service is configured for the aggregation service "
      "(--submissions-address)");
}

// One WatchChanges call up to the feed's current end (stop_at_end): passes
// each change to `visit` until it returns false, which cancels the call.
// Returns the call's status, OK when `visit` stopped it.
absl::Status ReadToCurrentEnd(v1::Submissions::Stub& stub, grpc::ClientContext& context,
                              int64_t after_sequence, const std::string& epoch,
                              const std::function<bool(const v1::Change&)>& visit) {
  v1::WatchChangesRequest request;
  request.set_after_sequence(after_sequence);
  request.set_stop_at_end(true);
  request.set_epoch(epoch);
  auto reader = stub.WatchChanges(&context, request);
  v1::Change change;
  bool stopped = false;
  while (reader->Read(&change)) {
    if (!visit(change)) {
      stopped = true;
      context.TryCancel();
      break;
    }
  }
  if (stopped) {
    while (reader->Read(&change)) {
    }
  }
  grpc::Status finished = reader->Finish();
  if (stopped) return absl::OkStatus();
  return FromGrpcStatus(finished);
}

}  // namespace

absl::Status GrpcChangeSource::ReadToEnd(
    int64_t after_sequence, const std::function<absl::Status(const v1::Change&)>& visit) {
  if (channel_ == nullptr) return NoSubmissionsService();
  auto stub = v1::Submissions::NewStub(channel_);
  grpc::ClientContext context;
  context.AddMetadata(std::string(kAgencyHeader), agency_);
  absl::Status visited;
  absl::Status read =
      ReadToCurrentEnd(*stub, context, after_sequence, "", [&](const v1::Change& change) {
        visited = visit(change);
        return visited.ok();
      });
  if (!visited.ok()) return visited;
  if (!read.ok()) {
    return absl::Status(read.code(), absl::StrCat("reading the change feed: ", read.message()));
  }
  return absl::OkStatus();
}

// One followed stream: the call, and the thread that reads it into `queue`.
struct GrpcChangeStream::OpenStream {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::Change>> reader;
  std::thread reading;
  absl::Mutex mu;
  std::deque<v1::Change> queue ABSL_GUARDED_BY(mu);
  bool ended ABSL_GUARDED_BY(mu) = false;      // the reader returned its last change
  bool abandoned ABSL_GUARDED_BY(mu) = false;  // the stream is being closed

  void ReadAll() {
    v1::Change change;
    while (reader->Read(&change)) {
      absl::MutexLock lock(&mu);
      auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
        return abandoned || queue.size() < kQueueCapacity;
      };
      mu.Await(absl::Condition(&room));
      if (abandoned) break;
      queue.push_back(std::move(change));
    }
    absl::MutexLock lock(&mu);
    ended = true;
  }

  // Stops the reading thread and ends the call; returns its status.
  grpc::Status Finish() {
    {
      absl::MutexLock lock(&mu);
      if (!ended) {
        abandoned = true;
        context.TryCancel();
      }
    }
    reading.join();
    v1::Change rest;
    while (reader->Read(&rest)) {
    }
    return reader->Finish();
  }
};

GrpcChangeStream::GrpcChangeStream(std::shared_ptr<grpc::Channel> channel, std::string agency)
    : channel_(std::move(channel)), agency_(std::move(agency)) {
  if (channel_ != nullptr) stub_ = v1::Submissions::NewStub(channel_);
}

GrpcChangeStream::~GrpcChangeStream() { Close(); }

absl::Status GrpcChangeStream::Register(grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  if (cancelled_) return absl::CancelledError("stopping");
  calls_.push_back(context);
  return absl::OkStatus();
}

void GrpcChangeStream::Unregister(grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  calls_.erase(std::remove(calls_.begin(), calls_.end(), context), calls_.end());
}

void GrpcChangeStream::Cancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  for (grpc::ClientContext* call : calls_) call->TryCancel();
}

absl::Status GrpcChangeStream::Open(int64_t after_sequence, const std::string& epoch) {
  Close();
  if (stub_ == nullptr) return NoSubmissionsService();
  auto stream = std::make_unique<OpenStream>();
  stream->context.AddMetadata(std::string(kAgencyHeader), agency_);
  absl::Status registered = Register(&stream->context);
  if (!registered.ok()) return registered;
  v1::WatchChangesRequest request;
  request.set_after_sequence(after_sequence);
  request.set_epoch(epoch);
  stream->reader = stub_->WatchChanges(&stream->context, request);
  stream->reading = std::thread([s = stream.get()] { s->ReadAll(); });
  open_ = std::move(stream);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Change>> GrpcChangeStream::Next(size_t max_changes) {
  if (open_ == nullptr) return absl::FailedPreconditionError("no stream of the feed is open");
  OpenStream& stream = *open_;
  {
    absl::MutexLock lock(&stream.mu);
    auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(stream.mu) {
      return stream.ended || !stream.queue.empty();
    };
    stream.mu.Await(absl::Condition(&ready));
    if (!stream.queue.empty()) {
      size_t count = std::min(std::max<size_t>(max_changes, 1), stream.queue.size());
      std::vector<v1::Change> batch;
      batch.reserve(count);
      for (size_t i = 0; i < count; ++i) {
        batch.push_back(std::move(stream.queue.front()));
        stream.queue.pop_front();
      }
      return batch;
    }
  }
  // The stream ended and everything it carried was returned.
  grpc::Status finished = stream.Finish();
  Unregister(&stream.context);
  open_.reset();
  if (finished.ok()) return absl::UnavailableError("the change feed ended");
  return FromGrpcStatus(finished);
}

void GrpcChangeStream::Close() {
  if (open_ == nullptr) return;
  open_->Finish();
  Unregister(&open_->context);
  open_.reset();
}

absl::StatusOr<std::optional<v1::Change>> GrpcChangeStream::ChangeAfter(int64_t after_sequence,
                                                                        const std::string& epoch) {
  if (stub_ == nullptr) return NoSubmissionsService();
  grpc::ClientContext context;
  context.AddMetadata(std::string(kAgencyHeader), agency_);
  absl::Status registered = Register(&context);
  if (!registered.ok()) return registered;
  std::optional<v1::Change> first;
  absl::Status read =
      ReadToCurrentEnd(*stub_, context, after_sequence, epoch, [&](const v1::Change& change) {
        first = change;
        return false;
      });
  Unregister(&context);
  if (first.has_value()) return first;
  if (!read.ok()) return read;
  return std::optional<v1::Change>();
}

}  // namespace tonghop::aggregation
