// The permission matrix: every RPC, called over a real server by every role
// in every relation to the resource, is allowed or refused exactly as
// docs/security.md says. The table printed there is generated from the
// expectations below and checked against the file, so the document cannot
// drift from what the server does.
//
// A call is "allowed" when the server answers anything but
// PERMISSION_DENIED or UNAUTHENTICATED: requests are built so that an
// allowed call changes nothing (validate_only, a stale etag, a report not
// yet submitted, no upstream configured), because the permission is
// decided before existence, validation and preconditions.

#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/integration/aggregation_fixture.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"
#include "tonghop/v1/audit_service.grpc.pb.h"
#include "tonghop/v1/auth_service.grpc.pb.h"
#include "tonghop/v1/federation_service.grpc.pb.h"
#include "tonghop/v1/operations_service.grpc.pb.h"
#include "tonghop/v1/registry_service.grpc.pb.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::testing {
namespace {

// Whom the caller acts for, relative to the resource: the department
// agencies/dong-nai-so-y-te (its agency, its reports, its roll-ups, the
// province's plan it reports on).
enum class Relation { kOwn, kFocal, kOtherProvince, kMinistry, kNone };
constexpr Relation kRelations[] = {Relation::kOwn, Relation::kFocal, Relation::kOtherProvince,
                                   Relation::kMinistry, Relation::kNone};

const char* RelationLabel(Relation r) {
  switch (r) {
    case Relation::kOwn: return "own agency";
    case Relation::kFocal: return "province's focal agency";
    case Relation::kOtherProvince: return "another province's focal agency";
    case Relation::kMinistry: return "the ministry (authority)";
    case Relation::kNone: return "no identity";
  }
  return "";
}

std::string RelationAgency(Relation r) {
  switch (r) {
    case Relation::kOwn: return "agencies/dong-nai-so-y-te";
    case Relation::kFocal: return "agencies/dong-nai-so-tu-phap";
    case Relation::kOtherProvince: return "agencies/quang-ngai-so-tu-phap";
    case Relation::kMinistry: return "agencies/bo-tu-phap";
    case Relation::kNone: return "";
  }
  return "";
}

// A person with one role, or a machine (every role).
struct RoleColumn {
  const char* label;
  std::optional<Role> role;  // nullopt: a machine
};
const RoleColumn kRoles[] = {{"clerk", Role::kClerk},
                             {"reviewer", Role::kReviewer},
                             {"analyst", Role::kAnalyst},
                             {"admin", Role::kAdmin},
                             {"machine", std::nullopt}};

// Who is allowed: for each relation, the roles (by label) allowed; a
// machine is allowed wherever any role is.
using Allowed = std::map<Relation, std::vector<std::string>>;

const std::vector<std::string> kAllRoles = {"clerk", "reviewer", "analyst", "admin"};
const std::vector<std::string> kReaders = {"reviewer", "analyst", "admin"};
const std::vector<std::string> kAdmin = {"admin"};

const Allowed kAnyIdentified = {{Relation::kOwn, kAllRoles},
                                {Relation::kFocal, kAllRoles},
                                {Relation::kOtherProvince, kAllRoles},
                                {Relation::kMinistry, kAllRoles}};
const Allowed kAuthorityAdmin = {{Relation::kMinistry, kAdmin}};
// The Ministry's people, whatever their role: the national view.
const Allowed kAuthorityAnyRole = {{Relation::kMinistry, kAllRoles}};
const Allowed kScopeAdmin = {{Relation::kFocal, kAdmin}, {Relation::kMinistry, kAdmin}};
const Allowed kReachAdmin = {
    {Relation::kOwn, kAdmin}, {Relation::kFocal, kAdmin}, {Relation::kMinistry, kAdmin}};
const Allowed kOwnClerk = {{Relation::kOwn, {"clerk"}}};
const Allowed kReviewer = {{Relation::kFocal, {"reviewer"}}};
const Allowed kReaders3 = {
    {Relation::kOwn, kAllRoles}, {Relation::kFocal, kReaders}, {Relation::kMinistry, kReaders}};
const Allowed kCompilerEditors = {{Relation::kFocal, {"reviewer", "admin"}}};
const Allowed kForwarders = {{Relation::kFocal, {"reviewer", "admin"}},
                             {Relation::kMinistry, {"reviewer", "admin"}}};

bool IsAllowed(const Allowed& allowed, Relation relation, const RoleColumn& role) {
  auto it = allowed.find(relation);
  if (it == allowed.end()) return false;
  if (!role.role) return !it->second.empty();
  for (const std::string& r : it->second) {
    if (r == role.label) return true;
  }
  return false;
}

constexpr char kSubject[] = "agencies/dong-nai-so-y-te";
constexpr char kReport[] = "reports/dong-nai-so-y-te/dong-nai-74-2026/2026";
constexpr char kStale[] = "\"stale\"";
constexpr char kSubjectPerson[] = "users/matrix-subject";

class PermissionMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // An upstream that is never reached: a Forward the policy allows fails
    // afterwards, as UNAVAILABLE.
    TestServer::Options options;
    options.upstream = "127.0.0.1:1";
    options.upstream_agency = "agencies/dong-nai";
    auto server = TestServer::Start(dir_.path(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = server_->host().InProcessChannel();
    ASSERT_TRUE(LoadAggregationRegistry(server_->NewChannel()).ok());
    registry_ = v1::Registry::NewStub(channel_);
    submissions_ = v1::Submissions::NewStub(channel_);
    aggregation_ = v1::Aggregation::NewStub(channel_);
    audit_ = v1::Audit::NewStub(channel_);
    operations_ = v1::Operations::NewStub(channel_);
    auth_ = v1::Auth::NewStub(channel_);
    // The department's draft exists, so that report calls reach it.
    v1::GetOrCreateDraftRequest draft;
    draft.set_plan(agg::kPlan);
    draft.set_period("2026");
    draft.set_agency(kSubject);
    v1::Report report;
    auto context = Context(Relation::kOwn, kRoles[4]);
    ASSERT_TRUE(submissions_->GetOrCreateDraft(context.get(), draft, &report).ok());
    // A person of the department, whom the people rows act on.
    v1::CreateUserRequest person;
    person.set_user_id("matrix-subject");
    person.mutable_user()->set_display_name("Người được hỏi");
    person.mutable_user()->set_agency(kSubject);
    person.mutable_user()->add_roles(v1::ROLE_CLERK);
    v1::User created;
    auto as_ministry = Context(Relation::kMinistry, kRoles[4]);
    ASSERT_TRUE(registry_->CreateUser(as_ministry.get(), person, &created).ok());
    v1::ExportPlanRequest export_request;
    export_request.set_name(agg::kPlan);
    v1::ExportPlanResponse exported;
    auto ministry = Context(Relation::kMinistry, kRoles[4]);
    ASSERT_TRUE(registry_->ExportPlan(ministry.get(), export_request, &exported).ok());
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(exported.bundle(), &plan_json).ok());
  }

