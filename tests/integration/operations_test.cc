// What an operator sees of a running tonghopd: one JSON line per request
// (with the caller and never a secret), the health endpoints, the metrics
// (scraped by Debian's real Prometheus server when it is installed), and
// readiness turning off as the server shuts down.

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/testing/test_certificates.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The JSON lines of the request log at `path`, parsed.
std::vector<google::protobuf::Struct> LogLines(const std::string& path) {
  std::vector<google::protobuf::Struct> lines;
  for (absl::string_view line : absl::StrSplit(ReadFile(path), '\n', absl::SkipEmpty())) {
    google::protobuf::Struct parsed;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(std::string(line), &parsed).ok())
        << line;
    lines.push_back(std::move(parsed));
  }
  return lines;
}

std::string Field(const google::protobuf::Struct& line, const std::string& name) {
  auto it = line.fields().find(name);
  return it == line.fields().end() ? "" : it->second.string_value();
}

// The first line of `method` with `code`, or an empty struct.
google::protobuf::Struct FindLine(const std::vector<google::protobuf::Struct>& lines,
                                  const std::string& method, const std::string& code) {
  for (const auto& line : lines) {
    if (Field(line, "method") == method && Field(line, "code") == code) return line;
  }
  return {};
}

int PortOf(const std::string& address) { return std::stoi(address.substr(address.rfind(':') + 1)); }

class OperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = TestCa::Create("tonghop operations test CA");
    ASSERT_TRUE(ca.ok());
    ca_ = *ca;
    auto server = ca_.IssueServer();
    auto ministry = ca_.IssueClient("agencies/bo-tu-phap");
    ASSERT_TRUE(server.ok() && ministry.ok());
    ministry_ = *ministry;
    WriteTextFile(Path("ca.crt"), ca_.cert_pem());
    WriteTextFile(Path("server.crt"), server->cert_pem);
    WriteTextFile(Path("server.key"), server->key_pem);
    log_ = Path("requests.log");
    auto process = ServerProcess::Start(
        BuiltBinary("services/server/tonghopd"),
        {"--data-dir=" + Path("data"), "--http=127.0.0.1:0", "--metrics=127.0.0.1:0",
         "--tls-cert=" + Path("server.crt"), "--tls-key=" + Path("server.key"),
         "--client-ca=" + Path("ca.crt"), "--request-log=" + log_});
    ASSERT_TRUE(process.ok()) << process.status();
    server_ = *std::move(process);
  }

  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  std::shared_ptr<grpc::Channel> ChannelAs(const CertificateAndKey& identity) const {
    return grpc::CreateChannel(server_->address(),
                               ChannelCredentials(ClientTls(ca_, identity)));
  }

  TempDir dir_;
  TestCa ca_;
  CertificateAndKey ministry_;
  std::string log_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(OperationsTest, OneLinePerRequestWithTheCallerAndNoSecret) {
  auto registry = v1::Registry::NewStub(ChannelAs(ministry_));
  grpc::ClientContext listed_context;
  v1::ListAgenciesRequest list;
  v1::ListAgenciesResponse agencies;
  ASSERT_TRUE(registry->ListAgencies(&listed_context, list, &agencies).ok());

  // A token nobody issued: refused, and never written down.
  const std::string secret = "SECRET-TOKEN-4f9a1c";
  auto anonymous = v1::Registry::NewStub(grpc::CreateChannel(
      server_->address(), grpc::SslCredentials({ca_.cert_pem(), "", ""})));
  grpc::ClientContext token_context;
  token_context.AddMetadata("authorization", "Bearer " + secret);
  grpc::Status refused = anonymous->ListAgencies(&token_context, list, &agencies);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // An HTTPS request with the ministry's certificate.
  WriteTextFile(Path("m.crt"), ministry_.cert_pem);
  WriteTextFile(Path("m.key"), ministry_.key_pem);
  httplib::SSLClient as_ministry("127.0.0.1", PortOf(server_->http_address()), Path("m.crt"),
                                 Path("m.key"));
  as_ministry.set_ca_cert_path(Path("ca.crt"));
  as_ministry.enable_server_certificate_verification(true);
  auto answered = as_ministry.Get("/v1/registry/ListAgencies?pageSize=5");
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->status, 200);

  // The server is stopped so that every line is written.
  EXPECT_EQ(server_->Terminate(), 0);
  const std::string text = ReadFile(log_);
  EXPECT_EQ(text.find(secret), std::string::npos) << text;
  EXPECT_EQ(text.find("BEGIN"), std::string::npos) << "certificate material in the log";
  std::vector<google::protobuf::Struct> lines = LogLines(log_);

  google::protobuf::Struct grpc_line =
      FindLine(lines, "/tonghop.v1.Registry/ListAgencies", "OK");
  EXPECT_EQ(Field(grpc_line, "transport"), "grpc");
  EXPECT_EQ(Field(grpc_line, "caller"), "agencies/bo-tu-phap");
  EXPECT_EQ(Field(grpc_line, "credential"), "certificate");
  EXPECT_EQ(Field(grpc_line, "kind"), "machine");
  EXPECT_TRUE(absl::StartsWith(Field(grpc_line, "peer"), "ipv4:127.0.0.1:"));
  EXPECT_TRUE(grpc_line.fields().at("latency_ms").has_number_value());
  EXPECT_FALSE(Field(grpc_line, "time").empty());

  google::protobuf::Struct refused_line =
      FindLine(lines, "/tonghop.v1.Registry/ListAgencies", "UNAUTHENTICATED");
  EXPECT_EQ(Field(refused_line, "caller"), "");
  EXPECT_FALSE(Field(refused_line, "error").empty());
  EXPECT_LE(Field(refused_line, "error").size(), 210u);

  google::protobuf::Struct http_line = FindLine(lines, "GET /v1/registry/ListAgencies", "200");
  EXPECT_EQ(Field(http_line, "transport"), "http");
  EXPECT_EQ(Field(http_line, "caller"), "agencies/bo-tu-phap");
  EXPECT_EQ(Field(http_line, "credential"), "certificate");
  // The gateway's own call to the service is counted, not written again.
  for (const auto& line : lines) EXPECT_NE(Field(line, "transport"), "in-process");
}

