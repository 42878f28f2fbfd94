#ifndef TONGHOP_SERVICES_AGGREGATION_GRPC_CHANGE_STREAM_H_
#define TONGHOP_SERVICES_AGGREGATION_GRPC_CHANGE_STREAM_H_

// Reading the Submissions change feed over gRPC (WatchChanges), over an
// in-process channel when the services share a process or a remote one:
// a ChangeSource for rebuilds and a ChangeStream for the feed consumer.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/change_stream.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::aggregation {

// WatchChanges(after_sequence, stop_at_end) as `agency`. Not thread-safe;
// one per reader.
class GrpcChangeSource final : public ChangeSource {
 public:
  GrpcChangeSource(std::shared_ptr<grpc::Channel> channel, std::string agency)
      : channel_(std::move(channel)), agency_(std::move(agency)) {}
  absl::Status ReadToEnd(int64_t after_sequence,
                         const std::function<absl::Status(const v1::Change&)>& visit) override;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::string agency_;
};

// The feed followed with WatchChanges (without stop_at_end, so the stream
// stays open) as `agency`. A thread per open stream reads it into a bounded
// queue (kQueueCapacity changes) while the caller works on the last batch,
// so that Next returns whatever arrived meanwhile. A null `channel` (no
// submissions service configured) makes every call UNAVAILABLE.
// Thread safety as ChangeStream says. Owns the open stream and its thread;
// the destructor closes it.
class GrpcChangeStream final : public ChangeStream {
 public:
  // The most changes read ahead of the caller.
  static constexpr size_t kQueueCapacity = 256;

  GrpcChangeStream(std::shared_ptr<grpc::Channel> channel, std::string agency);
  ~GrpcChangeStream() override;

  absl::Status Open(int64_t after_sequence, const std::string& epoch) override;
  absl::StatusOr<std::vector<v1::Change>> Next(size_t max_changes) override;
  void Close() override;
  absl::StatusOr<std::optional<v1::Change>> ChangeAfter(int64_t after_sequence,
                                                        const std::string& epoch) override;
  void Cancel() override;

 private:
  struct OpenStream;

  // Makes `context` the call Cancel() ends; CANCELLED once cancelled.
  absl::Status Register(grpc::ClientContext* context);
  void Unregister(grpc::ClientContext* context);

  std::shared_ptr<grpc::Channel> channel_;
  std::string agency_;
  std::unique_ptr<v1::Submissions::Stub> stub_;
  std::unique_ptr<OpenStream> open_;  // used by the calling thread only
  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  // The calls in progress (the open stream, a ChangeAfter).
  std::vector<grpc::ClientContext*> calls_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_GRPC_CHANGE_STREAM_H_
