#include "services/aggregation/completeness_tally.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "services/aggregation/aggregate_schema.h"
#include "services/aggregation/test_fixture.h"
#include "storage/memory_store.h"
#include "storage/store_layout.h"

namespace tonghop::aggregation {
namespace {

using testing::IntValue;
using testing::MakeAgency;
using testing::MakeChange;
using testing::MakeReport;

// A country of 8 provinces of 10 communes.
std::vector<v1::Agency> Country() {
  std::vector<v1::Agency> agencies = {
      MakeAgency("country", "Cả nước", v1::AGENCY_KIND_MINISTRY, "")};
  for (int p = 0; p < 8; ++p) {
    agencies.push_back(MakeAgency(absl::StrFormat("p%d", p), absl::StrFormat("Tỉnh %d", p),
                                  v1::AGENCY_KIND_PROVINCE, "country"));
    for (int c = 0; c < 10; ++c) {
      agencies.push_back(MakeAgency(absl::StrFormat("p%d-c%d", p, c),
                                    absl::StrFormat("Xã %d-%d", p, c), v1::AGENCY_KIND_COMMUNE,
                                    absl::StrFormat("p%d", p)));
    }
  }
  return agencies;
}

// What Count() must answer: every reporter read afresh.
CompletenessCounts CountEveryReporter(const AggregateReader& reader, Layer layer,
                                      const std::vector<std::string>& expected) {
  CompletenessCounts counts;
  for (const std::string& agency : expected) {
    counts.Add(StandingOf(reader.Status(testing::kPlan, "2026", agency),
                          reader.Head(layer, testing::kPlan, "2026", agency)));
  }
  return counts;
}

void ExpectSame(const CompletenessCounts& got, const CompletenessCounts& want, int step) {
  EXPECT_EQ(got.expected, want.expected) << "step " << step;
  EXPECT_EQ(got.received, want.received) << "step " << step;
  EXPECT_EQ(got.on_time, want.on_time) << "step " << step;
  EXPECT_EQ(got.late, want.late) << "step " << step;
  EXPECT_EQ(got.missing, want.missing) << "step " << step;
  EXPECT_EQ(got.awaiting_review, want.awaiting_review) << "step " << step;
  EXPECT_EQ(got.returned, want.returned) << "step " << step;
}

class CompletenessTallyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(storage::UpgradeLayout(&store_, AggregationLayout()).ok());
    aggregates_ = *AggregateStore::Open(&store_);
    for (const v1::Agency& a : agencies_) {
      if (a.name() == "agencies/country") continue;
      reporters_.push_back(a.name().substr(9));
      // Every commune is expected; provinces report as others.
      if (a.kind() == v1::AGENCY_KIND_COMMUNE) expected_.push_back(a.name());
    }
  }

  // A random change: a submission (on time or late), an acceptance or a
  // return, of an expected reporter or another.
  v1::Change RandomChange() {
    const std::string& id = reporters_[random_() % reporters_.size()];
    v1::ChangeKind kind;
    switch (random_() % 4) {
      case 0: kind = v1::CHANGE_KIND_RETURNED; break;
      case 1: kind = v1::CHANGE_KIND_SUBMITTED; ++revision_[id]; break;
      default: kind = v1::CHANGE_KIND_ACCEPTED; break;
    }
    if (revision_[id] == 0) ++revision_[id];
    v1::Report report = MakeReport(id, "2026", revision_[id], {IntValue("complaints-received", 1)},
                                   testing::kPlan, 1790000000, revision_[id] % 3 != 0);
    return MakeChange(++sequence_, kind, report);
  }

  absl::Status ApplyRandom() { return aggregates_->Apply(RandomChange(), hierarchy_); }

  // Counts the accepted layer with `tally` on the table as it is now, and
  // expects what counting every reporter gives.
  void ExpectCountsOfEveryReporter(const CompletenessTally& tally, int step) {
    ASSERT_TRUE(aggregates_
                    ->Read([&](const AggregateReader& reader) {
                      ExpectSame(tally.Count(reader, aggregates_->journal(), Layer::kAccepted),
                                 CountEveryReporter(reader, Layer::kAccepted, expected_), step);
                      return reader.status();
                    })
                    .ok());
  }

  std::vector<v1::Agency> agencies_ = Country();
  Hierarchy hierarchy_{agencies_};
  storage::MemoryStore store_;
  std::unique_ptr<AggregateStore> aggregates_;
  std::vector<std::string> reporters_;
  std::vector<std::string> expected_;
  std::mt19937 random_{11};
  std::map<std::string, int> revision_;
  int64_t sequence_ = 0;
};

// Through random submissions, acceptances and returns, the tally's counts
// are every reporter's, in both layers, and after the first count it reads
// only the reporters that changed.
TEST_F(CompletenessTallyTest, CountsWhatEveryReporterSaysReadingOnlyWhatChanged) {
  CompletenessTally tally(testing::kPlan, "2026", expected_);
  int checks = 0;
  for (int step = 0; step < 1200; ++step) {
    ASSERT_TRUE(ApplyRandom().ok());
    if (step % 5 != 0) continue;
    ASSERT_TRUE(aggregates_
                    ->Read([&](const AggregateReader& reader) {
                      for (Layer layer : {Layer::kAccepted, Layer::kUnreviewed}) {
                        ExpectSame(tally.Count(reader, aggregates_->journal(), layer),
                                   CountEveryReporter(reader, layer, expected_), step);
                        ++checks;
                      }
                      return reader.status();
                    })
                    .ok());
  }
  EXPECT_GT(checks, 400);
  // Two full counts (one per layer), then at most the 5 changes between
  // counts, per layer.
  EXPECT_LE(tally.reads(), 2 * static_cast<int64_t>(expected_.size()) + 2 * 5 * 1200 / 5);
  EXPECT_GE(tally.reads(), 2 * static_cast<int64_t>(expected_.size()));
}

