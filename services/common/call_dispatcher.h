#ifndef TONGHOP_SERVICES_COMMON_CALL_DISPATCHER_H_
#define TONGHOP_SERVICES_COMMON_CALL_DISPATCHER_H_

// How every gRPC adapter serves a call: the one dispatch model.
//
//   grpc::ServerUnaryReactor* RegistryService::GetAgency(
//       grpc::CallbackServerContext* context, const v1::GetAgencyRequest* request,
//       v1::Agency* response) {
//     return dispatcher_->Serve(context, *request, response, {"GetAgency"},
//                               [=](const Caller& caller) { return ...; });
//   }
//
// 1. On gRPC's callback thread, which must never wait: the request is
//    refused when no service should see it (CheckRequest: an enum number the
//    API does not define) and the caller is resolved (UNAUTHENTICATED when
//    there is none; for a write, that refusal goes in the audit trail, and
//    counts against the client's address: see LimitUnidentifiedWrite).
// 2. The work runs on the service's own threads (a CallQueue), never on
//    gRPC's callback threads: they are few (two on a two-core machine), and
//    the work waits on synced writes, password hashing and other services'
//    gRPC APIs; callback threads that wait for those starve the calls that
//    would answer them. A call may first wait, holding no thread, until the
//    service's applied position reaches its `min_position` (read your
//    writes).
// 3. The reactor is finished from there, exactly once, with the status
//    mapped by the one ToGrpcStatus(): by the work, by the client's
//    cancellation while the call waits, or by shutdown.
//
// Each service has its own dispatcher, so a service whose work calls another
// (submissions → registry) never waits for threads its own calls hold.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "services/common/audit_log.h"
#include "services/common/failure_throttle.h"
#include "services/common/identity.h"

namespace tonghop {

// A unit of work a CallQueue holds: run it, or tell it it never will.
class QueuedCall {
 public:
  virtual ~QueuedCall() = default;
  // Runs the work; called once, on one of the queue's threads.
  virtual void Run() = 0;
  // The call will not run (shutdown, or cancelled while waiting): finishes
  // it with `status`. Called at most once, instead of Run().
  virtual void Abandon(const absl::Status& status) = 0;
  // The applied position the call waits for before it runs (0: none).
  virtual int64_t min_position() const = 0;
};

// Threads that run queued calls in order of arrival, and calls parked until
// an applied position reaches theirs.
//
// Thread-safe. Does not own the calls. Shutdown() abandons parked calls with
// UNAVAILABLE, refuses new ones, runs every call already queued and joins the
// threads; the destructor calls it.
class CallQueue {
 public:
  // `applied_position` is read under the queue's lock, so a call cannot start
  // waiting just after the position it waits for was announced; null when no
  // call ever waits.
  // `niceness`, when above 0, lowers the scheduling priority of the
  // queue's threads by that much (Linux per-thread nice values).
  CallQueue(int threads, std::function<int64_t()> applied_position, int niceness = 0);
  ~CallQueue();
  CallQueue(const CallQueue&) = delete;
  CallQueue& operator=(const CallQueue&) = delete;

  // Queues `call`, or parks it until OnApplied() reaches its min_position;
  // after Shutdown(), abandons it with UNAVAILABLE.
  void Submit(QueuedCall* call);
  // Runs `task` on a queue thread (a stream's work). After Shutdown() it runs
  // on the calling thread.
  void Schedule(std::function<void()> task);
  // Queues the parked calls waiting for `position` or less.
  void OnApplied(int64_t position);
  // Unparks `call` if it is parked, and abandons it with CANCELLED.
  void Cancel(QueuedCall* call);
  // Forgets `call` (it is about to be deleted).
  void Forget(QueuedCall* call);
  void Shutdown();

