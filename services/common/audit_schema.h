#ifndef TONGHOP_SERVICES_COMMON_AUDIT_SCHEMA_H_
#define TONGHOP_SERVICES_COMMON_AUDIT_SCHEMA_H_

// The audit column family that every audited store adds to its own (the
// registry, submissions and aggregation stores): the one definition of its
// keys and values. AuditLog (audit_log.h) reads and writes it.
//
//   key                       value
//   1 · sequence (uint64)     SHA-256 of the record bytes (32 bytes), then the
//                             bytes: a v1::AuditRecord without `name`, `hash`
//                             and `damaged`
//   2                         the head: the last sequence (8 bytes,
//                             big-endian, storage::EncodeFixed64), then its
//                             hash (32 bytes)
//
// Its layout is part of each store's layout version.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "storage/column_family.h"
#include "storage/key_encoding.h"

namespace tonghop {

inline constexpr storage::ColumnFamily kAuditColumnFamily{"audit"};

inline constexpr uint8_t kTagAuditRecord = 1;
inline constexpr uint8_t kTagAuditHead = 2;
// SHA-256.
inline constexpr size_t kAuditHashBytes = 32;

// Every record, in sequence order.
inline std::string AuditRecordPrefix() { return storage::KeyBuilder(kTagAuditRecord).Build(); }
// The key of record `sequence`, also for tools and tests that look at a
// store directly.
inline std::string AuditRecordKey(int64_t sequence) {
  return storage::KeyBuilder(kTagAuditRecord).Uint64(static_cast<uint64_t>(sequence)).Build();
}
// The sequence a record key names, or nullopt for a malformed key.
inline std::optional<int64_t> AuditSequenceOf(absl::string_view key) {
  storage::KeyReader reader(key);
  if (reader.Tag() != kTagAuditRecord) return std::nullopt;
  std::optional<uint64_t> sequence = reader.Uint64();
  if (!sequence || !reader.AtEnd()) return std::nullopt;
  return static_cast<int64_t>(*sequence);
}
inline std::string AuditHeadKey() { return storage::KeyBuilder(kTagAuditHead).Build(); }

// The head's value.
struct AuditHead {
  int64_t sequence = 0;
  std::string hash;  // raw, kAuditHashBytes
};
inline std::string EncodeAuditHead(int64_t sequence, absl::string_view hash) {
  return storage::EncodeFixed64(static_cast<uint64_t>(sequence)) + std::string(hash);
}
// nullopt for a value of the wrong size.
inline std::optional<AuditHead> DecodeAuditHead(absl::string_view value) {
  if (value.size() != 8 + kAuditHashBytes) return std::nullopt;
  std::optional<uint64_t> sequence = storage::DecodeFixed64(value.substr(0, 8));
  if (!sequence) return std::nullopt;
  return AuditHead{static_cast<int64_t>(*sequence), std::string(value.substr(8))};
}

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_AUDIT_SCHEMA_H_
