// The standard methods every registry resource gets from ResourceTable,
// run over each kind through the Registry: the same cases, five policies.

#include "services/registry/resource_table.h"

#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "services/registry/registry.h"
#include "storage/memory_store.h"

namespace tonghop::registry {
namespace {

using ::testing::HasSubstr;

const Caller kMinistry{"agencies/bo-tu-phap"};
// A department of the province: may write none of the resources below.
const Caller kHealth{"agencies/dong-nai-so-y-te"};

// `message`'s string field `field`.
std::string StringField(const google::protobuf::Message& message, const std::string& field) {
  return message.GetReflection()->GetString(message,
                                            message.GetDescriptor()->FindFieldByName(field));
}
void SetStringField(google::protobuf::Message& message, const std::string& field,
                    const std::string& value) {
  message.GetReflection()->SetString(&message, message.GetDescriptor()->FindFieldByName(field),
                                     value);
}

// `text` (the protobuf text format) as a T; the test data below is valid.
template <typename T>
T Parsed(const std::string& text) {
  T message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message)) << text;
  return message;
}

// `request` carrying `body` in its resource field.
template <typename Request, typename Resource>
Request Carrying(const Resource& body) {
  Request request;
  request.GetReflection()
      ->MutableMessage(&request, ResourceFieldOf<Request, Resource>())
      ->CopyFrom(body);
  return request;
}

// A registry with a province, two of its departments, a dimension, an
// indicator, and a plan of the province with one task.
class TableTestBase : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* agency : {
             R"pb(agency_id: "bo-tu-phap"
                  agency { display_name: "Bộ Tư pháp" kind: AGENCY_KIND_MINISTRY })pb",
             R"pb(agency_id: "dong-nai"
                  agency {
                    display_name: "Tỉnh Đồng Nai"
                    kind: AGENCY_KIND_PROVINCE
                    parent: "agencies/bo-tu-phap"
                  })pb",
             R"pb(agency_id: "dong-nai-so-tu-phap"
                  agency {
                    display_name: "Sở Tư pháp"
                    kind: AGENCY_KIND_DEPARTMENT
                    parent: "agencies/dong-nai"
                  })pb",
             R"pb(agency_id: "dong-nai-so-y-te"
                  agency {
                    display_name: "Sở Y tế"
                    kind: AGENCY_KIND_DEPARTMENT
                    parent: "agencies/dong-nai"
                  })pb"}) {
      ASSERT_TRUE(registry_.CreateAgency(kMinistry, Parsed<v1::CreateAgencyRequest>(agency)).ok());
    }
    v1::CreateDimensionRequest dimension;
    dimension.set_dimension_id("sex");
    *dimension.mutable_dimension() = NewDimension();
    ASSERT_TRUE(registry_.CreateDimension(kMinistry, dimension).ok());
    v1::CreateIndicatorRequest indicator;
    indicator.set_indicator_id("complaints");
    *indicator.mutable_indicator() = NewIndicator();
    indicator.mutable_indicator()->add_dimensions("dimensions/sex");
    ASSERT_TRUE(registry_.CreateIndicator(kMinistry, indicator).ok());
    v1::CreatePlanRequest plan;
    plan.set_plan_id("p");
    *plan.mutable_plan() = NewPlan();
    ASSERT_TRUE(registry_.CreatePlan(kMinistry, plan).ok());
    ASSERT_TRUE(CreateTask("plans/p", "A").ok());
  }

 public:
  static v1::Dimension NewDimension() {
    return Parsed<v1::Dimension>(R"pb(
      display_name: "Nhóm"
      options { code: "a" display_name: "Nhóm A" }
      options { code: "b" display_name: "Nhóm B" }
    )pb");
  }
  static v1::Indicator NewIndicator() {
    return Parsed<v1::Indicator>(R"pb(
      display_name: "Vụ việc"
      unit: "vụ việc"
      value_type: VALUE_TYPE_COUNT
      aggregation: AGGREGATION_SUM
    )pb");
  }
  static v1::Plan NewPlan() {
    return Parsed<v1::Plan>(R"pb(
      symbol: "74/KH-UBND"
      title: "Kế hoạch thử"
      issuer: "agencies/dong-nai"
      first_year: 2026
      last_year: 2030
      schedule {
        period_type: PERIOD_TYPE_ANNUAL
        due { month: 11 day: 5 }
      }
    )pb");
  }
  static v1::Task NewTask(const std::string& outline) {
    v1::Task task = Parsed<v1::Task>(R"pb(
      title: "Nhiệm vụ"
      lead { agency: "agencies/dong-nai-so-y-te" }
    )pb");
    task.set_outline(outline);
    return task;
  }

  absl::StatusOr<v1::Task> CreateTask(const std::string& plan, const std::string& outline,
                                      const std::string& parent = "") {
    v1::CreateTaskRequest request;
    request.set_parent(plan);
    *request.mutable_task() = NewTask(outline);
    request.mutable_task()->set_parent(parent);
    return registry_.CreateTask(kMinistry, request);
  }
  absl::Status DeleteTask(const std::string& name) {
    v1::DeleteTaskRequest request;
    request.set_name(name);
    return registry_.DeleteTask(kMinistry, request);
  }
  // Sets the repeated string field `field` of the task or indicator `name`
  // to `values`, through an update with a mask.
  absl::Status SetList(const std::string& name, const std::string& field,
                       const std::vector<std::string>& values) {
    google::protobuf::Message* body;
    v1::UpdateTaskRequest task;
    v1::UpdateIndicatorRequest indicator;
    if (absl::StrContains(name, "/tasks/")) {
      ASSIGN_OR_RETURN(*task.mutable_task(), registry_.GetTask(name));
      body = task.mutable_task();
      task.mutable_update_mask()->add_paths(field);
    } else {
      ASSIGN_OR_RETURN(*indicator.mutable_indicator(), registry_.GetIndicator(name));
      body = indicator.mutable_indicator();
      indicator.mutable_update_mask()->add_paths(field);
    }
    const google::protobuf::FieldDescriptor* list = body->GetDescriptor()->FindFieldByName(field);
    body->GetReflection()->ClearField(body, list);
    for (const std::string& v : values) body->GetReflection()->AddString(body, list, v);
    if (task.has_task()) return registry_.UpdateTask(kMinistry, task).status();
    return registry_.UpdateIndicator(kMinistry, indicator).status();
  }

  std::vector<v1::AuditRecord> AuditRecords() const { return *audit_.Read(0, 10000); }

  storage::MemoryStore store_;
  AccessPolicy policy_{"agencies/bo-tu-phap"};
  AuditLog audit_{&store_, "registry", nullptr};
  Registry registry_{&store_, &policy_, &audit_};
};

