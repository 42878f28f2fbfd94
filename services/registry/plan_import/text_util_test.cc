#include "services/registry/plan_import/text_util.h"

#include <string>

#include "gtest/gtest.h"
#include "services/common/errors.h"

namespace tonghop::plan_import {
namespace {

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

}  // namespace
}  // namespace tonghop::plan_import
