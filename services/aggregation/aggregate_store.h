#ifndef TONGHOP_SERVICES_AGGREGATION_AGGREGATE_STORE_H_
#define TONGHOP_SERVICES_AGGREGATION_AGGREGATE_STORE_H_

// The roll-up table, maintained incrementally from the Submissions change
// feed.
//
// Layers. Every record exists in two layers: "a" counts accepted reports
// only (the default for queries), "u" counts submitted-or-accepted reports
// (queries with include_unreviewed). A SUBMITTED change puts the revision in
// "u" and takes the agency out of "a"; ACCEPTED puts it in both; RETURNED
// takes it out of both.
//
// Records, per layer, plan and period:
//   contribution head (agency)                   → the revision that counts,
//                                                   without its values, and the
//                                                   subtree roots it was added
//                                                   to
//   contribution body (agency)                   → that whole report
//   sum           (root, indicator, cell)        → exact sum in millionths and
//                                                   the number of contributors
//   value         (indicator, cell, agency)      → the agency's value and
//                                                   submit time
//   subtree       (root)                         → how many reports count
//                                                   under root, and a digest
//                                                   of whose (MemberHash)
// and, once per plan and period, each agency's latest report state; per
// generation, the hierarchy every head's roots were taken from (absent
// while contributions are being re-homed). Their keys and the layout
// version are in aggregate_schema.h.
// A newer revision replaces the older one's contribution: the stored
// contribution is subtracted from exactly the roots it was added to, then
// the new one is added; accepting the revision already counted as submitted
// moves no figure. Sums are kept for every indicator whatever its
// aggregation, and MAX and LATEST of a subtree are read from the value index
// (one short scan of the agencies that reported the cell), so a change of an
// indicator's definition needs no recomputation.
//
// Atomicity. A batch of changes is applied together with the feed position
// it reaches in one WriteBatch: after a crash the position says
// exactly which changes are in the table, so none is applied twice or
// skipped. Batching is what keeps the national and provincial sums, which
// every change touches, from being rewritten once per change.
//
// Generations. All records live under a generation number; the active
// generation is named in the meta column family. A rebuild builds a fresh
// generation from the feed, from sequence 0, by plan and period on every
// core (ReplayPartitioned), catches up with the live table change by
// change, and swaps it in with one write.
// Generations other than the active one (a rebuild that crashed, a swap
// whose clean-up did not finish, another layout) are left for
// DropLeftovers(), which the server runs after it listens.
//
// The feed mark. With the position, each batch stores the feed epoch the
// changes came from and a digest of the last change applied, so that a
// reader can tell a feed that was rewound or replaced (a restored backup, a
// store reopened without changes it had acknowledged) from the one the
// table was built from: the table is then rebuilt from the feed as it is.
//
// Thread safety: all methods are thread-safe. Changes, re-homing and
// rebuilds are serialized; reads (Read) run on a storage snapshot, so they
// see one consistent state, including the feed position it reflects, and
// never wait for a write. Does not own `store`.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "services/aggregation/aggregate_schema.h"
#include "services/aggregation/aggregation_records.pb.h"
#include "services/aggregation/change_journal.h"
#include "services/aggregation/hierarchy.h"
#include "services/common/decimal.h"
#include "storage/kv_store.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop::aggregation {

// Where in which feed a table is: the epoch of the changes applied, the
// last one's sequence and a digest of it (both empty for a table built
// before marks were kept, and for an empty one).
struct FeedMark {
  std::string epoch;
  int64_t sequence = 0;
  std::string digest;
};

// An agency's share of a subtree's members digest (records::Subtree): the
// first 8 bytes of the SHA-256 of its name, so that digests are the same in
// every process and every build of the table.
uint64_t MemberHash(absl::string_view agency);

// A digest of a change as the feed holds it (its epoch aside).
std::string ChangeDigest(const v1::Change& change);

// The change feed, read to its current end. Implementations need not be
// thread-safe; each rebuild uses its own.
class ChangeSource {
 public:
  virtual ~ChangeSource() = default;
  // Calls `visit` for every change with a sequence above `after_sequence`,
  // in order, up to the end of the feed as it stands; stops at the first
  // error `visit` returns and returns it.
  virtual absl::Status ReadToEnd(int64_t after_sequence,
                                 const std::function<absl::Status(const v1::Change&)>& visit) = 0;
};

