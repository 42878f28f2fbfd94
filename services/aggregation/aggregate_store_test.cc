#include "services/aggregation/aggregate_store.h"

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/test_fixture.h"
#include "storage/key_encoding.h"
#include "storage/memory_store.h"
#include "storage/rocksdb_store.h"

namespace tonghop::aggregation {
namespace {

using testing::IntValue;
using testing::MakeChange;
using testing::MakeReport;
using testing::VectorSource;

constexpr char kOtherPlan[] = "plans/dong-nai-99-2024";

// A random but valid report history: submits, returns, resubmits (new
// revisions with new values), acceptances, late reports, two plans, three
// periods, and a unit dissolved in 2025.
class History {
 public:
  // With `withdrawals`, submitted reports are also withdrawn (a draft again,
  // or returned, as before the submission) and then submitted anew.
  explicit History(uint32_t seed, bool withdrawals = false)
      : rng_(seed), withdrawals_(withdrawals) {}

  std::vector<v1::Change> Generate(int count) {
    std::vector<v1::Change> changes;
    // Accepted reports are locked, so the history ends when every report is
    // accepted; the key space is large enough for the counts used here.
    int idle = 0;
    while (static_cast<int>(changes.size()) < count && idle < 100000) {
      ++idle;
      std::string period = Pick<std::string>({"2023", "2024", "2025", "2026", "2026S1", "2026S2"});
      std::vector<std::string> pool = {"dong-nai-so-tu-phap",   "dong-nai-so-y-te",
                                       "dong-nai-cong-an-tinh", "dong-nai-tand-tinh",
                                       "quang-ngai-so-tu-phap", "dong-nai"};
      if (period == "2024") pool.push_back("binh-phuoc-so-y-te");
      if (period.substr(0, 4) == "2026") {
        pool.push_back("dong-nai-xa-a");
        pool.push_back("dong-nai-xa-b");
      }
      std::string agency = Pick(pool);
      std::string plan = Pick<std::string>({testing::kPlan, kOtherPlan});
      State& st = states_[{plan, period, agency}];
      int64_t seq = static_cast<int64_t>(changes.size()) + 1;
      switch (st.state) {
        case v1::REPORT_STATE_UNSPECIFIED:
        case v1::REPORT_STATE_DRAFT:
        case v1::REPORT_STATE_RETURNED: {
          ++st.revision;
          st.report = MakeReport(agency, period, st.revision, RandomValues(), plan,
                                 1790000000 + seq, Uniform(0, 3) != 0);
          st.state = v1::REPORT_STATE_SUBMITTED;
          changes.push_back(MakeChange(seq, v1::CHANGE_KIND_SUBMITTED, st.report));
          idle = 0;
          break;
        }
        case v1::REPORT_STATE_SUBMITTED: {
          if (withdrawals_ && Uniform(0, 3) == 0) {
            st.state = st.revision == 1 ? v1::REPORT_STATE_DRAFT : v1::REPORT_STATE_RETURNED;
            v1::Report withdrawn = st.report;
            withdrawn.set_state(st.state);
            changes.push_back(MakeChange(seq, v1::CHANGE_KIND_WITHDRAWN, withdrawn));
            idle = 0;
            break;
          }
          bool accept = Uniform(0, 2) == 0;
          st.state = accept ? v1::REPORT_STATE_ACCEPTED : v1::REPORT_STATE_RETURNED;
          changes.push_back(MakeChange(
              seq, accept ? v1::CHANGE_KIND_ACCEPTED : v1::CHANGE_KIND_RETURNED, st.report));
          idle = 0;
          break;
        }
        default:
          break;  // accepted reports are locked
      }
    }
    return changes;
  }

  struct State {
    v1::ReportState state = v1::REPORT_STATE_UNSPECIFIED;
    int revision = 0;
    v1::Report report;
  };
  const std::map<std::tuple<std::string, std::string, std::string>, State>& states() const {
    return states_;
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <typename T>
  T Pick(const std::vector<T>& items) {
    return items[Uniform(0, static_cast<int>(items.size()) - 1)];
  }
  std::vector<v1::Value> RandomValues() {
    std::vector<v1::Value> values;
    int received = Uniform(0, 200);
    if (Uniform(0, 4) != 0) {
      values.push_back(IntValue("complaints-received", received));
      if (Uniform(0, 1)) {
        int female = Uniform(0, received);
        values.push_back(IntValue("complaints-received", female, {{"sex", "female"}}));
        values.push_back(IntValue("complaints-received", received - female, {{"sex", "male"}}));
        // Sometimes crossed with age groups too, some cells left blank.
        if (Uniform(0, 1)) {
          for (const auto& [sex, count] : {std::pair<std::string, int>{"female", female},
                                           {"male", received - female}}) {
            int young = Uniform(0, count);
            values.push_back(IntValue("complaints-received", young,
                                      {{"sex", sex}, {"age-group", "under-16"}}));
            if (Uniform(0, 2)) {
              values.push_back(IntValue("complaints-received", count - young,
                                        {{"sex", sex}, {"age-group", "18-30"}}));
            }
          }
        }
      }
      values.push_back(IntValue("complaints-resolved", Uniform(0, received)));
    }
    if (Uniform(0, 1)) {
      values.push_back(testing::DecimalValue(
          "budget", absl::StrCat(Uniform(0, 99999), ".", Uniform(0, 999999))));
    }
    if (Uniform(0, 1)) values.push_back(IntValue("largest-case", Uniform(-5, 50)));
    if (Uniform(0, 1)) values.push_back(IntValue("staff-now", Uniform(0, 30)));
    return values;
  }

  std::mt19937 rng_;
  bool withdrawals_;
  std::map<std::tuple<std::string, std::string, std::string>, State> states_;
};

Hierarchy MakeHierarchy() { return Hierarchy(testing::Agencies()); }

class AggregateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // As the module opens it.
    ASSERT_TRUE(storage::UpgradeLayout(&store_, AggregationLayout()).ok());
    auto opened = AggregateStore::Open(&store_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    aggregates_ = *std::move(opened);
  }

  void ApplyAll(const std::vector<v1::Change>& changes, const Hierarchy& h) {
    for (const v1::Change& c : changes) ASSERT_TRUE(aggregates_->Apply(c, h).ok());
  }

