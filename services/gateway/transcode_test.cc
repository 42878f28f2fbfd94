#include "services/gateway/transcode.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "tonghop/v1/registry_service.pb.h"
#include "tonghop/v1/report.pb.h"

namespace tonghop::gateway {
namespace {

using ::testing::HasSubstr;
using Params = std::vector<std::pair<std::string, std::string>>;

std::string OnlyViolationField(const absl::Status& status) {
  google::rpc::BadRequest bad_request = GetBadRequest(status);
  return bad_request.field_violations_size() == 1 ? bad_request.field_violations(0).field()
                                                  : "";
}

TEST(ParseQueryTest, FillsScalarsEnumsAndNumbersByJsonOrProtoName) {
  v1::ListAgenciesRequest request;
  ASSERT_TRUE(ParseQuery({{"parent", "agencies/dong-nai"},
                          {"pageSize", "50"},
                          {"kind", "AGENCY_KIND_COMMUNE"},
                          {"id_prefix", "dong-nai-xa"}},
                         &request)
                  .ok());
  EXPECT_EQ(request.parent(), "agencies/dong-nai");
  EXPECT_EQ(request.page_size(), 50);
  EXPECT_EQ(request.kind(), v1::AGENCY_KIND_COMMUNE);
  EXPECT_EQ(request.id_prefix(), "dong-nai-xa");
}

TEST(ParseQueryTest, FillsNestedMessagesRepeatedFieldsMapsBoolsAndTimestamps) {
  v1::Agency agency;
  ASSERT_TRUE(ParseQuery({{"validFrom.year", "2025"},
                          {"valid_from.month", "7"},
                          {"validFrom.day", "1"},
                          {"aliases", "Sở Tư pháp"},
                          {"aliases", "STP"},
                          {"generated", "true"}},
                         &agency)
                  .ok());
  EXPECT_EQ(agency.valid_from().year(), 2025);
  EXPECT_EQ(agency.valid_from().month(), 7);
  EXPECT_THAT(agency.aliases(), ::testing::ElementsAre("Sở Tư pháp", "STP"));
  EXPECT_TRUE(agency.generated());

  v1::Value value;
  ASSERT_TRUE(ParseQuery({{"indicator", "indicators/legal-aid-cases"},
                          {"cells.sex", "female"},
                          {"cells.age-group", "18-30"},
                          {"intValue", "12"}},
                         &value)
                  .ok());
  EXPECT_EQ(value.cells().at("sex"), "female");
  EXPECT_EQ(value.cells().at("age-group"), "18-30");
  EXPECT_EQ(value.int_value(), 12);

  v1::Report report;
  ASSERT_TRUE(ParseQuery({{"submitTime", "2026-11-04T08:30:00Z"}, {"onTime", "false"}},
                         &report)
                  .ok());
  EXPECT_EQ(report.submit_time().seconds(), 1793781000);
  EXPECT_FALSE(report.on_time());
}

TEST(ParseQueryTest, NamesTheParameterThatIsWrong) {
  v1::ListAgenciesRequest request;
  absl::Status unknown = ParseQuery({{"parnet", "agencies/x"}}, &request);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OnlyViolationField(unknown), "parnet");
  EXPECT_THAT(std::string(unknown.message()),
              HasSubstr("tonghop.v1.ListAgenciesRequest has no field \"parnet\""));

  absl::Status twice = ParseQuery({{"parent", "a"}, {"parent", "b"}}, &request);
  EXPECT_EQ(OnlyViolationField(twice), "parent");
  EXPECT_THAT(std::string(twice.message()), HasSubstr("more than once"));

  absl::Status not_a_number =
      ParseQuery({{"parent", "agencies/x"}, {"pageSize", "fifty"}}, &request);
  EXPECT_EQ(not_a_number.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OnlyViolationField(not_a_number), "pageSize");
  EXPECT_THAT(std::string(not_a_number.message()),
              HasSubstr("pageSize: \"fifty\" is not a valid value"));

  absl::Status bad_enum = ParseQuery({{"kind", "AGENCY_KIND_PLANET"}}, &request);
  EXPECT_EQ(OnlyViolationField(bad_enum), "kind");
  EXPECT_THAT(std::string(bad_enum.message()), HasSubstr("AGENCY_KIND_PLANET"));

  v1::Agency agency;
  absl::Status bad_bool = ParseQuery({{"generated", "maybe"}}, &agency);
  EXPECT_EQ(OnlyViolationField(bad_bool), "generated");

  absl::Status whole_message = ParseQuery({{"validFrom", "2025-07-01"}}, &agency);
  EXPECT_EQ(OnlyViolationField(whole_message), "validFrom");
  EXPECT_THAT(std::string(whole_message.message()), HasSubstr("validFrom.{field}"));

  v1::Indicator indicator;
  absl::Status list_of_messages = ParseQuery({{"rules.kind", "KIND_AT_MOST"}}, &indicator);
  EXPECT_EQ(OnlyViolationField(list_of_messages), "rules.kind");
  EXPECT_THAT(std::string(list_of_messages.message()), HasSubstr("POST a JSON body"));

