#include "services/aggregation/aggregate_store.h"

#include <algorithm>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "storage/key_encoding.h"

namespace tonghop::aggregation {
namespace {

using storage::KeyBuilder;
using storage::KeyReader;
using storage::KvStore;
using storage::WriteBatch;

constexpr char kMetaCf[] = "aggregation_meta";
constexpr char kDataCf[] = "aggregation_data";

// Meta keys.
constexpr uint8_t kActiveTag = 'A';
constexpr uint8_t kPositionTag = 'P';
constexpr uint8_t kBuildingTag = 'B';
// Data keys: 'G' generation, then one of these record kinds.
constexpr uint8_t kGenerationTag = 'G';
constexpr uint8_t kStatusTag = 'S';
constexpr uint8_t kContributionTag = 'C';
constexpr uint8_t kSumTag = 'R';
constexpr uint8_t kMaxTag = 'X';
constexpr uint8_t kLatestTag = 'L';

const char* LayerCode(Layer layer) { return layer == Layer::kAccepted ? "a" : "u"; }

std::string ActiveKey() { return KeyBuilder(kActiveTag).Build(); }
std::string PositionKey(uint64_t gen) { return KeyBuilder(kPositionTag).Uint64(gen).Build(); }
std::string BuildingKey(uint64_t gen) { return KeyBuilder(kBuildingTag).Uint64(gen).Build(); }
std::string GenPrefix(uint64_t gen) { return KeyBuilder(kGenerationTag).Uint64(gen).Build(); }

std::string StatusPrefix(uint64_t gen, absl::string_view plan) {
  return GenPrefix(gen) + KeyBuilder(kStatusTag).String(plan).Build();
}
std::string StatusPrefix(uint64_t gen, absl::string_view plan, absl::string_view period) {
  return GenPrefix(gen) + KeyBuilder(kStatusTag).String(plan).String(period).Build();
}
std::string StatusKey(uint64_t gen, absl::string_view plan, absl::string_view period,
                      absl::string_view agency) {
  return GenPrefix(gen) + KeyBuilder(kStatusTag).String(plan).String(period).String(agency).Build();
}
std::string ContributionPrefix(uint64_t gen) {
  return GenPrefix(gen) + KeyBuilder(kContributionTag).Build();
}
std::string ContributionPrefix(uint64_t gen, Layer layer, absl::string_view plan,
                               absl::string_view period) {
  return GenPrefix(gen) +
         KeyBuilder(kContributionTag).String(LayerCode(layer)).String(plan).String(period).Build();
}
std::string ContributionKey(uint64_t gen, Layer layer, absl::string_view plan,
                            absl::string_view period, absl::string_view agency) {
  return ContributionPrefix(gen, layer, plan, period) + KeyBuilder(0).String(agency).Build().substr(1);
}
// (layer, plan, period, root, indicator) under a record kind.
std::string IndicatorPrefix(uint8_t tag, uint64_t gen, Layer layer, absl::string_view plan,
                            absl::string_view period, absl::string_view root,
                            absl::string_view indicator) {
  return GenPrefix(gen) + KeyBuilder(tag)
                              .String(LayerCode(layer))
                              .String(plan)
                              .String(period)
                              .String(root)
                              .String(indicator)
                              .Build();
}
std::string CellSuffix(absl::string_view cell) { return KeyBuilder(0).String(cell).Build().substr(1); }
std::string SumKey(uint64_t gen, Layer layer, absl::string_view plan, absl::string_view period,
                   absl::string_view root, absl::string_view indicator, absl::string_view cell) {
  return IndicatorPrefix(kSumTag, gen, layer, plan, period, root, indicator) + CellSuffix(cell);
}
// Descending by value: the first key under the cell prefix is the largest.
std::string MaxKey(uint64_t gen, Layer layer, absl::string_view plan, absl::string_view period,
                   absl::string_view root, absl::string_view indicator, absl::string_view cell,
                   Micros value, absl::string_view agency) {
  __int128 inverted = -value;
  int64_t hi = static_cast<int64_t>(inverted >> 64);
  uint64_t lo = static_cast<uint64_t>(inverted);
  return IndicatorPrefix(kMaxTag, gen, layer, plan, period, root, indicator) + CellSuffix(cell) +
         KeyBuilder(0).Int64(hi).Uint64(lo).String(agency).Build().substr(1);
}
// Descending by submit time: the first key under the cell prefix is the latest.
std::string LatestKey(uint64_t gen, Layer layer, absl::string_view plan,
                      absl::string_view period, absl::string_view root,
                      absl::string_view indicator, absl::string_view cell, int64_t submit_micros,
                      absl::string_view agency) {
  return IndicatorPrefix(kLatestTag, gen, layer, plan, period, root, indicator) +
         CellSuffix(cell) + KeyBuilder(0).Int64(-submit_micros).String(agency).Build().substr(1);
}

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

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("aggregation store: unreadable ", what));
}