  std::vector<storage::KeyValue> Dump() {
    auto dump = aggregates_->DumpActive();
    EXPECT_TRUE(dump.ok()) << dump.status();
    return dump.ok() ? *dump : std::vector<storage::KeyValue>{};
  }

  std::optional<AggregateReader::SumValue> SumOf(Layer layer, const std::string& plan,
                                                 const std::string& period, const std::string& root,
                                                 const std::string& indicator,
                                                 const std::string& cell = "") {
    std::optional<AggregateReader::SumValue> result;
    EXPECT_TRUE(aggregates_
                    ->Read([&](const AggregateReader& r) {
                      result = r.Sum(layer, plan, period, root, indicator, cell);
                      return absl::OkStatus();
                    })
                    .ok());
    return result;
  }

  // Records of every generation, the active one or not.
  size_t AllRecordCount() {
    size_t records = 0;
    EXPECT_TRUE(store_
                    .Scan("aggregation_data", "", "",
                          [&](absl::string_view, absl::string_view) {
                            ++records;
                            return true;
                          })
                    .ok());
    return records;
  }

  storage::MemoryStore store_;
  std::unique_ptr<AggregateStore> aggregates_;
};

bool SameRecords(const std::vector<storage::KeyValue>& a, const std::vector<storage::KeyValue>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].key != b[i].key || a[i].value != b[i].value) return false;
  }
  return true;
}

TEST_F(AggregateStoreTest, IncrementalEqualsRebuildOnRandomHistories) {
  for (uint32_t seed : {1u, 2u, 3u, 7u, 42u}) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    storage::MemoryStore store;
    auto aggregates = *AggregateStore::Open(&store);
    History history(seed);
    std::vector<v1::Change> changes = history.Generate(400);
    Hierarchy h = MakeHierarchy();
    for (const v1::Change& c : changes) ASSERT_TRUE(aggregates->Apply(c, h).ok());
    EXPECT_EQ(aggregates->applied_sequence(), 400);
    auto incremental = *aggregates->DumpActive();
    ASSERT_FALSE(incremental.empty());

    VectorSource source(&changes);
    auto result = aggregates->Rebuild(source, h, /*verify_only=*/false);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->identical);
    EXPECT_TRUE(result->swapped);
    EXPECT_EQ(result->changes_replayed, 400);
    EXPECT_EQ(result->previous_digest, result->rebuilt_digest);
    EXPECT_TRUE(SameRecords(incremental, *aggregates->DumpActive()));
    EXPECT_EQ(aggregates->active_generation(), 2u);
  }
}

