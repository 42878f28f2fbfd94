#include "services/common/registry_reader.h"

#include "gtest/gtest.h"

namespace tonghop {
namespace {

v1::Indicator MakeIndicator(const std::string& unit) {
  v1::Indicator indicator;
  indicator.set_name("indicators/so-vu-viec");
  indicator.set_unit(unit);
  return indicator;
}

TEST(CachingRegistryReaderTest, KeepsWhatWasFoundForItsTimeToLive) {
  FakeRegistryReader source;
  source.Put(MakeIndicator("vụ"));
  CachingRegistryReader cached(&source, absl::Hours(1));
  ASSERT_EQ((*cached.FindIndicator("indicators/so-vu-viec"))->unit(), "vụ");
  source.Put(MakeIndicator("việc"));
  EXPECT_EQ((*cached.FindIndicator("indicators/so-vu-viec"))->unit(), "vụ");

  CachingRegistryReader expiring(&source, absl::ZeroDuration());
  ASSERT_EQ((*expiring.FindIndicator("indicators/so-vu-viec"))->unit(), "việc");
  source.Put(MakeIndicator("người"));
  EXPECT_EQ((*expiring.FindIndicator("indicators/so-vu-viec"))->unit(), "người");
}

TEST(CachingRegistryReaderTest, AbsentResourcesAndErrorsAreAskedAgain) {
  FakeRegistryReader source;
  CachingRegistryReader cached(&source, absl::Hours(1));
  auto absent = cached.FindIndicator("indicators/so-vu-viec");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  source.Put(MakeIndicator("vụ"));
  auto created = cached.FindIndicator("indicators/so-vu-viec");
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->has_value());

  source.set_unavailable(true);
  EXPECT_FALSE(cached.FindPlan("plans/ke-hoach").ok());
  source.set_unavailable(false);
  v1::Plan plan;
  plan.set_name("plans/ke-hoach");
  source.Put(plan);
  auto found = cached.FindPlan("plans/ke-hoach");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(found->has_value());
  EXPECT_TRUE(cached.ListTasks("plans/ke-hoach")->empty());
  v1::Task task;
  task.set_name("plans/ke-hoach/tasks/1");
  source.Put(task);
  EXPECT_EQ(cached.ListTasks("plans/ke-hoach")->size(), 1u);
}

}  // namespace
}  // namespace tonghop
