#include "services/common/resource_names.h"

#include "gtest/gtest.h"

namespace tonghop {
namespace {

TEST(ResourceNamesTest, SlugIds) {
  EXPECT_TRUE(IsValidSlugId("dong-nai-so-tu-phap"));
  EXPECT_TRUE(IsValidSlugId("bo-tu-phap"));
  EXPECT_FALSE(IsValidSlugId(""));
  EXPECT_FALSE(IsValidSlugId("Dong-Nai"));
  EXPECT_FALSE(IsValidSlugId("-x"));
  EXPECT_FALSE(IsValidSlugId("x-"));
  EXPECT_FALSE(IsValidSlugId("sở"));
  EXPECT_FALSE(IsValidSlugId(std::string(64, 'a')));
}

TEST(ResourceNamesTest, OutlineCodes) {
  EXPECT_TRUE(IsValidOutlineCode("A.II.1.2"));
  EXPECT_TRUE(IsValidOutlineCode("A.II.2.1.a"));
  EXPECT_FALSE(IsValidOutlineCode("A..1"));
  EXPECT_FALSE(IsValidOutlineCode("A.1."));
  EXPECT_FALSE(IsValidOutlineCode("A/1"));
}

TEST(ResourceNamesTest, ParseNames) {
  EXPECT_EQ(*ParseSimpleName("agencies/dong-nai", "agencies", "name"), "dong-nai");
  EXPECT_FALSE(ParseSimpleName("plans/dong-nai", "agencies", "name").ok());
  auto task = ParseTaskName("plans/dong-nai-74-2026/tasks/A.II.1.2", "name");
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->plan_id, "dong-nai-74-2026");
  EXPECT_EQ(task->outline, "A.II.1.2");
  EXPECT_EQ(MakeTaskName("p", "A.1"), "plans/p/tasks/A.1");
  auto report = ParseReportName("reports/dong-nai-so-y-te/dong-nai-74-2026/2026", "name");
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->agency_id, "dong-nai-so-y-te");
  EXPECT_EQ(report->period, "2026");
  EXPECT_FALSE(ParseReportName("reports/x/y", "name").ok());
}

TEST(ResourceNamesTest, IdOfIsTheLastSegment) {
  EXPECT_EQ(IdOf("agencies/dong-nai"), "dong-nai");
  EXPECT_EQ(IdOf("plans/dong-nai-74-2026/tasks/A.II.1"), "A.II.1");
  EXPECT_EQ(IdOf("dong-nai"), "dong-nai");
  EXPECT_EQ(IdOf("agencies/"), "");
  EXPECT_EQ(IdOf(""), "");
}

}  // namespace
}  // namespace tonghop