// MAX of largest-case and LATEST of staff-now for every root and layer of
// the random histories, as read from the active table.
std::map<std::string, std::optional<Micros>> MaxAndLatest(const AggregateStore& aggregates) {
  std::map<std::string, std::optional<Micros>> figures;
  EXPECT_TRUE(aggregates
                  .Read([&](const AggregateReader& r) {
                    for (Layer layer : {Layer::kAccepted, Layer::kUnreviewed}) {
                      for (const char* plan : {testing::kPlan, kOtherPlan}) {
                        for (const char* period : {"2024", "2026", "2026S2"}) {
                          for (const char* root : {"agencies/dong-nai", "agencies/binh-phuoc",
                                                   "agencies/bo-tu-phap"}) {
                            std::string at = absl::StrCat(LayerCode(layer), plan, period, root);
                            figures["max " + at] = r.Max(layer, plan, period, root,
                                                         "indicators/largest-case", "");
                            figures["latest " + at] = r.Latest(layer, plan, period, root,
                                                               "indicators/staff-now", "");
                          }
                        }
                      }
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  return figures;
}

// Checks that every subtree count is the number of contributions placed
// under its root, in each layer, plan and period of the random histories,
// and that a count is kept for each such root. Returns how many were
// checked.
std::string PlacedWith(const AggregateStore& aggregates) {
  std::string placed;
  EXPECT_TRUE(aggregates
                  .Read([&](const AggregateReader& r) {
                    placed = r.placed_with();
                    return r.status();
                  })
                  .ok());
  return placed;
}

int ExpectSubtreeCountsMatchContributions(const AggregateStore& aggregates) {
  int checked = 0;
  EXPECT_TRUE(aggregates
                  .Read([&](const AggregateReader& r) {
                    for (Layer layer : {Layer::kAccepted, Layer::kUnreviewed}) {
                      for (const char* plan : {testing::kPlan, kOtherPlan}) {
                        for (const std::string& period : r.Periods(plan)) {
                          std::map<std::string, AggregateReader::Counted> placed;
                          for (const auto& [agency, head] : r.Contributions(layer, plan, period)) {
                            for (const std::string& root : head.roots()) {
                              ++placed[root].reports;
                              placed[root].members += MemberHash(agency);
                            }
                          }
                          for (const auto& [root, counted] : placed) {
                            AggregateReader::Counted stored = r.CountedIn(layer, plan, period, root);
                            EXPECT_EQ(stored.reports, counted.reports)
                                << LayerCode(layer) << " " << plan << " " << period << " " << root;
                            EXPECT_EQ(stored.members, counted.members)
                                << LayerCode(layer) << " " << plan << " " << period << " " << root;
                            ++checked;
                          }
                          EXPECT_EQ(r.ReportsCounted(layer, plan, period, "agencies/nowhere"), 0);
                        }
                      }
                    }
                    return r.status();
                  })
                  .ok());
  return checked;
}

// The rebuild builds each plan and period from every agency's final state
// on a pool of threads; the table must be the one applying the changes live
// builds, byte for byte, through withdrawals, returns, resubmissions,
// acceptances and a dissolved unit counted under its successor, in one
// write or in many small ones, in memory and in RocksDB.
TEST_F(AggregateStoreTest, PartitionedRebuildEqualsLiveApply) {
  Hierarchy h = MakeHierarchy();
  for (bool rocksdb : {false, true}) {
    for (uint32_t seed : {5u, 11u, 23u}) {
      SCOPED_TRACE(absl::StrCat(rocksdb ? "rocksdb" : "memory", " seed ", seed));
      std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                  absl::StrCat("partitioned-rebuild-", getpid(), "-", seed);
      std::filesystem::remove_all(dir);
      std::unique_ptr<storage::KvStore> store;
      if (rocksdb) {
        auto opened = storage::OpenRocksDbStore(dir.string(), AggregationColumnFamilies());
        ASSERT_TRUE(opened.ok()) << opened.status();
        store = *std::move(opened);
      } else {
        store = std::make_unique<storage::MemoryStore>();
      }
      auto aggregates = *AggregateStore::Open(store.get());
      History history(seed, /*withdrawals=*/true);
      std::vector<v1::Change> changes = history.Generate(rocksdb ? 300 : 700);
      std::map<v1::ChangeKind, int> kinds;
      std::set<std::pair<std::string, std::string>> partitions;
      bool dissolved = false;
      for (const v1::Change& c : changes) {
        ++kinds[c.kind()];
        partitions.insert({c.report().plan(), c.report().period()});
        dissolved |= c.report().agency() == "agencies/binh-phuoc-so-y-te";
      }
      // What the test is about is in the history.
      ASSERT_GT(kinds[v1::CHANGE_KIND_WITHDRAWN], 5);
      ASSERT_GT(kinds[v1::CHANGE_KIND_RETURNED], 5);
      ASSERT_GT(kinds[v1::CHANGE_KIND_ACCEPTED], 5);
      ASSERT_GE(partitions.size(), 8u);
      ASSERT_TRUE(dissolved);
      for (const v1::Change& c : changes) ASSERT_TRUE(aggregates->Apply(c, h).ok());
      auto live = *aggregates->DumpActive();
      auto live_figures = MaxAndLatest(*aggregates);
      EXPECT_GT(ExpectSubtreeCountsMatchContributions(*aggregates), 50);
      ASSERT_FALSE(live.empty());

      // Small batches: every worker writes many times.
      aggregates->SetRebuildBatchBytesForTesting(seed == 5u ? 1 : 4096);
      VectorSource source(&changes);
      auto result = aggregates->Rebuild(source, h, /*verify_only=*/false);
      ASSERT_TRUE(result.ok()) << result.status();
      EXPECT_TRUE(result->identical);
      EXPECT_TRUE(result->swapped);
      EXPECT_EQ(result->changes_replayed, static_cast<int64_t>(changes.size()));
      EXPECT_EQ(result->records, static_cast<int64_t>(live.size()));
      EXPECT_TRUE(SameRecords(live, *aggregates->DumpActive()));
      EXPECT_EQ(live_figures, MaxAndLatest(*aggregates));
      EXPECT_EQ(aggregates->applied_sequence(), changes.back().sequence());
      aggregates.reset();
      store.reset();
      std::filesystem::remove_all(dir);
    }
  }
}

// The second pass reads the feed again; a feed that no longer holds what
// the first pass found (rewound or replaced in between) fails the rebuild
// and leaves the live table as it was.
TEST_F(AggregateStoreTest, AFeedThatChangesBetweenThePassesFailsTheRebuild) {
  History history(9, /*withdrawals=*/true);
  std::vector<v1::Change> changes = history.Generate(120);
  ApplyAll(changes, MakeHierarchy());
  auto before = Dump();
  class ShrinkingSource final : public ChangeSource {
   public:
    explicit ShrinkingSource(const std::vector<v1::Change>* c) : changes_(c) {}
    absl::Status ReadToEnd(int64_t after,
                           const std::function<absl::Status(const v1::Change&)>& visit) override {
      // The second time, only the first half is there.
      size_t end = reads_++ == 0 ? changes_->size() : changes_->size() / 2;
      for (size_t i = 0; i < end; ++i) {
        if ((*changes_)[i].sequence() <= after) continue;
        absl::Status visited = visit((*changes_)[i]);
        if (!visited.ok()) return visited;
      }
      return absl::OkStatus();
    }

   private:
    const std::vector<v1::Change>* changes_;
    int reads_ = 0;
  } shrinking(&changes);
  auto result = aggregates_->Rebuild(shrinking, MakeHierarchy(), /*verify_only=*/false);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted) << result.status();
  EXPECT_TRUE(SameRecords(before, Dump()));
  EXPECT_EQ(aggregates_->active_generation(), 1u);
  // Nothing of the failed generation is left.
  EXPECT_EQ(AllRecordCount(), before.size());
}

TEST_F(AggregateStoreTest, BatchesGiveTheSameTableAsOneChangeAtATime) {
  History history(13);
  std::vector<v1::Change> changes = history.Generate(400);
  Hierarchy h = MakeHierarchy();
  ApplyAll(changes, h);
  auto one_at_a_time = Dump();

  storage::MemoryStore store;
  auto batched = *AggregateStore::Open(&store);
  // Uneven batches, some starting below the applied position (a feed
  // redelivering after a reconnect).
  size_t begin = 0;
  for (size_t size : {1u, 7u, 64u, 3u, 150u}) {
    size_t end = std::min(changes.size(), begin + size);
    size_t from = begin >= 2 ? begin - 2 : begin;
    ASSERT_TRUE(
        batched->ApplyBatch(absl::MakeConstSpan(changes.data() + from, end - from), h).ok());
    begin = end;
  }
  ASSERT_TRUE(
      batched->ApplyBatch(absl::MakeConstSpan(changes.data() + begin, changes.size() - begin), h)
          .ok());
  EXPECT_EQ(batched->applied_sequence(), 400);
  EXPECT_TRUE(SameRecords(one_at_a_time, *batched->DumpActive()));
  // One synced write per batch, plus the table's creation.
  EXPECT_EQ(store.write_count(), 7);
}

TEST_F(AggregateStoreTest, ATableWithAnotherLayoutIsReplayedFromTheStart) {
  History history(17);
  std::vector<v1::Change> changes = history.Generate(50);
  Hierarchy h = MakeHierarchy();
  ApplyAll(changes, h);
  auto applied = Dump();
  // As an older version would have left it: no layout version recorded.
  storage::WriteBatch older;
  older.Delete(kMetaCf, LayoutKey());
  ASSERT_TRUE(store_.Write(older).ok());
  aggregates_.reset();
  auto upgrade = storage::UpgradeLayout(&store_, AggregationLayout());
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->found_version, 1);
  aggregates_ = *AggregateStore::Open(&store_);
  EXPECT_EQ(aggregates_->applied_sequence(), 0);
  EXPECT_EQ(aggregates_->active_generation(), 2u);
  EXPECT_TRUE(Dump().empty());
  ApplyAll(changes, h);
  EXPECT_TRUE(SameRecords(applied, Dump()));
}

TEST_F(AggregateStoreTest, ASwapDropsEveryRecordOfTheOldTableAcrossPages) {
  History history(19);
  std::vector<v1::Change> changes = history.Generate(600);
  Hierarchy h = MakeHierarchy();
  ApplyAll(changes, h);
  aggregates_->SetDropPageSizeForTesting(97);
  VectorSource source(&changes);
  auto result = aggregates_->Rebuild(source, h, /*verify_only=*/false);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->swapped);
  ASSERT_GT(result->records, 97 * 10);
  int64_t stored = 0;
  ASSERT_TRUE(store_
                  .Scan(AggregationColumnFamilies()[1], "", "",
                        [&](absl::string_view, absl::string_view) {
                          ++stored;
                          return true;
                        })
                  .ok());
  EXPECT_EQ(stored, result->records);
}

TEST_F(AggregateStoreTest, SumsMatchABruteForceRecount) {
  History history(11);
  std::vector<v1::Change> changes = history.Generate(500);
  Hierarchy h = MakeHierarchy();
  ApplyAll(changes, h);
  // Recount from the final state of every report.
  std::map<std::tuple<int, std::string, std::string, std::string, std::string, std::string>,
           std::pair<Micros, int>>
      expected;
  for (const auto& [key, st] : history.states()) {
    const auto& [plan, period, agency] = key;
    for (int layer = 0; layer < 2; ++layer) {
      bool counts = layer == 0 ? st.state == v1::REPORT_STATE_ACCEPTED
                               : (st.state == v1::REPORT_STATE_ACCEPTED ||
                                  st.state == v1::REPORT_STATE_SUBMITTED);
      if (!counts) continue;
      for (const std::string& root : h.Roots("agencies/" + agency)) {
        for (const auto& [ic, micros] : ReportValues(st.report)) {
          auto& slot = expected[{layer, plan, period, root, ic.first, ic.second}];
          slot.first += micros;
          slot.second += 1;
        }
      }
    }
  }
  ASSERT_FALSE(expected.empty());
  for (const auto& [key, want] : expected) {
    const auto& [layer, plan, period, root, indicator, cell] = key;
    auto got = SumOf(layer == 0 ? Layer::kAccepted : Layer::kUnreviewed, plan, period, root,
                     indicator, cell);
    ASSERT_TRUE(got.has_value()) << plan << " " << period << " " << root << " " << indicator;
    EXPECT_EQ(Int128ToString(got->micros), Int128ToString(want.first));
    EXPECT_EQ(got->contributors, want.second);
  }
  // And nothing else: no sum record survives for a cell nobody counts in.
  size_t sum_records = 0;
  for (const auto& kv : Dump()) sum_records += kv.key[0] == 'R';
  EXPECT_EQ(sum_records, expected.size());
}

TEST_F(AggregateStoreTest, CrossedCellsRollUpAndARebuildGivesTheSameTable) {
  Hierarchy h = MakeHierarchy();
  auto crossed = [](const std::string& sex, const std::string& age, int64_t v) {
    return IntValue("complaints-received", v, {{"sex", sex}, {"age-group", age}});
  };
  std::vector<v1::Change> changes = {
      MakeChange(1, v1::CHANGE_KIND_SUBMITTED,
                 MakeReport("dong-nai-so-y-te", "2026", 1,
                            {IntValue("complaints-received", 9), crossed("female", "18-30", 4),
                             crossed("male", "18-30", 5)})),
      MakeChange(2, v1::CHANGE_KIND_SUBMITTED,
                 MakeReport("dong-nai-xa-a", "2026", 1,
                            {IntValue("complaints-received", 3), crossed("female", "18-30", 1),
                             crossed("female", "over-60", 2)})),
  };
  ApplyAll(changes, h);
  const std::string root = "agencies/dong-nai";
  const std::string ind = "indicators/complaints-received";
  auto female_adults = SumOf(Layer::kUnreviewed, testing::kPlan, "2026", root, ind,
                             "age-group=18-30,sex=female");
  ASSERT_TRUE(female_adults.has_value());
  EXPECT_EQ(female_adults->micros, FromInt(5));
  EXPECT_EQ(female_adults->contributors, 2);
  auto male_adults =
      SumOf(Layer::kUnreviewed, testing::kPlan, "2026", root, ind, "age-group=18-30,sex=male");
  ASSERT_TRUE(male_adults.has_value());
  EXPECT_EQ(male_adults->contributors, 1);
  // A crossed cell is not a one-dimension cell: nobody gave sex=female alone.
  EXPECT_FALSE(SumOf(Layer::kUnreviewed, testing::kPlan, "2026", root, ind, "sex=female"));

  auto live = Dump();
  VectorSource source(&changes);
  auto result = aggregates_->Rebuild(source, h, /*verify_only=*/true);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->identical);
  EXPECT_TRUE(SameRecords(live, Dump()));
}

