#include "services/common/pagination.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "storage/memory_store.h"

namespace tonghop {
namespace {

TEST(PaginationTest, PageSizes) {
  EXPECT_EQ(*EffectivePageSize(0), kDefaultPageSize);
  EXPECT_EQ(*EffectivePageSize(5), 5);
  EXPECT_EQ(*EffectivePageSize(5000), kMaxPageSize);
  EXPECT_FALSE(EffectivePageSize(-1).ok());
}

TEST(PaginationTest, TokensRoundTripAndAreBoundToTheirQuery) {
  std::string token = EncodePageToken("agencies/dong-nai", "parent=x");
  EXPECT_EQ(*DecodePageToken(token, "parent=x"), "agencies/dong-nai");
  EXPECT_FALSE(DecodePageToken(token, "parent=y").ok());
  EXPECT_FALSE(DecodePageToken("!!!not base64", "parent=x").ok());
  EXPECT_EQ(*DecodePageToken("", "anything"), "");
}

// A store whose column family "t" holds k1 … k`count` with the values
// "1" … "`count`".
class ScanPageTest : public ::testing::Test {
 protected:
  void Fill(int count) {
    storage::WriteBatch batch;
    for (int i = 1; i <= count; ++i) batch.Put("t", absl::StrCat("k", i), absl::StrCat(i));
    ASSERT_TRUE(store_.Write(batch).ok());
  }

  // The page after `token` of the rows with odd values, and its token.
  absl::StatusOr<std::string> OddPage(int page_size, const std::string& token,
                                      std::vector<std::string>& items) {
    ASSIGN_OR_RETURN(std::string after, DecodePageToken(token, "odd"));
    std::string start = after.empty() ? "k" : after + '\0';
    google::protobuf::RepeatedPtrField<google::protobuf::StringValue> page;
    ASSIGN_OR_RETURN(
        std::string next,
        ScanPage<google::protobuf::StringValue>(
            store_, "t", start, "l", page_size, "odd",
            [](absl::string_view, absl::string_view value)
                -> absl::StatusOr<std::optional<google::protobuf::StringValue>> {
              int number = 0;
              if (!absl::SimpleAtoi(value, &number)) return absl::DataLossError("not a number");
              if (number % 2 == 0) return std::nullopt;
              google::protobuf::StringValue item;
              item.set_value(std::string(value));
              return item;
            },
            page));
    items.clear();
    for (const auto& item : page) items.push_back(item.value());
    return next;
  }

  storage::MemoryStore store_;
};

TEST_F(ScanPageTest, PagesHoldTheKeptRowsAndTheLastHasNoToken) {
  Fill(7);
  std::vector<std::string> items;
  absl::StatusOr<std::string> token = OddPage(2, "", items);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(items, (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(*DecodePageToken(*token, "odd"), "k3") << "resumes after the last item's key";
  token = OddPage(2, *token, items);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(items, (std::vector<std::string>{"5", "7"}));
  EXPECT_EQ(*token, "");
}

TEST_F(ScanPageTest, RowsPassedByAfterAFullPageMakeNoNextPage) {
  Fill(4);  // 1, 3 kept; 4 passed by
  std::vector<std::string> items;
  absl::StatusOr<std::string> token = OddPage(2, "", items);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(items, (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(*token, "");
}

TEST_F(ScanPageTest, AnErrorFromReadEndsTheScan) {
  Fill(3);
  storage::WriteBatch batch;
  batch.Put("t", "k2", "two");
  ASSERT_TRUE(store_.Write(batch).ok());
  std::vector<std::string> items;
  EXPECT_EQ(OddPage(10, "", items).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace tonghop
