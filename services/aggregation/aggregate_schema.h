#ifndef TONGHOP_SERVICES_AGGREGATION_AGGREGATE_SCHEMA_H_
#define TONGHOP_SERVICES_AGGREGATION_AGGREGATE_SCHEMA_H_

// The aggregation store (DATA_DIR/aggregation): its column families, every
// key and what is stored under it, and its layout version. The one
// definition of this layout; aggregate_store.cc, report_drafts.cc,
// upstream_pusher.cc and received_figures.cc build every key here, and
// aggregate_schema_test.cc holds its byte order and golden bytes.
//
// The roll-up table. KeyBuilder keys with ASCII-letter tags. Plans,
// periods, agencies, roots and indicators are full resource names
// (plans/…, agencies/…); a layer is "a" (accepted) or "u" (submitted or
// accepted); a cell is the text dim=option,dim=option sorted by dimension,
// empty for the total (CellKey).
//
//   column family     key                                        value
//   aggregation_meta  A                                          the active generation, decimal text
//   aggregation_meta  F                                          the layout version, decimal text
//   aggregation_meta  P · generation (uint64)                    the applied feed position, EncodeFeedPosition
//   aggregation_meta  T · generation                             time of the change at the position,
//                                                                µs since the epoch, decimal text
//   aggregation_meta  B · generation                             empty: being rebuilt
//   aggregation_meta  E · generation                             feed epoch of the last change applied
//   aggregation_meta  L · generation                             ChangeDigest of the last change applied
//   aggregation_meta  H · generation                             the Hierarchy::fingerprint() every
//                                                                contribution's roots were taken
//                                                                from; absent while re-homing
//   aggregation_data  G · gen · S · plan · period · agency       records::ReportStatus
//   aggregation_data  G · gen · C · layer · plan · period · agency
//                                                                records::Contribution head
//   aggregation_data  G · gen · D · layer · plan · period · agency
//                                                                v1::Report: the counted report
//   aggregation_data  G · gen · R · layer · plan · period · root · indicator · cell
//                                                                records::Sum
//   aggregation_data  G · gen · V · layer · plan · period · indicator · cell · agency
//                                                                records::IndexedValue
//   aggregation_data  G · gen · N · layer · plan · period · root  records::Subtree: how many
//                                                                reports count under root, and
//                                                                a digest of which
//
// Compiled report drafts (report_drafts.cc), KeyBuilder keys:
//
//   aggregation_drafts          H · draft name                   the current revision, decimal text
//   aggregation_drafts          R · draft name · revision (u64)  v1::CompiledReportDraft
//   aggregation_draft_requests  services/common/idempotency_schema.h
//
// Federation (upstream_pusher.cc, received_figures.cc): plain text keys,
// fields separated by 0x1F, which no resource name holds:
//
//   upstream_push        "position"                              feed position pushed and acknowledged,
//                                                                EncodeFeedPosition
//   upstream_push        "epoch"                                 feed epoch the position and generations
//                                                                are of (both start again in another)
//   upstream_push        "generation/" plan 0x1F period          generation last acknowledged, decimal text
//   upstream_push        "held/" plan 0x1F period                records::UpstreamHold, a push the
//                                                                upstream refused, retried until taken
//   federation_received  plan 0x1F period 0x1F sender agency     v1::ReceivedFigures
//
//   audit                services/common/audit_schema.h
//
// records::* are in aggregation_records.proto.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/common/audit_schema.h"
#include "storage/column_family.h"
#include "storage/key_encoding.h"
#include "storage/store_layout.h"

