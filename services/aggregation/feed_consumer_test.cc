#include "services/aggregation/feed_consumer.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/test_fixture.h"
#include "services/common/errors.h"
#include "services/common/sleeper.h"
#include "storage/memory_store.h"

namespace tonghop::aggregation {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using testing::IntValue;
using testing::MakeChange;
using testing::MakeReport;
using ::testing::Pair;

constexpr char kEpoch[] = "epoch-1";
constexpr absl::Duration kPoll = absl::Seconds(20);
// How long a test waits for the consumer's threads (on the wall clock) before
// it fails instead of hanging; never reached when the consumer works.
constexpr absl::Duration kHangGuard = absl::Seconds(30);

// A report history of `count` changes from `first_sequence` on: four
// agencies of two provinces submit revision after revision of their 2026
// report, each with other figures, so that a change applied twice (an older
// revision over a newer one) or skipped leaves other figures.
std::vector<v1::Change> History(int64_t first_sequence, int count) {
  static const char* const kAgencies[] = {"dong-nai-so-tu-phap", "dong-nai-so-y-te",
                                          "dong-nai-cong-an-tinh", "quang-ngai-so-tu-phap"};
  std::vector<v1::Change> changes;
  for (int64_t sequence = first_sequence; sequence < first_sequence + count; ++sequence) {
    const int64_t agency = sequence % 4;
    const int revision = static_cast<int>(sequence / 4) + 1;
    changes.push_back(MakeChange(sequence, v1::CHANGE_KIND_SUBMITTED,
                                 MakeReport(kAgencies[agency], "2026", revision,
                                            {IntValue("complaints-received", sequence % 97),
                                             IntValue("complaints-resolved", sequence % 31)})));
  }
  return changes;
}

// The submissions service's change feed, as FakeChangeStream serves it.
// Thread-safe.
class FakeFeed {
 public:
  void Append(std::vector<v1::Change> changes) {
    absl::MutexLock lock(&mu_);
    for (v1::Change& change : changes) {
      change.set_epoch(kEpoch);
      changes_.push_back(std::move(change));
    }
  }
  // The next stream read fails with `status` (one stream per call), before
  // any change is handed out.
  void FailNextRead(absl::Status status) {
    absl::MutexLock lock(&mu_);
    failures_.push_back(std::move(status));
  }
  // Streams opened from now on start `count` changes before the position
  // asked for, as a feed that delivers at least once may.
  void RedeliverOnOpen(int64_t count) {
    absl::MutexLock lock(&mu_);
    redelivered_ = count;
  }
  // A stream read hands out at most `count` changes, as when they arrive
  // a few at a time.
  void ServeAtMost(size_t count) {
    absl::MutexLock lock(&mu_);
    serve_at_most_ = count;
  }
  std::vector<v1::Change> changes() const {
    absl::MutexLock lock(&mu_);
    return changes_;
  }

 private:
  friend class FakeChangeStream;
  int64_t last_sequence() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return changes_.empty() ? 0 : changes_.back().sequence();
  }

  mutable absl::Mutex mu_;
  std::vector<v1::Change> changes_ ABSL_GUARDED_BY(mu_);
  std::deque<absl::Status> failures_ ABSL_GUARDED_BY(mu_);
  int64_t redelivered_ ABSL_GUARDED_BY(mu_) = 0;
  size_t serve_at_most_ ABSL_GUARDED_BY(mu_) = SIZE_MAX;
};

// One connection to a FakeFeed, as the consumer sees the submissions
// service: Next hands out whatever the feed holds past the stream's
// position, up to the number asked for, and waits when there is nothing.
// Records what it was asked and what it handed out. Thread-safe.
class FakeChangeStream final : public ChangeStream {
 public:
  explicit FakeChangeStream(FakeFeed* feed) : feed_(feed) {}