  std::unique_ptr<grpc::ClientContext> Context(Relation relation, const RoleColumn& role) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (relation == Relation::kNone) return context;
    Caller caller(RelationAgency(relation));
    if (role.role) {
      caller.kind = CallerKind::kPerson;
      caller.user = absl::StrCat("users/matrix-", role.label);
      caller.roles = static_cast<RoleSet>(*role.role);
    }
    caller.credential = "internal";
    server_->host().authenticator().AttachInternal(caller, *context);
    return context;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Registry::Stub> registry_;
  std::unique_ptr<v1::Submissions::Stub> submissions_;
  std::unique_ptr<v1::Aggregation::Stub> aggregation_;
  std::unique_ptr<v1::Audit::Stub> audit_;
  std::unique_ptr<v1::Operations::Stub> operations_;
  std::unique_ptr<v1::Auth::Stub> auth_;
  std::string plan_json;
};

// One row of the matrix: an RPC, who may call it, and a harmless call.
struct Row {
  std::string service;
  std::string method;
  Allowed allowed;
  std::function<grpc::Status(grpc::ClientContext*)> call;
  std::string note;
};

template <typename Request, typename Response, typename Stub>
std::function<grpc::Status(grpc::ClientContext*)> Unary(
    Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    Request request) {
  return [stub, method, request](grpc::ClientContext* context) {
    Response response;
    return (stub->*method)(context, request, &response);
  };
}

std::string Markdown(const std::vector<Row>& rows) {
  std::ostringstream out;
  out << "| service | method | " ;
  std::vector<std::string> headers;
  for (Relation r : kRelations) {
    if (r == Relation::kNone) continue;
    headers.push_back(RelationLabel(r));
  }
  out << absl::StrJoin(headers, " | ") << " | note |\n";
  out << "|---|---|";
  for (size_t i = 0; i < headers.size(); ++i) out << "---|";
  out << "---|\n";
  for (const Row& row : rows) {
    out << "| " << row.service << " | " << row.method << " | ";
    for (Relation r : kRelations) {
      if (r == Relation::kNone) continue;
      std::vector<std::string> who;
      for (const RoleColumn& role : kRoles) {
        if (role.role && IsAllowed(row.allowed, r, role)) who.push_back(role.label);
      }
      if (who.size() == 4) who = {"all roles"};
      out << (who.empty() ? "—" : absl::StrJoin(who, ", ")) << " | ";
    }
    out << row.note << " |\n";
  }
  return out.str();
}