namespace tonghop::aggregation {

inline constexpr storage::ColumnFamily kMetaCf{"aggregation_meta"};
inline constexpr storage::ColumnFamily kDataCf{"aggregation_data"};
inline constexpr storage::ColumnFamily kDraftsCf{"aggregation_drafts"};
inline constexpr storage::ColumnFamily kDraftRequestsCf{"aggregation_draft_requests"};
inline constexpr storage::ColumnFamily kReceivedFiguresCf{"federation_received"};
inline constexpr storage::ColumnFamily kUpstreamPushCf{"upstream_push"};

// The version of the layout above, recorded under F in kMetaCf. Version 1
// is a table without F. Versions 1 and 2 are migrated by starting the
// roll-ups over: the active generation is forgotten, AggregateStore::Open
// starts an empty one, the feed consumer replays the change feed into it,
// and the old generations are dropped in the background. Version 3 held
// feed positions as decimal text; version 4 holds them as the submissions
// store's counter is held (EncodeFeedPosition), rewritten in place. A
// change of the roll-up layout raises the version and adds a step that
// starts the roll-ups over (version 5 added the subtree counts, N; version
// 6 their members' digest and the placement, H); a
// change of the drafts' or the federation's
// layout needs a migration of its own.
inline constexpr int kAggregationLayoutVersion = 6;

// The aggregation store's column families, version and migrations.
storage::StoreLayout AggregationLayout();
// The roll-up table's own column families (kMetaCf, kDataCf).
std::vector<std::string> AggregationColumnFamilies();

// Which reports count.
enum class Layer { kAccepted, kUnreviewed };
// The layer's code in keys.
inline const char* LayerCode(Layer layer) { return layer == Layer::kAccepted ? "a" : "u"; }

// A feed position as a value: 8 bytes, big-endian (storage::EncodeFixed64),
// the one encoding of feed positions in every store.
inline std::string EncodeFeedPosition(int64_t position) {
  return storage::EncodeFixed64(static_cast<uint64_t>(position));
}
// nullopt for a malformed value.
inline std::optional<int64_t> DecodeFeedPosition(absl::string_view value) {
  std::optional<uint64_t> position = storage::DecodeFixed64(value);
  if (!position) return std::nullopt;
  return static_cast<int64_t>(*position);
}

// ---- aggregation_meta ----

inline constexpr uint8_t kActiveTag = 'A';
inline constexpr uint8_t kLayoutTag = 'F';
inline constexpr uint8_t kPositionTag = 'P';
inline constexpr uint8_t kAppliedTimeTag = 'T';
inline constexpr uint8_t kBuildingTag = 'B';
inline constexpr uint8_t kEpochTag = 'E';
inline constexpr uint8_t kLastChangeTag = 'L';
inline constexpr uint8_t kPlacedTag = 'H';

inline std::string ActiveKey() { return storage::KeyBuilder(kActiveTag).Build(); }
inline std::string LayoutKey() { return storage::KeyBuilder(kLayoutTag).Build(); }
// Every generation's position: one per generation that exists.
inline std::string PositionPrefix() { return storage::KeyBuilder(kPositionTag).Build(); }
inline std::string PositionKey(uint64_t gen) {
  return storage::KeyBuilder(kPositionTag).Uint64(gen).Build();
}
// The generation a PositionKey names, or nullopt.
inline std::optional<uint64_t> GenerationOfPositionKey(absl::string_view key) {
  storage::KeyReader reader(key);
  if (reader.Tag() != kPositionTag) return std::nullopt;
  return reader.Uint64();
}
// Kept beside the position (and written with it) rather than in it, so that
// a table written before it existed still reads.
inline std::string AppliedTimeKey(uint64_t gen) {
  return storage::KeyBuilder(kAppliedTimeTag).Uint64(gen).Build();
}
inline std::string BuildingKey(uint64_t gen) {
  return storage::KeyBuilder(kBuildingTag).Uint64(gen).Build();
}
inline std::string EpochKey(uint64_t gen) {
  return storage::KeyBuilder(kEpochTag).Uint64(gen).Build();
}
inline std::string LastChangeKey(uint64_t gen) {
  return storage::KeyBuilder(kLastChangeTag).Uint64(gen).Build();
}
inline std::string PlacedKey(uint64_t gen) {
  return storage::KeyBuilder(kPlacedTag).Uint64(gen).Build();
}

// ---- aggregation_data ----

inline constexpr uint8_t kGenerationTag = 'G';
inline constexpr uint8_t kStatusTag = 'S';
inline constexpr uint8_t kContributionTag = 'C';
inline constexpr uint8_t kBodyTag = 'D';
inline constexpr uint8_t kSumTag = 'R';
inline constexpr uint8_t kValueTag = 'V';
inline constexpr uint8_t kSubtreeTag = 'N';

// Every record of one generation.
inline std::string GenPrefix(uint64_t gen) {
  return storage::KeyBuilder(kGenerationTag).Uint64(gen).Build();
}
// A string component alone, to append to a prefix.
inline std::string StringSuffix(absl::string_view component) {
  return storage::KeyBuilder().String(component).Build();
}
// The string component right after `prefix` in `key`, or nullopt.
inline std::optional<std::string> StringAfter(absl::string_view key, absl::string_view prefix) {
  if (key.size() < prefix.size()) return std::nullopt;
  return storage::KeyReader(key.substr(prefix.size())).String();
}

// The records under `tag` of one layer of a plan and period: tag · layer ·
// plan · period, after the generation. Contributions, bodies, sums, subtree
// counts and the value index all begin so.
inline std::string LayerPrefix(uint64_t gen, uint8_t tag, Layer layer, absl::string_view plan,
                               absl::string_view period) {
  return GenPrefix(gen) +
         storage::KeyBuilder(tag).String(LayerCode(layer)).String(plan).String(period).Build();
}

inline std::string StatusPrefix(uint64_t gen, absl::string_view plan) {
  return GenPrefix(gen) + storage::KeyBuilder(kStatusTag).String(plan).Build();
}
inline std::string StatusPrefix(uint64_t gen, absl::string_view plan, absl::string_view period) {
  return GenPrefix(gen) + storage::KeyBuilder(kStatusTag).String(plan).String(period).Build();
}
inline std::string StatusKey(uint64_t gen, absl::string_view plan, absl::string_view period,
                             absl::string_view agency) {
  return StatusPrefix(gen, plan, period) + StringSuffix(agency);
}

inline std::string ContributionPrefix(uint64_t gen) {
  return GenPrefix(gen) + storage::KeyBuilder(kContributionTag).Build();
}
inline std::string ContributionPrefix(uint64_t gen, Layer layer, absl::string_view plan,
                                      absl::string_view period) {
  return LayerPrefix(gen, kContributionTag, layer, plan, period);
}
inline std::string ContributionKey(uint64_t gen, Layer layer, absl::string_view plan,
                                   absl::string_view period, absl::string_view agency) {
  return ContributionPrefix(gen, layer, plan, period) + StringSuffix(agency);
}
// What a ContributionKey of generation `gen` names; nullopt when malformed.
struct ContributionKeyParts {
  Layer layer = Layer::kAccepted;
  std::string plan;
  std::string period;
  std::string agency;
};
inline std::optional<ContributionKeyParts> ParseContributionKey(uint64_t gen,
                                                                absl::string_view key) {
  std::string prefix = GenPrefix(gen);
  if (key.substr(0, prefix.size()) != prefix) return std::nullopt;
  storage::KeyReader reader(key.substr(prefix.size()));
  if (reader.Tag() != kContributionTag) return std::nullopt;
  std::optional<std::string> layer = reader.String();
  std::optional<std::string> plan = reader.String();
  std::optional<std::string> period = reader.String();
  std::optional<std::string> agency = reader.String();
  if (!layer || !plan || !period || !agency) return std::nullopt;
  // A layer code that is neither is a damaged key, not the other layer.
  if (*layer != LayerCode(Layer::kAccepted) && *layer != LayerCode(Layer::kUnreviewed)) {
    return std::nullopt;
  }
  return ContributionKeyParts{*layer == LayerCode(Layer::kAccepted) ? Layer::kAccepted
                                                                    : Layer::kUnreviewed,
                              *std::move(plan), *std::move(period), *std::move(agency)};
}

inline std::string BodyKey(uint64_t gen, Layer layer, absl::string_view plan,
                           absl::string_view period, absl::string_view agency) {
  return LayerPrefix(gen, kBodyTag, layer, plan, period) + StringSuffix(agency);
}

// (layer, plan, period, root, indicator) under the sums; the cell follows.
inline std::string SumPrefix(uint64_t gen, Layer layer, absl::string_view plan,
                             absl::string_view period, absl::string_view root,
                             absl::string_view indicator) {
  return LayerPrefix(gen, kSumTag, layer, plan, period) +
         storage::KeyBuilder().String(root).String(indicator).Build();
}
inline std::string SumKey(uint64_t gen, Layer layer, absl::string_view plan,
                          absl::string_view period, absl::string_view root,
                          absl::string_view indicator, absl::string_view cell) {
  return SumPrefix(gen, layer, plan, period, root, indicator) + StringSuffix(cell);
}

// The count of reports under `root` and their digest (records::Subtree).
inline std::string SubtreeKey(uint64_t gen, Layer layer, absl::string_view plan,
                              absl::string_view period, absl::string_view root) {
  return LayerPrefix(gen, kSubtreeTag, layer, plan, period) + StringSuffix(root);
}

// (layer, plan, period, indicator) under the value index; the cell and the
// agency follow.
inline std::string ValueIndicatorPrefix(uint64_t gen, Layer layer, absl::string_view plan,
                                        absl::string_view period, absl::string_view indicator) {
  return LayerPrefix(gen, kValueTag, layer, plan, period) + StringSuffix(indicator);
}
// (layer, plan, period, indicator, cell) under the value index; the agency
// follows (StringSuffix(agency)).
inline std::string ValueCellPrefix(uint64_t gen, Layer layer, absl::string_view plan,
                                   absl::string_view period, absl::string_view indicator,
                                   absl::string_view cell) {
  return ValueIndicatorPrefix(gen, layer, plan, period, indicator) + StringSuffix(cell);
}
// The cell and agency of a value-index key after its ValueIndicatorPrefix.
struct ValueCellAgency {
  std::string cell;
  std::string agency;
};
inline std::optional<ValueCellAgency> ParseValueSuffix(absl::string_view suffix) {
  storage::KeyReader reader(suffix);
  std::optional<std::string> cell = reader.String();
  std::optional<std::string> agency = reader.String();
  if (!cell || !agency) return std::nullopt;
  return ValueCellAgency{*std::move(cell), *std::move(agency)};
}

// ---- aggregation_drafts ----

inline constexpr uint8_t kDraftHeadTag = 'H';
inline constexpr uint8_t kDraftRevisionTag = 'R';

inline std::string DraftHeadKey(absl::string_view name) {
  return storage::KeyBuilder(kDraftHeadTag).String(name).Build();
}
// A draft's revisions, oldest first.
inline std::string DraftRevisionPrefix(absl::string_view name) {
  return storage::KeyBuilder(kDraftRevisionTag).String(name).Build();
}
inline std::string DraftRevisionKey(absl::string_view name, int32_t revision) {
  return storage::KeyBuilder(kDraftRevisionTag)
      .String(name)
      .Uint64(static_cast<uint64_t>(revision))
      .Build();
}

// ---- upstream_push and federation_received ----

inline constexpr char kFieldSeparator = '\x1f';

inline std::string UpstreamPositionKey() { return "position"; }
inline std::string UpstreamEpochKey() { return "epoch"; }
inline std::string UpstreamGenerationPrefix() { return "generation/"; }
inline std::string UpstreamGenerationKey(absl::string_view plan, absl::string_view period) {
  return absl::StrCat(UpstreamGenerationPrefix(), plan, std::string(1, kFieldSeparator), period);
}
inline std::string UpstreamHeldPrefix() { return "held/"; }
inline std::string UpstreamHeldKey(absl::string_view plan, absl::string_view period) {
  return absl::StrCat(UpstreamHeldPrefix(), plan, std::string(1, kFieldSeparator), period);
}
// One plan and period's senders, in agency order.
inline std::string ReceivedPeriodPrefix(absl::string_view plan, absl::string_view period) {
  return absl::StrCat(plan, std::string(1, kFieldSeparator), period,
                      std::string(1, kFieldSeparator));
}
inline std::string ReceivedFiguresKey(absl::string_view plan, absl::string_view period,
                                      absl::string_view agency) {
  return absl::StrCat(ReceivedPeriodPrefix(plan, period), agency);
}

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_AGGREGATE_SCHEMA_H_