  absl::Status Open(int64_t after_sequence, const std::string& epoch) override {
    absl::MutexLock lock(&feed_->mu_);
    if (cancelled_) return absl::CancelledError("stopping");
    opens_.push_back({after_sequence, epoch});
    open_ = true;
    position_ = std::max<int64_t>(0, after_sequence - feed_->redelivered_);
    wrong_epoch_ = !epoch.empty() && epoch != kEpoch;
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<v1::Change>> Next(size_t max_changes) override {
    absl::MutexLock lock(&feed_->mu_);
    if (!open_) return absl::FailedPreconditionError("no stream is open");
    auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(feed_->mu_) {
      return cancelled_ || wrong_epoch_ || !feed_->failures_.empty() ||
             feed_->last_sequence() > position_;
    };
    feed_->mu_.Await(absl::Condition(&ready));
    if (cancelled_ || wrong_epoch_ || !feed_->failures_.empty()) {
      open_ = false;
      if (cancelled_) return absl::CancelledError("stopping");
      if (wrong_epoch_) {
        return WithErrorInfo(absl::FailedPreconditionError("the feed is of another epoch"),
                             "FEED_EPOCH_CHANGED");
      }
      absl::Status failure = std::move(feed_->failures_.front());
      feed_->failures_.pop_front();
      return failure;
    }
    std::vector<v1::Change> batch;
    std::vector<int64_t> sequences;
    for (const v1::Change& change : feed_->changes_) {
      if (batch.size() == std::min(max_changes, feed_->serve_at_most_)) break;
      if (change.sequence() <= position_) continue;
      batch.push_back(change);
      sequences.push_back(change.sequence());
    }
    position_ = sequences.back();
    batches_.push_back(std::move(sequences));
    return batch;
  }

  void Close() override {
    absl::MutexLock lock(&feed_->mu_);
    open_ = false;
  }

  absl::StatusOr<std::optional<v1::Change>> ChangeAfter(int64_t after_sequence,
                                                        const std::string& epoch) override {
    absl::MutexLock lock(&feed_->mu_);
    if (cancelled_) return absl::CancelledError("stopping");
    checks_.push_back(after_sequence);
    if (!epoch.empty() && epoch != kEpoch) {
      return WithErrorInfo(absl::FailedPreconditionError("the feed is of another epoch"),
                           "FEED_EPOCH_CHANGED");
    }
    for (const v1::Change& change : feed_->changes_) {
      if (change.sequence() > after_sequence) return change;
    }
    return std::optional<v1::Change>();
  }

  void Cancel() override {
    absl::MutexLock lock(&feed_->mu_);
    cancelled_ = true;
  }

  // Every Open: the position and epoch asked for.
  std::vector<std::pair<int64_t, std::string>> opens() const {
    absl::MutexLock lock(&feed_->mu_);
    return opens_;
  }
  // The sequences of every batch Next handed out, in order.
  std::vector<std::vector<int64_t>> batches() const {
    absl::MutexLock lock(&feed_->mu_);
    return batches_;
  }
  // Every ChangeAfter: the position asked for.
  std::vector<int64_t> checks() const {
    absl::MutexLock lock(&feed_->mu_);
    return checks_;
  }

 private:
  FakeFeed* feed_;
  bool cancelled_ ABSL_GUARDED_BY(feed_->mu_) = false;
  bool open_ ABSL_GUARDED_BY(feed_->mu_) = false;
  bool wrong_epoch_ ABSL_GUARDED_BY(feed_->mu_) = false;
  int64_t position_ ABSL_GUARDED_BY(feed_->mu_) = 0;
  std::vector<std::pair<int64_t, std::string>> opens_ ABSL_GUARDED_BY(feed_->mu_);
  std::vector<std::vector<int64_t>> batches_ ABSL_GUARDED_BY(feed_->mu_);
  std::vector<int64_t> checks_ ABSL_GUARDED_BY(feed_->mu_);
};

std::vector<int64_t> Sequences(int64_t first, int64_t last) {
  std::vector<int64_t> sequences;
  for (int64_t s = first; s <= last; ++s) sequences.push_back(s);
  return sequences;
}

std::vector<int64_t> Flatten(const std::vector<std::vector<int64_t>>& batches) {
  std::vector<int64_t> all;
  for (const std::vector<int64_t>& batch : batches)
    all.insert(all.end(), batch.begin(), batch.end());
  return all;
}

// The registry, failing until Recover().
class FailingRegistry final : public RegistryView {
 public:
  explicit FailingRegistry(RegistryView* real) : real_(real) {}
  absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> Snapshot(bool refresh) override {
    absl::MutexLock lock(&mu_);
    if (failing_) return absl::UnavailableError("the registry is down");
    return real_->Snapshot(refresh);
  }
  absl::StatusOr<std::shared_ptr<const PlanInfo>> Plan(absl::string_view name) override {
    return real_->Plan(name);
  }
  void Recover() {
    absl::MutexLock lock(&mu_);
    failing_ = false;
  }

