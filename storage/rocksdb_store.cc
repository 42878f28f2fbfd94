#include "storage/rocksdb_store.h"

#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "rocksdb/listener.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "storage/rocksdb_backup.h"
#include "storage/rocksdb_store_impl.h"
#include "storage/rocksdb_tuning.h"

namespace tonghop::storage {
namespace {

using internal::AcknowledgedMark;
using internal::FormatBytes;

// One line on stderr, written at once so that the lines of several stores
// do not interleave.
void Log(const std::string& line) { std::cerr << (line + "\n") << std::flush; }

// The store's generation (see StoreEpoch), in the default column family,
// which the services do not use.
constexpr char kGenerationKey[] = "tonghop/generation";

absl::Status WithCondition(absl::Status status, absl::string_view condition) {
  status.SetPayload(kStorageConditionPayload, absl::Cord(condition));
  return status;
}

// The one place RocksDB's status becomes an absl::Status.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view store, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat("storage ", store, ": ", what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsNoSpace()) {
    return WithCondition(
        absl::ResourceExhaustedError(absl::StrCat(
            "storage ", store, ": the disk is full: writes are refused until space is freed, "
            "reads still work (", what, ": ", s.ToString(), ")")),
        kDiskFull);
  }
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut() || s.IsShutdownInProgress()) {
    return absl::UnavailableError(message);
  }
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return absl::FailedPreconditionError(absl::StrCat(
        message, " (is another tonghopd using this data directory?)"));
  }
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsIOError()) {
    return WithCondition(absl::UnavailableError(absl::StrCat(
                             message, " (the disk failed; writes are refused until the store "
                                      "recovers)")),
                         kDiskFailed);
  }
  return absl::InternalError(message);
}

using Handles = std::map<std::string, rocksdb::ColumnFamilyHandle*>;

// One opened RocksDB instance and its column family handles.
struct OpenDb {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  Handles by_name;
  bool read_only = false;

  ~OpenDb() {
    if (db == nullptr) return;
    for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
    db->Close().PermitUncheckedError();
  }
};

// The store's condition, shared with RocksDB's listener and the monitor.
// Logs every change once and passes it on. Thread-safe.
class ConditionTracker {
 public:
  ConditionTracker(StoreCondition initial, std::function<void(const StoreCondition&)> on_change)
      : condition_(std::move(initial)), on_change_(std::move(on_change)) {}

  void SetWritable(bool writable, const std::string& reason) {
    StoreCondition now;
    {
      absl::MutexLock lock(&mu_);
      if (condition_.writable == writable && (writable || condition_.reason == reason)) return;
      bool was_writable = condition_.writable;
      condition_.writable = writable;
      condition_.reason = writable ? "" : reason;
      now = condition_;
      if (writable) {
        Log(absl::StrCat("storage ", now.store, ": writes resumed"));
      } else if (was_writable) {
        Log(absl::StrCat("storage ", now.store, ": writes refused, reads go on: ", reason));
      }
    }
    Notify(now);
  }

  void SetSpace(uint64_t free_bytes, uint64_t capacity_bytes, bool low, absl::string_view limit) {
    StoreCondition now;
    bool changed = false;
    {
      absl::MutexLock lock(&mu_);
      changed = condition_.low_space != low;
      condition_.free_bytes = free_bytes;
      condition_.capacity_bytes = capacity_bytes;
      condition_.low_space = low;
      now = condition_;
    }
    if (!changed) return;
    if (low) {
      Log(absl::StrCat("storage ", now.store, ": WARNING: only ", FormatBytes(free_bytes),
                       " free of ", FormatBytes(capacity_bytes), " on the disk holding ", now.path,
                       ", below the warning threshold of ", limit,
                       "; writes stop when it is full"));
    } else {
      Log(absl::StrCat("storage ", now.store,
                       ": free space is back above the warning threshold (",
                       FormatBytes(free_bytes), " free)"));
    }
    Notify(now);
  }

  StoreCondition Current() const {
    absl::MutexLock lock(&mu_);
    return condition_;
  }

