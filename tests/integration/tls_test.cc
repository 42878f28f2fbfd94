// Transport security and certificate identities, end to end. tonghopd run
// with --tls-cert, --tls-key and --client-ca serves gRPC and HTTPS only over
// TLS; the caller is the SPIFFE name of its client certificate; a
// certificate of another CA, of another trust domain, past its validity (by
// the server's clock), naming nobody or more than one identity, or an
// agency the registry does not hold or that was dissolved, is
// UNAUTHENTICATED with its reason;
// a commune's certificate acts for that commune only, whatever header it
// adds. The development header is accepted only with
// --insecure-dev-identity, only from loopback, and never through a proxy.
// Instances call each other with the operator's certificate.
//
// Every certificate is made here by a throw-away CA (tests/testing).

#include <arpa/inet.h>
#include <httplib.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "services/common/errors.h"
#include "services/gateway/http_gateway.h"
#include "tests/testing/test_certificates.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"
#include "tonghop/v1/registry_service.grpc.pb.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPlan[] = "plans/dong-nai-74-2026";
constexpr char kSoYTeReport[] = "reports/dong-nai-so-y-te/dong-nai-74-2026/2026";
constexpr char kCommuneReport[] = "reports/dong-nai-phuong-bien-hoa/dong-nai-74-2026/2026";
// Before the plan's due date of 5 November, so that reports are on time.
constexpr char kServerClock[] = "2026-11-03T09:00:00+07:00";

absl::Time Utc(int year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

// The certificates of one test suite, as PEM and as files under `dir`.
struct Pki {
  TestCa ca;
  TestCa other_ca;
  CertificateAndKey server;
  std::map<std::string, CertificateAndKey> agencies;  // by agency id
  // Certificates that prove no acceptable identity.
  std::map<std::string, CertificateAndKey> refused;   // by what is wrong
  std::string dir;

  std::string Path(const std::string& name) const { return absl::StrCat(dir, "/", name); }
  // The CLI's flags to act with agency `id`'s certificate.
  std::string CliAs(const std::string& id) const {
    return absl::StrCat("--tls-ca=", Path("ca.crt"), " --cert=", Path(id + ".crt"),
                        " --key=", Path(id + ".key"));
  }
};

absl::Status MakePki(const std::string& dir, Pki& pki) {
  pki.dir = dir;
  absl::StatusOr<TestCa> ca = TestCa::Create("tonghop test CA");
  absl::StatusOr<TestCa> other = TestCa::Create("another CA");
  if (!ca.ok()) return ca.status();
  if (!other.ok()) return other.status();
  pki.ca = *ca;
  pki.other_ca = *other;
  absl::StatusOr<CertificateAndKey> server = pki.ca.IssueServer();
  if (!server.ok()) return server.status();
  pki.server = *server;
  for (const char* id : {"bo-tu-phap", "dong-nai-so-tu-phap", "dong-nai-so-y-te",
                         "dong-nai-phuong-bien-hoa", "ha-noi-so-tu-phap"}) {
    absl::StatusOr<CertificateAndKey> cert = pki.ca.IssueClient(absl::StrCat("agencies/", id));
    if (!cert.ok()) return cert.status();
    pki.agencies[id] = *cert;
  }
  auto add_refused = [&](const std::string& what,
                         absl::StatusOr<CertificateAndKey> cert) -> absl::Status {
    if (!cert.ok()) return cert.status();
    pki.refused[what] = *cert;
    return absl::OkStatus();
  };
  absl::Status status =
      add_refused("another CA", pki.other_ca.IssueClient("agencies/bo-tu-phap"));
  if (status.ok()) {
    status = add_refused("another trust domain",
                         pki.ca.IssueClient("agencies/bo-tu-phap", "elsewhere.example"));
  }
  if (status.ok()) {
    CertificateSpec expired;
    expired.uris = {"spiffe://tonghop/agencies/bo-tu-phap"};
    expired.not_before = Utc(2025, 1, 1);
    expired.not_after = Utc(2026, 6, 30);
    status = add_refused("expired", pki.ca.Issue(expired));
  }
  if (status.ok()) {
    CertificateSpec nobody;
    nobody.common_name = "bo-tu-phap";
    nobody.dns_names = {"bo-tu-phap.example"};
    status = add_refused("no identity", pki.ca.Issue(nobody));
  }
  if (status.ok()) {
    CertificateSpec two;
    two.uris = {"spiffe://tonghop/agencies/dong-nai-so-y-te",
                "spiffe://tonghop/agencies/bo-tu-phap"};
    status = add_refused("two identities", pki.ca.Issue(two));
  }
  if (status.ok()) {
    status = add_refused("unknown agency", pki.ca.IssueClient("agencies/khong-ton-tai"));
  }
  if (status.ok()) {
    // Merged into Đồng Nai in July 2025 (deploy/data).
    status = add_refused("dissolved agency", pki.ca.IssueClient("agencies/ba-ria-vung-tau"));
  }
  if (status.ok()) status = add_refused("server certificate", pki.ca.IssueServer());
  if (!status.ok()) return status;
  WriteTextFile(pki.Path("ca.crt"), pki.ca.cert_pem());
  WriteTextFile(pki.Path("server.crt"), pki.server.cert_pem);
  WriteTextFile(pki.Path("server.key"), pki.server.key_pem);
  for (const auto& [id, cert] : pki.agencies) {
    WriteTextFile(pki.Path(id + ".crt"), cert.cert_pem);
    WriteTextFile(pki.Path(id + ".key"), cert.key_pem);
  }
  int n = 0;
  for (const auto& [what, cert] : pki.refused) {
    WriteTextFile(pki.Path(absl::StrCat("refused-", n, ".crt")), cert.cert_pem);
    WriteTextFile(pki.Path(absl::StrCat("refused-", n, ".key")), cert.key_pem);
    ++n;
  }
  return absl::OkStatus();
}

std::unique_ptr<grpc::ClientContext> Context(
    const std::vector<std::pair<std::string, std::string>>& metadata = {}) {
  auto context = std::make_unique<grpc::ClientContext>();
  for (const auto& [key, value] : metadata) context->AddMetadata(key, value);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

std::shared_ptr<grpc::Channel> Channel(const std::string& address, const ClientTlsOptions& tls) {
  grpc::ChannelArguments args;
  // Each channel its own connection, so that certificates do not mix.
  static std::atomic<int> counter{0};
  args.SetInt("tonghop.tls_test_channel", ++counter);
  return grpc::CreateCustomChannel(address, ChannelCredentials(tls), args);
}

std::string ReasonOf(const grpc::Status& status) {
  return GetErrorInfo(FromGrpcStatus(status)).reason();
}

grpc::Status GetReport(const std::shared_ptr<grpc::Channel>& channel, const std::string& name,
                       v1::Report* report,
                       const std::vector<std::pair<std::string, std::string>>& metadata = {}) {
  v1::GetReportRequest request;
  request.set_name(name);
  return v1::Submissions::NewStub(channel)->GetReport(Context(metadata).get(), request, report);
}

// An IPv4 address of this machine other than loopback, or "" when it has
// none. Connections to it stay on this machine.
std::string NonLoopbackAddress() {
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return "";
  std::string found;
  for (ifaddrs* a = all; a != nullptr && found.empty(); a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN];
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text)) == nullptr) continue;
    if (!absl::StartsWith(text, "127.")) found = text;
  }
  freeifaddrs(all);
  return found;
}