 private:
  RegistryView* real_;
  absl::Mutex mu_;
  bool failing_ ABSL_GUARDED_BY(mu_) = true;
};

// A consumer over a store that outlives it: Start() is a process start
// (the table opened afresh over the store), StopConsumer() its end.
class FeedConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::LoadRegistry(registry_); }
  void TearDown() override { StopConsumer(); }

  void StartConsumer() {
    auto opened = AggregateStore::Open(&store_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    aggregates_ = *std::move(opened);
    {
      absl::MutexLock lock(&mu_);
      applied_ = aggregates_->applied_sequence();
      positions_.clear();
    }
    aggregates_->SetListener([this](int64_t sequence) {
      absl::MutexLock lock(&mu_);
      applied_ = sequence;
      positions_.push_back(sequence);
    });
    stream_ = std::make_unique<FakeChangeStream>(&feed_);
    backoff_ = std::make_unique<FakeSleeper>();
    poll_ = std::make_unique<FakeSleeper>();
    FeedConsumerOptions options;
    options.registry_poll = kPoll;
    options.backoff_sleeper = backoff_.get();
    options.poll_sleeper = poll_.get();
    consumer_ = std::make_unique<FeedConsumer>(aggregates_.get(), consumer_registry_, stream_.get(),
                                               /*rebuild=*/nullptr, options);
    consumer_->Start();
  }

  void StopConsumer() {
    if (consumer_ != nullptr) consumer_->Stop();
    consumer_.reset();
  }

  // Waits until the table's position reaches `sequence`.
  bool AwaitApplied(int64_t sequence) {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return applied_ >= sequence; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), kHangGuard);
  }

  // The positions the table reached, one per write of changes.
  std::vector<int64_t> positions() {
    absl::MutexLock lock(&mu_);
    return positions_;
  }

  // Changes 1-300 are applied; 301-400 are read, and the write that would
  // persist them does not happen (the disk refuses it).
  void ReadButDoNotPersist() {
    feed_.Append(History(1, 300));
    StartConsumer();
    ASSERT_TRUE(AwaitApplied(300));
    store_.set_fail_writes(true);
    feed_.Append(History(301, 100));
    ASSERT_TRUE(backoff_->AwaitRequests(1));
    EXPECT_THAT(stream_->batches().back(), ElementsAreArray(Sequences(301, 400)));
    EXPECT_EQ(aggregates_->applied_sequence(), 300);
  }

  // Whether the table is the one a rebuild from the whole feed gives.
  bool SameAsRebuild() {
    std::vector<v1::Change> changes = feed_.changes();
    testing::VectorSource source(&changes);
    auto snapshot = registry_.Snapshot(false);
    EXPECT_TRUE(snapshot.ok());
    auto result = aggregates_->Rebuild(source, *(*snapshot)->hierarchy, /*verify_only=*/true);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() && result->identical;
  }

  std::optional<AggregateReader::SumValue> Received(const std::string& root) {
    std::optional<AggregateReader::SumValue> sum;
    absl::Status read = aggregates_->Read([&](const AggregateReader& reader) {
      sum = reader.Sum(Layer::kUnreviewed, testing::kPlan, "2026", "agencies/" + root,
                       "indicators/complaints-received", "");
      return absl::OkStatus();
    });
    EXPECT_TRUE(read.ok()) << read;
    return sum;
  }

  storage::MemoryStore store_;
  StaticRegistryView registry_;
  FailingRegistry failing_registry_{&registry_};
  // The registry the consumer reads.
  RegistryView* consumer_registry_ = &registry_;
  FakeFeed feed_;
  std::unique_ptr<AggregateStore> aggregates_;
  std::unique_ptr<FakeChangeStream> stream_;
  std::unique_ptr<FakeSleeper> backoff_;
  std::unique_ptr<FakeSleeper> poll_;
  std::unique_ptr<FeedConsumer> consumer_;
  absl::Mutex mu_;
  int64_t applied_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<int64_t> positions_ ABSL_GUARDED_BY(mu_);
};

