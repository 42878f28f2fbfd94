// Continuous federation over mutual TLS: a province's instance (a tonghopd
// process started with --upstream and its instance certificate) pushes its
// accepted figures to the Ministry's instance after every acceptance. With
// the Ministry down during an acceptance, the province killed with SIGKILL,
// then both started again, it catches up by itself: the Ministry ends with
// exactly the province's figures, nothing lost and nothing counted twice.
// The Ministry lists who sent and when; retried and stale pushes change
// nothing; nobody pushes for another agency.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/common/tls.h"
#include "tests/integration/aggregation_fixture.h"
#include "tests/testing/test_certificates.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/federation_service.grpc.pb.h"

namespace tonghop::testing {
namespace {

constexpr char kReceivedName[] = "plans/national-2026/periods/2026/receivedFigures/dong-nai";

std::unique_ptr<grpc::ClientContext> Context(const std::string& agency = "") {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!agency.empty()) context->AddMetadata("x-tonghop-agency", "agencies/" + agency);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

// The total of `indicator_id` among `figures`' values, as text; "" when absent.
std::string HeldTotal(const v1::ReceivedFigures& figures, const std::string& indicator_id) {
  for (const v1::Value& v : figures.values()) {
    if (v.indicator() != "indicators/" + indicator_id || !v.cells().empty()) continue;
    return v.value_case() == v1::Value::kIntValue ? absl::StrCat(v.int_value())
                                                  : v.decimal_value();
  }
  return "";
}

// Sets `field` of `plan` on the instance behind `channel`, as the Ministry.
absl::Status UpdatePlan(const std::shared_ptr<grpc::Channel>& channel, const v1::Plan& plan,
                        const std::string& field) {
  v1::UpdatePlanRequest request;
  *request.mutable_plan() = plan;
  request.mutable_update_mask()->add_paths(field);
  v1::Plan updated;
  grpc::Status status =
      v1::Registry::NewStub(channel)->UpdatePlan(Context("bo-tu-phap").get(), request, &updated);
  return status.ok() ? absl::OkStatus() : absl::InternalError(status.error_message());
}

// Sets plans/{plan}'s first year on the instance behind `channel`.
absl::Status SetFirstYear(const std::shared_ptr<grpc::Channel>& channel, const std::string& plan,
                          int year) {
  v1::Plan changed;
  changed.set_name(plan);
  changed.set_first_year(year);
  return UpdatePlan(channel, changed, "first_year");
}

class FederationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TestCa> ca = TestCa::Create("tonghop federation test CA");
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = *ca;
    absl::StatusOr<CertificateAndKey> server = ca_.IssueServer();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *server;
    for (const char* id : {"dong-nai", "quang-ngai", "binh-phuoc"}) {
      absl::StatusOr<CertificateAndKey> cert = ca_.IssueClient(absl::StrCat("agencies/", id));
      ASSERT_TRUE(cert.ok()) << cert.status();
      agencies_[id] = *cert;
      WriteTextFile(Path(absl::StrCat(id, ".crt")), cert->cert_pem);
      WriteTextFile(Path(absl::StrCat(id, ".key")), cert->key_pem);
    }
    WriteTextFile(Path("ca.crt"), ca_.cert_pem());
    WriteTextFile(Path("server.crt"), server_.cert_pem);
    WriteTextFile(Path("server.key"), server_.key_pem);

