#include "services/common/idempotency_schema.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/common/idempotency.h"
#include "storage/memory_store.h"

namespace tonghop {
namespace {

using std::string_literals::operator""s;

// Golden bytes: a change here changes what every store with an idempotency
// table (registry, submissions, aggregation) holds, and needs a new layout
// version and a migration in each.
TEST(IdempotencySchemaTest, KeysAndValuesHaveTheirRecordedBytes) {
  EXPECT_EQ(IdempotencyKey("agencies/dong-nai", "r-1"),
            "\x01" "agencies/dong-nai\0\x01" "r-1\0\x01"s);
  EXPECT_EQ(IdempotencyKey("users/lan", "a\0b"s), "\x01" "users/lan\0\x01" "a\0\xff" "b\0\x01"s);
  EXPECT_EQ(IdempotencyRecordValue("Submit", "fp", "resp"), "Submit\0fp\0resp"s);
}

// A caller's request ids are one prefix, in byte order, and a caller whose
// name extends another's does not fall among its ids; no two (caller,
// request id) pairs share a key, whatever bytes they hold.
TEST(IdempotencySchemaTest, KeysOrderByCallerThenRequestIdAndNeverCollide) {
  std::vector<std::pair<std::string, std::string>> pairs = {
      {"agencies/dong-nai-so-y-te", "a"}, {"agencies/dong-nai", "b"},
      {"agencies/dong-nai", "a"},         {"agencies/dong", "z"},
      {"agencies/dong-nai", "a\0"s},      {"agencies/dong-nai\0"s, "a"}};
  std::vector<std::string> keys;
  for (const auto& [caller, id] : pairs) keys.push_back(IdempotencyKey(caller, id));
  std::sort(keys.begin(), keys.end());
  std::sort(pairs.begin(), pairs.end());
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(keys[i], IdempotencyKey(pairs[i].first, pairs[i].second)) << i;
  }
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
}

// The response after the second NUL is kept whole, NUL bytes and all (a
// serialized message holds them): Lookup splits the value only twice.
TEST(IdempotencySchemaTest, AResponseWithNulBytesComesBackWhole) {
  storage::MemoryStore store;
  IdempotencyTable table(&store, "idempotency");
  const std::string response = "\x08\0\x12\0\0x"s;
  storage::WriteBatch batch;
  table.Record(batch, "agencies/dong-nai", "r-1", "Submit", "fp", response);
  ASSERT_TRUE(store.Write(batch).ok());
  EXPECT_EQ(*store.Get("idempotency", IdempotencyKey("agencies/dong-nai", "r-1")),
            std::optional<std::string>(IdempotencyRecordValue("Submit", "fp", response)));
  absl::StatusOr<std::optional<std::string>> found =
      table.Lookup("agencies/dong-nai", "r-1", "Submit", "fp");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, std::optional<std::string>(response));
}

}  // namespace
}  // namespace tonghop
