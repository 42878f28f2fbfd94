// The submissions service over loopback: the report life cycle, validation,
// permissions, etags and the on-time rule, against a real server with a
// fake clock and a registry created through its gRPC API.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "services/common/period.h"
#include "tests/integration/submissions_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

absl::Time Vietnam(int y, int m, int d, int hh, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), VietnamTime());
}

class SubmissionsLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServer::Options options;
    options.clock = &clock_;
    auto server = TestServer::Start(dir_.path(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = server_->NewChannel();
    ASSERT_TRUE(LoadRegistryFixture(channel_).ok()) << LoadRegistryFixture(channel_);
  }

  client::SubmissionsClient As(const std::string& agency) { return ClientAs(channel_, agency); }

  FakeClock clock_{Vietnam(2026, 10, 1, 9)};
  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(SubmissionsLifecycleTest, DraftSubmitReturnResubmitAccept) {
  auto so_y_te = As("dong-nai-so-y-te");
  auto so_tu_phap = As("dong-nai-so-tu-phap");

  auto draft = so_y_te.GetOrCreateDraft("plans/dn-2026", "2026");
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->name(), kSoYTeReport);
  EXPECT_EQ(draft->state(), v1::REPORT_STATE_DRAFT);
  ASSERT_EQ(draft->progress_size(), 1);
  EXPECT_EQ(draft->progress(0).task(), "plans/dn-2026/tasks/A.1");
  EXPECT_EQ(draft->values_size(), 6);  // received: total, 2 sexes, 2 age groups; resolved

  v1::Report content = SoYTeContent();
  content.set_name(draft->name());
  content.set_etag(draft->etag());
  auto updated = so_y_te.UpdateDraft(content, "update-1");
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->values_size(), 4);

  v1::SubmitRequest submit;
  submit.set_name(kSoYTeReport);
  submit.set_etag(updated->etag());
  submit.set_request_id("submit-1");
  auto first = so_y_te.Submit(submit);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->state(), v1::REPORT_STATE_SUBMITTED);
  EXPECT_EQ(first->revision(), 1);
  EXPECT_TRUE(first->on_time());
  EXPECT_EQ(first->submitted_by(), "agencies/dong-nai-so-y-te");
  EXPECT_EQ(first->submit_time().seconds(), absl::ToUnixSeconds(clock_.Now()));

  v1::ReviewRequest give_back;
  give_back.set_name(kSoYTeReport);
  give_back.set_decision(v1::REVIEW_DECISION_RETURN);
  give_back.set_reason("Đề nghị bổ sung số liệu phân theo nhóm tuổi.");
  give_back.set_request_id("return-1");
  auto returned = so_tu_phap.Review(give_back);
  ASSERT_TRUE(returned.ok()) << returned.status();
  EXPECT_EQ(returned->state(), v1::REPORT_STATE_RETURNED);
  EXPECT_EQ(returned->reviewed_by(), "agencies/dong-nai-so-tu-phap");

  // Fixed after the due date: the round was opened on time by the first
  // submission, so the correction keeps the report on time.
  clock_.Set(Vietnam(2026, 11, 10, 8));
  auto again = so_y_te.GetOrCreateDraft("plans/dn-2026", "2026");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->state(), v1::REPORT_STATE_RETURNED);
  v1::SubmitRequest resubmit = SubmitSoYTe("submit-2", 10, 9);
  auto* age = resubmit.mutable_report()->add_values();
  age->set_indicator("indicators/complaints-received");
  (*age->mutable_cells())["age-group"] = "adult";
  age->set_int_value(10);
  auto second = so_y_te.Submit(resubmit);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->revision(), 2);
  EXPECT_TRUE(second->on_time());
  EXPECT_EQ(second->first_submit_time().seconds(), first->submit_time().seconds());

  v1::ReviewRequest accept;
  accept.set_name(kSoYTeReport);
  accept.set_decision(v1::REVIEW_DECISION_ACCEPT);
  accept.set_etag(second->etag());
  auto accepted = so_tu_phap.Review(accept);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->state(), v1::REPORT_STATE_ACCEPTED);

  // Accepted reports are locked.
  auto locked = so_y_te.Submit(SubmitSoYTe("submit-3"));
  EXPECT_EQ(locked.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetErrorInfo(locked.status()).reason(), "REPORT_ACCEPTED");
  content.set_etag(accepted->etag());
  EXPECT_EQ(so_y_te.UpdateDraft(content).status().code(), absl::StatusCode::kFailedPrecondition);
  accept.clear_etag();
  EXPECT_EQ(so_tu_phap.Review(accept).status().code(), absl::StatusCode::kFailedPrecondition);

  auto revisions = so_y_te.ListRevisions(kSoYTeReport);
  ASSERT_TRUE(revisions.ok()) << revisions.status();
  ASSERT_EQ(revisions->size(), 2u);
  EXPECT_EQ((*revisions)[0].revision(), 1);
  EXPECT_EQ((*revisions)[0].state(), v1::REPORT_STATE_RETURNED);
  EXPECT_EQ((*revisions)[0].review_reason(), "Đề nghị bổ sung số liệu phân theo nhóm tuổi.");
  EXPECT_TRUE((*revisions)[0].on_time());
  EXPECT_EQ((*revisions)[0].values_size(), 4);
  EXPECT_EQ((*revisions)[1].state(), v1::REPORT_STATE_ACCEPTED);
  EXPECT_TRUE((*revisions)[1].on_time());
  EXPECT_EQ((*revisions)[1].values_size(), 5);

  // A commune's report, through a closed group.
  auto xa_a = As("dong-nai-xa-a");
  auto commune = xa_a.GetOrCreateDraft("plans/dn-2026", "2026");
  ASSERT_TRUE(commune.ok()) << commune.status();
  ASSERT_EQ(commune->progress_size(), 2);
  commune->mutable_progress(0)->set_status(v1::PROGRESS_STATUS_ONGOING);
  commune->mutable_values(0)->set_int_value(30);
  commune->mutable_values(1)->set_int_value(12);
  commune->mutable_values(2)->set_int_value(18);
  v1::SubmitRequest commune_submit;
  commune_submit.set_name(commune->name());
  *commune_submit.mutable_report() = *commune;
  ASSERT_TRUE(xa_a.Submit(commune_submit).ok());

  std::vector<std::string> seen_by_reviewer;
  auto listed = so_tu_phap.ListReports(v1::ListReportsRequest());
  ASSERT_TRUE(listed.ok());
  for (const auto& r : *listed) seen_by_reviewer.push_back(r.name());
  EXPECT_THAT(seen_by_reviewer, ElementsAre("reports/dong-nai-so-y-te/dn-2026/2026",
                                            "reports/dong-nai-xa-a/dn-2026/2026"));
  v1::ListReportsRequest waiting;
  waiting.set_state(v1::REPORT_STATE_SUBMITTED);
  auto to_review = As("bo-tu-phap").ListReports(waiting);
  ASSERT_TRUE(to_review.ok());
  ASSERT_EQ(to_review->size(), 1u);
  EXPECT_EQ((*to_review)[0].name(), "reports/dong-nai-xa-a/dn-2026/2026");
  auto other_province = As("ha-noi-so-tu-phap").ListReports(v1::ListReportsRequest());
  ASSERT_TRUE(other_province.ok());
  EXPECT_TRUE(other_province->empty());
}

