// ImportPlan through the Registry service: dry runs store nothing, commits
// store the whole plan, the CSV export re-imports to the same tasks, and
// malformed input is refused without a change. Uses the shipped reference
// data (deploy/data) and the seed documents copied into the importer's
// testdata.

#include <cstdlib>
#include <set>
#include <utility>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/client/connection.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "tests/testing/test_server.h"
#ifdef TONGHOP_HAVE_PLAN_IMPORT_TESTING
#include "services/registry/plan_import/malformed_files.h"
#endif
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

TEST_F(PlanImportServerTest, TheReferenceDataAsksForASexByAgeGrid) {
  v1::GetIndicatorRequest request;
  request.set_name("indicators/trafficking-victims-supported");
  v1::Indicator indicator;
  grpc::Status status = stub_->GetIndicator(connection_->NewContext().get(), request, &indicator);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(indicator.crossings_size(), 1);
  EXPECT_EQ(indicator.crossings(0).rows(), "dimensions/sex");
  EXPECT_EQ(indicator.crossings(0).columns(), "dimensions/age-group");

  std::string output;
  ASSERT_EQ(testing::RunCli(absl::StrCat("--server=", server_->address(),
                                         " --agency=bo-tu-phap --output=csv indicator list"),
                            &output),
            0)
      << output;
  EXPECT_NE(output.find("trafficking-victims-supported,"), std::string::npos) << output;
  EXPECT_NE(output.find("\"sex, age-group; sex × age-group\""), std::string::npos) << output;
}