// One tonghopd process over mutual TLS with the reference data (loaded by
// the CLI with the operator's certificate) and two reports: the Department
// of Health's and a commune's, each submitted with its own certificate.
class MutualTlsServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    pki_ = new Pki();
    setup_error_ = new std::string();
    absl::Status made = MakePki(dir_->path(), *pki_);
    if (!made.ok()) {
      *setup_error_ = made.ToString();
      return;
    }
    auto process = ServerProcess::Start(
        BuiltBinary("services/server/tonghopd"),
        {"--data-dir=" + dir_->path() + "/data", "--http=127.0.0.1:0",
         "--tls-cert=" + pki_->Path("server.crt"), "--tls-key=" + pki_->Path("server.key"),
         "--client-ca=" + pki_->Path("ca.crt"), absl::StrCat("--now=", kServerClock)});
    if (!process.ok()) {
      *setup_error_ = process.status().ToString();
      return;
    }
    server_ = process->release();
    const std::string common = absl::StrCat("--server=", server_->address(), " --state-dir=",
                                            dir_->path(), "/cli ");
    std::string output;
    if (RunCli(absl::StrCat(common, pki_->CliAs("bo-tu-phap"), " registry load ",
                            SourcePath("deploy/data")),
               &output) != 0) {
      *setup_error_ = "registry load: " + output;
      return;
    }
    for (const auto& [id, file] : std::vector<std::pair<std::string, std::string>>{
             {"dong-nai-so-y-te", "so-y-te.json"},
             {"dong-nai-phuong-bien-hoa", "phuong-bien-hoa.json"}}) {
      if (RunCli(absl::StrCat(common, pki_->CliAs(id), " report submit ",
                              SourcePath("deploy/demo/reports/" + file)),
                 &output) != 0) {
        *setup_error_ = absl::StrCat("report submit as ", id, ": ", output);
        return;
      }
    }
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete pki_;
    delete dir_;
    delete setup_error_;
  }

  void SetUp() override { ASSERT_TRUE(setup_error_->empty()) << *setup_error_; }

  static std::shared_ptr<grpc::Channel> As(const std::string& agency) {
    return Channel(server_->address(), ClientTls(pki_->ca, pki_->agencies.at(agency)));
  }

  // An HTTPS client that verifies the server, presenting the certificate in
  // `cert_file` if given.
  static std::unique_ptr<httplib::SSLClient> Https(const std::string& cert_file = "",
                                                   const std::string& key_file = "") {
    const std::string& address = server_->http_address();
    int port = std::stoi(address.substr(address.rfind(':') + 1));
    auto client = cert_file.empty()
                      ? std::make_unique<httplib::SSLClient>("127.0.0.1", port)
                      : std::make_unique<httplib::SSLClient>("127.0.0.1", port, cert_file,
                                                             key_file);
    client->set_ca_cert_path(pki_->Path("ca.crt"));
    client->enable_server_certificate_verification(true);
    return client;
  }

  static std::unique_ptr<httplib::SSLClient> HttpsAs(const std::string& agency) {
    return Https(pki_->Path(agency + ".crt"), pki_->Path(agency + ".key"));
  }

  static TempDir* dir_;
  static Pki* pki_;
  static ServerProcess* server_;
  static std::string* setup_error_;
};