// The canonical text of a cell for keys: "dim=option,dim=option" sorted by
// dimension; "" for the total.
std::string CellKey(const google::protobuf::Map<std::string, std::string>& cells);
std::map<std::string, std::string> ParseCellKey(absl::string_view key);

// A report's values combined per (indicator, cell key), in millionths.
// Values that do not parse are skipped (the submissions service validates
// them; the feed must never stall on one).
std::map<std::pair<std::string, std::string>, Micros> ReportValues(const v1::Report& report);

// A consistent view of the active generation (a storage snapshot), valid
// only inside the AggregateStore::Read() callback that receives it. Not
// thread-safe: use it from that callback's thread.
class AggregateReader {
 public:
  ~AggregateReader();
  AggregateReader(const AggregateReader&) = delete;
  AggregateReader& operator=(const AggregateReader&) = delete;

  struct SumValue {
    Micros micros = 0;
    int64_t contributors = 0;
  };

  std::optional<SumValue> Sum(Layer layer, absl::string_view plan, absl::string_view period,
                              absl::string_view root, absl::string_view indicator,
                              absl::string_view cell) const;
  // Who counts in `root`'s subtree: how many reports, and a digest of
  // their agencies that is the same for the same agencies and differs
  // otherwise (but with odds of 2^-64); zeros for none. One read, however
  // many agencies the subtree has.
  struct Counted {
    int64_t reports = 0;
    uint64_t members = 0;
  };
  Counted CountedIn(Layer layer, absl::string_view plan, absl::string_view period,
                    absl::string_view root) const;
  // CountedIn(...).reports.
  int64_t ReportsCounted(Layer layer, absl::string_view plan, absl::string_view period,
                         absl::string_view root) const;
  // The Hierarchy::fingerprint() that gave every contribution its roots;
  // empty while contributions are being re-homed. When it is the
  // fingerprint of a hierarchy, every head's roots are that hierarchy's
  // Roots() of its agency, so an agency counts in a subtree it is in
  // exactly when it has a head.
  const std::string& placed_with() const;
  // Every cell of an indicator with a sum, by cell key.
  std::map<std::string, SumValue> Sums(Layer layer, absl::string_view plan,
                                       absl::string_view period, absl::string_view root,
                                       absl::string_view indicator) const;
  // The largest value any contributor in `root`'s subtree reported for the
  // cell.
  std::optional<Micros> Max(Layer layer, absl::string_view plan, absl::string_view period,
                            absl::string_view root, absl::string_view indicator,
                            absl::string_view cell) const;
  // The value of the contributor in `root`'s subtree that submitted last
  // (among equal submit times, the first agency by name).
  std::optional<Micros> Latest(Layer layer, absl::string_view plan, absl::string_view period,
                               absl::string_view root, absl::string_view indicator,
                               absl::string_view cell) const;
  // Each contributor's value of the cell, for the contributors in `root`'s
  // subtree, by agency (one short scan of the value index).
  std::map<std::string, Micros> Values(Layer layer, absl::string_view plan,
                                       absl::string_view period, absl::string_view root,
                                       absl::string_view indicator,
                                       absl::string_view cell) const;
  // The dimensions each contributor in `root`'s subtree broke an indicator
  // down by one at a time (gave at least one one-dimension cell of), by
  // agency; agencies that gave only the total or crossed cells are absent.
  std::map<std::string, std::set<std::string>> BreakdownDimensions(
      Layer layer, absl::string_view plan, absl::string_view period, absl::string_view root,
      absl::string_view indicator) const;
  // The head of every contribution of a plan and period, by agency: each
  // report without its values and progress (see Contribution() for those).
  std::map<std::string, records::Contribution> Contributions(Layer layer, absl::string_view plan,
                                                             absl::string_view period) const;
  // One agency's contribution head (as Contributions() gives it).
  std::optional<records::Contribution> Head(Layer layer, absl::string_view plan,
                                            absl::string_view period,
                                            absl::string_view agency) const;
  // One agency's contribution with its whole report.
  std::optional<records::Contribution> Contribution(Layer layer, absl::string_view plan,
                                                    absl::string_view period,
                                                    absl::string_view agency) const;
  // Every agency's latest report state for a plan and period, by agency.
  std::map<std::string, records::ReportStatus> Statuses(absl::string_view plan,
                                                        absl::string_view period) const;
  // One agency's latest report state (as Statuses() gives it).
  std::optional<records::ReportStatus> Status(absl::string_view plan, absl::string_view period,
                                              absl::string_view agency) const;
  // The periods of a plan for which any report was ever seen.
  std::vector<std::string> Periods(absl::string_view plan) const;

