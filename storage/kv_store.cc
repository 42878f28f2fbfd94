#include "storage/kv_store.h"

#include "absl/strings/str_cat.h"
#include "storage/key_encoding.h"

namespace tonghop::storage {

std::string StoreEpoch::ToString() const { return absl::StrCat(id, ":", generation); }

absl::StatusOr<std::vector<KeyValue>> KvReader::ScanRange(
    absl::string_view column_family, absl::string_view start,
    absl::string_view end, size_t limit) const {
  std::vector<KeyValue> out;
  if (limit == 0) return out;
  absl::Status status =
      Scan(column_family, start, end,
           [&](absl::string_view key, absl::string_view value) {
             out.push_back({std::string(key), std::string(value)});
             return out.size() < limit;
           });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<KeyValue>> KvReader::ScanPrefix(
    absl::string_view column_family, absl::string_view prefix,
    size_t limit) const {
  return ScanRange(column_family, prefix, PrefixEnd(prefix), limit);
}

absl::StatusOr<StoreBackup> KvStore::Backup(const std::string & /*backup_dir*/,
                                            const std::string & /*label*/) const {
  return absl::UnimplementedError("this store cannot be backed up");
}

}  // namespace tonghop::storage