// ---- One case per resource kind ----
//
// Each gives the kind's four methods on Registry, names a new resource and
// makes a valid body for it, names a string field an update changes and
// one it keeps, and makes (Block) and undoes (Unblock) something that
// refuses its deletion with `blocked`'s reason.

template <auto kCreateMethod, auto kGetMethod, auto kUpdateMethod, auto kDeleteMethod>
struct Methods {
  static constexpr auto kCreate = kCreateMethod;
  static constexpr auto kGet = kGetMethod;
  static constexpr auto kUpdate = kUpdateMethod;
  static constexpr auto kDelete = kDeleteMethod;
};

struct CaseData {
  const char* name;
  const char* changed;
  const char* kept;
  const char* blocked;
};

struct AgencyCase : Methods<&Registry::CreateAgency, &Registry::GetAgency, &Registry::UpdateAgency,
                            &Registry::DeleteAgency> {
  static constexpr CaseData kData{"agencies/dong-nai-so-moi", "display_name", "english_name",
                                  "RESOURCE_IN_USE"};
  static v1::Agency Body() {
    return Parsed<v1::Agency>(R"pb(
      display_name: "Sở Mới"
      kind: AGENCY_KIND_DEPARTMENT
      parent: "agencies/dong-nai"
    )pb");
  }
  // A task assigning it a duty refers to it.
  static absl::Status Block(TableTestBase& t) { return AssignTaskTo(t, kData.name); }
  static absl::Status Unblock(TableTestBase& t) {
    return AssignTaskTo(t, "agencies/dong-nai-so-y-te");
  }
  static absl::Status AssignTaskTo(TableTestBase& t, const std::string& agency) {
    v1::UpdateTaskRequest request;
    request.mutable_task()->set_name("plans/p/tasks/A");
    request.mutable_task()->add_lead()->set_agency(agency);
    request.mutable_update_mask()->add_paths("lead");
    return t.registry_.UpdateTask(kMinistry, request).status();
  }
};

struct DimensionCase : Methods<&Registry::CreateDimension, &Registry::GetDimension,
                               &Registry::UpdateDimension, &Registry::DeleteDimension> {
  static constexpr CaseData kData{"dimensions/age", "display_name", "english_name",
                                  "RESOURCE_IN_USE"};
  static v1::Dimension Body() { return TableTestBase::NewDimension(); }
  // An indicator broken down by it refers to it.
  static absl::Status Block(TableTestBase& t) {
    return t.SetList("indicators/complaints", "dimensions", {"dimensions/sex", kData.name});
  }
  static absl::Status Unblock(TableTestBase& t) {
    return t.SetList("indicators/complaints", "dimensions", {"dimensions/sex"});
  }
};

