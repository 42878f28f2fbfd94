#include "services/submissions/submissions.h"

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "services/common/period.h"
#include "services/submissions/test_fixture.h"
#include "absl/synchronization/mutex.h"
#include "storage/memory_store.h"

namespace tonghop::submissions {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kReport[] = "reports/dong-nai-so-y-te/dn-2026/2026";

Caller As(const std::string& id) { return Caller{"agencies/" + id}; }

absl::Time Vietnam(int y, int m, int d, int hh = 12) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), VietnamTime());
}

// A memory store whose syncs can be held back, to see what callers do
// between writing a batch and its becoming durable. Passes everything
// through until HoldSyncs(). Thread-safe.
class SyncGatedStore final : public storage::KvStore {
 public:
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view cf,
                                                 absl::string_view key) const override {
    return store_.Get(cf, key);
  }
  absl::Status Scan(absl::string_view cf, absl::string_view start, absl::string_view end,
                    const std::function<bool(absl::string_view, absl::string_view)>& visit)
      const override {
    return store_.Scan(cf, start, end, visit);
  }
  absl::Status Write(const storage::WriteBatch& batch) override { return store_.Write(batch); }
  std::unique_ptr<storage::KvReader> Snapshot() const override { return store_.Snapshot(); }
  storage::StoreEpoch epoch() const override { return store_.epoch(); }
  absl::StatusOr<storage::WriteTicket> WriteUnsynced(const storage::WriteBatch& batch) override {
    absl::Status written = store_.Write(batch);
    if (!written.ok()) return written;
    absl::MutexLock lock(&mu_);
    return ++written_;
  }
  absl::Status AwaitDurable(storage::WriteTicket ticket) override {
    absl::MutexLock lock(&mu_);
    ++waiting_;
    mu_.Await(absl::Condition(
        +[](SyncGatedStore* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu_) { return !s->held_; },
        this));
    --waiting_;
    return absl::OkStatus();
  }

  // The store underneath, for its test hooks.
  storage::MemoryStore& memory() { return store_; }

  void HoldSyncs() {
    absl::MutexLock lock(&mu_);
    held_ = true;
  }
  void ReleaseSyncs() {
    absl::MutexLock lock(&mu_);
    held_ = false;
  }
  // Blocks until `count` callers wait for a held sync.
  void AwaitWaiters(int count) {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return waiting_ >= count; };
    mu_.Await(absl::Condition(&enough));
  }

 private:
  storage::MemoryStore store_;
  absl::Mutex mu_;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  storage::WriteTicket written_ ABSL_GUARDED_BY(mu_) = 0;
};

class SubmissionsTest : public ::testing::Test {
 protected:
  SubmissionsTest() : clock_(Vietnam(2026, 10, 1)) {
    for (const auto& a : testing::FixtureAgencies()) registry_.Put(a);
    for (const auto& d : testing::FixtureDimensions()) registry_.Put(d);
    for (const auto& i : testing::FixtureIndicators()) registry_.Put(i);
    for (const auto& p : testing::FixturePlans()) registry_.Put(p);
    for (const auto& t : testing::FixtureTasks()) registry_.Put(t);
    Reopen();
  }

