#ifndef TONGHOP_SERVICES_COMMON_REQUEST_CHECK_H_
#define TONGHOP_SERVICES_COMMON_REQUEST_CHECK_H_

// Checks every request gets before a service looks at it, whatever its type.
//
// Protocol Buffers keep enum numbers a schema does not define (proto3 enums
// are open): `kind: 99` parses, is stored and compares unequal to every
// value, so a service would act on it as if it were some default. The check
// walks the request by reflection and refuses every enum field, at any
// depth (repeated fields, map values, oneofs), whose number is not a value
// of its enum.
//
// Pure functions of their arguments: thread-safe.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "services/common/errors.h"

namespace tonghop {

// Adds one violation, naming the field path ("agency.kind",
// "report.progress[3].status", "values[0].cells[sex]"), for every enum field
// of `message` holding a number its enum does not define.
void FindUnknownEnumValues(const google::protobuf::Message& message, ViolationList& violations);

// OK, or INVALID_ARGUMENT (reason UNKNOWN_ENUM_VALUE) listing the enum
// fields of `request` that hold numbers their enum does not define.
absl::Status CheckRequest(const google::protobuf::Message& request);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_REQUEST_CHECK_H_
