#include "services/aggregation/hierarchy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/test_fixture.h"

namespace tonghop::aggregation {
namespace {

using ::testing::ElementsAre;

TEST(HierarchyTest, RootsFollowParentsAndSuccessors) {
  Hierarchy h(testing::Agencies());
  EXPECT_THAT(h.Roots("agencies/binh-phuoc-so-y-te"),
              ElementsAre("agencies/binh-phuoc", "agencies/binh-phuoc-so-y-te",
                          "agencies/bo-tu-phap", "agencies/dong-nai", "agencies/dong-nai-so-y-te"));
  EXPECT_THAT(h.Roots("agencies/unknown"), ElementsAre("agencies/unknown"));
  EXPECT_TRUE(h.InSubtree("agencies/dong-nai-xa-a", "agencies/dong-nai"));
  EXPECT_FALSE(h.InSubtree("agencies/dong-nai", "agencies/dong-nai-xa-a"));
}

TEST(HierarchyTest, ChildrenAndGroupsInForceInThePeriod) {
  Hierarchy h(testing::Agencies());
  Period y2024 = *ParsePeriod("2024", "p");
  Period y2026 = *ParsePeriod("2026", "p");
  std::vector<std::string> names;
  for (const auto* a : h.Children("agencies/dong-nai", y2024)) names.push_back(a->name());
  // Communes did not exist yet; Bình Phước is merged into Đồng Nai.
  EXPECT_THAT(names, ElementsAre("agencies/binh-phuoc", "agencies/dong-nai-cong-an-tinh",
                                 "agencies/dong-nai-so-tu-phap", "agencies/dong-nai-so-y-te",
                                 "agencies/dong-nai-tand-tinh"));
  names.clear();
  for (const auto* a : h.Children("agencies/dong-nai", y2026)) names.push_back(a->name());
  EXPECT_THAT(names, ElementsAre("agencies/dong-nai-cong-an-tinh", "agencies/dong-nai-so-tu-phap",
                                 "agencies/dong-nai-so-y-te", "agencies/dong-nai-tand-tinh",
                                 "agencies/dong-nai-xa-a", "agencies/dong-nai-xa-b"));
  v1::AgencyGroup communes;
  communes.set_kind(v1::AGENCY_KIND_COMMUNE);
  communes.set_ancestor("agencies/dong-nai");
  EXPECT_EQ(h.GroupMembers(communes, y2026).size(), 2u);
  EXPECT_TRUE(h.GroupMembers(communes, y2024).empty());
  EXPECT_THAT(h.Resolve("agencies/binh-phuoc-so-y-te", y2026),
              ElementsAre("agencies/dong-nai-so-y-te"));
  EXPECT_THAT(h.Resolve("agencies/binh-phuoc-so-y-te", y2024),
              ElementsAre("agencies/binh-phuoc-so-y-te"));
}

TEST(HierarchyTest, FingerprintChangesWithPlacementOnly) {
  auto agencies = testing::Agencies();
  Hierarchy a(agencies);
  agencies[2].set_display_name("Renamed");
  EXPECT_EQ(Hierarchy(agencies).fingerprint(), a.fingerprint());
  agencies[2].set_parent("agencies/quang-ngai");
  EXPECT_NE(Hierarchy(agencies).fingerprint(), a.fingerprint());
}

}  // namespace
}  // namespace tonghop::aggregation