  void Reopen() {
    submissions_.reset();
    auto opened = Submissions::Open(&store_, &audit_, &registry_, &clock_, &policy_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    submissions_ = *std::move(opened);
  }

  v1::Report Draft(const std::string& agency = "dong-nai-so-y-te",
                   const std::string& plan = "plans/dn-2026") {
    v1::GetOrCreateDraftRequest request;
    request.set_plan(plan);
    request.set_period("2026");
    auto draft = submissions_->GetOrCreateDraft(As(agency), request);
    EXPECT_TRUE(draft.ok()) << draft.status();
    return draft.ok() ? *draft : v1::Report();
  }

  // Fills so-y-te's draft with a valid report.
  static void Fill(v1::Report& report, int received = 10, int resolved = 8) {
    report.mutable_progress(0)->set_status(v1::PROGRESS_STATUS_COMPLETED);
    report.mutable_progress(0)->set_summary("Đã hoàn thành.");
    report.mutable_values(0)->set_int_value(received);  // total
    report.mutable_values(1)->set_int_value(received / 2);  // male
    report.mutable_values(2)->set_int_value(received - received / 2);  // female
    report.mutable_values(5)->set_int_value(resolved);  // complaints-resolved
  }

  // so-y-te's report, complete, as content for Submit.
  static v1::Report Filled(int received = 10, int resolved = 8) {
    v1::Report report;
    v1::TaskProgress* progress = report.add_progress();
    progress->set_task("plans/dn-2026/tasks/A.1");
    progress->set_status(v1::PROGRESS_STATUS_COMPLETED);
    auto add = [&](const std::string& indicator, int64_t value, const std::string& sex) {
      v1::Value* v = report.add_values();
      v->set_indicator("indicators/" + indicator);
      v->set_int_value(value);
      if (!sex.empty()) (*v->mutable_cells())["sex"] = sex;
    };
    add("complaints-received", received, "");
    add("complaints-received", received / 2, "male");
    add("complaints-received", received - received / 2, "female");
    add("complaints-resolved", resolved, "");
    return report;
  }

  absl::StatusOr<v1::Report> SubmitFilled(const std::string& request_id = "",
                                          int received = 10) {
    v1::SubmitRequest request;
    request.set_name(kReport);
    *request.mutable_report() = Filled(received);
    request.set_request_id(request_id);
    return submissions_->Submit(As("dong-nai-so-y-te"), request);
  }

  absl::StatusOr<v1::Report> ReviewAs(const std::string& reviewer, v1::ReviewDecision decision,
                                      const std::string& reason = "") {
    v1::ReviewRequest request;
    request.set_name(kReport);
    request.set_decision(decision);
    request.set_reason(reason);
    return submissions_->Review(As(reviewer), request);
  }

  std::vector<v1::Change> Feed(int64_t after = 0) {
    auto changes = submissions_->ReadChanges(after, 1000);
    EXPECT_TRUE(changes.ok());
    return changes.ok() ? *changes : std::vector<v1::Change>();
  }

  std::vector<v1::AuditRecord> AuditRecords() const { return *audit_.Read(0, 10000); }

  SyncGatedStore store_;
  FakeRegistryReader registry_;
  FakeClock clock_;
  AccessPolicy policy_{"agencies/bo-tu-phap"};
  AuditLog audit_{&store_, "submissions", &clock_};
  std::unique_ptr<Submissions> submissions_;
};

TEST_F(SubmissionsTest, AChangeIsAnsweredAndPublishedOnlyOnceDurableWhileOthersAreWritten) {
  store_.HoldSyncs();
  std::optional<absl::StatusOr<v1::Report>> submitted;
  std::thread submitter([&] { submitted = SubmitFilled("first"); });
  store_.AwaitWaiters(1);
  // Written and waiting for its sync: not yet on the feed, and not answered.
  EXPECT_TRUE(Feed().empty());
  EXPECT_EQ(submissions_->last_sequence(), 0);
  // The write mutex is free meanwhile: another agency's draft is written
  // and waits for a sync too, which one sync can then share.
  std::thread drafter([&] { Draft("dong-nai-xa-a"); });
  store_.AwaitWaiters(2);
  EXPECT_TRUE(Feed().empty());

  store_.ReleaseSyncs();
  submitter.join();
  drafter.join();
  ASSERT_TRUE(submitted.has_value());
  ASSERT_TRUE(submitted->ok()) << submitted->status();
  EXPECT_EQ((*submitted)->state(), v1::REPORT_STATE_SUBMITTED);
  // A draft is not a change; the submission is.
  ASSERT_EQ(Feed().size(), 1u);
  EXPECT_EQ(submissions_->last_sequence(), 1);
}

TEST_F(SubmissionsTest, ARetryWaitsForTheFirstCallsSyncBeforeItsAnswer) {
  store_.HoldSyncs();
  std::optional<absl::StatusOr<v1::Report>> first;
  std::thread submitter([&] { first = SubmitFilled("same"); });
  store_.AwaitWaiters(1);
  std::optional<absl::StatusOr<v1::Report>> retry;
  std::thread retrier([&] { retry = SubmitFilled("same"); });
  // The retry finds the stored answer but does not give it before the
  // first call's write is durable.
  store_.AwaitWaiters(2);
  EXPECT_FALSE(retry.has_value());
  store_.ReleaseSyncs();
  submitter.join();
  retrier.join();
  ASSERT_TRUE(first.has_value() && first->ok());
  ASSERT_TRUE(retry.has_value() && retry->ok()) << retry->status();
  EXPECT_EQ((*retry)->etag(), (*first)->etag());
  EXPECT_EQ(Feed().size(), 1u);
}

TEST_F(SubmissionsTest, WholeLifeCycle) {
  v1::Report draft = Draft();
  EXPECT_EQ(draft.name(), kReport);
  EXPECT_EQ(draft.state(), v1::REPORT_STATE_DRAFT);
  EXPECT_FALSE(draft.etag().empty());
  // Asking again returns the same draft.
  EXPECT_EQ(Draft().etag(), draft.etag());

  Fill(draft);
  v1::UpdateDraftRequest update;
  *update.mutable_report() = draft;
  auto updated = submissions_->UpdateDraft(As("dong-nai-so-y-te"), update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(updated->etag(), draft.etag());

  v1::SubmitRequest submit;
  submit.set_name(kReport);
  submit.set_etag(updated->etag());
  auto first = submissions_->Submit(As("dong-nai-so-y-te"), submit);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->state(), v1::REPORT_STATE_SUBMITTED);
  EXPECT_EQ(first->revision(), 1);
  EXPECT_TRUE(first->on_time());
  EXPECT_EQ(first->submitted_by(), "agencies/dong-nai-so-y-te");
  EXPECT_EQ(first->values_size(), 4);  // empty age-group cells dropped

  auto returned = ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_RETURN,
                           "Thiếu số liệu theo nhóm tuổi.");
  ASSERT_TRUE(returned.ok()) << returned.status();
  EXPECT_EQ(returned->state(), v1::REPORT_STATE_RETURNED);
  EXPECT_EQ(returned->reviewed_by(), "agencies/dong-nai-so-tu-phap");

