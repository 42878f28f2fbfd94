#include "storage/rocksdb_store.h"

#include <filesystem>
#include <map>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "storage/rocksdb_backup.h"

namespace tonghop::storage {
namespace {

// The one place RocksDB's status becomes an absl::Status.
absl::Status FromRocks(const rocksdb::Status &s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat("storage: ", what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) {
    return absl::UnavailableError(message);
  }
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return absl::FailedPreconditionError(absl::StrCat(
        message, " (is another tonghopd using this data directory?)"));
  }
  if (s.IsCorruption()) return absl::DataLossError(message);
  return absl::InternalError(message);
}

using Handles = std::map<std::string, rocksdb::ColumnFamilyHandle *>;

absl::StatusOr<rocksdb::ColumnFamilyHandle *> FindHandle(
    const Handles &by_name, absl::string_view name) {
  auto it = by_name.find(std::string(name));
  if (it == by_name.end()) {
    return absl::InternalError(
        absl::StrCat("storage: unknown column family \"", name, "\""));
  }
  return it->second;
}

absl::StatusOr<std::optional<std::string>> ReadOne(
    rocksdb::DB *db, const Handles &by_name, const rocksdb::Snapshot *snapshot,
    absl::string_view column_family, absl::string_view key) {
  auto cf = FindHandle(by_name, column_family);
  if (!cf.ok()) return cf.status();
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  std::string value;
  rocksdb::Status s = db->Get(read_options, *cf,
                              rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "get");
  return std::optional<std::string>(std::move(value));
}

absl::Status ReadRange(
    rocksdb::DB *db, const Handles &by_name, const rocksdb::Snapshot *snapshot,
    absl::string_view column_family, absl::string_view start,
    absl::string_view end,
    const std::function<bool(absl::string_view, absl::string_view)> &visit) {
  auto cf = FindHandle(by_name, column_family);
  if (!cf.ok()) return cf.status();
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  rocksdb::Slice upper(end.data(), end.size());
  if (!end.empty()) read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options, *cf));
  for (it->Seek(rocksdb::Slice(start.data(), start.size())); it->Valid();
       it->Next()) {
    rocksdb::Slice k = it->key();
    rocksdb::Slice v = it->value();
    if (!visit(absl::string_view(k.data(), k.size()),
               absl::string_view(v.data(), v.size()))) {
      break;
    }
  }
  return FromRocks(it->status(), "scan");
}

// A RocksDB snapshot; released when destroyed.
class RocksDbSnapshot final : public KvReader {
 public:
  RocksDbSnapshot(rocksdb::DB *db, const Handles *by_name)
      : db_(db), by_name_(by_name), snapshot_(db->GetSnapshot()) {}
  ~RocksDbSnapshot() override { db_->ReleaseSnapshot(snapshot_); }

  absl::StatusOr<std::optional<std::string>> Get(
      absl::string_view column_family, absl::string_view key) const override {
    return ReadOne(db_, *by_name_, snapshot_, column_family, key);
  }
  absl::Status Scan(
      absl::string_view column_family, absl::string_view start,
      absl::string_view end,
      const std::function<bool(absl::string_view, absl::string_view)> &visit)
      const override {
    return ReadRange(db_, *by_name_, snapshot_, column_family, start, end,
                     visit);
  }

 private:
  rocksdb::DB *db_;
  const Handles *by_name_;
  const rocksdb::Snapshot *snapshot_;
};

class RocksDbStore final : public KvStore {
 public:
  RocksDbStore(std::unique_ptr<rocksdb::DB> db,
               std::vector<rocksdb::ColumnFamilyHandle *> handles,
               std::map<std::string, rocksdb::ColumnFamilyHandle *> by_name,
               RocksDbOptions options)
      : db_(std::move(db)),
        handles_(std::move(handles)),
        by_name_(std::move(by_name)),
        options_(options) {}

