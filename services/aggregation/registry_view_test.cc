#include "services/aggregation/registry_view.h"

#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "services/common/registry_reader.h"

namespace tonghop::aggregation {
namespace {

v1::Agency MakeAgency(const std::string& id) {
  v1::Agency agency;
  agency.set_name("agencies/" + id);
  agency.set_display_name(id);
  return agency;
}

v1::Plan MakePlan(const std::string& id, const std::string& title) {
  v1::Plan plan;
  plan.set_name("plans/" + id);
  plan.set_title(title);
  return plan;
}

v1::Task MakeTask(const std::string& plan, const std::string& id) {
  v1::Task task;
  task.set_name("plans/" + plan + "/tasks/" + id);
  return task;
}

class CachingRegistryViewTest : public ::testing::Test {
 protected:
  FakeClock clock_{absl::FromUnixSeconds(1'790'000'000)};
  FakeRegistryReader source_;
  CachingRegistryView view_{&source_, &clock_, absl::Seconds(30)};
};

TEST_F(CachingRegistryViewTest, ServesItsSnapshotUntilItsTimeToLive) {
  source_.Put(MakeAgency("dong-nai"));
  v1::Indicator indicator;
  indicator.set_name("indicators/so-vu-viec");
  source_.Put(indicator);
  auto first = view_.Snapshot(/*refresh=*/false);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE((*first)->hierarchy->Contains("agencies/dong-nai"));
  EXPECT_NE((*first)->FindIndicator("indicators/so-vu-viec"), nullptr);

  source_.Put(MakeAgency("quang-ngai"));
  clock_.Advance(absl::Seconds(29));
  auto kept = view_.Snapshot(false);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->get(), first->get());
  EXPECT_FALSE((*kept)->hierarchy->Contains("agencies/quang-ngai"));

  clock_.Advance(absl::Seconds(2));
  auto reread = view_.Snapshot(false);
  ASSERT_TRUE(reread.ok());
  EXPECT_TRUE((*reread)->hierarchy->Contains("agencies/quang-ngai"));
}

TEST_F(CachingRegistryViewTest, RefreshReadsAgainAtOnce) {
  source_.Put(MakeAgency("dong-nai"));
  ASSERT_TRUE(view_.Snapshot(false).ok());
  source_.Put(MakeAgency("quang-ngai"));
  auto refreshed = view_.Snapshot(/*refresh=*/true);
  ASSERT_TRUE(refreshed.ok());
  EXPECT_TRUE((*refreshed)->hierarchy->Contains("agencies/quang-ngai"));
}

TEST_F(CachingRegistryViewTest, ServesTheLastGoodReadingWhileTheRegistryIsDown) {
  source_.set_unavailable(true);
  EXPECT_EQ(view_.Snapshot(false).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(view_.Plan("plans/p").status().code(), absl::StatusCode::kUnavailable);

  source_.set_unavailable(false);
  source_.Put(MakeAgency("dong-nai"));
  source_.Put(MakePlan("p", "Kế hoạch"));
  source_.Put(MakeTask("p", "t1"));
  ASSERT_TRUE(view_.Snapshot(false).ok());
  ASSERT_TRUE(view_.Plan("plans/p").ok());

  source_.set_unavailable(true);
  clock_.Advance(absl::Minutes(5));
  auto snapshot = view_.Snapshot(/*refresh=*/true);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_TRUE((*snapshot)->hierarchy->Contains("agencies/dong-nai"));
  auto plan = view_.Plan("plans/p");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->tasks.size(), 1u);
}

TEST_F(CachingRegistryViewTest, APlanComesWithItsTasksAndIsReadAgainAfterItsTimeToLive) {
  source_.Put(MakePlan("p", "Kế hoạch"));
  source_.Put(MakeTask("p", "t1"));
  auto plan = view_.Plan("plans/p");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->plan.title(), "Kế hoạch");
  ASSERT_EQ((*plan)->tasks.size(), 1u);

  source_.Put(MakeTask("p", "t2"));
  EXPECT_EQ((*view_.Plan("plans/p"))->tasks.size(), 1u);
  clock_.Advance(absl::Seconds(31));
  EXPECT_EQ((*view_.Plan("plans/p"))->tasks.size(), 2u);
}

TEST_F(CachingRegistryViewTest, AnAbsentPlanIsNotFoundAndNotKept) {
  EXPECT_EQ(view_.Plan("plans/absent").status().code(), absl::StatusCode::kNotFound);
  source_.Put(MakePlan("absent", "Mới"));
  EXPECT_TRUE(view_.Plan("plans/absent").ok());
}

}  // namespace
}  // namespace tonghop::aggregation
