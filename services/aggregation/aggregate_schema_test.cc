#include "services/aggregation/aggregate_schema.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/test_fixture.h"
#include "storage/memory_store.h"
#include "storage/rocksdb_store.h"

namespace tonghop::aggregation {
namespace {

using ::absl::StartsWith;
using ::testing::HasSubstr;
using std::string_literals::operator""s;

// Golden bytes: a change here changes what existing data directories hold,
// and needs a new layout version and a migration.
TEST(AggregateSchemaTest, KeysHaveTheirRecordedBytes) {
  const std::string g2 = "G\0\0\0\0\0\0\0\x02"s;
  EXPECT_EQ(ActiveKey(), "A");
  EXPECT_EQ(LayoutKey(), "F");
  EXPECT_EQ(PositionKey(2), "P\0\0\0\0\0\0\0\x02"s);
  EXPECT_EQ(EncodeFeedPosition(258), "\0\0\0\0\0\0\x01\x02"s);
  EXPECT_EQ(DecodeFeedPosition("\0\0\0\0\0\0\x01\x02"s), 258);
  EXPECT_EQ(DecodeFeedPosition("258"), std::nullopt);
  EXPECT_EQ(AppliedTimeKey(2), "T\0\0\0\0\0\0\0\x02"s);
  EXPECT_EQ(BuildingKey(2), "B\0\0\0\0\0\0\0\x02"s);
  EXPECT_EQ(EpochKey(2), "E\0\0\0\0\0\0\0\x02"s);
  EXPECT_EQ(LastChangeKey(2), "L\0\0\0\0\0\0\0\x02"s);
  EXPECT_EQ(PlacedKey(2), "H\0\0\0\0\0\0\0\x02"s);
  EXPECT_EQ(StatusKey(2, "plans/p", "2026", "agencies/a"),
            g2 + "S" "plans/p\0\x01" "2026\0\x01" "agencies/a\0\x01"s);
  EXPECT_EQ(ContributionKey(2, Layer::kAccepted, "plans/p", "2026", "agencies/a"),
            g2 + "C" "a\0\x01" "plans/p\0\x01" "2026\0\x01" "agencies/a\0\x01"s);
  EXPECT_EQ(BodyKey(2, Layer::kUnreviewed, "plans/p", "2026", "agencies/a"),
            g2 + "D" "u\0\x01" "plans/p\0\x01" "2026\0\x01" "agencies/a\0\x01"s);
  EXPECT_EQ(SumKey(2, Layer::kAccepted, "plans/p", "2026", "agencies/r", "indicators/i", "sex=female"),
            g2 + "R" "a\0\x01" "plans/p\0\x01" "2026\0\x01" "agencies/r\0\x01" "indicators/i\0\x01"
                 "sex=female\0\x01"s);
  EXPECT_EQ(ValueCellPrefix(2, Layer::kAccepted, "plans/p", "2026", "indicators/i", "") +
                StringSuffix("agencies/a"),
            g2 + "V" "a\0\x01" "plans/p\0\x01" "2026\0\x01" "indicators/i\0\x01" "\0\x01"
                 "agencies/a\0\x01"s);
  EXPECT_EQ(SubtreeKey(2, Layer::kUnreviewed, "plans/p", "2026", "agencies/r"),
            g2 + "N" "u\0\x01" "plans/p\0\x01" "2026\0\x01" "agencies/r\0\x01"s);
  EXPECT_EQ(DraftHeadKey("plans/p/drafts/d"), "H" "plans/p/drafts/d\0\x01"s);
  EXPECT_EQ(DraftRevisionKey("plans/p/drafts/d", 3), "R" "plans/p/drafts/d\0\x01" "\0\0\0\0\0\0\0\x03"s);
  EXPECT_EQ(UpstreamPositionKey(), "position");
  EXPECT_EQ(UpstreamGenerationKey("plans/p", "2026"), "generation/plans/p\x1f" "2026");
  EXPECT_EQ(UpstreamHeldKey("plans/p", "2026"), "held/plans/p\x1f" "2026");
  EXPECT_EQ(UpstreamEpochKey(), "epoch");
  EXPECT_EQ(UpstreamGenerationKey("plans/p", "2026").rfind(UpstreamGenerationPrefix(), 0), 0u);
  EXPECT_EQ(UpstreamHeldKey("plans/p", "2026").rfind(UpstreamHeldPrefix(), 0), 0u);
  EXPECT_EQ(ReceivedFiguresKey("plans/p", "2026", "agencies/a"), "plans/p\x1f" "2026\x1f" "agencies/a");
  EXPECT_EQ(storage::ColumnFamilyNames(AggregationLayout().column_families),
            (std::vector<std::string>{"aggregation_meta", "aggregation_data", "aggregation_drafts",
                                      "aggregation_draft_requests", "audit", "federation_received",
                                      "upstream_push"}));
}

TEST(AggregateSchemaTest, GenerationsAndTheirRecordsSortNumerically) {
  // Generation 256 after 2: a scan of G·2 does not reach G·256.
  EXPECT_LT(GenPrefix(2), GenPrefix(256));
  EXPECT_LT(storage::PrefixEnd(GenPrefix(2)), GenPrefix(256) + "S");
  EXPECT_FALSE(StartsWith(StatusKey(256, "p", "2026", "a"), GenPrefix(2)));
  EXPECT_EQ(GenerationOfPositionKey(PositionKey(256)), std::optional<uint64_t>(256));
  EXPECT_FALSE(GenerationOfPositionKey(EpochKey(256)).has_value());
  // A draft's revisions, oldest first.
  EXPECT_LT(DraftRevisionKey("d", 9), DraftRevisionKey("d", 10));
  EXPECT_TRUE(StartsWith(DraftRevisionKey("d", 10), DraftRevisionPrefix("d")));
  EXPECT_FALSE(StartsWith(DraftRevisionKey("d-2", 1), DraftRevisionPrefix("d")));
}

TEST(AggregateSchemaTest, APeriodsRecordsAreOnePrefixInAgencyOrder) {
  std::vector<std::string> agencies = {"agencies/dong-nai-xa-b", "agencies/dong-nai",
                                       "agencies/dong-nai-so-y-te", "agencies/an-giang"};
  std::vector<std::string> keys;
  for (const std::string& a : agencies) {
    keys.push_back(ContributionKey(1, Layer::kAccepted, "plans/p", "2026", a));
  }
  std::sort(keys.begin(), keys.end());
  std::sort(agencies.begin(), agencies.end());
  std::string prefix = ContributionPrefix(1, Layer::kAccepted, "plans/p", "2026");
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_TRUE(StartsWith(keys[i], prefix));
    EXPECT_EQ(StringAfter(keys[i], prefix), agencies[i]);
    std::optional<ContributionKeyParts> parts = ParseContributionKey(1, keys[i]);
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(parts->layer, Layer::kAccepted);
    EXPECT_EQ(parts->plan, "plans/p");
    EXPECT_EQ(parts->period, "2026");
    EXPECT_EQ(parts->agency, agencies[i]);
  }
  // A damaged layer code is a malformed key, not the other layer.
  std::string damaged = GenPrefix(1) + storage::KeyBuilder(kContributionTag)
                                           .String("x")
                                           .String("plans/p")
                                           .String("2026")
                                           .Build() +
                        StringSuffix("agencies/a");
  EXPECT_FALSE(ParseContributionKey(1, damaged).has_value());
  std::optional<ContributionKeyParts> unreviewed = ParseContributionKey(
      1, ContributionKey(1, Layer::kUnreviewed, "plans/p", "2026", "agencies/a"));
  ASSERT_TRUE(unreviewed.has_value());
  EXPECT_EQ(unreviewed->layer, Layer::kUnreviewed);
  // Another period or layer is elsewhere, also one whose name extends it.
  EXPECT_FALSE(StartsWith(ContributionKey(1, Layer::kAccepted, "plans/p", "2026S1", "agencies/a"), prefix));
  EXPECT_FALSE(StartsWith(ContributionKey(1, Layer::kUnreviewed, "plans/p", "2026", "agencies/a"), prefix));
  EXPECT_TRUE(StartsWith(StatusKey(1, "plans/p", "2026", "agencies/a"), StatusPrefix(1, "plans/p")));
  EXPECT_EQ(StringAfter(StatusKey(1, "plans/p", "2026", "agencies/a"), StatusPrefix(1, "plans/p")),
            "2026");
  // A root's sums for one indicator are one prefix, the total cell first.
  std::string sums = SumPrefix(1, Layer::kAccepted, "plans/p", "2026", "agencies/r", "indicators/i");
  std::string total = SumKey(1, Layer::kAccepted, "plans/p", "2026", "agencies/r", "indicators/i", "");
  std::string female =
      SumKey(1, Layer::kAccepted, "plans/p", "2026", "agencies/r", "indicators/i", "sex=female");
  EXPECT_TRUE(StartsWith(total, sums));
  EXPECT_TRUE(StartsWith(female, sums));
  EXPECT_LT(total, female);
  EXPECT_FALSE(StartsWith(
      SumKey(1, Layer::kAccepted, "plans/p", "2026", "agencies/r", "indicators/i-2", ""), sums));
  // The value index: cell, then agency.
  std::string indicator = ValueIndicatorPrefix(1, Layer::kAccepted, "plans/p", "2026", "indicators/i");
  std::string value = ValueCellPrefix(1, Layer::kAccepted, "plans/p", "2026", "indicators/i", "sex=male") +
                      StringSuffix("agencies/a");
  std::optional<ValueCellAgency> parsed = ParseValueSuffix(absl::string_view(value).substr(indicator.size()));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->cell, "sex=male");
  EXPECT_EQ(parsed->agency, "agencies/a");
  // Received figures: one plan and period's senders are one prefix.
  EXPECT_TRUE(StartsWith(ReceivedFiguresKey("plans/p", "2026", "agencies/a"),
                         ReceivedPeriodPrefix("plans/p", "2026")));
  EXPECT_FALSE(StartsWith(ReceivedFiguresKey("plans/p", "2026S1", "agencies/a"),
                          ReceivedPeriodPrefix("plans/p", "2026")));
}

