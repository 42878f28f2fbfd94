// The gateway in front of a real server on loopback, called over HTTP: every
// read method of the registry answers over JSON exactly what it answers over
// gRPC, errors keep their codes and details, identity travels, bad input is
// refused with a clear message, and the dashboard's files are served safely.

#include "services/gateway/http_gateway.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "services/gateway/transcode.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/registry_service.grpc.pb.h"
#ifdef TONGHOP_HAVE_SUBMISSIONS
#include "tonghop/v1/submissions_service.grpc.pb.h"
#endif
#ifdef TONGHOP_HAVE_AGGREGATION
#include "tonghop/v1/aggregation_service.grpc.pb.h"
#endif

namespace tonghop::gateway {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::TestServer;

constexpr char kPlan[] = "plans/dong-nai-74-2026";
// Who reads, over gRPC and HTTP alike, when a test is not about identity.
constexpr char kReader[] = "bo-tu-phap";

// An HTTP/1.1 answer read off the wire.
struct RawResponse {
  int status = 0;
  httplib::Headers headers;
  std::string body;

  // The first `name` header's value, or "".
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// Sends `request` byte for byte on a new connection to 127.0.0.1:`port`
// (what httplib's client cannot send: a partial body, a body on GET, its
// own Host) and reads one answer. The request is written from another
// thread, so that an answer given before the server reads everything is
// read while the rest is still being sent; write errors after the server
// closed are expected. Fails the test on no answer.
RawResponse RawExchange(int port, const std::string& request) {
  RawResponse response;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  if (fd < 0) return response;
  // A bound on a server that never answers, so the test fails instead of
  // hanging.
  timeval bound{60, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof(bound));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof(bound));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ADD_FAILURE() << "cannot connect to port " << port;
    close(fd);
    return response;
  }
  std::thread writer([fd, &request] {
    size_t sent = 0;
    while (sent < request.size()) {
      ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  });
  std::string received;
  size_t head_end = std::string::npos;
  size_t body_length = 0;
  char buffer[16384];
  while (true) {
    if (head_end == std::string::npos) {
      head_end = received.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::vector<std::string> lines =
            absl::StrSplit(received.substr(0, head_end), "\r\n");
        std::vector<std::string> status_line = absl::StrSplit(lines[0], ' ');
        if (status_line.size() >= 2) response.status = std::stoi(status_line[1]);
        for (size_t i = 1; i < lines.size(); ++i) {
          size_t colon = lines[i].find(':');
          if (colon == std::string::npos) continue;
          response.headers.emplace(
              lines[i].substr(0, colon),
              std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1))));
        }
        auto length = response.headers.find("Content-Length");
        if (length != response.headers.end()) body_length = std::stoul(length->second);
      }
    }
    if (head_end != std::string::npos && received.size() >= head_end + 4 + body_length) break;
    ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    received.append(buffer, static_cast<size_t>(n));
  }
  shutdown(fd, SHUT_RDWR);
  writer.join();
  close(fd);
  EXPECT_NE(head_end, std::string::npos) << "no answer to " << request.substr(0, 200);
  if (head_end != std::string::npos) response.body = received.substr(head_end + 4, body_length);
  return response;
}

// A request's head, "Host: 127.0.0.1:PORT" first unless `headers` has a Host.
std::string RawHead(const std::string& method, const std::string& path, int port,
                    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string head = absl::StrCat(method, " ", path, " HTTP/1.1\r\n");
  bool host = false;
  for (const auto& [name, value] : headers) host = host || absl::EqualsIgnoreCase(name, "Host");
  if (!host) absl::StrAppend(&head, "Host: 127.0.0.1:", port, "\r\n");
  for (const auto& [name, value] : headers) absl::StrAppend(&head, name, ": ", value, "\r\n");
  return head + "\r\n";
}

// `body` as chunks of at most `chunk_bytes`, with the last chunk.
std::string Chunked(const std::string& body, size_t chunk_bytes) {
  std::string out;
  for (size_t at = 0; at < body.size(); at += chunk_bytes) {
    std::string chunk = body.substr(at, chunk_bytes);
    absl::StrAppend(&out, absl::Hex(chunk.size()), "\r\n", chunk, "\r\n");
  }
  return out + "0\r\n\r\n";
}

class HttpGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = TestServer::Start(dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_NO_FATAL_FAILURE(Seed());
    std::filesystem::create_directories(static_dir());
    std::ofstream(static_dir() + "/index.html") << "<!doctype html><title>Tổng hợp</title>";
    std::ofstream(dir_.path() + "/secret.txt") << "TOP-SECRET-CONTENT";
    auto gateway = HttpGateway::Start(Options("127.0.0.1:0", static_dir()));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", gateway_->port());
  }

  std::string static_dir() const { return dir_.path() + "/dist"; }

  // A gateway in front of the test server, as tonghopd builds it.
  HttpGatewayOptions Options(const std::string& listen, const std::string& static_files) {
    HttpGatewayOptions options;
    options.listen = listen;
    options.backend = server_->host().InProcessChannel();
    options.authenticator = &server_->host().authenticator();
    options.static_dir = static_files;
    return options;
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& agency) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!agency.empty()) context->AddMetadata("x-tonghop-agency", agency);
    // A bound on every call, so that a service that never answers fails the
    // test instead of hanging it.
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return context;
  }

  // A ministry, one province with its Department of Justice and Department
  // of Health, a dimension, an indicator and a plan with two tasks.
  void Seed() {
    auto stub = v1::Registry::NewStub(server_->NewChannel());
    auto create_agency = [&](const std::string& id, const std::string& display_name,
                             v1::AgencyKind kind, const std::string& parent) {
      v1::CreateAgencyRequest request;
      request.set_agency_id(id);
      request.mutable_agency()->set_display_name(display_name);
      request.mutable_agency()->set_kind(kind);
      if (!parent.empty()) request.mutable_agency()->set_parent(parent);
      v1::Agency agency;
      grpc::Status status = stub->CreateAgency(As("bo-tu-phap").get(), request, &agency);
      ASSERT_TRUE(status.ok()) << id << ": " << status.error_message();
    };
    ASSERT_NO_FATAL_FAILURE(
        create_agency("bo-tu-phap", "Bộ Tư pháp", v1::AGENCY_KIND_MINISTRY, ""));
    // The Ministry is the focal agency of the root, as in deploy/data: it
    // reviews the Departments of Justice.
    v1::GetAgencyRequest get_ministry;
    get_ministry.set_name("agencies/bo-tu-phap");
    v1::UpdateAgencyRequest ministry_focal;
    grpc::Status ministry = stub->GetAgency(As(kReader).get(), get_ministry,
                                            ministry_focal.mutable_agency());
    ASSERT_TRUE(ministry.ok()) << ministry.error_message();
    ministry_focal.mutable_agency()->set_focal_agency("agencies/bo-tu-phap");
    ministry_focal.mutable_update_mask()->add_paths("focal_agency");
    v1::Agency ministry_updated;
    ministry = stub->UpdateAgency(As("bo-tu-phap").get(), ministry_focal, &ministry_updated);
    ASSERT_TRUE(ministry.ok()) << ministry.error_message();
    ASSERT_NO_FATAL_FAILURE(create_agency("dong-nai", "Tỉnh Đồng Nai", v1::AGENCY_KIND_PROVINCE,
                                          "agencies/bo-tu-phap"));
    ASSERT_NO_FATAL_FAILURE(create_agency("dong-nai-so-tu-phap", "Sở Tư pháp tỉnh Đồng Nai",
                                          v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai"));
    ASSERT_NO_FATAL_FAILURE(create_agency("dong-nai-so-y-te", "Sở Y tế tỉnh Đồng Nai",
                                          v1::AGENCY_KIND_DEPARTMENT, "agencies/dong-nai"));
    // The Department of Justice reviews and compiles for the province.
    v1::GetAgencyRequest get_province;
    get_province.set_name("agencies/dong-nai");
    v1::UpdateAgencyRequest focal;
    grpc::Status got =
        stub->GetAgency(As(kReader).get(), get_province, focal.mutable_agency());
    ASSERT_TRUE(got.ok()) << got.error_message();
    focal.mutable_agency()->set_focal_agency("agencies/dong-nai-so-tu-phap");
    focal.mutable_update_mask()->add_paths("focal_agency");
    v1::Agency updated;
    got = stub->UpdateAgency(As("bo-tu-phap").get(), focal, &updated);
    ASSERT_TRUE(got.ok()) << got.error_message();

    v1::CreateDimensionRequest dimension;
    dimension.set_dimension_id("sex");
    dimension.mutable_dimension()->set_display_name("Giới tính");
    dimension.mutable_dimension()->set_english_name("Sex");
    auto* female = dimension.mutable_dimension()->add_options();
    female->set_code("female");
    female->set_display_name("Nữ");
    auto* male = dimension.mutable_dimension()->add_options();
    male->set_code("male");
    male->set_display_name("Nam");
    v1::Dimension created_dimension;
    grpc::Status status =
        stub->CreateDimension(As("bo-tu-phap").get(), dimension, &created_dimension);
    ASSERT_TRUE(status.ok()) << status.error_message();

    v1::CreateIndicatorRequest indicator;
    indicator.set_indicator_id("legal-aid-cases");
    indicator.mutable_indicator()->set_display_name("Số vụ việc trợ giúp pháp lý");
    indicator.mutable_indicator()->set_unit("vụ việc");
    indicator.mutable_indicator()->set_value_type(v1::VALUE_TYPE_COUNT);
    indicator.mutable_indicator()->set_aggregation(v1::Indicator::AGGREGATION_SUM);
    indicator.mutable_indicator()->set_direction(v1::DIRECTION_UP);
    indicator.mutable_indicator()->add_dimensions("dimensions/sex");
    v1::Indicator created_indicator;
    status = stub->CreateIndicator(As("bo-tu-phap").get(), indicator, &created_indicator);
    ASSERT_TRUE(status.ok()) << status.error_message();

    v1::CreatePlanRequest plan;
    plan.set_plan_id("dong-nai-74-2026");
    plan.mutable_plan()->set_symbol("74/KH-UBND");
    plan.mutable_plan()->set_title("Kế hoạch triển khai thực hiện các khuyến nghị");
    plan.mutable_plan()->set_issuer("agencies/dong-nai");
    plan.mutable_plan()->set_first_year(2026);
    plan.mutable_plan()->set_last_year(2030);
    auto* round = plan.mutable_plan()->add_schedule();
    round->set_period_type(v1::PERIOD_TYPE_ANNUAL);
    round->mutable_due()->set_month(11);
    round->mutable_due()->set_day(5);
    v1::Plan created_plan;
    status = stub->CreatePlan(As("bo-tu-phap").get(), plan, &created_plan);
    ASSERT_TRUE(status.ok()) << status.error_message();

    for (const char* outline : {"A", "B"}) {
      v1::CreateTaskRequest task;
      task.set_parent(kPlan);
      task.mutable_task()->set_outline(outline);
      task.mutable_task()->set_title(absl::StrCat("Nhiệm vụ ", outline));
      task.mutable_task()->add_lead()->set_agency("agencies/dong-nai-so-tu-phap");
      task.mutable_task()->add_indicators("indicators/legal-aid-cases");
      task.mutable_task()->mutable_deadline()->set_kind(v1::DEADLINE_KIND_EVERY_YEAR);
      v1::Task created_task;
      status = stub->CreateTask(As("bo-tu-phap").get(), task, &created_task);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  static httplib::Headers Identity(const std::string& agency) {
    httplib::Headers headers;
    if (!agency.empty()) headers.emplace("x-tonghop-agency", agency);
    return headers;
  }

  // Requests name the Ministry (which reads everything) unless told.
  httplib::Result Get(const std::string& path, const httplib::Params& params = {},
                      const std::string& agency = kReader) {
    return client_->Get(path, params, Identity(agency));
  }

  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& agency = kReader) {
    return client_->Post(path, Identity(agency), body, "application/json");
  }

  template <typename Message>
  static Message ParseOk(const httplib::Result& result) {
    Message message;
    EXPECT_TRUE(result) << "no response";
    if (!result) return message;
    EXPECT_EQ(result->status, 200) << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json; charset=utf-8");
    auto status = google::protobuf::util::JsonStringToMessage(result->body, &message);
    EXPECT_TRUE(status.ok()) << status.ToString() << " in " << result->body;
    return message;
  }

  // The google.rpc.Status of an error response, checking its HTTP status.
  static google::rpc::Status ParseError(const httplib::Result& result, int http_status) {
    google::rpc::Status status;
    EXPECT_TRUE(result) << "no response";
    if (!result) return status;
    EXPECT_EQ(result->status, http_status) << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json; charset=utf-8");
    auto parsed = google::protobuf::util::JsonStringToMessage(result->body, &status);
    EXPECT_TRUE(parsed.ok()) << parsed.ToString() << " in " << result->body;
    return status;
  }

  static google::rpc::ErrorInfo ErrorInfoOf(const google::rpc::Status& status) {
    google::rpc::ErrorInfo info;
    for (const auto& any : status.details()) {
      if (any.UnpackTo(&info)) return info;
    }
    return info;
  }

  static google::rpc::BadRequest BadRequestOf(const google::rpc::Status& status) {
    google::rpc::BadRequest bad_request;
    for (const auto& any : status.details()) {
      if (any.UnpackTo(&bad_request)) return bad_request;
    }
    return bad_request;
  }

  // Asks `path` over GET (query) and over POST (JSON body) and expects
  // exactly `expected`, the answer over gRPC.
  template <typename Message>
  void ExpectSameOverHttp(const std::string& path, const httplib::Params& query,
                          const std::string& body, const Message& expected) {
    SCOPED_TRACE(path);
    Message via_get = ParseOk<Message>(Get(path, query));
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(via_get, expected))
        << "GET:\n" << via_get.DebugString() << "gRPC:\n" << expected.DebugString();
    Message via_post = ParseOk<Message>(Post(path, body));
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(via_post, expected))
        << "POST:\n" << via_post.DebugString() << "gRPC:\n" << expected.DebugString();
    covered_.insert(path);
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<HttpGateway> gateway_;
  std::unique_ptr<httplib::Client> client_;
  std::set<std::string> covered_;
};

TEST_F(HttpGatewayTest, EveryRegistryReadMethodAnswersOverJsonWhatItAnswersOverGrpc) {
  auto stub = v1::Registry::NewStub(server_->NewChannel());

  v1::GetAgencyRequest get_agency;
  get_agency.set_name("agencies/dong-nai-so-tu-phap");
  v1::Agency agency;
  ASSERT_TRUE(stub->GetAgency(As(kReader).get(), get_agency, &agency).ok());
  ExpectSameOverHttp("/v1/registry/GetAgency", {{"name", "agencies/dong-nai-so-tu-phap"}},
                     R"({"name": "agencies/dong-nai-so-tu-phap"})", agency);

  v1::ListAgenciesRequest list_agencies;
  list_agencies.set_parent("agencies/dong-nai");
  list_agencies.set_kind(v1::AGENCY_KIND_DEPARTMENT);
  v1::ListAgenciesResponse agencies;
  ASSERT_TRUE(stub->ListAgencies(As(kReader).get(), list_agencies, &agencies).ok());
  ASSERT_EQ(agencies.agencies_size(), 2);
  ExpectSameOverHttp("/v1/registry/ListAgencies",
                     {{"parent", "agencies/dong-nai"}, {"kind", "AGENCY_KIND_DEPARTMENT"}},
                     R"({"parent": "agencies/dong-nai", "kind": "AGENCY_KIND_DEPARTMENT"})",
                     agencies);

  v1::GetDimensionRequest get_dimension;
  get_dimension.set_name("dimensions/sex");
  v1::Dimension dimension;
  ASSERT_TRUE(stub->GetDimension(As(kReader).get(), get_dimension, &dimension).ok());
  ExpectSameOverHttp("/v1/registry/GetDimension", {{"name", "dimensions/sex"}},
                     R"({"name": "dimensions/sex"})", dimension);

  v1::ListDimensionsResponse dimensions;
  ASSERT_TRUE(stub->ListDimensions(As(kReader).get(), v1::ListDimensionsRequest(), &dimensions).ok());
  ExpectSameOverHttp("/v1/registry/ListDimensions", {}, "", dimensions);

  v1::GetIndicatorRequest get_indicator;
  get_indicator.set_name("indicators/legal-aid-cases");
  v1::Indicator indicator;
  ASSERT_TRUE(stub->GetIndicator(As(kReader).get(), get_indicator, &indicator).ok());
  ExpectSameOverHttp("/v1/registry/GetIndicator", {{"name", "indicators/legal-aid-cases"}},
                     R"({"name": "indicators/legal-aid-cases"})", indicator);

  v1::ListIndicatorsResponse indicators;
  ASSERT_TRUE(stub->ListIndicators(As(kReader).get(), v1::ListIndicatorsRequest(), &indicators).ok());
  ExpectSameOverHttp("/v1/registry/ListIndicators", {{"pageSize", "10"}},
                     R"({"pageSize": 10})", indicators);

  v1::GetPlanRequest get_plan;
  get_plan.set_name(kPlan);
  v1::Plan plan;
  ASSERT_TRUE(stub->GetPlan(As(kReader).get(), get_plan, &plan).ok());
  ExpectSameOverHttp("/v1/registry/GetPlan", {{"name", kPlan}},
                     absl::StrCat(R"({"name": ")", kPlan, R"("})"), plan);

  v1::ListPlansRequest list_plans;
  list_plans.set_issuer("agencies/dong-nai");
  v1::ListPlansResponse plans;
  ASSERT_TRUE(stub->ListPlans(As(kReader).get(), list_plans, &plans).ok());
  ASSERT_EQ(plans.plans_size(), 1);
  ExpectSameOverHttp("/v1/registry/ListPlans", {{"issuer", "agencies/dong-nai"}},
                     R"({"issuer": "agencies/dong-nai"})", plans);

  v1::GetTaskRequest get_task;
  get_task.set_name(absl::StrCat(kPlan, "/tasks/B"));
  v1::Task task;
  ASSERT_TRUE(stub->GetTask(As(kReader).get(), get_task, &task).ok());
  ExpectSameOverHttp("/v1/registry/GetTask", {{"name", absl::StrCat(kPlan, "/tasks/B")}},
                     absl::StrCat(R"({"name": ")", kPlan, R"(/tasks/B"})"), task);

  v1::ListTasksRequest list_tasks;
  list_tasks.set_parent(kPlan);
  list_tasks.set_assignee("agencies/dong-nai-so-tu-phap");
  v1::ListTasksResponse tasks;
  ASSERT_TRUE(stub->ListTasks(As(kReader).get(), list_tasks, &tasks).ok());
  ASSERT_EQ(tasks.tasks_size(), 2);
  ExpectSameOverHttp("/v1/registry/ListTasks",
                     {{"parent", kPlan}, {"assignee", "agencies/dong-nai-so-tu-phap"}},
                     absl::StrCat(R"({"parent": ")", kPlan,
                                  R"(", "assignee": "agencies/dong-nai-so-tu-phap"})"),
                     tasks);

  v1::ExportPlanRequest export_plan;
  export_plan.set_name(kPlan);
  v1::ExportPlanResponse exported;
  ASSERT_TRUE(stub->ExportPlan(As(kReader).get(), export_plan, &exported).ok());
  ExpectSameOverHttp("/v1/registry/ExportPlan", {{"name", kPlan}},
                     absl::StrCat(R"({"name": ")", kPlan, R"("})"), exported);

  v1::CreateUserRequest create_user;
  create_user.set_user_id("nguyen-thi-lan");
  create_user.mutable_user()->set_display_name("Nguyễn Thị Lan");
  create_user.mutable_user()->set_agency("agencies/dong-nai-so-tu-phap");
  create_user.mutable_user()->add_roles(v1::ROLE_CLERK);
  v1::User user;
  ASSERT_TRUE(stub->CreateUser(As(kReader).get(), create_user, &user).ok());
  ExpectSameOverHttp("/v1/registry/GetUser", {{"name", "users/nguyen-thi-lan"}},
                     R"({"name": "users/nguyen-thi-lan"})", user);

  v1::ListUsersRequest list_users;
  list_users.set_agency("agencies/dong-nai-so-tu-phap");
  v1::ListUsersResponse users;
  ASSERT_TRUE(stub->ListUsers(As(kReader).get(), list_users, &users).ok());
  ASSERT_EQ(users.users_size(), 1);
  ExpectSameOverHttp("/v1/registry/ListUsers", {{"agency", "agencies/dong-nai-so-tu-phap"}},
                     R"({"agency": "agencies/dong-nai-so-tu-phap"})", users);

  // Every registry read method the gateway serves was compared above (its
  // writes, the dashboard's plan import, are driven by the browser tests).
  std::set<std::string> served;
  for (const Route& route : gateway_->routes().routes()) {
    if (absl::StartsWith(route.path, "/v1/registry/") && route.allow_get) {
      served.insert(route.path);
    }
  }
  EXPECT_EQ(served, covered_);
}