    // The Ministry: every service in this process, TLS only, client
    // certificates from the test CA (and, for the test's own calls, the
    // development header over TLS without a certificate).
    ministry_options_.tls.cert_pem = server_.cert_pem;
    ministry_options_.tls.key_pem = server_.key_pem;
    ministry_options_.tls.client_ca_pem = ca_.cert_pem();
    auto ministry = TestServer::Start(dir_.path() + "/ministry", ministry_options_);
    ASSERT_TRUE(ministry.ok()) << ministry.status();
    ministry_ = *std::move(ministry);
    // Restarted on the same address, where the province pushes.
    ministry_options_.listen = ministry_->address();
    absl::Status loaded = LoadAggregationRegistry(MinistryChannel(), {NationalPlan()});
    ASSERT_TRUE(loaded.ok()) << loaded;
  }

  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  // TLS trusting the test CA, without a client certificate.
  ClientTlsOptions AnonymousTls() const {
    ClientTlsOptions tls;
    tls.ca_pem = ca_.cert_pem();
    return tls;
  }
  std::shared_ptr<grpc::Channel> MinistryChannel() const {
    return ministry_->NewChannel(AnonymousTls());
  }
  std::shared_ptr<grpc::Channel> ProvinceChannel() const {
    return grpc::CreateChannel(province_->address(), ChannelCredentials(AnonymousTls()));
  }

  // The province's tonghopd on its data directory, pushing to the Ministry
  // as agencies/dong-nai.
  absl::Status StartProvince() {
    auto process = ServerProcess::Start(
        BuiltBinary("services/server/tonghopd"),
        {"--data-dir=" + Path("province"), "--tls-cert=" + Path("server.crt"),
         "--tls-key=" + Path("server.key"), "--client-ca=" + Path("ca.crt"),
         "--tls-ca=" + Path("ca.crt"), "--instance-cert=" + Path("dong-nai.crt"),
         "--instance-key=" + Path("dong-nai.key"), "--upstream=" + ministry_->address(),
         "--insecure-dev-identity"});
    if (!process.ok()) return process.status();
    province_ = *std::move(process);
    return absl::OkStatus();
  }

  // Names the national plan as the one the province's plan feeds.
  absl::Status FeedTheNationalPlan() {
    v1::Plan plan;
    plan.set_name(agg::kPlan);
    plan.set_upstream_plan(kNationalPlan);
    return UpdatePlan(ProvinceChannel(), plan, "upstream_plan");
  }

  // Waits until the Ministry holds dong-nai's figures (`name`) of
  // `generation` (the province's feed position they reflect) or a later
  // one; fails after a minute.
  absl::StatusOr<v1::ReceivedFigures> AwaitGeneration(int64_t generation,
                                                      const std::string& name = kReceivedName) {
    return AwaitHeld(name, [generation](const v1::ReceivedFigures& figures) {
      return figures.generation() >= generation;
    });
  }

