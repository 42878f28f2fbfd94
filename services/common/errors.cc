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

absl::Status Make(absl::StatusCode code, absl::string_view message,
                  absl::string_view reason,
                  const std::map<std::string, std::string>& metadata) {
  return WithErrorInfo(absl::Status(code, message), reason, metadata);
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