  void Notify(const StoreCondition& condition) {
    if (on_change_) on_change_(condition);
  }

 private:
  mutable absl::Mutex mu_;
  StoreCondition condition_ ABSL_GUARDED_BY(mu_);
  const std::function<void(const StoreCondition&)> on_change_;
};

// Tells the tracker when RocksDB stops writes for a background error and
// when its own recovery resumes them.
class ErrorListener final : public rocksdb::EventListener {
 public:
  explicit ErrorListener(std::shared_ptr<ConditionTracker> tracker)
      : tracker_(std::move(tracker)) {}

  void OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* error) override {
    if (error->IsNoSpace()) {
      tracker_->SetWritable(false, "the disk is full");
    } else if (error->severity() >= rocksdb::Status::Severity::kHardError) {
      tracker_->SetWritable(false, absl::StrCat("the disk failed: ", error->ToString()));
    }
  }

  void OnErrorRecoveryEnd(const rocksdb::BackgroundErrorRecoveryInfo& info) override {
    if (info.new_bg_error.ok()) tracker_->SetWritable(true, "");
  }

 private:
  std::shared_ptr<ConditionTracker> tracker_;
};

// The handle of one of the store's column families.
absl::StatusOr<rocksdb::ColumnFamilyHandle*> ColumnFamilyNamed(const OpenDb& open,
                                                              absl::string_view column_family) {
  auto cf = open.by_name.find(std::string(column_family));
  if (cf == open.by_name.end()) {
    return absl::InternalError(
        absl::StrCat("storage: unknown column family \"", column_family, "\""));
  }
  return cf->second;
}

absl::StatusOr<std::optional<std::string>> ReadOne(const OpenDb& open,
                                                   const rocksdb::Snapshot* snapshot,
                                                   absl::string_view store,
                                                   absl::string_view column_family,
                                                   absl::string_view key) {
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> cf = ColumnFamilyNamed(open, column_family);
  if (!cf.ok()) return cf.status();
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  std::string value;
  rocksdb::Status s = open.db->Get(read_options, *cf,
                                   rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, store, "get");
  return std::optional<std::string>(std::move(value));
}

absl::Status ReadRange(const OpenDb& open, const rocksdb::Snapshot* snapshot,
                       absl::string_view store, absl::string_view column_family,
                       absl::string_view start, absl::string_view end,
                       const std::function<bool(absl::string_view, absl::string_view)>& visit) {
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> cf = ColumnFamilyNamed(open, column_family);
  if (!cf.ok()) return cf.status();
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  rocksdb::Slice upper(end.data(), end.size());
  if (!end.empty()) read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(open.db->NewIterator(read_options, *cf));
  for (it->Seek(rocksdb::Slice(start.data(), start.size())); it->Valid(); it->Next()) {
    rocksdb::Slice k = it->key();
    rocksdb::Slice v = it->value();
    if (!visit(absl::string_view(k.data(), k.size()), absl::string_view(v.data(), v.size()))) {
      break;
    }
  }
  return FromRocks(it->status(), store, "scan");
}

// A RocksDB snapshot; released when destroyed. Keeps the instance it reads
// open.
class RocksDbSnapshot final : public KvReader {
 public:
  RocksDbSnapshot(std::shared_ptr<OpenDb> open, std::string store)
      : open_(std::move(open)), store_(std::move(store)), snapshot_(open_->db->GetSnapshot()) {}
  ~RocksDbSnapshot() override { open_->db->ReleaseSnapshot(snapshot_); }

  absl::StatusOr<std::optional<std::string>> Get(absl::string_view column_family,
                                                 absl::string_view key) const override {
    return ReadOne(*open_, snapshot_, store_, column_family, key);
  }
  absl::Status Scan(absl::string_view column_family, absl::string_view start,
                    absl::string_view end,
                    const std::function<bool(absl::string_view, absl::string_view)>& visit)
      const override {
    return ReadRange(*open_, snapshot_, store_, column_family, start, end, visit);
  }