TEST(AggregateSchemaTest, ANewStoreIsStampedWithTheCurrentVersion) {
  storage::MemoryStore store;
  auto upgrade = storage::UpgradeLayout(&store, AggregationLayout());
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->found_version, 0);
  EXPECT_EQ(*store.Get(kMetaCf, LayoutKey()), std::optional<std::string>("6"));
  auto aggregates = AggregateStore::Open(&store);
  ASSERT_TRUE(aggregates.ok()) << aggregates.status();
  EXPECT_EQ((*aggregates)->active_generation(), 1u);
  EXPECT_TRUE((*aggregates)->leftover_generations().empty());
}

// Version 3 as the previous release left it: positions as decimal text.
void WriteVersion3Positions(storage::KvStore& store, const std::string& active_position) {
  storage::WriteBatch v3;
  v3.Put(kMetaCf, LayoutKey(), "3");
  v3.Put(kMetaCf, PositionKey(1), active_position);
  v3.Put(kMetaCf, PositionKey(7), "bad");  // a leftover generation
  v3.Put(kUpstreamPushCf, UpstreamPositionKey(), "12");
  ASSERT_TRUE(store.Write(v3).ok());
}

// Version 3's positions are rewritten in place (to version 4); version 4's
// table has no subtree counts, and version 5's no digest of their members,
// so the roll-ups then start over.
TEST(AggregateSchemaTest, Version3PositionsAreRewrittenInPlaceThenTheRollupsStartOver) {
  storage::MemoryStore store;
  ASSERT_TRUE(storage::UpgradeLayout(&store, AggregationLayout()).ok());
  ASSERT_TRUE(AggregateStore::Open(&store).ok());
  WriteVersion3Positions(store, "17");

  auto upgrade = storage::UpgradeLayout(&store, AggregationLayout());
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->found_version, 3);
  EXPECT_EQ(upgrade->migrations,
            (std::vector<std::string>{"feed positions as 8-byte numbers",
                                      "the roll-ups are rebuilt from the change feed",
                                      "the roll-ups are rebuilt from the change feed"}));
  EXPECT_EQ(*store.Get(kMetaCf, PositionKey(1)), std::optional<std::string>(EncodeFeedPosition(17)));
  EXPECT_EQ(*store.Get(kMetaCf, PositionKey(7)), std::optional<std::string>(EncodeFeedPosition(0)));
  EXPECT_EQ(*store.Get(kUpstreamPushCf, UpstreamPositionKey()),
            std::optional<std::string>(EncodeFeedPosition(12)));
  auto aggregates = AggregateStore::Open(&store);
  ASSERT_TRUE(aggregates.ok()) << aggregates.status();
  EXPECT_EQ((*aggregates)->active_generation(), 8u);
  EXPECT_EQ((*aggregates)->applied_sequence(), 0);
}