struct IndicatorCase : Methods<&Registry::CreateIndicator, &Registry::GetIndicator,
                               &Registry::UpdateIndicator, &Registry::DeleteIndicator> {
  static constexpr CaseData kData{"indicators/cases", "display_name", "description",
                                  "RESOURCE_IN_USE"};
  static v1::Indicator Body() { return TableTestBase::NewIndicator(); }
  // A task measured by it refers to it.
  static absl::Status Block(TableTestBase& t) {
    return t.SetList("plans/p/tasks/A", "indicators", {kData.name});
  }
  static absl::Status Unblock(TableTestBase& t) {
    return t.SetList("plans/p/tasks/A", "indicators", {});
  }
};

struct PlanCase : Methods<&Registry::CreatePlan, &Registry::GetPlan, &Registry::UpdatePlan,
                          &Registry::DeletePlan> {
  static constexpr CaseData kData{"plans/moi", "title", "symbol", "PLAN_HAS_TASKS"};
  static v1::Plan Body() { return TableTestBase::NewPlan(); }
  // Its tasks go with it only when forced.
  static absl::Status Block(TableTestBase& t) { return t.CreateTask(kData.name, "A").status(); }
  static absl::Status Unblock(TableTestBase& t) { return t.DeleteTask("plans/moi/tasks/A"); }
};

struct TaskCase : Methods<&Registry::CreateTask, &Registry::GetTask, &Registry::UpdateTask,
                          &Registry::DeleteTask> {
  static constexpr CaseData kData{"plans/p/tasks/B", "title", "printed_code", "TASK_HAS_CHILDREN"};
  static v1::Task Body() { return TableTestBase::NewTask("B"); }
  // Its sub-tasks.
  static absl::Status Block(TableTestBase& t) {
    return t.CreateTask("plans/p", "B.1", kData.name).status();
  }
  static absl::Status Unblock(TableTestBase& t) { return t.DeleteTask("plans/p/tasks/B.1"); }
};

// The request type a Registry method takes.
template <typename Method>
struct RequestOf;
template <typename Result, typename Request>
struct RequestOf<Result (Registry::*)(const Caller&, const Request&)> {
  using type = Request;
};
template <auto kMethod>
using RequestOfT = typename RequestOf<std::remove_cv_t<decltype(kMethod)>>::type;

template <typename Case>
class ResourceTableTest : public TableTestBase {
 protected:
  using Resource = typename std::invoke_result_t<decltype(Case::kGet), const Registry&,
                                                 absl::string_view>::value_type;
  using CreateRequest = RequestOfT<Case::kCreate>;
  using UpdateRequest = RequestOfT<Case::kUpdate>;
  using DeleteRequest = RequestOfT<Case::kDelete>;

  // "Agency", "Task": the end of each method's name.
  static std::string Kind() { return Resource::descriptor()->name(); }

  CreateRequest NewCreateRequest(const Resource& body) const {
    auto request = Carrying<CreateRequest>(body);
    std::string name = Case::kData.name;
    std::string id_field =
        absl::StrCat(ResourceFieldOf<decltype(request), Resource>()->name(), "_id");
    if (request.GetDescriptor()->FindFieldByName(id_field) != nullptr) {
      SetStringField(request, id_field, IdOf(name));
    } else {  // a task: its plan is the parent, its outline (in the body) the id
      SetStringField(request, "parent", name.substr(0, name.find("/tasks/")));
    }
    return request;
  }
  absl::StatusOr<Resource> Create(const Caller& caller = kMinistry,
                                  const std::string& request_id = "", bool validate_only = false) {
    auto request = NewCreateRequest(Case::Body());
    request.set_request_id(request_id);
    request.set_validate_only(validate_only);
    return (registry_.*Case::kCreate)(caller, request);
  }
  absl::StatusOr<Resource> Get() const { return (registry_.*Case::kGet)(Case::kData.name); }
  // The stored resource's bytes, or why there are none.
  std::string Stored() const {
    absl::StatusOr<Resource> got = Get();
    return got.ok() ? got->SerializeAsString() : got.status().ToString();
  }
  absl::StatusOr<Resource> Update(const Resource& body, std::vector<std::string> mask = {},
                                  bool allow_missing = false) {
    auto request = Carrying<UpdateRequest>(body);
    for (const std::string& path : mask) request.mutable_update_mask()->add_paths(path);
    request.set_allow_missing(allow_missing);
    return (registry_.*Case::kUpdate)(kMinistry, request);
  }
  absl::Status Delete(const std::string& etag = "", const Caller& caller = kMinistry) {
    DeleteRequest request;
    request.set_name(Case::kData.name);
    request.set_etag(etag);
    return (registry_.*Case::kDelete)(caller, request);
  }
};

