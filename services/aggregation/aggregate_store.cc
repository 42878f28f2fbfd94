#include "services/aggregation/aggregate_store.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <iostream>
#include <thread>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/common/resource_names.h"
#include "services/common/secrets.h"
#include "services/common/status_macros.h"
#include "storage/key_encoding.h"

namespace tonghop::aggregation {
namespace {

using storage::KvStore;
using storage::WriteBatch;

std::string Serialize(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

int64_t SubmitMicros(const v1::Report& report) {
  return report.submit_time().seconds() * 1000000 + report.submit_time().nanos() / 1000;
}

int64_t ChangeMicros(const v1::Change& change) {
  return change.time().seconds() * 1000000 + change.time().nanos() / 1000;
}

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("aggregation store: unreadable ", what));
}

std::string SubtreeRecord(int64_t contributors, uint64_t members) {
  records::Subtree subtree;
  subtree.set_contributors(contributors);
  subtree.set_members(members);
  return Serialize(subtree);
}

uint64_t Fnv(uint64_t hash, absl::string_view bytes) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

uint64_t MemberHash(absl::string_view agency) {
  return *storage::DecodeFixed64(Sha256(agency).substr(0, 8));
}

std::string ChangeDigest(const v1::Change& change) {
  v1::Change copy = change;
  copy.clear_epoch();
  std::string bytes = Serialize(copy);
  return absl::StrFormat("%016x%016x", Fnv(0xcbf29ce484222325ULL, bytes),
                         Fnv(0x84222325cbf29ce4ULL, bytes));
}

std::string CellKey(const google::protobuf::Map<std::string, std::string>& cells) {
  std::map<std::string, std::string> sorted(cells.begin(), cells.end());
  std::vector<std::string> parts;
  for (const auto& [dimension, option] : sorted)
    parts.push_back(absl::StrCat(dimension, "=", option));
  return absl::StrJoin(parts, ",");
}

std::map<std::string, std::string> ParseCellKey(absl::string_view key) {
  std::map<std::string, std::string> cells;
  if (key.empty()) return cells;
  for (absl::string_view part : absl::StrSplit(key, ',')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    cells[kv.first] = kv.second;
  }
  return cells;
}

std::map<std::pair<std::string, std::string>, Micros> ReportValues(const v1::Report& report) {
  std::map<std::pair<std::string, std::string>, Micros> values;
  for (const v1::Value& value : report.values()) {
    Micros micros = 0;
    if (value.value_case() == v1::Value::kIntValue) {
      micros = FromInt(value.int_value());
    } else if (value.value_case() == v1::Value::kDecimalValue) {
      absl::StatusOr<Micros> parsed = ParseDecimal(value.decimal_value(), "value");
      if (!parsed.ok()) continue;
      micros = *parsed;
    } else {
      continue;
    }
    values[{value.indicator(), CellKey(value.cells())}] += micros;
  }
  return values;
}

// Pending writes over the store, read back by later steps of the same batch:
// a batch of changes touches the same provincial and national sums many
// times, and they are read from the store and written to it once. Not
// thread-safe.
class AggregateStore::Staging {
 public:
  explicit Staging(const KvStore* store) : store_(store) {}

  absl::StatusOr<std::optional<std::string>> Get(const std::string& key) const {
    auto it = pending_.find(key);
    if (it != pending_.end()) return it->second;
    return store_->Get(kDataCf, key);
  }
  void Put(const std::string& key, std::string value) { pending_[key] = std::move(value); }
  void Delete(const std::string& key) { pending_[key] = std::nullopt; }
  size_t size() const { return pending_.size(); }
  // Every pending write, in key order. Each key appears once, so the order
  // does not change what the batch does, but it changes what it costs:
  // RocksDB inserts a batch into its memtable key after key, and ascending
  // keys each start from where the previous insert ended. Shuffled batches of
  // roll-up keys cost 1.5-2 times as much to write (tonghop-key-order-bench),
  // and without the sort the national run's freshness p99 went from 3.0 s
  // to 19.1 s (docs/performance.md).
  void AppendTo(WriteBatch& batch) const {
    std::vector<const PendingWrite*> sorted;
    sorted.reserve(pending_.size());
    for (const PendingWrite& entry : pending_) sorted.push_back(&entry);
    std::sort(sorted.begin(), sorted.end(),
              [](const PendingWrite* a, const PendingWrite* b) { return a->first < b->first; });
    for (const PendingWrite* entry : sorted) {
      if (entry->second.has_value()) {
        batch.Put(kDataCf, entry->first, *entry->second);
      } else {
        batch.Delete(kDataCf, entry->first);
      }
    }
  }
  void Clear() { pending_.clear(); }

 private:
  using PendingWrites = absl::flat_hash_map<std::string, std::optional<std::string>>;
  using PendingWrite = PendingWrites::value_type;