  // Waits until what the Ministry holds at `name` satisfies `done`; fails
  // after a minute.
  absl::StatusOr<v1::ReceivedFigures> AwaitHeld(
      const std::string& name, const std::function<bool(const v1::ReceivedFigures&)>& done) {
    auto stub = v1::Federation::NewStub(MinistryChannel());
    v1::GetReceivedFiguresRequest request;
    request.set_name(name);
    absl::Time give_up = absl::Now() + absl::Minutes(1);
    v1::ReceivedFigures figures;
    grpc::Status status;
    while (absl::Now() < give_up) {
      status = stub->GetReceivedFigures(Context("bo-tu-phap").get(), request, &figures);
      if (status.ok() && done(figures)) return figures;
      if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return absl::DeadlineExceededError(absl::StrCat("the Ministry holds ", figures.DebugString(),
                                                    " (", status.error_message(), ")"));
  }

  TempDir dir_;
  TestServer::Options ministry_options_;
  TestCa ca_;
  CertificateAndKey server_;
  std::map<std::string, CertificateAndKey> agencies_;
  std::unique_ptr<TestServer> ministry_;
  std::unique_ptr<ServerProcess> province_;
};

// The province's push status once `done` holds of it; fails after a minute.
absl::StatusOr<v1::UpstreamStatus> AwaitUpstreamStatus(
    const std::shared_ptr<grpc::Channel>& province,
    const std::function<bool(const v1::UpstreamStatus&)>& done) {
  auto stub = v1::Federation::NewStub(province);
  absl::Time give_up = absl::Now() + absl::Minutes(1);
  v1::UpstreamStatus status;
  while (absl::Now() < give_up) {
    grpc::Status call = stub->GetUpstreamStatus(Context("dong-nai-so-tu-phap").get(),
                                                v1::GetUpstreamStatusRequest(), &status);
    if (!call.ok()) return absl::InternalError(call.error_message());
    if (done(status)) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError(status.DebugString());
}

TEST_F(FederationTest, ProvincePushesEveryAcceptanceAndCatchesUpAfterBothRestart) {
  ASSERT_TRUE(StartProvince().ok());
  ASSERT_TRUE(LoadAggregationRegistry(ProvinceChannel()).ok());
  // The provincial plan feeds the national one.
  ASSERT_TRUE(FeedTheNationalPlan().ok());

  // One acceptance reaches the Ministry by itself.
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-y-te", 8).ok());
  int64_t first = *LastSequence(ProvinceChannel());
  auto held = AwaitGeneration(first);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(HeldTotal(*held, "complaints-received"), "18");
  EXPECT_EQ(held->agency(), "agencies/dong-nai");
  EXPECT_EQ(held->source_plan(), agg::kPlan);
  EXPECT_TRUE(held->has_first_arrive_time());

  // The Ministry goes down; the next acceptance cannot reach it, and the
  // province is killed with SIGKILL while it retries. The Ministry comes
  // back with what it had; the province, started again with no new change,
  // catches up from its persisted position by itself.
  ministry_->Stop();
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-tu-phap", 5).ok());
  int64_t second = *LastSequence(ProvinceChannel());
  ASSERT_GT(second, first);
  province_->Kill();
  auto restarted = TestServer::Start(dir_.path() + "/ministry", ministry_options_);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  ministry_ = *std::move(restarted);
  held = AwaitGeneration(first);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->generation(), first);
  EXPECT_EQ(HeldTotal(*held, "complaints-received"), "18");
  ASSERT_TRUE(StartProvince().ok());
  held = AwaitGeneration(second);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->generation(), second);

  // Exactly the province's own figures: nothing lost, nothing twice.
  auto local = RollupAt(ProvinceChannel(), second, "agencies/dong-nai", "2026", agg::kPlan,
                        "dong-nai-so-tu-phap");
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_EQ(TotalOf(*local, "complaints-received"), "33");  // 15 + 18
  for (const char* indicator : {"complaints-received", "complaints-resolved"}) {
    EXPECT_EQ(HeldTotal(*held, indicator), TotalOf(*local, indicator)) << indicator;
  }
  // A rate is not sent: it is computed from its numerator and denominator.
  EXPECT_EQ(HeldTotal(*held, "complaint-resolution-rate"), "");

  // The Ministry lists who sent and when.
  v1::ListReceivedFiguresRequest list;
  list.set_parent("plans/national-2026/periods/2026");
  v1::ListReceivedFiguresResponse senders;
  auto stub = v1::Federation::NewStub(MinistryChannel());
  ASSERT_TRUE(stub->ListReceivedFigures(Context("bo-tu-phap").get(), list, &senders).ok());
  ASSERT_EQ(senders.received_figures_size(), 1);
  const v1::ReceivedFigures& sent = senders.received_figures(0);
  EXPECT_EQ(sent.agency(), "agencies/dong-nai");
  EXPECT_EQ(sent.agency_display_name(), "Tỉnh Đồng Nai");
  EXPECT_EQ(sent.generation(), second);
  EXPECT_LE(sent.first_arrive_time().seconds(), sent.arrive_time().seconds());
  EXPECT_GE(sent.arrivals(), 2);
  EXPECT_EQ(sent.values_size(), 0);  // not asked for
  EXPECT_GT(sent.value_count(), 0);

  // And so does the CLI, for officials.
  std::string output;
  ASSERT_EQ(RunCli(absl::StrCat("--server=", ministry_->address(), " --tls-ca=", Path("ca.crt"),
                                " --agency=bo-tu-phap --state-dir=", Path("cli"),
                                " received --plan=national-2026 --period=2026"),
                   &output),
            0)
      << output;
  EXPECT_NE(output.find("Tỉnh Đồng Nai"), std::string::npos) << output;
  EXPECT_NE(output.find("1 đơn vị đã gửi số liệu"), std::string::npos) << output;