using Kinds = ::testing::Types<AgencyCase, DimensionCase, IndicatorCase, PlanCase, TaskCase>;
TYPED_TEST_SUITE(ResourceTableTest, Kinds);

TYPED_TEST(ResourceTableTest, CreateStoresWithNameAndEtagAndAudits) {
  auto created = this->Create();
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), TypeParam::kData.name);
  EXPECT_EQ(created->etag().size(), 16u);
  EXPECT_EQ(StringField(*created, TypeParam::kData.changed),
            StringField(TypeParam::Body(), TypeParam::kData.changed));
  auto got = this->Get();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->SerializeAsString(), created->SerializeAsString());
  v1::AuditRecord last = this->AuditRecords().back();
  EXPECT_EQ(last.method(), "Create" + this->Kind());
  EXPECT_EQ(last.resource(), TypeParam::kData.name);

  int writes = this->store_.write_count();
  EXPECT_EQ(this->Create().status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(this->store_.write_count(), writes);
}

TYPED_TEST(ResourceTableTest, ARetryWithTheSameRequestIdAppliesOnce) {
  auto first = this->Create(kMinistry, "req-1");
  ASSERT_TRUE(first.ok()) << first.status();
  int writes = this->store_.write_count();
  size_t records = this->AuditRecords().size();
  auto second = this->Create(kMinistry, "req-1");
  ASSERT_TRUE(second.ok()) << "a retry is answered as the first call, not ALREADY_EXISTS: "
                           << second.status();
  EXPECT_EQ(second->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(this->store_.write_count(), writes);
  EXPECT_EQ(this->AuditRecords().size(), records);
  // The same id for another request is refused.
  auto other = this->NewCreateRequest(TypeParam::Body());
  SetStringField(*other.GetReflection()->MutableMessage(
                     &other, ResourceFieldOf<decltype(other), typename TestFixture::Resource>()),
                 TypeParam::kData.changed, "Khác");
  other.set_request_id("req-1");
  EXPECT_EQ(GetErrorInfo((this->registry_.*TypeParam::kCreate)(kMinistry, other).status()).reason(),
            "REQUEST_ID_REUSED");
}

TYPED_TEST(ResourceTableTest, ValidateOnlyWritesNothing) {
  int writes = this->store_.write_count();
  auto checked = this->Create(kMinistry, "", /*validate_only=*/true);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->name(), TypeParam::kData.name);
  EXPECT_EQ(this->store_.write_count(), writes);
  EXPECT_EQ(this->Get().status().code(), absl::StatusCode::kNotFound);
}

TYPED_TEST(ResourceTableTest, AnUpdateMaskReplacesOnlyTheFieldsItNames) {
  auto created = this->Create();
  ASSERT_TRUE(created.ok()) << created.status();
  auto body = *created;
  body.clear_etag();
  SetStringField(body, TypeParam::kData.changed, "Tên mới");
  SetStringField(body, TypeParam::kData.kept, "not applied");
  auto updated = this->Update(body, {TypeParam::kData.changed});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(StringField(*updated, TypeParam::kData.changed), "Tên mới");
  EXPECT_EQ(StringField(*updated, TypeParam::kData.kept),
            StringField(*created, TypeParam::kData.kept));
  EXPECT_NE(updated->etag(), created->etag());
  EXPECT_EQ(this->Stored(), updated->SerializeAsString());
  EXPECT_EQ(this->AuditRecords().back().method(), "Update" + this->Kind());

  // Without a mask the whole resource is replaced.
  updated = this->Update(body);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(StringField(*updated, TypeParam::kData.kept), "not applied");
}

TYPED_TEST(ResourceTableTest, AMaskNamingTheNameOrNoFieldIsRefused) {
  auto created = this->Create();
  ASSERT_TRUE(created.ok()) << created.status();
  for (const char* path : {"name", "etag", "no_such_field"}) {
    auto status = this->Update(*created, {path}).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(std::string(status.message()), HasSubstr(path));
  }
  EXPECT_EQ(this->Stored(), created->SerializeAsString());
}

