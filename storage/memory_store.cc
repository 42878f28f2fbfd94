#include "storage/memory_store.h"

#include <random>
#include <vector>

#include "absl/strings/str_format.h"

namespace tonghop::storage {

absl::StatusOr<std::optional<std::string>> MemoryStore::Get(
    absl::string_view column_family, absl::string_view key) const {
  absl::MutexLock lock(&mu_);
  auto cf = data_.find(std::string(column_family));
  if (cf == data_.end()) return std::optional<std::string>();
  auto it = cf->second.find(std::string(key));
  if (it == cf->second.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

absl::Status MemoryStore::Scan(
    absl::string_view column_family, absl::string_view start,
    absl::string_view end,
    const std::function<bool(absl::string_view, absl::string_view)> &visit)
    const {
  std::vector<std::pair<std::string, std::string>> snapshot;
  {
    absl::MutexLock lock(&mu_);
    auto cf = data_.find(std::string(column_family));
    if (cf == data_.end()) return absl::OkStatus();
    for (auto it = cf->second.lower_bound(std::string(start));
         it != cf->second.end(); ++it) {
      if (!end.empty() && it->first >= end) break;
      snapshot.emplace_back(it->first, it->second);
    }
  }
  for (const auto &[key, value] : snapshot) {
    if (!visit(key, value)) break;
  }
  return absl::OkStatus();
}

absl::Status MemoryStore::Write(const WriteBatch &batch) {
  absl::MutexLock lock(&mu_);
  if (writes_before_failing_ == 0)
    return absl::InternalError("storage: injected write failure");
  if (writes_before_failing_ > 0) --writes_before_failing_;
  for (const WriteBatch::Op &op : batch.ops()) {
    auto &cf = data_[op.column_family];
    if (op.value) {
      cf[op.key] = *op.value;
    } else {
      cf.erase(op.key);
    }
  }
  ++write_count_;
  return absl::OkStatus();
}

StoreEpoch MemoryStore::NewEpoch() {
  std::random_device random;
  StoreEpoch epoch;
  epoch.id = absl::StrFormat("memory-%08x%08x", random(), random());
  return epoch;
}

StoreEpoch MemoryStore::epoch() const {
  absl::MutexLock lock(&mu_);
  return epoch_;
}

std::unique_ptr<KvReader> MemoryStore::Snapshot() const {
  auto copy = std::make_unique<MemoryStore>();
  absl::MutexLock lock(&mu_);
  absl::MutexLock copy_lock(&copy->mu_);
  copy->data_ = data_;
  return copy;
}

}  // namespace tonghop::storage
