#include "services/registry/registry.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/errors.h"
#include "services/registry/plan_import/plan_importer.h"
#include "storage/memory_store.h"

namespace tonghop::registry {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const Caller kMinistry{"agencies/bo-tu-phap"};
const Caller kDongNaiJustice{"agencies/dong-nai-so-tu-phap"};
const Caller kHealth{"agencies/dong-nai-so-y-te"};

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  google::rpc::BadRequest bad_request = GetBadRequest(status);
  for (const auto& v : bad_request.field_violations()) fields.push_back(v.field());
  return fields;
}

v1::Agency MakeAgency(const std::string& display_name, v1::AgencyKind kind,
                      const std::string& parent) {
  v1::Agency a;
  a.set_display_name(display_name);
  a.set_kind(kind);
  a.set_parent(parent);
  return a;
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // An empty registry accepts its first agencies from the instance's authority.
    Create("bo-tu-phap", MakeAgency("Bộ Tư pháp", v1::AGENCY_KIND_MINISTRY, ""));
    Create("dong-nai", MakeAgency("Tỉnh Đồng Nai", v1::AGENCY_KIND_PROVINCE, "agencies/bo-tu-phap"));
    Create("dong-nai-so-tu-phap",
           MakeAgency("Sở Tư pháp tỉnh Đồng Nai", v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai"));
    Create("dong-nai-so-y-te",
           MakeAgency("Sở Y tế tỉnh Đồng Nai", v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai"));
    v1::UpdateAgencyRequest focal;
    *focal.mutable_agency() = *registry_.GetAgency("agencies/dong-nai");
    focal.mutable_agency()->set_focal_agency("agencies/dong-nai-so-tu-phap");
    ASSERT_TRUE(registry_.UpdateAgency(kMinistry, focal).ok());
  }

  v1::Agency Create(const std::string& id, const v1::Agency& agency,
                    const Caller& caller = kMinistry) {
    v1::CreateAgencyRequest request;
    request.set_agency_id(id);
    *request.mutable_agency() = agency;
    auto created = registry_.CreateAgency(caller, request);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : v1::Agency();
  }

  void CreateDimensionAndIndicators() {
    v1::CreateDimensionRequest dim;
    dim.set_dimension_id("sex");
    dim.mutable_dimension()->set_display_name("Giới tính");
    auto* male = dim.mutable_dimension()->add_options();
    male->set_code("male");
    male->set_display_name("Nam");
    auto* female = dim.mutable_dimension()->add_options();
    female->set_code("female");
    female->set_display_name("Nữ");
    ASSERT_TRUE(registry_.CreateDimension(kMinistry, dim).ok());
    for (const char* id : {"complaints-received", "complaints-resolved"}) {
      v1::CreateIndicatorRequest request;
      request.set_indicator_id(id);
      auto* i = request.mutable_indicator();
      i->set_display_name(id);
      i->set_unit("vụ việc");
      i->set_value_type(v1::VALUE_TYPE_COUNT);
      i->set_aggregation(v1::Indicator::AGGREGATION_SUM);
      i->add_dimensions("dimensions/sex");
      ASSERT_TRUE(registry_.CreateIndicator(kMinistry, request).ok());
    }
  }

  v1::Plan MakePlan() {
    v1::Plan plan;
    plan.set_symbol("74/KH-UBND");
    plan.set_title("Kế hoạch thử");
    plan.set_issuer("agencies/dong-nai");
    plan.set_first_year(2026);
    plan.set_last_year(2030);
    auto* round = plan.add_schedule();
    round->set_period_type(v1::PERIOD_TYPE_ANNUAL);
    round->mutable_due()->set_month(11);
    round->mutable_due()->set_day(5);
    return plan;
  }

  // Every audit record so far, oldest first.
  std::vector<v1::AuditRecord> AuditRecords() const { return *audit_.Read(0, 10000); }

  storage::MemoryStore store_;
  AccessPolicy policy_{"agencies/bo-tu-phap"};
  AuditLog audit_{&store_, "registry", nullptr};
  Registry registry_{&store_, &policy_, &audit_, plan_import::ParseImportRequest};
};

TEST_F(RegistryTest, CreateAndGetAgency) {
  auto got = registry_.GetAgency("agencies/dong-nai-so-y-te");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->display_name(), "Sở Y tế tỉnh Đồng Nai");
  EXPECT_EQ(got->parent(), "agencies/dong-nai");
  EXPECT_EQ(got->etag().size(), 16u);
  EXPECT_EQ(registry_.GetAgency("agencies/nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(registry_.GetAgency("bad name").status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A name that displays as something it is not, or hides a NUL, is refused.
TEST_F(RegistryTest, TextWithControlOrBidiOverrideCharactersIsRefused) {
  v1::CreateAgencyRequest request;
  request.set_agency_id("so-y-te-gia");
  auto* a = request.mutable_agency();
  a->set_display_name("Sở Y tế");
  a->set_kind(v1::AGENCY_KIND_MINISTRY);
  a->add_aliases("S\u202EY T");  // shows reversed
  a->add_aliases(std::string("x\0y", 3));
  auto status = registry_.CreateAgency(kMinistry, request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(status), UnorderedElementsAre("agency.aliases[0]", "agency.aliases[1]"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("U+202E"));
  EXPECT_FALSE(registry_.GetAgency("agencies/so-y-te-gia").ok()) << "nothing stored";
}

TEST_F(RegistryTest, AgencyValidationReportsEveryViolation) {
  v1::CreateAgencyRequest request;
  request.set_agency_id("x");
  auto* a = request.mutable_agency();
  a->set_parent("agencies/unknown");
  a->add_successors("agencies/also-unknown");
  a->add_aliases("A");
  a->add_aliases("A");
  a->mutable_valid_from()->set_year(2025);
  a->mutable_valid_from()->set_month(2);
  a->mutable_valid_from()->set_day(30);
  auto status = registry_.CreateAgency(kMinistry, request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("agency.display_name", "agency.kind", "agency.parent",
                                   "agency.successors[0]", "agency.valid_to",
                                   "agency.valid_from", "agency.aliases[1]"));
  EXPECT_FALSE(registry_.GetAgency("agencies/x").ok()) << "nothing stored";
}

TEST_F(RegistryTest, InvalidIdAndDuplicate) {
  v1::CreateAgencyRequest request;
  request.set_agency_id("Đồng Nai");
  *request.mutable_agency() = MakeAgency("X", v1::AGENCY_KIND_PROVINCE, "agencies/bo-tu-phap");
  EXPECT_THAT(ViolatedFields(registry_.CreateAgency(kMinistry, request).status()),
              UnorderedElementsAre("agency_id"));
  request.set_agency_id("dong-nai");
  EXPECT_EQ(registry_.CreateAgency(kMinistry, request).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(RegistryTest, RefusesCycles) {
  v1::UpdateAgencyRequest request;
  *request.mutable_agency() = *registry_.GetAgency("agencies/dong-nai");
  request.mutable_agency()->set_parent("agencies/dong-nai-so-y-te");
  auto status = registry_.UpdateAgency(kMinistry, request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("cycle"));
  request.mutable_agency()->set_parent("agencies/dong-nai");
  EXPECT_THAT(std::string(registry_.UpdateAgency(kMinistry, request).status().message()),
              HasSubstr("own parent"));
}

TEST_F(RegistryTest, EtagConflictIsAborted) {
  v1::Agency stale = *registry_.GetAgency("agencies/dong-nai-so-y-te");
  v1::UpdateAgencyRequest first;
  *first.mutable_agency() = stale;
  first.mutable_agency()->add_aliases("Sở Y tế");
  auto updated = registry_.UpdateAgency(kMinistry, first);
  ASSERT_TRUE(updated.ok());
  EXPECT_NE(updated->etag(), stale.etag());
  v1::UpdateAgencyRequest second;
  *second.mutable_agency() = stale;
  second.mutable_agency()->set_display_name("Tên khác");
  EXPECT_EQ(registry_.UpdateAgency(kMinistry, second).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(registry_.GetAgency("agencies/dong-nai-so-y-te")->display_name(),
            "Sở Y tế tỉnh Đồng Nai");
}

TEST_F(RegistryTest, UpdateMaskReplacesOnlyNamedFields) {
  v1::UpdateAgencyRequest request;
  request.mutable_agency()->set_name("agencies/dong-nai-so-y-te");
  request.mutable_agency()->add_aliases("SYT");
  request.mutable_update_mask()->add_paths("aliases");
  auto updated = registry_.UpdateAgency(kMinistry, request);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->display_name(), "Sở Y tế tỉnh Đồng Nai");
  EXPECT_THAT(updated->aliases(), ::testing::ElementsAre("SYT"));
  request.mutable_update_mask()->add_paths("no_such_field");
  EXPECT_THAT(ViolatedFields(registry_.UpdateAgency(kMinistry, request).status()),
              UnorderedElementsAre("update_mask"));
}

TEST_F(RegistryTest, AgencyEmailIsCheckedAndKept) {
  v1::UpdateAgencyRequest request;
  request.mutable_agency()->set_name("agencies/dong-nai-so-y-te");
  request.mutable_agency()->set_email("van thu@soyte");
  request.mutable_update_mask()->add_paths("email");
  EXPECT_THAT(ViolatedFields(registry_.UpdateAgency(kMinistry, request).status()),
              UnorderedElementsAre("agency.email"));
  EXPECT_EQ(registry_.GetAgency("agencies/dong-nai-so-y-te")->email(), "") << "nothing stored";
  request.mutable_agency()->set_email("vanthu@soyte.dongnai.gov.vn");
  auto updated = registry_.UpdateAgency(kMinistry, request);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->email(), "vanthu@soyte.dongnai.gov.vn");
  EXPECT_EQ(updated->display_name(), "Sở Y tế tỉnh Đồng Nai");
  EXPECT_EQ(registry_.GetAgency("agencies/dong-nai-so-y-te")->email(),
            "vanthu@soyte.dongnai.gov.vn");
}

TEST_F(RegistryTest, UpsertWithAllowMissing) {
  v1::UpdateAgencyRequest request;
  *request.mutable_agency() =
      MakeAgency("Sở Nội vụ", v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai");
  request.mutable_agency()->set_name("agencies/dong-nai-so-noi-vu");
  EXPECT_EQ(registry_.UpdateAgency(kMinistry, request).status().code(),
            absl::StatusCode::kNotFound);
  request.set_allow_missing(true);
  EXPECT_TRUE(registry_.UpdateAgency(kMinistry, request).ok());
  EXPECT_TRUE(registry_.GetAgency("agencies/dong-nai-so-noi-vu").ok());
}

TEST_F(RegistryTest, IdempotentCreate) {
  v1::CreateAgencyRequest request;
  request.set_agency_id("dong-nai-so-noi-vu");
  request.set_request_id("req-1");
  *request.mutable_agency() =
      MakeAgency("Sở Nội vụ", v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai");
  auto first = registry_.CreateAgency(kMinistry, request);
  ASSERT_TRUE(first.ok());
  int writes = store_.write_count();
  auto second = registry_.CreateAgency(kMinistry, request);
  ASSERT_TRUE(second.ok()) << "a retry answers like the first call, not ALREADY_EXISTS";
  EXPECT_EQ(second->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(store_.write_count(), writes) << "a retry writes nothing";
  // The same id for different content is refused.
  request.mutable_agency()->set_display_name("Khác");
  EXPECT_EQ(GetErrorInfo(registry_.CreateAgency(kMinistry, request).status()).reason(),
            "REQUEST_ID_REUSED");
}

TEST_F(RegistryTest, DeleteRefusesAgencyWithChildrenOrReferences) {
  v1::DeleteAgencyRequest request;
  request.set_name("agencies/dong-nai");
  auto status = registry_.DeleteAgency(kMinistry, request);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetErrorInfo(status).reason(), "AGENCY_HAS_CHILDREN");

  ASSERT_TRUE(registry_.CreatePlan(kMinistry, [&] {
    v1::CreatePlanRequest r;
    r.set_plan_id("p");
    *r.mutable_plan() = MakePlan();
    return r;
  }()).ok());
  v1::CreateTaskRequest task;
  task.set_parent("plans/p");
  task.mutable_task()->set_outline("A");
  task.mutable_task()->set_title("Nhiệm vụ");
  task.mutable_task()->add_lead()->set_agency("agencies/dong-nai-so-y-te");
  ASSERT_TRUE(registry_.CreateTask(kMinistry, task).ok());
  request.set_name("agencies/dong-nai-so-y-te");
  status = registry_.DeleteAgency(kMinistry, request);
  EXPECT_EQ(GetErrorInfo(status).reason(), "RESOURCE_IN_USE");
  EXPECT_THAT(std::string(status.message()), HasSubstr("plans/p/tasks/A"));

  v1::DeleteTaskRequest delete_task;
  delete_task.set_name("plans/p/tasks/A");
  ASSERT_TRUE(registry_.DeleteTask(kMinistry, delete_task).ok());
  EXPECT_TRUE(registry_.DeleteAgency(kMinistry, request).ok());
  EXPECT_EQ(registry_.GetAgency("agencies/dong-nai-so-y-te").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RegistryTest, ListAgenciesPaginatesAndFilters) {
  for (int i = 0; i < 25; ++i) {
    Create(absl::StrCat("dong-nai-xa-", 10 + i),
           MakeAgency(absl::StrCat("Xã ", i), v1::AGENCY_KIND_COMMUNE, "agencies/dong-nai"));
  }
  v1::ListAgenciesRequest request;
  request.set_parent("agencies/dong-nai");
  request.set_kind(v1::AGENCY_KIND_COMMUNE);
  request.set_page_size(10);
  std::vector<std::string> names;
  int pages = 0;
  do {
    auto page = registry_.ListAgencies(request);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    for (const auto& a : page->agencies()) names.push_back(a.name());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(names.size(), 25u);
  EXPECT_EQ(names.front(), "agencies/dong-nai-xa-10");
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));

  v1::ListAgenciesRequest all;
  all.set_page_size(3);
  auto first = registry_.ListAgencies(all);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->agencies_size(), 3);
  all.set_page_token(first->next_page_token());
  all.set_kind(v1::AGENCY_KIND_PROVINCE);
  EXPECT_EQ(registry_.ListAgencies(all).status().code(), absl::StatusCode::kInvalidArgument)
      << "a token is bound to its query";
  v1::ListAgenciesRequest prefixed;
  prefixed.set_id_prefix("dong-nai-so");
  auto so = registry_.ListAgencies(prefixed);
  ASSERT_TRUE(so.ok());
  EXPECT_EQ(so->agencies_size(), 2);
}

TEST_F(RegistryTest, PermissionRules) {
  // The province's Department of Justice manages the province's subtree.
  Create("dong-nai-so-noi-vu",
         MakeAgency("Sở Nội vụ", v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai"),
         kDongNaiJustice);
  // A department may not create agencies, nor may anyone outside the tree.
  v1::CreateAgencyRequest request;
  request.set_agency_id("dong-nai-so-x");
  *request.mutable_agency() = MakeAgency("Sở X", v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai");
  EXPECT_EQ(registry_.CreateAgency(kHealth, request).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(registry_.CreateAgency(Caller{"agencies/stranger"}, request).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(registry_.CreateAgency(Caller{""}, request).status().code(),
            absl::StatusCode::kUnauthenticated);
  // Dimensions and indicators are the ministry's.
  v1::CreateDimensionRequest dim;
  dim.set_dimension_id("sex");
  dim.mutable_dimension()->set_display_name("Giới tính");
  dim.mutable_dimension()->add_options()->set_code("male");
  dim.mutable_dimension()->mutable_options(0)->set_display_name("Nam");
  EXPECT_EQ(registry_.CreateDimension(kDongNaiJustice, dim).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(registry_.CreateDimension(kMinistry, dim).ok());
}

TEST_F(RegistryTest, IndicatorValidation) {
  CreateDimensionAndIndicators();
  v1::CreateIndicatorRequest request;
  request.set_indicator_id("rate");
  auto* i = request.mutable_indicator();
  i->set_display_name("Tỷ lệ");
  i->set_unit("%");
  i->set_value_type(v1::VALUE_TYPE_PERCENT);
  i->set_aggregation(v1::Indicator::AGGREGATION_RATIO);
  i->set_numerator("indicators/complaints-resolved");
  i->add_dimensions("dimensions/age");
  i->add_rules()->set_other("indicators/nope");
  EXPECT_THAT(ViolatedFields(registry_.CreateIndicator(kMinistry, request).status()),
              UnorderedElementsAre("indicator.denominator", "indicator.dimensions[0]",
                                   "indicator.rules[0].kind", "indicator.rules[0].other"));
  i->set_denominator("indicators/complaints-received");
  i->clear_dimensions();
  i->clear_rules();
  EXPECT_TRUE(registry_.CreateIndicator(kMinistry, request).ok());
  v1::DeleteIndicatorRequest del;
  del.set_name("indicators/complaints-received");
  EXPECT_EQ(registry_.DeleteIndicator(kMinistry, del).code(),
            absl::StatusCode::kFailedPrecondition);
  v1::DeleteDimensionRequest del_dim;
  del_dim.set_name("dimensions/sex");
  EXPECT_EQ(registry_.DeleteDimension(kMinistry, del_dim).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RegistryTest, ACrossingIsOfTwoOfTheIndicatorsOwnDimensions) {
  CreateDimensionAndIndicators();
  v1::CreateDimensionRequest age;
  age.set_dimension_id("age");
  age.mutable_dimension()->set_display_name("Nhóm tuổi");
  age.mutable_dimension()->add_options()->set_code("adult");
  age.mutable_dimension()->mutable_options(0)->set_display_name("Người lớn");
  ASSERT_TRUE(registry_.CreateDimension(kMinistry, age).ok());
  v1::CreateDimensionRequest religion = age;
  religion.set_dimension_id("religion");
  religion.mutable_dimension()->set_display_name("Tôn giáo");
  ASSERT_TRUE(registry_.CreateDimension(kMinistry, religion).ok());

  v1::CreateIndicatorRequest request;
  request.set_indicator_id("cases");
  auto* i = request.mutable_indicator();
  i->set_display_name("Số vụ việc");
  i->set_unit("vụ việc");
  i->set_value_type(v1::VALUE_TYPE_COUNT);
  i->set_aggregation(v1::Indicator::AGGREGATION_SUM);
  i->add_dimensions("dimensions/sex");
  i->add_dimensions("dimensions/age");
  auto cross = [&](const std::string& rows, const std::string& columns) {
    auto* c = i->add_crossings();
    c->set_rows(rows);
    c->set_columns(columns);
  };
  cross("dimensions/sex", "dimensions/age");       // [0] fine
  cross("dimensions/age", "dimensions/sex");       // [1] the same pair
  cross("dimensions/sex", "dimensions/sex");       // [2] one dimension
  cross("dimensions/sex", "dimensions/religion");  // [3] not the indicator's
  cross("", "dimensions/age");                     // [4] half
  absl::Status refused = registry_.CreateIndicator(kMinistry, request).status();
  EXPECT_THAT(ViolatedFields(refused),
              UnorderedElementsAre("indicator.crossings[1]", "indicator.crossings[2].columns",
                                   "indicator.crossings[3].columns",
                                   "indicator.crossings[4].rows"));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("already crossed"));
  EXPECT_FALSE(registry_.GetIndicator("indicators/cases").ok())
      << "a refused indicator is not stored";

  i->mutable_crossings()->DeleteSubrange(1, 4);
  absl::StatusOr<v1::Indicator> created = registry_.CreateIndicator(kMinistry, request);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_EQ(created->crossings_size(), 1);
  EXPECT_EQ(created->crossings(0).rows(), "dimensions/sex");
  EXPECT_EQ(created->crossings(0).columns(), "dimensions/age");
}

TEST_F(RegistryTest, PlanAndTaskValidation) {
  v1::CreatePlanRequest plan;
  plan.set_plan_id("p");
  plan.mutable_plan()->set_issuer("agencies/ghost");
  plan.mutable_plan()->set_first_year(2030);
  plan.mutable_plan()->set_last_year(2026);
  plan.mutable_plan()->add_schedule();
  EXPECT_THAT(ViolatedFields(registry_.CreatePlan(kMinistry, plan).status()),
              UnorderedElementsAre("plan.symbol", "plan.title", "plan.issuer", "plan.last_year",
                                   "plan.schedule[0].period_type", "plan.schedule[0].due"));
  *plan.mutable_plan() = MakePlan();
  ASSERT_TRUE(registry_.CreatePlan(kDongNaiJustice, plan).ok())
      << "the issuer's focal agency registers its plans";

  v1::CreateTaskRequest task;
  task.set_parent("plans/p");
  task.mutable_task()->set_outline("A.1");
  task.mutable_task()->set_parent("plans/p/tasks/A");
  task.mutable_task()->add_lead()->set_agency("agencies/ghost");
  task.mutable_task()->add_coordinating();
  task.mutable_task()->add_indicators("indicators/ghost");
  task.mutable_task()->mutable_deadline()->set_kind(v1::DEADLINE_KIND_MILESTONES);
  EXPECT_THAT(ViolatedFields(registry_.CreateTask(kMinistry, task).status()),
              UnorderedElementsAre("task.title", "task.parent", "task.lead[0].agency",
                                   "task.coordinating[0]", "task.indicators[0]",
                                   "task.deadline.milestones"));
}

TEST_F(RegistryTest, PlanFeedingAnUpstreamPlanMapsIndicatorsThatExistHere) {
  CreateDimensionAndIndicators();
  v1::CreatePlanRequest plan;
  plan.set_plan_id("p");
  *plan.mutable_plan() = MakePlan();
  v1::IndicatorMapping* ghost = plan.mutable_plan()->add_indicator_mappings();
  ghost->set_indicator("indicators/ghost");
  ghost->set_upstream_indicator("complaints");
  v1::IndicatorMapping* twice = plan.mutable_plan()->add_indicator_mappings();
  twice->set_indicator("indicators/complaints-received");
  twice->set_upstream_indicator("indicators/khieu-nai");
  *plan.mutable_plan()->add_indicator_mappings() = *twice;
  EXPECT_THAT(ViolatedFields(registry_.CreatePlan(kMinistry, plan).status()),
              UnorderedElementsAre("plan.indicator_mappings[0]",
                                   "plan.indicator_mappings[0].indicator",
                                   "plan.indicator_mappings[0].upstream_indicator",
                                   "plan.indicator_mappings[1]", "plan.indicator_mappings[2]",
                                   "plan.indicator_mappings[2].indicator"));

  plan.mutable_plan()->set_upstream_plan("plans/national-2026");
  plan.mutable_plan()->mutable_indicator_mappings()->DeleteSubrange(0, 1);
  plan.mutable_plan()->mutable_indicator_mappings()->RemoveLast();
  auto created = registry_.CreatePlan(kMinistry, plan);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->upstream_plan(), "plans/national-2026");
  ASSERT_EQ(created->indicator_mappings_size(), 1);
  EXPECT_EQ(created->indicator_mappings(0).upstream_indicator(), "indicators/khieu-nai");
}

TEST_F(RegistryTest, ImportExportRoundTripsExactly) {
  CreateDimensionAndIndicators();
  v1::PlanBundle bundle;
  *bundle.mutable_plan() = MakePlan();
  bundle.mutable_plan()->set_name("plans/dong-nai-74-2026");
  v1::Task* a = bundle.add_tasks();
  a->set_outline("A");
  a->set_title("Nhóm A");
  v1::Task* a1 = bundle.add_tasks();
  a1->set_outline("A.I");
  a1->set_parent("plans/dong-nai-74-2026/tasks/A");
  a1->set_title("Nhiệm vụ A.I");
  auto* lead = a1->add_lead();
  lead->set_agency("agencies/dong-nai-so-y-te");
  lead->set_scope_note("các vấn đề đối với trẻ em");
  auto* group = a1->add_coordinating()->mutable_group();
  group->set_ancestor("agencies/dong-nai");
  group->set_kind(v1::AGENCY_KIND_COMMUNE);
  a1->add_indicators("indicators/complaints-received");
  a1->mutable_deadline()->set_kind(v1::DEADLINE_KIND_EVERY_YEAR);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(bundle, &json).ok());

  v1::ImportPlanRequest import;
  import.set_content(json);
  import.set_validate_only(true);
  auto dry = registry_.ImportPlan(kDongNaiJustice, import);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_FALSE(dry->committed());
  EXPECT_EQ(registry_.GetPlan("plans/dong-nai-74-2026").status().code(),
            absl::StatusCode::kNotFound) << "a dry run stores nothing";
  import.set_validate_only(false);
  auto committed = registry_.ImportPlan(kDongNaiJustice, import);
  ASSERT_TRUE(committed.ok()) << committed.status();
  EXPECT_TRUE(committed->committed());
  EXPECT_EQ(committed->report().task_count(), 2);
  ASSERT_EQ(committed->report().level_counts_size(), 2);

  v1::ExportPlanRequest export_request;
  export_request.set_name("plans/dong-nai-74-2026");
  auto exported = registry_.ExportPlan(export_request);
  ASSERT_TRUE(exported.ok());
  std::string json2;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(exported->bundle(), &json2).ok());
  // Importing the export and exporting again gives the same bytes.
  import.set_content(json2);
  ASSERT_TRUE(registry_.ImportPlan(kDongNaiJustice, import).ok());
  auto exported2 = registry_.ExportPlan(export_request);
  std::string json3;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(exported2->bundle(), &json3).ok());
  EXPECT_EQ(json2, json3);
  EXPECT_EQ(exported->bundle().tasks(1).sequence(), 2);

  // A re-import with fewer tasks removes the missing ones, atomically.
  bundle.mutable_tasks()->RemoveLast();
  json.clear();  // MessageToJsonString appends
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(bundle, &json).ok());
  import.set_content(json);
  { auto again = registry_.ImportPlan(kDongNaiJustice, import); ASSERT_TRUE(again.ok()) << again.status(); }
  EXPECT_EQ(registry_.GetTask("plans/dong-nai-74-2026/tasks/A.I").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RegistryTest, ImportRefusesBadBundlesWholly) {
  v1::PlanBundle bundle;
  *bundle.mutable_plan() = MakePlan();
  bundle.mutable_plan()->set_name("plans/p");
  v1::Task* t = bundle.add_tasks();
  t->set_outline("A");
  t->set_title("A");
  v1::Task* dup = bundle.add_tasks();
  dup->set_outline("A");
  dup->set_title("A again");
  v1::Task* orphan = bundle.add_tasks();
  orphan->set_outline("B.1");
  orphan->set_title("B.1");
  orphan->set_parent("plans/p/tasks/B");
  orphan->add_lead()->set_agency("agencies/ghost");
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(bundle, &json).ok());
  v1::ImportPlanRequest import;
  import.set_content(json);
  auto status = registry_.ImportPlan(kMinistry, import).status();
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("bundle.tasks[1].outline", "bundle.tasks[2].parent",
                                   "bundle.tasks[2].lead[0].agency"));
  EXPECT_EQ(registry_.GetPlan("plans/p").status().code(), absl::StatusCode::kNotFound);

  import.set_content("{not json");
  EXPECT_EQ(GetErrorInfo(registry_.ImportPlan(kMinistry, import).status()).reason(),
            "CONTENT_MALFORMED");
  import.set_content("");
  EXPECT_EQ(GetErrorInfo(registry_.ImportPlan(kMinistry, import).status()).reason(),
            "EMPTY_INPUT");
}

TEST_F(RegistryTest, DecomposedTextIsStoredInNfc) {
  v1::Agency a = MakeAgency("So\xCC\x9B\xCC\x89 N\xC3\xB4\xCC\xA3i vu\xCC\xA3",
                            v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai");
  Create("dong-nai-so-noi-vu", a);
  EXPECT_EQ(registry_.GetAgency("agencies/dong-nai-so-noi-vu")->display_name(), "Sở Nội vụ");
}

TEST_F(RegistryTest, FailedWriteChangesNothing) {
  store_.set_fail_writes(true);
  v1::CreateAgencyRequest request;
  request.set_agency_id("dong-nai-so-noi-vu");
  *request.mutable_agency() = MakeAgency("Sở Nội vụ", v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai");
  EXPECT_FALSE(registry_.CreateAgency(kMinistry, request).ok());
  store_.set_fail_writes(false);
  EXPECT_EQ(registry_.GetAgency("agencies/dong-nai-so-noi-vu").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RegistryTest, EveryChangeIsInTheAuditTrail) {
  // SetUp: four agencies created, one updated.
  std::vector<v1::AuditRecord> records = AuditRecords();
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0].method(), "CreateAgency");
  EXPECT_EQ(records[0].resource(), "agencies/bo-tu-phap");
  EXPECT_EQ(records[0].actor(), "agencies/bo-tu-phap");
  EXPECT_EQ(records[4].method(), "UpdateAgency");
  EXPECT_EQ(records[4].resource(), "agencies/dong-nai");

  CreateDimensionAndIndicators();
  v1::PlanBundle bundle;
  *bundle.mutable_plan() = MakePlan();
  bundle.mutable_plan()->set_name("plans/dong-nai-74-2026");
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(bundle, &json).ok());
  v1::ImportPlanRequest import;
  import.set_content(json);
  import.set_request_id("import-1");
  ASSERT_TRUE(registry_.ImportPlan(kDongNaiJustice, import).ok());
  v1::DeleteIndicatorRequest remove;
  remove.set_name("indicators/complaints-resolved");
  ASSERT_TRUE(registry_.DeleteIndicator(kMinistry, remove).ok());

  records = AuditRecords();
  ASSERT_EQ(records.size(), 10u);
  EXPECT_EQ(records[5].method(), "CreateDimension");
  EXPECT_EQ(records[5].resource(), "dimensions/sex");
  EXPECT_EQ(records[7].resource(), "indicators/complaints-resolved");
  EXPECT_EQ(records[8].method(), "ImportPlan");
  EXPECT_EQ(records[8].resource(), "plans/dong-nai-74-2026");
  EXPECT_EQ(records[8].actor(), "agencies/dong-nai-so-tu-phap");
  EXPECT_EQ(records[8].request_id(), "import-1");
  EXPECT_EQ(records[9].method(), "DeleteIndicator");
  EXPECT_EQ(records[9].resource(), "indicators/complaints-resolved");
  for (const v1::AuditRecord& r : records) EXPECT_EQ(r.result().code(), 0) << r.method();
  auto verified = audit_.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact()) << verified->problem();

  // A retry answered from the idempotency table changes nothing and adds
  // no record.
  ASSERT_TRUE(registry_.ImportPlan(kDongNaiJustice, import).ok());
  EXPECT_EQ(AuditRecords().size(), 10u);
  // The same request id with another file is refused and changes nothing.
  bundle.mutable_plan()->set_title("Một kế hoạch khác");
  json.clear();
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(bundle, &json).ok());
  import.set_content(json);
  EXPECT_FALSE(registry_.ImportPlan(kDongNaiJustice, import).ok());
  EXPECT_NE(registry_.GetPlan("plans/dong-nai-74-2026")->title(), "Một kế hoạch khác");
  EXPECT_EQ(AuditRecords().size(), 10u);
}

TEST_F(RegistryTest, RefusalsAreAuditedAndBadInputIsNot) {
  size_t before = AuditRecords().size();
  v1::CreateAgencyRequest request;
  request.set_agency_id("dong-nai-so-x");
  *request.mutable_agency() = MakeAgency("Sở X", v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai");
  ASSERT_EQ(registry_.CreateAgency(kHealth, request).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_EQ(registry_.CreateAgency(Caller{""}, request).status().code(),
            absl::StatusCode::kUnauthenticated);
  v1::CreateAgencyRequest invalid = request;
  invalid.mutable_agency()->clear_display_name();
  ASSERT_EQ(registry_.CreateAgency(kMinistry, invalid).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.set_validate_only(true);
  ASSERT_TRUE(registry_.CreateAgency(kMinistry, request).ok());

  std::vector<v1::AuditRecord> records = AuditRecords();
  ASSERT_EQ(records.size(), before + 2);
  EXPECT_EQ(records[before].method(), "CreateAgency");
  EXPECT_EQ(records[before].resource(), "agencies/dong-nai-so-x");
  EXPECT_EQ(records[before].actor(), "agencies/dong-nai-so-y-te");
  EXPECT_EQ(records[before].result().code(),
            static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(records[before + 1].result().code(),
            static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(records[before + 1].actor(), "");
}

TEST_F(RegistryTest, AFailedWriteAddsNoRecord) {
  size_t before = AuditRecords().size();
  store_.set_fail_writes(true);
  v1::CreateAgencyRequest request;
  request.set_agency_id("dong-nai-so-noi-vu");
  *request.mutable_agency() = MakeAgency("Sở Nội vụ", v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai");
  EXPECT_FALSE(registry_.CreateAgency(kMinistry, request).ok());
  store_.set_fail_writes(false);
  EXPECT_TRUE(registry_.CreateAgency(kMinistry, request).ok());
  std::vector<v1::AuditRecord> records = AuditRecords();
  ASSERT_EQ(records.size(), before + 1);
  EXPECT_EQ(records.back().sequence(), static_cast<int64_t>(before + 1));
  EXPECT_TRUE(audit_.Verify()->intact());
}

}  // namespace
}  // namespace tonghop::registry
