#ifndef TONGHOP_SERVICES_COMMON_IDEMPOTENCY_SCHEMA_H_
#define TONGHOP_SERVICES_COMMON_IDEMPOTENCY_SCHEMA_H_

// The records of IdempotencyTable (idempotency.h), in the column family
// each store names for them (the registry's and the submissions' "idempotency",
// the aggregation's "aggregation_draft_requests"): the one definition of
// their keys and values.
//
//   key                                          value
//   1 · caller (string) · request id (string)    IdempotencyRecordValue: method,
//                                                0x00, request fingerprint, 0x00,
//                                                the serialized response
//
// Its layout is part of each store's layout version.

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "storage/key_encoding.h"

namespace tonghop {

inline constexpr uint8_t kTagIdempotentRequest = 1;

inline std::string IdempotencyKey(absl::string_view caller, absl::string_view request_id) {
  return storage::KeyBuilder(kTagIdempotentRequest).String(caller).String(request_id).Build();
}

inline std::string IdempotencyRecordValue(absl::string_view method, absl::string_view fingerprint,
                                          absl::string_view response) {
  return absl::StrCat(method, absl::string_view("\0", 1), fingerprint,
                      absl::string_view("\0", 1), response);
}

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_IDEMPOTENCY_SCHEMA_H_