  ~RocksDbStore() override {
    for (rocksdb::ColumnFamilyHandle *h : handles_) {
      db_->DestroyColumnFamilyHandle(h);
    }
    db_->Close();
  }

  absl::StatusOr<std::optional<std::string>> Get(
      absl::string_view column_family, absl::string_view key) const override {
    return ReadOne(db_.get(), by_name_, nullptr, column_family, key);
  }

  absl::Status Scan(
      absl::string_view column_family, absl::string_view start,
      absl::string_view end,
      const std::function<bool(absl::string_view, absl::string_view)> &visit)
      const override {
    return ReadRange(db_.get(), by_name_, nullptr, column_family, start, end,
                     visit);
  }

  std::unique_ptr<KvReader> Snapshot() const override {
    return std::make_unique<RocksDbSnapshot>(db_.get(), &by_name_);
  }

  absl::StatusOr<StoreBackup> Backup(const std::string &backup_dir,
                                     const std::string &label) const override {
    return BackupRocksDb(*db_, backup_dir, label);
  }

  StoreStats Stats() const override { return RocksDbStats(*db_, handles_); }

  absl::Status Write(const WriteBatch &batch) override {
    rocksdb::WriteBatch rocks_batch;
    // Batches name few column families, mostly in runs.
    const std::string *last_name = nullptr;
    rocksdb::ColumnFamilyHandle *handle = nullptr;
    for (const WriteBatch::Op &op : batch.ops()) {
      if (last_name == nullptr || *last_name != op.column_family) {
        auto cf = Handle(op.column_family);
        if (!cf.ok()) return cf.status();
        handle = *cf;
        last_name = &op.column_family;
      }
      rocksdb::Status s = op.value ? rocks_batch.Put(handle, op.key, *op.value)
                                   : rocks_batch.Delete(handle, op.key);
      if (!s.ok()) return FromRocks(s, "batch");
    }
    rocksdb::WriteOptions write_options;
    write_options.sync = options_.sync_writes;
    return FromRocks(db_->Write(write_options, &rocks_batch), "write");
  }

 private:
  absl::StatusOr<rocksdb::ColumnFamilyHandle *> Handle(
      absl::string_view name) const {
    return FindHandle(by_name_, name);
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle *> handles_;
  std::map<std::string, rocksdb::ColumnFamilyHandle *> by_name_;
  RocksDbOptions options_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<KvStore>> OpenRocksDbStore(
    const std::string &path, const std::vector<std::string> &column_families,
    RocksDbOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage: cannot create ", path, ": ", ec.message()));
  }
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 3;
  db_options.max_total_wal_size = 64 << 20;

  rocksdb::ColumnFamilyOptions cf_options;
  rocksdb::BlockBasedTableOptions table_options;
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  cf_options.table_factory.reset(
      rocksdb::NewBlockBasedTableFactory(table_options));

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (const std::string &name : column_families) {
    if (name != rocksdb::kDefaultColumnFamilyName) {
      descriptors.emplace_back(name, cf_options);
    }
  }
  // Column families that exist on disk but are no longer named are still
  // opened, as RocksDB requires, and simply not used.
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, path, &existing).ok()) {
    for (const std::string &name : existing) {
      bool known = false;
      for (const auto &d : descriptors) known = known || d.name == name;
      if (!known) descriptors.emplace_back(name, cf_options);
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle *> handles;
  rocksdb::DB *raw_db = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(db_options, path, descriptors, &handles, &raw_db);
  if (!s.ok()) return FromRocks(s, absl::StrCat("open ", path));
  std::map<std::string, rocksdb::ColumnFamilyHandle *> by_name;
  for (rocksdb::ColumnFamilyHandle *h : handles) by_name[h->GetName()] = h;
  return std::unique_ptr<KvStore>(
      new RocksDbStore(std::unique_ptr<rocksdb::DB>(raw_db), std::move(handles),
                       std::move(by_name), options));
}

}  // namespace tonghop::storage
