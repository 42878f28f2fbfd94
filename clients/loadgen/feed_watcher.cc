#include "clients/loadgen/feed_watcher.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "clients/loadgen/generator.h"
#include "clients/loadgen/rpc.h"
#include "services/common/identity.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::loadgen {

FeedWatcher::FeedWatcher(std::string address, std::string plan, int64_t after,
                         OnAccepted on_accepted)
    : address_(std::move(address)),
      plan_(std::move(plan)),
      after_(after),
      on_accepted_(std::move(on_accepted)) {}

FeedWatcher::~FeedWatcher() { Stop(); }

void FeedWatcher::Start() {
  thread_ = std::thread([this] { Run(); });
}

void FeedWatcher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (context_) context_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<int64_t> FeedWatcher::WaitForChanges(int64_t n, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto seen = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return plan_changes_ >= n; };
  if (!mu_.AwaitWithTimeout(absl::Condition(&seen), timeout)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "the change feed of ", address_, " showed ", plan_changes_, " of this run's ", n,
        " changes after ", absl::FormatDuration(timeout),
        last_error_.empty() ? "" : "; last error: ", last_error_));
  }
  return plan_sequence_;
}

int64_t FeedWatcher::plan_sequence() const {
  absl::MutexLock lock(&mu_);
  return plan_sequence_;
}

void FeedWatcher::Run() {
  const std::string ministry(World::kMinistry);
  int64_t after = after_;
  while (true) {
    auto stub = v1::Submissions::NewStub(NewDedicatedChannel(address_));
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata(std::string(kAgencyHeader), ministry);
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      context_ = context.get();
    }
    v1::WatchChangesRequest request;
    request.set_after_sequence(after);
    auto reader = stub->WatchChanges(context.get(), request);
    v1::Change change;
    while (reader->Read(&change)) {
      after = change.sequence();
      if (change.report().plan() == plan_) {
        if (change.kind() == v1::CHANGE_KIND_ACCEPTED && on_accepted_) {
          on_accepted_(change.report().name(), change.sequence());
        }
        absl::MutexLock lock(&mu_);
        ++plan_changes_;
        plan_sequence_ = change.sequence();
      }
    }
    grpc::Status status = reader->Finish();
    absl::MutexLock lock(&mu_);
    context_ = nullptr;
    if (stopping_) return;
    last_error_ = FromGrpc(status, "watch changes").ToString();
    // Not a readiness wait: a broken stream is retried after a pause.
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Milliseconds(200));
    if (stopping_) return;
  }
}

}  // namespace tonghop::loadgen
