#include "services/common/pagination.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/errors.h"

namespace tonghop {

absl::StatusOr<int> EffectivePageSize(int requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

std::string EncodePageToken(absl::string_view position, absl::string_view query) {
  // Length-prefixed so that no choice of query can forge another position.
  return absl::WebSafeBase64Escape(
      absl::StrCat(query.size(), ":", query, position));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view query) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return InvalidField("page_token", "malformed page token");
  }
  std::string prefix = absl::StrCat(query.size(), ":", query);
  if (raw.compare(0, prefix.size(), prefix) != 0) {
    return InvalidField("page_token",
                        "page token belongs to a different query; start again "
                        "without a token");
  }
  return raw.substr(prefix.size());
}

}  // namespace tonghop