  clock_.Advance(absl::Hours(24));
  v1::Report again = Draft();  // the returned report, editable again
  EXPECT_EQ(again.state(), v1::REPORT_STATE_RETURNED);
  v1::SubmitRequest resubmit;
  resubmit.set_name(kReport);
  *resubmit.mutable_report() = again;
  auto second = submissions_->Submit(As("dong-nai-so-y-te"), resubmit);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->revision(), 2);
  EXPECT_EQ(second->review_reason(), "");
  EXPECT_EQ(second->first_submit_time().seconds(), first->submit_time().seconds());

  auto accepted = ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_ACCEPT);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->state(), v1::REPORT_STATE_ACCEPTED);

  // Locked.
  update.mutable_report()->set_etag(accepted->etag());
  EXPECT_EQ(submissions_->UpdateDraft(As("dong-nai-so-y-te"), update).status().code(),
            absl::StatusCode::kFailedPrecondition);
  submit.clear_etag();
  auto locked = submissions_->Submit(As("dong-nai-so-y-te"), submit);
  EXPECT_EQ(locked.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetErrorInfo(locked.status()).reason(), "REPORT_ACCEPTED");
  EXPECT_FALSE(GetVietnameseMessage(locked.status()).empty());
  EXPECT_EQ(ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_RETURN, "x").status().code(),
            absl::StatusCode::kFailedPrecondition);

  v1::ListRevisionsRequest list;
  list.set_name(kReport);
  auto revisions = submissions_->ListRevisions(As("dong-nai-so-y-te"), list);
  ASSERT_TRUE(revisions.ok());
  ASSERT_EQ(revisions->revisions_size(), 2);
  EXPECT_EQ(revisions->revisions(0).state(), v1::REPORT_STATE_RETURNED);
  EXPECT_EQ(revisions->revisions(0).review_reason(), "Thiếu số liệu theo nhóm tuổi.");
  EXPECT_EQ(revisions->revisions(1).state(), v1::REPORT_STATE_ACCEPTED);

  std::vector<v1::ChangeKind> kinds;
  std::vector<int64_t> sequences;
  for (const v1::Change& c : Feed()) {
    kinds.push_back(c.kind());
    sequences.push_back(c.sequence());
  }
  EXPECT_THAT(kinds, ElementsAre(v1::CHANGE_KIND_SUBMITTED, v1::CHANGE_KIND_RETURNED,
                                 v1::CHANGE_KIND_SUBMITTED, v1::CHANGE_KIND_ACCEPTED));
  EXPECT_THAT(sequences, ElementsAre(1, 2, 3, 4));
  EXPECT_EQ(submissions_->last_sequence(), 4);
  EXPECT_EQ(Feed(2).front().sequence(), 3);
}

TEST_F(SubmissionsTest, SubmitIsIdempotentAlsoAfterReopening) {
  auto first = SubmitFilled("req-1");
  ASSERT_TRUE(first.ok()) << first.status();
  Reopen();
  auto again = SubmitFilled("req-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->etag(), first->etag());
  EXPECT_EQ(again->revision(), 1);
  EXPECT_EQ(Feed().size(), 1u);
  EXPECT_EQ(submissions_->last_sequence(), 1);
  // The same id for different content is refused.
  auto reused = SubmitFilled("req-1", 12);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetErrorInfo(reused.status()).reason(), "REQUEST_ID_REUSED");
}

TEST_F(SubmissionsTest, LateSubmissionsAreAcceptedAndFlagged) {
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 11, 6, 0, 0, 1), VietnamTime()));
  auto late = SubmitFilled();
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_FALSE(late->on_time());
  EXPECT_EQ(late->due_time().seconds(),
            absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2026, 11, 5), VietnamTime())));
}

TEST_F(SubmissionsTest, OnTimeIsDecidedByTheRoundsFirstSubmission) {
  auto first = SubmitFilled();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->on_time());
  ASSERT_TRUE(ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_RETURN, "Sửa lại.").ok());
  // Corrected a week after the due date: still on time.
  clock_.Set(Vietnam(2026, 11, 12));
  auto corrected = SubmitFilled("", 12);
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  EXPECT_EQ(corrected->revision(), 2);
  EXPECT_TRUE(corrected->on_time());
  EXPECT_EQ(corrected->first_submit_time().seconds(), first->submit_time().seconds());
  EXPECT_EQ(Feed().back().report().on_time(), true);
}

TEST_F(SubmissionsTest, SubmittingBeforeReviewReplacesThePendingRevision) {
  auto first = SubmitFilled();
  ASSERT_TRUE(first.ok()) << first.status();
  // The file still carries the etag the first submission answered with.
  v1::SubmitRequest again;
  again.set_name(kReport);
  *again.mutable_report() = Filled(12);
  again.set_etag(first->etag());
  clock_.Set(Vietnam(2026, 11, 20));
  auto second = submissions_->Submit(As("dong-nai-so-y-te"), again);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->revision(), 2);
  EXPECT_EQ(second->state(), v1::REPORT_STATE_SUBMITTED);
  EXPECT_TRUE(second->on_time());
  v1::ListRevisionsRequest list;
  list.set_name(kReport);
  auto revisions = submissions_->ListRevisions(As("dong-nai-so-y-te"), list);
  ASSERT_TRUE(revisions.ok());
  ASSERT_EQ(revisions->revisions_size(), 2);
  EXPECT_EQ(revisions->revisions(0).state(), v1::REPORT_STATE_REPLACED);
  EXPECT_EQ(revisions->revisions(1).state(), v1::REPORT_STATE_SUBMITTED);

  // Returned; the same file, corrected, is submitted with the etag of its
  // last submission.
  ASSERT_TRUE(ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_RETURN, "Sai số.").ok());
  again.set_etag(second->etag());
  *again.mutable_report() = Filled(14);
  auto third = submissions_->Submit(As("dong-nai-so-y-te"), again);
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(third->revision(), 3);
  EXPECT_TRUE(third->on_time());

  // An etag from before an edit made since is still refused.
  ASSERT_TRUE(ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_RETURN, "Lại sai.").ok());
  v1::Report returned = Filled(16);
  returned.set_name(kReport);
  returned.set_etag(Draft().etag());
  v1::UpdateDraftRequest update;
  *update.mutable_report() = returned;
  ASSERT_TRUE(submissions_->UpdateDraft(As("dong-nai-so-y-te"), update).ok());
  again.set_etag(third->etag());
  EXPECT_EQ(submissions_->Submit(As("dong-nai-so-y-te"), again).status().code(),
            absl::StatusCode::kAborted);
}

