// ImportPlan through the Registry service: dry runs store nothing, commits
// store the whole plan, the CSV export re-imports to the same tasks, and
// malformed input is refused without a change. Uses the shipped reference
// data (deploy/data) and the seed documents copied into the importer's
// testdata.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "clients/client/connection.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop {
namespace {

using testing::SourcePath;
using testing::TempDir;
using testing::TestServer;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class PlanImportServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServer::Options options;
    options.services = {"registry"};
    auto server = TestServer::Start(dir_.path(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    std::string load = testing::BuiltBinary("clients/cli/tonghop") + " --server=" +
                       server_->address() + " --agency=bo-tu-phap registry load " +
                       SourcePath("deploy/data") + " > /dev/null";
    ASSERT_EQ(std::system(load.c_str()), 0) << load;
    connection_ = std::make_unique<client::Connection>(server_->NewChannel(),
                                                       "dong-nai-so-tu-phap");
    stub_ = v1::Registry::NewStub(connection_->channel());
  }

  grpc::Status Import(const std::string& content, v1::ImportFormat format,
                      const std::string& issuer, const std::string& plan_id, bool dry_run,
                      v1::ImportPlanResponse* response) {
    v1::ImportPlanRequest request;
    request.set_content(content);
    request.set_format(format);
    request.set_issuer(issuer);
    request.set_plan_id(plan_id);
    request.set_validate_only(dry_run);
    return stub_->ImportPlan(connection_->NewContext().get(), request, response);
  }

  int PlanCount() {
    v1::ListPlansRequest request;
    v1::ListPlansResponse response;
    EXPECT_TRUE(stub_->ListPlans(connection_->NewContext().get(), request, &response).ok());
    return response.plans_size();
  }

  v1::ListTasksResponse Tasks(const std::string& plan) {
    v1::ListTasksRequest request;
    request.set_parent(plan);
    request.set_page_size(1000);
    v1::ListTasksResponse response;
    EXPECT_TRUE(stub_->ListTasks(connection_->NewContext().get(), request, &response).ok());
    return response;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<client::Connection> connection_;
  std::unique_ptr<v1::Registry::Stub> stub_;
};

TEST_F(PlanImportServerTest, TextImportDryRunThenCommitThenCsvRoundTrip) {
  std::string text = ReadFile(SourcePath("services/registry/plan_import/testdata/004_5bba84d8a6f03fbf.txt"));
  ASSERT_FALSE(text.empty());
  int plans_before = PlanCount();

  v1::ImportPlanResponse dry;
  grpc::Status status = Import(text, v1::IMPORT_FORMAT_TEXT, "agencies/dong-nai", "dn-text", true, &dry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(dry.committed());
  EXPECT_EQ(dry.bundle().tasks_size(), 71);
  EXPECT_EQ(dry.report().unresolved_agencies_size(), 0);
  EXPECT_GT(dry.report().repairs_size(), 0) << "page breaks were repaired and said so";
  EXPECT_EQ(PlanCount(), plans_before) << "a dry run stores nothing";

  v1::ImportPlanResponse committed;
  status = Import(text, v1::IMPORT_FORMAT_TEXT, "agencies/dong-nai", "dn-text", false, &committed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(committed.committed());
  v1::ListTasksResponse from_text = Tasks("plans/dn-text");
  ASSERT_EQ(from_text.tasks_size(), 71);
  EXPECT_EQ(from_text.tasks(0).outline(), "A");

  // The appendix table exported as CSV, corrected in a spreadsheet and
  // imported back into the same plan, gives the same tasks; into a plan that
  // does not exist it is refused, since a table has no plan header.
  v1::ExportPlanRequest export_request;
  export_request.set_name("plans/dn-text");
  export_request.set_format(v1::EXPORT_FORMAT_CSV);
  v1::ExportPlanResponse exported;
  ASSERT_TRUE(stub_->ExportPlan(connection_->NewContext().get(), export_request, &exported).ok());
  v1::ImportPlanResponse from_csv_response;
  status = Import(exported.content(), v1::IMPORT_FORMAT_CSV, "agencies/dong-nai", "dn-new", false,
                  &from_csv_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  status = Import(exported.content(), v1::IMPORT_FORMAT_CSV, "agencies/dong-nai", "dn-text", false,
                  &from_csv_response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(from_csv_response.bundle().plan().symbol(), "74/KH-UBND");
  v1::ListTasksResponse from_csv = Tasks("plans/dn-text");
  ASSERT_EQ(from_csv.tasks_size(), from_text.tasks_size());
  for (int i = 0; i < from_text.tasks_size(); ++i) {
    v1::Task a = from_text.tasks(i);
    v1::Task b = from_csv.tasks(i);
    a.clear_etag();
    b.clear_etag();
    for (v1::Task* t : {&a, &b}) {
      // The CSV keeps what a spreadsheet shows; source texts are the
      // table's own.
      for (auto* list : {t->mutable_lead(), t->mutable_coordinating()}) {
        for (auto& assignment : *list) assignment.clear_source_text();
      }
    }
    EXPECT_EQ(a.outline(), b.outline());
    EXPECT_EQ(a.title(), b.title()) << a.outline();
    ASSERT_EQ(a.lead_size(), b.lead_size()) << a.outline();
    for (int j = 0; j < a.lead_size(); ++j) {
      EXPECT_EQ(a.lead(j).agency(), b.lead(j).agency()) << a.outline();
      EXPECT_EQ(a.lead(j).requested(), b.lead(j).requested()) << a.outline();
      EXPECT_EQ(a.lead(j).scope_note(), b.lead(j).scope_note()) << a.outline();
    }
    EXPECT_EQ(a.coordinating_size(), b.coordinating_size()) << a.outline();
    EXPECT_EQ(a.expected_results_size(), b.expected_results_size()) << a.outline();
    EXPECT_EQ(a.deadline().kind(), b.deadline().kind()) << a.outline();
  }
}

TEST_F(PlanImportServerTest, MalformedInputIsRefusedAndStoresNothing) {
  int plans_before = PlanCount();
  v1::ImportPlanResponse response;
  for (const std::string& content :
       {std::string(), std::string("\x00\x01\xff\xfe binary", 12),
        std::string("STT,Nhiệm vụ\n1,Một nhiệm vụ\n"), std::string(11 << 20, 'a')}) {
    grpc::Status status =
        Import(content, v1::IMPORT_FORMAT_UNSPECIFIED, "agencies/dong-nai", "bad", false, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << content.substr(0, 20) << ": " << status.error_message();
    EXPECT_FALSE(GetBadRequest(FromGrpcStatus(status)).field_violations().empty());
  }
  EXPECT_EQ(PlanCount(), plans_before);
}

TEST_F(PlanImportServerTest, UnresolvedAgencyNamesBlockTheCommit) {
  std::string text =
      ReadFile(SourcePath("services/registry/plan_import/testdata/tuyen_quang_45_2026.txt"));
  ASSERT_FALSE(text.empty());
  connection_ = std::make_unique<client::Connection>(server_->NewChannel(), "bo-tu-phap");
  stub_ = v1::Registry::NewStub(connection_->channel());
  int plans_before = PlanCount();
  v1::ImportPlanResponse dry;
  grpc::Status status =
      Import(text, v1::IMPORT_FORMAT_TEXT, "agencies/tuyen-quang", "tq-45", true, &dry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GT(dry.report().unresolved_agencies_size(), 0);
  EXPECT_FALSE(dry.report().unresolved_agencies(0).text().empty());
  v1::ImportPlanResponse committed;
  status = Import(text, v1::IMPORT_FORMAT_TEXT, "agencies/tuyen-quang", "tq-45", false, &committed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(GetErrorInfo(FromGrpcStatus(status)).reason(), "UNRESOLVED_AGENCIES");
  EXPECT_EQ(PlanCount(), plans_before);
}

}  // namespace
}  // namespace tonghop
