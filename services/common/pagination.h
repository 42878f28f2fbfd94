#ifndef TONGHOP_SERVICES_COMMON_PAGINATION_H_
#define TONGHOP_SERVICES_COMMON_PAGINATION_H_

// Page sizes and opaque page tokens (AIP-158).

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tonghop {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

// The effective page size: default for 0, capped at kMaxPageSize;
// INVALID_ARGUMENT for a negative size.
absl::StatusOr<int> EffectivePageSize(int requested);

// A page token carries the position after which the next page starts, bound
// to the request's filter so that a token is not reused with another query.
std::string EncodePageToken(absl::string_view position, absl::string_view query);

// Decodes a token; empty token gives an empty position. INVALID_ARGUMENT on
// page_token when it is malformed or was made for another query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view query);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_PAGINATION_H_
