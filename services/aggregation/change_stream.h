#ifndef TONGHOP_SERVICES_AGGREGATION_CHANGE_STREAM_H_
#define TONGHOP_SERVICES_AGGREGATION_CHANGE_STREAM_H_

// The Submissions change feed as the feed consumer follows it. The
// production implementation reads it over gRPC (GrpcChangeStream, in
// grpc_change_stream.h, over an in-process or a remote channel); tests use
// a fake.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop::aggregation {

// A connection to the change feed: one followed stream at a time (Open,
// then Next until it fails), and single reads of one change (ChangeAfter).
//
// Errors keep the submissions service's ErrorInfo: its reason is
// FEED_EPOCH_CHANGED or FEED_REWOUND when the feed is not the one `epoch`
// names. Thread safety: Open, Next, Close and ChangeAfter are called from one
// thread at a time; Cancel from any thread, at any time.
class ChangeStream {
 public:
  virtual ~ChangeStream() = default;

  // Starts following the feed from the change after `after_sequence`, in
  // feed `epoch` ("" for whichever the feed is in); ends the stream opened
  // before, if any. CANCELLED after Cancel().
  virtual absl::Status Open(int64_t after_sequence, const std::string& epoch) = 0;

  // The changes of the open stream that arrived since the last call, in feed
  // order, at most `max_changes` (> 0); waits until at least one has
  // arrived. The end of the feed is not an error: the call waits for the
  // next change. An error ends the stream: the feed broke (UNAVAILABLE when
  // the submissions service is not up, or the stream ended), was rewound or
  // replaced (see above), or Cancel() was called (CANCELLED).
  virtual absl::StatusOr<std::vector<v1::Change>> Next(size_t max_changes) = 0;

  // Ends the open stream, if any.
  virtual void Close() = 0;

  // The first change after `after_sequence` in feed `epoch`, read without
  // following (normally the one at `after_sequence + 1`); nullopt when the
  // feed ends before it.
  virtual absl::StatusOr<std::optional<v1::Change>> ChangeAfter(int64_t after_sequence,
                                                                const std::string& epoch) = 0;

  // Ends the call in progress, if any, and makes every later call fail
  // (CANCELLED) at once: for shutting down.
  virtual void Cancel() = 0;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_CHANGE_STREAM_H_
