#ifndef TONGHOP_SERVICES_GATEWAY_TRANSCODE_H_
#define TONGHOP_SERVICES_GATEWAY_TRANSCODE_H_

// Conversions between HTTP/JSON and protobuf messages and statuses, for any
// message type (reflection only, no per-method code). Pure functions of
// their arguments: thread-safe.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/status.h"

namespace tonghop::gateway {

// Fills `message` from a JSON request body in protobuf's JSON mapping
// (camelCase or original field names; enums by name). An empty body is an
// empty request. Unknown fields and malformed JSON are INVALID_ARGUMENT with
// a BadRequest violation on field "body" that says what is wrong.
absl::Status ParseJsonBody(absl::string_view body, google::protobuf::Message* message);

// Fills `message` from query parameters, given in order as (key, value)
// pairs. A key is a field path in JSON or proto names, dotted for nested
// messages ("asOf", "report.name") and map entries ("cells.sex=female");
// repeating a key appends to a repeated field ("indicators=a&indicators=b").
// Values are what the JSON mapping takes for the field, unquoted: "50",
// "true", "AGENCY_KIND_PROVINCE", "2026-11-06T00:00:00Z". INVALID_ARGUMENT
// naming the parameter when a key names no field, repeats a singular field,
// reaches into a repeated message, or has a value the field cannot take.
absl::Status ParseQuery(const std::vector<std::pair<std::string, std::string>>& params,
                        google::protobuf::Message* message);

// The message in protobuf's JSON mapping (camelCase, fields at their
// default value omitted).
absl::StatusOr<std::string> PrintJson(const google::protobuf::Message& message);

// The google.rpc.Status a gRPC status carries (with its ErrorInfo,
// BadRequest and other details printed by type), as JSON, within the bounds
// of BoundedRpcStatus() (services/common/errors.h): a few kilobytes.
std::string StatusToJson(const grpc::Status& status);

// The HTTP status for a gRPC status code (google.rpc.Code's documented
// mapping: INVALID_ARGUMENT 400, NOT_FOUND 404, PERMISSION_DENIED 403, …).
int HttpStatusForCode(grpc::StatusCode code);

}  // namespace tonghop::gateway

#endif  // TONGHOP_SERVICES_GATEWAY_TRANSCODE_H_
