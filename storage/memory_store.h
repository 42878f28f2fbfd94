#ifndef TONGHOP_STORAGE_MEMORY_STORE_H_
#define TONGHOP_STORAGE_MEMORY_STORE_H_

// An in-memory KvStore for unit tests of domain classes.

#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "storage/kv_store.h"

namespace tonghop::storage {

// KvStore on std::map. Thread-safe. Column families spring into existence
// on first use. Scans copy their range first, so they see one snapshot;
// Snapshot() copies everything.
// `fail_writes` makes every Write fail (`fail_writes_after`, every one after
// the next few), to test error paths.
class MemoryStore final : public KvStore {
 public:
  MemoryStore() = default;

  absl::StatusOr<std::optional<std::string>> Get(
      absl::string_view column_family, absl::string_view key) const override;
  absl::Status Scan(
      absl::string_view column_family, absl::string_view start,
      absl::string_view end,
      const std::function<bool(absl::string_view, absl::string_view)> &visit)
      const override;
  absl::Status Write(const WriteBatch &batch) override;
  // A copy of the whole store.
  std::unique_ptr<KvReader> Snapshot() const override;
  // A random id per MemoryStore, generation 1 unless set.
  StoreEpoch epoch() const override;
  // Tests of consumers: the store as if reopened after losing writes.
  void set_epoch_generation(int64_t generation) {
    absl::MutexLock lock(&mu_);
    epoch_.generation = generation;
  }

  void set_fail_writes(bool fail) {
    absl::MutexLock lock(&mu_);
    writes_before_failing_ = fail ? 0 : -1;
  }
  // The next `writes` writes succeed and every one after fails: a failure
  // part way through a sequence of writes.
  void set_fail_writes_after(int writes) {
    absl::MutexLock lock(&mu_);
    writes_before_failing_ = writes;
  }
  // Number of successful Write calls, for tests of batching.
  int write_count() const {
    absl::MutexLock lock(&mu_);
    return write_count_;
  }

 private:
  static StoreEpoch NewEpoch();

  mutable absl::Mutex mu_;
  std::map<std::string, std::map<std::string, std::string>> data_
      ABSL_GUARDED_BY(mu_);
  // Writes that succeed before every write fails; -1 for never failing.
  int writes_before_failing_ ABSL_GUARDED_BY(mu_) = -1;
  StoreEpoch epoch_ ABSL_GUARDED_BY(mu_) = NewEpoch();
  int write_count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tonghop::storage

#endif  // TONGHOP_STORAGE_MEMORY_STORE_H_