TEST_F(SubmissionsLifecycleTest, OnTimeUntilTheEndOfTheDueDayInVietnam) {
  auto submit_commune = [&](const std::string& agency) {
    auto client = As(agency);
    v1::SubmitRequest request;
    request.set_name("reports/" + agency + "/dn-2026/2026");
    v1::TaskProgress* p = request.mutable_report()->add_progress();
    p->set_task("plans/dn-2026/tasks/A.2");
    p->set_status(v1::PROGRESS_STATUS_COMPLETED);
    return client.Submit(request);
  };
  clock_.Set(Vietnam(2026, 11, 5, 23, 59, 59));
  auto on_time = submit_commune("dong-nai-xa-a");
  ASSERT_TRUE(on_time.ok()) << on_time.status();
  EXPECT_TRUE(on_time->on_time());
  clock_.Set(Vietnam(2026, 11, 6, 0, 0, 0));
  auto late = submit_commune("dong-nai-xa-b");
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_FALSE(late->on_time());
  EXPECT_EQ(late->due_time().seconds(), absl::ToUnixSeconds(Vietnam(2026, 11, 5, 0)));
}

TEST_F(SubmissionsLifecycleTest, OneBadReportGetsEveryFaultBackAndNothingIsStored) {
  v1::SubmitRequest request;
  request.set_name(kSoYTeReport);
  request.set_request_id("bad-1");
  v1::Report& r = *request.mutable_report();
  auto progress = [&](const std::string& task, v1::ProgressStatus status) {
    v1::TaskProgress* p = r.add_progress();
    p->set_task(task);
    p->set_status(status);
  };
  progress("plans/dn-2026/tasks/A.1", v1::PROGRESS_STATUS_UNSPECIFIED);  // [0] lead, no status
  progress("plans/dn-2026/tasks/A.2", v1::PROGRESS_STATUS_COMPLETED);    // [1] communes only
  progress("plans/dn-2026/tasks/Z.9", v1::PROGRESS_STATUS_COMPLETED);    // [2] no such task
  auto count = [&](const std::string& indicator, int64_t value,
                   std::map<std::string, std::string> cells = {}) {
    v1::Value* v = r.add_values();
    v->set_indicator("indicators/" + indicator);
    v->set_int_value(value);
    for (const auto& [d, o] : cells) (*v->mutable_cells())[d] = o;
  };
  auto decimal = [&](const std::string& indicator, const std::string& value) {
    v1::Value* v = r.add_values();
    v->set_indicator("indicators/" + indicator);
    v->set_decimal_value(value);
  };
  count("complaints-received", 10);                           // [0] cells add to 7
  count("complaints-received", 3, {{"sex", "male"}});         // [1]
  count("complaints-received", 4, {{"sex", "female"}});       // [2]
  count("complaints-resolved", 12);                           // [3] > received
  count("complaints-received", 1, {{"sex", "unknown"}});      // [4] no such option
  count("complaints-received", 1, {{"religion", "x"}});       // [5] not disaggregated so
  count("complaint-resolution-rate", 80);                     // [6] computed
  count("no-such-indicator", 1);                              // [7] unknown
  count("training-participants", 4);                          // [8] not asked of so-y-te
  count("complaints-received", 3, {{"sex", "male"}});         // [9] duplicate of [1]
  decimal("complaints-resolved", "3.5");                      // [10] decimal for a count
  count("budget-spent", 100);                                 // [11] int for a decimal
  decimal("budget-spent", "1.1234567");                       // [12] 7 fraction digits
  count("complaints-received", -2, {{"age-group", "adult"}});  // [13] negative

  auto so_y_te = As("dong-nai-so-y-te");
  auto refused = so_y_te.Submit(request);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  std::vector<std::string> fields;
  google::rpc::BadRequest bad_request = GetBadRequest(refused.status());
  for (const auto& v : bad_request.field_violations()) {
    fields.push_back(v.field());
  }
  EXPECT_THAT(fields, UnorderedElementsAreArray(std::vector<std::string>{
                          "report.progress[0].status", "report.progress[1].task",
                          "report.progress[2].task", "report.values[0].value",
                          "report.values[3].value", "report.values[4].cells",
                          "report.values[5].cells", "report.values[6].indicator",
                          "report.values[7].indicator", "report.values[8].indicator",
                          "report.values[9]", "report.values[10].value",
                          "report.values[11].value", "report.values[12].value",
                          "report.values[13].value"}));
  EXPECT_FALSE(GetVietnameseMessage(refused.status()).empty());

  // Nothing was stored: no report, no change.
  EXPECT_EQ(so_y_te.GetReport(kSoYTeReport).status().code(), absl::StatusCode::kNotFound);
  int changes = 0;
  ASSERT_TRUE(As("bo-tu-phap")
                  .WatchChanges(0, true, [&](const v1::Change&) { return ++changes, true; })
                  .ok());
  EXPECT_EQ(changes, 0);
  // The same request id with fixed content is a new request: it was never
  // answered.
  EXPECT_TRUE(so_y_te.Submit(SubmitSoYTe("bad-1")).ok());
}

