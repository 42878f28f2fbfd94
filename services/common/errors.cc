#include "services/common/errors.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/text.h"
#include "storage/kv_store.h"

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
    {"NO_IDENTITY",
     "Chưa xác định người gọi: hãy đăng nhập (tonghop login) hoặc dùng chứng chỉ của cơ "
     "quan (--cert, --key)."},
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
    {"create", "tạo"},
    {"update", "sửa"},
    {"delete", "xóa"},
    {"read", "xem"},
    {"review", "duyệt"},
    {"submit", "nộp"},
    {"import", "nhập"},
    {"replace", "thay thế"},
    {"watch", "theo dõi"},
    {"write", "ghi"},
    {"list", "xem danh sách"},
    {"administer", "quản trị"},
    {"change", "thay đổi"},
    {"edit", "sửa"},
    {"move", "chuyển"},
    {"import a plan of", "nhập kế hoạch của"},
    {"forward the figures of", "chuyển số liệu của"},
    {"push the figures of", "gửi số liệu của"},
    {"read the roll-ups of", "xem số liệu tổng hợp của"},
    {"export exact figures of", "xuất số liệu chính xác của"},
    {"see the reports behind the figures of", "xem các báo cáo tạo nên số liệu của"},
    {"change the password of", "đổi mật khẩu của"},
};

// Vietnamese names of what an instance's administrators alone may manage
// (AccessPolicy::CheckAdministerInstance names them in English).
constexpr VietnameseAction kInstanceResources[] = {
    {"the notices", "các thông báo"},
    {"the audit trail", "nhật ký kiểm toán"},
    {"the aggregates", "bảng số liệu tổng hợp"},
    {"the change feed of reports", "luồng thay đổi của báo cáo"},
    {"the instance's backups", "các bản sao lưu của hệ thống"},
};