 private:
  std::shared_ptr<OpenDb> open_;
  std::string store_;
  const rocksdb::Snapshot* snapshot_;
};

// Everything needed to open the database, again and again.
struct Setup {
  std::string path;
  std::string name;
  std::vector<std::string> column_families;
  RocksDbOptions options;
  std::unique_ptr<rocksdb::Env> env;  // set when options.file_system is
  std::shared_ptr<internal::InfoLogger> logger;
  std::shared_ptr<ConditionTracker> tracker;
  std::shared_ptr<ErrorListener> listener;
  internal::StoreMemory memory;  // the same for every reopen

  // The room RocksDB wants before it resumes writes after a full disk.
  uint64_t resume_bytes() const {
    return options.write_buffer_bytes != 0 ? options.write_buffer_bytes
                                           : internal::kDefaultWriteBufferBytes;
  }
  rocksdb::Env* rocks_env() const { return env != nullptr ? env.get() : rocksdb::Env::Default(); }
};

struct Opened {
  rocksdb::Status status;
  std::shared_ptr<OpenDb> db;
};

Opened OpenDatabase(const Setup& setup, bool read_only, rocksdb::WALRecoveryMode recovery) {
  // What is a matter of performance is chosen in TunedOptions; what follows
  // is a matter of safety (see the header).
  rocksdb::Options db_options =
      internal::TunedOptions(setup.memory, setup.options.write_buffer_bytes);
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  // RocksDB would otherwise reserve up to 64 MiB ahead of each log: on a
  // disk that fills up, that space hides the shortage from the free-space
  // warning and moves the first refused write to an arbitrary later one
  // (measured: no cost to synced writes on this project's machines).
  db_options.allow_fallocate = false;
  // Acknowledged writes survive or the open fails; see the header.
  db_options.wal_recovery_mode = recovery;
  db_options.paranoid_checks = true;
  db_options.track_and_verify_wals_in_manifest =
      recovery != rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  db_options.info_log = setup.logger;
  db_options.listeners.push_back(setup.listener);
  db_options.env = setup.rocks_env();

  rocksdb::ColumnFamilyOptions cf_options(db_options);
  cf_options.paranoid_file_checks = true;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (const std::string& name : setup.column_families) {
    if (name != rocksdb::kDefaultColumnFamilyName) descriptors.emplace_back(name, cf_options);
  }
  // Column families that exist on disk but are no longer named are still
  // opened, as RocksDB requires, and simply not used.
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, setup.path, &existing).ok()) {
    for (const std::string& name : existing) {
      bool known = false;
      for (const auto& d : descriptors) known = known || d.name == name;
      if (!known) descriptors.emplace_back(name, cf_options);
    }
  }
  Opened opened;
  auto open = std::make_shared<OpenDb>();
  open->read_only = read_only;
  rocksdb::DB* raw_db = nullptr;
  opened.status =
      read_only ? rocksdb::DB::OpenForReadOnly(db_options, setup.path, descriptors,
                                               &open->handles, &raw_db)
                : rocksdb::DB::Open(db_options, setup.path, descriptors, &open->handles, &raw_db);
  if (!opened.status.ok()) return opened;
  open->db.reset(raw_db);
  for (rocksdb::ColumnFamilyHandle* h : open->handles) open->by_name[h->GetName()] = h;
  opened.db = std::move(open);
  return opened;
}

// Why a store with acknowledged writes is not opened, and the ways out.
absl::Status Refusal(const Setup& setup, absl::string_view cause) {
  return absl::DataLossError(absl::StrCat(
      "storage ", setup.name, " (", setup.path, "): ", cause,
      ". Opening it would silently drop writes that were acknowledged to clients, so it is not "
      "opened. Ways out: restore ", setup.path,
      " from a backup, or start tonghopd with --accept-data-loss to open it at its last "
      "consistent point (a copy of the damaged log is kept, and what is dropped is recorded in ",
      (std::filesystem::path(setup.path) / std::string(kDataLossFile)).string(),
      " and on stderr)."));
}

