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
  EXPECT_EQ(Truncate("Đồng Nai", 5), "Đồng…");
  EXPECT_EQ(Truncate("Đồng Nai", 8), "Đồng Nai");
  EXPECT_EQ(Truncate("", 0), "");
}

TEST(TextTest, FoldIgnoresCaseAndDiacritics) {
  EXPECT_EQ(Fold("Sở Tư pháp"), "so tu phap");
  EXPECT_EQ(Fold("SỞ TƯ PHÁP"), "so tu phap");
  EXPECT_EQ(Fold("Đồng Nai"), "dong nai");
  EXPECT_EQ(Fold("Ủy ban – Uỷ ban"), "uy ban - uy ban");
  // Decomposed input: "Sở" as S + o + horn + grave.
  EXPECT_EQ(Fold("So\xCC\x9B\xCC\x89 Tu\xCC\x9B pha\xCC\x81p"), "so tu phap");
}

TEST(TextTest, FoldWithOffsetsMapsBack) {
  std::string text = "Bộ Công an";
  FoldedText ft = FoldWithOffsets(text);
  ASSERT_EQ(ft.folded, "bo cong an");
  size_t at = ft.folded.find("cong");
  EXPECT_EQ(text.substr(ft.offsets[at]), "Công an");
  EXPECT_EQ(ft.offsets.back(), text.size());
}

TEST(TextTest, NormalizeKeyExpandsAbbreviations) {
  EXPECT_EQ(NormalizeKey("UBND các xã, phường"), "uy ban nhan dan cac xa phuong");
  EXPECT_EQ(NormalizeKey("Sở LĐ-TB&XH"), NormalizeKey("Sở Lao động - Thương binh và Xã hội"));
  EXPECT_EQ(NormalizeKey("TAND tỉnh"), NormalizeKey("Tòa án nhân dân tỉnh"));
  EXPECT_EQ(NormalizeKey("VKSND tỉnh"), NormalizeKey("Viện Kiểm sát nhân dân tỉnh"));
  EXPECT_EQ(NormalizeKey("Ủy ban MTTQ Việt Nam tỉnh"),
            NormalizeKey("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"));
  EXPECT_EQ(NormalizeKey("Sở Thông tin và truyền thông"),
            NormalizeKey("Sở Thông tin và Truyền thông"));
  EXPECT_EQ(NormalizeKey("Sở TT&TT"), NormalizeKey("Sở Thông tin và Truyền thông"));
  EXPECT_EQ(NormalizeKey("Sở GD&ĐT"), NormalizeKey("Sở Giáo dục và Đào tạo"));
  EXPECT_EQ(NormalizeKey("HĐND tỉnh"), "hoi dong nhan dan tinh");
  EXPECT_EQ(NormalizeKey("PBGDPL"), "pho bien giao duc phap luat");
}

TEST(TextTest, EditDistanceAndTruncate) {
  EXPECT_EQ(EditDistance("so tu phap", "so tu phap"), 0);
  EXPECT_EQ(EditDistance("so y te", "so y tee"), 1);
  EXPECT_EQ(TruncateUtf8("Đồng Nai", 2), "Đ…");
}

TEST(TextTest, TruncateKeepsWholeCharacters) {
  // "Đồng" is Đ (2 bytes), ồ (3 bytes), n, g: no cut may split a character.
  for (size_t max = 0; max <= 8; ++max) {
    std::string cut = TruncateUtf8("Đồng Nai", max);
    EXPECT_TRUE(IsValidUtf8(cut)) << max;
  }
  EXPECT_EQ(TruncateUtf8("Đồng Nai", 4), "Đ…");
  EXPECT_EQ(TruncateUtf8("Đồng Nai", 5), "Đồ…");
  EXPECT_EQ(TruncateUtf8("abc", 3), "abc");
}