TEST_F(HttpGatewayTest, ResponsesUseTheJsonMappingWithVietnameseTextIntact) {
  auto result = Get("/v1/registry/GetAgency", {{"name", "agencies/dong-nai-so-tu-phap"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->body, HasSubstr("\"displayName\":\"Sở Tư pháp tỉnh Đồng Nai\""));
  EXPECT_THAT(result->body, HasSubstr("\"kind\":\"AGENCY_KIND_DEPARTMENT\""));
  EXPECT_EQ(result->get_header_value("Cache-Control"), "no-store");
}

TEST_F(HttpGatewayTest, PagesFollowTheirTokens) {
  auto first = ParseOk<v1::ListAgenciesResponse>(
      Get("/v1/registry/ListAgencies", {{"parent", "agencies/dong-nai"}, {"pageSize", "1"}}));
  ASSERT_EQ(first.agencies_size(), 1);
  ASSERT_FALSE(first.next_page_token().empty());
  auto second = ParseOk<v1::ListAgenciesResponse>(
      Get("/v1/registry/ListAgencies", {{"parent", "agencies/dong-nai"},
                                        {"pageSize", "1"},
                                        {"pageToken", first.next_page_token()}}));
  ASSERT_EQ(second.agencies_size(), 1);
  EXPECT_NE(first.agencies(0).name(), second.agencies(0).name());
}

TEST_F(HttpGatewayTest, ServiceErrorsKeepTheirCodeMessageAndDetails) {
  google::rpc::Status missing =
      ParseError(Get("/v1/registry/GetAgency", {{"name", "agencies/nowhere"}}), 404);
  EXPECT_EQ(missing.code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(missing.message(), "agencies/nowhere does not exist");
  EXPECT_EQ(ErrorInfoOf(missing).reason(), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(ErrorInfoOf(missing).domain(), "tonghop.v1");

  google::rpc::Status invalid =
      ParseError(Get("/v1/registry/GetAgency", {{"name", "Đồng Nai"}}), 400);
  EXPECT_EQ(invalid.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  ASSERT_GE(BadRequestOf(invalid).field_violations_size(), 1);
  EXPECT_EQ(BadRequestOf(invalid).field_violations(0).field(), "name");
}

TEST_F(HttpGatewayTest, UnknownEnumNumbersAndAgenciesAreRefusedWithTheField) {
  // A number the enum does not define is refused, not read as "any kind",
  // as a query parameter and in a JSON body.
  google::rpc::Status query =
      ParseError(Get("/v1/registry/ListAgencies", {{"kind", "99"}}, "dong-nai-so-y-te"), 400);
  ASSERT_EQ(BadRequestOf(query).field_violations_size(), 1);
  EXPECT_EQ(BadRequestOf(query).field_violations(0).field(), "kind");
  google::rpc::Status kind =
      ParseError(Post("/v1/registry/ListAgencies", R"({"kind": 99})", "dong-nai-so-y-te"), 400);
  ASSERT_EQ(BadRequestOf(kind).field_violations_size(), 1);
  EXPECT_EQ(BadRequestOf(kind).field_violations(0).field(), "kind");
  EXPECT_EQ(ErrorInfoOf(kind).reason(), "UNKNOWN_ENUM_VALUE");
  // An unknown parent is NOT_FOUND, with what it probably meant.
  google::rpc::Status parent = ParseError(
      Get("/v1/registry/ListAgencies", {{"parent", "agencies/dong-nai-x"}}, "dong-nai-so-y-te"),
      404);
  EXPECT_THAT(parent.message(), HasSubstr("did you mean dong-nai (Tỉnh Đồng Nai)"));
}

TEST_F(HttpGatewayTest, PermissionDeniedOverHttpIs403LikeOverGrpc) {
  // Registry mutations are not served by default; serving one shows the
  // services' permission rules apply to the forwarded identity.
  HttpGatewayOptions options = Options("127.0.0.1:0", "");
  options.methods = DefaultMethodRules();
  options.methods.push_back({"tonghop.v1.Registry/CreateAgency", false});
  auto writable = HttpGateway::Start(options);
  ASSERT_TRUE(writable.ok()) << writable.status();
  httplib::Client client("127.0.0.1", (*writable)->port());
  const std::string body = R"({"agencyId": "ha-noi", "agency": {
      "displayName": "Thành phố Hà Nội", "kind": "AGENCY_KIND_PROVINCE",
      "parent": "agencies/bo-tu-phap"}})";

  google::rpc::Status denied = ParseError(
      client.Post("/v1/registry/CreateAgency", Identity("dong-nai-so-y-te"), body,
                  "application/json"),
      403);
  EXPECT_EQ(denied.code(), static_cast<int>(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(denied.message(), HasSubstr("agencies/dong-nai-so-y-te may not"));
  EXPECT_FALSE(ErrorInfoOf(denied).reason().empty());

  // The same call over gRPC gets the same answer.
  v1::CreateAgencyRequest request;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(body, &request).ok());
  v1::Agency unused;
  grpc::Status over_grpc = v1::Registry::NewStub(server_->NewChannel())
                               ->CreateAgency(As("dong-nai-so-y-te").get(), request, &unused);
  EXPECT_EQ(over_grpc.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(over_grpc.error_message(), denied.message());
  EXPECT_EQ(GetErrorInfo(FromGrpcStatus(over_grpc)).reason(), ErrorInfoOf(denied).reason());

  google::rpc::Status anonymous = ParseError(
      client.Post("/v1/registry/CreateAgency", body, "application/json"), 401);
  EXPECT_EQ(anonymous.code(), static_cast<int>(grpc::StatusCode::UNAUTHENTICATED));

  // The default gateway does not serve the mutation at all.
  ParseError(Post("/v1/registry/CreateAgency", body, "bo-tu-phap"), 404);
}

TEST_F(HttpGatewayTest, AMalformedIdentityHeaderIs401) {
  google::rpc::Status status = ParseError(
      Get("/v1/registry/GetPlan", {{"name", kPlan}}, "Sở Tư pháp"), 401);
  EXPECT_EQ(status.code(), static_cast<int>(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(status.message(), HasSubstr("x-tonghop-agency"));
}

TEST_F(HttpGatewayTest, BadJsonIs400WithAClearMessage) {
  google::rpc::Status broken =
      ParseError(Post("/v1/registry/GetAgency", R"({"name": "agencies/dong-nai")"), 400);
  EXPECT_EQ(broken.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(broken.message(),
              HasSubstr("body: the request body is not a valid tonghop.v1.GetAgencyRequest "
                        "in JSON"));
  EXPECT_EQ(ErrorInfoOf(broken).reason(), "INVALID_JSON");
  ASSERT_EQ(BadRequestOf(broken).field_violations_size(), 1);
  EXPECT_EQ(BadRequestOf(broken).field_violations(0).field(), "body");

  google::rpc::Status unknown =
      ParseError(Post("/v1/registry/GetAgency", R"({"nmae": "agencies/dong-nai"})"), 400);
  EXPECT_THAT(unknown.message(), HasSubstr("nmae"));

  google::rpc::Status wrong_type =
      ParseError(Post("/v1/registry/ListAgencies", R"({"pageSize": "many"})"), 400);
  EXPECT_THAT(wrong_type.message(), HasSubstr("page_size"));
  EXPECT_THAT(wrong_type.message(), HasSubstr("\"many\""));

  auto text = client_->Post("/v1/registry/GetAgency", "name=x", "text/plain");
  google::rpc::Status media = ParseError(text, 415);
  EXPECT_THAT(media.message(), HasSubstr("not application/json"));
}

TEST_F(HttpGatewayTest, BadQueryParametersAre400NamingTheParameter) {
  google::rpc::Status unknown =
      ParseError(Get("/v1/registry/ListAgencies", {{"parnet", "agencies/dong-nai"}}), 400);
  EXPECT_THAT(unknown.message(), HasSubstr("has no field \"parnet\""));
  EXPECT_EQ(BadRequestOf(unknown).field_violations(0).field(), "parnet");

  google::rpc::Status not_a_number =
      ParseError(Get("/v1/registry/ListAgencies", {{"pageSize", "many"}}), 400);
  EXPECT_THAT(not_a_number.message(), HasSubstr("pageSize"));

  google::rpc::Status alt =
      ParseError(Get("/v1/registry/GetPlan", {{"name", kPlan}, {"alt", "xml"}}), 400);
  EXPECT_THAT(alt.message(), HasSubstr("not json or media"));
}

TEST_F(HttpGatewayTest, UnknownMethodsAre404AndWritesRefuseGet) {
  google::rpc::Status unknown = ParseError(Get("/v1/registry/GetPlanet"), 404);
  EXPECT_EQ(unknown.code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(unknown.message(), HasSubstr("no method at /v1/registry/GetPlanet"));
  EXPECT_EQ(ErrorInfoOf(unknown).reason(), "METHOD_NOT_FOUND");
  ParseError(Post("/v1/nothing/GetPlan", "{}"), 404);

  auto get_submit = Get("/v1/submissions/Submit", {{"name", "reports/a/b/2026"}});
  ParseError(get_submit, 405);
  EXPECT_EQ(get_submit->get_header_value("Allow"), "POST");

  auto put = client_->Put("/v1/registry/GetPlan", "{}", "application/json");
  ParseError(put, 405);
}

TEST_F(HttpGatewayTest, IndexListsTheServedMethods) {
  auto result = Get("/v1/");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->body, HasSubstr("\"path\":\"/v1/registry/GetAgency\""));
  EXPECT_THAT(result->body, HasSubstr("\"grpcMethod\":\"/tonghop.v1.Registry/GetAgency\""));
  EXPECT_THAT(result->body, ::testing::Not(HasSubstr("CreateAgency")));
}

TEST_F(HttpGatewayTest, AltMediaSendsTheContentFieldAndNeedsOne) {
  google::rpc::Status no_content =
      ParseError(Get("/v1/registry/GetPlan", {{"name", kPlan}, {"alt", "media"}}), 400);
  EXPECT_THAT(no_content.message(), HasSubstr("bytes field \"content\""));

  // CSV export exists when the plan importer is built in; its bytes come
  // through unchanged.
  v1::ExportPlanRequest request;
  request.set_name(kPlan);
  request.set_format(v1::EXPORT_FORMAT_CSV);
  v1::ExportPlanResponse exported;
  grpc::Status status = v1::Registry::NewStub(server_->NewChannel())
                            ->ExportPlan(As(kReader).get(), request, &exported);
  auto media = Get("/v1/registry/ExportPlan",
                   {{"name", kPlan}, {"format", "EXPORT_FORMAT_CSV"}, {"alt", "media"}});
  ASSERT_TRUE(media);
  EXPECT_EQ(media->status, HttpStatusForCode(status.error_code())) << media->body;
  if (status.ok()) {
    EXPECT_EQ(media->body, exported.content());
    EXPECT_EQ(media->get_header_value("Content-Type"), "application/octet-stream");
  }
}

TEST_F(HttpGatewayTest, ServesTheDashboardAndNothingOutsideIt) {
  auto index = Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<!doctype html><title>Tổng hợp</title>");
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_THAT(index->get_header_value("Content-Security-Policy"),
              HasSubstr("default-src 'self'"));

  ParseError(Get("/missing.js"), 404);
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/x/..%2f..%2fsecret.txt"}) {
    auto result = Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 400) << path;
    EXPECT_THAT(result->body, ::testing::Not(HasSubstr("TOP-SECRET-CONTENT"))) << path;
  }
  ParseError(client_->Post("/index.html", "x", "text/plain"), 405);
}

TEST_F(HttpGatewayTest, StartFailsClearlyOnABadOrBusyAddress) {
  auto busy = HttpGateway::Start(Options(gateway_->address(), ""));
  ASSERT_FALSE(busy.ok());
  EXPECT_THAT(std::string(busy.status().message()), HasSubstr("cannot listen"));
  auto malformed = HttpGateway::Start(Options("localhost", ""));
  ASSERT_FALSE(malformed.ok());
  EXPECT_THAT(std::string(malformed.status().message()), HasSubstr("HOST:PORT"));
}

TEST_F(HttpGatewayTest, StopRightAfterStartReturns) {
  auto gateway = HttpGateway::Start(Options("127.0.0.1:0", ""));
  ASSERT_TRUE(gateway.ok());
  (*gateway)->Stop();
  (*gateway)->Stop();
}

#ifdef TONGHOP_HAVE_SUBMISSIONS
// A report with 10,000 bad cells: the JSON error lists the first 100, counts
// the others, and stays a few kilobytes instead of echoing megabytes.
TEST_F(HttpGatewayTest, TenThousandBadCellsGiveABoundedJsonError) {
  v1::SubmitRequest submit;
  submit.set_name("reports/dong-nai-so-tu-phap/dong-nai-74-2026/2026");
  for (int i = 0; i < 10000; ++i) {
    v1::Value* value = submit.mutable_report()->add_values();
    value->set_indicator("indicators/legal-aid-cases");
    value->set_decimal_value(absl::StrCat("không-phải-số-", i, std::string(300, 'x')));
  }
  std::string body;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(submit, &body).ok());
  ASSERT_GT(body.size(), 3'000'000u);
  httplib::Result result = Post("/v1/submissions/Submit", body, "dong-nai-so-tu-phap");
  google::rpc::Status error = ParseError(result, 400);
  ASSERT_TRUE(result);
  EXPECT_LT(result->body.size(), 16u * 1024) << result->body.substr(0, 2000);
  EXPECT_EQ(error.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(BadRequestOf(error).field_violations_size(), 100);
  google::rpc::ErrorInfo info = ErrorInfoOf(error);
  const auto& metadata = info.metadata();
  ASSERT_EQ(metadata.count("omitted_violations"), 1u) << result->body.substr(0, 3000);
  // 10,000 values and the progress the submission lacks.
  EXPECT_GE(std::stoi(metadata.at("omitted_violations")), 9900);
  EXPECT_EQ(result->body.find(std::string(100, 'x')), std::string::npos);
}

// The report life cycle over HTTP: a draft, a submission, a review, and the
// read methods answering what gRPC answers; another agency is refused.
TEST_F(HttpGatewayTest, ReportsAreFiledOverHttpAndReadBackAsOverGrpc) {
  const std::string draft_body = absl::StrCat(
      R"({"plan": ")", kPlan, R"(", "period": "2026", "agency": "agencies/dong-nai-so-tu-phap"})");
  google::rpc::Status denied =
      ParseError(Post("/v1/submissions/GetOrCreateDraft", draft_body, "dong-nai-so-y-te"), 403);
  EXPECT_EQ(denied.code(), static_cast<int>(grpc::StatusCode::PERMISSION_DENIED));

  v1::Report draft = ParseOk<v1::Report>(
      Post("/v1/submissions/GetOrCreateDraft", draft_body, "dong-nai-so-tu-phap"));
  ASSERT_EQ(draft.name(), "reports/dong-nai-so-tu-phap/dong-nai-74-2026/2026");
  ASSERT_EQ(draft.progress_size(), 2);
  v1::SubmitRequest submit;
  submit.set_name(draft.name());
  submit.set_etag(draft.etag());
  *submit.mutable_report() = draft;
  for (auto& progress : *submit.mutable_report()->mutable_progress()) {
    progress.set_status(v1::PROGRESS_STATUS_COMPLETED);
    progress.set_summary("Đã hoàn thành.");
  }
  for (auto& value : *submit.mutable_report()->mutable_values()) {
    value.set_int_value(value.cells().empty() ? 10 : (value.cells().at("sex") == "female" ? 6 : 4));
  }
  std::string submit_json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(submit, &submit_json).ok());
  ParseError(Post("/v1/submissions/Submit", submit_json, "dong-nai-so-y-te"), 403);
  v1::Report submitted =
      ParseOk<v1::Report>(Post("/v1/submissions/Submit", submit_json, "dong-nai-so-tu-phap"));
  EXPECT_EQ(submitted.state(), v1::REPORT_STATE_SUBMITTED);
  EXPECT_EQ(submitted.revision(), 1);

  // Nobody reviews their own agency's report: the Department of Justice's
  // goes to the Ministry. A stale etag is ABORTED, 409.
  ParseError(Post("/v1/submissions/Review",
                  absl::StrCat(R"({"name": ")", draft.name(),
                               R"(", "decision": "REVIEW_DECISION_ACCEPT"})"),
                  "dong-nai-so-tu-phap"),
             403);
  ParseError(Post("/v1/submissions/Review",
                  absl::StrCat(R"({"name": ")", draft.name(),
                               R"(", "decision": "REVIEW_DECISION_ACCEPT", "etag": "stale"})"),
                  "bo-tu-phap"),
             409);
  v1::Report accepted = ParseOk<v1::Report>(
      Post("/v1/submissions/Review",
           absl::StrCat(R"({"name": ")", draft.name(), R"(", "decision": "REVIEW_DECISION_ACCEPT", "etag": ")",
                        submitted.etag(), R"("})"),
           "bo-tu-phap"));
  EXPECT_EQ(accepted.state(), v1::REPORT_STATE_ACCEPTED);

  auto stub = v1::Submissions::NewStub(server_->NewChannel());
  v1::GetReportRequest get;
  get.set_name(draft.name());
  v1::Report over_grpc;
  ASSERT_TRUE(stub->GetReport(As("bo-tu-phap").get(), get, &over_grpc).ok());
  auto via_http = ParseOk<v1::Report>(
      Get("/v1/submissions/GetReport", {{"name", draft.name()}}, "bo-tu-phap"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(via_http, over_grpc));
  ParseError(Get("/v1/submissions/GetReport", {{"name", draft.name()}}, "dong-nai-so-y-te"), 403);

  v1::ListReportsRequest list;
  list.set_plan(kPlan);
  list.set_period("2026");
  v1::ListReportsResponse reports;
  ASSERT_TRUE(stub->ListReports(As("bo-tu-phap").get(), list, &reports).ok());
  auto reports_http = ParseOk<v1::ListReportsResponse>(Get(
      "/v1/submissions/ListReports", {{"plan", kPlan}, {"period", "2026"}}, "bo-tu-phap"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(reports_http, reports));
  EXPECT_EQ(reports_http.reports_size(), 1);

  v1::ListRevisionsRequest revisions_request;
  revisions_request.set_name(draft.name());
  v1::ListRevisionsResponse revisions;
  ASSERT_TRUE(stub->ListRevisions(As("bo-tu-phap").get(), revisions_request, &revisions).ok());
  auto revisions_http = ParseOk<v1::ListRevisionsResponse>(
      Get("/v1/submissions/ListRevisions", {{"name", draft.name()}}, "bo-tu-phap"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(revisions_http, revisions));

}

// The report form as a workbook over HTTP (report_forms.h).
class ReportFormTest : public HttpGatewayTest {
 protected:
  static constexpr char kReport[] = "reports/dong-nai-so-tu-phap/dong-nai-74-2026/2026";
  static constexpr char kClerk[] = "dong-nai-so-tu-phap";

  httplib::Result Download(const std::string& agency = kClerk) {
    return client_->Post("/v1/forms/xlsx", Identity(agency),
                         absl::StrCat(R"({"plan": ")", kPlan, R"(", "period": "2026"})"),
                         "application/json");
  }

  httplib::Result Upload(const std::string& bytes, const std::string& name = kReport,
                         const std::string& agency = kClerk) {
    return client_->Post(
        absl::StrCat("/v1/forms/xlsx:read?filename=bao-cao.xlsx&name=", name), Identity(agency),
        bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  }

  // The report an upload answered, and the cells of its values and tasks.
  struct Read {
    v1::Report report;
    std::vector<std::string> value_cells;
    std::vector<std::string> progress_cells;
  };
  static Read ParseRead(const httplib::Result& result) {
    Read read;
    google::protobuf::Struct answer = ParseOk<google::protobuf::Struct>(result);
    std::string report_json;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(answer.fields().at("report"),
                                                            &report_json)
                    .ok());
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(report_json, &read.report).ok());
    for (const auto& v : answer.fields().at("valueCells").list_value().values()) {
      read.value_cells.push_back(v.string_value());
    }
    for (const auto& v : answer.fields().at("progressCells").list_value().values()) {
      read.progress_cells.push_back(v.string_value());
    }
    return read;
  }

  v1::Report Stored() {
    auto stub = v1::Submissions::NewStub(server_->NewChannel());
    v1::GetReportRequest get;
    get.set_name(kReport);
    v1::Report report;
    grpc::Status status = stub->GetReport(As(kClerk).get(), get, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return report;
  }
};

TEST_F(ReportFormTest, TheDownloadedWorkbookReadsBackAsTheReport) {
  httplib::Result workbook = Download();
  ASSERT_TRUE(workbook);
  ASSERT_EQ(workbook->status, 200) << workbook->body;
  EXPECT_EQ(workbook->get_header_value("Content-Type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_THAT(workbook->get_header_value("Content-Disposition"),
              HasSubstr("bieu-mau-dong-nai-so-tu-phap-dong-nai-74-2026-2026.xlsx"));
  EXPECT_EQ(workbook->body.substr(0, 2), "PK");

  Read read = ParseRead(Upload(workbook->body));
  EXPECT_EQ(read.report.name(), kReport);
  EXPECT_EQ(read.report.etag(), Stored().etag());
  ASSERT_EQ(read.report.progress_size(), 2);
  EXPECT_EQ(read.progress_cells, (std::vector<std::string>{"Nhiệm vụ!D2", "Nhiệm vụ!D3"}));
  ASSERT_EQ(read.report.values_size(), Stored().values_size());
  ASSERT_EQ(read.value_cells.size(), static_cast<size_t>(read.report.values_size()));
  EXPECT_EQ(read.value_cells.front(), "Số liệu!E2");

  // Without an identity there is no form; another agency gets none of this one.
  google::rpc::Status anonymous = ParseError(
      client_->Post("/v1/forms/xlsx", absl::StrCat(R"({"plan": ")", kPlan, R"(", "period": "2026"})"),
                    "application/json"),
      401);
  EXPECT_EQ(anonymous.code(), static_cast<int>(grpc::StatusCode::UNAUTHENTICATED));
  ParseError(client_->Post("/v1/forms/xlsx:read", workbook->body, "application/octet-stream"),
             401);
  ParseError(client_->Get("/v1/forms/xlsx", Identity(kClerk)), 405);
}

TEST_F(ReportFormTest, ABrokenOrForeignUploadIsRefusedPreciselyAndChangesNothing) {
  httplib::Result workbook = Download();
  ASSERT_TRUE(workbook);
  ASSERT_EQ(workbook->status, 200) << workbook->body;
  v1::Report before = Stored();

  google::rpc::Status garbage = ParseError(Upload("this is not a workbook"), 400);
  EXPECT_EQ(ErrorInfoOf(garbage).reason(), "XLSX_NOT_A_WORKBOOK");
  EXPECT_THAT(garbage.message(), HasSubstr("bao-cao.xlsx"));
  google::rpc::LocalizedMessage vietnamese;
  for (const auto& any : garbage.details()) any.UnpackTo(&vietnamese);
  EXPECT_EQ(vietnamese.locale(), "vi-VN");
  EXPECT_THAT(vietnamese.message(), HasSubstr("không phải là biểu mẫu Excel"));

  // Cut short: a damaged download.
  google::rpc::Status cut =
      ParseError(Upload(workbook->body.substr(0, workbook->body.size() / 2)), 400);
  EXPECT_EQ(ErrorInfoOf(cut).reason(), "XLSX_NOT_A_WORKBOOK");

  google::rpc::Status foreign = ParseError(
      Upload(workbook->body, "reports/dong-nai-so-y-te/dong-nai-74-2026/2026"), 400);
  EXPECT_EQ(ErrorInfoOf(foreign).reason(), "FORM_OF_ANOTHER_REPORT");
  EXPECT_THAT(foreign.message(), HasSubstr(kReport));

  ParseError(client_->Post("/v1/forms/xlsx:read?name=x", Identity(kClerk), workbook->body,
                           "text/csv"),
             415);
  v1::Report after = Stored();
  EXPECT_EQ(after.etag(), before.etag());
  EXPECT_EQ(after.state(), before.state());
}

// The workbook as an official fills it: downloaded, typed into (openpyxl
// stands for the person), saved by LibreOffice through its own format and
// back (its shared strings, styles, number formats and sheet order), read
// by the upload and submitted: the stored report holds what was typed.
TEST_F(ReportFormTest, AWorkbookRoundTrippedThroughLibreOfficeIsSubmittedWithItsFigures) {
  if (std::system("command -v soffice >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "LibreOffice (soffice) is not installed";
  }
  const std::string python =
      std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  if (std::system((python + " -c 'import openpyxl' 2>/dev/null").c_str()) != 0) {
    GTEST_SKIP() << "python3-openpyxl is not installed";
  }
  httplib::Result workbook = Download();
  ASSERT_TRUE(workbook);
  ASSERT_EQ(workbook->status, 200) << workbook->body;
  const std::string work = dir_.path() + "/form";
  std::filesystem::create_directories(work + "/ods");
  std::filesystem::create_directories(work + "/xlsx");
  std::ofstream(work + "/bao-cao.xlsx", std::ios::binary) << workbook->body;

  // The figures sheet: total, then its breakdown by sex in the template's
  // order; find the rows by their cells rather than assume it.
  Read blank = ParseRead(Upload(workbook->body));
  std::map<std::string, std::string> row_of;  // "" / "sex=female" → "E3"
  for (int i = 0; i < blank.report.values_size(); ++i) {
    const auto& cells = blank.report.values(i).cells();
    std::string key = cells.empty() ? "" : absl::StrCat("sex=", cells.at("sex"));
    row_of[key] = blank.value_cells[i].substr(blank.value_cells[i].find('!') + 1);
  }
  ASSERT_EQ(row_of.size(), 3u);
  std::ofstream(work + "/fill.py") << absl::StrCat(
      "import openpyxl\n"
      "wb = openpyxl.load_workbook('", work, "/bao-cao.xlsx')\n"
      "t = wb['Nhiệm vụ']\n"
      "t['D2'] = 'Hoàn thành'\n"
      "t['E2'] = 'Đã trợ giúp 1.200 lượt người; tổ chức 12 buổi.'\n"
      "t['D3'] = 'Đang thực hiện'\n"
      "t['E3'] = 'Đang khảo sát nhu cầu.'\n"
      "f = wb['Số liệu']\n"
      "f['", row_of[""], "'] = 1250\n"           // a number
      "f['", row_of["sex=female"], "'] = '700'\n"  // typed as text
      "f['", row_of["sex=male"], "'] = 550.0\n"   // a float that is whole
      "wb.save('", work, "/bao-cao.xlsx')\n");
  ASSERT_EQ(std::system(absl::StrCat(python, " ", work, "/fill.py").c_str()), 0);
  // Each conversion in its own throw-away profile directory under `work`.
  auto convert = [&](const std::string& format, const std::string& input) {
    return std::system(absl::StrCat("soffice -env:UserInstallation=file://", work,
                                    "/profile --headless --convert-to ", format, " --outdir ",
                                    work, "/", format, " ", input, " >/dev/null 2>&1")
                           .c_str());
  };
  ASSERT_EQ(convert("ods", work + "/bao-cao.xlsx"), 0);
  ASSERT_EQ(convert("xlsx", work + "/ods/bao-cao.ods"), 0);
  std::ifstream converted_file(work + "/xlsx/bao-cao.xlsx", std::ios::binary);
  std::string converted((std::istreambuf_iterator<char>(converted_file)),
                        std::istreambuf_iterator<char>());
  ASSERT_FALSE(converted.empty()) << "LibreOffice wrote no workbook";
  ASSERT_NE(converted, workbook->body);

  Read read = ParseRead(Upload(converted));
  ASSERT_EQ(read.report.name(), kReport);
  v1::SubmitRequest submit;
  submit.set_name(kReport);
  submit.set_etag(read.report.etag());
  submit.set_request_id("libreoffice-round-trip-1");
  *submit.mutable_report() = read.report;
  std::string submit_json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(submit, &submit_json).ok());
  v1::Report submitted =
      ParseOk<v1::Report>(Post("/v1/submissions/Submit", submit_json, kClerk));
  EXPECT_EQ(submitted.state(), v1::REPORT_STATE_SUBMITTED);

  v1::Report stored = Stored();
  EXPECT_EQ(stored.state(), v1::REPORT_STATE_SUBMITTED);
  ASSERT_EQ(stored.progress_size(), 2);
  std::map<std::string, const v1::TaskProgress*> tasks;
  for (const auto& p : stored.progress()) tasks[p.task()] = &p;
  ASSERT_EQ(tasks.count(absl::StrCat(kPlan, "/tasks/A")), 1u);
  const v1::TaskProgress& a = *tasks[absl::StrCat(kPlan, "/tasks/A")];
  const v1::TaskProgress& b = *tasks[absl::StrCat(kPlan, "/tasks/B")];
  EXPECT_EQ(a.status(), v1::PROGRESS_STATUS_COMPLETED);
  EXPECT_EQ(a.summary(), "Đã trợ giúp 1.200 lượt người; tổ chức 12 buổi.");
  EXPECT_EQ(b.status(), v1::PROGRESS_STATUS_IN_PROGRESS);
  EXPECT_EQ(b.summary(), "Đang khảo sát nhu cầu.");
  std::map<std::string, int64_t> figures;
  for (const auto& v : stored.values()) {
    std::string key = v.cells().empty() ? "" : absl::StrCat("sex=", v.cells().at("sex"));
    EXPECT_EQ(v.value_case(), v1::Value::kIntValue) << key;
    figures[key] = v.int_value();
  }
  EXPECT_EQ(figures, (std::map<std::string, int64_t>{
                         {"", 1250}, {"sex=female", 700}, {"sex=male", 550}}));
}
#endif


#ifdef TONGHOP_HAVE_AGGREGATION
TEST_F(HttpGatewayTest, EveryAggregationReadAnswersOverJsonWhatItAnswersOverGrpc) {
  // One accepted report: a submission and a review, two changes on the feed.
  auto stub = v1::Submissions::NewStub(server_->NewChannel());
  v1::GetOrCreateDraftRequest draft_request;
  draft_request.set_plan(kPlan);
  draft_request.set_period("2026");
  v1::Report draft;
  grpc::Status status =
      stub->GetOrCreateDraft(As("dong-nai-so-tu-phap").get(), draft_request, &draft);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::SubmitRequest submit;
  submit.set_name(draft.name());
  submit.set_etag(draft.etag());
  *submit.mutable_report() = draft;
  for (auto& progress : *submit.mutable_report()->mutable_progress()) {
    progress.set_status(v1::PROGRESS_STATUS_COMPLETED);
  }
  for (auto& value : *submit.mutable_report()->mutable_values()) {
    value.set_int_value(value.cells().empty() ? 10 : (value.cells().at("sex") == "female" ? 6 : 4));
  }
  v1::Report submitted;
  status = stub->Submit(As("dong-nai-so-tu-phap").get(), submit, &submitted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::ReviewRequest review;
  review.set_name(draft.name());
  review.set_decision(v1::REVIEW_DECISION_ACCEPT);
  v1::Report accepted;
  status = stub->Review(As("bo-tu-phap").get(), review, &accepted);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Every aggregation read answers over JSON what it answers over gRPC, once
  // the roll-ups have applied the submission and the review.
  auto aggregation = v1::Aggregation::NewStub(server_->NewChannel());
  const httplib::Params base = {{"plan", kPlan},
                                {"period", "2026"},
                                {"agency", "agencies/dong-nai"},
                                {"minSequence", "2"}};
  v1::CompletenessRequest completeness_request;
  completeness_request.set_plan(kPlan);
  completeness_request.set_period("2026");
  completeness_request.set_agency("agencies/dong-nai");
  completeness_request.set_min_sequence(2);
  v1::CompletenessResponse completeness;
  status = aggregation->Completeness(As("bo-tu-phap").get(), completeness_request,
                                                  &completeness);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(completeness.received(), 1);
  auto completeness_http = ParseOk<v1::CompletenessResponse>(
      Get("/v1/aggregation/Completeness", base, "bo-tu-phap"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(completeness_http, completeness))
      << completeness_http.DebugString() << completeness.DebugString();

  v1::RollupRequest rollup_request;
  rollup_request.set_plan(kPlan);
  rollup_request.set_period("2026");
  rollup_request.set_agency("agencies/dong-nai");
  rollup_request.set_group_by(v1::ROLLUP_GROUPING_DIMENSION);
  rollup_request.set_dimension("dimensions/sex");
  rollup_request.set_min_sequence(2);
  v1::RollupResponse rollup;
  status = aggregation->Rollup(As("bo-tu-phap").get(), rollup_request, &rollup);
  ASSERT_TRUE(status.ok()) << status.error_message();
  httplib::Params rollup_query = base;
  rollup_query.emplace("groupBy", "ROLLUP_GROUPING_DIMENSION");
  rollup_query.emplace("dimension", "dimensions/sex");
  auto rollup_http =
      ParseOk<v1::RollupResponse>(Get("/v1/aggregation/Rollup", rollup_query, "bo-tu-phap"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(rollup_http, rollup));

  v1::TaskStatusRequest task_request;
  task_request.set_plan(kPlan);
  task_request.set_period("2026");
  task_request.set_agency("agencies/dong-nai");
  task_request.set_min_sequence(2);
  task_request.mutable_as_of()->set_seconds(1798761600);  // 2027-01-01
  v1::TaskStatusResponse task_status;
  status = aggregation->TaskStatus(As("bo-tu-phap").get(), task_request, &task_status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  httplib::Params task_query = base;
  task_query.emplace("asOf", "2027-01-01T00:00:00Z");
  auto task_http = ParseOk<v1::TaskStatusResponse>(
      Get("/v1/aggregation/TaskStatus", task_query, "bo-tu-phap"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(task_http, task_status));

  v1::TrendRequest trend_request;
  trend_request.set_agency("agencies/dong-nai");
  trend_request.set_indicator("indicators/legal-aid-cases");
  trend_request.add_plans(kPlan);
  trend_request.set_min_sequence(2);
  v1::TrendResponse trend;
  status = aggregation->Trend(As("bo-tu-phap").get(), trend_request, &trend);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto trend_http = ParseOk<v1::TrendResponse>(
      Get("/v1/aggregation/Trend",
          {{"agency", "agencies/dong-nai"}, {"indicator", "indicators/legal-aid-cases"},
           {"plans", kPlan}, {"minSequence", "2"}},
          "bo-tu-phap"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(trend_http, trend));

  v1::CompileReportRequest compile_request;
  compile_request.set_plan(kPlan);
  compile_request.set_period("2026");
  compile_request.set_agency("agencies/dong-nai");
  compile_request.set_format(v1::REPORT_FORMAT_MARKDOWN);
  compile_request.set_min_sequence(2);
  compile_request.mutable_as_of()->set_seconds(1798761600);
  v1::CompileReportResponse compiled;
  status = aggregation->CompileReport(As("bo-tu-phap").get(), compile_request, &compiled);
  ASSERT_TRUE(status.ok()) << status.error_message();
  httplib::Params compile_query = base;
  compile_query.emplace("format", "REPORT_FORMAT_MARKDOWN");
  compile_query.emplace("asOf", "2027-01-01T00:00:00Z");
  auto compiled_http = ParseOk<v1::CompileReportResponse>(
      Get("/v1/aggregation/CompileReport", compile_query, "bo-tu-phap"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(compiled_http, compiled));
  compile_query.emplace("alt", "media");
  auto media = Get("/v1/aggregation/CompileReport", compile_query, "bo-tu-phap");
  ASSERT_TRUE(media);
  EXPECT_EQ(media->status, 200);
  EXPECT_EQ(media->body, compiled.content());
  EXPECT_EQ(media->get_header_value("Content-Type"), compiled.content_type());
  EXPECT_THAT(media->get_header_value("Content-Disposition"), HasSubstr("attachment"));

  // Aggregation answers only the subtrees the caller is in or reviews.
  ParseError(Get("/v1/aggregation/Completeness",
                 {{"plan", kPlan}, {"period", "2026"}, {"agency", "agencies/bo-tu-phap"}},
                 "dong-nai-so-y-te"),
             403);
}
#endif

// The ErrorInfo reason of a JSON error answer read off the wire.
std::string ReasonOf(const RawResponse& response) {
  google::rpc::Status status;
  auto parsed = google::protobuf::util::JsonStringToMessage(response.body, &status);
  EXPECT_TRUE(parsed.ok()) << parsed.ToString() << " in " << response.body;
  google::rpc::ErrorInfo info;
  for (const auto& any : status.details()) {
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

// A gzip body is refused from its headers: only the first bytes of a
// 510 KB body (which would inflate to 500 MB) are sent, and the answer comes
// without the rest. The connection is closed after it, and the server goes
// on answering.
TEST_F(HttpGatewayTest, CompressedBodiesAreRefusedBeforeAnyByteIsRead) {
  const std::string gzip_start("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  for (const char* coding : {"gzip", "deflate", "br", "GZIP", "identity, gzip", "compress"}) {
    SCOPED_TRACE(coding);
    RawResponse refused = RawExchange(
        gateway_->port(), RawHead("POST", "/v1/registry/GetAgency", gateway_->port(),
                                  {{"Content-Type", "application/json"},
                                   {"Content-Encoding", coding},
                                   {"Content-Length", "522240"}}) +
                              gzip_start);
    EXPECT_EQ(refused.status, 415) << refused.body;
    EXPECT_EQ(ReasonOf(refused), "UNSUPPORTED_CONTENT_ENCODING");
    EXPECT_THAT(refused.body, HasSubstr("uncompressed"));
    EXPECT_EQ(refused.header("Connection"), "close");
  }
  // httplib reads only the first Content-Encoding: a second one counts too.
  RawResponse second = RawExchange(
      gateway_->port(), RawHead("POST", "/v1/registry/GetAgency", gateway_->port(),
                                {{"Content-Type", "application/json"},
                                 {"Content-Encoding", "identity"},
                                 {"Content-Encoding", "gzip"},
                                 {"Content-Length", "522240"}}) +
                            gzip_start);
  EXPECT_EQ(second.status, 415) << second.body;
  // Uncompressed is served, and so is everything after the refusals.
  const std::string body = R"({"name": "agencies/dong-nai"})";
  RawResponse identity = RawExchange(
      gateway_->port(), RawHead("POST", "/v1/registry/GetAgency", gateway_->port(),
                                {{"Content-Type", "application/json"},
                                 {"Content-Encoding", "identity"},
                                 {"x-tonghop-agency", kReader},
                                 {"Content-Length", absl::StrCat(body.size())}}) +
                            body);
  EXPECT_EQ(identity.status, 200) << identity.body;
  EXPECT_THAT(identity.body, HasSubstr("Tỉnh Đồng Nai"));
  httplib::Result alive = client_->Get("/healthz");
  ASSERT_TRUE(alive);
  EXPECT_EQ(alive->status, 200);
}

// Chunked bodies are counted as they are read against the same limit as
// Content-Length; the framing httplib would misread is refused.
TEST_F(HttpGatewayTest, ChunkedBodiesAreCountedAgainstTheBodyLimit) {
  HttpGatewayOptions options = Options("127.0.0.1:0", "");
  options.max_body_bytes = 256 << 10;
  auto small = HttpGateway::Start(options);
  ASSERT_TRUE(small.ok()) << small.status();
  const int port = (*small)->port();
  auto head = [port](const std::string& method, const std::string& path,
                     std::vector<std::pair<std::string, std::string>> headers) {
    headers.emplace_back("Content-Type", "application/json");
    headers.emplace_back("x-tonghop-agency", kReader);
    return RawHead(method, path, port, headers);
  };
  const std::string path = "/v1/registry/GetAgency";

  // Within the limit, chunked works.
  RawResponse within =
      RawExchange(port, head("POST", path, {{"Transfer-Encoding", "chunked"}}) +
                            Chunked(R"({"name": "agencies/dong-nai"})", 7));
  EXPECT_EQ(within.status, 200) << within.body;
  EXPECT_THAT(within.body, HasSubstr("Tỉnh Đồng Nai"));

  // 1 MB of valid JSON (padded with spaces) in 64 KB chunks: 413 once the
  // limit is passed, and the connection closed on the unread rest.
  std::string padded = R"({"name": "agencies/dong-nai")" + std::string(1 << 20, ' ') + "}";
  RawResponse over = RawExchange(
      port, head("POST", path, {{"Transfer-Encoding", "chunked"}}) + Chunked(padded, 64 << 10));
  EXPECT_EQ(over.status, 413) << over.body;
  EXPECT_EQ(ReasonOf(over), "BODY_TOO_LARGE");
  EXPECT_THAT(over.body, HasSubstr("262144 bytes"));
  EXPECT_EQ(over.header("Connection"), "close");

  // A Content-Length over the limit is refused before the body is sent.
  RawResponse declared = RawExchange(port, head("POST", path, {{"Content-Length", "1048600"}}));
  EXPECT_EQ(declared.status, 413) << declared.body;
  EXPECT_EQ(ReasonOf(declared), "BODY_TOO_LARGE");

  // Framing that could be read two ways.
  RawResponse both = RawExchange(
      port, head("POST", path, {{"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}}) +
                Chunked("{}", 2));
  EXPECT_EQ(both.status, 400) << both.body;
  EXPECT_EQ(ReasonOf(both), "AMBIGUOUS_BODY_LENGTH");
  RawResponse coded =
      RawExchange(port, head("POST", path, {{"Transfer-Encoding", "gzip, chunked"}}) +
                            Chunked("{}", 2));
  EXPECT_EQ(coded.status, 501) << coded.body;
  EXPECT_EQ(ReasonOf(coded), "UNSUPPORTED_TRANSFER_ENCODING");
  RawResponse not_a_number =
      RawExchange(port, head("POST", path, {{"Content-Length", "12, 12"}}) + "{}");
  EXPECT_EQ(not_a_number.status, 400) << not_a_number.body;
  EXPECT_EQ(ReasonOf(not_a_number), "INVALID_CONTENT_LENGTH");

  // A body where none is read: on GET, and on a method the path refuses.
  RawResponse get_body = RawExchange(
      port, head("GET", "/v1/registry/GetAgency?name=agencies/dong-nai",
                 {{"Content-Length", "2"}}) + "{}");
  EXPECT_EQ(get_body.status, 400) << get_body.body;
  EXPECT_EQ(ReasonOf(get_body), "UNEXPECTED_BODY");
  // (A refused method's body is drained: the connection stays in step.)
  RawResponse put = RawExchange(port, head("PUT", "/index.html", {{"Content-Length", "2"}}) + "{}");
  EXPECT_EQ(put.status, 405) << put.body;
  EXPECT_NE(put.header("Connection"), "close");

  httplib::Client client("127.0.0.1", port);
  httplib::Result alive = client.Get("/healthz");
  ASSERT_TRUE(alive);
  EXPECT_EQ(alive->status, 200);
}

// Another site can make a browser POST text/plain, a form or a body with
// no Content-Type without a CORS preflight; every POST must be JSON.
TEST_F(HttpGatewayTest, EveryPostMustSayItIsJson) {
  const std::string body = R"({"name": "agencies/dong-nai"})";
  // What fetch() sends for a Blob without a type (httplib's client always
  // names one).
  const int port = gateway_->port();
  RawResponse none = RawExchange(
      port, RawHead("POST", "/v1/registry/GetAgency", port,
                    {{"x-tonghop-agency", kReader}, {"Content-Length", absl::StrCat(body.size())}}) +
                body);
  EXPECT_EQ(none.status, 415) << none.body;
  EXPECT_EQ(ReasonOf(none), "UNSUPPORTED_MEDIA_TYPE");
  EXPECT_THAT(none.body, HasSubstr("names no Content-Type"));
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "application/jsonp"}) {
    ParseError(client_->Post("/v1/registry/GetAgency", Identity(kReader), body, type), 415);
  }
  // Sign-in and sign-out too.
  for (const char* path : {"/v1/auth/login", "/v1/auth/logout"}) {
    RawResponse untyped =
        RawExchange(port, RawHead("POST", path, port, {{"Content-Length", "2"}}) + "{}");
    EXPECT_EQ(untyped.status, 415) << path << ": " << untyped.body;
  }
  // JSON with parameters, in any case, is JSON.
  for (const char* type : {"application/json", "application/json; charset=utf-8",
                           "Application/JSON"}) {
    httplib::Result ok = client_->Post("/v1/registry/GetAgency", Identity(kReader), body, type);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200) << type << ": " << ok->body;
  }
}

// A request that changes data is refused when it comes from a page of
// another origin, whatever credential the browser attached; reads are not.
TEST_F(HttpGatewayTest, RequestsFromAnotherSiteThatChangeDataAreRefused) {
  const std::string body = R"({"name": "agencies/dong-nai"})";
  auto post = [&](const httplib::Headers& extra) {
    httplib::Headers headers = Identity(kReader);
    headers.insert(extra.begin(), extra.end());
    return client_->Post("/v1/registry/GetAgency", headers, body, "application/json");
  };
  for (const char* origin : {"https://evil.example", "null", "http://127.0.0.1:1",
                             "http://localhost.evil.example"}) {
    google::rpc::Status refused = ParseError(post({{"Origin", origin}}), 403);
    EXPECT_EQ(refused.code(), static_cast<int>(grpc::StatusCode::PERMISSION_DENIED));
    EXPECT_EQ(ErrorInfoOf(refused).reason(), "CROSS_ORIGIN_REQUEST") << origin;
    EXPECT_THAT(refused.message(), HasSubstr("own pages"));
  }
  for (const char* site : {"cross-site", "same-site"}) {
    google::rpc::Status refused = ParseError(post({{"Sec-Fetch-Site", site}}), 403);
    EXPECT_EQ(ErrorInfoOf(refused).reason(), "CROSS_SITE_REQUEST") << site;
  }
  // The dashboard's own calls.
  const std::string own = absl::StrCat("http://127.0.0.1:", gateway_->port());
  for (const httplib::Headers& headers :
       {httplib::Headers{{"Origin", own}, {"Sec-Fetch-Site", "same-origin"}},
        httplib::Headers{{"Sec-Fetch-Site", "none"}}, httplib::Headers{}}) {
    httplib::Result ok = post(headers);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200) << ok->body;
  }
  // A sign-in from another site is refused as well (login CSRF).
  httplib::Result login = client_->Post(
      "/v1/auth/login", httplib::Headers{{"Origin", "https://evil.example"}},
      R"({"user": "lan", "password": "x"})", "application/json");
  ParseError(login, 403);
  // Reads change nothing; another origin cannot read the answer anyway.
  httplib::Result read = client_->Get("/v1/registry/GetAgency?name=agencies/dong-nai",
                                      {{"x-tonghop-agency", kReader},
                                       {"Origin", "https://evil.example"},
                                       {"Sec-Fetch-Site", "cross-site"}});
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200) << read->body;
}

// With --insecure-dev-identity, a page of another site whose name resolves
// to 127.0.0.1 (DNS rebinding) reaches the gateway from loopback, but with
// its own name as Host: the development header counts only with a loopback
// Host, and never with a proxy's client-address header.
TEST_F(HttpGatewayTest, TheDevelopmentHeaderNeedsALoopbackHostAndNoProxy) {
  const int port = gateway_->port();
  const std::string path = "/v1/registry/GetAgency?name=agencies/dong-nai";
  for (const std::string& host : {std::string("evil.example"),
                                  absl::StrCat("evil.example:", port),
                                  absl::StrCat("127.0.0.1.nip.io:", port),
                                  absl::StrCat("localhost.evil.example:", port)}) {
    RawResponse rebound = RawExchange(
        port, RawHead("GET", path, port, {{"Host", host}, {"x-tonghop-agency", kReader}}));
    EXPECT_EQ(rebound.status, 401) << host << ": " << rebound.body;
    EXPECT_THAT(rebound.body, HasSubstr("loopback host")) << host;
  }
  for (const std::string& host :
       {absl::StrCat("127.0.0.1:", port), absl::StrCat("localhost:", port),
        absl::StrCat("[::1]:", port), std::string("localhost"), std::string("127.0.0.1")}) {
    RawResponse local = RawExchange(
        port, RawHead("GET", path, port, {{"Host", host}, {"x-tonghop-agency", kReader}}));
    EXPECT_EQ(local.status, 200) << host << ": " << local.body;
  }
  for (const char* proxy : {"True-Client-IP", "CF-Connecting-IP"}) {
    httplib::Result proxied =
        client_->Get(path, {{"x-tonghop-agency", kReader}, {proxy, "203.0.113.9"}});
    ASSERT_TRUE(proxied);
    EXPECT_EQ(proxied->status, 401) << proxy << ": " << proxied->body;
    EXPECT_THAT(proxied->body, HasSubstr("through a proxy")) << proxy;
  }
}

// Files, JSON answers, errors and refusals all carry the headers that stop
// framing, referrer leaks and sniffing; HSTS only over TLS (tls_test.cc).
TEST_F(HttpGatewayTest, EveryAnswerCarriesTheSecurityHeaders) {
  std::vector<std::pair<std::string, httplib::Result>> answers;
  answers.emplace_back("json", Get("/v1/registry/GetAgency", {{"name", "agencies/dong-nai"}}));
  answers.emplace_back("error", Get("/v1/registry/NoSuchMethod"));
  answers.emplace_back("index", client_->Get("/"));
  answers.emplace_back("missing file", client_->Get("/assets/none.js"));
  answers.emplace_back("refusal", client_->Post("/v1/registry/GetAgency", "{}", "text/plain"));
  answers.emplace_back("probe", client_->Get("/healthz"));
  for (const auto& [what, result] : answers) {
    SCOPED_TRACE(what);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->get_header_value("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(result->get_header_value("X-Frame-Options"), "DENY");
    EXPECT_EQ(result->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(result->get_header_value_count("Content-Security-Policy"), 1u);
    EXPECT_FALSE(result->has_header("Strict-Transport-Security"));
  }
  // The dashboard keeps its own policy; anything else may load nothing.
  EXPECT_THAT(answers[2].second->get_header_value("Content-Security-Policy"),
              HasSubstr("default-src 'self'"));
  EXPECT_EQ(answers[0].second->get_header_value("Content-Security-Policy"),
            "default-src 'none'; frame-ancestors 'none'");
}

TEST(IsLoopbackHostTest, AcceptsOnlyLoopbackNames) {
  for (const char* host : {"127.0.0.1", "127.0.0.1:8080", "localhost", "LOCALHOST:8080",
                           "[::1]", "[::1]:8080"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"", "evil.example", "evil.example:8080", "127.0.0.1.nip.io",
                           "localhost.evil.example", "127.0.0.2:80", "[::1", "[::2]:80",
                           "::1", "127.0.0.1:", "127.0.0.1:80x", "localhost:123456",
                           "10.0.0.7:8080", "[::1]x"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(IsLoopbackAddressTest, AcceptsOnlyLoopback) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackAddress("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackAddress("::1"));
  EXPECT_TRUE(IsLoopbackAddress("::ffff:127.0.0.1"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.7"));
  EXPECT_FALSE(IsLoopbackAddress("192.168.1.127"));
  EXPECT_FALSE(IsLoopbackAddress("::ffff:10.0.0.1"));
  EXPECT_FALSE(IsLoopbackAddress(""));
}

}  // namespace
}  // namespace tonghop::gateway