TEST_F(AggregateStoreTest, AWithdrawnRevisionNoLongerCounts) {
  Hierarchy h = MakeHierarchy();
  auto report1 = MakeReport("dong-nai-so-y-te", "2026", 1, {IntValue("complaints-received", 10)});
  auto report2 = MakeReport("dong-nai-so-y-te", "2026", 2, {IntValue("complaints-received", 25)});
  const std::string root = "agencies/dong-nai";
  const std::string ind = "indicators/complaints-received";
  ASSERT_TRUE(aggregates_->Apply(MakeChange(1, v1::CHANGE_KIND_SUBMITTED, report1), h).ok());
  // Replaced before review: the newer revision counts, once.
  ASSERT_TRUE(aggregates_->Apply(MakeChange(2, v1::CHANGE_KIND_SUBMITTED, report2), h).ok());
  auto sum = SumOf(Layer::kUnreviewed, testing::kPlan, "2026", root, ind);
  ASSERT_TRUE(sum.has_value());
  EXPECT_EQ(sum->micros, FromInt(25));
  EXPECT_EQ(sum->contributors, 1);
  // Withdrawn: a draft again, counted nowhere.
  v1::Report draft = report2;
  draft.set_state(v1::REPORT_STATE_DRAFT);
  ASSERT_TRUE(aggregates_->Apply(MakeChange(3, v1::CHANGE_KIND_WITHDRAWN, draft), h).ok());
  EXPECT_FALSE(SumOf(Layer::kUnreviewed, testing::kPlan, "2026", root, ind).has_value());
  EXPECT_FALSE(SumOf(Layer::kAccepted, testing::kPlan, "2026", root, ind).has_value());
}

