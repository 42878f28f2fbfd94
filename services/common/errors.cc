#include "services/common/errors.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace tonghop {
namespace {

constexpr absl::string_view kErrorInfoUrl =
    "type.googleapis.com/google.rpc.ErrorInfo";
constexpr absl::string_view kBadRequestUrl =
    "type.googleapis.com/google.rpc.BadRequest";
constexpr absl::string_view kRetryInfoUrl =
    "type.googleapis.com/google.rpc.RetryInfo";
constexpr absl::string_view kLocalizedMessageUrl =
    "type.googleapis.com/google.rpc.LocalizedMessage";

// Messages for officials, in Vietnamese: the one place they are kept for the
// errors built here. {r} is the resource, {c} the caller, {a} the action.
struct VietnameseText {
  absl::string_view reason;
  absl::string_view text;
};
constexpr VietnameseText kVietnamese[] = {
    {"RESOURCE_NOT_FOUND", "Không tìm thấy {r}."},
    {"RESOURCE_ALREADY_EXISTS", "{r} đã tồn tại."},
    {"ETAG_MISMATCH", "{r} vừa được người khác sửa; hãy tải lại rồi thử lại."},
    {"PERMISSION_DENIED", "Cơ quan {c} không có quyền {a} {r}."},
    {"NO_IDENTITY", "Chưa xác định cơ quan gọi: hãy khai báo cơ quan (--agency)."},
    {"RESOURCE_IN_USE", "{r} vẫn đang được sử dụng ở nơi khác; hãy gỡ các tham chiếu trước."},
    {"AGENCY_HAS_CHILDREN", "{r} vẫn còn cơ quan trực thuộc; hãy xóa hoặc chuyển chúng trước."},
    {"TASK_HAS_CHILDREN", "{r} vẫn còn nhiệm vụ con; hãy xóa chúng trước."},
    {"PLAN_HAS_TASKS", "{r} vẫn còn nhiệm vụ; hãy xóa chúng trước."},
    {"UNRESOLVED_AGENCIES",
     "Còn tên cơ quan chưa xác định được trong văn bản; hãy chạy thử (--dry-run) để xem."},
    {"REQUEST_ID_REUSED", "Mã yêu cầu (request_id) đã dùng cho một yêu cầu khác."},
};

// Vietnamese names of the actions used in PermissionDenied.
struct VietnameseAction {
  absl::string_view action;
  absl::string_view text;
};
constexpr VietnameseAction kActions[] = {
    {"create", "tạo"},     {"update", "sửa"},      {"delete", "xóa"},
    {"read", "xem"},       {"review", "duyệt"},    {"submit", "nộp"},
    {"import", "nhập"},    {"replace", "thay thế"}, {"watch", "theo dõi"},
    {"write", "ghi"},      {"list", "xem danh sách"},
};

std::string Fill(absl::string_view text, absl::string_view resource, absl::string_view caller,
                 absl::string_view action) {
  std::string action_vi(action);
  for (const auto& a : kActions) {
    if (a.action == action) action_vi = std::string(a.text);
  }
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 2 < text.size() && text[i + 2] == '}') {
      char key = text[i + 1];
      out += key == 'r' ? std::string(resource) : key == 'c' ? std::string(caller) : action_vi;
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

absl::Status Localized(absl::Status status, absl::string_view reason,
                       absl::string_view resource, absl::string_view caller = "",
                       absl::string_view action = "") {
  for (const auto& v : kVietnamese) {
    if (v.reason == reason) {
      return WithVietnamese(std::move(status), Fill(v.text, resource, caller, action));
    }
  }
  return status;
}

absl::Status Make(absl::StatusCode code, absl::string_view message,
                  absl::string_view reason,
                  const std::map<std::string, std::string>& metadata) {
  absl::Status status = WithErrorInfo(absl::Status(code, message), reason, metadata);
  auto resource = metadata.find("resource");
  auto caller = metadata.find("caller");
  auto action = metadata.find("action");
  return Localized(std::move(status), reason,
                   resource == metadata.end() ? "" : resource->second,
                   caller == metadata.end() ? "" : caller->second,
                   action == metadata.end() ? "" : action->second);
}

std::map<std::string, std::string> ResourceMetadata(absl::string_view name) {
  std::map<std::string, std::string> metadata;
  if (!name.empty()) metadata["resource"] = std::string(name);
  return metadata;
}

}  // namespace

absl::Status ViolationList::ToStatus(absl::string_view reason) const {
  if (violations_.empty()) return absl::OkStatus();
  return InvalidArgument(violations_, reason);
}

absl::Status InvalidArgument(const std::vector<FieldViolation>& violations,
                             absl::string_view reason) {
  std::string message;
  if (violations.size() == 1) {
    message = absl::StrCat(violations[0].field, ": ", violations[0].description);
  } else {
    message = absl::StrCat(violations.size(), " invalid fields: ");
    for (size_t i = 0; i < violations.size(); ++i) {
      if (i > 0) absl::StrAppend(&message, "; ");
      absl::StrAppend(&message, violations[i].field, ": ",
                      violations[i].description);
    }
  }
  absl::Status status = Make(absl::StatusCode::kInvalidArgument, message,
                             reason, {});
  if (GetVietnameseMessage(status).empty()) {
    status = WithVietnamese(
        std::move(status),
        violations.size() == 1
            ? absl::StrCat("Dữ liệu không hợp lệ ở trường ", violations[0].field, ".")
            : absl::StrCat("Dữ liệu không hợp lệ: ", violations.size(),
                           " lỗi, liệt kê theo từng trường."));
  }
  google::rpc::BadRequest bad_request;
  for (const FieldViolation& v : violations) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
  status.SetPayload(kBadRequestUrl, absl::Cord(bad_request.SerializeAsString()));
  return status;
}

absl::Status InvalidField(absl::string_view field, absl::string_view description,
                          absl::string_view reason) {
  return InvalidArgument({{std::string(field), std::string(description)}},
                         reason);
}

absl::Status NotFound(absl::string_view resource_name) {
  return Make(absl::StatusCode::kNotFound,
              absl::StrCat(resource_name, " does not exist"),
              "RESOURCE_NOT_FOUND", ResourceMetadata(resource_name));
}

absl::Status AlreadyExists(absl::string_view resource_name) {
  return Make(absl::StatusCode::kAlreadyExists,
              absl::StrCat(resource_name, " already exists"),
              "RESOURCE_ALREADY_EXISTS", ResourceMetadata(resource_name));
}

absl::Status EtagMismatch(absl::string_view resource_name) {
  return Make(absl::StatusCode::kAborted,
              absl::StrCat(resource_name,
                           " was changed by someone else (etag mismatch); "
                           "read it again and retry"),
              "ETAG_MISMATCH", ResourceMetadata(resource_name));
}

absl::Status FailedPrecondition(absl::string_view reason,
                                absl::string_view message,
                                absl::string_view resource_name) {
  return Make(absl::StatusCode::kFailedPrecondition, message, reason,
              ResourceMetadata(resource_name));
}

absl::Status PermissionDenied(absl::string_view caller, absl::string_view action,
                              absl::string_view resource_name) {
  std::map<std::string, std::string> metadata = ResourceMetadata(resource_name);
  metadata["caller"] = std::string(caller);
  metadata["action"] = std::string(action);
  return Make(absl::StatusCode::kPermissionDenied,
              absl::StrCat(caller.empty() ? "anonymous caller" : caller,
                           " may not ", action, " ", resource_name),
              "PERMISSION_DENIED", metadata);
}

absl::Status Unauthenticated(absl::string_view message) {
  return Make(absl::StatusCode::kUnauthenticated, message, "NO_IDENTITY", {});
}

absl::Status WithErrorInfo(absl::Status status, absl::string_view reason,
                           const std::map<std::string, std::string>& metadata) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  status.SetPayload(kErrorInfoUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status WithVietnamese(absl::Status status, absl::string_view message) {
  google::rpc::LocalizedMessage localized;
  localized.set_locale("vi-VN");
  localized.set_message(std::string(message));
  status.SetPayload(kLocalizedMessageUrl, absl::Cord(localized.SerializeAsString()));
  return status;
}

absl::Status WithRetryInfo(absl::Status status, absl::Duration delay) {
  google::rpc::RetryInfo info;
  int64_t seconds = absl::IDivDuration(delay, absl::Seconds(1), &delay);
  info.mutable_retry_delay()->set_seconds(seconds);
  info.mutable_retry_delay()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(delay)));
  status.SetPayload(kRetryInfoUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Duration GetRetryDelay(const absl::Status& status) {
  google::rpc::RetryInfo info;
  if (auto payload = status.GetPayload(kRetryInfoUrl)) {
    info.ParseFromString(std::string(*payload));
  }
  return absl::Seconds(info.retry_delay().seconds()) +
         absl::Nanoseconds(info.retry_delay().nanos());
}

std::string GetVietnameseMessage(const absl::Status& status) {
  google::rpc::LocalizedMessage localized;
  if (auto payload = status.GetPayload(kLocalizedMessageUrl)) {
    localized.ParseFromString(std::string(*payload));
  }
  return localized.message();
}

google::rpc::ErrorInfo GetErrorInfo(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  if (auto payload = status.GetPayload(kErrorInfoUrl)) {
    info.ParseFromString(std::string(*payload));
  }
  return info;
}

google::rpc::BadRequest GetBadRequest(const absl::Status& status) {
  google::rpc::BadRequest bad_request;
  if (auto payload = status.GetPayload(kBadRequestUrl)) {
    bad_request.ParseFromString(std::string(*payload));
  }
  return bad_request;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  rpc_status.set_message(std::string(status.message()));
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& value) {
    auto* any = rpc_status.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(value));
  });
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()),
                      rpc_status.SerializeAsString());
}

google::rpc::Status ToRpcStatus(const grpc::Status& status) {
  google::rpc::Status rpc_status;
  if (!status.error_details().empty() &&
      rpc_status.ParseFromString(status.error_details())) {
    return rpc_status;
  }
  rpc_status.Clear();
  rpc_status.set_code(static_cast<int>(status.error_code()));
  rpc_status.set_message(status.error_message());
  return rpc_status;
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  google::rpc::Status rpc_status = ToRpcStatus(status);
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
  for (const auto& any : rpc_status.details()) {
    result.SetPayload(any.type_url(), absl::Cord(any.value()));
  }
  return result;
}

}  // namespace tonghop