  // The province's completeness came with its figures, and the Ministry's
  // national view sums what it holds: Đồng Nai sent, the other provinces
  // did not (no figure, not 0).
  EXPECT_EQ(sent.completeness().accepted(), 2);
  EXPECT_GE(sent.completeness().expected(), 2);
  v1::GetNationalOverviewRequest overview_request;
  overview_request.set_name("plans/national-2026/periods/2026");
  v1::NationalOverview overview;
  ASSERT_TRUE(
      stub->GetNationalOverview(Context("bo-tu-phap").get(), overview_request, &overview).ok());
  ASSERT_GE(overview.provinces_size(), 1);
  EXPECT_EQ(overview.provinces_received(), 1);
  for (int p = 0; p < overview.provinces_size(); ++p) {
    const v1::ProvinceStatus& province = overview.provinces(p);
    EXPECT_EQ(province.receipt() != v1::PROVINCE_RECEIPT_NOT_RECEIVED,
              province.agency() == "agencies/dong-nai")
        << province.agency();
    for (const v1::NationalIndicator& indicator : overview.indicators()) {
      if (indicator.indicator() != "indicators/complaints-received") continue;
      EXPECT_EQ(indicator.total().value(), "33");
      EXPECT_EQ(indicator.provinces(p).figure().present(), province.agency() == "agencies/dong-nai");
    }
    if (province.agency() == "agencies/dong-nai") {
      EXPECT_EQ(province.completeness().accepted(), 2);
    }
  }
  output.clear();
  ASSERT_EQ(RunCli(absl::StrCat("--server=", ministry_->address(), " --tls-ca=", Path("ca.crt"),
                                " --agency=bo-tu-phap --state-dir=", Path("cli"),
                                " national overview --plan=national-2026 --period=2026"),
                   &output),
            0)
      << output;
  EXPECT_NE(output.find("Tỉnh Đồng Nai"), std::string::npos) << output;
  EXPECT_NE(output.find("tỉnh, thành phố đã gửi"), std::string::npos) << output;

  // A retried push and a late older one change nothing; the figures stay.
  auto as_dong_nai = v1::Federation::NewStub(
      ministry_->NewChannel(ClientTls(ca_, agencies_.at("dong-nai"))));
  v1::PushFiguresRequest replay;
  replay.set_plan(kNationalPlan);
  replay.set_period("2026");
  replay.set_agency("agencies/dong-nai");
  replay.set_generation(second);
  replay.set_feed_epoch(sent.feed_epoch());
  replay.set_request_id("replayed");
  v1::Value* doubled = replay.add_values();
  doubled->set_indicator("indicators/complaints-received");
  doubled->set_int_value(66);
  v1::PushFiguresResponse outcome;
  ASSERT_TRUE(as_dong_nai->PushFigures(Context().get(), replay, &outcome).ok());
  EXPECT_EQ(outcome.outcome(), v1::PUSH_OUTCOME_ALREADY_RECEIVED);
  replay.set_generation(first);
  ASSERT_TRUE(as_dong_nai->PushFigures(Context().get(), replay, &outcome).ok());
  EXPECT_EQ(outcome.outcome(), v1::PUSH_OUTCOME_SUPERSEDED);
  auto after = AwaitGeneration(second);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(HeldTotal(*after, "complaints-received"), "33");
  EXPECT_EQ(after->arrivals(), sent.arrivals());

  // Another province's certificate cannot push Đồng Nai's figures; one of
  // a province dissolved in 2025 (Bình Phước) proves no identity at all.
  auto as_quang_ngai = v1::Federation::NewStub(
      ministry_->NewChannel(ClientTls(ca_, agencies_.at("quang-ngai"))));
  replay.set_generation(second + 100);
  grpc::Status refused = as_quang_ngai->PushFigures(Context().get(), replay, &outcome);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto as_binh_phuoc = v1::Federation::NewStub(
      ministry_->NewChannel(ClientTls(ca_, agencies_.at("binh-phuoc"))));
  refused = as_binh_phuoc->PushFigures(Context().get(), replay, &outcome);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  after = AwaitGeneration(second);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->generation(), second);
}

