#include "services/common/errors.h"

#include "gtest/gtest.h"
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
  EXPECT_EQ(GetVietnameseMessage(InvalidField("plan.symbol", "required")),
            "Dữ liệu không hợp lệ ở trường plan.symbol.");
  // The Vietnamese message travels over gRPC with the other details.
  absl::Status back = FromGrpcStatus(ToGrpcStatus(EtagMismatch("plans/p")));
  EXPECT_EQ(GetVietnameseMessage(back),
            "plans/p vừa được người khác sửa; hãy tải lại rồi thử lại.");
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