TEST_F(SubmissionsTest, WithdrawingBeforeReviewRestoresThePreviousState) {
  v1::WithdrawRequest withdraw;
  withdraw.set_name(kReport);
  // Nothing pending yet.
  Draft();
  auto nothing = submissions_->Withdraw(As("dong-nai-so-y-te"), withdraw);
  EXPECT_EQ(GetErrorInfo(nothing.status()).reason(), "REPORT_NOT_PENDING");
  EXPECT_FALSE(GetVietnameseMessage(nothing.status()).empty());

  auto first = SubmitFilled();
  ASSERT_TRUE(first.ok()) << first.status();
  // Only the agency's clerk withdraws.
  EXPECT_EQ(submissions_->Withdraw(As("dong-nai-so-tu-phap"), withdraw).status().code(),
            absl::StatusCode::kPermissionDenied);
  withdraw.set_request_id("w-1");
  auto withdrawn = submissions_->Withdraw(As("dong-nai-so-y-te"), withdraw);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->state(), v1::REPORT_STATE_DRAFT);
  EXPECT_EQ(withdrawn->values_size(), 4);  // the content is kept
  EXPECT_FALSE(withdrawn->has_first_submit_time());
  // Retried: answered once.
  auto retried = submissions_->Withdraw(As("dong-nai-so-y-te"), withdraw);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->etag(), withdrawn->etag());
  EXPECT_EQ(Feed().back().kind(), v1::CHANGE_KIND_WITHDRAWN);
  EXPECT_EQ(Feed().size(), 2u);
  // Nothing to review any more.
  EXPECT_EQ(ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_ACCEPT).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // A submission after the due date, with the first one withdrawn, is late.
  // The form still carries the etag of its withdrawn submission.
  clock_.Set(Vietnam(2026, 11, 20));
  v1::SubmitRequest again;
  again.set_name(kReport);
  *again.mutable_report() = Filled();
  again.set_etag(first->etag());
  auto late = submissions_->Submit(As("dong-nai-so-y-te"), again);
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->revision(), 2);
  EXPECT_FALSE(late->on_time());

  // Returned, corrected, then withdrawn: returned again, with the reason.
  ASSERT_TRUE(ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_RETURN, "Thiếu.").ok());
  ASSERT_TRUE(SubmitFilled("", 12).ok());
  withdraw.set_request_id("w-2");
  auto back = submissions_->Withdraw(As("dong-nai-so-y-te"), withdraw);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->state(), v1::REPORT_STATE_RETURNED);
  EXPECT_EQ(back->review_reason(), "Thiếu.");
  EXPECT_FALSE(back->on_time());
  v1::ListRevisionsRequest list;
  list.set_name(kReport);
  auto revisions = submissions_->ListRevisions(As("dong-nai-so-y-te"), list);
  ASSERT_TRUE(revisions.ok());
  std::vector<v1::ReportState> states;
  for (const v1::Report& r : revisions->revisions()) states.push_back(r.state());
  EXPECT_THAT(states, ElementsAre(v1::REPORT_STATE_WITHDRAWN, v1::REPORT_STATE_RETURNED,
                                  v1::REPORT_STATE_WITHDRAWN));
}

TEST_F(SubmissionsTest, BlankFiguresAreAcceptedWithAWarning) {
  v1::Report blank = Filled();
  blank.clear_values();
  v1::SubmitRequest request;
  request.set_name(kReport);
  *request.mutable_report() = blank;
  auto submitted = submissions_->Submit(As("dong-nai-so-y-te"), request);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  ASSERT_EQ(submitted->warnings_size(), 1);
  EXPECT_EQ(submitted->warnings(0).reason(), "NO_FIGURES");
  EXPECT_THAT(submitted->warnings(0).localized_message().message(), HasSubstr("Chưa nhập"));

  ASSERT_TRUE(ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_RETURN, "Thiếu số.").ok());
  v1::Report some = Filled();
  some.mutable_values()->DeleteSubrange(3, 1);  // complaints-resolved left out
  *request.mutable_report() = some;
  auto partial = submissions_->Submit(As("dong-nai-so-y-te"), request);
  ASSERT_TRUE(partial.ok()) << partial.status();
  ASSERT_EQ(partial->warnings_size(), 1);
  EXPECT_EQ(partial->warnings(0).reason(), "FIGURES_MISSING");
  EXPECT_THAT(partial->warnings(0).description(), HasSubstr("complaints-resolved"));

  ASSERT_TRUE(ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_RETURN, "Thiếu số.").ok());
  *request.mutable_report() = Filled();
  auto complete = submissions_->Submit(As("dong-nai-so-y-te"), request);
  ASSERT_TRUE(complete.ok()) << complete.status();
  EXPECT_EQ(complete->warnings_size(), 0);
}

