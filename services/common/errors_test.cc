#include "services/common/errors.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/text.h"
#include "storage/kv_store.h"

namespace tonghop {
namespace {

TEST(ErrorsTest, ViolationListReportsEveryViolation) {
  ViolationList violations;
  EXPECT_TRUE(violations.ToStatus().ok());
  violations.Add("agency.parent", "agencies/x does not exist");
  violations.Add("agency.kind", "required");
  absl::Status status = violations.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad = GetBadRequest(status);
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(0).field(), "agency.parent");
  EXPECT_EQ(bad.field_violations(1).description(), "required");
  EXPECT_EQ(GetErrorInfo(status).reason(), "INVALID_FIELDS");
  EXPECT_EQ(GetErrorInfo(status).domain(), "tonghop.v1");
}

TEST(ErrorsTest, GrpcMappingCarriesRichDetails) {
  absl::Status status = InvalidField("plan.symbol", "required");
  grpc::Status grpc_status = ToGrpcStatus(status);
  EXPECT_EQ(grpc_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status rpc = ToRpcStatus(grpc_status);
  EXPECT_EQ(rpc.code(), 3);
  bool saw_bad_request = false, saw_error_info = false;
  for (const auto& any : rpc.details()) {
    if (any.type_url() == "type.googleapis.com/google.rpc.BadRequest") {
      google::rpc::BadRequest bad;
      ASSERT_TRUE(bad.ParseFromString(any.value()));
      EXPECT_EQ(bad.field_violations(0).field(), "plan.symbol");
      saw_bad_request = true;
    }
    if (any.type_url() == "type.googleapis.com/google.rpc.ErrorInfo") {
      saw_error_info = true;
    }
  }
  EXPECT_TRUE(saw_bad_request);
  EXPECT_TRUE(saw_error_info);
  absl::Status back = FromGrpcStatus(grpc_status);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetBadRequest(back).field_violations(0).field(), "plan.symbol");
}

TEST(ErrorsTest, OfficialsGetVietnameseMessages) {
  EXPECT_EQ(GetVietnameseMessage(NotFound("agencies/x")), "Không tìm thấy agencies/x.");
  EXPECT_EQ(GetVietnameseMessage(PermissionDenied("agencies/a", "review", "reports/b/p/2026")),
            "Cơ quan agencies/a không có quyền duyệt reports/b/p/2026.");
  // Every action the access policy names reads in Vietnamese, and so do the
  // things only an instance's administrators manage.
  EXPECT_EQ(GetVietnameseMessage(PermissionDenied("agencies/a", "administer", "the notices")),
            "Cơ quan agencies/a không có quyền quản trị các thông báo.");
  EXPECT_EQ(GetVietnameseMessage(
                PermissionDenied("agencies/a", "push the figures of", "agencies/dong-nai")),
            "Cơ quan agencies/a không có quyền gửi số liệu của agencies/dong-nai.");
  EXPECT_EQ(GetVietnameseMessage(InvalidField("plan.symbol", "required")),
            "Dữ liệu không hợp lệ ở trường plan.symbol.");
  // The Vietnamese message travels over gRPC with the other details.
  absl::Status back = FromGrpcStatus(ToGrpcStatus(EtagMismatch("plans/p")));
  EXPECT_EQ(GetVietnameseMessage(back),
            "plans/p vừa được người khác sửa; hãy tải lại rồi thử lại.");
  // A caller without identity is told how people and agencies prove who they
  // are today: signing in or a certificate, not the development header.
  std::string no_identity = GetVietnameseMessage(Unauthenticated("no caller identity"));
  EXPECT_THAT(no_identity, testing::HasSubstr("tonghop login"));
  EXPECT_THAT(no_identity, testing::Not(testing::HasSubstr("--agency")));
}

TEST(ErrorsTest, CodesOfTheStandardErrors) {
  EXPECT_EQ(NotFound("agencies/x").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(AlreadyExists("agencies/x").code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(EtagMismatch("agencies/x").code(), absl::StatusCode::kAborted);
  EXPECT_EQ(GetErrorInfo(EtagMismatch("agencies/x")).metadata().at("resource"),
            "agencies/x");
  EXPECT_EQ(PermissionDenied("agencies/a", "read", "reports/b/p/2026").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}


// The trailer bytes gRPC sends for a status.
size_t TrailerBytes(const grpc::Status& status) {
  return ErrorTrailerBytes(ToRpcStatus(status));
}

TEST(ErrorsTest, TenThousandViolationsListTheFirstHundredAndCountTheRest) {
  ViolationList violations;
  std::string huge(300 * 1024, 'x');
  for (int i = 0; i < 10000; ++i) {
    violations.Add(absl::StrCat("report.values[", i, "].value"),
                   absl::StrCat(QuoteInput(huge), " is not a decimal number with at most 6 "
                                                  "digits after the point (e.g. \"1250.5\")"));
  }
  EXPECT_EQ(violations.total(), 10000u);
  EXPECT_EQ(violations.violations().size(), kMaxListedViolations);
  absl::Status status = violations.ToStatus();
  EXPECT_EQ(GetOmittedViolations(status), 9900u);
  EXPECT_TRUE(absl::StartsWith(status.message(), "10000 invalid fields: report.values[0].value"));
  EXPECT_LE(status.message().size(), kMaxErrorMessageBytes + 3);
  EXPECT_EQ(GetVietnameseMessage(status),
            "Dữ liệu không hợp lệ: 10.000 lỗi; liệt kê 100 lỗi đầu tiên, hãy sửa rồi gửi lại "
            "để xem các lỗi còn lại.");

  grpc::Status grpc_status = ToGrpcStatus(status);
  EXPECT_EQ(grpc_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LE(TrailerBytes(grpc_status), kMaxErrorTrailerBytes);
  absl::Status back = FromGrpcStatus(grpc_status);
  google::rpc::BadRequest bad = GetBadRequest(back);
  ASSERT_EQ(bad.field_violations_size(), 100);
  EXPECT_EQ(bad.field_violations(99).field(), "report.values[99].value");
  // Every description still says what is wrong, shortened to fit.
  EXPECT_TRUE(absl::StartsWith(bad.field_violations(0).description(), "\"xxxx"));
  EXPECT_EQ(GetOmittedViolations(back), 9900u);
}

TEST(ErrorsTest, ViolationsCarryVietnameseWhileTheyFit) {
  ViolationList few;
  few.Add("report.values[1].value", "negative (-5): counts things and cannot be below 0",
          "Số âm (-5): là số đếm, không được nhỏ hơn 0.");
  few.Add("report.progress[0].status", "required to submit");
  google::rpc::BadRequest bad = GetBadRequest(FromGrpcStatus(ToGrpcStatus(few.ToStatus())));
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(0).localized_message().locale(), "vi-VN");
  EXPECT_EQ(bad.field_violations(0).localized_message().message(),
            "Số âm (-5): là số đếm, không được nhỏ hơn 0.");
  EXPECT_FALSE(bad.field_violations(1).has_localized_message());

  // A hundred long ones do not fit the trailers with their Vietnamese: it
  // is left out, and every violation is still listed.
  ViolationList many;
  for (int i = 0; i < 100; ++i) {
    many.Add(absl::StrCat("report.values[", i, "].value"), std::string(200, 'e'),
             absl::StrCat("Các ô phân tổ theo Giới tính cộng lại được ", i, std::string(150, '.')));
  }
  grpc::Status bounded = ToGrpcStatus(many.ToStatus());
  EXPECT_LE(TrailerBytes(bounded), kMaxErrorTrailerBytes);
  bad = GetBadRequest(FromGrpcStatus(bounded));
  ASSERT_EQ(bad.field_violations_size(), 100);
  EXPECT_FALSE(bad.field_violations(0).has_localized_message());
}

TEST(ErrorsTest, BoundingKeepsTextValidUtf8) {
  // A message of 2-byte and 3-byte characters and bytes that are not UTF-8;
  // no cut may leave half a character.
  std::string message;
  for (int i = 0; i < 500; ++i) message += i % 3 == 0 ? "Đ" : i % 3 == 1 ? "ế" : "\xff";
  grpc::Status grpc_status = ToGrpcStatus(
      InvalidField(message, absl::StrCat("value ", message, "\n\x01")));
  EXPECT_TRUE(IsValidUtf8(grpc_status.error_message()));
  EXPECT_LE(grpc_status.error_message().size(), kMaxErrorMessageBytes + 3);
  google::rpc::Status rpc = ToRpcStatus(grpc_status);
  EXPECT_TRUE(IsValidUtf8(rpc.message()));
  google::rpc::BadRequest bad = GetBadRequest(FromGrpcStatus(grpc_status));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_TRUE(IsValidUtf8(bad.field_violations(0).field()));
  EXPECT_TRUE(IsValidUtf8(bad.field_violations(0).description()));
  EXPECT_EQ(bad.field_violations(0).description().find('\n'), std::string::npos);
}

TEST(ErrorsTest, BoundingTrimsStatusesBuiltElsewhere) {
  // A status that did not come through ViolationList: 5,000 long violations
  // and a megabyte of metadata.
  google::rpc::BadRequest bad;
  for (int i = 0; i < 5000; ++i) {
    auto* v = bad.add_field_violations();
    v->set_field(absl::StrCat("values[", i, "]"));
    v->set_description(std::string(1000, 'd'));
  }
  absl::Status status(absl::StatusCode::kInvalidArgument, std::string(1 << 20, 'm'));
  status.SetPayload("type.googleapis.com/google.rpc.BadRequest",
                    absl::Cord(bad.SerializeAsString()));
  status = WithErrorInfo(std::move(status), "R", {{"resource", std::string(1 << 20, 'r')}});
  status.SetPayload("type.googleapis.com/other.Thing", absl::Cord(std::string(1 << 20, 'o')));
  grpc::Status grpc_status = ToGrpcStatus(status);
  EXPECT_LE(TrailerBytes(grpc_status), kMaxErrorTrailerBytes);
  absl::Status back = FromGrpcStatus(grpc_status);
  EXPECT_EQ(GetBadRequest(back).field_violations_size(), 100);
  EXPECT_EQ(GetOmittedViolations(back), 4900u);
  EXPECT_EQ(GetErrorInfo(back).reason(), "R");
  EXPECT_FALSE(back.GetPayload("type.googleapis.com/other.Thing").has_value());
}

TEST(ErrorsTest, SmallErrorsAreUnchanged) {
  absl::Status status = InvalidField("agency.kind", "99 is not an AgencyKind");
  grpc::Status grpc_status = ToGrpcStatus(status);
  EXPECT_EQ(grpc_status.error_message(), "agency.kind: 99 is not an AgencyKind");
  absl::Status back = FromGrpcStatus(grpc_status);
  EXPECT_EQ(GetBadRequest(back).field_violations(0).description(), "99 is not an AgencyKind");
  EXPECT_EQ(GetOmittedViolations(back), 0u);
  EXPECT_EQ(GetErrorInfo(back).metadata().count(std::string(kOmittedViolationsKey)), 0u);
}

TEST(ErrorsTest, AFullDiskIsSaidAsSuchToCallers) {
  absl::Status full = absl::ResourceExhaustedError("storage submissions: the disk is full");
  full.SetPayload(storage::kStorageConditionPayload, absl::Cord(storage::kDiskFull));
  absl::Status back = FromGrpcStatus(ToGrpcStatus(full));
  EXPECT_EQ(back.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetErrorInfo(back).reason(), "STORAGE_FULL");
  EXPECT_NE(GetVietnameseMessage(back).find("hết dung lượng"), std::string::npos);
  EXPECT_FALSE(back.GetPayload(storage::kStorageConditionPayload).has_value());

  absl::Status failed = absl::UnavailableError("storage registry: I/O error");
  failed.SetPayload(storage::kStorageConditionPayload, absl::Cord(storage::kDiskFailed));
  EXPECT_EQ(GetErrorInfo(FromGrpcStatus(ToGrpcStatus(failed))).reason(), "STORAGE_FAILED");
}

}  // namespace
}  // namespace tonghop