// What a recovery lost, and what was done about it.
struct Loss {
  std::string cause;          // what was found
  std::string kept_logs;      // where the damaged logs were copied, if they were
  std::optional<uint64_t> acknowledged;
  uint64_t recovered = 0;
};

// Bumps the generation to `epoch`'s, resets the mark and records `loss`
// (in the store's data-loss file and on stderr).
absl::Status RecordLoss(const Setup& setup, const OpenDb& open, const Loss& loss,
                        AcknowledgedMark& mark, const StoreEpoch& epoch) {
  rocksdb::WriteOptions sync;
  sync.sync = true;
  rocksdb::Status s = open.db->Put(sync, open.db->DefaultColumnFamily(), kGenerationKey,
                                   absl::StrCat(epoch.generation));
  if (!s.ok()) return FromRocks(s, setup.name, "record the new generation");
  absl::Status reset = mark.Reset(loss.recovered);
  if (!reset.ok()) return reset;
  std::string dropped =
      loss.acknowledged.has_value()
          ? absl::StrCat("Writes were acknowledged up to RocksDB sequence ", *loss.acknowledged,
                         " and the store now holds them up to ", loss.recovered, ": ",
                         *loss.acknowledged - loss.recovered, " key writes (sequence ",
                         loss.recovered + 1, " to ", *loss.acknowledged, ") are dropped")
          : absl::StrCat("The store now holds writes up to RocksDB sequence ", loss.recovered,
                         "; how many acknowledged writes are dropped is unknown (there was no "
                         "acknowledged-write mark)");
  bool derived = setup.options.contents == RocksDbOptions::Contents::kDerived;
  std::string text = absl::StrCat(
      absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()), " storage ",
      setup.name, " (", setup.path, "): ",
      derived ? "opened at its last consistent point by itself (its data is derived and is "
                "recomputed from its source)"
              : "opened with --accept-data-loss",
      ". Found: ", loss.cause, ". ", dropped, ".",
      loss.kept_logs.empty() ? ""
                             : absl::StrCat(" The damaged log files are kept in ",
                                            loss.kept_logs, "."),
      " The store's epoch is now ", epoch.ToString(),
      ": whatever was derived from it is rebuilt from it.");
  Log(text);
  return internal::RecordDataLoss(setup.path, text);
}

class RocksDbStore final : public KvStore {
 public:
  RocksDbStore(std::unique_ptr<Setup> setup, std::shared_ptr<OpenDb> open,
               std::unique_ptr<AcknowledgedMark> mark, StoreEpoch epoch,
               std::optional<Loss> pending_loss)
      : setup_(std::move(setup)),
        mark_(std::move(mark)),
        epoch_(std::move(epoch)),
        current_(std::move(open)),
        pending_loss_(std::move(pending_loss)) {
    monitor_ = std::thread([this] { Monitor(); });
  }

  ~RocksDbStore() override {
    {
      absl::MutexLock lock(&stop_mu_);
      stopping_ = true;
    }
    monitor_.join();
    mark_->Sync();
    absl::MutexLock lock(&db_mu_);
    if (current_ != nullptr && !current_->read_only) {
      // A clean close leaves the data in table files, not in the log: the
      // next open replays nothing and the log's files are gone. A failed
      // flush (a full disk) leaves the log, which the open replays.
      rocksdb::FlushOptions flush;
      flush.wait = true;
      current_->db->Flush(flush, current_->handles).PermitUncheckedError();
    }
    current_.reset();
  }

  absl::StatusOr<std::optional<std::string>> Get(absl::string_view column_family,
                                                 absl::string_view key) const override {
    std::shared_ptr<OpenDb> open = Current();
    return ReadOne(*open, nullptr, setup_->name, column_family, key);
  }

  absl::Status Scan(absl::string_view column_family, absl::string_view start,
                    absl::string_view end,
                    const std::function<bool(absl::string_view, absl::string_view)>& visit)
      const override {
    std::shared_ptr<OpenDb> open = Current();
    return ReadRange(*open, nullptr, setup_->name, column_family, start, end, visit);
  }

