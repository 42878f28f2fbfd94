// Starting tonghopd: one server per port (a second one on the same address
// fails and says why, instead of taking half the clients to its own data),
// and a start after a crash mid-rebuild listens first and drops the
// half-built roll-up table afterwards, in the background.

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/aggregate_store.h"
#include "storage/key_encoding.h"
#include "storage/rocksdb_store.h"
#include "tests/integration/aggregation_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

using ::testing::HasSubstr;

std::string Tonghopd() { return BuiltBinary("services/server/tonghopd"); }

TEST(FaultServerTest, ASecondServerOnTheSamePortFailsAndSaysWhy) {
  TempDir first_dir;
  TempDir second_dir;
  auto first = ServerProcess::Start(Tonghopd(), {"--data-dir=" + first_dir.path()});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = ServerProcess::Start(
      Tonghopd(), {"--data-dir=" + second_dir.path(), "--listen=" + (*first)->address()});
  ASSERT_FALSE(second.ok()) << "two servers listen on " << (*first)->address();
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("already in use"));
  // The first one still serves, and every client reaches its data.
  ASSERT_TRUE(LoadAggregationRegistry(ChannelTo((*first)->address())).ok());
}

// What a rebuild that crashed half-way leaves in the roll-up store:
// generation 99, marked as being built, with `records` of its records.
void LeaveAHalfBuiltTable(const std::string& dir, int records) {
  auto store = storage::OpenRocksDbStore(dir, aggregation::AggregationColumnFamilies());
  ASSERT_TRUE(store.ok()) << store.status();
  constexpr uint64_t kGeneration = 99;
  storage::WriteBatch meta;
  meta.Put("aggregation_meta", storage::KeyBuilder('P').Uint64(kGeneration).Build(), "10");
  meta.Put("aggregation_meta", storage::KeyBuilder('B').Uint64(kGeneration).Build(), "");
  ASSERT_TRUE((*store)->Write(meta).ok());
  std::string prefix = storage::KeyBuilder('G').Uint64(kGeneration).Build();
  for (int written = 0; written < records;) {
    storage::WriteBatch batch;
    for (int i = 0; i < 5000 && written < records; ++i, ++written) {
      batch.Put("aggregation_data", absl::StrCat(prefix, "record-", 1000000 + written),
                std::string(100, 'x'));
    }
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
}

int RecordsOfGeneration99(const std::string& dir) {
  auto store = storage::OpenRocksDbStore(dir, aggregation::AggregationColumnFamilies());
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return -1;
  std::string prefix = storage::KeyBuilder('G').Uint64(99).Build();
  int count = 0;
  EXPECT_TRUE((*store)
                  ->Scan("aggregation_data", prefix, storage::PrefixEnd(prefix),
                         [&](absl::string_view, absl::string_view) {
                           ++count;
                           return true;
                         })
                  .ok());
  return count;
}

TEST(FaultServerTest, AHalfBuiltRollupTableIsDroppedAfterTheServerListens) {
  TempDir dir;
  {
    auto server = ServerProcess::Start(Tonghopd(), {"--data-dir=" + dir.path()});
    ASSERT_TRUE(server.ok()) << server.status();
    auto channel = ChannelTo((*server)->address());
    ASSERT_TRUE(LoadAggregationRegistry(channel).ok());
    RandomHistory history(channel, 5);
    ASSERT_TRUE(history.Run(30).ok());
    ASSERT_TRUE(RollupAt(channel, 30).ok());
    (*server)->Kill();
  }
  LeaveAHalfBuiltTable(dir.path() + "/aggregation", 60000);

  auto server = ServerProcess::Start(Tonghopd(), {"--data-dir=" + dir.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  // It serves without waiting for the drop.
  auto rollup = RollupAt(ChannelTo((*server)->address()), 30);
  ASSERT_TRUE(rollup.ok()) << rollup.status();
  EXPECT_EQ(rollup->applied_sequence(), 30);
  ASSERT_TRUE((*server)->WaitForLog("in the background").ok()) << (*server)->Log();
  ASSERT_TRUE((*server)->WaitForLog("dropped 1 leftover roll-up table").ok()) << (*server)->Log();
  EXPECT_EQ((*server)->Terminate(), 0);
  EXPECT_EQ(RecordsOfGeneration99(dir.path() + "/aggregation"), 0);
}

}  // namespace
}  // namespace tonghop::testing