// The last string component of a key that starts with `prefix`.
std::optional<std::string> ComponentAfter(absl::string_view key, absl::string_view prefix) {
  if (key.size() < prefix.size()) return std::nullopt;
  std::string rest = std::string(1, '\0') + std::string(key.substr(prefix.size()));
  KeyReader reader(rest);
  reader.Tag();
  return reader.String();
}

uint64_t Fnv(uint64_t hash, absl::string_view bytes) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::vector<std::string> AggregationColumnFamilies() { return {kMetaCf, kDataCf}; }

std::string CellKey(const google::protobuf::Map<std::string, std::string>& cells) {
  std::map<std::string, std::string> sorted(cells.begin(), cells.end());
  std::vector<std::string> parts;
  for (const auto& [dimension, option] : sorted) parts.push_back(absl::StrCat(dimension, "=", option));
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

// Pending writes over the store, read back by later steps of the same batch
// (a rebuild stages thousands of changes before it writes). Not thread-safe.
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
  void AppendTo(WriteBatch& batch) const {
    for (const auto& [key, value] : pending_) {
      if (value.has_value()) {
        batch.Put(kDataCf, key, *value);
      } else {
        batch.Delete(kDataCf, key);
      }
    }
  }
  void Clear() { pending_.clear(); }

 private:
  const KvStore* store_;
  std::map<std::string, std::optional<std::string>> pending_;
};