TEST_F(PermissionMatrixTest, EveryRpcEveryRoleEveryRelation) {
  auto* reg = registry_.get();
  auto* sub = submissions_.get();
  auto* agg = aggregation_.get();
  auto* aud = audit_.get();
  auto* auth = auth_.get();
  using R = v1::Registry::Stub;
  using S = v1::Submissions::Stub;
  using A = v1::Aggregation::Stub;
  using T = v1::Audit::Stub;
  auto* ops = operations_.get();
  using O = v1::Operations::Stub;
  auto federation = v1::Federation::NewStub(channel_);
  auto* fed = federation.get();
  using F = v1::Federation::Stub;

  v1::GetAgencyRequest get_agency;
  get_agency.set_name(kSubject);
  v1::CreateAgencyRequest create_agency;
  create_agency.set_agency_id("dong-nai-xa-ma-tran");
  create_agency.set_validate_only(true);
  create_agency.mutable_agency()->set_display_name("Xã Ma Trận");
  create_agency.mutable_agency()->set_kind(v1::AGENCY_KIND_COMMUNE);
  create_agency.mutable_agency()->set_parent("agencies/dong-nai");
  v1::UpdateAgencyRequest update_agency;
  update_agency.mutable_agency()->set_name(kSubject);
  update_agency.mutable_agency()->set_display_name("Sở Y tế tỉnh Đồng Nai (mới)");
  update_agency.mutable_update_mask()->add_paths("display_name");
  update_agency.set_validate_only(true);
  v1::UpdateAgencyRequest move_agency = update_agency;
  move_agency.mutable_agency()->set_parent("agencies/quang-ngai");
  move_agency.mutable_update_mask()->add_paths("parent");
  v1::UpdateAgencyRequest promote_agency = update_agency;
  promote_agency.mutable_agency()->set_kind(v1::AGENCY_KIND_MINISTRY);
  promote_agency.mutable_update_mask()->add_paths("kind");
  v1::DeleteAgencyRequest delete_agency;
  delete_agency.set_name(kSubject);
  delete_agency.set_etag(kStale);

  v1::GetDimensionRequest get_dimension;
  get_dimension.set_name("dimensions/sex");
  v1::CreateDimensionRequest create_dimension;
  create_dimension.set_dimension_id("matrix");
  create_dimension.set_validate_only(true);
  create_dimension.mutable_dimension()->set_display_name("Ma trận");
  auto* option = create_dimension.mutable_dimension()->add_options();
  option->set_code("a");
  option->set_display_name("A");
  v1::UpdateDimensionRequest update_dimension;
  *update_dimension.mutable_dimension() = agg::SexDimension();
  update_dimension.mutable_dimension()->clear_etag();
  update_dimension.set_validate_only(true);
  v1::DeleteDimensionRequest delete_dimension;
  delete_dimension.set_name("dimensions/sex");
  delete_dimension.set_etag(kStale);

  const v1::Indicator indicator = agg::Indicators().front();
  v1::GetIndicatorRequest get_indicator;
  get_indicator.set_name(indicator.name());
  v1::CreateIndicatorRequest create_indicator;
  create_indicator.set_indicator_id("matrix-count");
  *create_indicator.mutable_indicator() = indicator;
  create_indicator.mutable_indicator()->clear_name();
  create_indicator.set_validate_only(true);
  v1::UpdateIndicatorRequest update_indicator;
  *update_indicator.mutable_indicator() = indicator;
  update_indicator.set_validate_only(true);
  v1::DeleteIndicatorRequest delete_indicator;
  delete_indicator.set_name(indicator.name());
  delete_indicator.set_etag(kStale);

  v1::GetPlanRequest get_plan;
  get_plan.set_name(agg::kPlan);
  v1::CreatePlanRequest create_plan;
  create_plan.set_plan_id("dong-nai-ma-tran");
  *create_plan.mutable_plan() = agg::MakePlan();
  create_plan.mutable_plan()->clear_name();
  create_plan.set_validate_only(true);
  v1::UpdatePlanRequest update_plan;
  *update_plan.mutable_plan() = agg::MakePlan();
  update_plan.mutable_plan()->set_title("Kế hoạch (sửa)");
  update_plan.mutable_update_mask()->add_paths("title");
  update_plan.set_validate_only(true);
  v1::DeletePlanRequest delete_plan;
  delete_plan.set_name(agg::kPlan);
  delete_plan.set_etag(kStale);
  const v1::Task task = agg::MakeTasks().back();
  v1::GetTaskRequest get_task;
  get_task.set_name(task.name());
  v1::ListTasksRequest list_tasks;
  list_tasks.set_parent(agg::kPlan);
  v1::CreateTaskRequest create_task;
  create_task.set_parent(agg::kPlan);
  *create_task.mutable_task() = task;
  create_task.mutable_task()->set_outline("Z.9");
  create_task.mutable_task()->clear_name();
  create_task.mutable_task()->clear_parent();
  create_task.set_validate_only(true);
  v1::CreateTaskRequest assign_outside = create_task;
  assign_outside.mutable_task()->clear_lead();
  assign_outside.mutable_task()->add_lead()->set_agency("agencies/quang-ngai-so-tu-phap");
  v1::UpdateTaskRequest update_task;
  *update_task.mutable_task() = task;
  update_task.mutable_task()->set_title("Nhiệm vụ (sửa)");
  update_task.mutable_update_mask()->add_paths("title");
  update_task.set_validate_only(true);
  v1::DeleteTaskRequest delete_task;
  delete_task.set_name(task.name());
  delete_task.set_etag(kStale);
  v1::ImportPlanRequest import_plan;
  import_plan.set_content(plan_json);
  import_plan.set_format(v1::IMPORT_FORMAT_JSON);
  import_plan.set_validate_only(true);
  v1::ExportPlanRequest export_plan;
  export_plan.set_name(agg::kPlan);

  v1::GetUserRequest get_user;
  get_user.set_name(kSubjectPerson);
  v1::CreateUserRequest create_user;
  create_user.set_user_id("matrix-new");
  create_user.set_validate_only(true);
  create_user.mutable_user()->set_display_name("Người mới");
  create_user.mutable_user()->set_agency(kSubject);
  create_user.mutable_user()->add_roles(v1::ROLE_CLERK);
  v1::UpdateUserRequest update_user;
  update_user.mutable_user()->set_name(kSubjectPerson);
  update_user.mutable_user()->set_display_name("Người được hỏi (sửa)");
  update_user.mutable_update_mask()->add_paths("display_name");
  update_user.set_validate_only(true);
  v1::DeleteUserRequest delete_user;
  delete_user.set_name(kSubjectPerson);
  delete_user.set_etag(kStale);
  v1::SetPasswordRequest set_password;
  set_password.set_name(kSubjectPerson);
  set_password.set_new_password("short");
  v1::CreatePasswordResetRequest password_reset;
  password_reset.set_name(kSubjectPerson);

  v1::GetOrCreateDraftRequest draft;
  draft.set_plan(agg::kPlan);
  draft.set_period("2026");
  draft.set_agency(kSubject);
  v1::UpdateDraftRequest update_draft;
  update_draft.mutable_report()->set_name(kReport);
  update_draft.mutable_report()->set_etag(kStale);
  v1::SubmitRequest submit;
  submit.set_name(kReport);
  submit.set_etag(kStale);
  v1::WithdrawRequest withdraw;
  withdraw.set_name(kReport);
  withdraw.set_etag(kStale);
  v1::ListDueReportsRequest list_due;
  list_due.set_agency(kSubject);
  v1::ListNoticesRequest list_agency_notices;
  list_agency_notices.set_agency(kSubject);
  v1::ReviewRequest review;
  review.set_name(kReport);
  review.set_decision(v1::REVIEW_DECISION_ACCEPT);
  v1::GetReportRequest get_report;
  get_report.set_name(kReport);
  v1::ListReportsRequest list_reports;
  list_reports.set_plan(agg::kPlan);
  v1::ListRevisionsRequest list_revisions;
  list_revisions.set_name(kReport);

  v1::RollupRequest rollup;
  rollup.set_plan(agg::kPlan);
  rollup.set_period("2026");
  rollup.set_agency(kSubject);
  v1::CompletenessRequest completeness;
  completeness.set_plan(agg::kPlan);
  completeness.set_period("2026");
  completeness.set_agency(kSubject);
  v1::TaskStatusRequest task_status;
  task_status.set_plan(agg::kPlan);
  task_status.set_period("2026");
  task_status.set_agency(kSubject);
  v1::TrendRequest trend;
  trend.set_agency(kSubject);
  trend.set_indicator(indicator.name());
  trend.add_plans(agg::kPlan);
  trend.add_periods("2026");
  v1::CompileReportRequest compile;
  compile.set_plan(agg::kPlan);
  compile.set_period("2026");
  compile.set_agency(kSubject);
  v1::ExplainFigureRequest explain;
  explain.set_plan(agg::kPlan);
  explain.set_period("2026");
  explain.set_agency(kSubject);
  explain.set_indicator("indicators/complaints-received");
  v1::ExportFiguresRequest export_figures;
  export_figures.set_plan(agg::kPlan);
  export_figures.set_period("2026");
  export_figures.set_agency(kSubject);
  export_figures.set_format(v1::EXCHANGE_FORMAT_SDMX_CSV);
  v1::ExportFiguresRequest export_exact = export_figures;
  export_exact.set_exact(true);
  // The draft of the subtree's compiled report; the plan's compiler is the
  // province's Department of Justice.
  const std::string compiled_draft =
      "compiledReports/dong-nai-so-y-te/dong-nai-74-2026/2026/draft";
  v1::GetCompiledReportDraftRequest get_draft;
  get_draft.set_name(compiled_draft);
  v1::ListCompiledReportDraftRevisionsRequest list_drafts;
  list_drafts.set_name(compiled_draft);
  v1::UpdateCompiledReportDraftRequest update_compiled;
  update_compiled.mutable_draft()->set_name(compiled_draft);
  update_compiled.mutable_draft()->set_signer_name("Nguyễn Văn A");
  update_compiled.mutable_draft()->set_etag(kStale);
  update_compiled.mutable_update_mask()->add_paths("signer_name");
  v1::ForwardRequest forward;
  forward.set_plan(agg::kPlan);
  forward.set_period("2026");
  forward.set_agency("agencies/dong-nai");
  v1::ForwardRequest forward_commune = forward;
  forward_commune.set_agency(kSubject);
  v1::RebuildAggregatesRequest rebuild;
  rebuild.set_verify_only(true);
  const std::string period_name = absl::StrCat(agg::kPlan, "/periods/2026");
  v1::GetReceivedFiguresRequest get_received;
  get_received.set_name(absl::StrCat(period_name, "/receivedFigures/dong-nai-so-y-te"));
  v1::ListReceivedFiguresRequest list_received;
  list_received.set_parent(period_name);
  v1::GetNationalOverviewRequest national_overview;
  national_overview.set_name(period_name);
  v1::GetNationalTrendRequest national_trend;
  national_trend.set_plan(agg::kPlan);
  v1::ExportNationalTableRequest national_table;
  national_table.set_name(period_name);

  v1::WatchChangesRequest watch;
  watch.set_stop_at_end(true);
  auto watch_call = [sub, watch](grpc::ClientContext* context) {
    auto reader = sub->WatchChanges(context, watch);
    v1::Change change;
    while (reader->Read(&change)) {
    }
    return reader->Finish();
  };

  const std::vector<Row> rows = {
      {"Registry", "GetAgency", kAnyIdentified,
       Unary<v1::GetAgencyRequest, v1::Agency>(reg, &R::GetAgency, get_agency), ""},
      {"Registry", "ListAgencies", kAnyIdentified,
       Unary<v1::ListAgenciesRequest, v1::ListAgenciesResponse>(reg, &R::ListAgencies, {}), ""},
      {"Registry", "CreateAgency", kScopeAdmin,
       Unary<v1::CreateAgencyRequest, v1::Agency>(reg, &R::CreateAgency, create_agency),
       "a commune under the province"},
      {"Registry", "UpdateAgency (names, aliases)", kReachAdmin,
       Unary<v1::UpdateAgencyRequest, v1::Agency>(reg, &R::UpdateAgency, update_agency), ""},
      {"Registry", "UpdateAgency (parent to another province)", kAuthorityAdmin,
       Unary<v1::UpdateAgencyRequest, v1::Agency>(reg, &R::UpdateAgency, move_agency),
       "structural"},
      {"Registry", "UpdateAgency (kind)", kAuthorityAdmin,
       Unary<v1::UpdateAgencyRequest, v1::Agency>(reg, &R::UpdateAgency, promote_agency),
       "structural"},
      {"Registry", "DeleteAgency", kScopeAdmin,
       Unary<v1::DeleteAgencyRequest, google::protobuf::Empty>(reg, &R::DeleteAgency,
                                                               delete_agency),
       "never one's own agency"},
      {"Registry", "GetDimension", kAnyIdentified,
       Unary<v1::GetDimensionRequest, v1::Dimension>(reg, &R::GetDimension, get_dimension), ""},
      {"Registry", "ListDimensions", kAnyIdentified,
       Unary<v1::ListDimensionsRequest, v1::ListDimensionsResponse>(reg, &R::ListDimensions,
                                                                    {}),
       ""},
      {"Registry", "CreateDimension", kAuthorityAdmin,
       Unary<v1::CreateDimensionRequest, v1::Dimension>(reg, &R::CreateDimension,
                                                        create_dimension),
       ""},
      {"Registry", "UpdateDimension", kAuthorityAdmin,
       Unary<v1::UpdateDimensionRequest, v1::Dimension>(reg, &R::UpdateDimension,
                                                        update_dimension),
       ""},
      {"Registry", "DeleteDimension", kAuthorityAdmin,
       Unary<v1::DeleteDimensionRequest, google::protobuf::Empty>(reg, &R::DeleteDimension,
                                                                  delete_dimension),
       ""},
      {"Registry", "GetIndicator", kAnyIdentified,
       Unary<v1::GetIndicatorRequest, v1::Indicator>(reg, &R::GetIndicator, get_indicator), ""},
      {"Registry", "ListIndicators", kAnyIdentified,
       Unary<v1::ListIndicatorsRequest, v1::ListIndicatorsResponse>(reg, &R::ListIndicators,
                                                                    {}),
       ""},
      {"Registry", "CreateIndicator", kAuthorityAdmin,
       Unary<v1::CreateIndicatorRequest, v1::Indicator>(reg, &R::CreateIndicator,
                                                        create_indicator),
       ""},
      {"Registry", "UpdateIndicator", kAuthorityAdmin,
       Unary<v1::UpdateIndicatorRequest, v1::Indicator>(reg, &R::UpdateIndicator,
                                                        update_indicator),
       ""},
      {"Registry", "DeleteIndicator", kAuthorityAdmin,
       Unary<v1::DeleteIndicatorRequest, google::protobuf::Empty>(reg, &R::DeleteIndicator,
                                                                  delete_indicator),
       ""},
      {"Registry", "GetPlan", kAnyIdentified,
       Unary<v1::GetPlanRequest, v1::Plan>(reg, &R::GetPlan, get_plan), ""},
      {"Registry", "ListPlans", kAnyIdentified,
       Unary<v1::ListPlansRequest, v1::ListPlansResponse>(reg, &R::ListPlans, {}), ""},
      {"Registry", "CreatePlan", kScopeAdmin,
       Unary<v1::CreatePlanRequest, v1::Plan>(reg, &R::CreatePlan, create_plan),
       "issued by the province"},
      {"Registry", "UpdatePlan", kScopeAdmin,
       Unary<v1::UpdatePlanRequest, v1::Plan>(reg, &R::UpdatePlan, update_plan), ""},
      {"Registry", "DeletePlan", kScopeAdmin,
       Unary<v1::DeletePlanRequest, google::protobuf::Empty>(reg, &R::DeletePlan, delete_plan),
       ""},
      {"Registry", "GetTask", kAnyIdentified,
       Unary<v1::GetTaskRequest, v1::Task>(reg, &R::GetTask, get_task), ""},
      {"Registry", "ListTasks", kAnyIdentified,
       Unary<v1::ListTasksRequest, v1::ListTasksResponse>(reg, &R::ListTasks, list_tasks), ""},
      {"Registry", "CreateTask", kScopeAdmin,
       Unary<v1::CreateTaskRequest, v1::Task>(reg, &R::CreateTask, create_task), ""},
      {"Registry", "CreateTask (assigning another province's agency)", {},
       Unary<v1::CreateTaskRequest, v1::Task>(reg, &R::CreateTask, assign_outside),
       "a plan binds only its issuer's reach"},
      {"Registry", "UpdateTask", kScopeAdmin,
       Unary<v1::UpdateTaskRequest, v1::Task>(reg, &R::UpdateTask, update_task), ""},
      {"Registry", "DeleteTask", kScopeAdmin,
       Unary<v1::DeleteTaskRequest, google::protobuf::Empty>(reg, &R::DeleteTask, delete_task),
       ""},
      {"Registry", "ImportPlan", kScopeAdmin,
       Unary<v1::ImportPlanRequest, v1::ImportPlanResponse>(reg, &R::ImportPlan, import_plan),
       ""},
      {"Registry", "ExportPlan", kAnyIdentified,
       Unary<v1::ExportPlanRequest, v1::ExportPlanResponse>(reg, &R::ExportPlan, export_plan),
       ""},
      {"Registry", "GetUser", kReachAdmin,
       Unary<v1::GetUserRequest, v1::User>(reg, &R::GetUser, get_user),
       "and the person themself"},
      {"Registry", "ListUsers", kAnyIdentified,
       Unary<v1::ListUsersRequest, v1::ListUsersResponse>(reg, &R::ListUsers, {}),
       "lists only the people GetUser would return"},
      {"Registry", "CreateUser", kReachAdmin,
       Unary<v1::CreateUserRequest, v1::User>(reg, &R::CreateUser, create_user), ""},
      {"Registry", "UpdateUser", kReachAdmin,
       Unary<v1::UpdateUserRequest, v1::User>(reg, &R::UpdateUser, update_user),
       "never one's own roles, agency or state"},
      {"Registry", "DeleteUser", kReachAdmin,
       Unary<v1::DeleteUserRequest, google::protobuf::Empty>(reg, &R::DeleteUser, delete_user),
       "never oneself"},
      {"Registry", "SetPassword (another's)", kReachAdmin,
       Unary<v1::SetPasswordRequest, v1::User>(reg, &R::SetPassword, set_password),
       "anyone their own, with the current password"},
      {"Registry", "CreatePasswordReset", kReachAdmin,
       Unary<v1::CreatePasswordResetRequest, v1::PasswordReset>(reg, &R::CreatePasswordReset,
                                                                password_reset),
       "a one-time code; a new one replaces the last"},
      {"Auth", "WhoAmI", kAnyIdentified,
       Unary<v1::WhoAmIRequest, v1::WhoAmIResponse>(auth, &v1::Auth::Stub::WhoAmI, {}),
       "Login and ResetPassword need no identity (the password or code is the proof); "
       "Logout ends the bearer session it is called with"},
      {"Submissions", "GetOrCreateDraft", kOwnClerk,
       Unary<v1::GetOrCreateDraftRequest, v1::Report>(sub, &S::GetOrCreateDraft, draft), ""},
      {"Submissions", "UpdateDraft", kOwnClerk,
       Unary<v1::UpdateDraftRequest, v1::Report>(sub, &S::UpdateDraft, update_draft), ""},
      {"Submissions", "Submit", kOwnClerk,
       Unary<v1::SubmitRequest, v1::Report>(sub, &S::Submit, submit), ""},
      {"Submissions", "Withdraw", kOwnClerk,
       Unary<v1::WithdrawRequest, v1::Report>(sub, &S::Withdraw, withdraw), ""},
      {"Submissions", "Review", kReviewer,
       Unary<v1::ReviewRequest, v1::Report>(sub, &S::Review, review),
       "the nearest focal agency above; never one's own report"},
      {"Submissions", "GetReport", kReaders3,
       Unary<v1::GetReportRequest, v1::Report>(sub, &S::GetReport, get_report), ""},
      {"Submissions", "ListReports", kAnyIdentified,
       Unary<v1::ListReportsRequest, v1::ListReportsResponse>(sub, &S::ListReports,
                                                              list_reports),
       "lists only the reports GetReport would return"},
      {"Submissions", "ListRevisions", kReaders3,
       Unary<v1::ListRevisionsRequest, v1::ListRevisionsResponse>(sub, &S::ListRevisions,
                                                                  list_revisions),
       ""},
      {"Submissions", "ListDueReports", kReaders3,
       Unary<v1::ListDueReportsRequest, v1::ListDueReportsResponse>(sub, &S::ListDueReports,
                                                                    list_due),
       ""},
      {"Submissions", "WatchChanges", kAuthorityAdmin, watch_call, "the whole feed"},
      {"Submissions", "ListNotices (an agency's)", kReaders3,
       Unary<v1::ListNoticesRequest, v1::ListNoticesResponse>(sub, &S::ListNotices,
                                                              list_agency_notices),
       "the notices sent to the agency, read as its reports are"},
      {"Submissions", "ListNotices (all)", kAuthorityAdmin,
       Unary<v1::ListNoticesRequest, v1::ListNoticesResponse>(sub, &S::ListNotices,
                                                              v1::ListNoticesRequest()),
       "the e-mail notices of the instance"},
      {"Aggregation", "Rollup", kReaders3,
       Unary<v1::RollupRequest, v1::RollupResponse>(agg, &A::Rollup, rollup), ""},
      {"Aggregation", "Completeness", kReaders3,
       Unary<v1::CompletenessRequest, v1::CompletenessResponse>(agg, &A::Completeness,
                                                                completeness),
       ""},
      {"Aggregation", "TaskStatus", kReaders3,
       Unary<v1::TaskStatusRequest, v1::TaskStatusResponse>(agg, &A::TaskStatus, task_status),
       ""},
      {"Aggregation", "Trend", kReaders3,
       Unary<v1::TrendRequest, v1::TrendResponse>(agg, &A::Trend, trend), ""},
      {"Aggregation", "CompileReport", kReaders3,
       Unary<v1::CompileReportRequest, v1::CompileReportResponse>(agg, &A::CompileReport,
                                                                  compile),
       ""},
      {"Aggregation", "ExplainFigure", kReaders3,
       Unary<v1::ExplainFigureRequest, v1::ExplainFigureResponse>(agg, &A::ExplainFigure,
                                                                  explain),
       "the reports behind a figure"},
      {"Aggregation", "ExportFigures", kReaders3,
       Unary<v1::ExportFiguresRequest, v1::ExportFiguresResponse>(agg, &A::ExportFigures,
                                                                  export_figures),
       "small counts withheld"},
      {"Aggregation", "ExportFigures (exact)", kReaders3,
       Unary<v1::ExportFiguresRequest, v1::ExportFiguresResponse>(agg, &A::ExportFigures,
                                                                  export_exact),
       "the subtree's reporting chain"},
      {"Aggregation", "GetCompiledReportDraft", kReaders3,
       Unary<v1::GetCompiledReportDraftRequest, v1::CompiledReportDraft>(
           agg, &A::GetCompiledReportDraft, get_draft),
       ""},
      {"Aggregation", "ListCompiledReportDraftRevisions", kReaders3,
       Unary<v1::ListCompiledReportDraftRevisionsRequest,
             v1::ListCompiledReportDraftRevisionsResponse>(
           agg, &A::ListCompiledReportDraftRevisions, list_drafts),
       ""},
      {"Aggregation", "UpdateCompiledReportDraft", kCompilerEditors,
       Unary<v1::UpdateCompiledReportDraftRequest, v1::CompiledReportDraft>(
           agg, &A::UpdateCompiledReportDraft, update_compiled),
       "the compiling agency (the plan's compiler)"},
      {"Aggregation", "Forward (the province's figures)", kForwarders,
       Unary<v1::ForwardRequest, v1::ForwardResponse>(agg, &A::Forward, forward),
       "only to the upstream configured on the server, as the instance's own identity"},
      {"Aggregation", "Forward (a department's figures)", {},
       Unary<v1::ForwardRequest, v1::ForwardResponse>(agg, &A::Forward, forward_commune),
       "an instance forwards only the agency its certificate names"},
      {"Aggregation", "RebuildAggregates", kAuthorityAdmin,
       Unary<v1::RebuildAggregatesRequest, v1::RebuildAggregatesResponse>(
           agg, &A::RebuildAggregates, rebuild),
       ""},
      {"Federation", "GetReceivedFigures", kReaders3,
       Unary<v1::GetReceivedFiguresRequest, v1::ReceivedFigures>(fed, &F::GetReceivedFigures,
                                                                 get_received),
       "the figures a sender pushed"},
      {"Federation", "ListReceivedFigures", kAnyIdentified,
       Unary<v1::ListReceivedFiguresRequest, v1::ListReceivedFiguresResponse>(
           fed, &F::ListReceivedFigures, list_received),
       "lists only the senders GetReceivedFigures would return"},
      {"Federation", "GetNationalOverview", kAuthorityAnyRole,
       Unary<v1::GetNationalOverviewRequest, v1::NationalOverview>(
           fed, &F::GetNationalOverview, national_overview),
       "the Ministry's view of the figures received"},
      {"Federation", "GetNationalTrend", kAuthorityAnyRole,
       Unary<v1::GetNationalTrendRequest, v1::NationalTrend>(fed, &F::GetNationalTrend,
                                                             national_trend),
       ""},
      {"Federation", "ExportNationalTable", kAuthorityAnyRole,
       Unary<v1::ExportNationalTableRequest, v1::ExportNationalTableResponse>(
           fed, &F::ExportNationalTable, national_table),
       ""},
      {"Federation", "GetUpstreamStatus",
       {{Relation::kFocal, kReaders}, {Relation::kMinistry, kReaders}},
       Unary<v1::GetUpstreamStatusRequest, v1::UpstreamStatus>(fed, &F::GetUpstreamStatus,
                                                               v1::GetUpstreamStatusRequest()),
       "those who read the roll-ups of the agency the instance pushes as (here the province)"},
      {"Audit", "ListAuditRecords", kAuthorityAdmin,
       Unary<v1::ListAuditRecordsRequest, v1::ListAuditRecordsResponse>(
           aud, &T::ListAuditRecords, v1::ListAuditRecordsRequest()),
       ""},
      {"Audit", "VerifyAuditLog", kAuthorityAdmin,
       Unary<v1::VerifyAuditLogRequest, v1::VerifyAuditLogResponse>(aud, &T::VerifyAuditLog,
                                                                   v1::VerifyAuditLogRequest()),
       ""},
      // No directory: an allowed call is refused as INVALID_ARGUMENT.
      {"Operations", "BackupInstance", kAuthorityAdmin,
       Unary<v1::BackupInstanceRequest, v1::BackupInstanceResponse>(
           ops, &O::BackupInstance, v1::BackupInstanceRequest()),
       "writes on the server's machine"},
  };

  int cells = 0;
  for (const Row& row : rows) {
    for (Relation relation : kRelations) {
      for (const RoleColumn& role : kRoles) {
        auto context = Context(relation, role);
        grpc::Status status = row.call(context.get());
        bool refused = status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
                       status.error_code() == grpc::StatusCode::UNAUTHENTICATED;
        bool expected = relation != Relation::kNone && IsAllowed(row.allowed, relation, role);
        EXPECT_EQ(!refused, expected)
            << row.service << "." << row.method << " as " << role.label << " of "
            << RelationLabel(relation) << ": " << status.error_code() << " "
            << status.error_message();
        if (relation == Relation::kNone) {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
              << row.service << "." << row.method;
        }
        ++cells;
      }
    }
  }
  EXPECT_EQ(cells, static_cast<int>(rows.size()) * 5 * 5);

  // docs/security.md holds the same table between its markers.
  std::string table = Markdown(rows);
  std::ifstream in(SourcePath("docs/security.md"));
  std::stringstream doc;
  doc << in.rdbuf();
  const std::string begin = "<!-- permission-matrix:begin -->\n";
  const std::string end = "<!-- permission-matrix:end -->";
  std::string text = doc.str();
  size_t from = text.find(begin);
  size_t to = text.find(end);
  ASSERT_NE(from, std::string::npos) << "docs/security.md lacks " << begin;
  ASSERT_NE(to, std::string::npos);
  EXPECT_EQ(text.substr(from + begin.size(), to - from - begin.size()), table)
      << "docs/security.md's matrix differs from the tested one; the tested one is:\n"
      << table;
}

}  // namespace
}  // namespace tonghop::testing