TYPED_TEST(ResourceTableTest, AStaleEtagIsAbortedAndChangesNothing) {
  auto created = this->Create();
  ASSERT_TRUE(created.ok()) << created.status();
  auto body = *created;
  SetStringField(body, TypeParam::kData.changed, "Lần một");
  auto updated = this->Update(body);  // carries the current etag
  ASSERT_TRUE(updated.ok()) << updated.status();
  SetStringField(body, TypeParam::kData.changed, "Lần hai");  // still the old etag
  EXPECT_EQ(this->Update(body).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(this->Delete(created->etag()).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(this->Stored(), updated->SerializeAsString());
  EXPECT_TRUE(this->Delete(updated->etag()).ok());
}

TYPED_TEST(ResourceTableTest, UpdatingAMissingResourceCreatesItOnlyWhenAllowed) {
  auto body = TypeParam::Body();
  body.set_name(TypeParam::kData.name);
  EXPECT_EQ(this->Update(body).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(this->Get().status().code(), absl::StatusCode::kNotFound);
  auto upserted = this->Update(body, {}, /*allow_missing=*/true);
  ASSERT_TRUE(upserted.ok()) << upserted.status();
  EXPECT_EQ(this->Stored(), upserted->SerializeAsString());
}

TYPED_TEST(ResourceTableTest, DeleteRemovesAndIsAudited) {
  ASSERT_TRUE(this->Create().ok());
  ASSERT_TRUE(this->Delete().ok());
  EXPECT_EQ(this->Get().status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(this->AuditRecords().back().method(), "Delete" + this->Kind());
  EXPECT_EQ(this->Delete().code(), absl::StatusCode::kNotFound);
  // Gone with its index keys: it can be made again.
  EXPECT_TRUE(this->Create().ok());
}

TYPED_TEST(ResourceTableTest, DeleteIsRefusedWhileSomethingDependsOnIt) {
  ASSERT_TRUE(this->Create().ok());
  ASSERT_TRUE(TypeParam::Block(*this).ok());
  int writes = this->store_.write_count();
  absl::Status refused = this->Delete();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_EQ(GetErrorInfo(refused).reason(), TypeParam::kData.blocked);
  EXPECT_EQ(this->store_.write_count(), writes);
  EXPECT_TRUE(this->Get().ok());
  // The index follows the change that removes the dependency.
  ASSERT_TRUE(TypeParam::Unblock(*this).ok());
  EXPECT_TRUE(this->Delete().ok());
}

TYPED_TEST(ResourceTableTest, PermissionIsDecidedBeforeExistenceAndRefusalsAreAudited) {
  size_t records = this->AuditRecords().size();
  EXPECT_EQ(this->Create(kHealth).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(this->Get().status().code(), absl::StatusCode::kNotFound);
  std::vector<v1::AuditRecord> audited = this->AuditRecords();
  ASSERT_EQ(audited.size(), records + 1);
  EXPECT_EQ(audited.back().method(), "Create" + this->Kind());
  EXPECT_EQ(audited.back().actor(), kHealth.Actor());
  // A resource that does not exist is not revealed to who may not delete
  // it. (A missing plan has no issuer whose reach could exclude the caller:
  // the access policy lets any agency's administrator learn it is missing.)
  if constexpr (!std::is_same_v<TypeParam, PlanCase>) {
    EXPECT_EQ(this->Delete("", kHealth).code(), absl::StatusCode::kPermissionDenied);
  }
  ASSERT_TRUE(this->Create().ok());
  EXPECT_EQ(this->Delete("", kHealth).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(this->Get().ok());
}

// What a resource's name determines (a task's outline) an update cannot
// change, with or without a mask.
TEST_F(TableTestBase, ATaskKeepsTheOutlineItsNameGives) {
  for (std::vector<std::string> mask : {std::vector<std::string>{}, {"outline", "title"}}) {
    v1::UpdateTaskRequest request;
    *request.mutable_task() = NewTask("Z");
    request.mutable_task()->set_name("plans/p/tasks/A");
    for (const std::string& path : mask) request.mutable_update_mask()->add_paths(path);
    auto updated = registry_.UpdateTask(kMinistry, request);
    ASSERT_TRUE(updated.ok()) << updated.status();
    EXPECT_EQ(updated->outline(), "A");
    EXPECT_EQ(registry_.GetTask("plans/p/tasks/A")->outline(), "A");
    EXPECT_EQ(registry_.GetTask("plans/p/tasks/Z").status().code(), absl::StatusCode::kNotFound);
  }
}

}  // namespace
}  // namespace tonghop::registry