 private:
  void Work(int niceness);
  // Removes `call` from the parked ones; whether it was there. Requires mu_.
  bool UnparkLocked(QueuedCall* call) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::function<int64_t()> applied_position_;
  absl::Mutex mu_;
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<std::function<void()>> ready_ ABSL_GUARDED_BY(mu_);
  std::multimap<int64_t, QueuedCall*> parked_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

// What an adapter says about one call.
struct CallSpec {
  // The RPC's method name, for the audit trail.
  absl::string_view method;
  // A write: its refusal for want of an identity goes in the audit trail.
  bool write = false;
  // Runs once the service's applied position has reached it (0: at once).
  int64_t min_position = 0;
};

// How many writes without an identity one client address may have refused
// before it is slowed: 20 in a row free, then 2 s doubling up to 15 min,
// forgotten an hour after the last; at most 100,000 addresses held.
FailureThrottle::Options UnidentifiedWriteAllowance();

// A write refused for want of an identity, as it is answered.
struct UnidentifiedWriteRefusal {
  // What the client is told.
  absl::Status answer;
  // Whether the resolver's refusal goes in the audit trail: for all but the
  // attempts answered while their address waits (which are not counted
  // either), so that a flood of them costs no disk.
  bool audited = false;
};

// The answer to a write from client `address` that the identity resolver
// refused with `refusal`, counted in `throttle` (null: nothing is limited):
// `refusal` while the address is within its allowance; from the attempt
// that exceeds it on, and until its wait is over, RESOURCE_EXHAUSTED
// (UNIDENTIFIED_WRITES_THROTTLED) with a RetryInfo of the wait. Only
// UNAUTHENTICATED refusals count; an empty address (an in-process call that
// names no client) is never limited.
UnidentifiedWriteRefusal LimitUnidentifiedWrite(FailureThrottle* throttle,
                                                absl::string_view address, absl::Status refusal);

// The dispatch model above. Thread-safe. Does not own `identity`, `audit`
// or Options::unidentified_writes, which must outlive it; owns its
// CallQueue. Shutdown() (or destruction) before the collaborators the work
// uses go away.
class CallDispatcher {
 public:
  struct Options {
    // The service's threads.
    int threads = 4;
    // See CallQueue; null when no call of the service waits.
    std::function<int64_t()> applied_position;
    // Writes refused for want of an identity, counted per client address
    // (LimitUnidentifiedWrite): one throttle for every service of the
    // process. Null: not limited.
    FailureThrottle* unidentified_writes = nullptr;
    // Added to the nice value of the service's threads: a service whose
    // work may wait (accepting writes) yields the CPU to one whose delay
    // officials see (the roll-ups). See CallQueue.
    int niceness = 0;
  };

  // `audit` may be null for a service with no writes.
  CallDispatcher(const IdentityResolver* identity, AuditLog* audit, Options options);

  // A call with a caller: `work(const Caller&)` returns
  // absl::StatusOr<Response>, copied into `response` when OK, or
  // absl::Status for an empty answer (google::protobuf::Empty).
  template <typename Response, typename Work>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                  const google::protobuf::Message& request, Response* response,
                                  CallSpec spec, Work work) {
    return Start(context, request, spec, /*needs_caller=*/true,
                 [response, work = std::move(work)](const Caller& caller) -> absl::Status {
                   return Deliver(work(caller), response);
                 });
  }
  // A call that establishes an identity rather than carrying one (signing
  // in): no caller is resolved; `work()` returns what Serve's does.
  template <typename Response, typename Work>
  grpc::ServerUnaryReactor* ServeAnonymous(grpc::CallbackServerContext* context,
                                           const google::protobuf::Message& request,
                                           Response* response, CallSpec spec, Work work) {
    return Start(context, request, spec, /*needs_caller=*/false,
                 [response, work = std::move(work)](const Caller&) -> absl::Status {
                   return Deliver(work(), response);
                 });
  }

  // A streaming call's caller (its reactor is the adapter's own), resolved
  // as Serve resolves it; then its work goes through Schedule().
  absl::StatusOr<Caller> Resolve(const grpc::ServerContextBase& context) const {
    return identity_->Resolve(context);
  }
  // Runs `task` on the service's threads (a stream's work).
  void Schedule(std::function<void()> task) { queue_.Schedule(std::move(task)); }
  // The service's applied position moved (see Options::applied_position).
  void OnApplied(int64_t position) { queue_.OnApplied(position); }
  void Shutdown() { queue_.Shutdown(); }

 private:
  class Call;
  using Work = std::function<absl::Status(const Caller&)>;

  template <typename Response>
  static absl::Status Deliver(absl::StatusOr<Response> result, Response* response) {
    if (result.ok()) *response = *std::move(result);
    return result.status();
  }
  template <typename Response>
  static absl::Status Deliver(absl::Status status, Response*) {
    return status;
  }

  grpc::ServerUnaryReactor* Start(grpc::CallbackServerContext* context,
                                  const google::protobuf::Message& request, const CallSpec& spec,
                                  bool needs_caller, Work work);

  const IdentityResolver* identity_;
  AuditLog* audit_;
  FailureThrottle* unidentified_writes_;
  CallQueue queue_;
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_CALL_DISPATCHER_H_
