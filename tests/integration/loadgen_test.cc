// The load generator at small scale, checked for correctness, never for
// speed: every generated agency's report ends up stored and accepted, and
// the national roll-ups equal the sums of the values the generator sent,
// across the 2025 reorganisation (years before 2025 reported on the
// historical hierarchy, whose units were dissolved with successors).
// The checks here are made independently of the load generator's own
// verification, with this test's own calls to the server.

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/test_certificates.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"
#include "tonghop/v1/federation_service.grpc.pb.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop {
namespace {

using testing::BuiltBinary;
using testing::ServerProcess;
using testing::TempDir;

constexpr char kMinistry[] = "agencies/bo-tu-phap";
// The small scale: 2 provinces × (5 communes + 3 departments + 1 court).
constexpr int kSmallReporters = 18;
// Before 1 July 2025: 3 provinces × (3 departments + 1 court) + 16 communes
// in 4 districts; the third province merged into the first.
constexpr int kSmallHistoricalReporters = 28;

// Runs tonghop-loadgen with `args`; returns its exit status.
int RunLoadgen(const std::vector<std::string>& args) {
  std::string command = BuiltBinary("clients/loadgen/tonghop-loadgen");
  for (const std::string& a : args) absl::StrAppend(&command, " '", a, "'");
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

google::protobuf::Struct ReadJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  google::protobuf::Struct json;
  auto status = google::protobuf::util::JsonStringToMessage(text.str(), &json);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << text.str();
  return json;
}

const google::protobuf::Value& Field(const google::protobuf::Struct& s, const std::string& key) {
  static const google::protobuf::Value* kNull = new google::protobuf::Value();
  auto it = s.fields().find(key);
  return it == s.fields().end() ? *kNull : it->second;
}

std::unique_ptr<grpc::ClientContext> AsMinistry() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-tonghop-agency", kMinistry);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return context;
}

// Each reported indicator's total in `agency`'s roll-up of `period`.
std::map<std::string, std::string> Totals(v1::Aggregation::Stub& aggregation,
                                          const std::string& plan, const std::string& period,
                                          const std::string& agency) {
  v1::RollupRequest request;
  request.set_plan(plan);
  request.set_period(period);
  request.set_agency(agency);
  v1::RollupResponse response;
  grpc::Status status = aggregation.Rollup(AsMinistry().get(), request, &response);
  EXPECT_TRUE(status.ok()) << agency << " " << period << ": " << status.error_message();
  std::map<std::string, std::string> totals;
  for (const v1::IndicatorRollup& indicator : response.indicators()) {
    if (indicator.aggregation() != v1::Indicator::AGGREGATION_RATIO) {
      totals[indicator.indicator()] = indicator.total().value();
    }
  }
  return totals;
}

int64_t Number(const std::string& figure) {
  int64_t n = 0;
  EXPECT_TRUE(absl::SimpleAtoi(figure, &n)) << figure;
  return n;
}