TEST_F(FeedConsumerTest, AppliesABacklogInFullBatchesEachChangeOnce) {
  feed_.Append(History(1, 1000));
  StartConsumer();
  ASSERT_TRUE(AwaitApplied(1000));

  std::vector<std::vector<int64_t>> batches = stream_->batches();
  // The backlog was there at once: every batch but the last is full.
  ASSERT_EQ(batches.size(), 4u);
  for (size_t i = 0; i + 1 < batches.size(); ++i) {
    EXPECT_EQ(batches[i].size(), FeedConsumer::kMaxBatch) << "batch " << i;
  }
  // Each change was handed out once, in order ...
  EXPECT_THAT(Flatten(batches), ElementsAreArray(Sequences(1, 1000)));
  // ... and each batch was applied in one write, with its last position.
  std::vector<int64_t> ends;
  for (const std::vector<int64_t>& batch : batches) ends.push_back(batch.back());
  EXPECT_THAT(positions(), ElementsAreArray(ends));
  EXPECT_TRUE(SameAsRebuild());
  // Nothing failed, so nothing waited.
  EXPECT_TRUE(backoff_->requests().empty());
}

TEST_F(FeedConsumerTest, AppliesChangesAsTheyArriveWhileFollowing) {
  StartConsumer();
  for (int64_t sequence = 1; sequence <= 20; ++sequence) {
    feed_.Append(History(sequence, 1));
    ASSERT_TRUE(AwaitApplied(sequence));
  }
  EXPECT_TRUE(consumer_->following());
  // One stream for all of them: the position is kept across batches.
  EXPECT_THAT(stream_->opens(), ElementsAre(Pair(0, "")));
  EXPECT_THAT(Flatten(stream_->batches()), ElementsAreArray(Sequences(1, 20)));
  EXPECT_TRUE(SameAsRebuild());
}

TEST_F(FeedConsumerTest, BacksOffAfterStreamErrorsUpToACapAndStartsOverAfterProgress) {
  for (int i = 0; i < 8; ++i) {
    feed_.FailNextRead(absl::UnavailableError(absl::StrCat("submissions is down (", i, ")")));
  }
  StartConsumer();
  const std::vector<absl::Duration> growing = {absl::Milliseconds(100),  absl::Milliseconds(200),
                                               absl::Milliseconds(400),  absl::Milliseconds(800),
                                               absl::Milliseconds(1600), absl::Milliseconds(3200),
                                               absl::Seconds(5),         absl::Seconds(5)};
  for (size_t i = 0; i < growing.size(); ++i) {
    ASSERT_TRUE(backoff_->AwaitRequests(i + 1)) << "wait " << i;
    EXPECT_EQ(backoff_->requests()[i], growing[i]) << "wait " << i;
    // Not following while it waits, so the instance is not ready.
    EXPECT_FALSE(consumer_->following());
    backoff_->Advance(backoff_->requests()[i]);
  }
  // The ninth stream works.
  feed_.Append(History(1, 10));
  ASSERT_TRUE(AwaitApplied(10));
  EXPECT_TRUE(consumer_->following());
  EXPECT_EQ(backoff_->requests().size(), growing.size());

  // A stream that applied changes and then broke starts the backoff over.
  feed_.FailNextRead(absl::UnavailableError("submissions restarted"));
  ASSERT_TRUE(backoff_->AwaitRequests(growing.size() + 1));
  EXPECT_EQ(backoff_->requests().back(), absl::Milliseconds(100));
  backoff_->Advance(backoff_->requests().back());
  feed_.Append(History(11, 5));
  ASSERT_TRUE(AwaitApplied(15));
  // Every stream after the first resumed where the table was.
  std::vector<std::pair<int64_t, std::string>> opens = stream_->opens();
  ASSERT_EQ(opens.size(), 10u);
  EXPECT_EQ(opens.back(), std::make_pair(int64_t{10}, std::string(kEpoch)));
  EXPECT_THAT(Flatten(stream_->batches()), ElementsAreArray(Sequences(1, 15)));
  EXPECT_TRUE(SameAsRebuild());
}

