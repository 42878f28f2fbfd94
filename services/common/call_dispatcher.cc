#include "services/common/call_dispatcher.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "services/common/call_origin.h"
#include "services/common/errors.h"
#include "services/common/request_check.h"

namespace tonghop {
namespace {

absl::Status ShuttingDown() {
  return absl::UnavailableError("the server is shutting down");
}

absl::Status UnidentifiedWritesThrottled(absl::string_view address, absl::Duration wait) {
  int64_t seconds = absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1)));
  absl::Status status = absl::ResourceExhaustedError(
      absl::StrCat("too many writes without an identity from ", address,
                   "; sign in (tonghop login) or present a client certificate, and try again "
                   "in ",
                   seconds, " s"));
  status = WithErrorInfo(std::move(status), "UNIDENTIFIED_WRITES_THROTTLED",
                         {{"retry_after_seconds", absl::StrCat(seconds)}});
  status = WithVietnamese(
      std::move(status),
      absl::StrCat("Có quá nhiều yêu cầu ghi dữ liệu chưa đăng nhập từ địa chỉ này; hãy "
                   "đăng nhập rồi thử lại sau ",
                   seconds, " giây."));
  return WithRetryInfo(std::move(status), absl::Seconds(seconds));
}

}  // namespace

FailureThrottle::Options UnidentifiedWriteAllowance() {
  FailureThrottle::Options options;
  options.free_failures = 20;
  options.base_delay = absl::Seconds(2);
  options.max_delay = absl::Minutes(15);
  options.forget_after = absl::Hours(1);
  options.max_keys = 100000;
  return options;
}

UnidentifiedWriteRefusal LimitUnidentifiedWrite(FailureThrottle* throttle,
                                                absl::string_view address,
                                                absl::Status refusal) {
  if (throttle == nullptr || address.empty()) return {std::move(refusal), true};
  absl::Duration wait = throttle->Wait(address);
  if (wait > absl::ZeroDuration()) return {UnidentifiedWritesThrottled(address, wait), false};
  if (!absl::IsUnauthenticated(refusal)) return {std::move(refusal), true};
  FailureThrottle::Failure failure = throttle->RecordFailure(address);
  if (failure.locked_for > absl::ZeroDuration()) {
    return {UnidentifiedWritesThrottled(address, failure.locked_for), true};
  }
  return {std::move(refusal), true};
}

// ---- CallQueue ----

CallQueue::CallQueue(int threads, std::function<int64_t()> applied_position, int niceness)
    : applied_position_(std::move(applied_position)) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    threads_.emplace_back([this, niceness] { Work(niceness); });
  }
}

CallQueue::~CallQueue() { Shutdown(); }

void CallQueue::Submit(QueuedCall* call) {
  {
    absl::MutexLock lock(&mu_);
    if (!shutdown_) {
      if (applied_position_ && call->min_position() > applied_position_()) {
        parked_.emplace(call->min_position(), call);
      } else {
        ready_.push_back([call] { call->Run(); });
      }
      return;
    }
  }
  call->Abandon(ShuttingDown());
}

void CallQueue::Schedule(std::function<void()> task) {
  {
    absl::MutexLock lock(&mu_);
    if (!shutdown_) {
      ready_.push_back(std::move(task));
      return;
    }
  }
  task();
}

void CallQueue::OnApplied(int64_t position) {
  absl::MutexLock lock(&mu_);
  auto end = parked_.upper_bound(position);
  for (auto it = parked_.begin(); it != end; ++it) {
    QueuedCall* call = it->second;
    ready_.push_back([call] { call->Run(); });
  }
  parked_.erase(parked_.begin(), end);
}

bool CallQueue::UnparkLocked(QueuedCall* call) {
  auto range = parked_.equal_range(call->min_position());
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == call) {
      parked_.erase(it);
      return true;
    }
  }
  return false;
}

