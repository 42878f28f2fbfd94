// People over the network, on loopback: signing in over gRPC and through the
// HTTP gateway, what the token and the session cookie let a person do (the
// access policy decides), and how they stop: disabled, signed out, expired,
// password changed. Also the first administrator made with tonghopd
// --bootstrap-admin, and the CLI's login, whoami and logout.

#include <httplib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/client/connection.h"
#include "clients/client/submissions_client.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "services/gateway/http_gateway.h"
#include "tests/integration/submissions_fixture.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/audit_service.grpc.pb.h"
#include "tonghop/v1/auth_service.grpc.pb.h"
#include "tonghop/v1/registry_service.grpc.pb.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPassword[] = "mật khẩu thử nghiệm 2026";

// 3 November 2026, 09:00 in Vietnam: before the fixture plan's due day.
absl::Time Start() { return absl::FromUnixSeconds(1793671200); }

grpc::StatusCode Code(const absl::Status& status) {
  return static_cast<grpc::StatusCode>(status.code());
}

class PeopleServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServer::Options options;
    options.clock = &clock_;
    auto server = TestServer::Start(dir_.path(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = server_->NewChannel();
    ASSERT_TRUE(LoadRegistryFixture(channel_).ok());
    // Sở Y tế: a clerk and an analyst; the Department of Justice (the
    // province's focal agency, which reviews Sở Y tế): a reviewer and a
    // clerk.
    CreatePerson("lan", "agencies/dong-nai-so-y-te", v1::ROLE_CLERK);
    CreatePerson("an", "agencies/dong-nai-so-y-te", v1::ROLE_ANALYST);
    CreatePerson("tu", "agencies/dong-nai-so-tu-phap", v1::ROLE_REVIEWER);
    CreatePerson("binh", "agencies/dong-nai-so-tu-phap", v1::ROLE_CLERK);
  }

  void TearDown() override {
    if (gateway_ != nullptr) gateway_->Stop();
  }

  // Creates the person and sets kPassword, as the ministry.
  void CreatePerson(const std::string& id, const std::string& agency, v1::Role role) {
    client::Connection ministry(channel_, "bo-tu-phap");
    auto stub = v1::Registry::NewStub(channel_);
    v1::CreateUserRequest create;
    create.set_user_id(id);
    create.mutable_user()->set_display_name("Người thử " + id);
    create.mutable_user()->set_agency(agency);
    create.mutable_user()->add_roles(role);
    v1::User user;
    grpc::Status created = stub->CreateUser(ministry.NewContext().get(), create, &user);
    ASSERT_TRUE(created.ok()) << created.error_message();
    v1::SetPasswordRequest password;
    password.set_name("users/" + id);
    password.set_new_password(kPassword);
    grpc::Status set = stub->SetPassword(ministry.NewContext().get(), password, &user);
    ASSERT_TRUE(set.ok()) << set.error_message();
  }

  absl::StatusOr<v1::LoginResponse> Login(const std::string& user,
                                          const std::string& password = kPassword) {
    v1::LoginRequest request;
    request.set_user(user);
    request.set_password(password);
    v1::LoginResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status status = v1::Auth::NewStub(channel_)->Login(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return response;
  }

  // A connection that identifies its calls with `token`.
  client::Connection WithToken(const std::string& token) {
    client::Connection connection(channel_, "");
    connection.set_bearer_token(token);
    return connection;
  }

  absl::StatusOr<v1::WhoAmIResponse> WhoAmI(const std::string& token) {
    client::Connection connection = WithToken(token);
    v1::WhoAmIResponse me;
    grpc::Status status = v1::Auth::NewStub(channel_)->WhoAmI(connection.NewContext().get(),
                                                             v1::WhoAmIRequest(), &me);
    if (!status.ok()) return FromGrpcStatus(status);
    return me;
  }

  absl::Status UpdateAsMinistry(const v1::UpdateUserRequest& request) {
    client::Connection ministry(channel_, "bo-tu-phap");
    v1::User user;
    return FromGrpcStatus(
        v1::Registry::NewStub(channel_)->UpdateUser(ministry.NewContext().get(), request, &user));
  }

  void StartGateway() {
    gateway::HttpGatewayOptions options;
    options.backend = server_->host().InProcessChannel();
    options.authenticator = &server_->host().authenticator();
    options.clock = &clock_;
    auto gateway = gateway::HttpGateway::Start(std::move(options));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    http_ = std::make_unique<httplib::Client>("127.0.0.1", gateway_->port());
  }

  FakeClock clock_{Start()};
  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<gateway::HttpGateway> gateway_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(PeopleServerTest, APersonSignsInAndTheTokenIdentifiesThem) {
  absl::StatusOr<v1::LoginResponse> login = Login("lan");
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_EQ(login->user().name(), "users/lan");
  absl::StatusOr<v1::WhoAmIResponse> me = WhoAmI(login->token());
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->user(), "users/lan");
  EXPECT_EQ(me->agency(), "agencies/dong-nai-so-y-te");
  EXPECT_EQ(me->credential(), "bearer");
  EXPECT_THAT(me->roles(), ::testing::ElementsAre(v1::ROLE_CLERK));
  // The token opens the registry too.
  client::Connection lan = WithToken(login->token());
  v1::GetAgencyRequest get;
  get.set_name("agencies/dong-nai");
  v1::Agency agency;
  EXPECT_TRUE(v1::Registry::NewStub(channel_)
                  ->GetAgency(lan.NewContext().get(), get, &agency)
                  .ok());
  // A wrong password opens nothing.
  EXPECT_EQ(Code(Login("lan", "not the password").status()), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Code(WhoAmI("made-up-token").status()), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(PeopleServerTest, RolesDecideWhatAPersonMayDo) {
  absl::StatusOr<v1::LoginResponse> lan = Login("lan");
  absl::StatusOr<v1::LoginResponse> an = Login("an");
  absl::StatusOr<v1::LoginResponse> tu = Login("tu");
  absl::StatusOr<v1::LoginResponse> binh = Login("binh");
  ASSERT_TRUE(lan.ok() && an.ok() && tu.ok() && binh.ok());

  // The clerk submits her agency's report.
  client::SubmissionsClient as_lan(WithToken(lan->token()));
  absl::StatusOr<v1::Report> submitted = as_lan.Submit(SubmitSoYTe("people-submit-1"));
  ASSERT_TRUE(submitted.ok()) << submitted.status();

  // The analyst of the same agency reads it but cannot write.
  client::SubmissionsClient as_an(WithToken(an->token()));
  EXPECT_TRUE(as_an.GetReport(kSoYTeReport).ok());
  EXPECT_EQ(Code(as_an.Submit(SubmitSoYTe("people-submit-2", 11, 8)).status()),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Code(as_an.GetOrCreateDraft("plans/dn-2026", "2027").status()),
            grpc::StatusCode::PERMISSION_DENIED);

  // A clerk of the reviewing agency cannot review; its reviewer can.
  v1::ReviewRequest review;
  review.set_name(kSoYTeReport);
  review.set_decision(v1::REVIEW_DECISION_ACCEPT);
  client::SubmissionsClient as_binh(WithToken(binh->token()));
  EXPECT_EQ(Code(as_binh.Review(review).status()), grpc::StatusCode::PERMISSION_DENIED);
  client::SubmissionsClient as_tu(WithToken(tu->token()));
  absl::StatusOr<v1::Report> accepted = as_tu.Review(review);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->state(), v1::REPORT_STATE_ACCEPTED);
}

TEST_F(PeopleServerTest, ADisabledPersonIsRefusedAtOnce) {
  absl::StatusOr<v1::LoginResponse> login = Login("lan");
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(WhoAmI(login->token()).ok());
  v1::UpdateUserRequest disable;
  disable.mutable_user()->set_name("users/lan");
  disable.mutable_user()->set_state(v1::USER_STATE_DISABLED);
  disable.mutable_update_mask()->add_paths("state");
  ASSERT_TRUE(UpdateAsMinistry(disable).ok());
  // The very next call is refused, on every service.
  EXPECT_EQ(Code(WhoAmI(login->token()).status()), grpc::StatusCode::UNAUTHENTICATED);
  client::SubmissionsClient as_lan(WithToken(login->token()));
  EXPECT_EQ(Code(as_lan.GetReport(kSoYTeReport).status()), grpc::StatusCode::UNAUTHENTICATED);
  // Her right password is answered as a wrong one: no sign that it is right.
  absl::Status refused = Login("lan").status();
  EXPECT_EQ(Code(refused), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(GetErrorInfo(refused).reason(), "WRONG_CREDENTIALS");
}

// Writes without an identity from one address, over gRPC and through the
// gateway alike: twenty are refused as such and recorded in the audit
// trail; beyond, they are answered RESOURCE_EXHAUSTED (HTTP 429) with when
// to retry and, until then, cost no record. Callers with an identity from
// the same address are not affected.
TEST_F(PeopleServerTest, WritesWithoutAnIdentityAreSlowedPerAddress) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto recorded_refusals = [&] {
    v1::ListAuditRecordsRequest request;
    request.set_parent("stores/submissions");
    request.set_page_size(1000);
    v1::ListAuditRecordsResponse response;
    client::Connection ministry(channel_, "bo-tu-phap");
    grpc::Status status = v1::Audit::NewStub(channel_)->ListAuditRecords(
        ministry.NewContext().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    int refusals = 0;
    for (const v1::AuditRecord& record : response.audit_records()) {
      if (record.result().code() == static_cast<int>(absl::StatusCode::kUnauthenticated)) {
        ++refusals;
      }
    }
    return refusals;
  };
  auto anonymous_submit = [&] {
    v1::SubmitRequest request;
    request.set_name(kSoYTeReport);
    v1::Report report;
    grpc::ClientContext context;
    return FromGrpcStatus(v1::Submissions::NewStub(channel_)->Submit(&context, request, &report));
  };
  const std::string draft = R"({"plan": "plans/dn-2026", "period": "2026"})";
  auto anonymous_draft = [&] {
    return http_->Post("/v1/submissions/GetOrCreateDraft", draft, "application/json");
  };

  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(anonymous_submit().code(), absl::StatusCode::kUnauthenticated) << i;
    httplib::Result refused = anonymous_draft();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401) << refused->body;
  }
  EXPECT_EQ(recorded_refusals(), 20);
  // The 21st exceeds the address's allowance.
  httplib::Result exceeded = anonymous_draft();
  ASSERT_TRUE(exceeded);
  EXPECT_EQ(exceeded->status, 429) << exceeded->body;
  EXPECT_EQ(exceeded->get_header_value("Retry-After"), "2");
  EXPECT_THAT(exceeded->body, HasSubstr("UNIDENTIFIED_WRITES_THROTTLED"));
  for (int i = 0; i < 30; ++i) {
    absl::Status slowed = anonymous_submit();
    EXPECT_EQ(slowed.code(), absl::StatusCode::kResourceExhausted) << slowed;
    EXPECT_EQ(GetRetryDelay(slowed), absl::Seconds(2));
  }
  EXPECT_EQ(recorded_refusals(), 21);
  // A signed-in person at the same address writes as before.
  absl::StatusOr<v1::LoginResponse> lan = Login("lan");
  ASSERT_TRUE(lan.ok()) << lan.status();
  httplib::Result drafted = http_->Post("/v1/submissions/GetOrCreateDraft",
                                        {{"Authorization", "Bearer " + lan->token()}}, draft,
                                        "application/json");
  ASSERT_TRUE(drafted);
  EXPECT_EQ(drafted->status, 200) << drafted->body;
  // Once the wait is over the next attempt counts again, and the wait
  // doubles.
  clock_.Advance(absl::Seconds(2));
  absl::Status again = anonymous_submit();
  EXPECT_EQ(again.code(), absl::StatusCode::kResourceExhausted) << again;
  EXPECT_EQ(GetRetryDelay(again), absl::Seconds(4));
  EXPECT_EQ(recorded_refusals(), 22);
}

TEST_F(PeopleServerTest, LogoutEndsTheTokenAndExpiryFollowsTheClock) {
  absl::StatusOr<v1::LoginResponse> first = Login("lan");
  absl::StatusOr<v1::LoginResponse> second = Login("lan");
  ASSERT_TRUE(first.ok() && second.ok());
  client::Connection connection = WithToken(first->token());
  google::protobuf::Empty empty;
  grpc::Status out = v1::Auth::NewStub(channel_)->Logout(connection.NewContext().get(),
                                                        v1::LogoutRequest(), &empty);
  ASSERT_TRUE(out.ok()) << out.error_message();
  EXPECT_EQ(Code(WhoAmI(first->token()).status()), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(WhoAmI(second->token()).ok());
  clock_.Advance(absl::Hours(12));
  absl::Status expired = WhoAmI(second->token()).status();
  EXPECT_EQ(Code(expired), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(GetErrorInfo(expired).reason(), "SESSION_ENDED");
}

TEST_F(PeopleServerTest, BrowserSessionCookieAndCsrf) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  // Only JSON signs in.
  httplib::Result form =
      http_->Post("/v1/auth/login", "user=lan&password=x", "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 415);
  httplib::Result wrong = http_->Post(
      "/v1/auth/login", R"({"user": "lan", "password": "not the password"})", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_FALSE(wrong->has_header("Set-Cookie"));

  httplib::Result login = http_->Post(
      "/v1/auth/login", absl::StrCat(R"({"user": "lan", "password": ")", kPassword, R"("})"),
      "application/json");
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200) << login->body;
  std::string cookie = login->get_header_value("Set-Cookie");
  std::vector<std::string> parts = absl::StrSplit(cookie, "; ");
  ASSERT_GE(parts.size(), 2u);
  ASSERT_TRUE(absl::StartsWith(parts[0], "__Host-tonghop-session="));
  std::string token(absl::StripPrefix(parts[0], "__Host-tonghop-session="));
  EXPECT_EQ(token.size(), 43u);
  std::set<std::string> attributes(parts.begin() + 1, parts.end());
  EXPECT_EQ(attributes, (std::set<std::string>{"Path=/", "Max-Age=43200", "HttpOnly", "Secure",
                                               "SameSite=Strict"}));
  google::protobuf::Struct body;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(login->body, &body).ok());
  std::string csrf = body.fields().at("csrfToken").string_value();
  EXPECT_EQ(csrf.size(), 43u);
  EXPECT_EQ(body.fields().at("user").struct_value().fields().at("name").string_value(),
            "users/lan");
  // The session token is in the cookie only, never in the body.
  EXPECT_FALSE(absl::StrContains(login->body, token));

  httplib::Headers with_cookie = {{"Cookie", "__Host-tonghop-session=" + token}};
  // Reads need the cookie only; the session is a browser's.
  httplib::Result me = http_->Get("/v1/auth/WhoAmI", with_cookie);
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_THAT(me->body, HasSubstr(R"("user":"users/lan")"));
  EXPECT_THAT(me->body, HasSubstr(R"("credential":"session")"));

  // A state-changing call with the cookie and no CSRF token: 403, before
  // anything is done.
  std::string draft = R"({"plan": "plans/dn-2026", "period": "2026"})";
  httplib::Result forged =
      http_->Post("/v1/submissions/GetOrCreateDraft", with_cookie, draft, "application/json");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  EXPECT_THAT(forged->body, HasSubstr("CSRF_TOKEN_MISSING"));
  httplib::Headers wrong_csrf = with_cookie;
  wrong_csrf.emplace("X-CSRF-Token", "AAAA" + csrf.substr(4));
  httplib::Result forged_too =
      http_->Post("/v1/submissions/GetOrCreateDraft", wrong_csrf, draft, "application/json");
  ASSERT_TRUE(forged_too);
  EXPECT_EQ(forged_too->status, 403);
  EXPECT_THAT(forged_too->body, HasSubstr("CSRF_TOKEN_INVALID"));
  // With it, the call goes through as the person.
  httplib::Headers with_csrf = with_cookie;
  with_csrf.emplace("X-CSRF-Token", csrf);
  httplib::Result drafted =
      http_->Post("/v1/submissions/GetOrCreateDraft", with_csrf, draft, "application/json");
  ASSERT_TRUE(drafted);
  EXPECT_EQ(drafted->status, 200) << drafted->body;

  // A bearer header needs no CSRF token.
  absl::StatusOr<v1::LoginResponse> cli = Login("lan");
  ASSERT_TRUE(cli.ok());
  httplib::Result bearer = http_->Post("/v1/submissions/GetOrCreateDraft",
                                       {{"Authorization", "Bearer " + cli->token()}}, draft,
                                       "application/json");
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->status, 200) << bearer->body;

  // Signing out needs the CSRF token too, ends the session, clears the cookie.
  httplib::Result no_csrf_logout = http_->Post("/v1/auth/logout", with_cookie, "", "application/json");
  ASSERT_TRUE(no_csrf_logout);
  EXPECT_EQ(no_csrf_logout->status, 403);
  httplib::Result logout = http_->Post("/v1/auth/logout", with_csrf, "", "application/json");
  ASSERT_TRUE(logout);
  EXPECT_EQ(logout->status, 200) << logout->body;
  EXPECT_THAT(logout->get_header_value("Set-Cookie"),
              HasSubstr("__Host-tonghop-session=; Path=/; Max-Age=0"));
  httplib::Result after = http_->Get("/v1/auth/WhoAmI", with_cookie);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
}

TEST_F(PeopleServerTest, RepeatedFailedSignInsAreSlowedOverHttp) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  // Five failures in a row are free; the sixth locks the person for 2 s.
  for (int i = 0; i < 6; ++i) {
    httplib::Result failed = http_->Post(
        "/v1/auth/login", absl::StrCat(R"({"user": "tu", "password": "guess )", i, R"("})"),
        "application/json");
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->status, 401) << failed->body;
  }
  // Then even the right password is refused unchecked, with when to retry.
  std::string right = absl::StrCat(R"({"user": "tu", "password": ")", kPassword, R"("})");
  httplib::Result locked = http_->Post("/v1/auth/login", right, "application/json");
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, 429) << locked->body;
  EXPECT_EQ(locked->get_header_value("Retry-After"), "2");
  EXPECT_THAT(locked->body, HasSubstr("LOGIN_THROTTLED"));
  EXPECT_FALSE(locked->has_header("Set-Cookie"));
  clock_.Advance(absl::Seconds(2));
  httplib::Result ok = http_->Post("/v1/auth/login", right, "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}


TEST(BootstrapAdminTest, FirstAdministratorOnTheServersMachine) {
  std::string tonghopd = BuiltBinary("services/server/tonghopd");
  std::string tonghop = BuiltBinary("clients/cli/tonghop");
  if (!std::filesystem::exists(tonghopd) || !std::filesystem::exists(tonghop)) {
    GTEST_SKIP() << "tonghopd or the CLI is not built";
  }
  TempDir dir;
  std::string data = dir.path() + "/data";
  std::string output;
  // An empty data directory; the password from standard input.
  ASSERT_EQ(RunShell(absl::StrCat("printf '%s\\n' 'mật khẩu quản trị 1' | ", tonghopd,
                             " --data-dir=", data, " --bootstrap-admin=admin"),
                &output),
            0)
      << output;
  EXPECT_THAT(output, HasSubstr("users/admin"));
  EXPECT_THAT(output, ::testing::Not(HasSubstr("mật khẩu quản trị 1")));

  auto server = ServerProcess::Start(tonghopd, {"--data-dir=" + data});
  ASSERT_TRUE(server.ok()) << server.status();
  // Refused while the server holds the data directory.
  EXPECT_EQ(RunShell(absl::StrCat("printf '%s\\n' 'mật khẩu quản trị 2' | ", tonghopd,
                             " --data-dir=", data, " --bootstrap-admin=admin"),
                &output),
            1)
      << output;
  EXPECT_THAT(output, HasSubstr("in use by a running tonghopd"));

  // The CLI signs in with the password from standard input; the token is
  // kept privately, per server.
  std::string state = dir.path() + "/home/.tonghop";
  std::string cli = absl::StrCat("TONGHOP_STATE_DIR=", state, " ", tonghop,
                                 " --server=", (*server)->address());
  ASSERT_EQ(RunShell(absl::StrCat("printf '%s\\n' 'mật khẩu quản trị 1' | ", cli,
                             " login --user=admin"),
                &output),
            0)
      << output;
  EXPECT_THAT(output, HasSubstr("users/admin"));
  std::string token_file = absl::StrCat(state, "/tokens/",
                                        absl::StrReplaceAll((*server)->address(), {{":", "_"}}));
  struct stat info;
  ASSERT_EQ(::stat(token_file.c_str(), &info), 0) << token_file;
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((state + "/tokens").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(RunShell(absl::StrCat(cli, " --output=json whoami"), &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("\"user\": \"users/admin\""));
  EXPECT_THAT(output, HasSubstr("\"agency\": \"agencies/bo-tu-phap\""));
  EXPECT_THAT(output, HasSubstr("\"credential\": \"bearer\""));
  // The administrator of an empty registry loads it (the authority).
  ASSERT_EQ(RunShell(absl::StrCat(cli, " registry load ", SourcePath("deploy/data")), &output), 0)
      << output;
  // … and creates a person, who gets a one-time code and sets a password.
  ASSERT_EQ(RunShell(absl::StrCat(cli, " user create lan --name='Nguyễn Thị Lan'",
                             " --in-agency=dong-nai-so-y-te --roles=clerk"),
                &output),
            0)
      << output;
  ASSERT_EQ(RunShell(absl::StrCat(cli, " --output=json user reset-link lan"), &output), 0) << output;
  v1::PasswordReset reset;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(output, &reset).ok()) << output;
  std::string lan_state = dir.path() + "/lan/.tonghop";
  std::string lan_cli = absl::StrCat("TONGHOP_STATE_DIR=", lan_state, " ", tonghop,
                                     " --server=", (*server)->address());
  ASSERT_EQ(RunShell(absl::StrCat("printf '%s\\n%s\\n' '", reset.code(), "' 'mật khẩu của Lan' | ",
                             lan_cli, " user set-password lan --reset-code"),
                &output),
            0)
      << output;
  ASSERT_EQ(RunShell(absl::StrCat("printf '%s\\n' 'mật khẩu của Lan' | ", lan_cli,
                             " login --user=lan"),
                &output),
            0)
      << output;
  ASSERT_EQ(RunShell(absl::StrCat(lan_cli, " user list"), &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("Nguyễn Thị Lan"));
  EXPECT_THAT(output, ::testing::Not(HasSubstr("admin")));
  // Signed in, she asks what her agency owes without naming it.
  ASSERT_EQ(RunShell(absl::StrCat(lan_cli, " report due"), &output), 0) << output;
  EXPECT_THAT(output, ::testing::Not(HasSubstr("tonghop login")));
  // The administrator disables her; her next command is refused.
  ASSERT_EQ(RunShell(absl::StrCat(cli, " user disable lan"), &output), 0) << output;
  EXPECT_EQ(RunShell(absl::StrCat(lan_cli, " whoami"), &output), 1) << output;
  EXPECT_THAT(output, HasSubstr("UNAUTHENTICATED"));
  // Signing out forgets the token.
  ASSERT_EQ(RunShell(absl::StrCat(cli, " logout"), &output), 0) << output;
  EXPECT_FALSE(std::filesystem::exists(token_file));

  // Stopped, the administrator's password can be reset.
  EXPECT_EQ((*server)->Terminate(), 0);
  ASSERT_EQ(RunShell(absl::StrCat("printf '%s\\n' 'mật khẩu quản trị 2' | ", tonghopd,
                             " --data-dir=", data, " --bootstrap-admin=admin"),
                &output),
            0)
      << output;
}

}  // namespace
}  // namespace tonghop::testing
