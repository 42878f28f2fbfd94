#include "services/registry/plan_import/outline.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tonghop::plan_import {
namespace {

std::vector<std::string> Outlines(const std::vector<std::string>& codes) {
  OutlineTree tree = BuildOutline(codes);
  std::vector<std::string> out;
  for (size_t i = 0; i < codes.size(); ++i) out.push_back(tree.OutlineOf(static_cast<int>(i)));
  return out;
}

TEST(OutlineTest, ReadCodeKnowsTheStyles) {
  ASSERT_EQ(ReadCode("II").size(), 1u);
  EXPECT_EQ(ReadCode("II")[0].style, CodeStyle::kRoman);
  // "I" is Roman one or the letter I.
  ASSERT_EQ(ReadCode("I").size(), 2u);
  EXPECT_EQ(ReadCode("I")[1].style, CodeStyle::kUpperLetter);
  EXPECT_EQ(ReadCode("1.13")[0].style, CodeStyle::kDotted);
  EXPECT_EQ(ReadCode("1.13")[0].value, 13);
  EXPECT_EQ(ReadCode("a)")[0].style, CodeStyle::kLowerLetter);
  EXPECT_EQ(ReadCode("đ)")[0].Component(), "dd");
  EXPECT_EQ(ReadCode("2.")[0].Component(), "2");
  EXPECT_TRUE(ReadCode("Phụ lục").empty());
  EXPECT_TRUE(ReadCode("1.2.3.4.5").empty());
  EXPECT_TRUE(ReadCode("").empty());
}

TEST(OutlineTest, NestsByStyle) {
  EXPECT_THAT(Outlines({"A", "I", "II", "1", "1.1", "1.2", "2", "2.1", "a", "b", "B", "1"}),
              testing::ElementsAre("A", "A.I", "A.II", "A.II.1", "A.II.1.1", "A.II.1.2",
                                   "A.II.2", "A.II.2.1", "A.II.2.1.a", "A.II.2.1.b", "B",
                                   "B.1"));
}

TEST(OutlineTest, RomanOneAfterTwoIsReadAsArabic) {
  OutlineTree tree = BuildOutline({"A", "I", "II", "I", "1.1", "1.2", "2"});
  EXPECT_EQ(tree.OutlineOf(3), "A.II.1");
  EXPECT_EQ(tree.OutlineOf(4), "A.II.1.1");
  EXPECT_EQ(tree.OutlineOf(6), "A.II.2");
  ASSERT_EQ(tree.notes.size(), 1u);
  EXPECT_TRUE(tree.notes[0].repair);
  EXPECT_EQ(tree.notes[0].item, 3);
}

TEST(OutlineTest, ArabicOneBeforeRomanTwoIsReadAsRoman) {
  OutlineTree tree = BuildOutline({"A", "1", "B", "1", "II", "1", "2", "III"});
  EXPECT_EQ(tree.OutlineOf(1), "A.1");
  EXPECT_EQ(tree.OutlineOf(3), "B.I");
  EXPECT_EQ(tree.OutlineOf(4), "B.II");
  EXPECT_EQ(tree.OutlineOf(5), "B.II.1");
  EXPECT_EQ(tree.OutlineOf(7), "B.III");
  ASSERT_EQ(tree.notes.size(), 1u);
  EXPECT_EQ(tree.notes[0].item, 3);
}

TEST(OutlineTest, LettersAfterRomanAreLettersAgain) {
  EXPECT_THAT(Outlines({"C", "1", "2", "D", "I", "1", "II", "V"}),
              testing::ElementsAre("C", "C.1", "C.2", "D", "D.I", "D.I.1", "D.II", "D.V"));
}

TEST(OutlineTest, VietnameseLetterSequence) {
  EXPECT_THAT(Outlines({"1", "a", "b", "c", "d", "đ", "e", "g"}),
              testing::ElementsAre("1", "1.a", "1.b", "1.c", "1.d", "1.dd", "1.e", "1.g"));
  EXPECT_TRUE(BuildOutline({"1", "a", "b", "c", "d", "đ", "e", "g"}).notes.empty());
}

TEST(OutlineTest, OutOfSequenceIsWarnedNotDropped) {
  OutlineTree tree = BuildOutline({"1", "2", "5", "3"});
  EXPECT_EQ(tree.OutlineOf(2), "5");
  EXPECT_FALSE(tree.notes.empty());
  for (const OutlineNote& note : tree.notes) EXPECT_FALSE(note.repair);
}

TEST(OutlineTest, DroppedLevelsAreLeftOut) {
  OutlineTree tree = BuildOutline({"II", "1", "2", "a"});
  std::vector<bool> dropped = {true, false, false, false};
  EXPECT_EQ(tree.OutlineOf(3, dropped), "2.a");
}

}  // namespace
}  // namespace tonghop::plan_import
