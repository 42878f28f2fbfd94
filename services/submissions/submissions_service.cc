#include "services/submissions/submissions_service.h"

#include <deque>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "services/common/errors.h"
#include "services/common/request_check.h"

namespace tonghop::submissions {
namespace {

// Changes read from storage per batch while a watcher catches up.
constexpr int kBatchSize = 128;

// One WatchChanges stream.
//
// The caller is authorized on the dispatcher's threads (it asks the registry), then
// the stream subscribes to the notifier and starts sending. It keeps at most
// one write in flight, always reads the next changes from storage after the
// last sequence it sent, and when caught up waits for the notifier (or
// finishes, with stop_at_end).
//
// Lifetime: gRPC calls OnDone once, after the stream finished. The reactor
// deletes itself there, unless the authorization task has not run yet, in
// which case that task deletes it. Before deleting, it unsubscribes: the
// notifier runs callbacks under its own lock, so none is running or will run
// once Unsubscribe returns.
class WatchReactor final : public grpc::ServerWriteReactor<v1::Change>,
                           public ChangeListener {
 public:
  WatchReactor(Submissions* submissions, CallDispatcher* dispatcher, Caller caller,
               int64_t after_sequence, bool stop_at_end, std::string epoch)
      : submissions_(submissions),
        stop_at_end_(stop_at_end),
        epoch_(std::move(epoch)),
        after_sequence_(after_sequence),
        last_sent_(after_sequence) {
    dispatcher->Schedule([this, caller = std::move(caller)] { Authorize(caller); });
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the stream was closed"));
      return;
    }
    last_sent_ = pending_.front().sequence();
    pending_.pop_front();
    if (finish_requested_) {
      FinishLocked(finish_status_);
      return;
    }
    PumpLocked();
  }

  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
  }

  void OnDone() override {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      if (authorizing_) return;  // Authorize() deletes this when it ends
    }
    Release();
  }

  void OnNewChanges(int64_t) override {
    absl::MutexLock lock(&mu_);
    if (!waiting_) return;
    waiting_ = false;
    PumpLocked();
  }

  void OnClose() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(Stopping());
  }

 private:
  static grpc::Status Stopping() {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "the submissions service is stopping; resume from the last "
                        "sequence received");
  }

  // Runs on the dispatcher's threads.
  void Authorize(const Caller& caller) {
    absl::Status allowed = submissions_->AuthorizeWatch(caller);
    if (allowed.ok()) allowed = submissions_->CheckFeedPosition(epoch_, after_sequence_);
    bool subscribed = allowed.ok() && submissions_->notifier().Subscribe(this);
    bool release = false;
    {
      absl::MutexLock lock(&mu_);
      authorizing_ = false;
      subscribed_ = subscribed;
      if (done_) {
        release = true;
      } else if (!allowed.ok()) {
        FinishLocked(ToGrpcStatus(allowed));
      } else if (!subscribed) {
        FinishLocked(Stopping());
      } else {
        PumpLocked();
      }
    }
    if (release) Release();
  }

  void Release() {
    bool subscribed;
    {
      absl::MutexLock lock(&mu_);
      subscribed = subscribed_;
    }
    if (subscribed) submissions_->notifier().Unsubscribe(this);
    delete this;
  }

  void PumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || writing_) return;
    if (pending_.empty()) {
      absl::StatusOr<std::vector<v1::Change>> batch =
          submissions_->ReadChanges(last_sent_, kBatchSize);
      if (!batch.ok()) {
        FinishLocked(ToGrpcStatus(batch.status()));
        return;
      }
      for (v1::Change& change : *batch) pending_.push_back(std::move(change));
    }
    if (pending_.empty()) {
      if (stop_at_end_) {
        FinishLocked(grpc::Status::OK);
      } else {
        waiting_ = true;
      }
      return;
    }
    writing_ = true;
    StartWrite(&pending_.front());
  }

  // Finishes now, or after the write in flight completes (a stream must not
  // finish with a write outstanding).
  void FinishLocked(grpc::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    if (writing_) {
      if (!finish_requested_) {
        finish_requested_ = true;
        finish_status_ = std::move(status);
      }
      return;
    }
    finished_ = true;
    waiting_ = false;
    Finish(std::move(status));
  }

  Submissions* const submissions_;
  const bool stop_at_end_;
  const std::string epoch_;
  const int64_t after_sequence_;
  absl::Mutex mu_;
  int64_t last_sent_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::Change> pending_ ABSL_GUARDED_BY(mu_);
  bool authorizing_ ABSL_GUARDED_BY(mu_) = true;
  bool subscribed_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool waiting_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool finish_requested_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status finish_status_ ABSL_GUARDED_BY(mu_);
};

// A stream refused before it started (no identity, bad request).
class RefusedWatch final : public grpc::ServerWriteReactor<v1::Change> {
 public:
  explicit RefusedWatch(const absl::Status& status) { Finish(ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

#define TONGHOP_UNARY(Method, Request, Response, kWrite)                       \
  grpc::ServerUnaryReactor* SubmissionsService::Method(                        \
      grpc::CallbackServerContext* context, const v1::Request* request,        \
      Response* response) {                                                    \
    return dispatcher_->Serve(context, *request, response, {#Method, kWrite},  \
                              [=](const Caller& caller) {                      \
                                return submissions_->Method(caller, *request); \
                              });                                              \
  }

TONGHOP_UNARY(GetOrCreateDraft, GetOrCreateDraftRequest, v1::Report, true)
TONGHOP_UNARY(UpdateDraft, UpdateDraftRequest, v1::Report, true)
TONGHOP_UNARY(Submit, SubmitRequest, v1::Report, true)
TONGHOP_UNARY(Withdraw, WithdrawRequest, v1::Report, true)
TONGHOP_UNARY(Review, ReviewRequest, v1::Report, true)
TONGHOP_UNARY(GetReport, GetReportRequest, v1::Report, false)
TONGHOP_UNARY(ListReports, ListReportsRequest, v1::ListReportsResponse, false)
TONGHOP_UNARY(ListRevisions, ListRevisionsRequest, v1::ListRevisionsResponse, false)
TONGHOP_UNARY(ListDueReports, ListDueReportsRequest, v1::ListDueReportsResponse, false)
TONGHOP_UNARY(ListNotices, ListNoticesRequest, v1::ListNoticesResponse, false)

#undef TONGHOP_UNARY

grpc::ServerWriteReactor<v1::Change>* SubmissionsService::WatchChanges(
    grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) {
  if (absl::Status checked = CheckRequest(*request); !checked.ok()) {
    return new RefusedWatch(checked);
  }
  absl::StatusOr<Caller> caller = dispatcher_->Resolve(*context);
  if (!caller.ok()) return new RefusedWatch(caller.status());
  if (request->after_sequence() < 0) {
    return new RefusedWatch(InvalidField("after_sequence", "must not be negative"));
  }
  return new WatchReactor(submissions_, dispatcher_, *std::move(caller), request->after_sequence(),
                          request->stop_at_end(), request->epoch());
}

}  // namespace tonghop::submissions
