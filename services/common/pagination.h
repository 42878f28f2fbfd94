#ifndef TONGHOP_SERVICES_COMMON_PAGINATION_H_
#define TONGHOP_SERVICES_COMMON_PAGINATION_H_

// Page sizes and opaque page tokens (AIP-158).

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "services/common/status_macros.h"
#include "storage/kv_store.h"

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

// Reads one page of a key-ordered scan of [start, end) in `column_family`
// into `page`. `read` turns each row into an item of the page, or nullopt
// to pass the row by (a filter), or an error that ends the scan; it is
// called once more after the page is full, to learn whether another item
// follows. Returns the next page token, which resumes after the last
// item's key (start the next scan at that key + '\0') and is bound to
// `query`; empty after the last page.
template <typename Item>
absl::StatusOr<std::string> ScanPage(
    const storage::KvStore& store, absl::string_view column_family, absl::string_view start,
    absl::string_view end, int page_size, absl::string_view query,
    const std::function<absl::StatusOr<std::optional<Item>>(absl::string_view key,
                                                            absl::string_view value)>& read,
    google::protobuf::RepeatedPtrField<Item>& page) {
  std::string last_key;
  bool more = false;
  absl::Status inner;
  RETURN_IF_ERROR(
      store.Scan(column_family, start, end, [&](absl::string_view key, absl::string_view value) {
        absl::StatusOr<std::optional<Item>> item = read(key, value);
        if (!item.ok()) {
          inner = item.status();
          return false;
        }
        if (!item->has_value()) return true;
        if (page.size() == page_size) {
          more = true;
          return false;
        }
        *page.Add() = **std::move(item);
        last_key = std::string(key);
        return true;
      }));
  RETURN_IF_ERROR(inner);
  return more ? EncodePageToken(last_key, query) : std::string();
}

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_PAGINATION_H_
