#include "services/aggregation/report_drafts.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/report_render.h"
#include "services/aggregation/test_fixture.h"
#include "services/common/errors.h"

namespace tonghop::aggregation {
namespace {

using ::testing::HasSubstr;

constexpr char kDraft[] = "compiledReports/dong-nai/dong-nai-74-2026/2026/draft";

class ReportDraftsTest : public ::testing::Test {
 protected:
  v1::CompiledReportDraft Get(int revision = 0) {
    v1::GetCompiledReportDraftRequest request;
    request.set_name(kDraft);
    request.set_revision(revision);
    absl::StatusOr<v1::CompiledReportDraft> draft = env_.drafts().Get(focal_, request);
    EXPECT_TRUE(draft.ok()) << draft.status();
    return draft.value_or(v1::CompiledReportDraft());
  }

  absl::StatusOr<v1::CompiledReportDraft> Update(const v1::CompiledReportDraft& draft,
                                                 std::vector<std::string> paths,
                                                 const std::string& request_id = "",
                                                 const Caller& caller = Caller{
                                                     "agencies/dong-nai-so-tu-phap"}) {
    v1::UpdateCompiledReportDraftRequest request;
    *request.mutable_draft() = draft;
    for (const std::string& p : paths) request.mutable_update_mask()->add_paths(p);
    request.set_request_id(request_id);
    return env_.drafts().Update(caller, request);
  }

  static Caller PersonOf(const std::string& agency, const std::string& user, Role role) {
    Caller caller{agency};
    caller.user = user;
    caller.kind = CallerKind::kPerson;
    caller.roles = static_cast<RoleSet>(role);
    return caller;
  }

