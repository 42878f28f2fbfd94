#include "services/aggregation/aggregation_service.h"

#include <thread>

#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "services/aggregation/test_fixture.h"
#include "services/common/errors.h"
#include "storage/memory_store.h"

namespace tonghop::aggregation {
namespace {

// Reads the identity header from any peer (the in-process transport has no
// peer address).
class HeaderIdentity final : public IdentityResolver {
 public:
  absl::StatusOr<Caller> Resolve(const grpc::ServerContextBase& context) const override {
    auto it = context.client_metadata().find("x-tonghop-agency");
    if (it == context.client_metadata().end()) return Unauthenticated("no identity");
    return Caller{std::string(it->second.data(), it->second.size())};
  }
};

class AggregationServiceTest : public ::testing::Test {
 protected:
  AggregationServiceTest() : clock_(absl::FromUnixSeconds(1795000000)) {
    testing::LoadRegistry(registry_);
    aggregates_ = *AggregateStore::Open(&store_);
    queries_ = std::make_unique<AggregationQueries>(aggregates_.get(), &registry_, &clock_,
                                                    &policy_, &draft_store_);
    drafts_ = std::make_unique<ReportDrafts>(&draft_store_, queries_.get(), &clock_, &policy_,
                                             &audit_);
    forwarder_ = std::make_unique<Forwarder>(queries_.get(), &policy_, Upstream());
    dispatcher_ = std::make_unique<CallDispatcher>(
        &identity_, &audit_,
        CallDispatcher::Options{4, [this] { return aggregates_->applied_sequence(); }});
    service_ = std::make_unique<AggregationService>(
        queries_.get(), drafts_.get(), forwarder_.get(),
        [](const Caller&, const v1::RebuildAggregatesRequest&)
            -> absl::StatusOr<v1::RebuildAggregatesResponse> {
          return v1::RebuildAggregatesResponse();
        },
        dispatcher_.get(), &audit_, "/tmp");
    aggregates_->SetListener([this](int64_t s) { dispatcher_->OnApplied(s); });
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = v1::Aggregation::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  ~AggregationServiceTest() override {
    dispatcher_->Shutdown();
    server_->Shutdown();
  }

  void Apply(int64_t sequence) {
    auto snapshot = *registry_.Snapshot(false);
    auto report = testing::MakeReport("dong-nai-so-y-te", "2026", static_cast<int>(sequence),
                                      {testing::IntValue("complaints-received", sequence)});
    ASSERT_TRUE(aggregates_
                    ->Apply(testing::MakeChange(sequence, v1::CHANGE_KIND_SUBMITTED, report),
                            *snapshot->hierarchy)
                    .ok());
  }

  std::unique_ptr<grpc::ClientContext> Context(int deadline_seconds = 30) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-tonghop-agency", "agencies/dong-nai-so-tu-phap");
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(deadline_seconds));
    return context;
  }

  v1::RollupRequest Request(int64_t min_sequence) {
    v1::RollupRequest r;
    r.set_plan(testing::kPlan);
    r.set_period("2026");
    r.set_agency("agencies/dong-nai");
    r.set_include_unreviewed(true);
    r.set_min_sequence(min_sequence);
    return r;
  }

  FakeClock clock_;
  HeaderIdentity identity_;
  StaticRegistryView registry_;
  storage::MemoryStore store_;
  DraftStore draft_store_{&store_};
  AuditLog audit_{&store_, "aggregation", &clock_};
  std::unique_ptr<AggregateStore> aggregates_;
  AccessPolicy policy_{"agencies/bo-tu-phap"};
  std::unique_ptr<AggregationQueries> queries_;
  std::unique_ptr<ReportDrafts> drafts_;
  std::unique_ptr<Forwarder> forwarder_;
  std::unique_ptr<CallDispatcher> dispatcher_;
  std::unique_ptr<AggregationService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Aggregation::Stub> stub_;
};

TEST_F(AggregationServiceTest, AnswersAtOnceWhenTheFeedIsFarEnough) {
  Apply(1);
  v1::RollupResponse response;
  grpc::Status status = stub_->Rollup(Context().get(), Request(1), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.applied_sequence(), 1);
}

TEST_F(AggregationServiceTest, WaitsForTheFeedToReachMinSequence) {
  Apply(1);
  v1::RollupResponse response;
  grpc::Status status;
  std::thread caller([&] { status = stub_->Rollup(Context().get(), Request(3), &response); });
  // The call cannot finish before sequence 3 is applied, whenever it arrived.
  Apply(2);
  Apply(3);
  caller.join();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GE(response.applied_sequence(), 3);
  EXPECT_EQ(response.indicators(0).total().value(), "3");
}

TEST_F(AggregationServiceTest, AWaitingCallEndsAtItsDeadline) {
  v1::RollupResponse response;
  grpc::Status status = stub_->Rollup(Context(1).get(), Request(99), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(AggregationServiceTest, ErrorsCarryTheFieldAndIdentityIsRequired) {
  v1::RollupRequest bad = Request(0);
  bad.set_period("2026S9");
  v1::RollupResponse response;
  grpc::Status status = stub_->Rollup(Context().get(), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(GetBadRequest(FromGrpcStatus(status)).field_violations(0).field(), "period");
  grpc::ClientContext anonymous;
  status = stub_->Rollup(&anonymous, Request(0), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AggregationServiceTest, ShutdownReleasesWaitingCalls) {
  v1::RollupResponse response;
  grpc::Status status;
  std::thread caller([&] { status = stub_->Rollup(Context().get(), Request(99), &response); });
  // Shutdown answers whatever waits, whether the call is waiting already or
  // arrives after; either way it does not hang.
  dispatcher_->Shutdown();
  caller.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(AggregationServiceTest, CompileReportReturnsTheRenderedBytes) {
  Apply(1);
  v1::CompileReportRequest request;
  request.set_plan(testing::kPlan);
  request.set_period("2026");
  request.set_agency("agencies/dong-nai");
  request.set_format(v1::REPORT_FORMAT_MARKDOWN);
  request.set_include_unreviewed(true);
  v1::CompileReportResponse response;
  grpc::Status status = stub_->CompileReport(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.content_type(), "text/markdown; charset=utf-8");
  EXPECT_NE(response.content().find("74/KH-UBND"), std::string::npos);
  EXPECT_EQ(response.report().statistics(0).current().value(), "1");
}

TEST_F(AggregationServiceTest, RefusedWritesAreAuditedAndReadsAreNot) {
  v1::RebuildAggregatesResponse rebuilt;
  grpc::Status status =
      stub_->RebuildAggregates(Context().get(), v1::RebuildAggregatesRequest(), &rebuilt);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext anonymous;
  v1::ForwardRequest forward;
  forward.set_plan(testing::kPlan);
  forward.set_period("2026");
  forward.set_agency("agencies/dong-nai");
  v1::ForwardResponse forwarded;
  status = stub_->Forward(&anonymous, forward, &forwarded);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext anonymous_read;
  v1::RollupResponse rollup;
  ASSERT_EQ(stub_->Rollup(&anonymous_read, Request(0), &rollup).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  std::vector<v1::AuditRecord> records = *audit_.Read(0, 100);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].method(), "RebuildAggregates");
  EXPECT_EQ(records[0].actor(), "agencies/dong-nai-so-tu-phap");
  EXPECT_EQ(records[0].result().code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(records[1].method(), "Forward");
  EXPECT_EQ(records[1].actor(), "");
  EXPECT_EQ(records[1].result().code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_FALSE(records[1].peer().empty());
}

}  // namespace
}  // namespace tonghop::aggregation