  const KvStore* store_;
  PendingWrites pending_;
};

namespace {

// The head of a contribution: the report without its values and progress.
records::Contribution HeadOf(const v1::Report& report, const std::vector<std::string>& roots,
                             int64_t sequence) {
  records::Contribution head;
  v1::Report* light = head.mutable_report();
  *light = report;
  // What queries over many agencies read: state, revision, submit time,
  // on time. The rest is in the body.
  light->clear_values();
  light->clear_progress();
  light->clear_submitted_by();
  light->clear_review_reason();
  light->clear_reviewed_by();
  light->clear_review_time();
  light->clear_due_time();
  light->clear_first_submit_time();
  light->clear_etag();
  for (const std::string& root : roots) head.add_roots(root);
  head.set_sequence(sequence);
  return head;
}

}  // namespace

// Adds (sign +1) or subtracts (sign -1) one agency's report: its values to
// the sums of every root, and to the value index.
absl::Status AggregateStore::StageValues(Staging& staging, uint64_t gen, Layer layer,
                                         absl::string_view plan, absl::string_view period,
                                         absl::string_view agency, const v1::Report& report,
                                         const std::vector<std::string>& roots, int sign,
                                         bool alone_in_own_subtree) {
  const uint64_t member = MemberHash(agency);
  for (const std::string& root : roots) {
    std::string subtree_key = SubtreeKey(gen, layer, plan, period, root);
    if (alone_in_own_subtree && root == agency) {
      if (sign > 0) {
        staging.Put(subtree_key, SubtreeRecord(1, member));
      } else {
        staging.Delete(subtree_key);
      }
      continue;
    }
    ASSIGN_OR_RETURN(std::optional<std::string> stored, staging.Get(subtree_key));
    records::Subtree subtree;
    if (stored.has_value() && !subtree.ParseFromString(*stored)) return Corrupt("subtree count");
    const int64_t contributors = subtree.contributors() + sign;
    if (contributors <= 0) {
      staging.Delete(subtree_key);
    } else {
      // Unsigned arithmetic wraps: adding and subtracting modulo 2^64.
      staging.Put(subtree_key,
                  SubtreeRecord(contributors, sign > 0 ? subtree.members() + member
                                                       : subtree.members() - member));
    }
  }
  auto values = ReportValues(report);
  int64_t submit = SubmitMicros(report);
  std::string agency_suffix = StringSuffix(agency);
  for (const auto& [key, micros] : values) {
    const auto& [indicator, cell] = key;
    for (const std::string& root : roots) {
      std::string sum_key = SumKey(gen, layer, plan, period, root, indicator, cell);
      if (alone_in_own_subtree && root == agency) {
        // Nobody else counts under this agency: its own sum is its own value
        // (or nothing), with no need to read what is stored.
        if (sign > 0) {
          records::Sum own;
          own.set_micros(Int128ToString(micros));
          own.set_contributors(1);
          staging.Put(sum_key, Serialize(own));
        } else {
          staging.Delete(sum_key);
        }
        continue;
      }
      ASSIGN_OR_RETURN(std::optional<std::string> stored, staging.Get(sum_key));
      records::Sum sum;
      Micros total = 0;
      if (stored.has_value()) {
        if (!sum.ParseFromString(*stored)) return Corrupt("sum");
        std::optional<__int128> parsed = ParseInt128(sum.micros());
        if (!parsed.has_value()) return Corrupt("sum value");
        total = *parsed;
      }
      total += sign * micros;
      sum.set_contributors(sum.contributors() + sign);
      sum.set_micros(Int128ToString(total));
      if (sum.contributors() <= 0) {
        staging.Delete(sum_key);
      } else {
        staging.Put(sum_key, Serialize(sum));
      }
    }
    std::string value_key =
        ValueCellPrefix(gen, layer, plan, period, indicator, cell) + agency_suffix;
    if (sign > 0) {
      records::IndexedValue indexed;
      indexed.set_micros(Int128ToString(micros));
      indexed.set_submit_time_micros(submit);
      staging.Put(value_key, Serialize(indexed));
    } else {
      staging.Delete(value_key);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<AggregateStore>> AggregateStore::Open(KvStore* store) {
  std::unique_ptr<AggregateStore> aggregates(new AggregateStore(store));
  RETURN_IF_ERROR(aggregates->Init());
  return aggregates;
}

absl::Status AggregateStore::Init() {
  ASSIGN_OR_RETURN(std::optional<std::string> active, store_->Get(kMetaCf, ActiveKey()));
  uint64_t gen = 0;
  if (active.has_value() && !absl::SimpleAtoi(*active, &gen)) return Corrupt("active generation");
  std::vector<uint64_t> generations;
  std::string prefix = PositionPrefix();
  RETURN_IF_ERROR(store_->Scan(kMetaCf, prefix, storage::PrefixEnd(prefix),
                               [&](absl::string_view key, absl::string_view) {
                                 std::optional<uint64_t> g = GenerationOfPositionKey(key);
                                 if (g.has_value()) generations.push_back(*g);
                                 return true;
                               }));
  uint64_t highest = gen;
  for (uint64_t g : generations) highest = std::max(highest, g);
  if (!active.has_value()) {
    // A new table, or one whose layout migration started the roll-ups over
    // (AggregationLayout): everything in it is derived from the change
    // feed, so an empty generation starts and the feed consumer replays the
    // feed into it; older generations are dropped as leftovers.
    if (!generations.empty()) {
      std::cerr << "aggregation: the roll-up table is rebuilt from the change feed" << std::endl;
    }
    gen = highest + 1;
    highest = gen;
    WriteBatch batch;
    batch.Put(kMetaCf, ActiveKey(), absl::StrCat(gen));
    batch.Put(kMetaCf, PositionKey(gen), EncodeFeedPosition(0));
    RETURN_IF_ERROR(store_->Write(batch));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> position, store_->Get(kMetaCf, PositionKey(gen)));
  int64_t applied = 0;
  if (position.has_value()) {
    std::optional<int64_t> decoded = DecodeFeedPosition(*position);
    if (!decoded) return Corrupt("position");
    applied = *decoded;
  }
  ASSIGN_OR_RETURN(FeedMark mark, ReadMark(*store_, gen));
  mark.sequence = applied;
  journal_.Reset(applied);
  {
    absl::WriterMutexLock lock(&state_mu_);
    active_ = gen;
    feed_mark_ = std::move(mark);
    // Generations other than the active one are leftovers of a rebuild that
    // crashed, of a swap whose clean-up did not finish, or of another
    // layout; dropping a large one takes seconds, so it waits until the
    // server listens.
    for (uint64_t g : generations) {
      if (g != gen) leftovers_.push_back(g);
    }
  }
  absl::MutexLock lock(&apply_mu_);
  next_generation_ = highest + 1;
  applied_sequence_ = applied;
  return absl::OkStatus();
}

uint64_t AggregateStore::active_generation() const {
  absl::ReaderMutexLock lock(&state_mu_);
  return active_;
}

FeedMark AggregateStore::feed_mark() const {
  absl::ReaderMutexLock lock(&state_mu_);
  return feed_mark_;
}

std::vector<uint64_t> AggregateStore::leftover_generations() const {
  absl::ReaderMutexLock lock(&state_mu_);
  return leftovers_;
}

absl::StatusOr<int> AggregateStore::DropLeftovers(const std::function<bool()>& go_on) {
  int dropped = 0;
  for (uint64_t gen : leftover_generations()) {
    RETURN_IF_ERROR(DropGeneration(gen, go_on));
    absl::WriterMutexLock lock(&state_mu_);
    leftovers_.erase(std::remove(leftovers_.begin(), leftovers_.end(), gen), leftovers_.end());
    ++dropped;
  }
  return dropped;
}

void AggregateStore::PutMark(WriteBatch& batch, uint64_t gen, const FeedMark& mark) {
  batch.Put(kMetaCf, EpochKey(gen), mark.epoch);
  batch.Put(kMetaCf, LastChangeKey(gen), mark.digest);
}

absl::StatusOr<FeedMark> AggregateStore::ReadMark(const storage::KvReader& view,
                                                  uint64_t gen) const {
  FeedMark mark;
  ASSIGN_OR_RETURN(std::optional<std::string> epoch, view.Get(kMetaCf, EpochKey(gen)));
  ASSIGN_OR_RETURN(std::optional<std::string> digest, view.Get(kMetaCf, LastChangeKey(gen)));
  mark.epoch = epoch.value_or("");
  mark.digest = digest.value_or("");
  return mark;
}

namespace {

// What one change does to the table: whose report state it sets and which
// revision, if any, counts in each layer afterwards.
struct ChangeEffect {
  std::string plan;
  std::string period;
  std::string agency;
  v1::ReportState state = v1::REPORT_STATE_UNSPECIFIED;
  const v1::Report* accepted = nullptr;    // counts in Layer::kAccepted
  const v1::Report* unreviewed = nullptr;  // counts in Layer::kUnreviewed

  const v1::Report* Counted(Layer layer) const {
    return layer == Layer::kAccepted ? accepted : unreviewed;
  }
};

// nullopt for a change that touches nothing: one of another kind, or one
// naming no report (logged, and skipped so that the feed never stalls).
std::optional<ChangeEffect> EffectOf(const v1::Change& change) {
  const v1::Report& report = change.report();
  ChangeEffect effect;
  effect.plan = report.plan();
  effect.period = report.period();
  effect.agency = report.agency();
  if (effect.plan.empty() || effect.period.empty() || effect.agency.empty()) {
    absl::StatusOr<ReportNameParts> parts = ParseReportName(report.name(), "report.name");
    if (!parts.ok()) {
      std::cerr << "aggregation: change " << change.sequence()
                << " names no report; skipped: " << parts.status().message() << "\n";
      return std::nullopt;
    }
    effect.plan = MakeName("plans", parts->plan_id);
    effect.period = parts->period;
    effect.agency = MakeName("agencies", parts->agency_id);
  }
  switch (change.kind()) {
    case v1::CHANGE_KIND_SUBMITTED:
      effect.unreviewed = &report;
      effect.state = v1::REPORT_STATE_SUBMITTED;
      break;
    case v1::CHANGE_KIND_ACCEPTED:
      effect.accepted = effect.unreviewed = &report;
      effect.state = v1::REPORT_STATE_ACCEPTED;
      break;
    case v1::CHANGE_KIND_RETURNED:
      effect.state = v1::REPORT_STATE_RETURNED;
      break;
    case v1::CHANGE_KIND_WITHDRAWN:
      // The pending revision no longer counts; the report is a draft again
      // or returned, as it was before that submission.
      effect.state = report.state();
      break;
    default:
      return std::nullopt;
  }
  return effect;
}

// The report state record a change leaves.
std::string StatusRecord(const v1::Change& change, v1::ReportState state) {
  records::ReportStatus status;
  status.set_state(state);
  status.set_revision(change.report().revision());
  status.set_sequence(change.sequence());
  status.set_on_time(change.report().on_time());
  status.set_submit_time_micros(SubmitMicros(change.report()));
  return Serialize(status);
}

}  // namespace

absl::StatusOr<std::optional<ChangeJournal::Entry>> AggregateStore::StageChange(
    Staging& staging, uint64_t gen, const v1::Change& change, const Hierarchy& hierarchy) {
  std::optional<ChangeEffect> effect = EffectOf(change);
  if (!effect.has_value()) return std::nullopt;
  const std::string& plan = effect->plan;
  const std::string& period = effect->period;
  const std::string& agency = effect->agency;
  staging.Put(StatusKey(gen, plan, period, agency), StatusRecord(change, effect->state));

  std::vector<std::string> roots = hierarchy.Roots(agency);
  // Contributions are placed with this hierarchy (Apply re-homes first), so
  // an agency nothing is placed under is alone in its own subtree.
  const bool leaf = hierarchy.Contains(agency) && !hierarchy.HasBelow(agency);
  for (Layer layer : {Layer::kAccepted, Layer::kUnreviewed}) {
    const v1::Report* target = effect->Counted(layer);
    std::string key = ContributionKey(gen, layer, plan, period, agency);
    std::string body_key = BodyKey(gen, layer, plan, period, agency);
    ASSIGN_OR_RETURN(std::optional<std::string> stored, staging.Get(key));
    std::optional<records::Contribution> old;
    if (stored.has_value()) {
      old.emplace();
      if (!old->ParseFromString(*stored)) return Corrupt("contribution");
    }
    if (target != nullptr && old.has_value() && old->report().revision() == target->revision() &&
        std::equal(old->roots().begin(), old->roots().end(), roots.begin(), roots.end())) {
      // The same revision counted in the same places (a submitted report
      // being accepted): the figures do not move, only the head does.
      staging.Put(key, Serialize(HeadOf(*target, roots, change.sequence())));
      continue;
    }
    if (old.has_value()) {
      ASSIGN_OR_RETURN(std::optional<std::string> body, staging.Get(body_key));
      v1::Report counted;
      if (!body.has_value() || !counted.ParseFromString(*body)) return Corrupt("contribution");
      std::vector<std::string> old_roots(old->roots().begin(), old->roots().end());
      RETURN_IF_ERROR(
          StageValues(staging, gen, layer, plan, period, agency, counted, old_roots, -1, leaf));
    }
    if (target == nullptr) {
      if (old.has_value()) {
        staging.Delete(key);
        staging.Delete(body_key);
      }
      continue;
    }
    RETURN_IF_ERROR(
        StageValues(staging, gen, layer, plan, period, agency, *target, roots, +1, leaf));
    staging.Put(key, Serialize(HeadOf(*target, roots, change.sequence())));
    staging.Put(body_key, Serialize(*target));
  }
  return ChangeJournal::Entry{change.sequence(), std::move(effect->plan),
                              std::move(effect->period), std::move(effect->agency)};
}

absl::Status AggregateStore::Apply(const v1::Change& change, const Hierarchy& hierarchy) {
  return ApplyBatch(absl::MakeConstSpan(&change, 1), hierarchy);
}

absl::Status AggregateStore::ApplyBatch(absl::Span<const v1::Change> changes,
                                        const Hierarchy& hierarchy) {
  {
    absl::MutexLock lock(&apply_mu_);
    const int64_t applied = applied_sequence_.load();
    int64_t position = applied;
    for (const v1::Change& change : changes) position = std::max(position, change.sequence());
    if (position == applied) return absl::OkStatus();
    FeedMark mark = feed_mark();
    for (const v1::Change& change : changes) {
      if (!mark.epoch.empty() && !change.epoch().empty() && change.epoch() != mark.epoch) {
        return absl::FailedPreconditionError(absl::StrCat(
            "change ", change.sequence(), " is of feed epoch ", change.epoch(),
            " but the roll-ups were built from epoch ", mark.epoch, ": rebuild them"));
      }
    }
    if (placed_with_ != hierarchy.fingerprint()) RETURN_IF_ERROR(RehomeLocked(hierarchy));
    uint64_t gen = active_generation();
    Staging staging(store_);
    position = applied;
    int64_t position_time = 0;
    std::vector<ChangeJournal::Entry> touched;
    touched.reserve(changes.size());
    for (const v1::Change& change : changes) {
      if (change.sequence() <= position) continue;
      ASSIGN_OR_RETURN(std::optional<ChangeJournal::Entry> entry,
                       StageChange(staging, gen, change, hierarchy));
      if (entry.has_value()) touched.push_back(*std::move(entry));
      position = change.sequence();
      position_time = ChangeMicros(change);
      if (!change.epoch().empty()) mark.epoch = change.epoch();
      mark.sequence = position;
      mark.digest = ChangeDigest(change);
    }
    WriteBatch batch;
    staging.AppendTo(batch);
    batch.Put(kMetaCf, PositionKey(gen), EncodeFeedPosition(position));
    batch.Put(kMetaCf, AppliedTimeKey(gen), absl::StrCat(position_time));
    PutMark(batch, gen, mark);
    PutPlacement(batch, gen);
    // In the journal before a reader can see the batch (its contract).
    journal_.Record(std::move(touched));
    // Not synced: the table is derived from the change feed, whose changes
    // are durable before they are on it, so a batch lost with the machine's
    // power is applied again from the feed; and a query reads the batch as
    // soon as it is written, not after a sync.
    if (absl::Status written = store_->WriteUnsynced(batch).status(); !written.ok()) {
      journal_.ForgetAfter(applied);
      return written;
    }
    placement_written_ = true;
    applied_sequence_ = position;
    absl::WriterMutexLock state_lock(&state_mu_);
    feed_mark_ = std::move(mark);
  }
  Notify();
  return absl::OkStatus();
}

absl::StatusOr<bool> AggregateStore::StageRehome(Staging& staging, uint64_t gen,
                                                 absl::string_view key,
                                                 const records::Contribution& contribution,
                                                 const std::vector<std::string>& roots) {
  std::vector<std::string> old_roots(contribution.roots().begin(), contribution.roots().end());
  if (old_roots == roots) return false;
  std::optional<ContributionKeyParts> parts = ParseContributionKey(gen, key);
  if (!parts) return Corrupt("contribution key");
  const Layer layer = parts->layer;
  const std::string* plan = &parts->plan;
  const std::string* period = &parts->period;
  const std::string* agency = &parts->agency;
  ASSIGN_OR_RETURN(std::optional<std::string> body,
                   staging.Get(BodyKey(gen, layer, *plan, *period, *agency)));
  v1::Report counted;
  if (!body.has_value() || !counted.ParseFromString(*body)) return Corrupt("contribution");
  RETURN_IF_ERROR(
      StageValues(staging, gen, layer, *plan, *period, *agency, counted, old_roots, -1, false));
  RETURN_IF_ERROR(
      StageValues(staging, gen, layer, *plan, *period, *agency, counted, roots, +1, false));
  records::Contribution updated = contribution;
  updated.clear_roots();
  for (const std::string& root : roots) updated.add_roots(root);
  staging.Put(std::string(key), Serialize(updated));
  return true;
}

absl::Status AggregateStore::Rehome(const Hierarchy& hierarchy) {
  absl::MutexLock lock(&apply_mu_);
  if (placed_with_ == hierarchy.fingerprint()) return absl::OkStatus();
  RETURN_IF_ERROR(RehomeLocked(hierarchy));
  WriteBatch batch;
  PutPlacement(batch, active_generation());
  RETURN_IF_ERROR(store_->Write(batch));
  placement_written_ = true;
  return absl::OkStatus();
}

absl::Status AggregateStore::RehomeLocked(const Hierarchy& hierarchy) {
  uint64_t gen = active_generation();
  // Nor does the next change or re-homing take contributions to be placed
  // with either hierarchy, should this one fail part way.
  placed_with_.clear();
  placement_written_ = false;
  bool unplaced = false;
  std::string prefix = ContributionPrefix(gen);
  std::vector<storage::KeyValue> contributions;
  RETURN_IF_ERROR(store_->Scan(kDataCf, prefix, storage::PrefixEnd(prefix),
                               [&](absl::string_view key, absl::string_view value) {
                                 contributions.push_back({std::string(key), std::string(value)});
                                 return true;
                               }));
  for (const storage::KeyValue& kv : contributions) {
    records::Contribution contribution;
    if (!contribution.ParseFromString(kv.value)) return Corrupt("contribution");
    std::string agency = contribution.report().agency();
    if (agency.empty()) {
      absl::StatusOr<ReportNameParts> parts =
          ParseReportName(contribution.report().name(), "report.name");
      if (parts.ok()) agency = MakeName("agencies", parts->agency_id);
    }
    Staging staging(store_);
    ASSIGN_OR_RETURN(bool moved,
                     StageRehome(staging, gen, kv.key, contribution, hierarchy.Roots(agency)));
    if (!moved) continue;
    WriteBatch batch;
    staging.AppendTo(batch);
    // Readers that see a contribution moved see no placement, and do not
    // take every head's roots to be one hierarchy's
    // (AggregateReader::placed_with), until the new one is written.
    if (!unplaced) batch.Delete(kMetaCf, PlacedKey(gen));
    RETURN_IF_ERROR(store_->Write(batch));
    unplaced = true;
  }
  placed_with_ = hierarchy.fingerprint();
  return absl::OkStatus();
}

void AggregateStore::PutPlacement(WriteBatch& batch, uint64_t gen) {
  if (!placement_written_) batch.Put(kMetaCf, PlacedKey(gen), placed_with_);
}

absl::StatusOr<AggregateStore::Replayed> AggregateStore::ReplayInto(ChangeSource& source,
                                                                    uint64_t gen, int64_t after,
                                                                    const FeedMark& from,
                                                                    const Hierarchy& hierarchy) {
  Staging staging(store_);
  int64_t position = after;
  int64_t position_time = 0;
  int64_t replayed = 0;
  int64_t staged_position = after;
  FeedMark mark = from;
  auto flush = [&]() -> absl::Status {
    if (staged_position == position && staging.size() == 0) return absl::OkStatus();
    WriteBatch batch;
    staging.AppendTo(batch);
    batch.Put(kMetaCf, PositionKey(gen), EncodeFeedPosition(position));
    if (position != after) batch.Put(kMetaCf, AppliedTimeKey(gen), absl::StrCat(position_time));
    PutMark(batch, gen, mark);
    RETURN_IF_ERROR(store_->WriteUnsynced(batch).status());
    staging.Clear();
    staged_position = position;
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(source.ReadToEnd(after, [&](const v1::Change& change) -> absl::Status {
    if (change.sequence() <= position) return absl::OkStatus();
    RETURN_IF_ERROR(StageChange(staging, gen, change, hierarchy).status());
    position = change.sequence();
    position_time = ChangeMicros(change);
    if (!change.epoch().empty()) mark.epoch = change.epoch();
    mark.sequence = position;
    mark.digest = ChangeDigest(change);
    ++replayed;
    if (staging.size() >= 20000) RETURN_IF_ERROR(flush());
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(flush());
  return Replayed{position, replayed, mark};
}

namespace {

// How one layer of one agency's contribution ends after every change of a
// plan and period, as StageChange leaves it when the hierarchy does not
// change: whether a revision counts, the change that added it (its report
// is the body, the values and what the sums hold) and the last change that
// kept it (its report is the head).
struct FinalContribution {
  bool counted = false;
  int32_t revision = 0;
  int64_t body_sequence = 0;
  int64_t head_sequence = 0;
};

// One agency's final state in a plan and period.
struct FinalAgency {
  std::string status;                         // StatusRecord of its last change
  FinalContribution layers[2];                // by LayerIndex
};

int LayerIndex(Layer layer) { return layer == Layer::kAccepted ? 0 : 1; }
Layer LayerAt(int index) { return index == 0 ? Layer::kAccepted : Layer::kUnreviewed; }

// The reports counted by layer and root being accumulated, with their
// members digest, by the ids of the roots (`names` holds the names, `ids`
// numbers them). Not thread-safe.
struct PartialSums {
  using Counted = AggregateReader::Counted;
  absl::flat_hash_map<std::pair<int, uint32_t>, Counted> subtrees;
  std::vector<std::string> names;
  absl::flat_hash_map<std::string, uint32_t> ids;

  uint32_t Id(const std::string& name) {
    auto [it, added] = ids.emplace(name, static_cast<uint32_t>(names.size()));
    if (added) names.push_back(name);
    return it->second;
  }
};

// One plan and period of a partitioned rebuild. The first pass fills
// `agencies`, read-only in the second, where each worker adds the values
// of the agencies given to it to its own `partials` entry; the worker
// that takes `pending` to 0 has the partition to itself and writes it.
struct Partition {
  std::string plan;
  std::string period;
  absl::flat_hash_map<std::string, FinalAgency> agencies;
  // Distinct changes the second pass still has to bring.
  std::atomic<int64_t> pending{0};
  std::vector<PartialSums> partials;  // by worker
};

std::string SumRecord(Micros micros, int64_t contributors) {
  records::Sum sum;
  sum.set_micros(Int128ToString(micros));
  sum.set_contributors(contributors);
  return Serialize(sum);
}

absl::Status FeedChanged() {
  return absl::AbortedError(
      "the change feed changed while the roll-ups were rebuilt from it; rebuild again");
}

// Puts for one generation, written in batches of at most about
// `max_bytes`, each in key order (see Staging::AppendTo for why). Every key
// is put once. Not thread-safe: one per worker.
class BatchedPuts {
 public:
  BatchedPuts(KvStore* store, size_t max_bytes) : store_(store), max_bytes_(max_bytes) {}

  absl::Status Put(std::string key, std::string value) {
    bytes_ += key.size() + value.size();
    pending_.emplace_back(std::move(key), std::move(value));
    if (bytes_ >= max_bytes_) return Flush();
    return absl::OkStatus();
  }

  // Not synced: the generation being built is made active by a synced
  // write after these.
  absl::Status Flush() {
    if (pending_.empty()) return absl::OkStatus();
    std::sort(pending_.begin(), pending_.end());
    WriteBatch batch;
    for (const auto& [key, value] : pending_) batch.Put(kDataCf, key, value);
    pending_.clear();
    bytes_ = 0;
    return store_->WriteUnsynced(batch).status();
  }

 private:
  KvStore* store_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  std::vector<std::pair<std::string, std::string>> pending_;
};

// Builds the records of the agencies given to it, in every plan and
// period, from the changes the second pass hands it, on its own thread,
// and writes each partition whose last change it builds. Thread-safe:
// Hand() and Finish() are called from the reading thread, the rest runs on
// the worker's. Does not own the partitions, the store or the hierarchy.
class PartitionWorker {
 public:
  // `partitions` are those it writes at the end (those needing no change);
  // `index` is its entry in each partition's `partials`.
  PartitionWorker(KvStore* store, uint64_t gen, const Hierarchy* hierarchy, size_t index,
                  std::vector<Partition*> partitions, size_t batch_bytes)
      : gen_(gen), hierarchy_(hierarchy), index_(index), partitions_(std::move(partitions)),
        puts_(store, batch_bytes) {
    thread_ = std::thread([this] { Run(); });
  }
  ~PartitionWorker() { Finish(/*complete=*/false).IgnoreError(); }

  // Queues a change of `partition`; waits while the queue is full. Returns
  // the worker's first error (the change is then dropped).
  absl::Status Hand(Partition* partition, const v1::Change& change) {
    absl::MutexLock lock(&mu_);
    auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !status_.ok() || queue_.size() < kQueueCapacity;
    };
    mu_.Await(absl::Condition(&room));
    if (!status_.ok()) return status_;
    queue_.emplace_back(partition, change);
    return absl::OkStatus();
  }

  // Once the queue is drained, writes what is left when `complete` (the
  // partitions no change was needed for, the last batch), stops the thread
  // and returns the first error. Without `complete` (the feed could not be
  // read to its end) the rest is left unwritten.
  absl::Status Finish(bool complete) {
    {
      absl::MutexLock lock(&mu_);
      finishing_ = true;
      complete_ = complete;
    }
    if (thread_.joinable()) thread_.join();
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  static constexpr size_t kQueueCapacity = 64;

  void Run() {
    while (true) {
      std::pair<Partition*, v1::Change> item;
      {
        absl::MutexLock lock(&mu_);
        auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return !queue_.empty() || finishing_;
        };
        mu_.Await(absl::Condition(&ready));
        if (queue_.empty()) break;
        item = std::move(queue_.front());
        queue_.pop_front();
        if (!status_.ok()) continue;
      }
      absl::Status status = Build(*item.first, item.second);
      if (!status.ok()) Fail(status);
    }
    absl::Status status = WriteRest();
    if (!status.ok()) Fail(status);
  }

  void Fail(const absl::Status& status) {
    absl::MutexLock lock(&mu_);
    if (status_.ok()) status_ = status;
  }

  // Writes the records `change` is the body or the head of, adds its
  // values to the partition's sums, and writes the partition out once it
  // has every change it needs.
  absl::Status Build(Partition& partition, const v1::Change& change) {
    std::optional<ChangeEffect> effect = EffectOf(change);
    if (!effect.has_value()) return FeedChanged();
    auto found = partition.agencies.find(effect->agency);
    if (found == partition.agencies.end()) return FeedChanged();
    const std::string& agency = effect->agency;
    const std::vector<std::string> roots = hierarchy_->Roots(agency);
    // Nobody else counts under an agency nothing is placed under: its own
    // sums are its own values, written at once rather than held.
    const bool alone_in_own_subtree = !hierarchy_->HasBelow(agency);
    const uint64_t member = MemberHash(agency);
    const int64_t seq = change.sequence();
    for (Layer layer : {Layer::kAccepted, Layer::kUnreviewed}) {
      const FinalContribution& final = found->second.layers[LayerIndex(layer)];
      if (!final.counted) continue;
      if (final.body_sequence != seq && final.head_sequence != seq) continue;
      const v1::Report* report = effect->Counted(layer);
      if (report == nullptr || report->revision() != final.revision) return FeedChanged();
      if (final.head_sequence == seq) {
        RETURN_IF_ERROR(puts_.Put(
            ContributionKey(gen_, layer, partition.plan, partition.period, agency),
            Serialize(HeadOf(*report, roots, seq))));
      }
      if (final.body_sequence != seq) continue;
      RETURN_IF_ERROR(puts_.Put(BodyKey(gen_, layer, partition.plan, partition.period, agency),
                                Serialize(*report)));
      PartialSums& partial = partition.partials[index_];
      for (const std::string& root : roots) {
        if (alone_in_own_subtree && root == agency) {
          RETURN_IF_ERROR(puts_.Put(SubtreeKey(gen_, layer, partition.plan, partition.period, root),
                                    SubtreeRecord(1, member)));
          continue;
        }
        PartialSums::Counted& counted = partial.subtrees[{LayerIndex(layer), partial.Id(root)}];
        ++counted.reports;
        counted.members += member;
      }
      // The value index only: the sums are added up from it once every
      // partition is written (WriteSumsFromValues).
      const int64_t submit = SubmitMicros(*report);
      const std::string agency_suffix = StringSuffix(agency);
      for (const auto& [key, micros] : ReportValues(*report)) {
        const auto& [indicator, cell] = key;
        records::IndexedValue indexed;
        indexed.set_micros(Int128ToString(micros));
        indexed.set_submit_time_micros(submit);
        RETURN_IF_ERROR(puts_.Put(
            ValueCellPrefix(gen_, layer, partition.plan, partition.period, indicator, cell) +
                agency_suffix,
            Serialize(indexed)));
      }
    }
    // The other workers' last changes of the partition happened before
    // their decrements: the partials are complete and nobody touches them.
    if (partition.pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      return WritePartition(partition);
    }
    return absl::OkStatus();
  }

  // The report states and the subtree counts, once each; then frees the
  // partition's agencies.
  absl::Status WritePartition(Partition& partition) {
    PartialSums& merged = partition.partials[0];
    for (size_t i = 1; i < partition.partials.size(); ++i) {
      const PartialSums& other = partition.partials[i];
      for (const auto& [at, counted] : other.subtrees) {
        PartialSums::Counted& into = merged.subtrees[{at.first, merged.Id(other.names[at.second])}];
        into.reports += counted.reports;
        into.members += counted.members;
      }
      partition.partials[i] = PartialSums();
    }
    for (auto& [agency, final] : partition.agencies) {
      RETURN_IF_ERROR(puts_.Put(StatusKey(gen_, partition.plan, partition.period, agency),
                                std::move(final.status)));
    }
    for (const auto& [at, counted] : merged.subtrees) {
      RETURN_IF_ERROR(puts_.Put(
          SubtreeKey(gen_, LayerAt(at.first), partition.plan, partition.period,
                     merged.names[at.second]),
          SubtreeRecord(counted.reports, counted.members)));
    }
    partition.agencies = {};
    partition.partials = {};
    return absl::OkStatus();
  }

  absl::Status WriteRest() {
    {
      absl::MutexLock lock(&mu_);
      if (!status_.ok() || !complete_) return status_;
    }
    for (Partition* partition : partitions_) RETURN_IF_ERROR(WritePartition(*partition));
    return puts_.Flush();
  }

  const uint64_t gen_;
  const Hierarchy* hierarchy_;
  const size_t index_;
  const std::vector<Partition*> partitions_;
  BatchedPuts puts_;  // used on the worker's thread only
  absl::Mutex mu_;
  std::deque<std::pair<Partition*, v1::Change>> queue_ ABSL_GUARDED_BY(mu_);
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  bool complete_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// Writes every sum of one layer of a plan and period from its value index,
// which holds each counted agency's value of each cell: one (indicator,
// cell) at a time (the index's key order), each value is added to the sums
// of each of its agency's roots, and the cell's sums are written before
// the next cell is read. Memory: the roots of the agencies met, and one
// cell's sums, however many agencies and cells there are.
absl::Status WriteSumsFromValues(const KvStore& store, uint64_t gen, Layer layer,
                                 const std::string& plan, const std::string& period,
                                 const Hierarchy& hierarchy, BatchedPuts& puts) {
  const std::string prefix = LayerPrefix(gen, kValueTag, layer, plan, period);
  std::vector<std::string> root_names;
  absl::flat_hash_map<std::string, uint32_t> root_ids;
  absl::flat_hash_map<std::string, std::vector<uint32_t>> roots_of;
  std::vector<std::pair<Micros, int64_t>> sums;  // by root id
  std::vector<uint32_t> touched;                 // the cell's roots, in the order met
  std::string indicator;
  std::string cell;
  auto write_cell = [&]() -> absl::Status {
    for (uint32_t root : touched) {
      RETURN_IF_ERROR(puts.Put(SumKey(gen, layer, plan, period, root_names[root], indicator, cell),
                               SumRecord(sums[root].first, sums[root].second)));
      sums[root] = {0, 0};
    }
    touched.clear();
    return absl::OkStatus();
  };
  absl::Status status;
  RETURN_IF_ERROR(store.Scan(
      kDataCf, prefix, storage::PrefixEnd(prefix),
      [&](absl::string_view key, absl::string_view value) {
        storage::KeyReader reader(key.substr(prefix.size()));
        std::optional<std::string> key_indicator = reader.String();
        std::optional<std::string> key_cell = reader.String();
        std::optional<std::string> agency = reader.String();
        records::IndexedValue indexed;
        std::optional<Micros> micros;
        if (!key_indicator || !key_cell || !agency ||
            !indexed.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
            !(micros = ParseInt128(indexed.micros()))) {
          status = Corrupt("value index");
          return false;
        }
        if (*key_indicator != indicator || *key_cell != cell) {
          status = write_cell();
          if (!status.ok()) return false;
          indicator = *std::move(key_indicator);
          cell = *std::move(key_cell);
        }
        auto [roots, added] = roots_of.try_emplace(*agency);
        if (added) {
          for (const std::string& root : hierarchy.Roots(*agency)) {
            auto [id, new_root] =
                root_ids.try_emplace(root, static_cast<uint32_t>(root_names.size()));
            if (new_root) {
              root_names.push_back(root);
              sums.emplace_back(0, 0);
            }
            roots->second.push_back(id->second);
          }
        }
        for (uint32_t root : roots->second) {
          std::pair<Micros, int64_t>& sum = sums[root];
          if (sum.second == 0) touched.push_back(root);
          sum.first += *micros;
          sum.second += 1;
        }
        return true;
      }));
  RETURN_IF_ERROR(status);
  return write_cell();
}

}  // namespace

absl::StatusOr<AggregateStore::Replayed> AggregateStore::ReplayPartitioned(
    ChangeSource& source, uint64_t gen, const Hierarchy& hierarchy) {
  // First pass: each agency's final state per plan and period, without the
  // reports' values.
  const absl::Time first_pass_start = absl::Now();
  std::vector<std::unique_ptr<Partition>> partitions;
  absl::flat_hash_map<std::pair<std::string, std::string>, Partition*> by_key;
  int64_t position = 0;
  int64_t replayed = 0;
  std::string epoch;
  RETURN_IF_ERROR(source.ReadToEnd(0, [&](const v1::Change& change) -> absl::Status {
    if (change.sequence() <= position) return absl::OkStatus();
    position = change.sequence();
    ++replayed;
    if (!change.epoch().empty()) epoch = change.epoch();
    std::optional<ChangeEffect> effect = EffectOf(change);
    if (!effect.has_value()) return absl::OkStatus();
    Partition*& partition = by_key[std::make_pair(effect->plan, effect->period)];
    if (partition == nullptr) {
      partitions.push_back(std::make_unique<Partition>());
      partition = partitions.back().get();
      partition->plan = effect->plan;
      partition->period = effect->period;
    }
    FinalAgency& agency = partition->agencies[effect->agency];
    agency.status = StatusRecord(change, effect->state);
    for (Layer layer : {Layer::kAccepted, Layer::kUnreviewed}) {
      const v1::Report* counted = effect->Counted(layer);
      FinalContribution& final = agency.layers[LayerIndex(layer)];
      if (counted == nullptr) {
        final = FinalContribution();
      } else if (final.counted && final.revision == counted->revision()) {
        // Accepting the revision counted as submitted: only the head moves.
        final.head_sequence = change.sequence();
      } else {
        final = FinalContribution{true, counted->revision(), change.sequence(),
                                  change.sequence()};
      }
    }
    return absl::OkStatus();
  }));
  by_key.clear();
  const absl::Time first_pass_end = absl::Now();
  if (replayed == 0) return Replayed{0, 0, FeedMark()};

  // The changes the second pass needs: the partition each is for, and the
  // worker, by agency, so that the agencies of one plan and period (the
  // feed brings them period after period) are built on every core.
  const size_t worker_count = std::max(1u, std::thread::hardware_concurrency());
  struct Needed {
    Partition* partition;
    size_t worker;
  };
  absl::flat_hash_map<int64_t, Needed> needed;
  std::vector<std::vector<Partition*>> without_changes(worker_count);
  for (size_t i = 0; i < partitions.size(); ++i) {
    Partition* partition = partitions[i].get();
    partition->partials.resize(worker_count);
    int64_t pending = 0;
    for (const auto& [agency, final] : partition->agencies) {
      const size_t worker = absl::Hash<std::string>()(agency) % worker_count;
      for (const FinalContribution& layer : final.layers) {
        if (!layer.counted) continue;
        for (int64_t seq : {layer.body_sequence, layer.head_sequence}) {
          if (needed.emplace(seq, Needed{partition, worker}).second) ++pending;
        }
      }
    }
    partition->pending = pending;
    if (pending == 0) without_changes[i % worker_count].push_back(partition);
  }

  // Second pass: the needed changes to the workers.
  std::vector<std::unique_ptr<PartitionWorker>> workers;
  for (size_t i = 0; i < worker_count; ++i) {
    workers.push_back(std::make_unique<PartitionWorker>(
        store_, gen, &hierarchy, i, std::move(without_changes[i]), rebuild_batch_bytes_));
  }
  FeedMark mark;
  mark.epoch = epoch;
  mark.sequence = position;
  int64_t position_time = 0;
  int64_t read = 0;
  bool reached = false;
  absl::Status handed = source.ReadToEnd(0, [&](const v1::Change& change) -> absl::Status {
    if (change.sequence() <= read) return absl::OkStatus();
    if (change.sequence() > position) {
      reached = true;
      return absl::CancelledError("past the first pass's end");
    }
    read = change.sequence();
    if (read == position) {
      reached = true;
      if (!change.epoch().empty() && change.epoch() != epoch) return FeedChanged();
      mark.digest = ChangeDigest(change);
      position_time = ChangeMicros(change);
    }
    auto found = needed.find(read);
    if (found == needed.end()) return absl::OkStatus();
    return workers[found->second.worker]->Hand(found->second.partition, change);
  });
  if (reached && absl::IsCancelled(handed)) handed = absl::OkStatus();
  if (handed.ok() && !reached) handed = FeedChanged();
  absl::Status built = handed;
  for (std::unique_ptr<PartitionWorker>& worker : workers) {
    absl::Status finished = worker->Finish(/*complete=*/handed.ok());
    if (built.ok()) built = finished;
  }
  RETURN_IF_ERROR(built);
  for (const std::unique_ptr<Partition>& partition : partitions) {
    // A change it needed never came: the feed is not the one read first.
    if (partition->pending != 0) return FeedChanged();
  }
  const absl::Time second_pass_end = absl::Now();

  // Third pass: the sums, from the value index the second pass wrote, a
  // layer of a plan and period at a time on every core.
  std::atomic<size_t> next_job{0};
  std::vector<absl::Status> summed(worker_count);
  std::vector<std::thread> summers;
  for (size_t i = 0; i < worker_count; ++i) {
    summers.emplace_back([&, i] {
      BatchedPuts puts(store_, rebuild_batch_bytes_);
      for (size_t job = next_job++; job < 2 * partitions.size(); job = next_job++) {
        const Partition& partition = *partitions[job / 2];
        summed[i] = WriteSumsFromValues(*store_, gen, LayerAt(static_cast<int>(job % 2)),
                                        partition.plan, partition.period, hierarchy, puts);
        if (!summed[i].ok()) return;
      }
      summed[i] = puts.Flush();
    });
  }
  for (std::thread& summer : summers) summer.join();
  for (const absl::Status& status : summed) RETURN_IF_ERROR(status);
  std::cerr << absl::StrFormat(
                   "aggregation: rebuild's first pass %.1f s, second pass %.1f s and sums %.1f s "
                   "on %d threads, %d plans and periods",
                   absl::ToDoubleSeconds(first_pass_end - first_pass_start),
                   absl::ToDoubleSeconds(second_pass_end - first_pass_end),
                   absl::ToDoubleSeconds(absl::Now() - second_pass_end), worker_count,
                   partitions.size())
            << std::endl;
  WriteBatch batch;
  batch.Put(kMetaCf, PositionKey(gen), EncodeFeedPosition(position));
  batch.Put(kMetaCf, AppliedTimeKey(gen), absl::StrCat(position_time));
  PutMark(batch, gen, mark);
  RETURN_IF_ERROR(store_->Write(batch));
  return Replayed{position, replayed, mark};
}

absl::StatusOr<AggregateStore::RebuildResult> AggregateStore::Rebuild(
    ChangeSource& source, const Hierarchy& hierarchy, bool verify_only,
    const BatchWriter& write_swap) {
  if (!rebuild_mu_.TryLock()) {
    return absl::AbortedError("a rebuild of the aggregates is already running");
  }
  struct Unlock {
    absl::Mutex* mu;
    ~Unlock() { mu->Unlock(); }
  } unlock{&rebuild_mu_};

  uint64_t gen;
  {
    absl::MutexLock lock(&apply_mu_);
    gen = next_generation_++;
  }
  {
    WriteBatch batch;
    batch.Put(kMetaCf, BuildingKey(gen), "");
    batch.Put(kMetaCf, PositionKey(gen), EncodeFeedPosition(0));
    RETURN_IF_ERROR(store_->Write(batch));
  }
  RebuildResult result;
  const absl::Time started = absl::Now();
  absl::StatusOr<Replayed> replayed = ReplayPartitioned(source, gen, hierarchy);
  if (!replayed.ok()) {
    DropGeneration(gen).IgnoreError();
    return replayed.status();
  }
  int64_t position = replayed->position;
  FeedMark mark = replayed->mark;
  result.changes_replayed = replayed->changes;
  const absl::Time built = absl::Now();
  uint64_t old_gen;
  {
    absl::MutexLock lock(&apply_mu_);
    int64_t live = applied_sequence_.load();
    FeedMark live_mark = feed_mark();
    // Another epoch: the live table's positions mean nothing in this feed.
    result.rewound =
        !live_mark.epoch.empty() && !mark.epoch.empty() && live_mark.epoch != mark.epoch;
    // The live table may have moved on while the replay ran; catch up with
    // it (it cannot move while this lock is held). A feed that has nothing
    // more although the table is further was rewound.
    while (!result.rewound && position < live) {
      int64_t before = position;
      replayed = ReplayInto(source, gen, before, mark, hierarchy);
      if (!replayed.ok()) {
        DropGeneration(gen).IgnoreError();
        return replayed.status();
      }
      if (replayed->position == before) {
        result.rewound = true;
        break;
      }
      position = replayed->position;
      mark = replayed->mark;
      result.changes_replayed += replayed->changes;
    }
    if (result.rewound) {
      std::cerr << "aggregation: the change feed (epoch " << mark.epoch << ") ends at sequence "
                << position << " while the roll-ups were built from epoch " << live_mark.epoch
                << " up to " << live << ": it was rewound or replaced; the rebuilt roll-ups are "
                << "what it holds" << std::endl;
    }
    result.feed_epoch = mark.epoch;
    old_gen = active_generation();
    ASSIGN_OR_RETURN(auto previous, Digest(*store_, old_gen));
    ASSIGN_OR_RETURN(auto rebuilt, Digest(*store_, gen));
    result.applied_sequence = position;
    result.previous_sequence = live;
    result.previous_digest = previous.first;
    result.rebuilt_digest = rebuilt.first;
    result.records = rebuilt.second;
    result.identical = !result.rewound && live == position && previous == rebuilt;
    if (!verify_only) {
      WriteBatch batch;
      batch.Put(kMetaCf, ActiveKey(), absl::StrCat(gen));
      batch.Delete(kMetaCf, BuildingKey(gen));
      batch.Put(kMetaCf, PlacedKey(gen), hierarchy.fingerprint());
      absl::WriterMutexLock state_lock(&state_mu_);
      RETURN_IF_ERROR(write_swap ? write_swap(batch) : store_->Write(batch));
      active_ = gen;
      applied_sequence_ = position;
      journal_.Reset(position);
      mark.sequence = position;
      feed_mark_ = mark;
      placed_with_ = hierarchy.fingerprint();
      placement_written_ = true;
      result.swapped = true;
    }
  }
  const absl::Time compared = absl::Now();
  RETURN_IF_ERROR(DropGeneration(result.swapped ? old_gen : gen));
  // Where a rebuild's time goes, for docs/performance.md.
  std::cerr << absl::StrFormat(
                   "aggregation: rebuilt %d changes into %d records: built in %.1f s, caught up "
                   "and compared in %.1f s, dropped generation %d in %.1f s",
                   result.changes_replayed, result.records,
                   absl::ToDoubleSeconds(built - started),
                   absl::ToDoubleSeconds(compared - built), result.swapped ? old_gen : gen,
                   absl::ToDoubleSeconds(absl::Now() - compared))
            << std::endl;
  if (result.swapped) Notify();
  return result;
}

absl::Status AggregateStore::DropGeneration(uint64_t gen, const std::function<bool()>& go_on) {
  std::string prefix = GenPrefix(gen);
  std::string end = storage::PrefixEnd(prefix);
  // Each page starts after the last key deleted: starting from the prefix
  // again would step over every tombstone written so far, and the time to
  // drop a table would grow with the square of its size.
  std::string from = prefix;
  // The pages are not synced: the last write below is, and a crash before
  // it leaves a leftover generation that is dropped again.
  while (true) {
    if (go_on && !go_on()) {
      return absl::CancelledError(absl::StrCat("dropping roll-up generation ", gen, " stopped"));
    }
    ASSIGN_OR_RETURN(std::vector<storage::KeyValue> page,
                     store_->ScanRange(kDataCf, from, end, drop_page_size_));
    if (page.empty()) break;
    WriteBatch batch;
    for (const storage::KeyValue& kv : page) batch.Delete(kDataCf, kv.key);
    RETURN_IF_ERROR(store_->WriteUnsynced(batch).status());
    from = page.back().key + std::string(1, '\0');
  }
  WriteBatch batch;
  batch.Delete(kMetaCf, PositionKey(gen));
  batch.Delete(kMetaCf, AppliedTimeKey(gen));
  batch.Delete(kMetaCf, BuildingKey(gen));
  batch.Delete(kMetaCf, EpochKey(gen));
  batch.Delete(kMetaCf, LastChangeKey(gen));
  batch.Delete(kMetaCf, PlacedKey(gen));
  return store_->Write(batch);
}

absl::StatusOr<std::pair<std::string, int64_t>> AggregateStore::Digest(
    const storage::KvReader& view, uint64_t gen) const {
  std::string prefix = GenPrefix(gen);
  uint64_t hash = 0xcbf29ce484222325ULL;
  int64_t count = 0;
  RETURN_IF_ERROR(view.Scan(kDataCf, prefix, storage::PrefixEnd(prefix),
                            [&](absl::string_view key, absl::string_view value) {
                              absl::string_view suffix = key.substr(prefix.size());
                              hash = Fnv(hash, absl::StrCat(suffix.size(), ":"));
                              hash = Fnv(hash, suffix);
                              hash = Fnv(hash, absl::StrCat(value.size(), ":"));
                              hash = Fnv(hash, value);
                              ++count;
                              return true;
                            }));
  return std::make_pair(absl::StrFormat("%016x", hash), count);
}

absl::StatusOr<AggregateStore::View> AggregateStore::OpenView() const {
  View view;
  view.snapshot = store_->Snapshot();
  ASSIGN_OR_RETURN(std::optional<std::string> active, view.snapshot->Get(kMetaCf, ActiveKey()));
  if (!active.has_value() || !absl::SimpleAtoi(*active, &view.generation)) {
    return Corrupt("active generation");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> position,
                   view.snapshot->Get(kMetaCf, PositionKey(view.generation)));
  if (position.has_value()) {
    std::optional<int64_t> decoded = DecodeFeedPosition(*position);
    if (!decoded) return Corrupt("position");
    view.applied_sequence = *decoded;
  }
  ASSIGN_OR_RETURN(std::optional<std::string> applied_time,
                   view.snapshot->Get(kMetaCf, AppliedTimeKey(view.generation)));
  int64_t micros = 0;
  if (applied_time.has_value()) {
    if (!absl::SimpleAtoi(*applied_time, &micros)) return Corrupt("applied time");
    if (micros > 0) view.applied_time = absl::FromUnixMicros(micros);
  }
  return view;
}

absl::StatusOr<std::pair<std::string, int64_t>> AggregateStore::DigestActive() const {
  ASSIGN_OR_RETURN(View view, OpenView());
  return Digest(*view.snapshot, view.generation);
}

absl::StatusOr<std::vector<storage::KeyValue>> AggregateStore::DumpActive() const {
  ASSIGN_OR_RETURN(View view, OpenView());
  std::string prefix = GenPrefix(view.generation);
  std::vector<storage::KeyValue> records;
  RETURN_IF_ERROR(view.snapshot->Scan(
      kDataCf, prefix, storage::PrefixEnd(prefix),
      [&](absl::string_view key, absl::string_view value) {
        records.push_back({std::string(key.substr(prefix.size())), std::string(value)});
        return true;
      }));
  return records;
}

absl::Status AggregateStore::Read(
    const std::function<absl::Status(const AggregateReader&)>& read) const {
  ASSIGN_OR_RETURN(View view, OpenView());
  AggregateReader reader(std::move(view.snapshot), view.generation, view.applied_sequence,
                         view.applied_time);
  absl::Status status = read(reader);
  if (!status.ok()) return status;
  return reader.status();
}

void AggregateStore::Notify() {
  if (listener_) listener_(applied_sequence_.load());
}

// ---- AggregateReader ----

AggregateReader::AggregateReader(std::unique_ptr<storage::KvReader> view, uint64_t generation,
                                 int64_t applied, absl::Time applied_time)
    : view_(std::move(view)),
      generation_(generation),
      applied_sequence_(applied),
      applied_time_(applied_time) {}

AggregateReader::~AggregateReader() = default;

void AggregateReader::Fail(const absl::Status& status) const {
  if (status_.ok()) status_ = status;
}

absl::Status AggregateReader::status() const { return status_; }

template <typename Record>
std::optional<Record> AggregateReader::ReadRecord(const std::string& key, const char* what) const {
  absl::StatusOr<std::optional<std::string>> stored = view_->Get(kDataCf, key);
  if (!stored.ok()) {
    Fail(stored.status());
    return std::nullopt;
  }
  if (!stored->has_value()) return std::nullopt;
  Record record;
  if (!record.ParseFromString(**stored)) {
    Fail(Corrupt(what));
    return std::nullopt;
  }
  return record;
}

std::optional<AggregateReader::SumValue> AggregateReader::Sum(Layer layer, absl::string_view plan,
                                                              absl::string_view period,
                                                              absl::string_view root,
                                                              absl::string_view indicator,
                                                              absl::string_view cell) const {
  std::optional<records::Sum> sum = ReadRecord<records::Sum>(
      SumKey(generation_, layer, plan, period, root, indicator, cell), "sum");
  if (!sum.has_value()) return std::nullopt;
  std::optional<__int128> micros = ParseInt128(sum->micros());
  if (!micros.has_value()) {
    Fail(Corrupt("sum"));
    return std::nullopt;
  }
  return SumValue{*micros, sum->contributors()};
}

AggregateReader::Counted AggregateReader::CountedIn(Layer layer, absl::string_view plan,
                                                   absl::string_view period,
                                                   absl::string_view root) const {
  std::optional<records::Subtree> subtree = ReadRecord<records::Subtree>(
      SubtreeKey(generation_, layer, plan, period, root), "subtree count");
  if (!subtree.has_value()) return {};
  if (subtree->contributors() <= 0) {
    Fail(Corrupt("subtree count"));
    return {};
  }
  return Counted{subtree->contributors(), subtree->members()};
}

int64_t AggregateReader::ReportsCounted(Layer layer, absl::string_view plan,
                                       absl::string_view period, absl::string_view root) const {
  return CountedIn(layer, plan, period, root).reports;
}

const std::string& AggregateReader::placed_with() const {
  if (!placed_with_.has_value()) {
    absl::StatusOr<std::optional<std::string>> stored =
        view_->Get(kMetaCf, PlacedKey(generation_));
    if (!stored.ok()) Fail(stored.status());
    placed_with_ = stored.ok() && stored->has_value() ? **stored : std::string();
  }
  return *placed_with_;
}

template <typename Record>
void AggregateReader::ForEachRecord(
    const std::string& prefix, const char* what,
    const std::function<bool(const std::string& rest, const Record& record)>& visit) const {
  absl::Status status = view_->Scan(kDataCf, prefix, storage::PrefixEnd(prefix),
                                    [&](absl::string_view key, absl::string_view value) {
                                      std::optional<std::string> rest = StringAfter(key, prefix);
                                      Record record;
                                      if (!rest || !record.ParseFromString(std::string(value)) ||
                                          !visit(*rest, record)) {
                                        Fail(Corrupt(what));
                                        return false;
                                      }
                                      return true;
                                    });
  if (!status.ok()) Fail(status);
}

template <typename Record>
std::map<std::string, Record> AggregateReader::RecordsByAgency(const std::string& prefix,
                                                              const char* what) const {
  std::map<std::string, Record> records;
  ForEachRecord<Record>(prefix, what, [&](const std::string& agency, const Record& record) {
    records[agency] = record;
    return true;
  });
  return records;
}

std::map<std::string, AggregateReader::SumValue> AggregateReader::Sums(
    Layer layer, absl::string_view plan, absl::string_view period, absl::string_view root,
    absl::string_view indicator) const {
  std::map<std::string, SumValue> sums;
  ForEachRecord<records::Sum>(SumPrefix(generation_, layer, plan, period, root, indicator), "sum",
                              [&](const std::string& cell, const records::Sum& sum) {
                                std::optional<__int128> micros = ParseInt128(sum.micros());
                                if (!micros) return false;
                                sums[cell] = SumValue{*micros, sum.contributors()};
                                return true;
                              });
  return sums;
}

const std::map<std::string, std::vector<std::string>>& AggregateReader::RootsOf(
    Layer layer, absl::string_view plan, absl::string_view period) const {
  std::string key = absl::StrCat(LayerCode(layer), "/", plan, "/", period);
  auto it = roots_.find(key);
  if (it != roots_.end()) return it->second;
  std::map<std::string, std::vector<std::string>>& roots = roots_[key];
  for (auto& [agency, head] : Contributions(layer, plan, period)) {
    roots[agency].assign(head.roots().begin(), head.roots().end());
  }
  return roots;
}

void AggregateReader::ForEachIndexed(
    Layer layer, absl::string_view plan, absl::string_view period, absl::string_view root,
    absl::string_view indicator, absl::string_view cell,
    const std::function<void(const std::string& agency, Micros micros, int64_t submit_micros)>&
        visit) const {
  const auto& roots = RootsOf(layer, plan, period);
  ForEachRecord<records::IndexedValue>(
      ValueCellPrefix(generation_, layer, plan, period, indicator, cell), "indexed value",
      [&](const std::string& agency, const records::IndexedValue& indexed) {
        std::optional<__int128> micros = ParseInt128(indexed.micros());
        if (!micros) return false;
        auto placed = roots.find(agency);
        if (placed != roots.end() &&
            std::find(placed->second.begin(), placed->second.end(), root) != placed->second.end()) {
          visit(agency, *micros, indexed.submit_time_micros());
        }
        return true;
      });
}

std::optional<Micros> AggregateReader::Indexed(Layer layer, absl::string_view plan,
                                               absl::string_view period, absl::string_view root,
                                               absl::string_view indicator, absl::string_view cell,
                                               bool latest) const {
  std::optional<Micros> best;
  int64_t best_submit = 0;
  // Agencies come in name order: among equal submit times the first name
  // wins.
  ForEachIndexed(layer, plan, period, root, indicator, cell,
                 [&](const std::string&, Micros micros, int64_t submit) {
                   bool better = !best.has_value() ||
                                 (latest ? submit > best_submit : micros > *best);
                   if (better) {
                     best = micros;
                     best_submit = submit;
                   }
                 });
  return best;
}

std::map<std::string, Micros> AggregateReader::Values(Layer layer, absl::string_view plan,
                                                     absl::string_view period,
                                                     absl::string_view root,
                                                     absl::string_view indicator,
                                                     absl::string_view cell) const {
  std::map<std::string, Micros> values;
  ForEachIndexed(layer, plan, period, root, indicator, cell,
                 [&](const std::string& agency, Micros micros, int64_t) {
                   values[agency] = micros;
                 });
  return values;
}

std::map<std::string, std::set<std::string>> AggregateReader::BreakdownDimensions(
    Layer layer, absl::string_view plan, absl::string_view period, absl::string_view root,
    absl::string_view indicator) const {
  const auto& roots = RootsOf(layer, plan, period);
  // A subtree with few of the plan and period's reporters (a province's,
  // not the country's): its reporters' reports are read once for every
  // indicator, instead of the value index of the whole country for each.
  // A report holds about as many values as all the agencies' entries of
  // one indicator in the index hold per agency (40 indicators of 5 cells).
  constexpr size_t kReportCostInIndexEntries = 8;
  auto key = std::make_tuple(LayerCode(layer), std::string(plan), std::string(period),
                             std::string(root));
  auto cached = breakdowns_.find(key);
  std::vector<std::string> members;
  if (cached == breakdowns_.end()) {
    for (const auto& [agency, agency_roots] : roots) {
      if (std::find(agency_roots.begin(), agency_roots.end(), root) != agency_roots.end()) {
        members.push_back(agency);
      }
    }
  }
  if (cached != breakdowns_.end() || members.size() * kReportCostInIndexEntries < roots.size()) {
    if (cached == breakdowns_.end()) {
      std::map<std::string, std::map<std::string, std::set<std::string>>> by_indicator;
      for (const std::string& agency : members) {
        std::optional<records::Contribution> contribution =
            Contribution(layer, plan, period, agency);
        if (!contribution.has_value()) continue;
        for (const auto& [indicator_cell, unused] : ReportValues(contribution->report())) {
          std::map<std::string, std::string> parsed = ParseCellKey(indicator_cell.second);
          if (parsed.size() == 1) {
            by_indicator[indicator_cell.first][agency].insert(parsed.begin()->first);
          }
        }
      }
      cached = breakdowns_.emplace(std::move(key), std::move(by_indicator)).first;
    }
    auto found = cached->second.find(std::string(indicator));
    if (found == cached->second.end()) return {};
    return found->second;
  }
  std::map<std::string, std::set<std::string>> dimensions;
  std::string prefix = ValueIndicatorPrefix(generation_, layer, plan, period, indicator);
  absl::Status status = view_->Scan(
      kDataCf, prefix, storage::PrefixEnd(prefix),
      [&](absl::string_view key, absl::string_view) {
        std::optional<ValueCellAgency> entry = ParseValueSuffix(key.substr(prefix.size()));
        if (!entry) {
          Fail(Corrupt("indexed value"));
          return false;
        }
        const std::string* cell = &entry->cell;
        const std::string* agency = &entry->agency;
        auto placed = roots.find(*agency);
        if (placed == roots.end() ||
            std::find(placed->second.begin(), placed->second.end(), root) == placed->second.end()) {
          return true;
        }
        // Only one-dimension cells: a crossed cell says nothing of the
        // one-dimension breakdowns (their blanks are unknown, not 0).
        std::map<std::string, std::string> parsed = ParseCellKey(*cell);
        if (parsed.size() == 1) dimensions[*agency].insert(parsed.begin()->first);
        return true;
      });
  if (!status.ok()) Fail(status);
  return dimensions;
}

std::optional<Micros> AggregateReader::Max(Layer layer, absl::string_view plan,
                                           absl::string_view period, absl::string_view root,
                                           absl::string_view indicator,
                                           absl::string_view cell) const {
  return Indexed(layer, plan, period, root, indicator, cell, /*latest=*/false);
}

std::optional<Micros> AggregateReader::Latest(Layer layer, absl::string_view plan,
                                              absl::string_view period, absl::string_view root,
                                              absl::string_view indicator,
                                              absl::string_view cell) const {
  return Indexed(layer, plan, period, root, indicator, cell, /*latest=*/true);
}


std::map<std::string, records::Contribution> AggregateReader::Contributions(
    Layer layer, absl::string_view plan, absl::string_view period) const {
  return RecordsByAgency<records::Contribution>(
      ContributionPrefix(generation_, layer, plan, period), "contribution");
}

std::optional<records::Contribution> AggregateReader::Head(Layer layer, absl::string_view plan,
                                                           absl::string_view period,
                                                           absl::string_view agency) const {
  return ReadRecord<records::Contribution>(
      ContributionKey(generation_, layer, plan, period, agency), "contribution");
}

std::optional<records::Contribution> AggregateReader::Contribution(Layer layer,
                                                                   absl::string_view plan,
                                                                   absl::string_view period,
                                                                   absl::string_view agency) const {
  std::optional<records::Contribution> head = Head(layer, plan, period, agency);
  if (!head.has_value()) return std::nullopt;
  records::Contribution contribution = *std::move(head);
  absl::StatusOr<std::optional<std::string>> body =
      view_->Get(kDataCf, BodyKey(generation_, layer, plan, period, agency));
  if (!body.ok()) {
    Fail(body.status());
    return std::nullopt;
  }
  if (!body->has_value() || !contribution.mutable_report()->ParseFromString(**body)) {
    Fail(Corrupt("contribution"));
    return std::nullopt;
  }
  return contribution;
}

std::map<std::string, records::ReportStatus> AggregateReader::Statuses(
    absl::string_view plan, absl::string_view period) const {
  return RecordsByAgency<records::ReportStatus>(StatusPrefix(generation_, plan, period),
                                                "report status");
}

std::optional<records::ReportStatus> AggregateReader::Status(absl::string_view plan,
                                                            absl::string_view period,
                                                            absl::string_view agency) const {
  return ReadRecord<records::ReportStatus>(StatusKey(generation_, plan, period, agency),
                                           "report status");
}

std::vector<std::string> AggregateReader::Periods(absl::string_view plan) const {
  // One seek per period, skipping over each period's agencies.
  std::vector<std::string> periods;
  std::string prefix = StatusPrefix(generation_, plan);
  std::string end = storage::PrefixEnd(prefix);
  std::string from = prefix;
  while (true) {
    absl::StatusOr<std::vector<storage::KeyValue>> first = view_->ScanRange(kDataCf, from, end, 1);
    if (!first.ok()) {
      Fail(first.status());
      break;
    }
    if (first->empty()) break;
    std::optional<std::string> period = StringAfter((*first)[0].key, prefix);
    if (!period.has_value()) {
      Fail(Corrupt("report status"));
      break;
    }
    periods.push_back(*period);
    from = storage::PrefixEnd(StatusPrefix(generation_, plan, *period));
  }
  return periods;
}

}  // namespace tonghop::aggregation