TEST(TextTest, EmailAddresses) {
  EXPECT_TRUE(IsValidEmailAddress("lan.nguyen@stp.dongnai.gov.vn"));
  EXPECT_TRUE(IsValidEmailAddress("van-thu+bao-cao@so-y-te.vn"));
  EXPECT_FALSE(IsValidEmailAddress(""));
  EXPECT_FALSE(IsValidEmailAddress("lan@@example.vn"));
  EXPECT_FALSE(IsValidEmailAddress("van thu@soyte.vn"));
  EXPECT_FALSE(IsValidEmailAddress("lan@localhost"));
  EXPECT_FALSE(IsValidEmailAddress("lan.@soyte.vn"));
  EXPECT_FALSE(IsValidEmailAddress("lan@-soyte.vn"));
  EXPECT_FALSE(IsValidEmailAddress("lân@soyte.vn"));
  EXPECT_FALSE(IsValidEmailAddress(std::string(250, 'a') + "@b.vn"));
}

TEST(TextTest, GroupThousandsWithDots) {
  EXPECT_EQ(GroupThousands(0), "0");
  EXPECT_EQ(GroupThousands(999), "999");
  EXPECT_EQ(GroupThousands(1000), "1.000");
  EXPECT_EQ(GroupThousands(1234567), "1.234.567");
}

TEST(TextTest, GroupDigitsWithAnySeparator) {
  EXPECT_EQ(GroupDigits("", ','), "");
  EXPECT_EQ(GroupDigits("123", ','), "123");
  EXPECT_EQ(GroupDigits("1234", ','), "1,234");
  EXPECT_EQ(GroupDigits("001234567", '.'), "001.234.567");
}

TEST(TextTest, SanitizeReplacesInvalidSequences) {
  EXPECT_EQ(SanitizeUtf8("Sở Y tế"), "Sở Y tế");
  EXPECT_EQ(SanitizeUtf8("a\xff\xfe" "b"), "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
  // A lead byte cut off from its continuation.
  EXPECT_EQ(SanitizeUtf8("S\xe1\xbb"), "S\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8(SanitizeUtf8(std::string("\xc3\x28\xa0\xa1\xe2\x28\xa1", 7))));
}

TEST(TextTest, QuoteInputIsShortValidAndEscaped) {
  EXPECT_EQ(QuoteInput("Sở Y tế"), "\"Sở Y tế\"");
  EXPECT_EQ(QuoteInput("a\nb\tc\x01"), "\"a\\nb\\tc\\x01\"");
  EXPECT_EQ(QuoteInput("\xffx"), "\"\xEF\xBF\xBDx\"");
  std::string big(1 << 20, 'x');
  std::string quoted = QuoteInput(big);
  EXPECT_LE(quoted.size(), kMaxQuotedInputBytes + 2 + 3);
  EXPECT_EQ(quoted.substr(quoted.size() - 4), "…\"");
  // A long Vietnamese value is cut between characters.
  std::string vietnamese;
  for (int i = 0; i < 100; ++i) vietnamese += "ế";
  std::string cut = QuoteInput(vietnamese, 10);
  EXPECT_TRUE(IsValidUtf8(cut));
  EXPECT_EQ(cut, "\"ếếế…\"");
}

TEST(ForbiddenCharacterInTest, ControlAndBidiOverridesAreFoundAndVietnameseIsNot) {
  EXPECT_EQ(ForbiddenCharacterIn("Sở Tư pháp tỉnh Đồng Nai\n\tdòng hai"), std::nullopt);
  EXPECT_EQ(ForbiddenCharacterIn(std::string("x\0y", 3)), 0);
  EXPECT_EQ(ForbiddenCharacterIn("a\u202Eb"), 0x202E);
  EXPECT_EQ(ForbiddenCharacterIn("a\u2067b"), 0x2067);
  EXPECT_EQ(ForbiddenCharacterIn("esc\x1b[31m"), 0x1B);
  EXPECT_EQ(ForbiddenCharacterIn("c1\u0085"), 0x85);
}

}  // namespace
}  // namespace tonghop