TEST_F(AggregateStoreTest, NewerRevisionReplacesTheOlderOneWithoutDoubleCounting) {
  Hierarchy h = MakeHierarchy();
  auto report1 = MakeReport("dong-nai-so-y-te", "2026", 1, {IntValue("complaints-received", 10)});
  auto report2 = MakeReport("dong-nai-so-y-te", "2026", 2, {IntValue("complaints-received", 25)});
  const std::string root = "agencies/dong-nai";
  const std::string ind = "indicators/complaints-received";
  ASSERT_TRUE(aggregates_->Apply(MakeChange(1, v1::CHANGE_KIND_SUBMITTED, report1), h).ok());
  EXPECT_FALSE(SumOf(Layer::kAccepted, testing::kPlan, "2026", root, ind).has_value());
  EXPECT_EQ(SumOf(Layer::kUnreviewed, testing::kPlan, "2026", root, ind)->micros, FromInt(10));
  ASSERT_TRUE(aggregates_->Apply(MakeChange(2, v1::CHANGE_KIND_RETURNED, report1), h).ok());
  EXPECT_FALSE(SumOf(Layer::kUnreviewed, testing::kPlan, "2026", root, ind).has_value());
  ASSERT_TRUE(aggregates_->Apply(MakeChange(3, v1::CHANGE_KIND_SUBMITTED, report2), h).ok());
  ASSERT_TRUE(aggregates_->Apply(MakeChange(4, v1::CHANGE_KIND_ACCEPTED, report2), h).ok());
  for (Layer layer : {Layer::kAccepted, Layer::kUnreviewed}) {
    auto sum = SumOf(layer, testing::kPlan, "2026", root, ind);
    ASSERT_TRUE(sum.has_value());
    EXPECT_EQ(sum->micros, FromInt(25));
    EXPECT_EQ(sum->contributors, 1);
  }
  // The ministry counts it once too.
  EXPECT_EQ(SumOf(Layer::kAccepted, testing::kPlan, "2026", "agencies/bo-tu-phap", ind)->micros,
            FromInt(25));
}

TEST_F(AggregateStoreTest, ChangesAtOrBelowThePositionAreIgnored) {
  Hierarchy h = MakeHierarchy();
  auto report = MakeReport("dong-nai-so-y-te", "2026", 1, {IntValue("complaints-received", 10)});
  v1::Change change = MakeChange(1, v1::CHANGE_KIND_ACCEPTED, report);
  ASSERT_TRUE(aggregates_->Apply(change, h).ok());
  ASSERT_TRUE(aggregates_->Apply(change, h).ok());  // delivered again after a reconnect
  EXPECT_EQ(SumOf(Layer::kAccepted, testing::kPlan, "2026", "agencies/dong-nai",
                  "indicators/complaints-received")
                ->micros,
            FromInt(10));
  EXPECT_EQ(aggregates_->applied_sequence(), 1);
}

TEST_F(AggregateStoreTest, DissolvedUnitCountsInItsSuccessorsSubtreeOnce) {
  Hierarchy h = MakeHierarchy();
  const std::string ind = "indicators/complaints-received";
  ASSERT_TRUE(aggregates_
                  ->Apply(MakeChange(1, v1::CHANGE_KIND_ACCEPTED,
                                     MakeReport("binh-phuoc-so-y-te", "2024", 1,
                                                {IntValue("complaints-received", 7)})),
                          h)
                  .ok());
  ASSERT_TRUE(aggregates_
                  ->Apply(MakeChange(2, v1::CHANGE_KIND_ACCEPTED,
                                     MakeReport("dong-nai-so-y-te", "2024", 1,
                                                {IntValue("complaints-received", 5)})),
                          h)
                  .ok());
  auto sum = [&](const std::string& root) {
    auto s = SumOf(Layer::kAccepted, testing::kPlan, "2024", root, ind);
    return s.has_value() ? s->micros : Micros(-1);
  };
  EXPECT_EQ(sum("agencies/binh-phuoc"), FromInt(7));
  EXPECT_EQ(sum("agencies/dong-nai"), FromInt(12));
  EXPECT_EQ(sum("agencies/dong-nai-so-y-te"), FromInt(12));
  EXPECT_EQ(sum("agencies/bo-tu-phap"), FromInt(12));
  EXPECT_EQ(sum("agencies/quang-ngai"), Micros(-1));
}

TEST_F(AggregateStoreTest, MaxAndLatestFollowRemovals) {
  Hierarchy h = MakeHierarchy();
  auto a = MakeReport("dong-nai-so-y-te", "2026", 1,
                      {IntValue("largest-case", 40), IntValue("staff-now", 3)}, testing::kPlan,
                      1790000100);
  auto b = MakeReport("dong-nai-so-tu-phap", "2026", 1,
                      {IntValue("largest-case", 12), IntValue("staff-now", 9)}, testing::kPlan,
                      1790000200);
  ASSERT_TRUE(aggregates_->Apply(MakeChange(1, v1::CHANGE_KIND_ACCEPTED, a), h).ok());
  ASSERT_TRUE(aggregates_->Apply(MakeChange(2, v1::CHANGE_KIND_ACCEPTED, b), h).ok());
  auto read = [&](bool max) {
    std::optional<Micros> v;
    EXPECT_TRUE(aggregates_
                    ->Read([&](const AggregateReader& r) {
                      v = max ? r.Max(Layer::kAccepted, testing::kPlan, "2026", "agencies/dong-nai",
                                      "indicators/largest-case", "")
                              : r.Latest(Layer::kAccepted, testing::kPlan, "2026",
                                         "agencies/dong-nai", "indicators/staff-now", "");
                      return absl::OkStatus();
                    })
                    .ok());
    return v;
  };
  EXPECT_EQ(read(true), FromInt(40));
  EXPECT_EQ(read(false), FromInt(9));
  // A later revision of the health department (returned, then resubmitted
  // with smaller figures) removes its old maximum and becomes the latest.
  auto a2 = MakeReport("dong-nai-so-y-te", "2026", 2,
                       {IntValue("largest-case", 5), IntValue("staff-now", 4)}, testing::kPlan,
                       1790000300);
  ASSERT_TRUE(aggregates_->Apply(MakeChange(3, v1::CHANGE_KIND_RETURNED, a), h).ok());
  ASSERT_TRUE(aggregates_->Apply(MakeChange(4, v1::CHANGE_KIND_SUBMITTED, a2), h).ok());
  ASSERT_TRUE(aggregates_->Apply(MakeChange(5, v1::CHANGE_KIND_ACCEPTED, a2), h).ok());
  EXPECT_EQ(read(true), FromInt(12));
  EXPECT_EQ(read(false), FromInt(4));
}