  std::unique_ptr<KvReader> Snapshot() const override {
    return std::make_unique<RocksDbSnapshot>(Current(), setup_->name);
  }

  StoreEpoch epoch() const override { return epoch_; }

  absl::StatusOr<StoreBackup> Backup(const std::string &backup_dir,
                                     const std::string &label) const override {
    std::shared_ptr<OpenDb> open = Current();
    return BackupRocksDb(*open->db, backup_dir, label);
  }

  StoreStats Stats() const override {
    std::shared_ptr<OpenDb> open = Current();
    return RocksDbStats(*open->db, open->handles);
  }

  absl::Status Write(const WriteBatch& batch) override {
    return Apply(batch, setup_->options.sync_writes).status();
  }

  absl::StatusOr<WriteTicket> WriteUnsynced(const WriteBatch& batch) override {
    return Apply(batch, /*sync=*/false);
  }

  // The leader of a group syncs the log once for every write made before
  // it started; writers arriving meanwhile wait for the next leader, which
  // syncs theirs together.
  absl::Status AwaitDurable(WriteTicket ticket) override {
    if (!setup_->options.sync_writes) return absl::OkStatus();
    absl::MutexLock lock(&sync_mu_);
    while (synced_through_ < ticket) {
      if (syncing_) {
        synced_.Wait(&sync_mu_);
        continue;
      }
      syncing_ = true;
      std::shared_ptr<OpenDb> open = Current();
      // Every write that returned before this read is in the log files the
      // sync below covers.
      uint64_t target = open->db->GetLatestSequenceNumber();
      sync_mu_.Unlock();
      rocksdb::Status s = open->db->SyncWAL();
      sync_mu_.Lock();
      syncing_ = false;
      synced_.SignalAll();
      if (!s.ok()) {
        NoteWriteFailure(s);
        return FromRocks(s, setup_->name, "sync");
      }
      synced_through_ = std::max(synced_through_, target);
      mark_->Advance(target);
    }
    return absl::OkStatus();
  }

 private:
  // Writes the batch, synced or not; returns the sequence number of the
  // store's latest write after it (at or above the batch's own).
  absl::StatusOr<WriteTicket> Apply(const WriteBatch& batch, bool sync) {
    std::shared_ptr<OpenDb> open = Current();
    if (open->read_only) {
      return WithCondition(
          absl::ResourceExhaustedError(absl::StrCat(
              "storage ", setup_->name, ": the disk was full when the store opened, so it is "
              "read-only: writes are refused until space is freed, reads still work")),
          kDiskFull);
    }
    rocksdb::WriteBatch rocks_batch;
    // Batches name few column families, mostly in runs.
    const std::string* last_name = nullptr;
    rocksdb::ColumnFamilyHandle* handle = nullptr;
    for (const WriteBatch::Op& op : batch.ops()) {
      if (last_name == nullptr || *last_name != op.column_family) {
        absl::StatusOr<rocksdb::ColumnFamilyHandle*> cf = ColumnFamilyNamed(*open, op.column_family);
        if (!cf.ok()) return cf.status();
        handle = *cf;
        last_name = &op.column_family;
      }
      rocksdb::Status s = op.value ? rocks_batch.Put(handle, op.key, *op.value)
                                   : rocks_batch.Delete(handle, op.key);
      if (!s.ok()) return FromRocks(s, setup_->name, "batch");
    }
    rocksdb::WriteOptions write_options;
    write_options.sync = sync;
    rocksdb::Status s = open->db->Write(write_options, &rocks_batch);
    if (s.ok()) {
      WriteTicket latest = open->db->GetLatestSequenceNumber();
      // A synced write syncs every write before it (the log is written in
      // order), so each one published so far is durable.
      if (sync) mark_->Advance(latest);
      return latest;
    }
    NoteWriteFailure(s);
    return FromRocks(s, setup_->name, "write");
  }

