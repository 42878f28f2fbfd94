#include "services/common/audit_schema.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace tonghop {
namespace {

using std::string_literals::operator""s;

// Golden bytes: a change here changes what every audited store (registry,
// submissions, aggregation) holds, and needs a new layout version and a
// migration in each.
TEST(AuditSchemaTest, KeysAndTheHeadHaveTheirRecordedBytes) {
  EXPECT_EQ(kAuditColumnFamily.name(), "audit");
  EXPECT_EQ(AuditRecordPrefix(), "\x01");
  EXPECT_EQ(AuditRecordKey(1), "\x01\0\0\0\0\0\0\0\x01"s);
  EXPECT_EQ(AuditRecordKey(258), "\x01\0\0\0\0\0\0\x01\x02"s);
  EXPECT_EQ(AuditHeadKey(), "\x02");
  const std::string hash(kAuditHashBytes, '\xab');
  EXPECT_EQ(EncodeAuditHead(258, hash), "\0\0\0\0\0\0\x01\x02"s + hash);
  std::optional<AuditHead> head = DecodeAuditHead("\0\0\0\0\0\0\x01\x02"s + hash);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->sequence, 258);
  EXPECT_EQ(head->hash, hash);
}

// AuditLog::Scan and Verify walk the records in key order as the chain's
// order, and find the last record by a scan of the prefix.
TEST(AuditSchemaTest, RecordsAreOnePrefixInSequenceOrderWithoutTheHead) {
  std::vector<int64_t> sequences = {256, 1, 65536, 2, 255, int64_t{1} << 40, 10};
  std::vector<std::string> keys;
  for (int64_t s : sequences) keys.push_back(AuditRecordKey(s));
  std::sort(keys.begin(), keys.end());
  std::sort(sequences.begin(), sequences.end());
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(keys[i], AuditRecordKey(sequences[i]));
    EXPECT_TRUE(absl::StartsWith(keys[i], AuditRecordPrefix()));
    EXPECT_EQ(AuditSequenceOf(keys[i]), sequences[i]);
  }
  // The head sorts after every record: a scan of the records never meets it.
  EXPECT_FALSE(absl::StartsWith(AuditHeadKey(), AuditRecordPrefix()));
  EXPECT_GE(AuditHeadKey(), storage::PrefixEnd(AuditRecordPrefix()));
}

TEST(AuditSchemaTest, MalformedKeysAndHeadsAreNotRead) {
  EXPECT_EQ(AuditSequenceOf(AuditHeadKey()), std::nullopt);
  EXPECT_EQ(AuditSequenceOf(AuditRecordPrefix()), std::nullopt);
  EXPECT_EQ(AuditSequenceOf("\x01\0\0\0\0\0\0\x01"s), std::nullopt);  // 7 bytes
  EXPECT_EQ(AuditSequenceOf(AuditRecordKey(5) + "x"), std::nullopt);
  EXPECT_EQ(AuditSequenceOf(""), std::nullopt);
  const std::string hash(kAuditHashBytes, '\xab');
  EXPECT_EQ(DecodeAuditHead("\0\0\0\0\0\0\x01\x02"s + hash.substr(1)), std::nullopt);
  EXPECT_EQ(DecodeAuditHead("\0\0\0\0\0\0\x01\x02"s + hash + "x"), std::nullopt);
  EXPECT_EQ(DecodeAuditHead(""), std::nullopt);
}

}  // namespace
}  // namespace tonghop
