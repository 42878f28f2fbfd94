// The Registry service over real gRPC on loopback: rich errors on the wire,
// idempotency across restarts, etag conflicts, pagination, health and
// reflection, and durability of acknowledged writes across SIGKILL.

#include <memory>
#include <string>

#include "clients/client/connection.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop {
namespace {

using testing::ServerProcess;
using testing::TempDir;
using testing::TestServer;

class RegistryServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServer::Options options;
    options.services = {"registry"};
    auto server = TestServer::Start(dir_.path(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  std::unique_ptr<v1::Registry::Stub> Stub() { return v1::Registry::NewStub(server_->NewChannel()); }

  static std::unique_ptr<grpc::ClientContext> As(const std::string& agency) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!agency.empty()) context->AddMetadata("x-tonghop-agency", agency);
    return context;
  }

  static v1::CreateAgencyRequest Ministry(const std::string& request_id) {
    v1::CreateAgencyRequest request;
    request.set_agency_id("bo-tu-phap");
    request.set_request_id(request_id);
    request.mutable_agency()->set_display_name("Bộ Tư pháp");
    request.mutable_agency()->set_kind(v1::AGENCY_KIND_MINISTRY);
    return request;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(RegistryServerTest, ValidationErrorsCarryFieldViolationsOnTheWire) {
  v1::CreateAgencyRequest request;
  request.set_agency_id("x");
  request.mutable_agency()->set_parent("agencies/none");
  v1::Agency response;
  grpc::Status status = Stub()->CreateAgency(As("bo-tu-phap").get(), request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status rpc = ToRpcStatus(status);
  absl::Status back = FromGrpcStatus(status);
  std::vector<std::string> fields;
  google::rpc::BadRequest bad_request = GetBadRequest(back);
  for (const auto& v : bad_request.field_violations()) fields.push_back(v.field());
  EXPECT_EQ(fields, (std::vector<std::string>{"agency.display_name", "agency.kind",
                                              "agency.parent"}));
  EXPECT_EQ(GetErrorInfo(back).reason(), "INVALID_FIELDS");
  EXPECT_EQ(GetErrorInfo(back).domain(), "tonghop.v1");
  EXPECT_EQ(rpc.details_size(), 3) << "ErrorInfo, BadRequest and LocalizedMessage";
  EXPECT_EQ(GetVietnameseMessage(back), "Dữ liệu không hợp lệ: 3 lỗi, liệt kê theo từng trường.");
}

TEST_F(RegistryServerTest, WritesNeedAnIdentity) {
  v1::Agency response;
  grpc::Status status = Stub()->CreateAgency(As("").get(), Ministry(""), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(RegistryServerTest, RetriedCreateAppliesOnceAlsoAfterRestart) {
  v1::Agency first, again, after_restart;
  ASSERT_TRUE(Stub()->CreateAgency(As("bo-tu-phap").get(), Ministry("r-1"), &first).ok());
  ASSERT_TRUE(Stub()->CreateAgency(As("bo-tu-phap").get(), Ministry("r-1"), &again).ok());
  EXPECT_EQ(first.SerializeAsString(), again.SerializeAsString());
  ASSERT_TRUE(server_->Restart().ok());
  grpc::Status status = Stub()->CreateAgency(As("bo-tu-phap").get(), Ministry("r-1"), &after_restart);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(first.SerializeAsString(), after_restart.SerializeAsString());
  // A new request id for the same agency is a new request: ALREADY_EXISTS.
  v1::Agency dup;
  EXPECT_EQ(Stub()->CreateAgency(As("bo-tu-phap").get(), Ministry("r-2"), &dup).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(RegistryServerTest, StaleEtagIsAborted) {
  v1::Agency created, updated, refused;
  ASSERT_TRUE(Stub()->CreateAgency(As("bo-tu-phap").get(), Ministry(""), &created).ok());
  v1::UpdateAgencyRequest update;
  *update.mutable_agency() = created;
  update.mutable_agency()->add_aliases("BTP");
  ASSERT_TRUE(Stub()->UpdateAgency(As("bo-tu-phap").get(), update, &updated).ok());
  update.mutable_agency()->set_display_name("Tên khác");  // still the old etag
  grpc::Status status = Stub()->UpdateAgency(As("bo-tu-phap").get(), update, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(GetErrorInfo(FromGrpcStatus(status)).reason(), "ETAG_MISMATCH");
}

TEST_F(RegistryServerTest, DataSurvivesRestart) {
  v1::Agency created, got;
  ASSERT_TRUE(Stub()->CreateAgency(As("bo-tu-phap").get(), Ministry(""), &created).ok());
  ASSERT_TRUE(server_->Restart().ok());
  v1::GetAgencyRequest get;
  get.set_name("agencies/bo-tu-phap");
  ASSERT_TRUE(Stub()->GetAgency(As("dong-nai").get(), get, &got).ok());
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());
}

TEST_F(RegistryServerTest, ListFollowsPageTokens) {
  v1::Agency ignored;
  ASSERT_TRUE(Stub()->CreateAgency(As("bo-tu-phap").get(), Ministry(""), &ignored).ok());
  for (int i = 0; i < 7; ++i) {
    v1::CreateAgencyRequest request;
    request.set_agency_id("tinh-" + std::to_string(i));
    request.mutable_agency()->set_display_name("Tỉnh " + std::to_string(i));
    request.mutable_agency()->set_kind(v1::AGENCY_KIND_PROVINCE);
    request.mutable_agency()->set_parent("agencies/bo-tu-phap");
    ASSERT_TRUE(Stub()->CreateAgency(As("bo-tu-phap").get(), request, &ignored).ok());
  }
  v1::ListAgenciesRequest list;
  list.set_parent("agencies/bo-tu-phap");
  list.set_page_size(3);
  int total = 0, pages = 0;
  do {
    v1::ListAgenciesResponse page;
    ASSERT_TRUE(Stub()->ListAgencies(As("dong-nai").get(), list, &page).ok());
    total += page.agencies_size();
    ++pages;
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_EQ(total, 7);
  EXPECT_EQ(pages, 3);
}

TEST_F(RegistryServerTest, HealthCheckingAndReflectionAreOn) {
  auto health = grpc::health::v1::Health::NewStub(server_->NewChannel());
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

// A write acknowledged to the client survives the server being killed
// with SIGKILL right after the acknowledgement.
TEST(RegistryProcessTest, AcknowledgedWriteSurvivesSigkill) {
  TempDir dir;
  std::string binary = testing::BuiltBinary("services/server/tonghopd");
  auto process = ServerProcess::Start(binary, {"--data-dir=" + dir.path(), "--services=registry"});
  ASSERT_TRUE(process.ok()) << process.status();
  {
    client::Connection connection((*process)->address(), "bo-tu-phap");
    auto stub = v1::Registry::NewStub(connection.channel());
    v1::CreateAgencyRequest request;
    request.set_agency_id("bo-tu-phap");
    request.mutable_agency()->set_display_name("Bộ Tư pháp");
    request.mutable_agency()->set_kind(v1::AGENCY_KIND_MINISTRY);
    v1::Agency created;
    ASSERT_TRUE(stub->CreateAgency(connection.NewContext().get(), request, &created).ok());
    (*process)->Kill();
  }
  auto restarted = ServerProcess::Start(binary, {"--data-dir=" + dir.path(), "--services=registry"});
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  {
    client::Connection connection((*restarted)->address(), "bo-tu-phap");
    auto stub = v1::Registry::NewStub(connection.channel());
    v1::GetAgencyRequest get;
    get.set_name("agencies/bo-tu-phap");
    v1::Agency got;
    grpc::Status status = stub->GetAgency(connection.NewContext().get(), get, &got);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(got.display_name(), "Bộ Tư pháp");
  }
  // With no client connected, SIGTERM shuts down at once and cleanly.
  EXPECT_EQ((*restarted)->Terminate(), 0) << "SIGTERM shuts down cleanly with exit 0";
}

}  // namespace
}  // namespace tonghop