  void NoteWriteFailure(const rocksdb::Status& s) {
    if (s.IsNoSpace()) {
      setup_->tracker->SetWritable(false, "the disk is full");
      // The free space is measured now, not at the next interval, so that
      // a store refusing writes for a full disk is not shown with room.
      CheckSoon();
    } else if (s.IsIOError()) {
      setup_->tracker->SetWritable(false, absl::StrCat("the disk failed: ", s.ToString()));
    }
  }

  std::shared_ptr<OpenDb> Current() const {
    absl::ReaderMutexLock lock(&db_mu_);
    return current_;
  }

  // Wakes the monitor before its interval is up.
  void CheckSoon() {
    absl::MutexLock lock(&stop_mu_);
    check_now_ = true;
  }

  bool StoppingOrCheckNow() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(stop_mu_) {
    return stopping_ || check_now_;
  }

  // Every check_interval (or sooner, on CheckSoon): syncs the acknowledged
  // mark, measures free space, and gets a stopped store writing again once
  // there is room.
  void Monitor() {
    for (bool first = true;; first = false) {
      if (!first) {
        absl::MutexLock lock(&stop_mu_);
        stop_mu_.AwaitWithTimeout(absl::Condition(this, &RocksDbStore::StoppingOrCheckNow),
                                  setup_->options.check_interval);
        if (stopping_) return;
        check_now_ = false;
      }
      mark_->Sync();
      std::optional<uint64_t> free_bytes = MeasureSpace();
      bool room = free_bytes.has_value() && *free_bytes >= setup_->resume_bytes();
      std::shared_ptr<OpenDb> open = Current();
      if (open->read_only) {
        if (room) ReopenForWrites();
      } else if (!setup_->tracker->Current().writable && room) {
        // OK when RocksDB is not stopped (any more); Busy while its own
        // recovery runs, which reports through the listener.
        if (open->db->Resume().ok()) setup_->tracker->SetWritable(true, "");
      }
    }
  }

  std::optional<uint64_t> MeasureSpace() {
    uint64_t free_bytes = 0;
    if (!setup_->rocks_env()->GetFreeSpace(setup_->path, &free_bytes).ok()) return std::nullopt;
    absl::StatusOr<internal::DiskSpace> space = internal::MeasureDiskSpace(setup_->path);
    uint64_t capacity = space.ok() ? space->capacity_bytes : 0;
    const DiskThreshold& threshold = setup_->options.low_disk_warning;
    uint64_t limit =
        threshold.bytes != 0
            ? threshold.bytes
            : static_cast<uint64_t>(threshold.fraction * static_cast<double>(capacity));
    std::string limit_text = threshold.bytes != 0
                                 ? FormatBytes(threshold.bytes)
                                 : absl::StrCat(threshold.fraction * 100, "%");
    setup_->tracker->SetSpace(free_bytes, capacity, free_bytes < limit, limit_text);
    return free_bytes;
  }

  void ReopenForWrites() {
    Opened opened =
        OpenDatabase(*setup_, false, rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords);
    if (!opened.status.ok()) return;  // tried again at the next check
    if (pending_loss_.has_value()) {
      absl::Status recorded = RecordLoss(*setup_, *opened.db, *pending_loss_, *mark_, epoch_);
      if (!recorded.ok()) {
        Log(absl::StrCat("storage ", setup_->name, ": ", recorded.message()));
        return;
      }
      pending_loss_.reset();
    }
    {
      absl::MutexLock lock(&db_mu_);
      current_ = std::move(opened.db);
    }
    setup_->tracker->SetWritable(true, "");
  }

 private:
  std::unique_ptr<Setup> setup_;
  std::unique_ptr<AcknowledgedMark> mark_;
  const StoreEpoch epoch_;
  mutable absl::Mutex db_mu_;
  std::shared_ptr<OpenDb> current_ ABSL_GUARDED_BY(db_mu_);
  // Group commit (AwaitDurable): the latest sequence known synced, and
  // whether a leader is syncing now.
  absl::Mutex sync_mu_;
  absl::CondVar synced_;
  uint64_t synced_through_ ABSL_GUARDED_BY(sync_mu_) = 0;
  bool syncing_ ABSL_GUARDED_BY(sync_mu_) = false;
  // A loss accepted while the disk was too full to record it; recorded when
  // the store reopens for writing (touched by the monitor thread only).
  std::optional<Loss> pending_loss_;
  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
  bool check_now_ ABSL_GUARDED_BY(stop_mu_) = false;
  std::thread monitor_;
};

}  // namespace

