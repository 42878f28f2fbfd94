#ifndef TONGHOP_SERVICES_COMMON_IDEMPOTENCY_H_
#define TONGHOP_SERVICES_COMMON_IDEMPOTENCY_H_

// Idempotent mutations (AIP-155): the first successful answer to a request
// id is stored in the same WriteBatch as the change it made, so a retry —
// also after a restart — gets the same answer and changes nothing.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "storage/kv_store.h"

namespace tonghop {

// Stored answers keyed by (caller, request id), in one column family of the
// owning service's store. Thread-safe as the store is; callers serialize
// lookup-then-write of one request themselves (services hold a write mutex).
class IdempotencyTable {
 public:
  // `store` is not owned and must outlive the table.
  // Keys and values: idempotency_schema.h.
  IdempotencyTable(storage::KvStore* store, absl::string_view column_family)
      : store_(store), column_family_(column_family) {}

  // A fingerprint of the request; the caller clears request_id first.
  static std::string Fingerprint(const google::protobuf::Message& request);

  // The stored response bytes for this request id, or nullopt when it was
  // never answered. INVALID_ARGUMENT on request_id when the id was used for
  // a different method or a request with different content.
  absl::StatusOr<std::optional<std::string>> Lookup(
      absl::string_view caller, absl::string_view request_id,
      absl::string_view method, absl::string_view fingerprint) const;

  // Adds the answer to `batch` (which the caller writes with its change).
  void Record(storage::WriteBatch& batch, absl::string_view caller,
              absl::string_view request_id, absl::string_view method,
              absl::string_view fingerprint, absl::string_view response) const;

 private:
  storage::KvStore* store_;
  std::string column_family_;
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_IDEMPOTENCY_H_