TEST_F(AggregateStoreTest, FailedWriteChangesNothingAndTheChangeIsAppliedOnRetry) {
  Hierarchy h = MakeHierarchy();
  History history(5);
  std::vector<v1::Change> changes = history.Generate(120);
  for (size_t i = 0; i < 60; ++i) ASSERT_TRUE(aggregates_->Apply(changes[i], h).ok());
  auto before = Dump();
  store_.set_fail_writes(true);
  EXPECT_FALSE(aggregates_->Apply(changes[60], h).ok());
  store_.set_fail_writes(false);
  EXPECT_EQ(aggregates_->applied_sequence(), 60);
  EXPECT_TRUE(SameRecords(before, Dump()));
  // A restart reopens the same store and resumes from the stored position;
  // the feed redelivers from there.
  aggregates_.reset();
  aggregates_ = *AggregateStore::Open(&store_);
  EXPECT_EQ(aggregates_->applied_sequence(), 60);
  for (const v1::Change& c : changes) ASSERT_TRUE(aggregates_->Apply(c, h).ok());
  VectorSource source(&changes);
  auto result = aggregates_->Rebuild(source, h, /*verify_only=*/true);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->identical);
  EXPECT_FALSE(result->swapped);
  EXPECT_EQ(aggregates_->active_generation(), 1u);
}

TEST(AggregateStoreRocksDbTest, RestartMidFeedNeitherSkipsNorRepeats) {
  std::string dir =
      (std::filesystem::temp_directory_path() / absl::StrCat("agg-store-test-", getpid())).string();
  std::filesystem::remove_all(dir);
  History history(9);
  std::vector<v1::Change> changes = history.Generate(300);
  Hierarchy h = MakeHierarchy();
  {
    auto store = *storage::OpenRocksDbStore(dir, AggregationColumnFamilies());
    auto aggregates = *AggregateStore::Open(store.get());
    for (size_t i = 0; i < 170; ++i) ASSERT_TRUE(aggregates->Apply(changes[i], h).ok());
  }
  auto store = *storage::OpenRocksDbStore(dir, AggregationColumnFamilies());
  auto aggregates = *AggregateStore::Open(store.get());
  EXPECT_EQ(aggregates->applied_sequence(), 170);
  // The feed resumes a little before the position, as after a reconnect.
  for (size_t i = 150; i < changes.size(); ++i) {
    ASSERT_TRUE(aggregates->Apply(changes[i], h).ok());
  }
  VectorSource source(&changes);
  auto result = aggregates->Rebuild(source, h, /*verify_only=*/false);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->identical);
  store.reset();
  std::filesystem::remove_all(dir);
}

// A damaged subtree count is never read as 0 or counted from: the query
// and the next change that touches it fail with DATA_LOSS, and the table
// is left as it was.
TEST_F(AggregateStoreTest, ADamagedSubtreeCountFailsTheReadAndTheApply) {
  Hierarchy h = MakeHierarchy();
  v1::Report report = testing::MakeReport("dong-nai-so-tu-phap", "2026", 1,
                                          {testing::IntValue("complaints-received", 7)});
  ASSERT_TRUE(aggregates_->Apply(testing::MakeChange(1, v1::CHANGE_KIND_SUBMITTED, report), h).ok());
  const std::string key = SubtreeKey(aggregates_->active_generation(), Layer::kUnreviewed,
                                     testing::kPlan, "2026", "agencies/dong-nai");
  ASSERT_TRUE(store_.Get(kDataCf, key)->has_value());
  storage::WriteBatch damage;
  damage.Put(kDataCf, key, "\xff\xff");
  ASSERT_TRUE(store_.Write(damage).ok());
  auto before = Dump();

  absl::Status read = aggregates_->Read([&](const AggregateReader& r) {
    r.ReportsCounted(Layer::kUnreviewed, testing::kPlan, "2026", "agencies/dong-nai");
    return absl::OkStatus();
  });
  EXPECT_EQ(read.code(), absl::StatusCode::kDataLoss) << read;
  EXPECT_THAT(read.message(), ::testing::HasSubstr("subtree count"));

  v1::Report health = testing::MakeReport("dong-nai-so-y-te", "2026", 1,
                                          {testing::IntValue("complaints-received", 2)});
  absl::Status applied =
      aggregates_->Apply(testing::MakeChange(2, v1::CHANGE_KIND_SUBMITTED, health), h);
  EXPECT_EQ(applied.code(), absl::StatusCode::kDataLoss) << applied;
  EXPECT_EQ(aggregates_->applied_sequence(), 1);
  EXPECT_TRUE(SameRecords(before, Dump()));
}

TEST_F(AggregateStoreTest, RehomingAfterAHierarchyChangeEqualsARebuild) {
  History history(21);
  std::vector<v1::Change> changes = history.Generate(300);
  ApplyAll(changes, MakeHierarchy());
  // The registry learns that Quảng Ngãi's Department of Justice moved under
  // Đồng Nai (a made-up reorganisation).
  std::vector<v1::Agency> agencies = testing::Agencies();
  for (v1::Agency& a : agencies) {
    if (a.name() == "agencies/quang-ngai-so-tu-phap") a.set_parent("agencies/dong-nai");
  }
  Hierarchy changed(agencies);
  ASSERT_NE(changed.fingerprint(), MakeHierarchy().fingerprint());
  EXPECT_EQ(PlacedWith(*aggregates_), MakeHierarchy().fingerprint());
  ASSERT_TRUE(aggregates_->Rehome(changed).ok());
  EXPECT_EQ(PlacedWith(*aggregates_), changed.fingerprint());
  EXPECT_GT(ExpectSubtreeCountsMatchContributions(*aggregates_), 10);
  VectorSource source(&changes);
  auto result = aggregates_->Rebuild(source, changed, /*verify_only=*/true);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->identical);
  // A re-homing that fails part way (after moving one contribution) leaves
  // no placement for readers to trust, until one completes.
  store_.set_fail_writes_after(2);
  EXPECT_FALSE(aggregates_->Rehome(MakeHierarchy()).ok());
  store_.set_fail_writes(false);
  EXPECT_EQ(PlacedWith(*aggregates_), "");
  ASSERT_TRUE(aggregates_->Rehome(changed).ok());
  EXPECT_EQ(PlacedWith(*aggregates_), changed.fingerprint());
  EXPECT_GT(ExpectSubtreeCountsMatchContributions(*aggregates_), 10);
  // A rebuild swaps in a table placed with the hierarchy it was given.
  auto swapped = aggregates_->Rebuild(source, MakeHierarchy(), /*verify_only=*/false);
  ASSERT_TRUE(swapped.ok()) << swapped.status();
  EXPECT_EQ(PlacedWith(*aggregates_), MakeHierarchy().fingerprint());
}

