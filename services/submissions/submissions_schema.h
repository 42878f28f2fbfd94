#ifndef TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_SCHEMA_H_
#define TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_SCHEMA_H_

// The submissions store (DATA_DIR/submissions): its column families, every
// key and what is stored under it, and its layout version. The one
// definition of this layout; submissions.cc and notices.cc build every key
// here, and submissions_schema_test.cc holds its byte order and golden
// bytes.
//
// Keys are storage::KeyBuilder keys (storage/key_encoding.h). Ids are the
// last segment of a resource name.
//
//   column family  key                                               value
//   reports        1 · plan id · period · agency id                  v1::Report: the current report
//   reports        2 · agency id · plan id · period · revision (u64) v1::Report: one submitted
//                                                                    revision, updated when reviewed
//   feed           1 · sequence (uint64)                             v1::Change without its epoch
//   feed           2 · "last_sequence"                               the last sequence:
//                                                                    storage::EncodeFixed64
//   notices        1 · notice id                                     v1::Notice
//   notices        2 · next attempt, µs (int64) · notice id          empty: the queue, soonest first
//   idempotency    services/common/idempotency_schema.h (caller: Caller::agency)
//   audit          services/common/audit_schema.h
//   default        "tonghop/layout"                                  the layout version, decimal text
//
// A plan's reports for one period are one prefix of `reports` (tag 1); one
// report's revisions are one prefix of tag 2, oldest first.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/audit_schema.h"
#include "services/common/resource_names.h"
#include "storage/column_family.h"
#include "storage/key_encoding.h"
#include "storage/store_layout.h"

namespace tonghop::submissions {

inline constexpr storage::ColumnFamily kReportsColumnFamily{"reports"};
inline constexpr storage::ColumnFamily kFeedColumnFamily{"feed"};
inline constexpr storage::ColumnFamily kIdempotencyColumnFamily{"idempotency"};
inline constexpr storage::ColumnFamily kNoticesColumnFamily{"notices"};

// The version of the layout above. Version 1 is the layout written before
// versions were recorded. A change of any key or value layout raises it and
// adds a migration to SubmissionsLayout().
inline constexpr int kSubmissionsLayoutVersion = 1;

// The submissions store's column families, version and migrations.
storage::StoreLayout SubmissionsLayout();
// The names of its column families, for OpenRocksDbStore.
std::vector<std::string> SubmissionsColumnFamilies();

// Tags in kReportsColumnFamily.
inline constexpr uint8_t kTagReport = 1;
inline constexpr uint8_t kTagRevision = 2;
// Tags in kFeedColumnFamily.
inline constexpr uint8_t kTagChange = 1;
inline constexpr uint8_t kTagCounter = 2;
// Tags in kNoticesColumnFamily.
inline constexpr uint8_t kTagNotice = 1;
inline constexpr uint8_t kTagPendingNotice = 2;

inline std::string ReportKey(const ReportNameParts& p) {
  return storage::KeyBuilder(kTagReport).String(p.plan_id).String(p.period).String(p.agency_id).Build();
}
// Every current report (no plan), a plan's, or a plan's for one period.
inline std::string ReportPrefix(absl::string_view plan_id = "", absl::string_view period = "") {
  storage::KeyBuilder builder(kTagReport);
  if (!plan_id.empty()) {
    builder.String(plan_id);
    if (!period.empty()) builder.String(period);
  }
  return builder.Build();
}
// One report's revisions, oldest first.
inline std::string RevisionPrefix(const ReportNameParts& p) {
  return storage::KeyBuilder(kTagRevision).String(p.agency_id).String(p.plan_id).String(p.period).Build();
}
inline std::string RevisionKey(const ReportNameParts& p, int64_t revision) {
  return storage::KeyBuilder(kTagRevision)
      .String(p.agency_id)
      .String(p.plan_id)
      .String(p.period)
      .Uint64(static_cast<uint64_t>(revision))
      .Build();
}

// The change feed, in sequence order.
inline std::string ChangePrefix() { return storage::KeyBuilder(kTagChange).Build(); }
inline std::string ChangeKey(int64_t sequence) {
  return storage::KeyBuilder(kTagChange).Uint64(static_cast<uint64_t>(sequence)).Build();
}
inline std::string CounterKey() {
  return storage::KeyBuilder(kTagCounter).String("last_sequence").Build();
}
// The counter's value.
inline std::string EncodeCounter(int64_t sequence) {
  return storage::EncodeFixed64(static_cast<uint64_t>(sequence));
}
// nullopt for a malformed value.
inline std::optional<int64_t> DecodeCounter(absl::string_view value) {
  std::optional<uint64_t> sequence = storage::DecodeFixed64(value);
  if (!sequence) return std::nullopt;
  return static_cast<int64_t>(*sequence);
}

inline std::string NoticeKey(absl::string_view id) {
  return storage::KeyBuilder(kTagNotice).String(id).Build();
}
inline std::string NoticePrefix() { return storage::KeyBuilder(kTagNotice).Build(); }
// The queue entry of notice `id`, due at `next_attempt` (microseconds).
inline std::string PendingNoticeKey(absl::Time next_attempt, absl::string_view id) {
  return storage::KeyBuilder(kTagPendingNotice)
      .Int64(absl::ToUnixMicros(next_attempt))
      .String(id)
      .Build();
}
inline std::string PendingNoticePrefix() { return storage::KeyBuilder(kTagPendingNotice).Build(); }
// What a queue entry's key says; nullopt for a malformed key.
struct PendingNotice {
  int64_t next_attempt_micros = 0;
  std::string id;
};
inline std::optional<PendingNotice> ParsePendingNoticeKey(absl::string_view key) {
  storage::KeyReader reader(key);
  if (reader.Tag() != kTagPendingNotice) return std::nullopt;
  std::optional<int64_t> at = reader.Int64();
  std::optional<std::string> id = reader.String();
  if (!at || !id) return std::nullopt;
  return PendingNotice{*at, *std::move(id)};
}

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_SCHEMA_H_