// A push the Ministry refuses (a year its national plan does not cover) is
// held on the province with the Ministry's answer, never holds back the
// other years, and is taken by itself once the Ministry's plan covers the
// year: nobody edits a store, nothing is lost.
TEST_F(FederationTest, ARefusedPushIsHeldWhileTheRestGoOnAndIsTakenOnceMended) {
  ASSERT_TRUE(SetFirstYear(MinistryChannel(), kNationalPlan, 2026).ok());
  ASSERT_TRUE(StartProvince().ok());
  ASSERT_TRUE(LoadAggregationRegistry(ProvinceChannel()).ok());
  ASSERT_TRUE(FeedTheNationalPlan().ok());

  // 2025 first: the Ministry refuses it; 2026 after it still arrives.
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-y-te", 8, "2025").ok());
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-y-te", 3, "2026").ok());
  int64_t last = *LastSequence(ProvinceChannel());
  auto held_2026 = AwaitGeneration(last);
  ASSERT_TRUE(held_2026.ok()) << held_2026.status();
  EXPECT_EQ(HeldTotal(*held_2026, "complaints-received"), "13");

  auto status = AwaitUpstreamStatus(ProvinceChannel(), [last](const v1::UpstreamStatus& s) {
    return s.held_size() == 1 && s.pushed_position() == last;
  });
  ASSERT_TRUE(status.ok()) << status.status();
  const v1::HeldPush& held = status->held(0);
  EXPECT_EQ(held.plan(), agg::kPlan);
  EXPECT_EQ(held.period(), "2025");
  EXPECT_EQ(held.upstream_plan(), kNationalPlan);
  EXPECT_EQ(held.code(), "INVALID_ARGUMENT");
  EXPECT_NE(held.message().find("2025"), std::string::npos) << held.message();
  EXPECT_GE(held.attempts(), 1);
  EXPECT_EQ(status->agency(), "agencies/dong-nai");
  EXPECT_EQ(status->pushed_position(), last);
  {
    auto stub = v1::Federation::NewStub(MinistryChannel());
    v1::GetReceivedFiguresRequest request;
    request.set_name("plans/national-2026/periods/2025/receivedFigures/dong-nai");
    v1::ReceivedFigures figures;
    EXPECT_EQ(stub->GetReceivedFigures(Context("bo-tu-phap").get(), request, &figures)
                  .error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  // A province's other agencies may not read where it pushes.
  {
    v1::UpstreamStatus refused;
    EXPECT_EQ(v1::Federation::NewStub(ProvinceChannel())
                  ->GetUpstreamStatus(Context("dong-nai-so-y-te").get(),
                                      v1::GetUpstreamStatusRequest(), &refused)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }

  // The Ministry mends its plan; the held push goes by itself, with no new
  // change on the province.
  ASSERT_TRUE(SetFirstYear(MinistryChannel(), kNationalPlan, 2024).ok());
  auto held_2025 =
      AwaitGeneration(0, "plans/national-2026/periods/2025/receivedFigures/dong-nai");
  ASSERT_TRUE(held_2025.ok()) << held_2025.status();
  EXPECT_EQ(HeldTotal(*held_2025, "complaints-received"), "18");
  status = AwaitUpstreamStatus(ProvinceChannel(),
                               [](const v1::UpstreamStatus& s) { return s.held_size() == 0; });
  ASSERT_TRUE(status.ok()) << status.status();
  // And 2026 is as it was: nothing counted twice.
  auto still = AwaitGeneration(last);
  ASSERT_TRUE(still.ok()) << still.status();
  EXPECT_EQ(HeldTotal(*still, "complaints-received"), "13");
}

// A province whose store starts again (its disk lost, the instance
// reinstalled, or restored from an older backup) has a new feed epoch and
// positions from 1. The Ministry believes it over what it held, whatever
// the generations, and what the province no longer has is emptied there
// by itself, not kept as if it were still true.
TEST_F(FederationTest, AProvinceWhoseStoreStartedAgainIsBelievedOverWhatTheMinistryHeld) {
  ASSERT_TRUE(StartProvince().ok());
  ASSERT_TRUE(LoadAggregationRegistry(ProvinceChannel()).ok());
  ASSERT_TRUE(FeedTheNationalPlan().ok());
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-y-te", 8, "2026").ok());
  int64_t last_2026 = *LastSequence(ProvinceChannel());
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-y-te", 1, "2027").ok());
  const std::string held_2027 = "plans/national-2026/periods/2027/receivedFigures/dong-nai";
  int64_t last = *LastSequence(ProvinceChannel());
  // Each period's generation is at least the change that last touched it.
  auto before = AwaitGeneration(last_2026);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(HeldTotal(*before, "complaints-received"), "18");
  auto before_2027 = AwaitGeneration(last, held_2027);
  ASSERT_TRUE(before_2027.ok()) << before_2027.status();
  EXPECT_EQ(HeldTotal(*before_2027, "complaints-received"), "11");
  ASSERT_FALSE(before->feed_epoch().empty());

  // The province's data directory is lost; it starts again, empty, and the
  // Department of Justice re-enters the one report it still has.
  province_->Kill();
  std::filesystem::remove_all(Path("province"));
  ASSERT_TRUE(StartProvince().ok());
  ASSERT_TRUE(LoadAggregationRegistry(ProvinceChannel()).ok());
  ASSERT_TRUE(FeedTheNationalPlan().ok());
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-tu-phap", 5, "2026").ok());
  const int64_t restarted_last = *LastSequence(ProvinceChannel());
  ASSERT_LE(restarted_last, last);  // positions started again

  // (Before the re-entered report is accepted, the Ministry may hold the
  // new epoch's empty figures: what the province then had.)
  auto after = AwaitHeld(kReceivedName, [&](const v1::ReceivedFigures& f) {
    return f.feed_epoch() != before->feed_epoch() && f.generation() >= restarted_last;
  });
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(HeldTotal(*after, "complaints-received"), "15");  // not 18, not 33
  ASSERT_EQ(after->retired_feed_epochs_size(), 1);
  EXPECT_EQ(after->retired_feed_epochs(0), before->feed_epoch());
  // 2027, which the province no longer has, is emptied by itself.
  auto after_2027 = AwaitHeld(held_2027, [&](const v1::ReceivedFigures& f) {
    return f.feed_epoch() == after->feed_epoch();
  });
  ASSERT_TRUE(after_2027.ok()) << after_2027.status();
  EXPECT_EQ(after_2027->value_count(), 0);
  EXPECT_EQ(HeldTotal(*after_2027, "complaints-received"), "");
}

// Only the change feed's store starts again (its disk replaced); the
// roll-ups' store, with the push position and generations of the old feed,
// is kept. The pushes of the new feed go on from its own positions: a
// change after the first is at the Ministry too, although the new feed's
// positions are all below those the old one had pushed.
TEST_F(FederationTest, AReplacedChangeFeedIsPushedFromItsOwnPositions) {
  ASSERT_TRUE(StartProvince().ok());
  ASSERT_TRUE(LoadAggregationRegistry(ProvinceChannel()).ok());
  ASSERT_TRUE(FeedTheNationalPlan().ok());
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-y-te", 1, "2027").ok());
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-y-te", 8, "2026").ok());
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-tu-phap", 5, "2026").ok());
  const int64_t last = *LastSequence(ProvinceChannel());
  auto before = AwaitGeneration(last);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(HeldTotal(*before, "complaints-received"), "33");

  province_->Kill();
  std::filesystem::remove_all(Path("province/submissions"));
  ASSERT_TRUE(StartProvince().ok());
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-tu-phap", 5, "2026").ok());
  const int64_t again = *LastSequence(ProvinceChannel());
  auto replaced = AwaitHeld(kReceivedName, [&](const v1::ReceivedFigures& f) {
    return f.feed_epoch() != before->feed_epoch() && f.generation() >= again;
  });
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(HeldTotal(*replaced, "complaints-received"), "15");

  // A later change of the new feed, still below the old feed's positions.
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-y-te", 8, "2026").ok());
  const int64_t now = *LastSequence(ProvinceChannel());
  ASSERT_LT(now, last);
  auto after = AwaitGeneration(now);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->feed_epoch(), replaced->feed_epoch());
  EXPECT_EQ(HeldTotal(*after, "complaints-received"), "33");
  auto status = AwaitUpstreamStatus(ProvinceChannel(), [&](const v1::UpstreamStatus& s) {
    return s.pushed_position() == now;
  });
  ASSERT_TRUE(status.ok()) << status.status();
}

// What the Ministry holds from an old feed epoch is replaced by the
// province's reconcile; when the Ministry refuses that push, it is held,
// and the hold stays (retried with its delay) until a push is taken, even
// though the province has nothing new for that period.
TEST_F(FederationTest, AReconcilePushTheMinistryRefusesStaysHeld) {
  ASSERT_TRUE(StartProvince().ok());
  ASSERT_TRUE(LoadAggregationRegistry(ProvinceChannel()).ok());
  ASSERT_TRUE(FeedTheNationalPlan().ok());
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-y-te", 8, "2026").ok());
  auto before = AwaitGeneration(*LastSequence(ProvinceChannel()));
  ASSERT_TRUE(before.ok()) << before.status();

  // The Ministry no longer takes 2026; once its Federation service sees
  // it, a push of 2026 (here a stale one, which would change nothing) is
  // refused.
  ASSERT_TRUE(SetFirstYear(MinistryChannel(), kNationalPlan, 2027).ok());
  auto as_dong_nai = v1::Federation::NewStub(
      ministry_->NewChannel(ClientTls(ca_, agencies_.at("dong-nai"))));
  grpc::Status probe;
  for (int i = 0; i < 3000 && probe.error_code() != grpc::StatusCode::INVALID_ARGUMENT; ++i) {
    v1::PushFiguresRequest stale;
    stale.set_plan(kNationalPlan);
    stale.set_period("2026");
    stale.set_agency("agencies/dong-nai");
    stale.set_generation(1);
    stale.set_feed_epoch(before->feed_epoch());
    stale.set_request_id(absl::StrCat("probe-", i));
    v1::PushFiguresResponse outcome;
    probe = as_dong_nai->PushFigures(Context().get(), stale, &outcome);
    if (probe.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(probe.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << probe.error_message();

  // The province starts again, empty, with a report of 2027 only: 2026,
  // which the Ministry holds from the old epoch, is pushed again (empty)
  // and refused.
  province_->Kill();
  std::filesystem::remove_all(Path("province"));
  ASSERT_TRUE(StartProvince().ok());
  ASSERT_TRUE(LoadAggregationRegistry(ProvinceChannel()).ok());
  ASSERT_TRUE(FeedTheNationalPlan().ok());
  ASSERT_TRUE(SubmitAndAccept(ProvinceChannel(), "dong-nai-so-y-te", 1, "2027").ok());
  auto status = AwaitUpstreamStatus(ProvinceChannel(), [](const v1::UpstreamStatus& s) {
    return s.held_size() == 1 && s.held(0).attempts() >= 3;
  });
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->held(0).period(), "2026");
  EXPECT_EQ(status->held(0).code(), "INVALID_ARGUMENT");
  // The Ministry still holds the old epoch's 2026: that is what is held.
  auto still = AwaitHeld(kReceivedName, [](const v1::ReceivedFigures&) { return true; });
  ASSERT_TRUE(still.ok()) << still.status();
  EXPECT_EQ(still->feed_epoch(), before->feed_epoch());
}

}  // namespace
}  // namespace tonghop::testing
