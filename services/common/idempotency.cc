#include "services/common/idempotency.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/common/etag.h"
#include "services/common/idempotency_schema.h"
#include "services/common/text.h"

namespace tonghop {

std::string IdempotencyTable::Fingerprint(const google::protobuf::Message& request) {
  return ComputeEtag(request);
}

absl::StatusOr<std::optional<std::string>> IdempotencyTable::Lookup(
    absl::string_view caller, absl::string_view request_id,
    absl::string_view method, absl::string_view fingerprint) const {
  if (request_id.empty()) return std::optional<std::string>();
  if (request_id.size() > 128) {
    return InvalidField("request_id", "must be at most 128 characters");
  }
  auto stored = store_->Get(column_family_, IdempotencyKey(caller, request_id));
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::optional<std::string>();
  // IdempotencyRecordValue: method \0 fingerprint \0 response bytes.
  std::vector<absl::string_view> parts =
      absl::StrSplit(**stored, absl::MaxSplits('\0', 2));
  if (parts.size() != 3) return absl::DataLossError("corrupt idempotency record");
  if (parts[0] != method || parts[1] != fingerprint) {
    return InvalidField(
        "request_id",
        absl::StrCat(QuoteInput(request_id), " was already used for a different ",
                     parts[0] == method ? "request" : "method",
                     "; use a new request_id for a new request"),
        "REQUEST_ID_REUSED");
  }
  return std::optional<std::string>(std::string(parts[2]));
}

void IdempotencyTable::Record(storage::WriteBatch& batch, absl::string_view caller,
                              absl::string_view request_id, absl::string_view method,
                              absl::string_view fingerprint,
                              absl::string_view response) const {
  if (request_id.empty()) return;
  batch.Put(column_family_, IdempotencyKey(caller, request_id),
            IdempotencyRecordValue(method, fingerprint, response));
}

}  // namespace tonghop