  int64_t applied_sequence() const { return applied_sequence_; }
  // The generation of the table the reader sees (a rebuild's swap starts
  // another).
  uint64_t generation() const { return generation_; }
  // When the change at applied_sequence() happened; InfinitePast() when
  // nothing was applied (or the table predates this record).
  absl::Time applied_time() const { return applied_time_; }
  // The first error met while reading (reads return empty results after it).
  absl::Status status() const;

 private:
  friend class AggregateStore;
  AggregateReader(std::unique_ptr<storage::KvReader> view, uint64_t generation, int64_t applied,
                  absl::Time applied_time);
  void Fail(const absl::Status& status) const;
  // Calls `visit` with what follows `prefix` in each key under it and the
  // record there, in key order; a key or record that does not read, or
  // that `visit` finds malformed (returns false), fails the reader as a
  // corrupt `what` and ends the scan.
  template <typename Record>
  void ForEachRecord(
      const std::string& prefix, const char* what,
      const std::function<bool(const std::string& rest, const Record& record)>& visit) const;
  // The record at `key` in the data column family; nullopt when there is
  // none, or when it does not read (which fails the reader as a corrupt
  // `what`).
  template <typename Record>
  std::optional<Record> ReadRecord(const std::string& key, const char* what) const;
  // Every record under `prefix`, by the agency that ends its key.
  template <typename Record>
  std::map<std::string, Record> RecordsByAgency(const std::string& prefix,
                                                const char* what) const;
  // The roots of every contribution of a layer, plan and period, read once
  // per reader.
  const std::map<std::string, std::vector<std::string>>& RootsOf(Layer layer,
                                                                 absl::string_view plan,
                                                                 absl::string_view period) const;
  // Calls `visit` for each value of the cell given by an agency in `root`'s
  // subtree, in agency name order.
  void ForEachIndexed(
      Layer layer, absl::string_view plan, absl::string_view period, absl::string_view root,
      absl::string_view indicator, absl::string_view cell,
      const std::function<void(const std::string& agency, Micros micros, int64_t submit_micros)>&
          visit) const;
  std::optional<Micros> Indexed(Layer layer, absl::string_view plan, absl::string_view period,
                                absl::string_view root, absl::string_view indicator,
                                absl::string_view cell, bool latest) const;

  std::unique_ptr<storage::KvReader> view_;
  uint64_t generation_;
  int64_t applied_sequence_;
  absl::Time applied_time_;
  mutable absl::Status status_;
  mutable std::map<std::string, std::map<std::string, std::vector<std::string>>> roots_;
  mutable std::optional<std::string> placed_with_;
  // BreakdownDimensions of a small subtree, for every indicator at once:
  // by (layer code, plan, period, root), then indicator.
  mutable std::map<std::tuple<std::string, std::string, std::string, std::string>,
                   std::map<std::string, std::map<std::string, std::set<std::string>>>>
      breakdowns_;
};

class AggregateStore {
 public:
  // Opens the table in `store` (which must have AggregationColumnFamilies(),
  // and be at AggregationLayout()'s version: storage::UpgradeLayout),
  // starting a new, empty generation when none is active (a new table, or
  // a migration started the roll-ups over). Generations a crashed rebuild
  // or an older layout left behind stay until DropLeftovers().
  static absl::StatusOr<std::unique_ptr<AggregateStore>> Open(storage::KvStore* store);

  // Deletes every generation Open() found besides the active one, page by
  // page; the table serves meanwhile. Stops (CANCELLED) between pages once
  // `go_on` returns false; what is left is dropped next time. Returns how
  // many it dropped.
  absl::StatusOr<int> DropLeftovers(const std::function<bool()>& go_on = nullptr);
  // The generations DropLeftovers() has still to drop.
  std::vector<uint64_t> leftover_generations() const;