TempDir* MutualTlsServerTest::dir_ = nullptr;
Pki* MutualTlsServerTest::pki_ = nullptr;
ServerProcess* MutualTlsServerTest::server_ = nullptr;
std::string* MutualTlsServerTest::setup_error_ = nullptr;

TEST_F(MutualTlsServerTest, PlaintextIsRefusedOnBothPorts) {
  v1::Report report;
  grpc::Status plain = GetReport(Channel(server_->address(), {}), kSoYTeReport, &report,
                                 {{"x-tonghop-agency", "bo-tu-phap"}});
  EXPECT_EQ(plain.error_code(), grpc::StatusCode::UNAVAILABLE) << plain.error_message();

  const std::string& http = server_->http_address();
  httplib::Client client("127.0.0.1", std::stoi(http.substr(http.rfind(':') + 1)));
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  auto result = client.Get("/v1/");
  EXPECT_FALSE(result) << "plain HTTP answered with status " << result->status;

  // A client that trusts another CA does not take the server for tonghop.
  ClientTlsOptions wrong_trust = ClientTls(pki_->other_ca, pki_->agencies.at("bo-tu-phap"));
  grpc::Status untrusted =
      GetReport(Channel(server_->address(), wrong_trust), kSoYTeReport, &report);
  EXPECT_EQ(untrusted.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsServerTest, TheCertificateNamesTheCallerWhateverHeaderItAdds) {
  v1::Report own;
  grpc::Status read = GetReport(As("dong-nai-so-y-te"), kSoYTeReport, &own);
  ASSERT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(own.state(), v1::REPORT_STATE_SUBMITTED);
  EXPECT_EQ(own.submitted_by(), "agencies/dong-nai-so-y-te");

  // The commune claims to be the ministry in the development header; its
  // certificate says otherwise, and wins.
  v1::Report other;
  grpc::Status claimed = GetReport(As("dong-nai-phuong-bien-hoa"), kSoYTeReport, &other,
                                   {{"x-tonghop-agency", "bo-tu-phap"}});
  EXPECT_EQ(claimed.error_code(), grpc::StatusCode::PERMISSION_DENIED) << claimed.error_message();
  EXPECT_THAT(claimed.error_message(), HasSubstr("agencies/dong-nai-phuong-bien-hoa"));
}

// The credential services of one process pass to each other is refused
// from the network, whatever it claims and however well-formed it looks.
TEST_F(MutualTlsServerTest, TheInternalCredentialIsRefusedFromTheNetwork) {
  for (const std::string& forged :
       {std::string("agencies/bo-tu-phap"), std::string("bo-tu-phap.admin.0.AAAA"),
        std::string(200, 'x')}) {
    v1::Report other;
    grpc::Status claimed = GetReport(As("dong-nai-phuong-bien-hoa"), kSoYTeReport, &other,
                                     {{"x-tonghop-internal-caller", forged}});
    EXPECT_EQ(claimed.error_code(), grpc::StatusCode::UNAUTHENTICATED) << claimed.error_message();
    EXPECT_THAT(claimed.error_message(), HasSubstr("only inside the server"));
  }
}

TEST_F(MutualTlsServerTest, ACommuneCannotSubmitReviewOrReadAsAnotherAgency) {
  auto commune = As("dong-nai-phuong-bien-hoa");
  auto submissions = v1::Submissions::NewStub(commune);

  v1::Report read;
  grpc::Status get = GetReport(commune, kSoYTeReport, &read);
  EXPECT_EQ(get.error_code(), grpc::StatusCode::PERMISSION_DENIED) << get.error_message();

  v1::GetOrCreateDraftRequest draft;
  draft.set_plan(kPlan);
  draft.set_period("2026");
  draft.set_agency("agencies/dong-nai-so-y-te");
  v1::Report drafted;
  grpc::Status create = submissions->GetOrCreateDraft(Context().get(), draft, &drafted);
  EXPECT_EQ(create.error_code(), grpc::StatusCode::PERMISSION_DENIED) << create.error_message();

  // Submitting the Department of Health's report, content and all.
  v1::Report so_y_te;
  ASSERT_TRUE(GetReport(As("dong-nai-so-y-te"), kSoYTeReport, &so_y_te).ok());
  v1::SubmitRequest submit;
  submit.set_name(kSoYTeReport);
  submit.set_etag(so_y_te.etag());
  submit.set_request_id("tls-test-commune-submits-for-so-y-te");
  *submit.mutable_report() = so_y_te;
  v1::Report submitted;
  grpc::Status as_other = submissions->Submit(Context().get(), submit, &submitted);
  EXPECT_EQ(as_other.error_code(), grpc::StatusCode::PERMISSION_DENIED) << as_other.error_message();

  for (const char* name : {kSoYTeReport, kCommuneReport}) {
    v1::ReviewRequest review;
    review.set_name(name);
    review.set_decision(v1::REVIEW_DECISION_ACCEPT);
    v1::Report reviewed;
    grpc::Status accepted = submissions->Review(Context().get(), review, &reviewed);
    EXPECT_EQ(accepted.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << name << ": " << accepted.error_message();
  }

  // Listing the province's reports shows the commune nothing of others.
  v1::ListReportsRequest list;
  list.set_plan(kPlan);
  list.set_agency_subtree("agencies/dong-nai");
  v1::ListReportsResponse listed;
  grpc::Status listing = submissions->ListReports(Context().get(), list, &listed);
  if (listing.ok()) {
    for (const v1::Report& r : listed.reports()) {
      EXPECT_EQ(r.agency(), "agencies/dong-nai-phuong-bien-hoa") << r.name();
    }
  } else {
    EXPECT_EQ(listing.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }

  // The province's roll-up and completeness are the Department of Justice's.
  auto aggregation = v1::Aggregation::NewStub(commune);
  v1::RollupRequest rollup;
  rollup.set_plan(kPlan);
  rollup.set_period("2026");
  rollup.set_agency("agencies/dong-nai");
  v1::RollupResponse rolled;
  grpc::Status rolled_up = aggregation->Rollup(Context().get(), rollup, &rolled);
  EXPECT_EQ(rolled_up.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << rolled_up.error_message();
  v1::CompletenessRequest completeness;
  completeness.set_plan(kPlan);
  completeness.set_period("2026");
  completeness.set_agency("agencies/dong-nai");
  v1::CompletenessResponse complete;
  grpc::Status counted = aggregation->Completeness(Context().get(), completeness, &complete);
  EXPECT_EQ(counted.error_code(), grpc::StatusCode::PERMISSION_DENIED) << counted.error_message();

  // Nor can it rename another agency in the registry.
  auto registry = v1::Registry::NewStub(commune);
  v1::GetAgencyRequest get_agency;
  get_agency.set_name("agencies/dong-nai-so-y-te");
  v1::UpdateAgencyRequest update;
  ASSERT_TRUE(registry->GetAgency(Context().get(), get_agency, update.mutable_agency()).ok());
  update.mutable_agency()->set_display_name("Sở Y tế (đổi tên)");
  update.mutable_update_mask()->add_paths("display_name");
  v1::Agency renamed;
  grpc::Status rename = registry->UpdateAgency(Context().get(), update, &renamed);
  EXPECT_EQ(rename.error_code(), grpc::StatusCode::PERMISSION_DENIED) << rename.error_message();

  // Another province's Department of Justice reads nothing of Đồng Nai's.
  grpc::Status ha_noi = GetReport(As("ha-noi-so-tu-phap"), kSoYTeReport, &read);
  EXPECT_EQ(ha_noi.error_code(), grpc::StatusCode::PERMISSION_DENIED) << ha_noi.error_message();

  // The province's Department of Justice does review the commune's report,
  // and the commune then reads its own report accepted.
  v1::ReviewRequest review;
  review.set_name(kCommuneReport);
  review.set_decision(v1::REVIEW_DECISION_ACCEPT);
  v1::Report reviewed;
  grpc::Status accepted = v1::Submissions::NewStub(As("dong-nai-so-tu-phap"))
                              ->Review(Context().get(), review, &reviewed);
  ASSERT_TRUE(accepted.ok()) << accepted.error_message();
  v1::Report own;
  ASSERT_TRUE(GetReport(commune, kCommuneReport, &own).ok());
  EXPECT_EQ(own.state(), v1::REPORT_STATE_ACCEPTED);
}

TEST_F(MutualTlsServerTest, CertificatesThatProveNoIdentityAreUnauthenticated) {
  const std::map<std::string, std::string> expected = {
      {"another CA", "unable to get local issuer certificate"},
      {"another trust domain", "names another trust domain"},
      {"expired", "certificate has expired"},
      {"no identity", "names no identity"},
      {"two identities", "names more than one identity"},
      {"unknown agency", "registry does not hold"},
      {"dissolved agency", "was dissolved on"},
      {"server certificate", "unsuitable certificate purpose"},
  };
  for (const auto& [what, cert] : pki_->refused) {
    SCOPED_TRACE(what);
    v1::Report report;
    grpc::Status status =
        GetReport(Channel(server_->address(), ClientTls(pki_->ca, cert)), kSoYTeReport, &report);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(expected.at(what)));
    EXPECT_EQ(ReasonOf(status), "CERTIFICATE_REJECTED");
  }
}

TEST_F(MutualTlsServerTest, TheDevelopmentHeaderIsRefusedWithoutTheFlag) {
  // Over TLS without a client certificate, from loopback: the server runs
  // without --insecure-dev-identity.
  v1::Report report;
  grpc::Status status = GetReport(Channel(server_->address(), {pki_->ca.cert_pem(), "", ""}),
                                  kSoYTeReport, &report, {{"x-tonghop-agency", "bo-tu-phap"}});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("--insecure-dev-identity"));

  auto result = Https()->Get("/v1/submissions/GetReport?name=" + std::string(kSoYTeReport),
                          {{"x-tonghop-agency", "bo-tu-phap"}});
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 401) << result->body;
  EXPECT_THAT(result->body, HasSubstr("--insecure-dev-identity"));
}

// A browser attaches its client certificate to a request another site
// makes it send (fetch with mode no-cors and a Blob body: no Content-Type,
// no preflight). Such a request is refused whatever the certificate proves;
// the report is unchanged.
TEST_F(MutualTlsServerTest, ARequestFromAnotherSiteCannotUseTheBrowsersCertificate) {
  auto reviewer = HttpsAs("dong-nai-so-tu-phap");
  const std::string review = absl::StrCat(R"({"name": ")", kSoYTeReport,
                                          R"(", "decision": "REVIEW_DECISION_RETURN", )"
                                          R"("reason": "x"})");
  const std::string path = "/v1/submissions/Review";
  struct Attempt {
    httplib::Headers headers;
    std::string content_type;
    int status;
    std::string reason;
  };
  for (const Attempt& attempt : std::vector<Attempt>{
           {{{"Content-Type", ""}, {"Origin", "https://evil.example"},
             {"Sec-Fetch-Site", "cross-site"}}, "", 403, "CROSS_ORIGIN_REQUEST"},
           {{{"Content-Type", ""}, {"Sec-Fetch-Site", "cross-site"}}, "", 403,
            "CROSS_SITE_REQUEST"},
           {{{"Origin", "https://evil.example"}}, "application/json", 403,
            "CROSS_ORIGIN_REQUEST"},
           {{{"Content-Type", ""}}, "", 415, "UNSUPPORTED_MEDIA_TYPE"},
           {{}, "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"}}) {
    auto refused = reviewer->Post(path, attempt.headers, review, attempt.content_type);
    ASSERT_TRUE(refused) << httplib::to_string(refused.error());
    EXPECT_EQ(refused->status, attempt.status) << refused->body;
    EXPECT_THAT(refused->body, HasSubstr(attempt.reason));
  }
  v1::Report report;
  ASSERT_TRUE(GetReport(As("dong-nai-so-tu-phap"), kSoYTeReport, &report).ok());
  EXPECT_NE(report.state(), v1::REPORT_STATE_RETURNED);

  // The dashboard's own request reaches the service (which refuses a review
  // without a decision, changing nothing).
  const std::string port = server_->http_address().substr(server_->http_address().rfind(':') + 1);
  auto own = reviewer->Post(
      path, {{"Origin", absl::StrCat("https://127.0.0.1:", port)}, {"Sec-Fetch-Site", "same-origin"}},
      absl::StrCat(R"({"name": ")", kSoYTeReport, R"("})"), "application/json");
  ASSERT_TRUE(own) << httplib::to_string(own.error());
  EXPECT_EQ(own->status, 400) << own->body;
  EXPECT_THAT(own->body, ::testing::Not(HasSubstr("CROSS_")));
}