TEST_F(AggregateStoreTest, RebuildCatchesUpWithALiveTableThatMovedOn) {
  History history(33);
  std::vector<v1::Change> changes = history.Generate(200);
  Hierarchy h = MakeHierarchy();
  std::vector<v1::Change> first(changes.begin(), changes.begin() + 150);
  ApplyAll(first, h);
  // The rebuild reads the whole feed, which is ahead of the live table.
  VectorSource source(&changes);
  auto result = aggregates_->Rebuild(source, h, /*verify_only=*/false);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->swapped);
  EXPECT_FALSE(result->identical);
  EXPECT_EQ(result->applied_sequence, 200);
  EXPECT_EQ(aggregates_->applied_sequence(), 200);
  // The live consumer's redelivery of what the rebuild already has is ignored.
  for (const v1::Change& c : changes) ASSERT_TRUE(aggregates_->Apply(c, h).ok());
  auto again = aggregates_->Rebuild(source, h, /*verify_only=*/true);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->identical);
}

TEST_F(AggregateStoreTest, AFeedShorterThanTheLivePositionWasRewoundAndIsRebuiltFrom) {
  History history(8);
  std::vector<v1::Change> changes = history.Generate(50);
  ApplyAll(changes, MakeHierarchy());
  std::vector<v1::Change> shorter(changes.begin(), changes.begin() + 10);
  VectorSource source(&shorter);
  // Verifying says so and changes nothing.
  auto verified = aggregates_->Rebuild(source, MakeHierarchy(), /*verify_only=*/true);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->rewound);
  EXPECT_FALSE(verified->identical);
  EXPECT_EQ(verified->previous_sequence, 50);
  EXPECT_EQ(verified->applied_sequence, 10);
  EXPECT_EQ(aggregates_->applied_sequence(), 50);
  // Rebuilding makes the table what the feed holds.
  auto rebuilt = aggregates_->Rebuild(source, MakeHierarchy(), /*verify_only=*/false);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_TRUE(rebuilt->rewound);
  EXPECT_TRUE(rebuilt->swapped);
  EXPECT_EQ(aggregates_->applied_sequence(), 10);
  EXPECT_EQ(aggregates_->feed_mark().digest, ChangeDigest(shorter.back()));
  auto again = aggregates_->Rebuild(source, MakeHierarchy(), /*verify_only=*/true);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->identical);
  EXPECT_FALSE(again->rewound);
}

// The feed of another epoch: the submissions store was reopened without
// changes it had acknowledged, and later changes reused their numbers.
std::vector<v1::Change> InEpoch(std::vector<v1::Change> changes, const std::string& epoch) {
  for (v1::Change& c : changes) c.set_epoch(epoch);
  return changes;
}

TEST_F(AggregateStoreTest, AFeedOfAnotherEpochIsRefusedToApplyAndRebuiltFrom) {
  History history(12);
  std::vector<v1::Change> changes = InEpoch(history.Generate(60), "store:1");
  ApplyAll(changes, MakeHierarchy());
  EXPECT_EQ(aggregates_->feed_mark().epoch, "store:1");
  EXPECT_EQ(aggregates_->feed_mark().sequence, 60);
  // The new epoch lost changes 41-60, and 20 others took their numbers.
  History other(13);
  std::vector<v1::Change> replaced(changes.begin(), changes.begin() + 40);
  std::vector<v1::Change> fresh = other.Generate(70);
  for (size_t i = 40; i < 70; ++i) {
    fresh[i].set_sequence(static_cast<int64_t>(i) + 1);
    replaced.push_back(fresh[i]);
  }
  replaced = InEpoch(replaced, "store:2");
  EXPECT_EQ(aggregates_->Apply(replaced.back(), MakeHierarchy()).code(),
            absl::StatusCode::kFailedPrecondition);

  VectorSource source(&replaced);
  auto rebuilt = aggregates_->Rebuild(source, MakeHierarchy(), /*verify_only=*/false);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_TRUE(rebuilt->rewound);
  EXPECT_EQ(rebuilt->feed_epoch, "store:2");
  EXPECT_EQ(aggregates_->applied_sequence(), 70);
  EXPECT_EQ(aggregates_->feed_mark().epoch, "store:2");
  // The same as applying the new feed from scratch.
  storage::MemoryStore fresh_store;
  auto scratch = *AggregateStore::Open(&fresh_store);
  for (const v1::Change& c : replaced) ASSERT_TRUE(scratch->Apply(c, MakeHierarchy()).ok());
  EXPECT_EQ(scratch->DigestActive()->first, aggregates_->DigestActive()->first);
}