void CallQueue::Cancel(QueuedCall* call) {
  bool was_parked;
  {
    absl::MutexLock lock(&mu_);
    was_parked = UnparkLocked(call);
  }
  if (was_parked) {
    call->Abandon(absl::CancelledError(
        absl::StrCat("cancelled while waiting for the change feed to reach sequence ",
                     call->min_position())));
  }
}

void CallQueue::Forget(QueuedCall* call) {
  absl::MutexLock lock(&mu_);
  UnparkLocked(call);
}

void CallQueue::Shutdown() {
  std::vector<QueuedCall*> abandoned;
  {
    absl::MutexLock lock(&mu_);
    if (shutdown_ && threads_.empty()) return;
    shutdown_ = true;
    for (auto& [unused, call] : parked_) abandoned.push_back(call);
    parked_.clear();
  }
  for (QueuedCall* call : abandoned) call->Abandon(ShuttingDown());
  // The threads run what is queued, then end.
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

void CallQueue::Work(int niceness) {
  if (niceness > 0) {
    // On Linux a nice value belongs to the thread (setpriority(2), NOTES);
    // raising it needs no privilege. Failing leaves the thread as it was.
    errno = 0;
    int current = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
    if (errno == 0) {
      setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), current + niceness);
    }
  }
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return shutdown_ || !ready_.empty();
      };
      mu_.Await(absl::Condition(&has_work));
      if (ready_.empty()) return;  // shutting down, and nothing left to run
      task = std::move(ready_.front());
      ready_.pop_front();
    }
    task();
  }
}

// ---- CallDispatcher ----

// One unary call: a reactor finished exactly once, by its work, by
// cancellation while parked, or by shutdown. Deletes itself when gRPC is
// done with it.
class CallDispatcher::Call final : public grpc::ServerUnaryReactor, public QueuedCall {
 public:
  Call(CallQueue* queue, Caller caller, int64_t min_position, Work work)
      : queue_(queue),
        caller_(std::move(caller)),
        min_position_(min_position),
        work_(std::move(work)) {}

  void Run() override { FinishOnce(ToGrpcStatus(work_(caller_))); }
  void Abandon(const absl::Status& status) override { FinishOnce(ToGrpcStatus(status)); }
  int64_t min_position() const override { return min_position_; }

  void OnCancel() override { queue_->Cancel(this); }
  void OnDone() override {
    queue_->Forget(this);
    delete this;
  }

 private:
  void FinishOnce(const grpc::Status& status) {
    if (!finished_.exchange(true)) Finish(status);
  }

  CallQueue* queue_;
  Caller caller_;
  int64_t min_position_;
  Work work_;
  std::atomic<bool> finished_{false};
};

CallDispatcher::CallDispatcher(const IdentityResolver* identity, AuditLog* audit,
                               Options options)
    : identity_(identity),
      audit_(audit),
      unidentified_writes_(options.unidentified_writes),
      queue_(options.threads, std::move(options.applied_position), options.niceness) {}

grpc::ServerUnaryReactor* CallDispatcher::Start(grpc::CallbackServerContext* context,
                                                const google::protobuf::Message& request,
                                                const CallSpec& spec, bool needs_caller,
                                                Work work) {
  absl::Status refused = CheckRequest(request);
  Caller caller;
  if (refused.ok() && needs_caller) {
    absl::StatusOr<Caller> resolved = identity_->Resolve(*context);
    if (resolved.ok()) {
      caller = *std::move(resolved);
    } else {
      refused = resolved.status();
      if (spec.write) {
        UnidentifiedWriteRefusal limited =
            LimitUnidentifiedWrite(unidentified_writes_, CallerAddress(*context), refused);
        if (limited.audited && audit_ != nullptr) {
          AuditUnidentifiedRefusal(*audit_, *context, spec.method, request, refused);
        }
        refused = std::move(limited.answer);
      }
    }
  }
  if (!refused.ok()) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(refused));
    return reactor;
  }
  Call* call = new Call(&queue_, std::move(caller), spec.min_position, std::move(work));
  queue_.Submit(call);
  return call;
}

}  // namespace tonghop
