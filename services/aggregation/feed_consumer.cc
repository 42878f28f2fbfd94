#include "services/aggregation/feed_consumer.h"

#include <iostream>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"

namespace tonghop::aggregation {
namespace {

// The submissions service's word that the feed is not the one a reader's
// position came from.
bool FeedReplaced(const absl::Status& status) {
  std::string reason = GetErrorInfo(status).reason();
  return reason == "FEED_EPOCH_CHANGED" || reason == "FEED_REWOUND";
}

constexpr absl::Duration kFirstBackoff = absl::Milliseconds(100);
constexpr absl::Duration kMaxBackoff = absl::Seconds(5);

}  // namespace

FeedConsumer::FeedConsumer(AggregateStore* store, RegistryView* registry, ChangeStream* stream,
                           Rebuild rebuild, FeedConsumerOptions options)
    : store_(store),
      registry_(registry),
      stream_(stream),
      rebuild_(std::move(rebuild)),
      registry_poll_(options.registry_poll),
      backoff_sleeper_(options.backoff_sleeper != nullptr ? options.backoff_sleeper
                                                          : &real_sleeper_),
      poll_sleeper_(options.poll_sleeper != nullptr ? options.poll_sleeper : &real_sleeper_) {}

FeedConsumer::~FeedConsumer() { Stop(); }

void FeedConsumer::Start() {
  consumer_ = std::thread([this] { Run(); });
  maintainer_ = std::thread([this] { Maintain(); });
}

void FeedConsumer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  stream_->Cancel();
  backoff_sleeper_->Interrupt();
  poll_sleeper_->Interrupt();
  if (consumer_.joinable()) consumer_.join();
  if (maintainer_.joinable()) maintainer_.join();
}

bool FeedConsumer::following() const {
  absl::MutexLock lock(&mu_);
  return following_ && !stopping_;
}

bool FeedConsumer::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void FeedConsumer::SetFollowing(bool following) {
  absl::MutexLock lock(&mu_);
  following_ = following;
}

void FeedConsumer::Run() {
  Backoff backoff(kFirstBackoff, kMaxBackoff);
  std::string last_error;
  while (true) {
    StreamEnd end = Follow();
    const absl::Status& status = end.status;
    if (stopping()) return;
    if (end.progressed) backoff.Reset();
    if (end.rewound) {
      std::cerr << "aggregation: the change feed is not the one the roll-ups were built from ("
                << status.message() << "); rebuilding them from it" << std::endl;
      absl::Status rebuilt = rebuild_ ? rebuild_() : absl::UnimplementedError("no rebuild");
      if (!rebuilt.ok()) {
        std::cerr << "aggregation: rebuilding the roll-ups: " << rebuilt.message() << " (retrying)"
                  << std::endl;
      }
      // Reconnects after the usual backoff, so that a feed that keeps
      // changing under the rebuilds cannot make them run back to back.
      last_error.clear();
      if (!backoff_sleeper_->SleepFor(backoff.Next())) return;
      continue;
    }
    std::string error(status.message());
    if (!status.ok() && error != last_error) {
      // Logged once per distinct error, not on every retry.
      std::cerr << "aggregation: change feed: " << error << " (retrying)" << std::endl;
    }
    last_error = error;
    if (!backoff_sleeper_->SleepFor(backoff.Next())) return;
  }
}

FeedConsumer::StreamEnd FeedConsumer::Follow() {
  StreamEnd end;
  absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> snapshot = registry_->Snapshot(false);
  if (!snapshot.ok()) {
    end.status = snapshot.status();
    return end;
  }
  absl::StatusOr<std::string> mismatch = FeedMismatch();
  if (!mismatch.ok() || !mismatch->empty()) {
    end.status = mismatch.ok() ? absl::FailedPreconditionError(*mismatch) : mismatch.status();
    end.rewound = mismatch.ok();
    return end;
  }
  end.status = stream_->Open(store_->applied_sequence(), store_->feed_mark().epoch);
  if (!end.status.ok()) return end;
  SetFollowing(true);
  while (true) {
    absl::StatusOr<std::vector<v1::Change>> batch = stream_->Next(kMaxBatch);
    if (!batch.ok()) {
      end.rewound = FeedReplaced(batch.status());
      end.status = absl::Status(batch.status().code(), batch.status().message());
      break;
    }
    // The cached snapshot is re-read when older than its time to live; a
    // report from an agency it does not know yet forces a fresh reading.
    absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> current = registry_->Snapshot(false);
    if (current.ok()) snapshot = current;
    for (const v1::Change& change : *batch) {
      if (!(*snapshot)->hierarchy->Contains(change.report().agency())) {
        current = registry_->Snapshot(true);
        if (current.ok()) snapshot = current;
        break;
      }
    }
    absl::Status applied = store_->ApplyBatch(*batch, *(*snapshot)->hierarchy);
    if (!applied.ok()) {
      // Changes of another feed epoch than the table's.
      end.rewound = applied.code() == absl::StatusCode::kFailedPrecondition;
      end.status = applied;
      break;
    }
    end.progressed = true;
  }
  stream_->Close();
  SetFollowing(false);
  return end;
}

absl::StatusOr<std::string> FeedConsumer::FeedMismatch() {
  const FeedMark mark = store_->feed_mark();
  // Tables built before marks were kept, and empty ones, have nothing to
  // check.
  if (mark.digest.empty() || mark.sequence <= 0) return std::string();
  absl::StatusOr<std::optional<v1::Change>> first =
      stream_->ChangeAfter(mark.sequence - 1, mark.epoch);
  if (!first.ok()) {
    if (FeedReplaced(first.status())) return std::string(first.status().message());
    return absl::Status(first.status().code(), first.status().message());
  }
  if (!first->has_value()) {
    return absl::StrCat("the change feed ends before sequence ", mark.sequence,
                        ", which the roll-ups applied: it was rewound");
  }
  if ((*first)->sequence() != mark.sequence || ChangeDigest(**first) != mark.digest) {
    return absl::StrCat("change ", mark.sequence,
                        " of the feed is not the one the roll-ups applied: the feed was rewound "
                        "or replaced");
  }
  return std::string();
}

void FeedConsumer::Maintain() {
  while (poll_sleeper_->SleepFor(registry_poll_)) {
    // Read afresh here, before the cached reading expires, so that queries
    // do not pay for reading the registry.
    absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> snapshot = registry_->Snapshot(true);
    if (!snapshot.ok()) continue;
    absl::Status status = store_->Rehome(*(*snapshot)->hierarchy);
    if (!status.ok()) {
      std::cerr << "aggregation: re-homing after a registry change: " << status.message()
                << std::endl;
    }
  }
}

}  // namespace tonghop::aggregation