// A reader older than the tally's last count gets the counts of its own
// position: the reporters changed since are read as they were.
TEST_F(CompletenessTallyTest, AnOlderReaderGetsItsOwnPosition) {
  CompletenessTally tally(testing::kPlan, "2026", expected_);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(ApplyRandom().ok());
  ASSERT_TRUE(aggregates_
                  ->Read([&](const AggregateReader& older) {
                    const CompletenessCounts before =
                        CountEveryReporter(older, Layer::kAccepted, expected_);
                    ExpectSame(tally.Count(older, aggregates_->journal(), Layer::kAccepted),
                               before, 0);
                    for (int i = 0; i < 100; ++i) EXPECT_TRUE(ApplyRandom().ok());
                    EXPECT_TRUE(aggregates_
                                    ->Read([&](const AggregateReader& newer) {
                                      ExpectSame(tally.Count(newer, aggregates_->journal(),
                                                             Layer::kAccepted),
                                                 CountEveryReporter(newer, Layer::kAccepted,
                                                                    expected_),
                                                 1);
                                      return newer.status();
                                    })
                                    .ok());
                    ExpectSame(tally.Count(older, aggregates_->journal(), Layer::kAccepted),
                               before, 2);
                    return older.status();
                  })
                  .ok());
}

// When the journal no longer holds every change since the last count (more
// changes than it keeps, or a table reopened), the tally reads everyone.
TEST_F(CompletenessTallyTest, ReadsEveryoneWhenTheJournalCannotBridge) {
  CompletenessTally tally(testing::kPlan, "2026", expected_);
  auto count = [&] { ExpectCountsOfEveryReporter(tally, 0); };
  count();
  const int64_t everyone = static_cast<int64_t>(expected_.size());
  EXPECT_EQ(tally.reads(), everyone);
  // The default journal keeps 32,768 changes.
  for (int i = 0; i < (1 << 15) + 10; ++i) ASSERT_TRUE(ApplyRandom().ok());
  count();
  EXPECT_EQ(tally.reads(), 2 * everyone);
  // A change, then the table reopened: the new store's journal starts at
  // its position, after that change.
  ASSERT_TRUE(ApplyRandom().ok());
  aggregates_.reset();
  aggregates_ = *AggregateStore::Open(&store_);
  ASSERT_TRUE(ApplyRandom().ok());
  count();
  EXPECT_EQ(tally.reads(), 3 * everyone);
  // From there on, only what changed.
  ASSERT_TRUE(ApplyRandom().ok());
  count();
  EXPECT_LE(tally.reads(), 3 * everyone + 1);
}

// A batch that was not written leaves no trace in the journal, and one
// applied again afterwards is counted once.
TEST_F(CompletenessTallyTest, AFailedBatchIsForgotten) {
  CompletenessTally tally(testing::kPlan, "2026", expected_);
  auto check = [&](int step) { ExpectCountsOfEveryReporter(tally, step); };
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(ApplyRandom().ok());
  check(0);
  std::vector<v1::Change> batch;
  for (int i = 0; i < 20; ++i) batch.push_back(RandomChange());
  store_.set_fail_writes(true);
  EXPECT_FALSE(aggregates_->ApplyBatch(batch, hierarchy_).ok());
  store_.set_fail_writes(false);
  check(1);
  ASSERT_TRUE(aggregates_->ApplyBatch(batch, hierarchy_).ok());
  check(2);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(ApplyRandom().ok());
  check(3);
}

// A rebuild's swap starts a new generation: the tally reads everyone in it.
TEST_F(CompletenessTallyTest, ARebuiltTableIsReadAfresh) {
  std::vector<v1::Change> feed;
  for (int i = 0; i < 300; ++i) {
    feed.push_back(RandomChange());
    ASSERT_TRUE(aggregates_->Apply(feed.back(), hierarchy_).ok());
  }
  CompletenessTally tally(testing::kPlan, "2026", expected_);
  auto check = [&](int step) { ExpectCountsOfEveryReporter(tally, step); };
  check(0);
  testing::VectorSource source(&feed);
  absl::StatusOr<AggregateStore::RebuildResult> rebuilt =
      aggregates_->Rebuild(source, hierarchy_, /*verify_only=*/false);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  ASSERT_TRUE(rebuilt->swapped);
  const int64_t before = tally.reads();
  check(1);
  EXPECT_EQ(tally.reads(), before + static_cast<int64_t>(expected_.size()));
  for (int i = 0; i < 20; ++i) {
    feed.push_back(RandomChange());
    ASSERT_TRUE(aggregates_->Apply(feed.back(), hierarchy_).ok());
  }
  check(2);
}

}  // namespace
}  // namespace tonghop::aggregation