TEST_F(SubmissionsTest, ListDueReportsSaysWhatTheAgencyOwes) {
  clock_.Set(Vietnam(2026, 11, 1));
  v1::ListDueReportsRequest request;
  auto owed = submissions_->ListDueReports(As("dong-nai-so-y-te"), request);
  ASSERT_TRUE(owed.ok()) << owed.status();
  // plans/dn-half's two half-years (due 15 July and 15 January), then
  // plans/dn-2026's 2026 round (2027 has not begun); nothing drafted yet.
  std::vector<std::string> reports;
  for (const v1::DueReport& d : owed->due_reports()) reports.push_back(d.report());
  EXPECT_THAT(reports, ElementsAre("reports/dong-nai-so-y-te/dn-half/2026S1", kReport,
                                   "reports/dong-nai-so-y-te/dn-half/2026S2"));
  const v1::DueReport& due = owed->due_reports(1);
  EXPECT_EQ(due.report(), kReport);
  EXPECT_EQ(due.period(), "2026");
  EXPECT_EQ(due.days_left(), 4);  // due 5 November
  EXPECT_EQ(due.state(), v1::REPORT_STATE_UNSPECIFIED);
  EXPECT_FALSE(due.plan_symbol().empty());

  ASSERT_TRUE(SubmitFilled().ok());
  ASSERT_TRUE(ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_RETURN, "Thiếu số liệu.").ok());
  clock_.Set(Vietnam(2026, 11, 8));
  owed = submissions_->ListDueReports(As("dong-nai-so-y-te"), request);
  ASSERT_TRUE(owed.ok());
  ASSERT_EQ(owed->due_reports_size(), 3);
  EXPECT_EQ(owed->due_reports(1).state(), v1::REPORT_STATE_RETURNED);
  EXPECT_EQ(owed->due_reports(1).review_reason(), "Thiếu số liệu.");
  EXPECT_EQ(owed->due_reports(1).days_left(), -3);

  // Accepted: owed no more.
  ASSERT_TRUE(SubmitFilled().ok());
  ASSERT_TRUE(ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_ACCEPT).ok());
  owed = submissions_->ListDueReports(As("dong-nai-so-y-te"), request);
  ASSERT_TRUE(owed.ok());
  for (const v1::DueReport& d : owed->due_reports()) EXPECT_NE(d.report(), kReport);

  // Another agency's list is for its readers only.
  request.set_agency("agencies/dong-nai-so-y-te");
  EXPECT_EQ(submissions_->ListDueReports(As("dong-nai-xa-a"), request).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(submissions_->ListDueReports(As("dong-nai-so-tu-phap"), request).ok());
}