namespace {

// Adds (sign +1) or subtracts (sign -1) one contribution in every root.
absl::Status StageContribution(uint64_t gen, Layer layer,
                               absl::string_view plan, absl::string_view period,
                               absl::string_view agency, const v1::Report& report,
                               const std::vector<std::string>& roots, int sign,
                               const std::function<absl::StatusOr<std::optional<std::string>>(
                                   const std::string&)>& get,
                               const std::function<void(const std::string&, std::optional<std::string>)>& set) {
  auto values = ReportValues(report);
  int64_t submit = SubmitMicros(report);
  for (const std::string& root : roots) {
    for (const auto& [key, micros] : values) {
      const auto& [indicator, cell] = key;
      std::string sum_key = SumKey(gen, layer, plan, period, root, indicator, cell);
      ASSIGN_OR_RETURN(std::optional<std::string> stored, get(sum_key));
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
        set(sum_key, std::nullopt);
      } else {
        set(sum_key, Serialize(sum));
      }
      std::string max_key = MaxKey(gen, layer, plan, period, root, indicator, cell, micros, agency);
      std::string latest_key =
          LatestKey(gen, layer, plan, period, root, indicator, cell, submit, agency);
      if (sign > 0) {
        set(max_key, Int128ToString(micros));
        set(latest_key, Int128ToString(micros));
      } else {
        set(max_key, std::nullopt);
        set(latest_key, std::nullopt);
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<AggregateStore>> AggregateStore::Open(KvStore* store) {
  std::unique_ptr<AggregateStore> aggregates(new AggregateStore(store));
  RETURN_IF_ERROR(aggregates->Init());
  return aggregates;
}

absl::Status AggregateStore::Init() {
  ASSIGN_OR_RETURN(std::optional<std::string> active, store_->Get(kMetaCf, ActiveKey()));
  uint64_t gen = 1;
  if (!active.has_value()) {
    WriteBatch batch;
    batch.Put(kMetaCf, ActiveKey(), "1");
    batch.Put(kMetaCf, PositionKey(1), "0");
    RETURN_IF_ERROR(store_->Write(batch));
  } else if (!absl::SimpleAtoi(*active, &gen)) {
    return Corrupt("active generation");
  }
  // Generations other than the active one are leftovers of a rebuild that
  // crashed, or of a swap whose clean-up did not finish.
  std::vector<uint64_t> stale;
  uint64_t highest = gen;
  std::string prefix = KeyBuilder(kPositionTag).Build();
  RETURN_IF_ERROR(store_->Scan(kMetaCf, prefix, storage::PrefixEnd(prefix),
                               [&](absl::string_view key, absl::string_view) {
                                 KeyReader reader(key);
                                 reader.Tag();
                                 std::optional<uint64_t> g = reader.Uint64();
                                 if (g.has_value()) {
                                   highest = std::max(highest, *g);
                                   if (*g != gen) stale.push_back(*g);
                                 }
                                 return true;
                               }));
  for (uint64_t g : stale) RETURN_IF_ERROR(DropGeneration(g));
  ASSIGN_OR_RETURN(std::optional<std::string> position, store_->Get(kMetaCf, PositionKey(gen)));
  int64_t applied = 0;
  if (position.has_value() && !absl::SimpleAtoi(*position, &applied)) return Corrupt("position");
  {
    absl::WriterMutexLock lock(&state_mu_);
    active_ = gen;
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

absl::Status AggregateStore::StageChange(Staging& staging, uint64_t gen,
                                         const v1::Change& change,
                                         const Hierarchy& hierarchy) {
  const v1::Report& report = change.report();
  std::string plan = report.plan();
  std::string period = report.period();
  std::string agency = report.agency();
  if (plan.empty() || period.empty() || agency.empty()) {
    absl::StatusOr<ReportNameParts> parts = ParseReportName(report.name(), "report.name");
    if (!parts.ok()) {
      std::cerr << "aggregation: change " << change.sequence()
                << " names no report; skipped: " << parts.status().message() << "\n";
      return absl::OkStatus();
    }
    plan = MakeName("plans", parts->plan_id);
    period = parts->period;
    agency = MakeName("agencies", parts->agency_id);
  }
  const v1::Report* accepted = nullptr;
  const v1::Report* unreviewed = nullptr;
  v1::ReportState state = v1::REPORT_STATE_UNSPECIFIED;
  switch (change.kind()) {
    case v1::CHANGE_KIND_SUBMITTED:
      unreviewed = &report;
      state = v1::REPORT_STATE_SUBMITTED;
      break;
    case v1::CHANGE_KIND_ACCEPTED:
      accepted = unreviewed = &report;
      state = v1::REPORT_STATE_ACCEPTED;
      break;
    case v1::CHANGE_KIND_RETURNED:
      state = v1::REPORT_STATE_RETURNED;
      break;
    default:
      return absl::OkStatus();
  }
  records::ReportStatus status;
  status.set_state(state);
  status.set_revision(report.revision());
  status.set_sequence(change.sequence());
  status.set_on_time(report.on_time());
  status.set_submit_time_micros(SubmitMicros(report));
  staging.Put(StatusKey(gen, plan, period, agency), Serialize(status));

  auto get = [&staging](const std::string& key) { return staging.Get(key); };
  auto set = [&staging](const std::string& key, std::optional<std::string> value) {
    if (value.has_value()) {
      staging.Put(key, std::move(*value));
    } else {
      staging.Delete(key);
    }
  };
  for (Layer layer : {Layer::kAccepted, Layer::kUnreviewed}) {
    const v1::Report* target = layer == Layer::kAccepted ? accepted : unreviewed;
    std::string key = ContributionKey(gen, layer, plan, period, agency);
    ASSIGN_OR_RETURN(std::optional<std::string> stored, staging.Get(key));
    if (stored.has_value()) {
      records::Contribution old;
      if (!old.ParseFromString(*stored)) return Corrupt("contribution");
      std::vector<std::string> roots(old.roots().begin(), old.roots().end());
      RETURN_IF_ERROR(StageContribution(gen, layer, plan, period, agency, old.report(),
                                        roots, -1, get, set));
    }
    if (target == nullptr) {
      if (stored.has_value()) staging.Delete(key);
      continue;
    }
    records::Contribution contribution;
    *contribution.mutable_report() = *target;
    std::vector<std::string> roots = hierarchy.Roots(agency);
    for (const std::string& root : roots) contribution.add_roots(root);
    contribution.set_sequence(change.sequence());
    RETURN_IF_ERROR(StageContribution(gen, layer, plan, period, agency, *target, roots, +1,
                                      get, set));
    staging.Put(key, Serialize(contribution));
  }
  return absl::OkStatus();
}

absl::Status AggregateStore::Apply(const v1::Change& change, const Hierarchy& hierarchy) {
  {
    absl::MutexLock lock(&apply_mu_);
    if (change.sequence() <= applied_sequence_.load()) return absl::OkStatus();
    if (placed_with_ != hierarchy.fingerprint()) RETURN_IF_ERROR(RehomeLocked(hierarchy));
    uint64_t gen = active_generation();
    Staging staging(store_);
    RETURN_IF_ERROR(StageChange(staging, gen, change, hierarchy));
    WriteBatch batch;
    staging.AppendTo(batch);
    batch.Put(kMetaCf, PositionKey(gen), absl::StrCat(change.sequence()));
    {
      absl::WriterMutexLock state_lock(&state_mu_);
      RETURN_IF_ERROR(store_->Write(batch));
      applied_sequence_ = change.sequence();
    }
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
  // The key is C, layer, plan, period, agency.
  std::string rest = std::string(key.substr(GenPrefix(gen).size()));
  KeyReader reader(rest);
  reader.Tag();
  std::optional<std::string> layer_code = reader.String();
  std::optional<std::string> plan = reader.String();
  std::optional<std::string> period = reader.String();
  std::optional<std::string> agency = reader.String();
  if (!layer_code || !plan || !period || !agency) return Corrupt("contribution key");
  Layer layer = *layer_code == "a" ? Layer::kAccepted : Layer::kUnreviewed;
  auto get = [&staging](const std::string& k) { return staging.Get(k); };
  auto set = [&staging](const std::string& k, std::optional<std::string> value) {
    if (value.has_value()) {
      staging.Put(k, std::move(*value));
    } else {
      staging.Delete(k);
    }
  };
  RETURN_IF_ERROR(StageContribution(gen, layer, *plan, *period, *agency,
                                    contribution.report(), old_roots, -1, get, set));
  RETURN_IF_ERROR(StageContribution(gen, layer, *plan, *period, *agency,
                                    contribution.report(), roots, +1, get, set));
  records::Contribution updated = contribution;
  updated.clear_roots();
  for (const std::string& root : roots) updated.add_roots(root);
  staging.Put(std::string(key), Serialize(updated));
  return true;
}

absl::Status AggregateStore::Rehome(const Hierarchy& hierarchy) {
  absl::MutexLock lock(&apply_mu_);
  if (placed_with_ == hierarchy.fingerprint()) return absl::OkStatus();
  return RehomeLocked(hierarchy);
}

absl::Status AggregateStore::RehomeLocked(const Hierarchy& hierarchy) {
  uint64_t gen = active_generation();
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
    absl::WriterMutexLock state_lock(&state_mu_);
    RETURN_IF_ERROR(store_->Write(batch));
  }
  placed_with_ = hierarchy.fingerprint();
  return absl::OkStatus();
}

absl::StatusOr<AggregateStore::Replayed> AggregateStore::ReplayInto(
    ChangeSource& source, uint64_t gen, int64_t after, const Hierarchy& hierarchy) {
  Staging staging(store_);
  int64_t position = after;
  int64_t replayed = 0;
  int64_t staged_position = after;
  auto flush = [&]() -> absl::Status {
    if (staged_position == position && staging.size() == 0) return absl::OkStatus();
    WriteBatch batch;
    staging.AppendTo(batch);
    batch.Put(kMetaCf, PositionKey(gen), absl::StrCat(position));
    RETURN_IF_ERROR(store_->Write(batch));
    staging.Clear();
    staged_position = position;
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(source.ReadToEnd(after, [&](const v1::Change& change) -> absl::Status {
    if (change.sequence() <= position) return absl::OkStatus();
    RETURN_IF_ERROR(StageChange(staging, gen, change, hierarchy));
    position = change.sequence();
    ++replayed;
    if (staging.size() >= 20000) RETURN_IF_ERROR(flush());
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(flush());
  return Replayed{position, replayed};
}

absl::StatusOr<AggregateStore::RebuildResult> AggregateStore::Rebuild(
    ChangeSource& source, const Hierarchy& hierarchy, bool verify_only) {
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
    batch.Put(kMetaCf, PositionKey(gen), "0");
    RETURN_IF_ERROR(store_->Write(batch));
  }
  RebuildResult result;
  absl::StatusOr<Replayed> replayed = ReplayInto(source, gen, 0, hierarchy);
  if (!replayed.ok()) {
    DropGeneration(gen).IgnoreError();
    return replayed.status();
  }
  int64_t position = replayed->position;
  result.changes_replayed = replayed->changes;
  uint64_t old_gen;
  {
    absl::MutexLock lock(&apply_mu_);
    int64_t live = applied_sequence_.load();
    // The live table may have moved on while the replay ran; catch up with
    // it (it cannot move while this lock is held).
    while (position < live) {
      int64_t before = position;
      replayed = ReplayInto(source, gen, before, hierarchy);
      if (replayed.ok()) {
        position = replayed->position;
        result.changes_replayed += replayed->changes;
      }
      if (!replayed.ok() || position == before) {
        DropGeneration(gen).IgnoreError();
        if (!replayed.ok()) return replayed.status();
        return absl::FailedPreconditionError(absl::StrCat(
            "the change feed ends at sequence ", before, " but the aggregates have applied ",
            live, "; is this the same submissions service?"));
      }
    }
    old_gen = active_generation();
    ASSIGN_OR_RETURN(auto previous, Digest(old_gen));
    ASSIGN_OR_RETURN(auto rebuilt, Digest(gen));
    result.applied_sequence = position;
    result.previous_sequence = live;
    result.previous_digest = previous.first;
    result.rebuilt_digest = rebuilt.first;
    result.records = rebuilt.second;
    result.identical = live == position && previous == rebuilt;
    if (!verify_only) {
      WriteBatch batch;
      batch.Put(kMetaCf, ActiveKey(), absl::StrCat(gen));
      batch.Delete(kMetaCf, BuildingKey(gen));
      absl::WriterMutexLock state_lock(&state_mu_);
      RETURN_IF_ERROR(store_->Write(batch));
      active_ = gen;
      applied_sequence_ = position;
      placed_with_ = hierarchy.fingerprint();
      result.swapped = true;
    }
  }
  RETURN_IF_ERROR(DropGeneration(result.swapped ? old_gen : gen));
  if (result.swapped) Notify();
  return result;
}

absl::Status AggregateStore::DropGeneration(uint64_t gen) {
  std::string prefix = GenPrefix(gen);
  std::string end = storage::PrefixEnd(prefix);
  while (true) {
    ASSIGN_OR_RETURN(std::vector<storage::KeyValue> page,
                     store_->ScanRange(kDataCf, prefix, end, 5000));
    if (page.empty()) break;
    WriteBatch batch;
    for (const storage::KeyValue& kv : page) batch.Delete(kDataCf, kv.key);
    RETURN_IF_ERROR(store_->Write(batch));
  }
  WriteBatch batch;
  batch.Delete(kMetaCf, PositionKey(gen));
  batch.Delete(kMetaCf, BuildingKey(gen));
  return store_->Write(batch);
}

absl::StatusOr<std::pair<std::string, int64_t>> AggregateStore::Digest(uint64_t gen) const {
  std::string prefix = GenPrefix(gen);
  uint64_t hash = 0xcbf29ce484222325ULL;
  int64_t count = 0;
  RETURN_IF_ERROR(store_->Scan(kDataCf, prefix, storage::PrefixEnd(prefix),
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

absl::StatusOr<std::pair<std::string, int64_t>> AggregateStore::DigestActive() const {
  absl::ReaderMutexLock lock(&state_mu_);
  return Digest(active_);
}

absl::StatusOr<std::vector<storage::KeyValue>> AggregateStore::DumpActive() const {
  absl::ReaderMutexLock lock(&state_mu_);
  std::string prefix = GenPrefix(active_);
  std::vector<storage::KeyValue> records;
  RETURN_IF_ERROR(store_->Scan(kDataCf, prefix, storage::PrefixEnd(prefix),
                               [&](absl::string_view key, absl::string_view value) {
                                 records.push_back({std::string(key.substr(prefix.size())),
                                                    std::string(value)});
                                 return true;
                               }));
  return records;
}

absl::Status AggregateStore::Read(
    const std::function<absl::Status(const AggregateReader&)>& read) const {
  absl::ReaderMutexLock lock(&state_mu_);
  AggregateReader reader(store_, active_, applied_sequence_.load());
  absl::Status status = read(reader);
  if (!status.ok()) return status;
  return reader.status();
}

void AggregateStore::Notify() {
  if (listener_) listener_(applied_sequence_.load());
}

// ---- AggregateReader ----

void AggregateReader::Fail(const absl::Status& status) const {
  if (status_.ok()) status_ = status;
}

absl::Status AggregateReader::status() const { return status_; }

std::optional<AggregateReader::SumValue> AggregateReader::Sum(
    Layer layer, absl::string_view plan, absl::string_view period, absl::string_view root,
    absl::string_view indicator, absl::string_view cell) const {
  absl::StatusOr<std::optional<std::string>> stored =
      store_->Get(kDataCf, SumKey(generation_, layer, plan, period, root, indicator, cell));
  if (!stored.ok()) {
    Fail(stored.status());
    return std::nullopt;
  }
  if (!stored->has_value()) return std::nullopt;
  records::Sum sum;
  std::optional<__int128> micros;
  if (!sum.ParseFromString(**stored) || !(micros = ParseInt128(sum.micros()))) {
    Fail(Corrupt("sum"));
    return std::nullopt;
  }
  return SumValue{*micros, sum.contributors()};
}

std::map<std::string, AggregateReader::SumValue> AggregateReader::Sums(
    Layer layer, absl::string_view plan, absl::string_view period, absl::string_view root,
    absl::string_view indicator) const {
  std::map<std::string, SumValue> sums;
  std::string prefix = IndicatorPrefix(kSumTag, generation_, layer, plan, period, root, indicator);
  absl::Status status = store_->Scan(
      kDataCf, prefix, storage::PrefixEnd(prefix),
      [&](absl::string_view key, absl::string_view value) {
        std::optional<std::string> cell = ComponentAfter(key, prefix);
        records::Sum sum;
        std::optional<__int128> micros;
        if (!cell || !sum.ParseFromString(std::string(value)) ||
            !(micros = ParseInt128(sum.micros()))) {
          Fail(Corrupt("sum"));
          return false;
        }
        sums[*cell] = SumValue{*micros, sum.contributors()};
        return true;
      });
  if (!status.ok()) Fail(status);
  return sums;
}

namespace {

std::optional<Micros> FirstValue(const KvStore* store, const std::string& prefix,
                                 const std::function<void(const absl::Status&)>& fail) {
  absl::StatusOr<std::vector<storage::KeyValue>> first = store->ScanPrefix(kDataCf, prefix, 1);
  if (!first.ok()) {
    fail(first.status());
    return std::nullopt;
  }
  if (first->empty()) return std::nullopt;
  std::optional<__int128> value = ParseInt128((*first)[0].value);
  if (!value.has_value()) fail(Corrupt("index value"));
  return value;
}

}  // namespace

std::optional<Micros> AggregateReader::Max(Layer layer, absl::string_view plan,
                                           absl::string_view period, absl::string_view root,
                                           absl::string_view indicator,
                                           absl::string_view cell) const {
  return FirstValue(store_,
                    IndicatorPrefix(kMaxTag, generation_, layer, plan, period, root, indicator) +
                        CellSuffix(cell),
                    [this](const absl::Status& s) { Fail(s); });
}

std::optional<Micros> AggregateReader::Latest(Layer layer, absl::string_view plan,
                                              absl::string_view period, absl::string_view root,
                                              absl::string_view indicator,
                                              absl::string_view cell) const {
  return FirstValue(store_,
                    IndicatorPrefix(kLatestTag, generation_, layer, plan, period, root,
                                    indicator) +
                        CellSuffix(cell),
                    [this](const absl::Status& s) { Fail(s); });
}

std::map<std::string, records::Contribution> AggregateReader::Contributions(
    Layer layer, absl::string_view plan, absl::string_view period) const {
  std::map<std::string, records::Contribution> contributions;
  std::string prefix = ContributionPrefix(generation_, layer, plan, period);
  absl::Status status =
      store_->Scan(kDataCf, prefix, storage::PrefixEnd(prefix),
                   [&](absl::string_view key, absl::string_view value) {
                     std::optional<std::string> agency = ComponentAfter(key, prefix);
                     records::Contribution contribution;
                     if (!agency || !contribution.ParseFromString(std::string(value))) {
                       Fail(Corrupt("contribution"));
                       return false;
                     }
                     contributions[*agency] = std::move(contribution);
                     return true;
                   });
  if (!status.ok()) Fail(status);
  return contributions;
}

std::optional<records::Contribution> AggregateReader::Contribution(
    Layer layer, absl::string_view plan, absl::string_view period,
    absl::string_view agency) const {
  absl::StatusOr<std::optional<std::string>> stored =
      store_->Get(kDataCf, ContributionKey(generation_, layer, plan, period, agency));
  if (!stored.ok()) {
    Fail(stored.status());
    return std::nullopt;
  }
  if (!stored->has_value()) return std::nullopt;
  records::Contribution contribution;
  if (!contribution.ParseFromString(**stored)) {
    Fail(Corrupt("contribution"));
    return std::nullopt;
  }
  return contribution;
}

std::map<std::string, records::ReportStatus> AggregateReader::Statuses(
    absl::string_view plan, absl::string_view period) const {
  std::map<std::string, records::ReportStatus> statuses;
  std::string prefix = StatusPrefix(generation_, plan, period);
  absl::Status status = store_->Scan(
      kDataCf, prefix, storage::PrefixEnd(prefix),
      [&](absl::string_view key, absl::string_view value) {
        std::optional<std::string> agency = ComponentAfter(key, prefix);
        records::ReportStatus record;
        if (!agency || !record.ParseFromString(std::string(value))) {
          Fail(Corrupt("report status"));
          return false;
        }
        statuses[*agency] = std::move(record);
        return true;
      });
  if (!status.ok()) Fail(status);
  return statuses;
}

std::vector<std::string> AggregateReader::Periods(absl::string_view plan) const {
  std::vector<std::string> periods;
  std::string prefix = StatusPrefix(generation_, plan);
  absl::Status status = store_->Scan(kDataCf, prefix, storage::PrefixEnd(prefix),
                                     [&](absl::string_view key, absl::string_view) {
                                       std::optional<std::string> period =
                                           ComponentAfter(key, prefix);
                                       if (period.has_value() &&
                                           (periods.empty() || periods.back() != *period)) {
                                         periods.push_back(*period);
                                       }
                                       return true;
                                     });
  if (!status.ok()) Fail(status);
  return periods;
}

}  // namespace tonghop::aggregation