TEST_F(FeedConsumerTest, RegistryErrorsBackOffLikeStreamErrors) {
  // Until the registry can be read, no report can be placed: the consumer
  // waits and tries again, without opening a stream.
  consumer_registry_ = &failing_registry_;
  feed_.Append(History(1, 3));
  StartConsumer();
  ASSERT_TRUE(backoff_->AwaitRequests(1));
  backoff_->Advance(absl::Milliseconds(100));
  ASSERT_TRUE(backoff_->AwaitRequests(2));
  EXPECT_EQ(backoff_->requests()[1], absl::Milliseconds(200));
  EXPECT_TRUE(stream_->opens().empty());
  failing_registry_.Recover();
  backoff_->Advance(absl::Milliseconds(200));
  ASSERT_TRUE(AwaitApplied(3));
  EXPECT_THAT(stream_->opens(), ElementsAre(Pair(0, "")));
}

TEST_F(FeedConsumerTest, ARestartedConsumerResumesAfterTheLastAppliedPosition) {
  feed_.Append(History(1, 300));
  StartConsumer();
  ASSERT_TRUE(AwaitApplied(300));
  StopConsumer();

  // Reports go on arriving while aggregation is down.
  feed_.Append(History(301, 200));
  StartConsumer();
  ASSERT_TRUE(AwaitApplied(500));
  // It checked that the change it applied last is still the feed's, then
  // followed from there, in the epoch the table holds.
  EXPECT_THAT(stream_->checks(), ElementsAre(299));
  EXPECT_THAT(stream_->opens(), ElementsAre(Pair(300, kEpoch)));
  EXPECT_THAT(Flatten(stream_->batches()), ElementsAreArray(Sequences(301, 500)));
  EXPECT_TRUE(SameAsRebuild());
}

TEST_F(FeedConsumerTest, ChangesHandedOutAgainAfterARestartAreNotAppliedTwice) {
  feed_.Append(History(1, 300));
  StartConsumer();
  ASSERT_TRUE(AwaitApplied(300));
  StopConsumer();

  // The feed delivers at least once: the new stream starts 50 changes
  // before the position asked for, ten at a time, so that whole batches
  // hold nothing but changes the table has.
  feed_.RedeliverOnOpen(50);
  feed_.ServeAtMost(10);
  feed_.Append(History(301, 100));
  StartConsumer();
  ASSERT_TRUE(AwaitApplied(400));
  EXPECT_THAT(stream_->opens(), ElementsAre(Pair(300, kEpoch)));
  EXPECT_THAT(Flatten(stream_->batches()), ElementsAreArray(Sequences(251, 400)));
  // Only the batches with new changes were written: the position only
  // moved forward, by ten each time.
  std::vector<int64_t> tens;
  for (int64_t end = 310; end <= 400; end += 10) tens.push_back(end);
  EXPECT_THAT(positions(), ElementsAreArray(tens));
  EXPECT_TRUE(SameAsRebuild());
}

TEST_F(FeedConsumerTest, ACrashBetweenReadingAndPersistingLosesNothingAndRepeatsNothing) {
  // Then the process dies.
  ASSERT_NO_FATAL_FAILURE(ReadButDoNotPersist());
  StopConsumer();

  store_.set_fail_writes(false);
  StartConsumer();
  ASSERT_TRUE(AwaitApplied(400));
  EXPECT_THAT(stream_->opens(), ElementsAre(Pair(300, kEpoch)));
  EXPECT_THAT(Flatten(stream_->batches()), ElementsAreArray(Sequences(301, 400)));
  EXPECT_THAT(positions(), ElementsAre(400));
  EXPECT_TRUE(SameAsRebuild());
}

TEST_F(FeedConsumerTest, AFailedWriteIsReadAgainFromThePersistedPosition) {
  ASSERT_NO_FATAL_FAILURE(ReadButDoNotPersist());
  // The same consumer reconnects from what the table holds, not from what
  // it had read.
  store_.set_fail_writes(false);
  backoff_->Advance(backoff_->requests()[0]);
  ASSERT_TRUE(AwaitApplied(400));
  std::vector<std::pair<int64_t, std::string>> opens = stream_->opens();
  ASSERT_EQ(opens.size(), 2u);
  EXPECT_EQ(opens[1], std::make_pair(int64_t{300}, std::string(kEpoch)));
  EXPECT_THAT(stream_->checks(), ElementsAre(299));
  EXPECT_TRUE(SameAsRebuild());
}

