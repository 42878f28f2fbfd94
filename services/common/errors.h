#ifndef TONGHOP_SERVICES_COMMON_ERRORS_H_
#define TONGHOP_SERVICES_COMMON_ERRORS_H_

// Builders for the errors tonghop returns, and the one place that maps an
// absl::Status to a grpc::Status with rich details (AIP-193).
//
// Domain code builds errors with these functions; they attach
// google.rpc.ErrorInfo and google.rpc.BadRequest as absl::Status payloads,
// which ToGrpcStatus() turns into a google.rpc.Status in the trailers.

#include <cstddef>
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

// What an error may carry. gRPC sends the status message (percent-encoded:
// up to three bytes for each byte of Vietnamese) and the details (a
// serialized google.rpc.Status) in the trailers, and a client refuses more
// than 8 KiB of metadata by default (answering RESOURCE_EXHAUSTED instead of
// the error, or nothing at all). So an error lists at most 100 field
// violations and counts the others, and its message and details stay within
// these bounds whatever the request held.
inline constexpr size_t kMaxListedViolations = 100;
inline constexpr size_t kMaxErrorMessageBytes = 400;
// The encoded message plus the serialized details.
inline constexpr size_t kMaxErrorTrailerBytes = 7 * 1024;
// The ErrorInfo metadata key that counts the violations not listed.
inline constexpr absl::string_view kOmittedViolationsKey = "omitted_violations";

// One violation of one request field.
struct FieldViolation {
  std::string field;        // e.g. "agency.parent"
  std::string description;  // e.g. "agencies/x does not exist"
  // For officials, in Vietnamese (sent as the violation's
  // LocalizedMessage, vi-VN); empty when there is none.
  std::string vietnamese = {};
};

// Collects field violations so that validation can report all of them at once:
// keeps the first kMaxListedViolations (field and description shortened to
// valid UTF-8 of bounded length) and counts the rest, so that a request with a
// million bad cells costs no more memory than one with a hundred.
// Not thread-safe; one per validation.
class ViolationList {
 public:
  void Add(std::string field, std::string description);
  // With the description for officials, in Vietnamese, for what a person
  // types into a form.
  void Add(std::string field, std::string description, std::string vietnamese);
  bool empty() const { return total_ == 0; }
  // The violations kept (the first kMaxListedViolations).
  const std::vector<FieldViolation>& violations() const { return violations_; }
  // Every violation added, kept or not.
  size_t total() const { return total_; }
  // OK when empty; otherwise INVALID_ARGUMENT listing the violations kept and
  // counting the others.
  absl::Status ToStatus(absl::string_view reason = "INVALID_FIELDS") const;

 private:
  std::vector<FieldViolation> violations_;
  size_t total_ = 0;
};

// INVALID_ARGUMENT with a BadRequest listing `violations` and ErrorInfo
// `reason`. `total` counts the violations found when only the first were
// passed (0: all were); the others are counted in the ErrorInfo metadata
// kOmittedViolationsKey.
absl::Status InvalidArgument(const std::vector<FieldViolation>& violations,
                             absl::string_view reason = "INVALID_FIELDS", size_t total = 0);
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

// The violations an error left out (its ErrorInfo kOmittedViolationsKey).
size_t GetOmittedViolations(const absl::Status& status);

// `status` within the bounds above: message and every text in the details
// valid UTF-8 without control characters and shortened; at most
// kMaxListedViolations field violations, the others counted in ErrorInfo;
// the encoded message and the serialized status together at most
// kMaxErrorTrailerBytes (unknown details are dropped, then violation
// descriptions and the message shortened, then the last violations dropped,
// until it fits). Used by ToGrpcStatus() and by the HTTP gateway for
// statuses it did not build.
google::rpc::Status BoundedRpcStatus(google::rpc::Status status);
// The bytes `status` takes in the trailers: its message percent-encoded as
// gRPC sends it, plus its serialized details.
size_t ErrorTrailerBytes(const google::rpc::Status& status);

// The single mapping from absl::Status to grpc::Status. The details of the
// returned status hold a serialized google.rpc.Status whose details are the
// status's ErrorInfo, BadRequest and LocalizedMessage; the message and the
// details are bounded by BoundedRpcStatus(), so that no error, however it
// was built, can exceed what a client accepts.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for clients of our own services: code, message and details.
absl::Status FromGrpcStatus(const grpc::Status& status);

// Maps a grpc::Status to the google.rpc.Status it carries (code and message
// when it carries no details).
google::rpc::Status ToRpcStatus(const grpc::Status& status);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_ERRORS_H_
