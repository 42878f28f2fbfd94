#include "services/common/text.h"

#include "gtest/gtest.h"

namespace tonghop {
namespace {

TEST(TextTest, NormalizesDecomposedVietnameseToNfc) {
  // "Sở" with the horn and hook above as combining marks.
  std::string decomposed = "So\xCC\x9B\xCC\x89 Tu\xCC\x9B pha\xCC\x81p";
  auto nfc = ToNfc(decomposed, "display_name");
  ASSERT_TRUE(nfc.ok());
  EXPECT_EQ(*nfc, "Sở Tư pháp");
  EXPECT_EQ(*ToNfc("Sở Tư pháp", "x"), "Sở Tư pháp");
}

TEST(TextTest, RejectsInvalidUtf8) {
  EXPECT_FALSE(IsValidUtf8("\xff\xfe"));
  EXPECT_FALSE(ToNfc("abc\xc3", "display_name").ok());
  EXPECT_TRUE(IsValidUtf8("Đồng Nai"));
}

TEST(TextTest, DisplayWidthCountsCharacters) {
  EXPECT_EQ(DisplayWidth("Đồng Nai"), 8u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
}

TEST(TextTest, UpperCaseAndInitialsForLetterheads) {
  EXPECT_EQ(ToUpperVietnamese("Sở Tư pháp"), "SỞ TƯ PHÁP");
  EXPECT_EQ(ToUpperVietnamese("Ủy ban nhân dân tỉnh Đồng Nai"), "ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI");
  EXPECT_EQ(Initials("Sở Tư pháp"), "STP");
  EXPECT_EQ(Initials("Ủy ban nhân dân"), "UBND");
  EXPECT_EQ(Initials(""), "");
  EXPECT_EQ(LowerFirstLetter("Đẩy mạnh"), "đẩy mạnh");
  EXPECT_EQ(LowerFirstLetter(""), "");
}

TEST(TextTest, TruncateCutsWholeCharacters) {
  EXPECT_EQ(Truncate("Đồng Nai", 4), "Đồng…");
  EXPECT_EQ(Truncate("Đồng Nai", 8), "Đồng Nai");
  EXPECT_EQ(Truncate("", 0), "");
}

}  // namespace
}  // namespace tonghop
