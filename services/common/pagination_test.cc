#include "services/common/pagination.h"

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace tonghop
