#include "services/registry/plan_import/text_util.h"

#include <string>

#include "gtest/gtest.h"
#include "services/common/errors.h"

namespace tonghop::plan_import {
namespace {

TEST(TextUtilTest, FoldIgnoresCaseAndDiacritics) {
  EXPECT_EQ(Fold("Sở Tư pháp"), "so tu phap");
  EXPECT_EQ(Fold("SỞ TƯ PHÁP"), "so tu phap");
  EXPECT_EQ(Fold("Đồng Nai"), "dong nai");
  EXPECT_EQ(Fold("Ủy ban – Uỷ ban"), "uy ban - uy ban");
  // Decomposed input: "Sở" as S + o + horn + grave.
  EXPECT_EQ(Fold("So\xCC\x9B\xCC\x89 Tu\xCC\x9B pha\xCC\x81p"), "so tu phap");
}

TEST(TextUtilTest, FoldWithOffsetsMapsBack) {
  std::string text = "Bộ Công an";
  FoldedText ft = FoldWithOffsets(text);
  ASSERT_EQ(ft.folded, "bo cong an");
  size_t at = ft.folded.find("cong");
  EXPECT_EQ(text.substr(ft.offsets[at]), "Công an");
  EXPECT_EQ(ft.offsets.back(), text.size());
}

TEST(TextUtilTest, NormalizeKeyExpandsAbbreviations) {
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

TEST(TextUtilTest, CleanContentNormalizesToNfc) {
  absl::StatusOr<std::string> clean = CleanContent("\xEF\xBB\xBFSo\xCC\x9B\xCC\x89\r\nx\ry");
  ASSERT_TRUE(clean.ok()) << clean.status();
  EXPECT_EQ(*clean, "Sở\nx\ny");
}

TEST(TextUtilTest, CleanContentRefusesWhatIsNotText) {
  for (std::string bad : {std::string(""), std::string("  \n\t\n"), std::string("ab\0cd", 5),
                          std::string("\xC3\x28 invalid"), std::string("\xFF\xFE")}) {
    absl::StatusOr<std::string> clean = CleanContent(bad);
    ASSERT_FALSE(clean.ok());
    EXPECT_EQ(clean.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(GetBadRequest(clean.status()).field_violations(0).field(), "content");
  }
  std::string big(kMaxContentBytes + 1, 'a');
  EXPECT_EQ(GetErrorInfo(CleanContent(big).status()).reason(), "CONTENT_TOO_LARGE");
}

TEST(TextUtilTest, HtmlToTextKeepsBlocksAsLines) {
  EXPECT_EQ(HtmlToText("<p>Công an tỉnh</p> <p>Sở Tư pháp</p>"), "Công an tỉnh\nSở Tư pháp");
  EXPECT_EQ(HtmlToText("<ul style=\"list-style-type: none\"> - A; - B</ul>"), "- A; - B");
  EXPECT_EQ(HtmlToText("a &amp; b&nbsp;c &#272;"), "a & b c Đ");
  EXPECT_EQ(HtmlToText("x < 18 tuổi"), "x < 18 tuổi");
  EXPECT_EQ(Flatten("<p>a</p><p>b</p>"), "a b");
}

TEST(TextUtilTest, HtmlBlocksSplitsTopLevelParagraphsAndLists) {
  std::vector<HtmlBlock> blocks =
      HtmlBlocks("<p>và ứng dụng</p> <p>Nâng cao</p> <ul style=\"x\"> - A - B ");
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].tag, "p");
  EXPECT_EQ(Flatten(blocks[0].raw), "và ứng dụng");
  EXPECT_EQ(blocks[2].tag, "ul");
  EXPECT_EQ(HtmlBlocks("plain text").size(), 1u);
  EXPECT_TRUE(HtmlBlocks("  <p> </p> ").empty());
}

TEST(TextUtilTest, CaseOfFirstLetter) {
  EXPECT_TRUE(FirstLetterIsLower("<p>đối với"));
  EXPECT_TRUE(FirstLetterIsLower("- và ứng dụng"));
  EXPECT_TRUE(FirstLetterIsUpper("Ủy ban"));
  EXPECT_FALSE(FirstLetterIsUpper("2030"));
}

TEST(TextUtilTest, EditDistanceAndTruncate) {
  EXPECT_EQ(EditDistance("so tu phap", "so tu phap"), 0);
  EXPECT_EQ(EditDistance("so y te", "so y tee"), 1);
  EXPECT_EQ(TruncateUtf8("Đồng Nai", 2), "Đ…");
}

}  // namespace
}  // namespace tonghop::plan_import