TEST_F(OperationsTest, HealthAndMetricsWithoutIdentity) {
  httplib::Client monitoring("127.0.0.1", PortOf(server_->metrics_address()));
  auto healthy = monitoring.Get("/healthz");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200);
  EXPECT_EQ(healthy->body, "{\"status\":\"ok\"}");
  // Ready once the roll-ups follow the change feed.
  std::string ready;
  for (absl::Time deadline = absl::Now() + absl::Seconds(60); absl::Now() < deadline;) {
    auto answer = monitoring.Get("/readyz");
    ASSERT_TRUE(answer);
    ready = answer->body;
    if (answer->status == 200) break;
    EXPECT_EQ(answer->status, 503);
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(ready, "{\"status\":\"ready\"}");

  // The HTTPS gateway answers the probes without a client certificate.
  httplib::SSLClient https("127.0.0.1", PortOf(server_->http_address()));
  https.set_ca_cert_path(Path("ca.crt"));
  https.enable_server_certificate_verification(true);
  auto probe = https.Get("/readyz");
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->status, 200);
  EXPECT_EQ(probe->body, "{\"status\":\"ready\"}");

  auto registry = v1::Registry::NewStub(ChannelAs(ministry_));
  grpc::ClientContext context;
  v1::ListAgenciesResponse agencies;
  ASSERT_TRUE(registry->ListAgencies(&context, v1::ListAgenciesRequest(), &agencies).ok());

  auto scraped = monitoring.Get("/metrics");
  ASSERT_TRUE(scraped);
  EXPECT_EQ(scraped->status, 200);
  EXPECT_TRUE(absl::StartsWith(scraped->get_header_value("Content-Type"), "text/plain; version=0.0.4"));
  const std::string& metrics = scraped->body;
  for (const char* expected : {
           "# TYPE tonghop_requests_total counter\n",
           "tonghop_requests_total{transport=\"grpc\",method=\"/tonghop.v1.Registry/"
           "ListAgencies\",code=\"OK\"} 1\n",
           "tonghop_requests_total{transport=\"http\",method=\"GET /readyz\",code=\"200\"}",
           "# TYPE tonghop_request_duration_seconds histogram\n",
           "tonghop_request_duration_seconds_bucket{transport=\"grpc\",method=\"/tonghop.v1."
           "Registry/ListAgencies\",le=\"+Inf\"} 1\n",
           "tonghop_feed_lag_changes 0\n", "tonghop_rollup_lag_seconds 0\n",
           "tonghop_rollup_following 1\n", "tonghop_store_live_sst_bytes{store=\"registry\"}",
           "tonghop_store_wal_bytes{store=\"submissions\"}",
           "# TYPE tonghop_store_compactions_total counter\n",
           "tonghop_store_estimated_keys{store=\"aggregation\"}"}) {
    EXPECT_NE(metrics.find(expected), std::string::npos) << expected << "\n" << metrics;
  }
  // Nothing but the three endpoints.
  auto other = monitoring.Get("/v1/registry/ListAgencies");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
}

