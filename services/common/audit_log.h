#ifndef TONGHOP_SERVICES_COMMON_AUDIT_LOG_H_
#define TONGHOP_SERVICES_COMMON_AUDIT_LOG_H_

// The audit trail of one service's store: a hash chain of records, each
// written in the same storage WriteBatch as the change it records.
//
// Layout, in the store's own column family kAuditColumnFamily: see
// audit_schema.h.
// Record n holds the hash of record n-1 in `previous_hash` (empty for n = 1),
// so changing, removing or inserting a record breaks the chain there; the
// hash stored beside each record tells a damaged record from a broken link,
// so Verify() names the record that was altered, not the one after it; the
// head, written with every record, shows records removed from the end.
// Rewriting the whole chain from some record on is not detectable from the
// store alone: keeping Verify()'s head hash somewhere else proves the chain
// up to that head.
//
// What is recorded (docs/security.md, "Audit trail"): every write that
// changes a store, and every write refused with PERMISSION_DENIED or
// UNAUTHENTICATED (in a batch of its own), except the writes without an
// identity that an address sends while it waits (LimitUnidentifiedWrite,
// call_dispatcher.h). Refusals for bad input
// (INVALID_ARGUMENT, NOT_FOUND, ABORTED …) and retried requests answered
// from the idempotency table change nothing and are not recorded.

#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "services/common/clock.h"
#include "services/common/audit_schema.h"
#include "services/common/identity.h"
#include "services/common/secrets.h"  // Sha256Hex
#include "storage/kv_store.h"
#include "tonghop/v1/audit_service.pb.h"

namespace tonghop {


// One action to record. Copyable value.
struct AuditEvent {
  Caller caller;
  // The method as named in its service ("CreateAgency").
  std::string method;
  // The resource acted on ("agencies/dong-nai").
  std::string resource;
  std::string request_id;
  // OK for a change made; the refusal otherwise.
  absl::Status result;
  // The network peer, when the call was refused before any identity.
  std::string peer;
};

// True for the refusals that are recorded: PERMISSION_DENIED and
// UNAUTHENTICATED.
bool IsAuditedRefusal(const absl::Status& status);

// The resource a request or response is about, found by field names:
// its `name`; else the `name` of a message field (UpdateAgencyRequest.agency);
// else `{parent}/{collection}/{id}` from a `{singular}_id` field
// (CreateAgencyRequest.agency_id → agencies/{id}); else its `parent`; else
// empty.
std::string AuditedResource(const google::protobuf::Message& message);

// The event for `method` called by `caller` with `request`: the resource is
// the response's (when given and it names one), else the request's, else
// the one the refusal's ErrorInfo names; the request id is the request's
// `request_id` field.
AuditEvent MakeAuditEvent(const Caller& caller, absl::string_view method,
                          const google::protobuf::Message& request,
                          const google::protobuf::Message* response = nullptr,
                          absl::Status result = absl::OkStatus());


// The audit trail of one store.
//
// Writing: Write() adds the record to the caller's batch and writes the
// batch itself, holding the log's own mutex from choosing the record's
// sequence number to the end of the store write. So records are numbered
// and chained exactly in the order their batches reach the store, whichever
// of the service's writers (a service may have several, each under its own
// lock) appends them; and the in-memory head moves only after the store has
// acknowledged the write: a failed write leaves no gap and no record that
// the next one would chain to. After a failed write the head is read again
// from the store before the next append, in case the failure left the batch
// applied after all. Callers keep their own write lock around Write() as
// before (the log's mutex is taken last and calls nothing that locks), and
// must not call store->Write for an audited change themselves.
//
// Reading: Scan() and Verify() read one storage snapshot and never wait for
// writers.
//
// Thread-safe. Does not own `store` or `clock`, which must outlive it.
class AuditLog {
 public:
  // `store_name` names the store in records ("registry"); `clock` stamps
  // them (nullptr: the real clock). The store must have kAuditColumnFamily.
  AuditLog(storage::KvStore* store, std::string store_name, const Clock* clock);
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  const std::string& store_name() const { return store_name_; }

  // Appends the record of `event` to `batch` and writes the batch (synced),
  // all or nothing. On error nothing is written and the chain is unchanged.
  absl::Status Write(storage::WriteBatch& batch, const AuditEvent& event);
  // Write with the store's group commit (KvStore::WriteUnsynced): visible at
  // once, durable after store->AwaitDurable(ticket) returns OK.
  absl::StatusOr<storage::WriteTicket> WriteUnsynced(storage::WriteBatch& batch,
                                                     const AuditEvent& event);

  // A record with no other change in its batch (a forward to another
  // instance, a login, a logout, a refusal).
  absl::Status AppendStandalone(const AuditEvent& event);

  // Appends a standalone record when event.result is an audited refusal;
  // otherwise does nothing. A failure to record is logged to stderr and not
  // returned: the caller's answer stays the refusal.
  void RecordRefusal(const AuditEvent& event);

  // Calls `visit` with each record whose sequence is above `after_sequence`,
  // in sequence order, until it returns false. Each comes with the store and
  // sequence of the place it is stored at; a record whose bytes do not match
  // their hash, or that names another place, comes with `damaged` set and
  // what could be read.
  absl::Status Scan(int64_t after_sequence,
                    const std::function<bool(v1::AuditRecord record)>& visit) const;

  // Convenience: up to `limit` records of Scan(after_sequence).
  absl::StatusOr<std::vector<v1::AuditRecord>> Read(int64_t after_sequence, size_t limit) const;

  // Walks the whole chain (see the layout above) and names the first record
  // that does not chain. Errors only when the store cannot be read.
  absl::StatusOr<v1::AuditChainStatus> Verify() const;

 private:
  // Adds the record to the batch and writes it, synced or not.
  absl::StatusOr<storage::WriteTicket> Commit(storage::WriteBatch& batch, const AuditEvent& event,
                                              bool synced);
  absl::Status LoadHeadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  storage::KvStore* const store_;
  const std::string store_name_;
  const Clock* const clock_;

  absl::Mutex mu_;
  bool head_loaded_ ABSL_GUARDED_BY(mu_) = false;
  int64_t head_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  // Raw SHA-256 of the head record; empty before the first record.
  std::string head_hash_ ABSL_GUARDED_BY(mu_);
};

// Returns `result` unchanged, after recording it in `log` when it is an
// audited refusal of `method` (see AuditLog::RecordRefusal). For the public
// methods of domain classes: `return AuditRefusal(log, caller, "Submit",
// request, impl_->Submit(caller, request));`.
template <typename Result>
Result AuditRefusal(AuditLog& log, const Caller& caller, absl::string_view method,
                    const google::protobuf::Message& request, Result result) {
  const absl::Status& status = [&]() -> const absl::Status& {
    if constexpr (std::is_same_v<Result, absl::Status>) {
      return result;
    } else {
      return result.status();
    }
  }();
  if (IsAuditedRefusal(status)) {
    log.RecordRefusal(MakeAuditEvent(caller, method, request, nullptr, status));
  }
  return result;
}

// Records a write call refused before any identity was established (the
// identity resolver's UNAUTHENTICATED), with the call's peer. For the gRPC
// adapters, which resolve the caller before the domain class is reached.
void AuditUnidentifiedRefusal(AuditLog& log, const grpc::ServerContextBase& context,
                              absl::string_view method, const google::protobuf::Message& request,
                              const absl::Status& status);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_AUDIT_LOG_H_