TEST(LoadgenTest, EveryReportIsStoredAndNationalRollupsAreTheGeneratedSums) {
  TempDir dir;
  auto server = ServerProcess::Start(BuiltBinary("services/server/tonghopd"),
                                     {absl::StrCat("--data-dir=", dir.path(), "/data")});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string json_path = absl::StrCat(dir.path(), "/loadgen.json");

  ASSERT_EQ(RunLoadgen({absl::StrCat("--server=", (*server)->address()), "--scale=small",
                        "--year=2026", "--years=3", "--concurrency=4", "--limit-seconds=0.2",
                        "--at-rest-rounds=2", "--compile-repetitions=1",
                        absl::StrCat("--work-dir=", dir.path(), "/work"),
                        absl::StrCat("--json-out=", json_path)}),
            0);
  google::protobuf::Struct json = ReadJson(json_path);
  EXPECT_TRUE(Field(json, "ok").bool_value());
  EXPECT_TRUE(Field(Field(json, "verification").struct_value(), "passed").bool_value());
  ASSERT_EQ(Field(json, "reporters").number_value(), kSmallReporters);
  const std::string plan = Field(json, "plan").string_value();
  const std::string period = absl::StrCat(Field(json, "current_year").number_value());
  ASSERT_FALSE(plan.empty());

  auto channel = grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials());
  auto submissions = v1::Submissions::NewStub(channel);
  auto aggregation = v1::Aggregation::NewStub(channel);

  // Every generated agency's report is stored, accepted.
  v1::ListReportsRequest list;
  list.set_plan(plan);
  list.set_period(period);
  list.set_agency_subtree(kMinistry);
  list.set_page_size(1000);
  v1::ListReportsResponse reports;
  ASSERT_TRUE(submissions->ListReports(AsMinistry().get(), list, &reports).ok());
  EXPECT_EQ(reports.reports_size(), kSmallReporters);
  for (const v1::Report& report : reports.reports()) {
    EXPECT_EQ(report.state(), v1::REPORT_STATE_ACCEPTED) << report.name();
  }
  EXPECT_TRUE(reports.next_page_token().empty());

  // The national roll-up of each reported indicator is the generated sum.
  const google::protobuf::Struct& expected =
      Field(json, "expected_national_totals").struct_value();
  ASSERT_GT(expected.fields_size(), 0);
  v1::RollupRequest rollup;
  rollup.set_plan(plan);
  rollup.set_period(period);
  rollup.set_agency(kMinistry);
  v1::RollupResponse national;
  ASSERT_TRUE(aggregation->Rollup(AsMinistry().get(), rollup, &national).ok());
  int compared = 0;
  for (const v1::IndicatorRollup& indicator : national.indicators()) {
    auto it = expected.fields().find(indicator.indicator());
    if (it == expected.fields().end()) continue;  // computed percentages
    EXPECT_EQ(indicator.total().value(),
              absl::StrCat(static_cast<int64_t>(it->second.number_value())))
        << indicator.indicator();
    ++compared;
  }
  EXPECT_EQ(compared, expected.fields_size());

  v1::CompletenessRequest completeness;
  completeness.set_plan(plan);
  completeness.set_period(period);
  completeness.set_agency(kMinistry);
  v1::CompletenessResponse counts;
  ASSERT_TRUE(aggregation->Completeness(AsMinistry().get(), completeness, &counts).ok());
  EXPECT_EQ(counts.expected(), kSmallReporters);
  EXPECT_EQ(counts.received(), kSmallReporters);

  // Across the 2025 boundary: 2023 and 2024 were reported by the historical
  // hierarchy, 2025 by today's.
  const auto& rounds =
      Field(Field(json, "history").struct_value(), "rounds").list_value().values();
  ASSERT_EQ(rounds.size(), 3);
  for (const auto& round : rounds) {
    const google::protobuf::Struct& r = round.struct_value();
    const int year = static_cast<int>(Field(r, "year").number_value());
    const int reporters = year < 2025 ? kSmallHistoricalReporters : kSmallReporters;
    EXPECT_EQ(Field(r, "reporters").number_value(), reporters) << year;
    EXPECT_EQ(Field(r, "accepted").number_value(), reporters) << year;
  }
  list.set_period("2024");
  list.clear_page_token();
  ASSERT_TRUE(submissions->ListReports(AsMinistry().get(), list, &reports).ok());
  EXPECT_EQ(reports.reports_size(), kSmallHistoricalReporters);
  int from_districts = 0;
  for (const v1::Report& report : reports.reports()) {
    EXPECT_EQ(report.state(), v1::REPORT_STATE_ACCEPTED) << report.name();
    from_districts += report.agency().find("-huyen-") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(from_districts, 16);
  // Every year, the nation is the sum of today's two provinces: the reports
  // of the dissolved third province count under its successor, once. Before
  // 2025 that province's own roll-up still shows them, inside the first's.
  for (const char* year : {"2023", "2024", "2025", "2026"}) {
    auto nation = Totals(*aggregation, plan, year, kMinistry);
    auto first = Totals(*aggregation, plan, year, "agencies/lg-p01");
    auto second = Totals(*aggregation, plan, year, "agencies/lg-p02");
    auto merged = Totals(*aggregation, plan, year, "agencies/lg-p03");
    ASSERT_EQ(nation.size(), expected.fields_size()) << year;
    for (const auto& [indicator, total] : nation) {
      EXPECT_EQ(Number(total), Number(first[indicator]) + Number(second[indicator]))
          << year << " " << indicator;
      if (std::string(year) < "2025") {
        EXPECT_GT(Number(merged[indicator]), 0) << year << " " << indicator;
        EXPECT_LT(Number(merged[indicator]), Number(first[indicator])) << year << " " << indicator;
      } else {
        // Nothing reported under it after its dissolution: no figure, not 0.
        EXPECT_EQ(merged[indicator], "") << year << " " << indicator;
      }
    }
  }
}

