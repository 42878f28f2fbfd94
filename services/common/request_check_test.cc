#include "services/common/request_check.h"

#include <memory>

#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tonghop/v1/aggregation_service.pb.h"
#include "tonghop/v1/registry_service.pb.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop {
namespace {

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> fields;
  google::rpc::BadRequest bad_request = GetBadRequest(status);
  for (const auto& v : bad_request.field_violations()) fields.push_back(v.field());
  return fields;
}

TEST(RequestCheckTest, AcceptsDefinedValuesAndUnspecified) {
  v1::CreateAgencyRequest request;
  request.mutable_agency()->set_kind(v1::AGENCY_KIND_COMMUNE);
  EXPECT_TRUE(CheckRequest(request).ok());
  request.mutable_agency()->set_kind(v1::AGENCY_KIND_UNSPECIFIED);
  EXPECT_TRUE(CheckRequest(request).ok());
  EXPECT_TRUE(CheckRequest(v1::RollupRequest()).ok());
}

TEST(RequestCheckTest, RefusesAnUnknownNumberNamingTheField) {
  v1::CreateAgencyRequest request;
  request.set_agency_id("x");
  request.mutable_agency()->set_kind(static_cast<v1::AgencyKind>(99));
  absl::Status status = CheckRequest(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetErrorInfo(status).reason(), "UNKNOWN_ENUM_VALUE");
  ASSERT_EQ(Fields(status), std::vector<std::string>{"agency.kind"});
  EXPECT_EQ(GetBadRequest(status).field_violations(0).description().substr(0, 43),
            "99 is not a value of tonghop.v1.AgencyKind ");
}

TEST(RequestCheckTest, FindsEveryUnknownNumberAtAnyDepth) {
  v1::UpdateDraftRequest request;
  request.mutable_report()->set_state(static_cast<v1::ReportState>(-1));
  request.mutable_report()->add_progress();
  request.mutable_report()->add_progress()->set_status(static_cast<v1::ProgressStatus>(42));
  EXPECT_EQ(Fields(CheckRequest(request)),
            (std::vector<std::string>{"report.state", "report.progress[1].status"}));

  v1::RollupRequest rollup;
  rollup.set_group_by(static_cast<v1::RollupGrouping>(7));
  EXPECT_EQ(Fields(CheckRequest(rollup)), std::vector<std::string>{"group_by"});

  v1::CompileReportRequest compile;
  compile.set_format(static_cast<v1::ReportFormat>(1000));
  EXPECT_EQ(Fields(CheckRequest(compile)), std::vector<std::string>{"format"});
}

TEST(RequestCheckTest, LooksIntoMapValues) {
  google::protobuf::Struct request;
  (*request.mutable_fields())["sex"].set_null_value(
      static_cast<google::protobuf::NullValue>(3));
  EXPECT_EQ(Fields(CheckRequest(request)), std::vector<std::string>{"fields[sex].null_value"});
}

TEST(RequestCheckTest, LooksIntoRepeatedEnums) {
  // No tonghop request has a repeated enum yet; the check must still cover
  // one when it comes.
  google::protobuf::FileDescriptorProto file;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(name: "check_test.proto"
           package: "check.test"
           syntax: "proto3"
           enum_type {
             name: "Colour"
             value { name: "COLOUR_UNSPECIFIED" number: 0 }
             value { name: "COLOUR_RED" number: 1 }
           }
           message_type {
             name: "Request"
             field { name: "colours" number: 1 label: LABEL_REPEATED type: TYPE_ENUM
                     type_name: ".check.test.Colour" }
           })pb",
      &file));
  google::protobuf::DescriptorPool pool;
  const google::protobuf::FileDescriptor* built = pool.BuildFile(file);
  ASSERT_NE(built, nullptr);
  google::protobuf::DynamicMessageFactory factory(&pool);
  std::unique_ptr<google::protobuf::Message> request(
      factory.GetPrototype(built->FindMessageTypeByName("Request"))->New());
  const google::protobuf::FieldDescriptor* colours =
      request->GetDescriptor()->FindFieldByName("colours");
  request->GetReflection()->AddEnumValue(request.get(), colours, 1);
  request->GetReflection()->AddEnumValue(request.get(), colours, 5);
  EXPECT_EQ(Fields(CheckRequest(*request)), std::vector<std::string>{"colours[1]"});
}

}  // namespace
}  // namespace tonghop