TEST_F(PlanImportServerTest, MalformedInputIsRefusedAndStoresNothing) {
  int plans_before = PlanCount();
  v1::ImportPlanResponse response;
  std::vector<std::string> contents = {std::string(), std::string("\x00\x01\xff\xfe binary", 12),
                                       std::string("STT,Nhiệm vụ\n1,Một nhiệm vụ\n"),
                                       std::string(11 << 20, 'a')};
#ifdef TONGHOP_HAVE_PLAN_IMPORT_TESTING
  // The official's formats, malformed each way: a zip bomb, a broken .docx,
  // a scanned PDF, a 50 MB file.
  contents.push_back(plan_import::malformed::MakeZipBomb(size_t{128} << 20));
  std::string docx = plan_import::malformed::MakeDocx("<w:document><w:body>");
  contents.push_back(docx.substr(0, docx.size() / 2));
  contents.push_back(plan_import::malformed::MakeImageOnlyPdf());
  std::string fifty = "%PDF-1.7\n";
  fifty.resize(size_t{50} << 20, ' ');
  contents.push_back(fifty);
#endif
  for (const std::string& content : contents) {
    grpc::Status status =
        Import(content, v1::IMPORT_FORMAT_UNSPECIFIED, "agencies/dong-nai", "bad", false, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << content.substr(0, 20) << ": " << status.error_message();
    EXPECT_FALSE(GetBadRequest(FromGrpcStatus(status)).field_violations().empty());
    if (content.size() > 2) {
      EXPECT_FALSE(GetVietnameseMessage(FromGrpcStatus(status)).empty())
          << content.substr(0, 20) << ": " << status.error_message();
    }
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
  EXPECT_EQ(GetErrorInfo(FromGrpcStatus(status)).reason(), "IMPORT_GAPS");
  EXPECT_NE(GetVietnameseMessage(FromGrpcStatus(status)).find("Trung tâm Trợ giúp pháp lý"),
            std::string::npos)
      << GetVietnameseMessage(FromGrpcStatus(status));
  EXPECT_EQ(PlanCount(), plans_before);
}

// A plan whose schedule, two deadlines and two agency names cannot be
// derived imports on a dry run with a diagnostic for each; a commit is
// refused naming them in Vietnamese; supplied from the command line, it
// commits, and the name mappings are stored as aliases the next import reuses.
TEST_F(PlanImportServerTest, GapsAreListedThenSuppliedFromTheCommandLine) {
  connection_ = std::make_unique<client::Connection>(server_->NewChannel(), "bo-tu-phap");
  stub_ = v1::Registry::NewStub(connection_->channel());
  // The province's legal-aid centre and newspaper, which deploy/data lacks.
  for (const auto& [id, name] :
       {std::pair<std::string, std::string>{"dong-nai-trung-tam-tro-giup-phap-ly",
                                            "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Đồng Nai"},
        {"dong-nai-bao-va-phat-thanh-truyen-hinh", "Báo và Phát thanh, Truyền hình Đồng Nai"}}) {
    v1::CreateAgencyRequest create;
    create.set_agency_id(id);
    create.mutable_agency()->set_display_name(name);
    create.mutable_agency()->set_kind(v1::AGENCY_KIND_DEPARTMENT);
    create.mutable_agency()->set_parent("agencies/dong-nai");
    v1::Agency created;
    grpc::Status status = stub_->CreateAgency(connection_->NewContext().get(), create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  std::string path = SourcePath("services/registry/plan_import/testdata/layout_schedule_gaps.txt");
  std::string text = ReadFile(path);
  ASSERT_FALSE(text.empty());
  int plans_before = PlanCount();

  v1::ImportPlanResponse dry;
  grpc::Status status = Import(text, v1::IMPORT_FORMAT_UNSPECIFIED, "agencies/dong-nai", "", true, &dry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::multiset<std::string> codes;
  for (const auto& d : dry.report().diagnostics()) {
    codes.insert(d.code());
    EXPECT_FALSE(d.message().empty());
    EXPECT_FALSE(d.remedy().empty());
    EXPECT_GT(d.line(), 0) << d.code();
  }
  EXPECT_EQ(codes.count("SCHEDULE_DUE_MISSING"), 2u);
  EXPECT_EQ(codes.count("TASK_DEADLINE_UNREADABLE"), 2u);
  EXPECT_EQ(codes.count("AGENCY_UNRESOLVED"), 2u);
  EXPECT_EQ(dry.bundle().tasks_size(), 4);
  EXPECT_EQ(dry.report().counts().diagnostics(), 6);

  v1::ImportPlanResponse refused;
  status = Import(text, v1::IMPORT_FORMAT_UNSPECIFIED, "agencies/dong-nai", "", false, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  absl::Status refusal = FromGrpcStatus(status);
  EXPECT_EQ(GetErrorInfo(refusal).reason(), "IMPORT_GAPS");
  std::string vietnamese = GetVietnameseMessage(refusal);
  for (const char* needle : {"hạn nộp", "--schedule", "--deadline", "Trung tâm TGPL tỉnh", "--map"}) {
    EXPECT_NE(vietnamese.find(needle), std::string::npos) << needle << " in " << vietnamese;
  }
  EXPECT_EQ(PlanCount(), plans_before);

  std::string cli = testing::BuiltBinary("clients/cli/tonghop") + " --server=" +
                    server_->address() + " --agency=dong-nai-so-tu-phap ";
  std::string commit =
      cli + "plan import " + path +
      " --issuer=dong-nai --schedule=\"s1:15/6,annual:15/11,compile:30/11\""
      " --deadline=\"1=Quý IV/2026\" --deadline=\"3=Hằng năm\""
      " --map=\"Trung tâm TGPL tỉnh=dong-nai-trung-tam-tro-giup-phap-ly\""
      " --map=\"Sở Văn hoá và Thể thao=dong-nai-so-van-hoa-the-thao-va-du-lich\" > /dev/null";
  ASSERT_EQ(std::system(commit.c_str()), 0) << commit;
  EXPECT_EQ(PlanCount(), plans_before + 1);
  v1::GetPlanRequest get;
  get.set_name("plans/dong-nai-175-2026");
  v1::Plan plan;
  ASSERT_TRUE(stub_->GetPlan(connection_->NewContext().get(), get, &plan).ok());
  ASSERT_EQ(plan.schedule_size(), 2);
  v1::ListTasksResponse tasks = Tasks("plans/dong-nai-175-2026");
  ASSERT_EQ(tasks.tasks_size(), 4);
  EXPECT_EQ(tasks.tasks(0).deadline().kind(), v1::DEADLINE_KIND_BY_DATE);
  ASSERT_EQ(tasks.tasks(1).lead_size(), 1);
  EXPECT_EQ(tasks.tasks(1).lead(0).agency(), "agencies/dong-nai-trung-tam-tro-giup-phap-ly");

  // The next import of a plan naming them needs no mapping; its counts show.
  std::string json_out = dir_.path() + "/dry.json";
  std::string again = cli + "--output=json plan import " + path + " --issuer=dong-nai --dry-run > " +
                      json_out;
  ASSERT_EQ(std::system(again.c_str()), 0) << again;
  v1::ImportPlanResponse reread;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(ReadFile(json_out), &reread).ok());
  EXPECT_EQ(reread.report().unresolved_agencies_size(), 0);
  EXPECT_EQ(reread.report().counts().leaves_with_lead(), 4);
  EXPECT_EQ(reread.report().counts().nodes(), 4);

  // The schedule and deadlines supplied from a fix-up file instead, into a
  // plan of another id; a line the file cannot hold is refused naming it.
  std::string fixup = dir_.path() + "/bo-sung.txt";
  {
    std::ofstream out(fixup);
    out << "# những điểm văn bản chưa nêu\n"
           "schedule: s1:15/6,annual:15/11,compile:30/11\n"
           "deadline 1: Quý IV/2026\n"
           "deadline 3: Hằng năm\n";
  }
  std::string from_file = cli + "plan import " + path +
                          " --issuer=dong-nai --plan-id=dong-nai-175b-2026 --fixup=" + fixup +
                          " > /dev/null";
  ASSERT_EQ(std::system(from_file.c_str()), 0) << from_file;
  EXPECT_EQ(PlanCount(), plans_before + 2);
  v1::ListTasksResponse from_fixup = Tasks("plans/dong-nai-175b-2026");
  ASSERT_EQ(from_fixup.tasks_size(), 4);
  EXPECT_EQ(from_fixup.tasks(2).deadline().kind(), tasks.tasks(2).deadline().kind());
  {
    std::ofstream out(fixup);
    out << "schedule: annual:15/11\nthời hạn nhiệm vụ 1 là quý IV\n";
  }
  std::string bad = cli + "plan import " + path +
                    " --issuer=dong-nai --plan-id=dong-nai-175c-2026 --fixup=" + fixup +
                    " > /dev/null 2>&1";
  EXPECT_NE(std::system(bad.c_str()), 0) << bad;
  EXPECT_EQ(PlanCount(), plans_before + 2);
}

}  // namespace
}  // namespace tonghop
