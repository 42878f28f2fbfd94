#ifndef TONGHOP_SERVICES_COMMON_TIMESTAMPS_H_
#define TONGHOP_SERVICES_COMMON_TIMESTAMPS_H_

// google.protobuf.Timestamp ⇄ absl::Time, the one conversion every service
// and client uses. Nanosecond precision both ways; times before 1970 keep a
// non-negative nanos field, as the Timestamp contract requires.

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"

namespace tonghop {

inline google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(time));
}

inline absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(timestamp));
}

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_TIMESTAMPS_H_
