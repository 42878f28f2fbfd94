#include "services/gateway/routes.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "tonghop/v1/audit_service.pb.h"
#include "tonghop/v1/auth_service.pb.h"
#include "tonghop/v1/registry_service.pb.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop::gateway {
namespace {

using google::protobuf::DescriptorPool;

class RoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Links the generated files so the pool can find their services.
    (void)v1::GetAgencyRequest::descriptor();
    (void)v1::GetReportRequest::descriptor();
    (void)v1::WhoAmIRequest::descriptor();
  }
};

TEST_F(RoutesTest, DefaultRulesServeRegistryReadsAndOnlyThePlanImportWrites) {
  auto table = RouteTable::Build(DescriptorPool::generated_pool(), DefaultMethodRules());
  ASSERT_TRUE(table.ok()) << table.status();
  std::set<std::string> registry;
  for (const Route& route : table->routes()) {
    if (route.path.rfind("/v1/registry/", 0) == 0) registry.insert(route.method->name());
  }
  EXPECT_EQ(registry, (std::set<std::string>{
                          "ExportPlan", "GetAgency", "GetDimension", "GetIndicator", "GetPlan",
                          "GetTask", "GetUser", "ImportPlan", "ListAgencies", "ListDimensions",
                          "ListIndicators", "ListPlans", "ListTasks", "ListUsers",
                          "UpdateAgency"}));
  // The plan import's writes take POST only.
  for (const char* write : {"/v1/registry/ImportPlan", "/v1/registry/UpdateAgency"}) {
    const Route* route = table->Find(write);
    ASSERT_NE(route, nullptr) << write;
    EXPECT_FALSE(route->allow_get) << write;
  }
  const Route* get_agency = table->Find("/v1/registry/GetAgency");
  ASSERT_NE(get_agency, nullptr);
  EXPECT_EQ(get_agency->grpc_method, "/tonghop.v1.Registry/GetAgency");
  EXPECT_TRUE(get_agency->allow_get);
  EXPECT_EQ(get_agency->method->input_type()->full_name(), "tonghop.v1.GetAgencyRequest");
  EXPECT_EQ(table->Find("/v1/registry/CreateAgency"), nullptr);
  EXPECT_EQ(table->Find("/v1/registry/DeleteAgency"), nullptr);
  EXPECT_EQ(table->Find("/v1/registry/UpdatePlan"), nullptr);
  EXPECT_EQ(table->Find("/v1/registry/getagency"), nullptr);
}

TEST_F(RoutesTest, SubmissionWritesArePostOnlyAndStreamsAreLeftOut) {
  auto table = RouteTable::Build(DescriptorPool::generated_pool(), DefaultMethodRules());
  ASSERT_TRUE(table.ok()) << table.status();
  const Route* submit = table->Find("/v1/submissions/Submit");
  ASSERT_NE(submit, nullptr);
  EXPECT_FALSE(submit->allow_get);
  ASSERT_NE(table->Find("/v1/submissions/GetOrCreateDraft"), nullptr);
  EXPECT_FALSE(table->Find("/v1/submissions/GetOrCreateDraft")->allow_get);
  ASSERT_NE(table->Find("/v1/submissions/ListReports"), nullptr);
  EXPECT_TRUE(table->Find("/v1/submissions/ListReports")->allow_get);
  EXPECT_EQ(table->Find("/v1/submissions/WatchChanges"), nullptr);
}

TEST_F(RoutesTest, TheAuditTrailIsListedButNotVerifiedOverHttp) {
  (void)v1::ListAuditRecordsRequest::descriptor();
  auto table = RouteTable::Build(DescriptorPool::generated_pool(), DefaultMethodRules());
  ASSERT_TRUE(table.ok()) << table.status();
  const Route* list = table->Find("/v1/audit/ListAuditRecords");
  ASSERT_NE(list, nullptr);
  EXPECT_TRUE(list->allow_get);
  EXPECT_EQ(list->grpc_method, "/tonghop.v1.Audit/ListAuditRecords");
  EXPECT_EQ(table->Find("/v1/audit/VerifyAuditLog"), nullptr);
}

TEST_F(RoutesTest, RoutesAreSortedByPath) {
  auto table = RouteTable::Build(DescriptorPool::generated_pool(), DefaultMethodRules());
  ASSERT_TRUE(table.ok()) << table.status();
  for (size_t i = 1; i < table->routes().size(); ++i) {
    EXPECT_LT(table->routes()[i - 1].path, table->routes()[i].path);
  }
}

TEST_F(RoutesTest, AServiceNotInThePoolIsSkippedAndReported) {
  auto table = RouteTable::Build(DescriptorPool::generated_pool(),
                                 {{"tonghop.v1.Nothing/Get*", true},
                                  {"tonghop.v1.Registry/GetPlan", true}});
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->routes().size(), 1u);
  EXPECT_EQ(table->missing_services(), std::vector<std::string>{"tonghop.v1.Nothing"});
}

TEST_F(RoutesTest, MalformedRulesAndStreamsNamedExactlyAreRefused) {
  for (const char* pattern : {"tonghop.v1.Registry", "/GetPlan", "tonghop.v1.Registry/",
                              "tonghop.v1.Registry/G*t", "a/b/c"}) {
    auto table = RouteTable::Build(DescriptorPool::generated_pool(), {{pattern, true}});
    EXPECT_FALSE(table.ok()) << pattern;
  }
  auto stream = RouteTable::Build(DescriptorPool::generated_pool(),
                                  {{"tonghop.v1.Submissions/WatchChanges", true}});
  ASSERT_FALSE(stream.ok());
  EXPECT_NE(stream.status().message().find("streaming"), std::string::npos);
}

TEST_F(RoutesTest, ARestrictingRuleWinsOverAnAllowingOne) {
  auto table = RouteTable::Build(DescriptorPool::generated_pool(),
                                 {{"tonghop.v1.Registry/Get*", true},
                                  {"tonghop.v1.Registry/GetPlan", false}});
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_FALSE(table->Find("/v1/registry/GetPlan")->allow_get);
  EXPECT_TRUE(table->Find("/v1/registry/GetTask")->allow_get);
}

TEST_F(RoutesTest, ServiceSegmentIsTheLowercaseNameWithoutServiceSuffix) {
  const auto* registry = DescriptorPool::generated_pool()->FindServiceByName("tonghop.v1.Registry");
  ASSERT_NE(registry, nullptr);
  EXPECT_EQ(ServiceSegment(*registry), "registry");
  const auto* submissions =
      DescriptorPool::generated_pool()->FindServiceByName("tonghop.v1.Submissions");
  ASSERT_NE(submissions, nullptr);
  EXPECT_EQ(ServiceSegment(*submissions), "submissions");
}

}  // namespace
}  // namespace tonghop::gateway