  testing::QueryEnvironment env_;
  Caller focal_{"agencies/dong-nai-so-tu-phap"};
};

TEST_F(ReportDraftsTest, UntilEditedTheDraftIsGenerated) {
  v1::CompiledReportDraft draft = Get();
  EXPECT_EQ(draft.name(), kDraft);
  EXPECT_EQ(draft.revision(), 0);
  EXPECT_EQ(draft.etag(), "");
  EXPECT_EQ(draft.issuing_body(), "SỞ TƯ PHÁP");
  EXPECT_THAT(draft.situation(), HasSubstr("Kế hoạch số 74/KH-UBND"));
}

TEST_F(ReportDraftsTest, EditsAreRevisionsThatCompiledReportsUse) {
  v1::CompiledReportDraft draft = Get();
  draft.set_signer_name("Nguyễn Văn A");
  draft.set_number_symbol("125/BC-STP");
  draft.set_recommendations("Đề nghị Bộ Tư pháp hướng dẫn cách phân tổ số liệu.");
  draft.set_situation("ignored: not in the mask");
  auto first = Update(draft, {"signer_name", "number_symbol", "recommendations"}, "edit-1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->revision(), 1);
  EXPECT_FALSE(first->etag().empty());
  EXPECT_EQ(first->updated_by(), "agencies/dong-nai-so-tu-phap");
  EXPECT_EQ(first->signer_name(), "Nguyễn Văn A");
  EXPECT_THAT(first->situation(), HasSubstr("Kế hoạch số 74/KH-UBND"));  // kept, not in the mask

  // A retry applies once and answers the same.
  auto retried = Update(draft, {"signer_name", "number_symbol", "recommendations"}, "edit-1");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->revision(), 1);
  EXPECT_EQ(retried->etag(), first->etag());

  // The compiled report is now issued with the edits.
  v1::CompileReportRequest compile;
  compile.set_plan(testing::kPlan);
  compile.set_period("2026");
  compile.set_agency("agencies/dong-nai");
  auto report = *env_.queries().Compile(focal_, compile);
  EXPECT_EQ(report.draft().revision(), 1);
  std::string md = RenderMarkdown(report);
  EXPECT_THAT(md, HasSubstr("| Số: 125/BC-STP |"));
  EXPECT_THAT(md, HasSubstr("**Nguyễn Văn A**"));
  EXPECT_THAT(md, HasSubstr("Đề nghị Bộ Tư pháp hướng dẫn cách phân tổ số liệu."));

  // A stale etag is refused and changes nothing; the current one works.
  v1::CompiledReportDraft stale = draft;
  stale.set_etag("0123456789abcdef");
  stale.set_signer_name("Trần Thị B");
  EXPECT_EQ(Update(stale, {"signer_name"}).status().code(), absl::StatusCode::kAborted);
  v1::CompiledReportDraft no_etag = stale;
  no_etag.clear_etag();
  EXPECT_EQ(Update(no_etag, {"signer_name"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get().signer_name(), "Nguyễn Văn A");
  stale.set_etag(first->etag());
  auto second = Update(stale, {"signer_name"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->revision(), 2);
  EXPECT_EQ(second->number_symbol(), "125/BC-STP");

  // Every revision is kept, newest first, and each can be read.
  v1::ListCompiledReportDraftRevisionsRequest list;
  list.set_name(kDraft);
  list.set_page_size(1);
  auto page = *env_.drafts().ListRevisions(focal_, list);
  ASSERT_EQ(page.drafts_size(), 1);
  EXPECT_EQ(page.drafts(0).revision(), 2);
  list.set_page_token(page.next_page_token());
  page = *env_.drafts().ListRevisions(focal_, list);
  ASSERT_EQ(page.drafts_size(), 1);
  EXPECT_EQ(page.drafts(0).revision(), 1);
  EXPECT_TRUE(page.next_page_token().empty());
  EXPECT_EQ(Get(1).signer_name(), "Nguyễn Văn A");
  EXPECT_EQ(Get(2).signer_name(), "Trần Thị B");

  // Each stored revision is in the audit trail, written with it; the retry
  // and the refused edits are not (they changed nothing).
  std::vector<v1::AuditRecord> records = *env_.audit().Read(0, 100);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].method(), "UpdateCompiledReportDraft");
  EXPECT_EQ(records[0].resource(), kDraft);
  EXPECT_EQ(records[0].actor(), "agencies/dong-nai-so-tu-phap");
}

TEST_F(ReportDraftsTest, OnlyTheCompilingAgencyEdits) {
  v1::CompiledReportDraft draft = Get();
  draft.set_signer_name("X");
  // The province's People's Committee reads the subtree but does not
  // compile its report.
  EXPECT_EQ(Update(draft, {"signer_name"}, "", Caller{"agencies/dong-nai"}).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Update(draft, {"signer_name"}, "", Caller{"agencies/quang-ngai-so-tu-phap"})
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  // Within the compiling agency, its reviewers and admins edit (the access
  // policy's CheckEditCompiledReport); the edit names the person.
  Caller analyst = PersonOf("agencies/dong-nai-so-tu-phap", "users/an", Role::kAnalyst);
  EXPECT_EQ(Update(draft, {"signer_name"}, "", analyst).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Get().revision(), 0);
  Caller reviewer = PersonOf("agencies/dong-nai-so-tu-phap", "users/lan", Role::kReviewer);
  auto edited = Update(draft, {"signer_name"}, "", reviewer);
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(edited->updated_by(), "users/lan");
}

TEST_F(ReportDraftsTest, BadEditsNameTheFieldAndChangeNothing) {
  v1::CompiledReportDraft draft = Get();
  EXPECT_EQ(GetBadRequest(Update(draft, {"revision"}).status()).field_violations(0).field(),
            "update_mask");
  draft.mutable_results(0)->set_task_group("Z");
  EXPECT_EQ(GetBadRequest(Update(draft, {"results"}).status()).field_violations(0).field(),
            "draft.results[0].task_group");
  draft = Get();
  draft.set_signer_name("bad \xff utf-8");
  EXPECT_EQ(GetBadRequest(Update(draft, {"signer_name"}).status()).field_violations(0).field(),
            "draft.signer_name");
  draft.set_name("compiledReports/dong-nai/2026/draft");
  EXPECT_EQ(Update(draft, {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get().revision(), 0);
}

}  // namespace
}  // namespace tonghop::aggregation