// A free TCP port on 127.0.0.1 (for programs that cannot report the port
// they bound).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t size = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  int port = ntohs(address.sin_port);
  close(fd);
  return port;
}

// Debian's prometheus scrapes tonghopd's /metrics; a metric is then read
// back through Prometheus's own HTTP API.
TEST_F(OperationsTest, DebiansPrometheusScrapesTheMetrics) {
  const std::string prometheus = "/usr/bin/prometheus";
  if (access(prometheus.c_str(), X_OK) != 0) {
    GTEST_SKIP() << "Debian's prometheus package is not installed (tests/run.sh installs it)";
  }
  auto registry = v1::Registry::NewStub(ChannelAs(ministry_));
  grpc::ClientContext context;
  v1::ListAgenciesResponse agencies;
  ASSERT_TRUE(registry->ListAgencies(&context, v1::ListAgenciesRequest(), &agencies).ok());

  const int port = FreePort();
  WriteTextFile(Path("prometheus.yml"),
                absl::StrCat("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                             "scrape_configs:\n  - job_name: tonghop\n    static_configs:\n"
                             "      - targets: ['",
                             server_->metrics_address(), "']\n"));
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string config = "--config.file=" + Path("prometheus.yml");
    std::string storage = "--storage.tsdb.path=" + Path("tsdb");
    std::string listen = absl::StrCat("--web.listen-address=127.0.0.1:", port);
    std::string log = Path("prometheus.log");
    freopen(log.c_str(), "w", stderr);
    execl(prometheus.c_str(), prometheus.c_str(), config.c_str(), storage.c_str(),
          listen.c_str(), "--log.level=warn", static_cast<char*>(nullptr));
    _exit(127);
  }
  struct Reap {
    pid_t pid;
    ~Reap() {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  } reap{pid};

  // Poll Prometheus's API until it has scraped the server (it scrapes
  // every second once it runs).
  httplib::Client api("127.0.0.1", port);
  const std::string query =
      "/api/v1/query?query=" +
      httplib::detail::encode_query_param(
          "tonghop_requests_total{job=\"tonghop\",transport=\"grpc\","
          "method=\"/tonghop.v1.Registry/ListAgencies\",code=\"OK\"}");
  std::string body;
  google::protobuf::Struct answer;
  for (absl::Time deadline = absl::Now() + absl::Seconds(90); absl::Now() < deadline;) {
    auto result = api.Get(query);
    if (result && result->status == 200 &&
        google::protobuf::util::JsonStringToMessage(result->body, &answer).ok() &&
        !answer.fields().at("data").struct_value().fields().at("result").list_value().values().empty()) {
      body = result->body;
      break;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_FALSE(body.empty()) << "Prometheus never returned the metric; its log:\n"
                             << ReadFile(Path("prometheus.log"));
  const auto& sample = answer.fields()
                           .at("data")
                           .struct_value()
                           .fields()
                           .at("result")
                           .list_value()
                           .values(0)
                           .struct_value();
  // [timestamp, "value"]
  EXPECT_EQ(sample.fields().at("value").list_value().values(1).string_value(), "1") << body;
  EXPECT_EQ(sample.fields().at("metric").struct_value().fields().at("instance").string_value(),
            server_->metrics_address());
}

}  // namespace
}  // namespace tonghop::testing

namespace tonghop::testing {
namespace {

TEST(ReadinessTest, NotReadyOnceShuttingDown) {
  TempDir dir;
  auto server = TestServer::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  ServerHost& host = (*server)->host();
  // The roll-ups open the change feed shortly after the start.
  while (!host.NotReadyReasons().empty()) std::this_thread::yield();
  host.Shutdown();
  EXPECT_EQ(host.NotReadyReasons(), std::vector<std::string>{"shutting down"});
}

}  // namespace
}  // namespace tonghop::testing