TEST(AggregateSchemaTest, AnUnreadableActivePositionStopsTheMigrationAtVersion3) {
  storage::MemoryStore store;
  ASSERT_TRUE(storage::UpgradeLayout(&store, AggregationLayout()).ok());
  ASSERT_TRUE(AggregateStore::Open(&store).ok());
  WriteVersion3Positions(store, "x17");
  auto upgrade = storage::UpgradeLayout(&store, AggregationLayout());
  EXPECT_EQ(upgrade.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(upgrade.status().message(), HasSubstr("unreadable feed position of generation 1"));
  EXPECT_EQ(*store.Get(kMetaCf, LayoutKey()), std::optional<std::string>("3"));
  EXPECT_EQ(*store.Get(kMetaCf, PositionKey(1)), std::optional<std::string>("x17"));
}

// A store whose roll-ups were written at version 2 is migrated by starting
// the roll-ups over: a new, empty generation, the old one left to drop; the
// drafts, the received figures and the audit trail stay as they were.
TEST(AggregateSchemaTest, AnOlderVersionStartsTheRollupsOverAndKeepsTheRest) {
  storage::MemoryStore store;
  ASSERT_TRUE(storage::UpgradeLayout(&store, AggregationLayout()).ok());
  {
    auto aggregates = *AggregateStore::Open(&store);
    Hierarchy h(testing::Agencies());
    v1::Report report = testing::MakeReport("dong-nai-so-tu-phap", "2026", 1,
                                            {testing::IntValue("complaints-received", 7)});
    ASSERT_TRUE(aggregates->Apply(testing::MakeChange(1, v1::CHANGE_KIND_SUBMITTED, report), h).ok());
    EXPECT_EQ(aggregates->applied_sequence(), 1);
  }
  storage::WriteBatch older;
  older.Put(kMetaCf, LayoutKey(), "2");
  older.Put(kDraftsCf, DraftHeadKey("plans/p/drafts/d"), "4");
  older.Put(kReceivedFiguresCf, ReceivedFiguresKey("plans/p", "2026", "agencies/a"), "figures");
  ASSERT_TRUE(store.Write(older).ok());

  auto upgrade = storage::UpgradeLayout(&store, AggregationLayout());
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->found_version, 2);
  EXPECT_EQ(upgrade->migrations.size(), 4u);  // 2 → 3 → 4 → 5 → 6
  EXPECT_EQ(*store.Get(kMetaCf, LayoutKey()), std::optional<std::string>("6"));
  auto aggregates = AggregateStore::Open(&store);
  ASSERT_TRUE(aggregates.ok()) << aggregates.status();
  EXPECT_EQ((*aggregates)->active_generation(), 2u);
  EXPECT_EQ((*aggregates)->applied_sequence(), 0);
  EXPECT_EQ((*aggregates)->leftover_generations(), std::vector<uint64_t>{1});
  EXPECT_EQ(*store.Get(kDraftsCf, DraftHeadKey("plans/p/drafts/d")), std::optional<std::string>("4"));
  EXPECT_EQ(*store.Get(kReceivedFiguresCf, ReceivedFiguresKey("plans/p", "2026", "agencies/a")),
            std::optional<std::string>("figures"));
  ASSERT_TRUE((*aggregates)->DropLeftovers([] { return true; }).ok());
  EXPECT_TRUE(store.ScanPrefix(kDataCf, GenPrefix(1), 1)->empty());
}

TEST(AggregateSchemaTest, ANewerVersionIsRefusedInsteadOfRebuilt) {
  std::string dir = (std::filesystem::path(::testing::TempDir()) /
                     absl::StrCat("aggregate_schema_", ::testing::UnitTest::GetInstance()->random_seed()))
                        .string();
  std::filesystem::remove_all(dir);
  {
    auto store = storage::OpenRocksDbStoreWithLayout(dir, AggregationLayout());
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE(AggregateStore::Open(store->get()).ok());
    storage::WriteBatch newer;
    newer.Put(kMetaCf, LayoutKey(), "7");
    ASSERT_TRUE((*store)->Write(newer).ok());
  }
  auto refused = storage::OpenRocksDbStoreWithLayout(dir, AggregationLayout());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("storage aggregation: the store has layout version 7"));
  {
    // Untouched: the table is still there, at version 7.
    auto store = storage::OpenRocksDbStore(dir, storage::ColumnFamilyNames(AggregationLayout().column_families));
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(*(*store)->Get(kMetaCf, LayoutKey()), std::optional<std::string>("7"));
    EXPECT_EQ(*(*store)->Get(kMetaCf, ActiveKey()), std::optional<std::string>("1"));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tonghop::aggregation