TEST_F(AggregateStoreTest, OpeningLeavesAHalfBuiltTableForTheBackground) {
  History history(4);
  std::vector<v1::Change> changes = history.Generate(40);
  ApplyAll(changes, MakeHierarchy());
  auto before = Dump();
  // What a rebuild that crashed half-way leaves: generation 99, marked as
  // being built, with some of its records.
  storage::WriteBatch leftover;
  leftover.Put(kMetaCf, PositionKey(99), EncodeFeedPosition(20));
  leftover.Put("aggregation_meta", storage::KeyBuilder('B').Uint64(99).Build(), "");
  for (int i = 0; i < 30; ++i) {
    leftover.Put("aggregation_data",
                 storage::KeyBuilder('G').Uint64(99).Build() + absl::StrCat("record-", i), "x");
  }
  ASSERT_TRUE(store_.Write(leftover).ok());

  aggregates_.reset();
  aggregates_ = *AggregateStore::Open(&store_);
  // Opening does not wait for the drop; the table serves meanwhile.
  EXPECT_EQ(aggregates_->leftover_generations(), std::vector<uint64_t>{99});
  EXPECT_TRUE(SameRecords(before, Dump()));
  EXPECT_EQ(aggregates_->applied_sequence(), 40);
  // Stopped between pages, it leaves the rest for the next time.
  aggregates_->SetDropPageSizeForTesting(10);
  int pages = 0;
  EXPECT_EQ(aggregates_->DropLeftovers([&] { return ++pages <= 1; }).status().code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(aggregates_->leftover_generations().size(), 1u);
  auto dropped = aggregates_->DropLeftovers();
  ASSERT_TRUE(dropped.ok()) << dropped.status();
  EXPECT_EQ(*dropped, 1);
  EXPECT_TRUE(aggregates_->leftover_generations().empty());
  EXPECT_EQ(AllRecordCount(), before.size());
}

TEST_F(AggregateStoreTest, FailedRebuildLeavesNoTraceAfterReopen) {
  History history(4);
  std::vector<v1::Change> changes = history.Generate(40);
  ApplyAll(changes, MakeHierarchy());
  auto before = Dump();
  // A rebuild that dies half-way: the source fails after 20 changes.
  int seen = 0;
  class FailingSource final : public ChangeSource {
   public:
    FailingSource(const std::vector<v1::Change>* c, int* seen) : changes_(c), seen_(seen) {}
    absl::Status ReadToEnd(int64_t after,
                           const std::function<absl::Status(const v1::Change&)>& visit) override {
      for (const auto& c : *changes_) {
        if (c.sequence() <= after) continue;
        if (++*seen_ > 20) return absl::UnavailableError("stream broke");
        absl::Status s = visit(c);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }

   private:
    const std::vector<v1::Change>* changes_;
    int* seen_;
  } failing(&changes, &seen);
  EXPECT_FALSE(aggregates_->Rebuild(failing, MakeHierarchy(), false).ok());
  aggregates_.reset();
  aggregates_ = *AggregateStore::Open(&store_);
  EXPECT_TRUE(SameRecords(before, Dump()));
  ASSERT_TRUE(aggregates_->DropLeftovers().ok());
  EXPECT_EQ(AllRecordCount(), before.size());
}

TEST(CellKeyTest, SortsDimensionsAndRoundTrips) {
  google::protobuf::Map<std::string, std::string> cells;
  cells["sex"] = "female";
  cells["age-group"] = "18-30";
  EXPECT_EQ(CellKey(cells), "age-group=18-30,sex=female");
  auto parsed = ParseCellKey("age-group=18-30,sex=female");
  EXPECT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed["sex"], "female");
  EXPECT_TRUE(ParseCellKey("").empty());
}

// A province's breakdowns are read from its reporters' reports (a few of
// the country's), the country's from the value index; both say the same
// of every agency: which dimensions it gave a one-dimension cell of, in
// each layer, crossed cells and totals aside.
TEST(AggregateStoreBreakdownTest, ASmallSubtreeReadsItsReportsAndAgreesWithTheIndex) {
  std::vector<v1::Agency> agencies = {
      testing::MakeAgency("country", "Cả nước", v1::AGENCY_KIND_MINISTRY, "")};
  std::map<std::string, std::vector<std::string>> communes_of;
  for (int p = 0; p < 12; ++p) {
    const std::string province = absl::StrCat("p", p);
    agencies.push_back(testing::MakeAgency(province, absl::StrCat("Tỉnh ", p),
                                           v1::AGENCY_KIND_PROVINCE, "country"));
    for (int c = 0; c < 10; ++c) {
      const std::string commune = absl::StrCat(province, "-c", c);
      agencies.push_back(testing::MakeAgency(commune, absl::StrCat("Xã ", p, "-", c),
                                             v1::AGENCY_KIND_COMMUNE, province));
      communes_of["agencies/" + province].push_back(commune);
    }
  }
  Hierarchy hierarchy(agencies);
  storage::MemoryStore store;
  ASSERT_TRUE(storage::UpgradeLayout(&store, AggregationLayout()).ok());
  auto aggregates = *AggregateStore::Open(&store);
  std::mt19937 random(5);
  int64_t sequence = 0;
  for (const auto& [province, communes] : communes_of) {
    for (const std::string& commune : communes) {
      std::vector<v1::Value> values = {IntValue("complaints-received", 9)};
      switch (random() % 4) {
        case 0: break;  // the total only
        case 1:
          values.push_back(IntValue("complaints-received", 4, {{"sex", "nam"}}));
          break;
        case 2:  // crossed only: no one-dimension breakdown
          values.push_back(
              IntValue("complaints-received", 4, {{"sex", "nam"}, {"age-group", "duoi-18"}}));
          break;
        default:
          values.push_back(IntValue("complaints-received", 4, {{"sex", "nu"}}));
          values.push_back(IntValue("complaints-received", 5, {{"age-group", "tu-18"}}));
          values.push_back(IntValue("complaints-resolved", 3, {{"sex", "nu"}}));
      }
      v1::Report report = MakeReport(commune, "2026", 1, values);
      const v1::ChangeKind kind =
          random() % 3 == 0 ? v1::CHANGE_KIND_SUBMITTED : v1::CHANGE_KIND_ACCEPTED;
      ASSERT_TRUE(aggregates->Apply(MakeChange(++sequence, kind, report), hierarchy).ok());
    }
  }
  int agreeing = 0;
  ASSERT_TRUE(aggregates
                  ->Read([&](const AggregateReader& reader) {
                    for (Layer layer : {Layer::kAccepted, Layer::kUnreviewed}) {
                      for (const char* indicator :
                           {"indicators/complaints-received", "indicators/complaints-resolved",
                            "indicators/nobody-reports-this"}) {
                        auto national = reader.BreakdownDimensions(
                            layer, testing::kPlan, "2026", "agencies/country", indicator);
                        for (const auto& [province, communes] : communes_of) {
                          std::map<std::string, std::set<std::string>> expected;
                          for (const std::string& commune : communes) {
                            auto it = national.find("agencies/" + commune);
                            if (it != national.end()) expected.insert(*it);
                          }
                          EXPECT_EQ(reader.BreakdownDimensions(layer, testing::kPlan, "2026",
                                                               province, indicator),
                                    expected)
                              << province << " " << indicator;
                          agreeing += expected.empty() ? 0 : 1;
                        }
                      }
                    }
                    return reader.status();
                  })
                  .ok());
  EXPECT_GT(agreeing, 30);
}

}  // namespace
}  // namespace tonghop::aggregation
