// Bad input on the way in, over a real server on loopback: agencies given
// in any form get a clear error with a suggestion (and never abort the CLI),
// errors stay bounded however much the request held, enum numbers the API
// does not define are refused, and bytes that do not parse as the request
// are INVALID_ARGUMENT with a message.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "clients/client/durable_file.h"
#include "clients/client/report_file.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "services/common/text.h"
#include "tests/integration/submissions_fixture.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"
#include "tonghop/v1/registry_service.grpc.pb.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::testing {
namespace {

using ::testing::HasSubstr;

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = TestServer::Start(dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = server_->NewChannel();
    ASSERT_TRUE(LoadRegistryFixture(channel_).ok());
  }

  // A context as `agency` (the development header the other tests use),
  // bounded so that a call that never answers fails the test.
  static std::unique_ptr<grpc::ClientContext> As(const std::string& agency) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!agency.empty()) context->AddMetadata("x-tonghop-agency", agency);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return context;
  }

  static std::vector<std::string> Fields(const absl::Status& status) {
    std::vector<std::string> fields;
    google::rpc::BadRequest bad_request = GetBadRequest(status);
    for (const auto& v : bad_request.field_violations()) fields.push_back(v.field());
    return fields;
  }

  // Sends `bytes` as the request of `method` with no type behind them: what a
  // client of another version, or a broken one, might send.
  grpc::Status CallRaw(const std::string& method, const std::string& bytes) {
    grpc::GenericStub stub(channel_);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    auto context = As("bo-tu-phap");
    grpc::Status result;
    absl::Notification done;
    stub.UnaryCall(context.get(), method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status status) {
                     result = std::move(status);
                     done.Notify();
                   });
    done.WaitForNotification();
    return result;
  }

  // The same for a server-streaming method: the first message written is the
  // request.
  grpc::Status StreamRaw(const std::string& method, const std::string& bytes) {
    grpc::GenericStub stub(channel_);
    grpc::CompletionQueue cq;
    auto context = As("bo-tu-phap");
    std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
        stub.PrepareCall(context.get(), method, &cq);
    void* tag;
    bool ok;
    auto next = [&](intptr_t want) {
      EXPECT_TRUE(cq.Next(&tag, &ok));
      EXPECT_EQ(reinterpret_cast<intptr_t>(tag), want);
    };
    call->StartCall(reinterpret_cast<void*>(1));
    next(1);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    call->WriteLast(request, grpc::WriteOptions(), reinterpret_cast<void*>(2));
    next(2);
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(3));
    next(3);
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    return status;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