TEST(LoadgenTest, SpawnedRunMeasuresTheServerAndSurvivesRestartAndRebuild) {
  TempDir dir;
  const std::string json_path = absl::StrCat(dir.path(), "/loadgen.json");
  // The work directory the user names already holds a file of theirs.
  const std::string kept_path = absl::StrCat(dir.path(), "/ghi-chu.txt");
  std::ofstream(kept_path) << "của người dùng\n";
  ASSERT_EQ(RunLoadgen({"--spawn",
                        absl::StrCat("--tonghopd=", BuiltBinary("services/server/tonghopd")),
                        "--scale=small", "--years=1", "--concurrency=2",
                        "--limit-seconds=0.2", "--at-rest-rounds=2", "--compile-repetitions=1",
                        absl::StrCat("--work-dir=", dir.path()),
                        absl::StrCat("--json-out=", json_path)}),
            0);
  // Only what the run made is gone.
  EXPECT_TRUE(std::filesystem::exists(kept_path));
  EXPECT_TRUE(std::filesystem::exists(json_path));
  EXPECT_FALSE(std::filesystem::exists(absl::StrCat(dir.path(), "/data")));
  EXPECT_FALSE(std::filesystem::exists(absl::StrCat(dir.path(), "/tonghopd.log")));
  google::protobuf::Struct json = ReadJson(json_path);
  EXPECT_TRUE(Field(json, "ok").bool_value());
  const google::protobuf::Struct& limits = Field(json, "limits").struct_value();
  EXPECT_GT(Field(Field(limits, "grpc_echo").struct_value(), "calls").number_value(), 0);
  EXPECT_GT(
      Field(Field(limits, "rocksdb_synced_concurrent").struct_value(), "values").number_value(),
      0);
  // The report-sized batch holds at least the stored report four times
  // (report, revision, change, answer).
  const google::protobuf::Struct& report_batch =
      Field(limits, "rocksdb_synced_report_batch").struct_value();
  EXPECT_GT(Field(report_batch, "batches").number_value(), 0);
  EXPECT_GT(Field(report_batch, "batch_bytes").number_value(),
            4 * Field(report_batch, "report_bytes").number_value());
  const google::protobuf::Struct& durable = Field(limits, "durable_submit").struct_value();
  EXPECT_EQ(Field(durable, "calls_per_second").number_value(),
            std::min(Field(Field(limits, "grpc_echo").struct_value(), "calls_per_second")
                         .number_value(),
                     Field(report_batch, "batches_per_second").number_value()));
  // With --spawn, limits and the rebuild on, every target is judged.
  const auto& targets = Field(json, "targets").list_value().values();
  EXPECT_EQ(targets.size(), 11u);
  for (const auto& target : targets) {
    EXPECT_TRUE(target.struct_value().fields().count("met"))
        << Field(target.struct_value(), "name").string_value() << " was not measured";
  }
  const google::protobuf::Struct& server = Field(json, "server").struct_value();
  EXPECT_GT(Field(server, "peak_rss_bytes").number_value(), 0);
  EXPECT_GT(Field(server, "disk_allocated_bytes").number_value(), 0);
  EXPECT_GT(Field(server, "restart_serve_seconds").number_value(), 0);
  for (const char* key : {"verification", "verification_after_rebuild",
                          "verification_after_restart"}) {
    const google::protobuf::Struct& v = Field(json, key).struct_value();
    std::vector<std::string> failures;
    for (const auto& f : Field(v, "failures").list_value().values()) {
      failures.push_back(f.string_value());
    }
    EXPECT_TRUE(Field(v, "passed").bool_value()) << key << ": " << absl::StrJoin(failures, "\n");
  }
}

// Over TLS (--tls-ca) to a server that serves only TLS: every report still
// arrives and verifies. The agencies are still named with the development
// header, which the server accepts from loopback when told to.
TEST(LoadgenTest, RunsOverTls) {
  TempDir dir;
  absl::StatusOr<testing::TestCa> ca = testing::TestCa::Create("loadgen test CA");
  ASSERT_TRUE(ca.ok()) << ca.status();
  absl::StatusOr<testing::CertificateAndKey> server_cert = ca->IssueServer();
  ASSERT_TRUE(server_cert.ok()) << server_cert.status();
  const std::string ca_file = testing::WriteTextFile(dir.path() + "/ca.crt", ca->cert_pem());
  auto server = ServerProcess::Start(
      BuiltBinary("services/server/tonghopd"),
      {absl::StrCat("--data-dir=", dir.path(), "/data"), "--insecure-dev-identity",
       "--tls-cert=" + testing::WriteTextFile(dir.path() + "/server.crt", server_cert->cert_pem),
       "--tls-key=" + testing::WriteTextFile(dir.path() + "/server.key", server_cert->key_pem)});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string json_path = absl::StrCat(dir.path(), "/loadgen.json");
  ASSERT_EQ(RunLoadgen({absl::StrCat("--server=", (*server)->address()), "--tls-ca=" + ca_file,
                        "--scale=small", "--concurrency=2", "--limits=off", "--dashboard=off",
                        "--rebuild=off", "--at-rest-rounds=1", "--compile-repetitions=1",
                        absl::StrCat("--work-dir=", dir.path(), "/work"),
                        absl::StrCat("--json-out=", json_path)}),
            0);
  google::protobuf::Struct json = ReadJson(json_path);
  EXPECT_TRUE(Field(json, "ok").bool_value());
  EXPECT_TRUE(Field(Field(json, "verification").struct_value(), "passed").bool_value());
  EXPECT_EQ(Field(json, "reporters").number_value(), kSmallReporters);
}