  // The feed position the active table reflects.
  int64_t applied_sequence() const { return applied_sequence_.load(); }
  // Where in which feed the active table is.
  FeedMark feed_mark() const;

  // Applies the changes whose sequences are above the applied position, in
  // order (`changes` is in feed order, all of one feed epoch), with the last
  // one's position and feed mark in one batch: all of them or none. The
  // batch is read at once and not synced (KvStore::WriteUnsynced): after a
  // power loss the table resumes from an earlier position of the feed.
  // Changes of another epoch than the table's are refused
  // (FAILED_PRECONDITION): the table must be rebuilt from that feed. If
  // `hierarchy` differs from the one contributions were placed with,
  // re-homes them first.
  absl::Status ApplyBatch(absl::Span<const v1::Change> changes, const Hierarchy& hierarchy);
  // ApplyBatch of one change.
  absl::Status Apply(const v1::Change& change, const Hierarchy& hierarchy);

  // Moves every contribution whose subtree roots under `hierarchy` differ
  // from the ones it was added to; one batch per contribution moved. A no-op
  // when contributions were last placed with this same hierarchy.
  absl::Status Rehome(const Hierarchy& hierarchy);

  struct RebuildResult {
    int64_t applied_sequence = 0;
    int64_t changes_replayed = 0;
    int64_t records = 0;
    std::string rebuilt_digest;
    std::string previous_digest;
    int64_t previous_sequence = 0;
    bool identical = false;
    bool swapped = false;
    // The feed ends before the live table's position, or is another epoch's:
    // the live table was built from a feed that was rewound or replaced.
    bool rewound = false;
    std::string feed_epoch;
  };
  // Replays `source` from sequence 0 into a fresh generation with
  // `hierarchy`, catches up with the live position, compares, and (unless
  // `verify_only`) makes it the active table in one write. The live table
  // keeps serving and advancing until the swap. When the feed turns out to
  // be rewound or replaced, the rebuilt table is what it holds, and is
  // swapped in all the same (`rewound` says so). One rebuild at a time
  // (ABORTED while another runs). `write_swap`, when given, writes the
  // swap's batch instead of the store (the audit trail adds its record to
  // it and writes it).
  using BatchWriter = std::function<absl::Status(storage::WriteBatch&)>;
  absl::StatusOr<RebuildResult> Rebuild(ChangeSource& source, const Hierarchy& hierarchy,
                                        bool verify_only,
                                        const BatchWriter& write_swap = nullptr);

  // Runs `read` on a consistent view of the active table; returns its
  // status, or the first storage error the reader met.
  absl::Status Read(const std::function<absl::Status(const AggregateReader&)>& read) const;

  // The changes applied lately, for queries that keep counts up to date
  // by reading only what changed (see ChangeJournal's contract).
  const ChangeJournal& journal() const { return journal_; }

  // Called (on the applying thread, no lock held) after the applied position
  // advances. Set once, before changes are applied.
  void SetListener(std::function<void(int64_t)> listener) { listener_ = std::move(listener); }

  // Every record of the active table with its generation prefix removed, in
  // key order: what "byte-for-byte the same" compares.
  absl::StatusOr<std::vector<storage::KeyValue>> DumpActive() const;
  // Checksum and count of the active table's records.
  absl::StatusOr<std::pair<std::string, int64_t>> DigestActive() const;
  uint64_t active_generation() const;

  // Records deleted per write when a generation is dropped (5000).
  void SetDropPageSizeForTesting(size_t records) { drop_page_size_ = records; }
  // Bytes of records a rebuild's worker writes at a time (4 MiB).
  void SetRebuildBatchBytesForTesting(size_t bytes) { rebuild_batch_bytes_ = bytes; }

 private:
  explicit AggregateStore(storage::KvStore* store) : store_(store) {}
  class Staging;