// An agency's report for 2026 with one figure, as the feed carries its
// submission.
v1::Change Submitted(int64_t sequence, const std::string& agency, int revision, int64_t received) {
  return MakeChange(
      sequence, v1::CHANGE_KIND_SUBMITTED,
      MakeReport(agency, "2026", revision, {IntValue("complaints-received", received)}));
}

// Moves an agency under another parent in the registry.
void MoveAgency(StaticRegistryView& registry, const std::string& id, const std::string& parent) {
  std::vector<v1::Agency> agencies = testing::Agencies();
  for (v1::Agency& agency : agencies) {
    if (agency.name() == "agencies/" + id) agency.set_parent("agencies/" + parent);
  }
  registry.SetAgencies(agencies);
}

TEST_F(FeedConsumerTest, ARegistryPollMovesTheFiguresOfAnAgencyThatMoved) {
  feed_.Append({Submitted(1, "dong-nai-so-y-te", 1, 7), Submitted(2, "dong-nai-so-tu-phap", 1, 5),
                Submitted(3, "quang-ngai-so-tu-phap", 1, 11)});
  StartConsumer();
  ASSERT_TRUE(AwaitApplied(3));
  ASSERT_TRUE(poll_->AwaitRequests(1));
  ASSERT_TRUE(Received("dong-nai").has_value());
  EXPECT_EQ(Received("dong-nai")->micros, FromInt(12));
  EXPECT_EQ(Received("dong-nai")->contributors, 2);
  EXPECT_EQ(Received("quang-ngai")->micros, FromInt(11));

  // The Department of Health moves to Quảng Ngãi (a made-up
  // reorganisation); no report arrives, the next registry poll moves it.
  MoveAgency(registry_, "dong-nai-so-y-te", "quang-ngai");
  poll_->Advance(kPoll);
  ASSERT_TRUE(poll_->AwaitRequests(2));  // the poll was done
  EXPECT_EQ(Received("dong-nai")->micros, FromInt(5));
  EXPECT_EQ(Received("dong-nai")->contributors, 1);
  EXPECT_EQ(Received("quang-ngai")->micros, FromInt(18));
  EXPECT_EQ(Received("quang-ngai")->contributors, 2);
  EXPECT_EQ(Received("bo-tu-phap")->micros, FromInt(23));
  EXPECT_EQ(Received("dong-nai-so-y-te")->micros, FromInt(7));
  EXPECT_TRUE(SameAsRebuild());
}

TEST_F(FeedConsumerTest, TheNextBatchAfterAMovePlacesFiguresUnderTheNewParent) {
  feed_.Append(
      {Submitted(1, "dong-nai-so-y-te", 1, 7), Submitted(2, "quang-ngai-so-tu-phap", 1, 11)});
  StartConsumer();
  ASSERT_TRUE(AwaitApplied(2));
  // The registry poll is waiting for its first turn (it starts on a thread
  // of its own, so it may not be waiting yet when the batch is applied).
  ASSERT_TRUE(poll_->AwaitRequests(1));
  EXPECT_EQ(Received("dong-nai")->micros, FromInt(7));

  // The move is known before any poll: the next report applied places both
  // the old figures and the new ones under the new parent.
  MoveAgency(registry_, "dong-nai-so-y-te", "quang-ngai");
  feed_.Append({Submitted(3, "quang-ngai-so-tu-phap", 2, 13)});
  ASSERT_TRUE(AwaitApplied(3));
  EXPECT_EQ(poll_->requests().size(), 1u);  // no poll ran
  EXPECT_FALSE(Received("dong-nai").has_value() && Received("dong-nai")->contributors > 0);
  EXPECT_EQ(Received("quang-ngai")->micros, FromInt(20));
  EXPECT_EQ(Received("quang-ngai")->contributors, 2);
  EXPECT_TRUE(SameAsRebuild());
}

TEST_F(FeedConsumerTest, StopEndsAWaitingStreamAndABackoff) {
  StartConsumer();
  ASSERT_TRUE(poll_->AwaitRequests(1));
  StopConsumer();  // returns: the stream waiting for changes was cancelled
  feed_.FailNextRead(absl::UnavailableError("down"));
  StartConsumer();
  ASSERT_TRUE(backoff_->AwaitRequests(1));
  StopConsumer();  // returns: the backoff was interrupted
  EXPECT_EQ(aggregates_->applied_sequence(), 0);
}

}  // namespace
}  // namespace tonghop::aggregation