// A report with 10,000 bad cells, each echoing 300 bytes, used to produce an
// error of megabytes that overflowed gRPC's 8 KiB metadata limit: the client
// saw RESOURCE_EXHAUSTED (or nothing) instead of the validation error.
TEST_F(BadInputTest, TenThousandBadCellsListTheFirstHundredAndCountTheRest) {
  v1::SubmitRequest request;
  request.set_name(kSoYTeReport);
  request.set_request_id(client::NewRequestId());
  for (int i = 0; i < 10000; ++i) {
    v1::Value* value = request.mutable_report()->add_values();
    value->set_indicator("indicators/budget-spent");
    value->set_decimal_value(absl::StrCat("không-phải-số-", i, std::string(300, 'x')));
  }
  auto stub = v1::Submissions::NewStub(channel_);
  v1::Report response;
  grpc::Status status = stub->Submit(As("dong-nai-so-y-te").get(), request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_LE(ErrorTrailerBytes(ToRpcStatus(status)), kMaxErrorTrailerBytes);
  EXPECT_TRUE(IsValidUtf8(status.error_message()));
  absl::Status error = FromGrpcStatus(status);
  std::vector<std::string> fields = Fields(error);
  ASSERT_EQ(fields.size(), 100u);
  // Every value is wrong (and the submission lacks the progress Sở Y tế
  // leads): the first 100 are listed, the others counted.
  size_t total = fields.size() + GetOmittedViolations(error);
  EXPECT_GE(total, 10000u);
  EXPECT_THAT(std::string(error.message()), HasSubstr(absl::StrCat(total, " invalid fields")));
  EXPECT_THAT(GetVietnameseMessage(error), HasSubstr(GroupThousands(total) + " lỗi"));
  google::rpc::BadRequest bad_request = GetBadRequest(error);
  bool saw_first_value = false;
  for (const auto& violation : bad_request.field_violations()) {
    EXPECT_TRUE(IsValidUtf8(violation.description()));
    EXPECT_EQ(violation.description().find(std::string(64, 'x')), std::string::npos);
    if (violation.field() == "report.values[0].value") {
      saw_first_value = true;
      EXPECT_THAT(violation.description(), HasSubstr("not a decimal number"));
    }
  }
  EXPECT_TRUE(saw_first_value);

  // Nothing was stored: the report is still not submitted.
  v1::GetReportRequest get;
  get.set_name(kSoYTeReport);
  v1::Report stored;
  grpc::Status read = stub->GetReport(As("dong-nai-so-y-te").get(), get, &stored);
  EXPECT_TRUE(read.error_code() == grpc::StatusCode::NOT_FOUND ||
              stored.state() == v1::REPORT_STATE_DRAFT)
      << read.error_message();
}

TEST_F(BadInputTest, BytesThatDoNotParseAreInvalidArgumentWithAMessage) {
  for (const std::string& bytes : {std::string("\xff\xff\xff\xff\x0f garbage"),
                                   // Field 1 (name), a string that is not UTF-8.
                                   std::string("\x0a\x03\xff\xfe\xfd", 5),
                                   // A length running past the end.
                                   std::string("\x0a\x7f" "agencies/x", 12)}) {
    grpc::Status status = CallRaw("/tonghop.v1.Registry/GetAgency", bytes);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(),
                HasSubstr("does not parse as tonghop.v1.GetAgencyRequest"));
    EXPECT_EQ(GetErrorInfo(FromGrpcStatus(status)).reason(), "MALFORMED_REQUEST");
  }
  // A mutation, and a method of each service.
  grpc::Status create = CallRaw("/tonghop.v1.Registry/CreateAgency", "\xff\xff");
  EXPECT_EQ(create.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(create.error_message(), HasSubstr("tonghop.v1.CreateAgencyRequest"));
  grpc::Status submit = CallRaw("/tonghop.v1.Submissions/Submit", "\xff\xff");
  EXPECT_EQ(submit.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(submit.error_message(), HasSubstr("tonghop.v1.SubmitRequest"));
  grpc::Status rollup = CallRaw("/tonghop.v1.Aggregation/Rollup", "\xff\xff");
  EXPECT_EQ(rollup.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // A server-streaming method.
  grpc::Status watch = StreamRaw("/tonghop.v1.Submissions/WatchChanges", "\xff\xff");
  EXPECT_EQ(watch.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(watch.error_message(), HasSubstr("tonghop.v1.WatchChangesRequest"));
  // A method that does not exist stays UNIMPLEMENTED.
  EXPECT_EQ(CallRaw("/tonghop.v1.Registry/NoSuchMethod", "").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  // Well-formed bytes still work.
  v1::GetAgencyRequest get;
  get.set_name("agencies/dong-nai");
  EXPECT_TRUE(CallRaw("/tonghop.v1.Registry/GetAgency", get.SerializeAsString()).ok());
}

// The request log and the metrics record the code the client got: the
// guard's INVALID_ARGUMENT, not the UNIMPLEMENTED gRPC finishes an
// unparsable request with before the guard rewrites it.
TEST_F(BadInputTest, TheRequestLogRecordsTheCodeTheClientGotForBytesThatDoNotParse) {
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(CallRaw("/tonghop.v1.Registry/GetAgency", std::string("\x0a\x03\xff\xfe\xfd", 5))
                  .error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  std::string metrics;
  for (absl::string_view line :
       absl::StrSplit(server_->host().monitor().metrics().TextExposition(), '\n')) {
    if (absl::StartsWith(line, "tonghop_requests_total{")) absl::StrAppend(&metrics, line, "\n");
  }
  EXPECT_THAT(metrics, HasSubstr("tonghop_requests_total{transport=\"grpc\",method=\"/"
                                 "tonghop.v1.Registry/GetAgency\",code=\"INVALID_ARGUMENT\"} 2\n"));
  EXPECT_THAT(metrics, ::testing::Not(HasSubstr("method=\"/tonghop.v1.Registry/GetAgency\","
                                                "code=\"UNIMPLEMENTED\"")));
}

// gRPC 1.51 inflates a compressed message whole before it checks the
// receive limit. The server accepts no compressed request: the call is
// refused from its metadata, and its message is never inflated.
TEST_F(BadInputTest, CompressedRequestsAreRefusedNotInflated) {
  auto registry = v1::Registry::NewStub(channel_);
  v1::GetAgencyRequest small;
  small.set_name("agencies/dong-nai");
  for (grpc_compression_algorithm algorithm : {GRPC_COMPRESS_GZIP, GRPC_COMPRESS_DEFLATE}) {
    auto context = As("bo-tu-phap");
    context->set_compression_algorithm(algorithm);
    v1::Agency agency;
    grpc::Status status = registry->GetAgency(context.get(), small, &agency);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED)
        << algorithm << ": " << status.error_message();
  }
  // 80 MB that compress to about 80 KB, over the 64 MB receive limit:
  // inflated, it would be RESOURCE_EXHAUSTED after the server held it all.
  v1::GetAgencyRequest bomb;
  bomb.set_name(std::string(size_t{80} << 20, 'a'));
  auto context = As("bo-tu-phap");
  context->set_compression_algorithm(GRPC_COMPRESS_GZIP);
  v1::Agency agency;
  grpc::Status refused = registry->GetAgency(context.get(), bomb, &agency);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNIMPLEMENTED) << refused.error_message();
  // Uncompressed, the same server answers.
  grpc::Status plain = registry->GetAgency(As("bo-tu-phap").get(), small, &agency);
  EXPECT_TRUE(plain.ok()) << plain.error_message();
}

TEST_F(BadInputTest, UnknownEnumNumbersAreRefusedAndChangeNothing) {
  auto registry = v1::Registry::NewStub(channel_);
  v1::CreateAgencyRequest create;
  create.set_agency_id("dong-nai-xa-c");
  create.mutable_agency()->set_display_name("Xã C");
  create.mutable_agency()->set_kind(static_cast<v1::AgencyKind>(99));
  create.mutable_agency()->set_parent("agencies/dong-nai");
  v1::Agency created;
  grpc::Status status = registry->CreateAgency(As("bo-tu-phap").get(), create, &created);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(FromGrpcStatus(status)), std::vector<std::string>{"agency.kind"});
  EXPECT_EQ(GetErrorInfo(FromGrpcStatus(status)).reason(), "UNKNOWN_ENUM_VALUE");
  v1::GetAgencyRequest get;
  get.set_name("agencies/dong-nai-xa-c");
  v1::Agency read;
  EXPECT_EQ(registry->GetAgency(As("bo-tu-phap").get(), get, &read).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Queries used to fall back silently to a default grouping or format.
  auto aggregation = v1::Aggregation::NewStub(channel_);
  v1::RollupRequest rollup;
  rollup.set_plan("plans/dn-2026");
  rollup.set_period("2026");
  rollup.set_agency("agencies/dong-nai");
  rollup.set_group_by(static_cast<v1::RollupGrouping>(7));
  v1::RollupResponse rolled;
  status = aggregation->Rollup(As("bo-tu-phap").get(), rollup, &rolled);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(FromGrpcStatus(status)), std::vector<std::string>{"group_by"});
  v1::CompileReportRequest compile;
  compile.set_plan("plans/dn-2026");
  compile.set_period("2026");
  compile.set_agency("agencies/dong-nai");
  compile.set_format(static_cast<v1::ReportFormat>(42));
  v1::CompileReportResponse compiled;
  status = aggregation->CompileReport(As("bo-tu-phap").get(), compile, &compiled);
  EXPECT_EQ(Fields(FromGrpcStatus(status)), std::vector<std::string>{"format"});

  auto submissions = v1::Submissions::NewStub(channel_);
  v1::SubmitRequest submit = SubmitSoYTe(client::NewRequestId());
  submit.mutable_report()->mutable_progress(0)->set_status(static_cast<v1::ProgressStatus>(-3));
  v1::Report report;
  status = submissions->Submit(As("dong-nai-so-y-te").get(), submit, &report);
  EXPECT_EQ(Fields(FromGrpcStatus(status)),
            std::vector<std::string>{"report.progress[0].status"});
  v1::ReviewRequest review;
  review.set_name(kSoYTeReport);
  review.set_decision(static_cast<v1::ReviewDecision>(5));
  status = submissions->Review(As("dong-nai-so-tu-phap").get(), review, &report);
  EXPECT_EQ(Fields(FromGrpcStatus(status)), std::vector<std::string>{"decision"});
}

TEST_F(BadInputTest, UnknownAgenciesInRequestsGetSuggestions) {
  auto registry = v1::Registry::NewStub(channel_);
  v1::GetAgencyRequest get;
  get.set_name("agencies/dong-nai-so-yte");
  v1::Agency agency;
  grpc::Status status = registry->GetAgency(As("dong-nai-so-y-te").get(), get, &agency);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(),
            "agencies/dong-nai-so-yte does not exist; did you mean dong-nai-so-y-te (Sở Y tế "
            "tỉnh Đồng Nai)?");

  // A Vietnamese name where an id belongs.
  v1::ListAgenciesRequest list;
  list.set_parent("Sở Y tế tỉnh Đồng Nai");
  v1::ListAgenciesResponse listed;
  status = registry->ListAgencies(As("dong-nai-so-y-te").get(), list, &listed);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  absl::Status error = FromGrpcStatus(status);
  EXPECT_EQ(Fields(error), std::vector<std::string>{"parent"});
  EXPECT_THAT(GetBadRequest(error).field_violations(0).description(),
              HasSubstr("did you mean dong-nai-so-y-te (Sở Y tế tỉnh Đồng Nai)"));

  // A reference in a resource.
  v1::CreateAgencyRequest create;
  create.set_agency_id("dong-nai-xa-c");
  create.mutable_agency()->set_display_name("Xã C");
  create.mutable_agency()->set_kind(v1::AGENCY_KIND_COMMUNE);
  create.mutable_agency()->set_parent("agencies/DONG-NAI");
  v1::Agency created;
  status = registry->CreateAgency(As("bo-tu-phap").get(), create, &created);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  error = FromGrpcStatus(status);
  EXPECT_EQ(Fields(error), std::vector<std::string>{"agency.parent"});
  EXPECT_THAT(GetBadRequest(error).field_violations(0).description(),
              HasSubstr("did you mean dong-nai (Tỉnh Đồng Nai)"));

  // A subtree the ministry asks about.
  auto aggregation = v1::Aggregation::NewStub(channel_);
  v1::CompletenessRequest completeness;
  completeness.set_plan("plans/dn-2026");
  completeness.set_period("2026");
  completeness.set_agency("agencies/dong-naii");
  v1::CompletenessResponse answer;
  status = aggregation->Completeness(As("bo-tu-phap").get(), completeness, &answer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("did you mean dong-nai (Tỉnh Đồng Nai)"));
}

// The CLI used to abort (exit 134, a gRPC assertion) on --agency="Sở Y tế":
// the value went into a header, where it is not a legal value.
TEST_F(BadInputTest, CliRefusesAgenciesThatAreNotIdsWithASuggestion) {
  if (!std::filesystem::exists(BuiltBinary("clients/cli/tonghop"))) {
    GTEST_SKIP() << "the tonghop CLI is not built";
  }
  TempDir state;
  std::string output;
  // Runs `tonghop --agency=AGENCY report template` and more `args`.
  auto template_as = [&](const std::string& agency, const std::string& args = "") {
    return RunCli(absl::StrCat("--server=", server_->address(), " --state-dir=", state.path(),
                               " '--agency=", agency, "' report template --plan=dn-2026 ",
                               "--period=2026 --out=", state.path(), "/bc.json ", args),
                  &output);
  };
  // A name is not an id. Registry reads need an identity, and in this
  // development setup the caller's only one is the --agency refused here,
  // so the CLI cannot read the registry to suggest one: it says so, and
  // gives the form an id of those words takes.
  EXPECT_EQ(template_as("Sở Y tế"), 2) << output;
  EXPECT_THAT(output, HasSubstr("unknown agency \"Sở Y tế\": not an agency id"));
  EXPECT_THAT(output, HasSubstr("written as an id it would be so-y-te"));
  EXPECT_THAT(output, HasSubstr("the registry could not be read for suggestions"));

  EXPECT_EQ(template_as("DONG-NAI-SO-Y-TE"), 2) << output;
  EXPECT_THAT(output, HasSubstr("written as an id it would be dong-nai-so-y-te"));

  // A well-formed id that does not exist: the registry suggests.
  EXPECT_EQ(template_as("dong-nai-so-yte"), 2) << output;
  EXPECT_THAT(output, HasSubstr("agencies/dong-nai-so-yte does not exist; did you mean "
                                "dong-nai-so-y-te (Sở Y tế tỉnh Đồng Nai)?"));

  // Flags naming agencies are checked the same way; with a valid caller the
  // registry is read for suggestions.
  EXPECT_EQ(RunCli(absl::StrCat("--server=", server_->address(), " --state-dir=", state.path(),
                                " --agency=dong-nai-so-tu-phap completeness --plan=dn-2026 "
                                "--period=2026 '--subtree=Đồng Nai'"),
                   &output),
            2)
      << output;
  EXPECT_THAT(output, HasSubstr("--subtree"));
  EXPECT_THAT(output, HasSubstr("did you mean dong-nai (Tỉnh Đồng Nai)"));

  // With the server down there is nothing to suggest from, but still no
  // abort.
  server_->Stop();
  EXPECT_EQ(template_as("Sở Y tế"), 2) << output;
  EXPECT_THAT(output, HasSubstr("not an agency id"));

  // And the right id works.
  ASSERT_TRUE(server_->Restart().ok());
  EXPECT_EQ(template_as("dong-nai-so-y-te"), 0) << output;
}

}  // namespace
}  // namespace tonghop::testing