std::string Fill(absl::string_view text, absl::string_view resource, absl::string_view caller,
                 absl::string_view action) {
  std::string action_vi(action);
  for (const auto& a : kActions) {
    if (a.action == action) action_vi = std::string(a.text);
  }
  for (const auto& r : kInstanceResources) {
    if (r.action == resource) resource = r.text;
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

// Bounds on the pieces of an error (the whole is bounded by
// kMaxErrorTrailerBytes).
constexpr size_t kMaxFieldBytes = 128;
constexpr size_t kMaxDescriptionBytes = 256;
constexpr size_t kMaxReasonBytes = 64;
constexpr size_t kMaxMetadataEntries = 16;
constexpr size_t kMaxMetadataBytes = 160;
// The Vietnamese message may list what an official must supply (the gaps of
// a plan import, each with its remedy); the trailer bound still holds.
constexpr size_t kMaxLocalizedBytes = 2048;

// `text` as it may appear in an error: valid UTF-8, control characters as
// spaces, at most `max_bytes` (plus the "…" marking a cut). Only the part
// that can be kept is looked at, however long `text` is.
std::string Bounded(absl::string_view text, size_t max_bytes) {
  bool cut = text.size() > max_bytes;
  std::string clean = SanitizeUtf8(cut ? text.substr(0, max_bytes + 4) : text);
  for (char& c : clean) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return cut || clean.size() > max_bytes ? TruncateUtf8(clean, max_bytes) : clean;
}

}  // namespace

void ViolationList::Add(std::string field, std::string description) {
  Add(std::move(field), std::move(description), "");
}

void ViolationList::Add(std::string field, std::string description, std::string vietnamese) {
  ++total_;
  if (violations_.size() >= kMaxListedViolations) return;
  violations_.push_back({Bounded(field, kMaxFieldBytes), Bounded(description, kMaxDescriptionBytes),
                         Bounded(vietnamese, kMaxDescriptionBytes)});
}

absl::Status ViolationList::ToStatus(absl::string_view reason) const {
  if (total_ == 0) return absl::OkStatus();
  return InvalidArgument(violations_, reason, total_);
}

absl::Status InvalidArgument(const std::vector<FieldViolation>& violations,
                             absl::string_view reason, size_t total) {
  total = std::max(total, violations.size());
  size_t listed = std::min(violations.size(), kMaxListedViolations);
  std::string message;
  if (total == 1 && listed == 1) {
    message = absl::StrCat(violations[0].field, ": ", violations[0].description);
  } else {
    message = absl::StrCat(total, " invalid fields: ");
    for (size_t i = 0; i < listed && message.size() < kMaxErrorMessageBytes; ++i) {
      if (i > 0) absl::StrAppend(&message, "; ");
      absl::StrAppend(&message, violations[i].field, ": ", violations[i].description);
    }
  }
  std::map<std::string, std::string> metadata;
  if (total > listed) metadata[std::string(kOmittedViolationsKey)] = absl::StrCat(total - listed);
  absl::Status status = Make(absl::StatusCode::kInvalidArgument,
                             Bounded(message, kMaxErrorMessageBytes), reason, metadata);
  if (GetVietnameseMessage(status).empty()) {
    std::string vietnamese;
    if (total == 1 && listed == 1) {
      vietnamese = absl::StrCat("Dữ liệu không hợp lệ ở trường ", violations[0].field, ".");
    } else if (total > listed) {
      vietnamese = absl::StrCat("Dữ liệu không hợp lệ: ", GroupThousands(total),
                                " lỗi; liệt kê ", GroupThousands(listed),
                                " lỗi đầu tiên, hãy sửa rồi gửi lại để xem các lỗi còn lại.");
    } else {
      vietnamese = absl::StrCat("Dữ liệu không hợp lệ: ", GroupThousands(total),
                                " lỗi, liệt kê theo từng trường.");
    }
    status = WithVietnamese(std::move(status), vietnamese);
  }
  google::rpc::BadRequest bad_request;
  for (size_t i = 0; i < listed; ++i) {
    const FieldViolation& v = violations[i];
    auto* fv = bad_request.add_field_violations();
    fv->set_field(Bounded(v.field, kMaxFieldBytes));
    fv->set_description(Bounded(v.description, kMaxDescriptionBytes));
    if (!v.vietnamese.empty()) {
      fv->mutable_localized_message()->set_locale("vi-VN");
      fv->mutable_localized_message()->set_message(Bounded(v.vietnamese, kMaxDescriptionBytes));
    }
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
  info.set_reason(Bounded(reason, kMaxReasonBytes));
  info.set_domain(std::string(kErrorDomain));
  for (const auto& [key, value] : metadata) {
    (*info.mutable_metadata())[Bounded(key, kMaxReasonBytes)] = Bounded(value, kMaxMetadataBytes);
  }
  status.SetPayload(kErrorInfoUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status WithVietnamese(absl::Status status, absl::string_view message) {
  google::rpc::LocalizedMessage localized;
  localized.set_locale("vi-VN");
  localized.set_message(Bounded(message, kMaxLocalizedBytes));
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

size_t GetOmittedViolations(const absl::Status& status) {
  google::rpc::ErrorInfo info = GetErrorInfo(status);
  auto it = info.metadata().find(std::string(kOmittedViolationsKey));
  size_t omitted = 0;
  if (it != info.metadata().end() && absl::SimpleAtoi(it->second, &omitted)) return omitted;
  return 0;
}

google::rpc::Status BoundedRpcStatus(google::rpc::Status status) {
  status.set_message(Bounded(status.message(), kMaxErrorMessageBytes));
  // The details this project attaches are rebuilt bounded; others are kept
  // as they are while there is room.
  std::optional<google::rpc::ErrorInfo> info;
  std::optional<google::rpc::BadRequest> bad_request;
  std::optional<google::rpc::LocalizedMessage> localized;
  std::vector<google::protobuf::Any> others;
  for (const google::protobuf::Any& any : status.details()) {
    if (any.type_url() == kErrorInfoUrl && !info) {
      google::rpc::ErrorInfo parsed;
      if (parsed.ParseFromString(any.value())) info = std::move(parsed);
    } else if (any.type_url() == kBadRequestUrl && !bad_request) {
      google::rpc::BadRequest parsed;
      if (parsed.ParseFromString(any.value())) bad_request = std::move(parsed);
    } else if (any.type_url() == kLocalizedMessageUrl && !localized) {
      google::rpc::LocalizedMessage parsed;
      if (parsed.ParseFromString(any.value())) localized = std::move(parsed);
    } else {
      others.push_back(any);
    }
  }
  size_t omitted = 0;
  if (info) {
    info->set_reason(Bounded(info->reason(), kMaxReasonBytes));
    info->set_domain(Bounded(info->domain(), kMaxReasonBytes));
    google::protobuf::Map<std::string, std::string> metadata;
    for (const auto& [key, value] : info->metadata()) {
      if (key == kOmittedViolationsKey) {
        absl::SimpleAtoi(value, &omitted);
      } else if (metadata.size() < kMaxMetadataEntries) {
        metadata[Bounded(key, kMaxReasonBytes)] = Bounded(value, kMaxMetadataBytes);
      }
    }
    info->mutable_metadata()->swap(metadata);
  }
  if (localized) {
    localized->set_locale(Bounded(localized->locale(), kMaxReasonBytes));
    localized->set_message(Bounded(localized->message(), kMaxLocalizedBytes));
  }
  if (bad_request) {
    auto* violations = bad_request->mutable_field_violations();
    if (static_cast<size_t>(violations->size()) > kMaxListedViolations) {
      omitted += violations->size() - kMaxListedViolations;
      violations->DeleteSubrange(static_cast<int>(kMaxListedViolations),
                                 violations->size() - static_cast<int>(kMaxListedViolations));
    }
    for (auto& v : *violations) {
      v.set_field(Bounded(v.field(), kMaxFieldBytes));
      v.set_description(Bounded(v.description(), kMaxDescriptionBytes));
      if (v.has_localized_message()) {
        v.mutable_localized_message()->set_message(
            Bounded(v.localized_message().message(), kMaxDescriptionBytes));
      }
    }
  }

  // Descriptions, and their Vietnamese, are cut to `description_bytes`;
  // without `localized_violations` the Vietnamese is left out.
  bool localized_violations = true;
  auto pack = [&](size_t description_bytes, size_t message_bytes) {
    google::rpc::Status out;
    out.set_code(status.code());
    out.set_message(TruncateUtf8(status.message(), message_bytes));
    if (info || omitted > 0) {
      google::rpc::ErrorInfo packed = info.value_or(google::rpc::ErrorInfo());
      if (!info) packed.set_domain(std::string(kErrorDomain));
      if (omitted > 0) {
        (*packed.mutable_metadata())[std::string(kOmittedViolationsKey)] = absl::StrCat(omitted);
      }
      auto* any = out.add_details();
      any->set_type_url(std::string(kErrorInfoUrl));
      any->set_value(packed.SerializeAsString());
    }
    if (bad_request) {
      google::rpc::BadRequest packed = *bad_request;
      for (auto& v : *packed.mutable_field_violations()) {
        if (v.description().size() > description_bytes) {
          v.set_description(TruncateUtf8(v.description(), description_bytes));
        }
        if (!localized_violations) {
          v.clear_localized_message();
        } else if (v.localized_message().message().size() > description_bytes) {
          v.mutable_localized_message()->set_message(
              TruncateUtf8(v.localized_message().message(), description_bytes));
        }
      }
      auto* any = out.add_details();
      any->set_type_url(std::string(kBadRequestUrl));
      any->set_value(packed.SerializeAsString());
    }
    if (localized) {
      auto* any = out.add_details();
      any->set_type_url(std::string(kLocalizedMessageUrl));
      any->set_value(localized->SerializeAsString());
    }
    for (const google::protobuf::Any& any : others) *out.add_details() = any;
    return out;
  };
  auto fits = [](const google::rpc::Status& s) {
    return ErrorTrailerBytes(s) <= kMaxErrorTrailerBytes;
  };
  google::rpc::Status packed = pack(kMaxDescriptionBytes, kMaxErrorMessageBytes);
  if (fits(packed)) return packed;

  // Too big: first drop what this project does not know; then shorten the
  // message and the descriptions (all alike, the longest that fits, but no
  // shorter than a field's reason needs), leaving out the violations'
  // Vietnamese when even that does not fit (the error's own Vietnamese
  // message stays), then drop the last violations.
  others.clear();
  packed = pack(kMaxDescriptionBytes, kMaxErrorMessageBytes);
  if (fits(packed)) return packed;
  constexpr size_t kShortMessageBytes = 160;
  constexpr size_t kMinDescriptionBytes = 32;
  if (!fits(pack(kMinDescriptionBytes, kShortMessageBytes))) localized_violations = false;
  size_t low = kMinDescriptionBytes, high = kMaxDescriptionBytes;
  while (low < high) {
    size_t middle = (low + high + 1) / 2;
    if (fits(pack(middle, kShortMessageBytes))) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  packed = pack(low, kShortMessageBytes);
  while (!fits(packed) && bad_request && bad_request->field_violations_size() > 0) {
    bad_request->mutable_field_violations()->RemoveLast();
    ++omitted;
    packed = pack(low, kShortMessageBytes);
  }
  // Only a status of another origin with outsized details gets here.
  if (!fits(packed)) packed.clear_details();
  return packed;
}

size_t ErrorTrailerBytes(const google::rpc::Status& status) {
  size_t message = 0;
  for (unsigned char c : status.message()) {
    message += (c < 0x20 || c > 0x7E || c == '%') ? 3 : 1;
  }
  return message + status.ByteSizeLong();
}

namespace {

// A storage error caused by the disk, said as such to callers: ErrorInfo
// STORAGE_FULL or STORAGE_FAILED and a Vietnamese message, instead of the
// storage layer's marker.
absl::Status ExplainStorageCondition(absl::Status status) {
  absl::optional<absl::Cord> condition = status.GetPayload(storage::kStorageConditionPayload);
  if (!condition.has_value()) return status;
  status.ErasePayload(storage::kStorageConditionPayload);
  if (GetErrorInfo(status).reason().empty()) {
    if (*condition == storage::kDiskFull) {
      status = WithVietnamese(
          WithErrorInfo(std::move(status), "STORAGE_FULL"),
          "Máy chủ đã hết dung lượng đĩa nên tạm thời chưa ghi được dữ liệu; dữ liệu đã có vẫn "
          "xem được. Hãy thử lại sau khi quản trị viên giải phóng dung lượng.");
    } else {
      status = WithVietnamese(
          WithErrorInfo(std::move(status), "STORAGE_FAILED"),
          "Ổ đĩa của máy chủ đang gặp sự cố nên tạm thời chưa ghi được dữ liệu. Hãy thử lại sau.");
    }
  }
  return status;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& original) {
  if (original.ok()) return grpc::Status::OK;
  absl::Status status = ExplainStorageCondition(original);
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  rpc_status.set_message(std::string(status.message()));
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& value) {
    auto* any = rpc_status.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(value));
  });
  rpc_status = BoundedRpcStatus(std::move(rpc_status));
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), rpc_status.message(),
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