  v1::Value value;
  absl::Status map_without_key = ParseQuery({{"cells", "female"}}, &value);
  EXPECT_EQ(OnlyViolationField(map_without_key), "cells");
}

TEST(ParseJsonBodyTest, AcceptsTheJsonMappingAndAnEmptyBody) {
  v1::ListTasksRequest request;
  ASSERT_TRUE(ParseJsonBody(R"({"parent": "plans/dong-nai-74-2026", "page_size": 20})",
                            &request)
                  .ok());
  EXPECT_EQ(request.parent(), "plans/dong-nai-74-2026");
  EXPECT_EQ(request.page_size(), 20);
  ASSERT_TRUE(ParseJsonBody("  \n", &request).ok());
  EXPECT_EQ(request.parent(), "");
}

TEST(ParseJsonBodyTest, MalformedJsonSaysWhatIsWrongOnFieldBody) {
  v1::GetAgencyRequest request;
  absl::Status broken = ParseJsonBody(R"({"name": )", &request);
  EXPECT_EQ(broken.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OnlyViolationField(broken), "body");
  EXPECT_EQ(GetErrorInfo(broken).reason(), "INVALID_JSON");
  EXPECT_THAT(std::string(broken.message()),
              HasSubstr("not a valid tonghop.v1.GetAgencyRequest in JSON"));

  absl::Status unknown = ParseJsonBody(R"({"nmae": "agencies/x"})", &request);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("nmae"));

  absl::Status wrong_type = ParseJsonBody(R"({"name": {"a": 1}})", &request);
  EXPECT_EQ(wrong_type.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(request.name(), "");

  absl::Status not_an_object = ParseJsonBody(R"(["agencies/x"])", &request);
  EXPECT_EQ(not_an_object.code(), absl::StatusCode::kInvalidArgument);
}

TEST(PrintJsonTest, RoundTripsThroughTheParser) {
  v1::Agency agency;
  agency.set_name("agencies/dong-nai-so-tu-phap");
  agency.set_display_name("Sở Tư pháp tỉnh Đồng Nai");
  agency.set_kind(v1::AGENCY_KIND_DEPARTMENT);
  agency.add_aliases("Sở Tư pháp");
  agency.mutable_valid_from()->set_year(2025);
  auto json = PrintJson(agency);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr("\"displayName\":\"Sở Tư pháp tỉnh Đồng Nai\""));
  EXPECT_THAT(*json, HasSubstr("\"kind\":\"AGENCY_KIND_DEPARTMENT\""));
  v1::Agency back;
  ASSERT_TRUE(ParseJsonBody(*json, &back).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(agency, back));
}

TEST(StatusToJsonTest, PrintsCodeMessageAndTypedDetails) {
  grpc::Status status = ToGrpcStatus(InvalidField("agency.parent", "agencies/x does not exist"));
  std::string json = StatusToJson(status);
  EXPECT_THAT(json, HasSubstr("\"code\":3"));
  EXPECT_THAT(json, HasSubstr("\"message\":\"agency.parent: agencies/x does not exist\""));
  EXPECT_THAT(json, HasSubstr("\"@type\":\"type.googleapis.com/google.rpc.BadRequest\""));
  EXPECT_THAT(json, HasSubstr("\"fieldViolations\":[{\"field\":\"agency.parent\""));
  EXPECT_THAT(json, HasSubstr("\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\""));
  EXPECT_THAT(json, HasSubstr("\"reason\":\"INVALID_FIELDS\""));
}

TEST(StatusToJsonTest, StatusWithoutDetailsAndUnknownDetailTypesStillPrint) {
  EXPECT_EQ(StatusToJson(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")),
            R"({"code":14,"message":"down"})");
  google::rpc::Status rpc;
  rpc.set_code(5);
  rpc.set_message("gone");
  auto* any = rpc.add_details();
  any->set_type_url("type.googleapis.com/unknown.Type");
  any->set_value("xyz");
  grpc::Status status(grpc::StatusCode::NOT_FOUND, "gone", rpc.SerializeAsString());
  EXPECT_EQ(StatusToJson(status), R"({"code":5,"message":"gone"})");
}

TEST(HttpStatusForCodeTest, FollowsGoogleRpcCode) {
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::OK), 200);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::FAILED_PRECONDITION), 400);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::OUT_OF_RANGE), 400);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::ALREADY_EXISTS), 409);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::ABORTED), 409);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::RESOURCE_EXHAUSTED), 429);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::CANCELLED), 499);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::UNIMPLEMENTED), 501);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::UNAVAILABLE), 503);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::DEADLINE_EXCEEDED), 504);
  EXPECT_EQ(HttpStatusForCode(grpc::StatusCode::INTERNAL), 500);
}

}  // namespace
}  // namespace tonghop::gateway
