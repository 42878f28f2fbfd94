#ifndef TONGHOP_CLIENTS_CLIENT_OUTBOX_H_
#define TONGHOP_CLIENTS_CLIENT_OUTBOX_H_

// A durable local queue of report submissions that could not be delivered
// because the server was unreachable.
//
// Each pending submission is one file in the outbox directory, written
// durably (fsync, atomic rename) before the caller is told it is queued, and
// named so that the directory lists in queue order. The file holds the
// calling agency and the whole SubmitRequest, including its request_id:
// delivering it again after a crash (the server answered but the file was
// not yet removed) replays the same request_id, which the server answers
// with its first answer without applying it twice. So every queued report is
// applied exactly once, however often delivery is attempted.
//
// Delivery goes in queue order and stops at the first entry the server
// still cannot be reached for. An entry the server refuses (invalid
// content, permission, a stale etag …) cannot succeed by retrying: it is
// moved to the `refused/` subdirectory, with the error beside it, and
// reported, so that the official can fix and resubmit it.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop::client {

// Not thread-safe; one process at a time should deliver a given outbox
// (concurrent deliveries are still applied once, thanks to request ids).
class Outbox {
 public:
  // `directory` is created on first use (e.g. STATE_DIR/outbox).
  explicit Outbox(std::string directory);

  const std::string& directory() const { return directory_; }

  struct Entry {
    std::string path;
    // The agency the request is made as, "agencies/{id}".
    std::string agency;
    v1::SubmitRequest request;
    absl::Time queued_at;
  };

  // Queues `request` (whose request_id must be set) as `agency`; returns the
  // entry once it is durable.
  absl::StatusOr<Entry> Add(const std::string& agency, const v1::SubmitRequest& request,
                            absl::Time now = absl::Now());

  // The pending entries in queue order. An unreadable file is an error
  // naming it (it is left in place for a person to look at).
  absl::StatusOr<std::vector<Entry>> Pending() const;

  enum class Outcome {
    kDelivered,     // the server accepted it (or had already): removed
    kStillPending,  // the server could not be reached: kept
    kRefused,       // the server refused it: moved to refused/
  };
  struct Delivery {
    Entry entry;
    Outcome outcome;
    absl::Status status;               // the server's answer when not delivered
    std::optional<v1::Report> report;  // the report as submitted, when delivered
    std::string refused_path;          // where a refused entry now is
  };

  // Delivers pending entries in order with `submit` (which makes the call as
  // entry.agency), stopping after the first one still pending. Failing to
  // remove or move a file is returned as an error; what was delivered
  // before stays delivered.
  using SubmitFn = std::function<absl::StatusOr<v1::Report>(const Entry& entry)>;
  absl::StatusOr<std::vector<Delivery>> Deliver(const SubmitFn& submit);

 private:
  std::string directory_;
};

}  // namespace tonghop::client

#endif  // TONGHOP_CLIENTS_CLIENT_OUTBOX_H_