// Over HTTPS every answer tells the browser to keep to HTTPS.
TEST_F(MutualTlsServerTest, HttpsAnswersCarryStrictTransportSecurity) {
  for (const char* path : {"/healthz", "/v1/", "/v1/registry/NoSuchMethod"}) {
    auto answer = Https()->Get(path);
    ASSERT_TRUE(answer) << httplib::to_string(answer.error());
    EXPECT_EQ(answer->get_header_value("Strict-Transport-Security"), "max-age=31536000") << path;
    EXPECT_EQ(answer->get_header_value("Referrer-Policy"), "no-referrer") << path;
  }
}

TEST_F(MutualTlsServerTest, HttpsTakesTheIdentityFromTheClientCertificate) {
  const std::string path = absl::StrCat("/v1/submissions/GetReport?name=", kSoYTeReport);
  auto own = HttpsAs("dong-nai-so-y-te")->Get(path);
  ASSERT_TRUE(own) << httplib::to_string(own.error());
  EXPECT_EQ(own->status, 200) << own->body;
  EXPECT_THAT(own->body, HasSubstr(absl::StrCat("\"name\":\"", kSoYTeReport, "\"")));

  auto commune = HttpsAs("dong-nai-phuong-bien-hoa");
  for (const httplib::Headers& headers :
       {httplib::Headers{}, httplib::Headers{{"x-tonghop-agency", "bo-tu-phap"}}}) {
    auto denied = commune->Get(path, headers);
    ASSERT_TRUE(denied) << httplib::to_string(denied.error());
    EXPECT_EQ(denied->status, 403) << denied->body;
  }

  // No certificate, no identity: the service asks for one.
  auto nobody = Https()->Get(path);
  ASSERT_TRUE(nobody) << httplib::to_string(nobody.error());
  EXPECT_EQ(nobody->status, 401) << nobody->body;

  int n = 0;
  for (const auto& [what, cert] : pki_->refused) {
    SCOPED_TRACE(what);
    auto refused = Https(pki_->Path(absl::StrCat("refused-", n, ".crt")),
                         pki_->Path(absl::StrCat("refused-", n, ".key")))
                       ->Get(path);
    ++n;
    ASSERT_TRUE(refused) << httplib::to_string(refused.error());
    EXPECT_EQ(refused->status, 401) << refused->body;
    EXPECT_THAT(refused->body, HasSubstr("CERTIFICATE_REJECTED"));
  }
}