TEST_F(SubmissionsLifecycleTest, PermissionRules) {
  auto xa_a = As("dong-nai-xa-a");
  // A commune cannot submit, or draft, for another commune.
  v1::SubmitRequest for_b;
  for_b.set_name("reports/dong-nai-xa-b/dn-2026/2026");
  for_b.mutable_report()->add_progress()->set_task("plans/dn-2026/tasks/A.2");
  EXPECT_EQ(xa_a.Submit(for_b).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(xa_a.GetReport("reports/dong-nai-xa-b/dn-2026/2026").status().code(),
            absl::StatusCode::kPermissionDenied);

  // A department of another province cannot read Đồng Nai's report — the
  // same answer whether it exists or not.
  auto ha_noi = As("ha-noi-so-y-te");
  EXPECT_EQ(ha_noi.GetReport(kSoYTeReport).status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(As("dong-nai-so-y-te").Submit(SubmitSoYTe("p-1")).ok());
  auto denied = ha_noi.GetReport(kSoYTeReport);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(GetVietnameseMessage(denied.status()).empty());
  EXPECT_EQ(ha_noi.ListRevisions(kSoYTeReport).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Nor can another province's Department of Justice review it; nor can
  // the agency review itself.
  v1::ReviewRequest accept;
  accept.set_name(kSoYTeReport);
  accept.set_decision(v1::REVIEW_DECISION_ACCEPT);
  EXPECT_EQ(As("ha-noi-so-tu-phap").Review(accept).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(As("dong-nai-so-y-te").Review(accept).status().code(),
            absl::StatusCode::kPermissionDenied);
  // The reviewer cannot write the agency's report.
  EXPECT_EQ(As("dong-nai-so-tu-phap").Submit(SubmitSoYTe("p-2")).status().code(),
            absl::StatusCode::kPermissionDenied);
  // The focal agency and the ministry read it.
  EXPECT_TRUE(As("dong-nai-so-tu-phap").GetReport(kSoYTeReport).ok());
  EXPECT_TRUE(As("bo-tu-phap").GetReport(kSoYTeReport).ok());
  // The change feed is the ministry's (and the operator's).
  EXPECT_EQ(As("dong-nai-so-y-te")
                .WatchChanges(0, true, [](const v1::Change&) { return true; })
                .code(),
            absl::StatusCode::kPermissionDenied);
  // No identity at all.
  client::SubmissionsClient anonymous(client::Connection(channel_, ""));
  EXPECT_EQ(anonymous.GetReport(kSoYTeReport).status().code(),
            absl::StatusCode::kUnauthenticated);
  // Nothing above changed anything: one submission, one change.
  auto revisions = As("dong-nai-so-y-te").ListRevisions(kSoYTeReport);
  ASSERT_TRUE(revisions.ok());
  EXPECT_EQ(revisions->size(), 1u);
}

TEST_F(SubmissionsLifecycleTest, StaleEtagsAreAborted) {
  auto so_y_te = As("dong-nai-so-y-te");
  auto draft = so_y_te.GetOrCreateDraft("plans/dn-2026", "2026");
  ASSERT_TRUE(draft.ok());
  v1::Report content = SoYTeContent();
  content.set_name(draft->name());
  content.set_etag(draft->etag());
  auto first = so_y_te.UpdateDraft(content);
  ASSERT_TRUE(first.ok()) << first.status();
  // A second writer still holding the old etag.
  content.mutable_values(0)->set_int_value(20);
  content.mutable_values(1)->set_int_value(10);
  content.mutable_values(2)->set_int_value(10);
  auto stale = so_y_te.UpdateDraft(content);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(GetErrorInfo(stale.status()).reason(), "ETAG_MISMATCH");
  v1::SubmitRequest submit;
  submit.set_name(kSoYTeReport);
  submit.set_etag(draft->etag());
  EXPECT_EQ(so_y_te.Submit(submit).status().code(), absl::StatusCode::kAborted);
  submit.set_etag(first->etag());
  auto submitted = so_y_te.Submit(submit);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->values(0).int_value(), 10);  // the first writer's content
  v1::ReviewRequest review;
  review.set_name(kSoYTeReport);
  review.set_decision(v1::REVIEW_DECISION_ACCEPT);
  review.set_etag(first->etag());  // stale since the submit
  EXPECT_EQ(As("dong-nai-so-tu-phap").Review(review).status().code(),
            absl::StatusCode::kAborted);
}

}  // namespace
}  // namespace tonghop::testing