  absl::Status Init();
  // Stages what `change` does to the table; returns whose records it wrote
  // (for the journal), nullopt for a change that touches nothing.
  absl::StatusOr<std::optional<ChangeJournal::Entry>> StageChange(Staging& staging,
                                                                  uint64_t generation,
                                                                  const v1::Change& change,
                                                                  const Hierarchy& hierarchy);
  absl::Status StageValues(Staging& staging, uint64_t generation, Layer layer,
                           absl::string_view plan, absl::string_view period,
                           absl::string_view agency, const v1::Report& report,
                           const std::vector<std::string>& roots, int sign,
                           bool alone_in_own_subtree);
  // A snapshot with the active generation and position it holds.
  struct View {
    std::unique_ptr<storage::KvReader> snapshot;
    uint64_t generation = 0;
    int64_t applied_sequence = 0;
    absl::Time applied_time = absl::InfinitePast();
  };
  absl::StatusOr<View> OpenView() const;
  // Stages moving one contribution to `roots`; false when it is there already.
  absl::StatusOr<bool> StageRehome(Staging& staging, uint64_t generation, absl::string_view key,
                                   const records::Contribution& contribution,
                                   const std::vector<std::string>& roots);
  absl::StatusOr<std::pair<std::string, int64_t>> Digest(const storage::KvReader& view,
                                                         uint64_t generation) const;
  absl::Status DropGeneration(uint64_t generation,
                              const std::function<bool()>& go_on = nullptr);
  struct Replayed {
    int64_t position = 0;  // the last sequence staged
    int64_t changes = 0;   // how many changes were applied
    FeedMark mark;         // of the last change staged (empty when none)
  };
  absl::StatusOr<Replayed> ReplayInto(ChangeSource& source, uint64_t generation, int64_t after,
                                      const FeedMark& from, const Hierarchy& hierarchy);
  // Replays `source` from sequence 0 into the empty `generation` by plan
  // and period: within one, only each agency's final state counts. A first
  // pass finds it (which change's report counts in each layer, and which
  // set the head and the status); a second reads only those changes and
  // hands them, by agency, to one thread per core, which writes each
  // agency's records once (its head, body, value index entries and status)
  // and counts the partition's subtrees in memory; a third adds up the
  // sums from the value index, a layer of a plan and period per core and
  // one cell at a time (WriteSumsFromValues). Writes go in batches of
  // about rebuild_batch_bytes_. The table is the one ReplayInto would
  // build, byte for byte. Memory holds a few small fields per report, the
  // subtree counts of the partitions being built, and one cell's sums per
  // core: not the sums of a whole plan and period. A feed that no longer
  // holds what the first pass read fails it (ABORTED).
  absl::StatusOr<Replayed> ReplayPartitioned(ChangeSource& source, uint64_t generation,
                                             const Hierarchy& hierarchy);
  // Stages the feed mark of `generation` after `last` into `batch`.
  static void PutMark(storage::WriteBatch& batch, uint64_t generation, const FeedMark& mark);
  absl::StatusOr<FeedMark> ReadMark(const storage::KvReader& view, uint64_t generation) const;
  absl::Status RehomeLocked(const Hierarchy& hierarchy) ABSL_EXCLUSIVE_LOCKS_REQUIRED(apply_mu_);
  // Stages placed_with_ as the table's placement, unless it is written.
  void PutPlacement(storage::WriteBatch& batch, uint64_t generation)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(apply_mu_);
  void Notify();

  storage::KvStore* store_;
  // Serializes changes to the active table (apply, re-home, swap).
  absl::Mutex apply_mu_;
  // One rebuild at a time.
  absl::Mutex rebuild_mu_;
  // Guards the in-memory copy of the active generation's number (readers
  // take theirs from the snapshot).
  mutable absl::Mutex state_mu_;
  uint64_t active_ ABSL_GUARDED_BY(state_mu_) = 0;
  uint64_t next_generation_ ABSL_GUARDED_BY(apply_mu_) = 0;
  std::atomic<int64_t> applied_sequence_{0};
  FeedMark feed_mark_ ABSL_GUARDED_BY(state_mu_);
  std::vector<uint64_t> leftovers_ ABSL_GUARDED_BY(state_mu_);
  std::string placed_with_ ABSL_GUARDED_BY(apply_mu_);  // hierarchy fingerprint
  // Whether the table says so (PlacedKey); written with the next batch.
  bool placement_written_ ABSL_GUARDED_BY(apply_mu_) = false;
  ChangeJournal journal_;
  std::function<void(int64_t)> listener_;
  size_t drop_page_size_ = 5000;
  size_t rebuild_batch_bytes_ = 4 << 20;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_AGGREGATE_STORE_H_