// In-process servers for what one shared process cannot show.
class TlsHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status made = MakePki(dir_.path(), pki_);
    ASSERT_TRUE(made.ok()) << made;
  }

  TlsOptions ServerTls() const {
    TlsOptions tls;
    tls.cert_pem = pki_.server.cert_pem;
    tls.key_pem = pki_.server.key_pem;
    tls.client_ca_pem = pki_.ca.cert_pem();
    return tls;
  }

  grpc::Status CreateMinistry(const std::shared_ptr<grpc::Channel>& channel,
                              const std::vector<std::pair<std::string, std::string>>& metadata) {
    v1::CreateAgencyRequest request;
    request.set_agency_id("bo-tu-phap");
    request.mutable_agency()->set_display_name("Bộ Tư pháp");
    request.mutable_agency()->set_kind(v1::AGENCY_KIND_MINISTRY);
    request.set_validate_only(true);
    v1::Agency created;
    return v1::Registry::NewStub(channel)->CreateAgency(Context(metadata).get(), request,
                                                        &created);
  }

  TempDir dir_;
  Pki pki_;
};

TEST_F(TlsHostTest, CertificateValidityFollowsTheServersClock) {
  CertificateSpec spec;
  spec.uris = {"spiffe://tonghop/agencies/bo-tu-phap"};
  spec.not_before = Utc(2026, 1, 1);
  spec.not_after = Utc(2028, 1, 1);
  absl::StatusOr<CertificateAndKey> cert = pki_.ca.Issue(spec);
  ASSERT_TRUE(cert.ok()) << cert.status();
  FakeClock clock(Utc(2027, 6, 1));
  TestServer::Options options;
  options.services = {"registry"};
  options.clock = &clock;
  options.insecure_dev_identity = false;
  options.tls = ServerTls();
  auto server = TestServer::Start(dir_.path() + "/data", options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = (*server)->NewChannel(ClientTls(pki_.ca, *cert));

  grpc::Status valid = CreateMinistry(channel, {});
  EXPECT_TRUE(valid.ok()) << valid.error_message();
  clock.Set(Utc(2028, 1, 2));
  grpc::Status expired = CreateMinistry(channel, {});
  EXPECT_EQ(expired.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(expired.error_message(), HasSubstr("certificate has expired"));
  clock.Set(Utc(2025, 12, 31));
  grpc::Status early = CreateMinistry(channel, {});
  EXPECT_EQ(early.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(early.error_message(), HasSubstr("not yet valid"));
}

TEST_F(TlsHostTest, TheDevelopmentHeaderOnlyWithTheFlagFromLoopbackWithoutAProxy) {
  TestServer::Options refusing;
  refusing.services = {"registry"};
  refusing.insecure_dev_identity = false;
  auto strict = TestServer::Start(dir_.path() + "/strict", refusing);
  ASSERT_TRUE(strict.ok()) << strict.status();
  grpc::Status without_flag =
      CreateMinistry((*strict)->NewChannel(), {{"x-tonghop-agency", "bo-tu-phap"}});
  EXPECT_EQ(without_flag.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(without_flag.error_message(), HasSubstr("--insecure-dev-identity"));

  // With the flag, listening on every interface.
  TestServer::Options options;
  options.services = {"registry"};
  options.listen = "0.0.0.0:0";
  auto server = TestServer::Start(dir_.path() + "/dev", options);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = std::stoi((*server)->address().substr((*server)->address().rfind(':') + 1));
  auto loopback = Channel(absl::StrCat("127.0.0.1:", port), {});
  grpc::Status accepted = CreateMinistry(loopback, {{"x-tonghop-agency", "bo-tu-phap"}});
  EXPECT_TRUE(accepted.ok()) << accepted.error_message();
  for (const char* proxy : {"x-forwarded-for", "forwarded", "x-real-ip", "via",
                            "true-client-ip", "cf-connecting-ip"}) {
    grpc::Status proxied =
        CreateMinistry(loopback, {{"x-tonghop-agency", "bo-tu-phap"}, {proxy, "203.0.113.9"}});
    EXPECT_EQ(proxied.error_code(), grpc::StatusCode::UNAUTHENTICATED) << proxy;
    EXPECT_THAT(proxied.error_message(), HasSubstr("through a proxy")) << proxy;
  }

  // The same through the HTTP gateway, which reads the header itself.
  gateway::HttpGatewayOptions http;
  http.listen = "0.0.0.0:0";
  http.backend = (*server)->host().InProcessChannel();
  http.authenticator = &(*server)->host().authenticator();
  auto started = gateway::HttpGateway::Start(http);
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string path = "/v1/submissions/GetReport?name=reports/x/y/2026";
  httplib::Client local("127.0.0.1", (*started)->port());
  auto from_loopback = local.Get(path, {{"x-tonghop-agency", "bo-tu-phap"}});
  ASSERT_TRUE(from_loopback);
  EXPECT_NE(from_loopback->status, 401) << from_loopback->body;
  for (const char* proxy : {"X-Forwarded-For", "Forwarded", "X-Real-IP", "Via",
                            "True-Client-IP", "CF-Connecting-IP"}) {
    auto proxied = local.Get(path, {{"x-tonghop-agency", "bo-tu-phap"}, {proxy, "203.0.113.9"}});
    ASSERT_TRUE(proxied);
    EXPECT_EQ(proxied->status, 401) << proxy << ": " << proxied->body;
    EXPECT_THAT(proxied->body, HasSubstr("through a proxy")) << proxy;
  }

  const std::string address = NonLoopbackAddress();
  if (address.empty()) {
    GTEST_SKIP() << "this machine has no IPv4 address but loopback";
  }
  grpc::Status remote = CreateMinistry(Channel(absl::StrCat(address, ":", port), {}),
                                       {{"x-tonghop-agency", "bo-tu-phap"}});
  EXPECT_EQ(remote.error_code(), grpc::StatusCode::UNAUTHENTICATED) << address;
  EXPECT_THAT(remote.error_message(), HasSubstr("only from loopback"));
  // A bearer token over plaintext from another host could have been read on
  // the way: it is refused before it is looked up.
  grpc::Status bearer = CreateMinistry(Channel(absl::StrCat(address, ":", port), {}),
                                       {{"authorization", "Bearer khong-quan-trong"}});
  EXPECT_EQ(bearer.error_code(), grpc::StatusCode::UNAUTHENTICATED) << address;
  EXPECT_THAT(bearer.error_message(), HasSubstr("only over TLS"));
  httplib::Client other(address, (*started)->port());
  auto from_other = other.Get(path, {{"x-tonghop-agency", "bo-tu-phap"}});
  ASSERT_TRUE(from_other) << address;
  EXPECT_EQ(from_other->status, 401) << from_other->body;
  EXPECT_THAT(from_other->body, HasSubstr("only from loopback"));
}

TEST_F(TlsHostTest, ServicesInAnotherProcessAreCalledWithTheInstanceCertificate) {
  TestServer::Options core_options;
  core_options.services = {"registry", "submissions"};
  core_options.insecure_dev_identity = false;
  core_options.tls = ServerTls();
  auto core = TestServer::Start(dir_.path() + "/core", core_options);
  ASSERT_TRUE(core.ok()) << core.status();
  std::string output;
  ASSERT_EQ(RunCli(absl::StrCat("--server=", (*core)->address(), " --state-dir=", dir_.path(),
                                "/cli ", pki_.CliAs("bo-tu-phap"), " registry load ",
                                SourcePath("deploy/data")),
                   &output),
            0)
      << output;

  TestServer::Options options;
  options.services = {"aggregation"};
  options.insecure_dev_identity = false;
  options.remote_addresses = {{"registry", (*core)->address()},
                              {"submissions", (*core)->address()}};
  options.tls = ServerTls();
  options.tls.ca_pem = pki_.ca.cert_pem();
  options.tls.instance_cert_pem = pki_.agencies.at("bo-tu-phap").cert_pem;
  options.tls.instance_key_pem = pki_.agencies.at("bo-tu-phap").key_pem;
  auto aggregation = TestServer::Start(dir_.path() + "/aggregation", options);
  ASSERT_TRUE(aggregation.ok()) << aggregation.status();

  // Completeness needs the province's agencies and the plan, which the
  // aggregation instance reads from the registry over mutual TLS.
  v1::CompletenessRequest request;
  request.set_plan(kPlan);
  request.set_period("2026");
  request.set_agency("agencies/dong-nai");
  v1::CompletenessResponse response;
  grpc::Status status =
      v1::Aggregation::NewStub((*aggregation)->NewChannel(
                                   ClientTls(pki_.ca, pki_.agencies.at("dong-nai-so-tu-phap"))))
          ->Completeness(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(response.expected(), 0);

  // An instance certificate must name an agency, and go with its key.
  TestServer::Options nobody = options;
  nobody.tls.instance_cert_pem = pki_.refused.at("no identity").cert_pem;
  nobody.tls.instance_key_pem = pki_.refused.at("no identity").key_pem;
  auto refused = TestServer::Start(dir_.path() + "/nobody", nobody);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("spiffe://tonghop/agencies/ID"));
  TestServer::Options mismatched = options;
  mismatched.tls.instance_key_pem = pki_.agencies.at("dong-nai-so-tu-phap").key_pem;
  auto wrong_key = TestServer::Start(dir_.path() + "/mismatched", mismatched);
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_THAT(std::string(wrong_key.status().message()), HasSubstr("does not belong"));
}

TEST_F(TlsHostTest, TonghopdRefusesIncompleteTlsFlags) {
  const std::string tonghopd = BuiltBinary("services/server/tonghopd");
  const std::string data = "--data-dir=" + dir_.path() + "/data";
  for (const std::vector<std::string>& flags : std::vector<std::vector<std::string>>{
           {"--tls-cert=" + pki_.Path("server.crt")},
           {"--client-ca=" + pki_.Path("ca.crt")},
           {"--tls-cert=" + pki_.Path("server.crt"), "--tls-key=" + pki_.Path("ca.crt")},
           {"--tls-cert=" + pki_.Path("missing.crt"), "--tls-key=" + pki_.Path("server.key")},
           {"--trust-domain=a/b"}}) {
    std::vector<std::string> args = {data};
    args.insert(args.end(), flags.begin(), flags.end());
    auto process = ServerProcess::Start(tonghopd, args);
    EXPECT_FALSE(process.ok()) << flags.front();
  }
}

}  // namespace
}  // namespace tonghop::testing