TEST_F(SubmissionsTest, StaleEtagIsAborted) {
  v1::Report draft = Draft();
  Fill(draft);
  v1::UpdateDraftRequest update;
  *update.mutable_report() = draft;
  ASSERT_TRUE(submissions_->UpdateDraft(As("dong-nai-so-y-te"), update).ok());
  // The same old etag again.
  auto stale = submissions_->UpdateDraft(As("dong-nai-so-y-te"), update);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  v1::SubmitRequest submit;
  submit.set_name(kReport);
  submit.set_etag(draft.etag());
  EXPECT_EQ(submissions_->Submit(As("dong-nai-so-y-te"), submit).status().code(),
            absl::StatusCode::kAborted);
  update.mutable_report()->clear_etag();
  EXPECT_EQ(submissions_->UpdateDraft(As("dong-nai-so-y-te"), update).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SubmissionsTest, PermissionComesBeforeExistence) {
  // A commune cannot make a draft for another commune.
  v1::GetOrCreateDraftRequest other;
  other.set_plan("plans/dn-2026");
  other.set_period("2026");
  other.set_agency("agencies/dong-nai-xa-b");
  EXPECT_EQ(submissions_->GetOrCreateDraft(As("dong-nai-xa-a"), other).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Another province's department gets PERMISSION_DENIED whether or not the
  // report exists.
  v1::GetReportRequest get;
  get.set_name(kReport);
  EXPECT_EQ(submissions_->GetReport(As("ha-noi-so-y-te"), get).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(submissions_->GetReport(As("dong-nai-so-tu-phap"), get).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(SubmitFilled().ok());
  EXPECT_EQ(submissions_->GetReport(As("ha-noi-so-y-te"), get).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(submissions_->GetReport(As("ha-noi-so-tu-phap"), get).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(submissions_->GetReport(As("dong-nai-so-tu-phap"), get).ok());
  EXPECT_TRUE(submissions_->GetReport(As("bo-tu-phap"), get).ok());
  EXPECT_TRUE(submissions_->GetReport(As("dong-nai-so-y-te"), get).ok());
  // The reviewer cannot submit for the agency, the agency cannot review itself,
  // another province's Department of Justice cannot review.
  v1::SubmitRequest submit;
  submit.set_name(kReport);
  EXPECT_EQ(submissions_->Submit(As("dong-nai-so-tu-phap"), submit).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReviewAs("dong-nai-so-y-te", v1::REVIEW_DECISION_ACCEPT).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReviewAs("ha-noi-so-tu-phap", v1::REVIEW_DECISION_ACCEPT).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(submissions_->GetReport(Caller{}, get).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Feed().size(), 1u);
}

TEST_F(SubmissionsTest, WatchIsForTheMinistryAndTheOperator) {
  EXPECT_TRUE(submissions_->AuthorizeWatch(As("bo-tu-phap")).ok());
  EXPECT_EQ(submissions_->AuthorizeWatch(As("dong-nai-so-tu-phap")).code(),
            absl::StatusCode::kPermissionDenied);
  AccessPolicy province_policy("agencies/dong-nai-so-tu-phap");
  auto province_instance =
      Submissions::Open(&store_, &audit_, &registry_, &clock_, &province_policy);
  ASSERT_TRUE(province_instance.ok());
  EXPECT_TRUE((*province_instance)->AuthorizeWatch(As("dong-nai-so-tu-phap")).ok());
}

TEST_F(SubmissionsTest, TheFeedCarriesItsEpochAndRefusesReadersOfAnotherOne) {
  ASSERT_TRUE(SubmitFilled("epoch-1").ok());
  std::string epoch = submissions_->feed_epoch();
  EXPECT_EQ(epoch, store_.epoch().ToString());
  EXPECT_EQ(Feed().at(0).epoch(), epoch);
  EXPECT_TRUE(submissions_->CheckFeedPosition(epoch, 1).ok());
  EXPECT_TRUE(submissions_->CheckFeedPosition("", 7).ok());

  // A reader ahead of the feed: the feed was rewound.
  absl::Status rewound = submissions_->CheckFeedPosition(epoch, 2);
  EXPECT_EQ(rewound.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetErrorInfo(rewound).reason(), "FEED_REWOUND");
  EXPECT_EQ(GetErrorInfo(rewound).metadata().at("last_sequence"), "1");

  // The store reopened without changes it had acknowledged: a new epoch.
  store_.memory().set_epoch_generation(2);
  Reopen();
  EXPECT_NE(submissions_->feed_epoch(), epoch);
  absl::Status changed = submissions_->CheckFeedPosition(epoch, 1);
  EXPECT_EQ(changed.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetErrorInfo(changed).reason(), "FEED_EPOCH_CHANGED");
  EXPECT_EQ(Feed().at(0).epoch(), submissions_->feed_epoch());
}

TEST_F(SubmissionsTest, AFailedWriteChangesNothing) {
  v1::Report draft = Draft();
  Fill(draft);
  v1::SubmitRequest submit;
  submit.set_name(kReport);
  *submit.mutable_report() = draft;
  store_.memory().set_fail_writes(true);
  EXPECT_FALSE(submissions_->Submit(As("dong-nai-so-y-te"), submit).ok());
  store_.memory().set_fail_writes(false);
  EXPECT_EQ(submissions_->last_sequence(), 0);
  EXPECT_TRUE(Feed().empty());
  auto ok = submissions_->Submit(As("dong-nai-so-y-te"), submit);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(Feed().at(0).sequence(), 1);
}

TEST_F(SubmissionsTest, InvalidSubmissionStoresNothing) {
  v1::Report draft = Draft();
  Fill(draft, 10, 11);  // resolved > received
  draft.mutable_values(1)->set_int_value(-1);
  v1::SubmitRequest submit;
  submit.set_name(kReport);
  *submit.mutable_report() = draft;
  int writes = store_.memory().write_count();
  auto refused = submissions_->Submit(As("dong-nai-so-y-te"), submit);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetBadRequest(refused.status()).field_violations_size(), 2);
  EXPECT_THAT(GetVietnameseMessage(refused.status()), HasSubstr("2 lỗi"));
  EXPECT_EQ(store_.memory().write_count(), writes);
  EXPECT_EQ(Draft().state(), v1::REPORT_STATE_DRAFT);
}

TEST_F(SubmissionsTest, ACrossedGridIsRefusedUntilItAddsUpAndAppliesOnce) {
  registry_.Put(testing::FixtureCrossedIndicator());
  v1::Report content = Filled(10);  // male 5, female 5
  auto cell = [&](const std::string& sex, const std::string& age, int64_t value) {
    v1::Value* v = content.add_values();
    v->set_indicator("indicators/complaints-received");
    (*v->mutable_cells())["sex"] = sex;
    (*v->mutable_cells())["age-group"] = age;
    v->set_int_value(value);
  };
  cell("male", "under-18", 1);
  cell("male", "adult", 5);  // the male row adds up to 6, not 5
  cell("female", "under-18", 2);
  cell("female", "adult", 3);
  v1::SubmitRequest submit;
  submit.set_name(kReport);
  submit.set_request_id("crossed-1");
  *submit.mutable_report() = content;
  int writes = store_.memory().write_count();
  auto refused = submissions_->Submit(As("dong-nai-so-y-te"), submit);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad = GetBadRequest(refused.status());
  ASSERT_EQ(bad.field_violations_size(), 2) << refused.status();
  EXPECT_EQ(bad.field_violations(0).field(), "report.values[1].value");  // male
  EXPECT_THAT(bad.field_violations(0).localized_message().message(),
              HasSubstr("các ô Nam cộng lại được 6, khác số Nam đã nhập (5)"));
  EXPECT_EQ(bad.field_violations(1).field(), "report.values[0].value");  // the total
  EXPECT_EQ(store_.memory().write_count(), writes) << "a refused report changes nothing";
  EXPECT_TRUE(Feed().empty());

  // Fixed under the same request id: applied once, however often it is sent.
  submit.mutable_report()->mutable_values(5)->set_int_value(4);
  auto accepted = submissions_->Submit(As("dong-nai-so-y-te"), submit);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  auto again = submissions_->Submit(As("dong-nai-so-y-te"), submit);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->etag(), accepted->etag());
  EXPECT_EQ(again->revision(), 1);
  EXPECT_EQ(Feed().size(), 1u);
  int crossed = 0;
  for (const v1::Value& v : accepted->values()) crossed += v.cells_size() == 2;
  EXPECT_EQ(crossed, 4);
}

TEST_F(SubmissionsTest, ValidateOnlyChecksAsASubmissionAndStoresNothing) {
  v1::Report draft = Draft();
  Fill(draft, 10, 11);  // resolved > received
  draft.mutable_values(1)->set_int_value(-1);
  v1::SubmitRequest check;
  check.set_name(kReport);
  check.set_validate_only(true);
  *check.mutable_report() = draft;
  int writes = store_.memory().write_count();
  auto refused = submissions_->Submit(As("dong-nai-so-y-te"), check);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad = GetBadRequest(refused.status());
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(0).field(), "report.values[1].value");
  // For the official at the form: Vietnamese, with the indicator's name.
  EXPECT_EQ(bad.field_violations(0).localized_message().locale(), "vi-VN");
  EXPECT_THAT(bad.field_violations(0).localized_message().message(), HasSubstr("Số âm (-1)"));
  EXPECT_THAT(bad.field_violations(1).localized_message().message(), HasSubstr("không lớn hơn"));

  // Valid content: the warnings a submission would get, and nothing
  // stored, no revision, no change in the feed, the same etag after.
  v1::Report blank = Filled();
  blank.clear_values();
  *check.mutable_report() = blank;
  auto checked = submissions_->Submit(As("dong-nai-so-y-te"), check);
  ASSERT_TRUE(checked.ok()) << checked.status();
  ASSERT_EQ(checked->warnings_size(), 1);
  EXPECT_EQ(checked->warnings(0).reason(), "NO_FIGURES");
  EXPECT_EQ(checked->state(), v1::REPORT_STATE_DRAFT);
  EXPECT_EQ(checked->revision(), 0);
  EXPECT_EQ(store_.memory().write_count(), writes);
  EXPECT_TRUE(Feed().empty());
  EXPECT_EQ(Draft().etag(), draft.etag());

  // Another agency's report is refused as a real submission would be.
  auto other = submissions_->Submit(As("dong-nai-so-tu-phap"), check);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(SubmissionsTest, SubmitWithContentCreatesTheReport) {
  v1::Report content;
  v1::TaskProgress* progress = content.add_progress();
  progress->set_task("plans/dn-2026/tasks/A.1");
  progress->set_status(v1::PROGRESS_STATUS_ONGOING);
  v1::SubmitRequest submit;
  submit.set_name(kReport);
  *submit.mutable_report() = content;
  auto submitted = submissions_->Submit(As("dong-nai-so-y-te"), submit);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->revision(), 1);
  EXPECT_EQ(submitted->agency(), "agencies/dong-nai-so-y-te");
  // Without content a missing report is NOT_FOUND.
  v1::SubmitRequest bare;
  bare.set_name("reports/dong-nai-so-tu-phap/dn-2026/2026");
  EXPECT_EQ(submissions_->Submit(As("dong-nai-so-tu-phap"), bare).status().code(),
            absl::StatusCode::kNotFound);
}

// A returned report is corrected from a form with every value the agency
// owes, the ones it never reported included, as a new draft is.
TEST_F(SubmissionsTest, AReturnedReportIsEditedWithASlotForEveryValueOwed) {
  const int slots = Draft().values_size();
  ASSERT_TRUE(SubmitFilled().ok());
  ASSERT_TRUE(ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_RETURN, "Bổ sung độ tuổi.").ok());
  v1::Report returned = Draft();
  EXPECT_EQ(returned.state(), v1::REPORT_STATE_RETURNED);
  ASSERT_EQ(returned.values_size(), slots);
  int reported = 0;
  for (const v1::Value& value : returned.values()) {
    if (value.value_case() != v1::Value::VALUE_NOT_SET) ++reported;
  }
  EXPECT_EQ(reported, 4);
  EXPECT_EQ(returned.values(0).indicator(), "indicators/complaints-received");
  EXPECT_EQ(returned.values(0).int_value(), 10);
  // Nothing was stored: the report as read is what was submitted.
  v1::GetReportRequest get;
  get.set_name(kReport);
  auto stored = submissions_->GetReport(As("dong-nai-so-y-te"), get);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->values_size(), 4);
  EXPECT_EQ(stored->etag(), returned.etag());
  // A submitted report awaiting review is read as it is.
  v1::SubmitRequest again;
  again.set_name(kReport);
  *again.mutable_report() = Filled();
  ASSERT_TRUE(submissions_->Submit(As("dong-nai-so-y-te"), again).ok());
  EXPECT_EQ(Draft().values_size(), 4);
}

TEST_F(SubmissionsTest, DraftsNeedAnActivePlanARoundAndAnAssignment) {
  v1::GetOrCreateDraftRequest request;
  request.set_plan("plans/dn-draft");
  request.set_period("2026");
  auto draft_plan = submissions_->GetOrCreateDraft(As("dong-nai-so-y-te"), request);
  EXPECT_EQ(draft_plan.status().code(), absl::StatusCode::kFailedPrecondition);
  request.set_plan("plans/dn-2026");
  request.set_period("2028");
  auto outside = submissions_->GetOrCreateDraft(As("dong-nai-so-y-te"), request);
  ASSERT_EQ(outside.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetBadRequest(outside.status()).field_violations(0).field(), "period");
  request.set_period("2026");
  auto unassigned = submissions_->GetOrCreateDraft(As("ha-noi-so-y-te"), request);
  EXPECT_EQ(GetErrorInfo(unassigned.status()).reason(), "NOT_ASSIGNED");
  request.set_plan("plans/nope");
  EXPECT_EQ(submissions_->GetOrCreateDraft(As("dong-nai-so-y-te"), request).status().code(),
            absl::StatusCode::kNotFound);
  request.set_plan("plans/dn-half");
  request.set_period("2026S2");
  EXPECT_TRUE(submissions_->GetOrCreateDraft(As("dong-nai-so-y-te"), request).ok());
  // An agency unknown to the registry may not write.
  EXPECT_EQ(submissions_->GetOrCreateDraft(As("nobody"), request).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(SubmissionsTest, ListReportsShowsWhatTheCallerMayRead) {
  ASSERT_TRUE(SubmitFilled().ok());
  Draft("dong-nai-xa-a");
  Draft("dong-nai-xa-b");
  Draft("dong-nai-so-tu-phap");
  auto names = [&](const std::string& caller, v1::ListReportsRequest request) {
    std::vector<std::string> out;
    for (int page = 0; page < 10; ++page) {
      auto response = submissions_->ListReports(As(caller), request);
      EXPECT_TRUE(response.ok()) << response.status();
      if (!response.ok()) break;
      for (const auto& r : response->reports()) out.push_back(r.name());
      if (response->next_page_token().empty()) break;
      request.set_page_token(response->next_page_token());
    }
    return out;
  };
  v1::ListReportsRequest all;
  EXPECT_THAT(names("dong-nai-xa-a", all),
              ElementsAre("reports/dong-nai-xa-a/dn-2026/2026"));
  v1::ListReportsRequest paged;
  paged.set_page_size(1);
  EXPECT_EQ(names("dong-nai-so-tu-phap", paged).size(), 4u);
  EXPECT_EQ(names("bo-tu-phap", paged).size(), 4u);
  EXPECT_TRUE(names("ha-noi-so-tu-phap", all).empty());
  v1::ListReportsRequest submitted;
  submitted.set_state(v1::REPORT_STATE_SUBMITTED);
  submitted.set_plan("plans/dn-2026");
  submitted.set_period("2026");
  EXPECT_THAT(names("dong-nai-so-tu-phap", submitted), ElementsAre(kReport));
  v1::ListReportsRequest subtree;
  subtree.set_agency_subtree("agencies/dong-nai-xa-b");
  EXPECT_THAT(names("bo-tu-phap", subtree), ElementsAre("reports/dong-nai-xa-b/dn-2026/2026"));
}

// A person of an agency, signed in with a token.
Caller PersonOf(const std::string& user, const std::string& agency_id) {
  Caller caller;
  caller.agency = "agencies/" + agency_id;
  caller.user = "users/" + user;
  caller.kind = CallerKind::kPerson;
  caller.credential = "bearer";
  return caller;
}

TEST_F(SubmissionsTest, EveryWriteIsInTheAuditTrailNamingThePerson) {
  Caller lan = PersonOf("lan", "dong-nai-so-y-te");
  v1::GetOrCreateDraftRequest create;
  create.set_plan("plans/dn-2026");
  create.set_period("2026");
  ASSERT_TRUE(submissions_->GetOrCreateDraft(lan, create).ok());
  // Getting the draft again changes nothing and records nothing.
  ASSERT_TRUE(submissions_->GetOrCreateDraft(lan, create).ok());
  v1::SubmitRequest submit;
  submit.set_name(kReport);
  *submit.mutable_report() = Filled();
  submit.set_request_id("lan-1");
  auto submitted = submissions_->Submit(lan, submit);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->submitted_by(), "users/lan");
  Caller hoa = PersonOf("hoa", "dong-nai-so-tu-phap");
  v1::ReviewRequest review;
  review.set_name(kReport);
  review.set_decision(v1::REVIEW_DECISION_ACCEPT);
  auto accepted = submissions_->Review(hoa, review);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->reviewed_by(), "users/hoa");
  EXPECT_EQ(accepted->submitted_by(), "users/lan");

  std::vector<v1::AuditRecord> records = AuditRecords();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].method(), "GetOrCreateDraft");
  EXPECT_EQ(records[1].method(), "Submit");
  EXPECT_EQ(records[1].request_id(), "lan-1");
  EXPECT_EQ(records[2].method(), "Review");
  for (const v1::AuditRecord& r : records) {
    EXPECT_EQ(r.resource(), kReport) << r.method();
    EXPECT_EQ(r.result().code(), 0);
  }
  EXPECT_EQ(records[1].actor(), "users/lan");
  EXPECT_EQ(records[1].agency(), "agencies/dong-nai-so-y-te");
  EXPECT_EQ(records[1].credential(), "bearer");
  EXPECT_EQ(records[2].actor(), "users/hoa");
  auto verified = audit_.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact()) << verified->problem();
}

