#ifndef TONGHOP_SERVICES_COMMON_ERRORS_H_
#define TONGHOP_SERVICES_COMMON_ERRORS_H_

// Builders for the errors tonghop returns, and the one place that maps an
// absl::Status to a grpc::Status with rich details (AIP-193).
//
// Domain code builds errors with these functions; they attach
// google.rpc.ErrorInfo and google.rpc.BadRequest as absl::Status payloads,
// which ToGrpcStatus() turns into a google.rpc.Status in the trailers.

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace tonghop {

// The ErrorInfo domain of every tonghop error.
inline constexpr absl::string_view kErrorDomain = "tonghop.v1";

// One violation of one request field.
struct FieldViolation {
  std::string field;        // e.g. "agency.parent"
  std::string description;  // e.g. "agencies/x does not exist"
};

// Collects field violations so that validation can report all of them at once.
// Not thread-safe; one per validation.
class ViolationList {
 public:
  void Add(std::string field, std::string description) {
    violations_.push_back({std::move(field), std::move(description)});
  }
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& violations() const { return violations_; }
  // OK when empty; otherwise INVALID_ARGUMENT with every violation.
  absl::Status ToStatus(absl::string_view reason = "INVALID_FIELDS") const;

 private:
  std::vector<FieldViolation> violations_;
};

// INVALID_ARGUMENT with a BadRequest listing `violations` and ErrorInfo `reason`.
absl::Status InvalidArgument(const std::vector<FieldViolation>& violations,
                             absl::string_view reason = "INVALID_FIELDS");
// INVALID_ARGUMENT for one field.
absl::Status InvalidField(absl::string_view field, absl::string_view description,
                          absl::string_view reason = "INVALID_FIELDS");
// NOT_FOUND for a resource name.
absl::Status NotFound(absl::string_view resource_name);
// ALREADY_EXISTS for a resource name.
absl::Status AlreadyExists(absl::string_view resource_name);
// ABORTED: the caller's etag is stale.
absl::Status EtagMismatch(absl::string_view resource_name);
// FAILED_PRECONDITION with a reason and message.
absl::Status FailedPrecondition(absl::string_view reason,
                                absl::string_view message,
                                absl::string_view resource_name = "");
// PERMISSION_DENIED: `caller` may not do `action` on `resource_name`.
absl::Status PermissionDenied(absl::string_view caller,
                              absl::string_view action,
                              absl::string_view resource_name);
// UNAUTHENTICATED: no identity on the call.
absl::Status Unauthenticated(absl::string_view message);

// Attaches ErrorInfo to any status (replacing an earlier one).
absl::Status WithErrorInfo(absl::Status status, absl::string_view reason,
                           const std::map<std::string, std::string>& metadata = {});

// Attaches the message for officials, in Vietnamese, as a
// google.rpc.LocalizedMessage (locale vi-VN); the status message stays the
// English, developer-facing one (AIP-193).
absl::Status WithVietnamese(absl::Status status, absl::string_view message);

// Attaches a google.rpc.RetryInfo: the client may retry after `delay`
// (RESOURCE_EXHAUSTED, UNAVAILABLE).
absl::Status WithRetryInfo(absl::Status status, absl::Duration delay);

// Reads back the details attached to a status (for tests and clients).
google::rpc::ErrorInfo GetErrorInfo(const absl::Status& status);
google::rpc::BadRequest GetBadRequest(const absl::Status& status);
// The RetryInfo's delay, or zero when there is none.
absl::Duration GetRetryDelay(const absl::Status& status);
// The Vietnamese message, or empty when there is none.
std::string GetVietnameseMessage(const absl::Status& status);

// The single mapping from absl::Status to grpc::Status. The details of the
// returned status hold a serialized google.rpc.Status whose details are the
// status's ErrorInfo and BadRequest.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for clients of our own services: code, message and details.
absl::Status FromGrpcStatus(const grpc::Status& status);

// Maps a grpc::Status to the google.rpc.Status it carries (code and message
// when it carries no details).
google::rpc::Status ToRpcStatus(const grpc::Status& status);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_ERRORS_H_