absl::StatusOr<DiskThreshold> ParseDiskThreshold(absl::string_view text) {
  DiskThreshold threshold;
  absl::string_view rest = text;
  auto invalid = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a disk threshold: give a percentage (10%) or a size (2G, 500M)"));
  };
  if (absl::ConsumeSuffix(&rest, "%")) {
    double percent = 0;
    if (!absl::SimpleAtod(rest, &percent) || percent < 0 || percent >= 100) return invalid();
    threshold.fraction = percent / 100;
    return threshold;
  }
  uint64_t multiplier = 1;
  if (absl::ConsumeSuffix(&rest, "K") || absl::ConsumeSuffix(&rest, "k")) {
    multiplier = 1ULL << 10;
  } else if (absl::ConsumeSuffix(&rest, "M")) {
    multiplier = 1ULL << 20;
  } else if (absl::ConsumeSuffix(&rest, "G")) {
    multiplier = 1ULL << 30;
  } else if (absl::ConsumeSuffix(&rest, "T")) {
    multiplier = 1ULL << 40;
  }
  uint64_t count = 0;
  if (!absl::SimpleAtoi(rest, &count) || count == 0) return invalid();
  threshold.fraction = 0;
  threshold.bytes = count * multiplier;
  return threshold;
}

absl::StatusOr<std::unique_ptr<KvStore>> OpenRocksDbStore(
    const std::string& path, const std::vector<std::string>& column_families,
    RocksDbOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage: cannot create ", path, ": ", ec.message()));
  }
  auto setup = std::make_unique<Setup>();
  setup->path = path;
  setup->name = options.name.empty() ? path : options.name;
  setup->column_families = column_families;
  setup->options = std::move(options);
  if (setup->options.file_system != nullptr) {
    setup->env = rocksdb::NewCompositeEnv(setup->options.file_system);
  }
  StoreCondition initial;
  initial.store = setup->name;
  initial.path = path;
  setup->tracker =
      std::make_shared<ConditionTracker>(initial, setup->options.on_condition);
  setup->listener = std::make_shared<ErrorListener>(setup->tracker);
  setup->memory = internal::NewStoreMemory();
  setup->logger = std::make_shared<internal::InfoLogger>(path);
  const std::string& name = setup->name;
  const bool derived = setup->options.contents == RocksDbOptions::Contents::kDerived;
  const bool accept = derived || setup->options.accept_data_loss;

  absl::StatusOr<std::unique_ptr<AcknowledgedMark>> mark = AcknowledgedMark::Open(path);
  if (!mark.ok()) {
    return absl::Status(mark.status().code(),
                        absl::StrCat("storage ", name, ": ", mark.status().message()));
  }
  if ((*mark)->unreadable()) {
    Log(absl::StrCat("storage ", name, ": WARNING: the acknowledged-write mark in ", path,
                     " is unreadable; this open cannot check that no acknowledged write is "
                     "missing"));
  }

  std::optional<Loss> loss;
  Opened opened =
      OpenDatabase(*setup, false, rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords);
  if (!opened.status.ok() && opened.status.IsNoSpace()) {
    opened = OpenDatabase(*setup, true, rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords);
    if (opened.status.ok()) {
      Log(absl::StrCat("storage ", name,
                       ": the disk is full: opened read-only; writes resume by themselves once "
                       "space is freed"));
    }
  }
  if (!opened.status.ok() && opened.status.IsCorruption()) {
    std::string cause =
        absl::StrCat("the write-ahead log is damaged before its last synced write (",
                     opened.status.ToString(), ")");
    if (!accept) {
      return Refusal(*setup, cause);
    }
    loss.emplace();
    loss->cause = cause;
    if (!derived) {
      absl::StatusOr<std::string> kept = internal::KeepDamagedLogs(path);
      if (!kept.ok()) {
        return absl::Status(kept.status().code(),
                            absl::StrCat("storage ", name, ": ", cause,
                                         "; a copy of the damaged log must be kept before "
                                         "opening without it, and it cannot be: ",
                                         kept.status().message()));
      }
      loss->kept_logs = *kept;
    }
    opened = OpenDatabase(*setup, false, rocksdb::WALRecoveryMode::kPointInTimeRecovery);
    if (!opened.status.ok()) {
      return absl::DataLossError(absl::StrCat(
          "storage ", name, " (", path, "): ", cause,
          "; it cannot be opened at a consistent point before the damage either (",
          opened.status.ToString(), "). Restore ", path, " from a backup",
          derived ? " or remove it: its data is recomputed from its source" : "", "."));
    }
  }
  if (!opened.status.ok()) return FromRocks(opened.status, name, absl::StrCat("open ", path));
  std::shared_ptr<OpenDb> open = std::move(opened.db);

  const uint64_t recovered = open->db->GetLatestSequenceNumber();
  const std::optional<uint64_t> acknowledged = (*mark)->value();
  if (acknowledged.has_value() && recovered < *acknowledged) {
    std::string cause = absl::StrCat(
        "the write-ahead log ends before the last acknowledged write: it holds writes up to "
        "RocksDB sequence ",
        recovered, " but writes up to ", *acknowledged, " were acknowledged (",
        *acknowledged - recovered, " key writes are missing: the log was cut short or lost)");
    if (!accept) {
      return Refusal(*setup, cause);
    }
    if (!loss.has_value()) {
      loss.emplace();
      loss->cause = cause;
    }
  }

  StoreEpoch epoch;
  rocksdb::Status identity = open->db->GetDbIdentity(epoch.id);
  if (!identity.ok()) return FromRocks(identity, name, "read the store's identity");
  std::string generation;
  rocksdb::Status got =
      open->db->Get(rocksdb::ReadOptions(), open->db->DefaultColumnFamily(), kGenerationKey,
                    &generation);
  if (got.ok()) {
    if (!absl::SimpleAtoi(generation, &epoch.generation)) {
      return absl::DataLossError(
          absl::StrCat("storage ", name, ": unreadable generation \"", generation, "\""));
    }
  } else if (!got.IsNotFound()) {
    return FromRocks(got, name, "read the store's generation");
  }
  if (loss.has_value()) {
    loss->acknowledged = acknowledged;
    loss->recovered = recovered;
    ++epoch.generation;
    if (open->read_only) {
      Log(absl::StrCat("storage ", name, ": ", loss->cause,
                       "; the loss is recorded once the disk has room to record it"));
    } else {
      absl::Status recorded = RecordLoss(*setup, *open, *loss, **mark, epoch);
      if (!recorded.ok()) return recorded;
      loss.reset();
    }
  }
  if (open->read_only) {
    setup->tracker->SetWritable(
        false, "the disk was full when the store opened: read-only until space is freed");
  }
  setup->tracker->Notify(setup->tracker->Current());
  return std::unique_ptr<KvStore>(new RocksDbStore(std::move(setup), std::move(open),
                                                   *std::move(mark), std::move(epoch),
                                                   std::move(loss)));
}

absl::StatusOr<std::unique_ptr<KvStore>> OpenRocksDbStoreWithLayout(const std::string& path,
                                                                    const StoreLayout& layout,
                                                                    RocksDbOptions options) {
  if (options.name.empty()) options.name = layout.store;
  absl::StatusOr<std::unique_ptr<KvStore>> store =
      OpenRocksDbStore(path, ColumnFamilyNames(layout.column_families), std::move(options));
  if (!store.ok()) return store.status();
  absl::StatusOr<LayoutUpgrade> upgrade = UpgradeLayout(store->get(), layout);
  if (!upgrade.ok()) return upgrade.status();
  return store;
}

}  // namespace tonghop::storage