TEST_F(SubmissionsTest, RefusedWritesAreAuditedAndBadInputIsNot) {
  ASSERT_TRUE(SubmitFilled().ok());
  size_t before = AuditRecords().size();
  // Another province reviews: refused and recorded.
  ASSERT_EQ(ReviewAs("ha-noi-so-tu-phap", v1::REVIEW_DECISION_ACCEPT).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Another agency drafts so-y-te's report: refused and recorded.
  v1::GetOrCreateDraftRequest create;
  create.set_plan("plans/dn-2026");
  create.set_period("2026");
  create.set_agency("agencies/dong-nai-so-y-te");
  ASSERT_EQ(submissions_->GetOrCreateDraft(As("dong-nai-so-tu-phap"), create).status().code(),
            absl::StatusCode::kPermissionDenied);
  // A review without a decision is bad input: not recorded.
  ASSERT_EQ(ReviewAs("dong-nai-so-tu-phap", v1::REVIEW_DECISION_UNSPECIFIED).status().code(),
            absl::StatusCode::kInvalidArgument);

  std::vector<v1::AuditRecord> records = AuditRecords();
  ASSERT_EQ(records.size(), before + 2);
  EXPECT_EQ(records[before].method(), "Review");
  EXPECT_EQ(records[before].resource(), kReport);
  EXPECT_EQ(records[before].actor(), "agencies/ha-noi-so-tu-phap");
  EXPECT_EQ(records[before].result().code(),
            static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(records[before + 1].method(), "GetOrCreateDraft");
  EXPECT_EQ(records[before + 1].resource(), kReport);
}

}  // namespace
}  // namespace tonghop::submissions