// The federation mode against two provinces' instances pushing to the
// Ministry's (in development: --upstream-agency, no instance certificate).
// Checked with this test's own calls: the Ministry holds each province's
// figures of every report, equal to the province's own roll-up.
TEST(LoadgenTest, FederationBringsEveryProvincesFiguresToTheMinistry) {
  TempDir dir;
  const std::string tonghopd = BuiltBinary("services/server/tonghopd");
  auto ministry =
      ServerProcess::Start(tonghopd, {absl::StrCat("--data-dir=", dir.path(), "/ministry")});
  ASSERT_TRUE(ministry.ok()) << ministry.status();
  std::vector<std::unique_ptr<ServerProcess>> provinces;
  std::vector<std::string> addresses;
  for (const char* id : {"lg-p01", "lg-p02"}) {
    auto province = ServerProcess::Start(
        tonghopd, {absl::StrCat("--data-dir=", dir.path(), "/", id),
                   "--upstream=" + (*ministry)->address(), absl::StrCat("--upstream-agency=", id)});
    ASSERT_TRUE(province.ok()) << province.status();
    addresses.push_back((*province)->address());
    provinces.push_back(*std::move(province));
  }
  ASSERT_EQ(RunLoadgen({"--federation", "--ministry=" + (*ministry)->address(),
                        "--province-servers=" + absl::StrJoin(addresses, ","), "--scale=small",
                        "--year=2026", "--concurrency=2", "--settle-timeout=60"}),
            0);

  auto federation = v1::Federation::NewStub(
      grpc::CreateChannel((*ministry)->address(), grpc::InsecureChannelCredentials()));
  v1::ListReceivedFiguresRequest list;
  list.set_parent("plans/lg-quoc-gia/periods/2026");
  list.set_include_values(true);
  v1::ListReceivedFiguresResponse received;
  ASSERT_TRUE(federation->ListReceivedFigures(AsMinistry().get(), list, &received).ok());
  ASSERT_EQ(received.received_figures_size(), 2);
  for (size_t p = 0; p < provinces.size(); ++p) {
    const std::string agency = absl::StrCat("agencies/lg-p0", p + 1);
    const v1::ReceivedFigures* held = nullptr;
    for (const auto& r : received.received_figures()) {
      if (r.agency() == agency) held = &r;
    }
    ASSERT_NE(held, nullptr) << agency;
    std::map<std::string, int64_t> held_totals;
    for (const v1::Value& value : held->values()) {
      if (value.cells().empty()) held_totals[value.indicator()] = value.int_value();
    }
    auto aggregation = v1::Aggregation::NewStub(
        grpc::CreateChannel(addresses[p], grpc::InsecureChannelCredentials()));
    v1::RollupRequest rollup;
    rollup.set_plan("plans/lg-ke-hoach-tai");
    rollup.set_period("2026");
    rollup.set_agency(agency);
    v1::RollupResponse own;
    ASSERT_TRUE(aggregation->Rollup(AsMinistry().get(), rollup, &own).ok());
    // The small scale: 5 communes, 3 departments and a court per province.
    EXPECT_EQ(own.coverage().contributed() + own.coverage().other_contributors(),
              kSmallReporters / 2);
    EXPECT_GE(held->generation(), own.applied_sequence()) << agency;
    int compared = 0;
    for (const v1::IndicatorRollup& indicator : own.indicators()) {
      if (indicator.aggregation() == v1::Indicator::AGGREGATION_RATIO) continue;
      ASSERT_TRUE(held_totals.count(indicator.indicator()))
          << agency << " " << indicator.indicator();
      EXPECT_EQ(absl::StrCat(held_totals[indicator.indicator()]), indicator.total().value())
          << agency << " " << indicator.indicator();
      ++compared;
    }
    EXPECT_EQ(compared, static_cast<int>(held_totals.size())) << agency;
    EXPECT_GT(compared, 0);
  }
}

}  // namespace
}  // namespace tonghop
