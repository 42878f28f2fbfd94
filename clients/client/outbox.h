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
// Delivery goes in queue order. An entry is moved to the `refused/`
// subdirectory, with the error beside it, only when the server definitely
// refuses its content (IsDefiniteRefusal): retrying cannot help, and the
// official has to fix and resubmit it. Every other error keeps it queued:
// the attempt is counted in the entry and the next automatic attempt waits
// for a backoff (5 s, doubling up to 15 min); later entries of the same
// report wait behind it, so reports still arrive in order. When the server
// cannot be reached at all (UNAVAILABLE, DEADLINE_EXCEEDED), delivery stops
// there.
//
// One delivery at a time: a delivery holds an exclusive lock on
// `.lock` in the outbox directory, so two processes never deliver (and
// report delivering) the same entry.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop::client {

// True when the server's answer refuses the report's content for good:
// INVALID_ARGUMENT, PERMISSION_DENIED, FAILED_PRECONDITION about the report
// (with tonghop's ErrorInfo; not one from elsewhere on the way), and ABORTED
// for a stale etag (the report changed since the file was made, so the same
// request can never succeed: the official has to look at the new version).
bool IsDefiniteRefusal(const absl::Status& status);

// The time an entry that failed `attempts` times in a row waits before the
// next automatic attempt.
absl::Duration OutboxBackoff(int attempts);

// Not thread-safe within a process; processes exclude each other with the
// outbox's lock.
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
    // Failed delivery attempts so far, the last error, and when the next
    // automatic attempt is due.
    int attempts = 0;
    std::string last_error;
    absl::Time next_attempt = absl::InfinitePast();
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
    kStillPending,  // tried and not delivered: kept, tried again later
    kRefused,       // the server refused its content: moved to refused/
    kWaiting,       // not tried: its backoff (or an earlier entry of the
                    // same report) is still running
  };
  struct Delivery {
    Entry entry;
    Outcome outcome;
    absl::Status status;               // the server's answer when not delivered
    std::optional<v1::Report> report;  // the report as submitted, when delivered
    std::string refused_path;          // where a refused entry now is
  };

  // Delivers the pending entries in order with `submit` (which makes the
  // call as entry.agency), whatever their backoff, after waiting for any
  // other process's delivery to finish. Failing to remove, move or update a
  // file is returned as an error; what was delivered before stays
  // delivered.
  using SubmitFn = std::function<absl::StatusOr<v1::Report>(const Entry& entry)>;
  absl::StatusOr<std::vector<Delivery>> Deliver(const SubmitFn& submit,
                                                absl::Time now = absl::Now());
  // The delivery every command makes on the side: only the entries whose
  // backoff has run out, and nothing (nullopt) when another process is
  // delivering right now.
  absl::StatusOr<std::optional<std::vector<Delivery>>> DeliverDue(const SubmitFn& submit,
                                                                  absl::Time now = absl::Now());

 private:
  absl::StatusOr<std::vector<Delivery>> DeliverLocked(const SubmitFn& submit, absl::Time now,
                                                      bool respect_backoff);

  std::string directory_;
};

}  // namespace tonghop::client

#endif  // TONGHOP_CLIENTS_CLIENT_OUTBOX_H_
