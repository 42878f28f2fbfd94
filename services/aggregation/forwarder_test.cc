#include "services/aggregation/forwarder.h"

#include "gtest/gtest.h"
#include "services/aggregation/test_fixture.h"

namespace tonghop::aggregation {
namespace {

v1::TaskStatusEntry Entry(const std::string& outline,
                          std::vector<std::pair<std::string, v1::ProgressStatus>> leads) {
  v1::TaskStatusEntry e;
  e.set_outline(outline);
  for (const auto& [name, status] : leads) {
    auto* a = e.add_assignees();
    a->set_display_name(name);
    a->set_lead(true);
    a->set_status(status);
    if (status != v1::PROGRESS_STATUS_UNSPECIFIED) a->set_summary("Đã làm " + name);
  }
  e.set_leads(static_cast<int32_t>(leads.size()));
  return e;
}

v1::Report Draft() {
  v1::Report draft;
  draft.set_name("reports/dong-nai/national-2026/2026");
  for (const char* indicator : {"indicators/complaints-received", "indicators/budget"}) {
    draft.add_values()->set_indicator(indicator);
  }
  for (const char* outline : {"1", "2", "3", "4", "9"}) {
    draft.add_progress()->set_task(std::string("plans/national-2026/tasks/") + outline);
  }
  return draft;
}

TEST(ForwarderTest, CombinesLeadStatusesPerTask) {
  v1::TaskStatusResponse tasks;
  *tasks.add_tasks() = Entry("1", {{"A", v1::PROGRESS_STATUS_COMPLETED},
                                   {"B", v1::PROGRESS_STATUS_COMPLETED}});
  *tasks.add_tasks() = Entry("2", {{"A", v1::PROGRESS_STATUS_COMPLETED},
                                   {"B", v1::PROGRESS_STATUS_UNSPECIFIED}});
  *tasks.add_tasks() = Entry("3", {{"A", v1::PROGRESS_STATUS_ONGOING},
                                   {"B", v1::PROGRESS_STATUS_COMPLETED}});
  *tasks.add_tasks() = Entry("4", {{"A", v1::PROGRESS_STATUS_UNSPECIFIED}});
  ForwardContent content = BuildForwardContent(Draft(), tasks, {});
  ASSERT_EQ(content.report.progress_size(), 5);
  EXPECT_EQ(content.report.progress(0).status(), v1::PROGRESS_STATUS_COMPLETED);
  EXPECT_EQ(content.report.progress(0).summary(), "A: Đã làm A\nB: Đã làm B");
  EXPECT_EQ(content.report.progress(1).status(), v1::PROGRESS_STATUS_IN_PROGRESS);
  EXPECT_EQ(content.report.progress(2).status(), v1::PROGRESS_STATUS_ONGOING);
  EXPECT_EQ(content.report.progress(3).status(), v1::PROGRESS_STATUS_NOT_STARTED);
  // A task with no local counterpart keeps what the draft had.
  EXPECT_EQ(content.report.progress(4).status(), v1::PROGRESS_STATUS_UNSPECIFIED);
  EXPECT_EQ(content.progress, 4);
  EXPECT_EQ(content.report.name(), "reports/dong-nai/national-2026/2026");
}

// The national plan numbers its tasks 1, 2, …; the provincial plan B.III,
// B.IV.3, …: a remote task with no local task of its outline code is
// answered by the local tasks that carry the same statistics.
TEST(ForwarderTest, ARemoteTaskIsAnsweredByTheLocalTasksCarryingItsStatistics) {
  auto task = [](const std::string& name, const std::string& outline,
                 std::vector<std::string> indicators) {
    v1::Task t;
    t.set_name(name);
    t.set_outline(outline);
    for (const std::string& i : indicators) t.add_indicators("indicators/" + i);
    return t;
  };
  const std::string remote = "plans/national-2026/tasks/";
  std::vector<v1::Task> upstream = {
      task(remote + "1", "1", {"complaints-received", "complaints-resolved"}),
      task(remote + "2", "2", {"lawyers"}),
      task(remote + "9", "9", {"budget"})};
  std::vector<v1::Task> local = {task("plans/p/tasks/B.III", "B.III", {"complaints-received"}),
                                 task("plans/p/tasks/B.VII.2", "B.VII.2", {"complaints-received"}),
                                 task("plans/p/tasks/B.V.2", "B.V.2", {"lawyers"}),
                                 task("plans/p/tasks/C", "C", {})};
  std::map<std::string, std::vector<std::string>> stand_ins = StandInsByIndicator(upstream, local);
  EXPECT_EQ(stand_ins[remote + "1"], (std::vector<std::string>{"B.III", "B.VII.2"}));
  EXPECT_EQ(stand_ins[remote + "2"], (std::vector<std::string>{"B.V.2"}));
  EXPECT_EQ(stand_ins.count(remote + "9"), 0u);

  v1::TaskStatusResponse tasks;
  *tasks.add_tasks() = Entry("B.III", {{"A", v1::PROGRESS_STATUS_COMPLETED}});
  *tasks.add_tasks() = Entry("B.VII.2", {{"B", v1::PROGRESS_STATUS_COMPLETED}});
  *tasks.add_tasks() = Entry("B.V.2", {{"A", v1::PROGRESS_STATUS_UNSPECIFIED}});
  v1::Report draft;
  draft.set_name("reports/dong-nai/national-2026/2026");
  for (const char* outline : {"1", "2", "9"}) draft.add_progress()->set_task(remote + outline);
  ForwardContent content = BuildForwardContent(draft, tasks, {}, stand_ins);
  ASSERT_EQ(content.report.progress_size(), 3);
  EXPECT_EQ(content.report.progress(0).status(), v1::PROGRESS_STATUS_COMPLETED);
  EXPECT_EQ(content.report.progress(0).summary(),
            "B.III — A: Đã làm A\nB.VII.2 — B: Đã làm B");
  EXPECT_EQ(content.report.progress(1).status(), v1::PROGRESS_STATUS_NOT_STARTED);
  EXPECT_EQ(content.report.progress(2).status(), v1::PROGRESS_STATUS_UNSPECIFIED);
  EXPECT_EQ(content.progress, 2);
}

TEST(ForwarderTest, IndicatorsAreNamedUpstreamAsThePlanMapsThem) {
  v1::Plan plan;
  plan.set_upstream_plan("plans/national-2026");
  v1::IndicatorMapping* mapping = plan.add_indicator_mappings();
  mapping->set_indicator("indicators/khieu-nai-da-nhan");
  mapping->set_upstream_indicator("indicators/complaints-received");
  std::map<std::string, std::string> names = UpstreamIndicatorNames(plan);
  EXPECT_EQ(names, (std::map<std::string, std::string>{
                       {"indicators/khieu-nai-da-nhan", "indicators/complaints-received"}}));
  EXPECT_TRUE(UpstreamIndicatorNames(v1::Plan()).empty());
}

TEST(ForwarderTest, FingerprintIgnoresOrderAndNumberSpelling) {
  v1::TaskStatusResponse tasks;
  std::vector<v1::Value> values = {testing::IntValue("complaints-received", 12),
                                   testing::IntValue("complaints-received", 5, {{"sex", "female"}}),
                                   testing::DecimalValue("budget", "1250.500000")};
  ForwardContent a = BuildForwardContent(Draft(), tasks, values);
  std::reverse(values.begin(), values.end());
  ForwardContent b = BuildForwardContent(Draft(), tasks, values);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  // The remote copy, with output-only fields and another spelling of the
  // same numbers, compares equal.
  v1::Report remote = a.report;
  remote.set_state(v1::REPORT_STATE_SUBMITTED);
  remote.set_revision(1);
  remote.mutable_progress(0)->set_lead(true);
  remote.mutable_values(0)->set_decimal_value("1250.5");
  EXPECT_EQ(ContentFingerprint(remote), a.fingerprint);
  values[0] = testing::IntValue("complaints-received", 13);
  EXPECT_NE(BuildForwardContent(Draft(), tasks, values).fingerprint, a.fingerprint);
}

TEST(ForwarderTest, KeepsOnlyAskedIndicatorsAndCompleteBreakdowns) {
  v1::TaskStatusResponse tasks;
  std::vector<v1::Value> values = {
      testing::IntValue("complaints-received", 15),
      // One agency broke its 10 down by sex, another reported 5 without:
      // the province's breakdown (4 + 6) does not add up to 15.
      testing::IntValue("complaints-received", 4, {{"sex", "female"}}),
      testing::IntValue("complaints-received", 6, {{"sex", "male"}}),
      testing::IntValue("complaints-resolved", 3),  // not asked of the agency
      testing::DecimalValue("budget", "10.5")};
  ForwardContent content = BuildForwardContent(Draft(), tasks, values);
  ASSERT_EQ(content.report.values_size(), 2);
  EXPECT_EQ(content.report.values(0).indicator(), "indicators/budget");
  EXPECT_EQ(content.report.values(1).indicator(), "indicators/complaints-received");
  EXPECT_TRUE(content.report.values(1).cells().empty());
  values[2] = testing::IntValue("complaints-received", 11, {{"sex", "male"}});
  EXPECT_EQ(BuildForwardContent(Draft(), tasks, values).report.values_size(), 4);
}

TEST(ForwarderTest, RequestIdsAreDeterministicAndUuidShaped) {
  std::string id = DerivedRequestId({"submit", "plans/p", "2026", "agencies/dong-nai", "abc"});
  EXPECT_EQ(id, DerivedRequestId({"submit", "plans/p", "2026", "agencies/dong-nai", "abc"}));
  EXPECT_NE(id, DerivedRequestId({"submit", "plans/p", "2026", "agencies/dong-nai", "abd"}));
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(id[8], '-');
  EXPECT_EQ(id[14], '5');
}

}  // namespace
}  // namespace tonghop::aggregation
