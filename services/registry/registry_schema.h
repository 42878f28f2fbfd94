#ifndef TONGHOP_SERVICES_REGISTRY_REGISTRY_SCHEMA_H_
#define TONGHOP_SERVICES_REGISTRY_REGISTRY_SCHEMA_H_

// The registry's store (DATA_DIR/registry): its column families, every key
// and what is stored under it, and its layout version. The one definition of
// this layout; registry.cc and people.cc build every key here, and
// registry_schema_test.cc holds its byte order and golden bytes.
//
// Keys are storage::KeyBuilder keys (storage/key_encoding.h): a one-byte
// tag, then components whose byte order is their natural order. Ids are the
// last segment of a resource name ("dong-nai" for agencies/dong-nai).
//
//   column family  key                                       value
//   resources      1 · agency id                             v1::Agency
//   resources      2 · dimension id                          v1::Dimension
//   resources      3 · indicator id                          v1::Indicator
//   resources      4 · plan id                               v1::Plan
//   resources      5 · plan id · task outline                v1::Task
//   index          10 · parent id · child id                 empty: the child index of agencies
//   index          11 · target name · referrer name          empty: "referrer refers to target"
//   people         1 · user id                               v1::User
//   people         2 · user id                               records::Credential
//   people         3 · SHA-256 of the token                  records::Session
//   people         4 · user id · SHA-256 of the token        empty: a person's sessions
//   people         5 · agency id · user id                   empty: an agency's members
//   people         6 · expiry, Unix s (int64) · token hash   user id: sessions by expiry
//   idempotency    services/common/idempotency_schema.h (caller: Caller::Actor())
//   audit          services/common/audit_schema.h
//   default        "tonghop/layout"                          the layout version, decimal text
//
// records::* are in people_records.proto.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/audit_schema.h"
#include "storage/column_family.h"
#include "storage/key_encoding.h"
#include "storage/store_layout.h"

namespace tonghop::registry {

inline constexpr storage::ColumnFamily kResourcesColumnFamily{"resources"};
inline constexpr storage::ColumnFamily kIndexColumnFamily{"index"};
inline constexpr storage::ColumnFamily kIdempotencyColumnFamily{"idempotency"};
inline constexpr storage::ColumnFamily kPeopleColumnFamily{"people"};

// The version of the layout above. Version 1 is the layout written before
// versions were recorded. A change of any key or value layout raises it and
// adds a migration to RegistryLayout().
inline constexpr int kRegistryLayoutVersion = 1;

// The registry store's column families, version and migrations.
storage::StoreLayout RegistryLayout();
// The names of its column families, for OpenRocksDbStore.
std::vector<std::string> RegistryColumnFamilies();

// Tags in kResourcesColumnFamily.
inline constexpr uint8_t kTagAgency = 1;
inline constexpr uint8_t kTagDimension = 2;
inline constexpr uint8_t kTagIndicator = 3;
inline constexpr uint8_t kTagPlan = 4;
inline constexpr uint8_t kTagTask = 5;
// Tags in kIndexColumnFamily.
inline constexpr uint8_t kTagChild = 10;
inline constexpr uint8_t kTagReference = 11;
// Tags in kPeopleColumnFamily.
inline constexpr uint8_t kTagUser = 1;
inline constexpr uint8_t kTagCredential = 2;
inline constexpr uint8_t kTagSession = 3;
inline constexpr uint8_t kTagPersonSession = 4;
inline constexpr uint8_t kTagAgencyMember = 5;
inline constexpr uint8_t kTagSessionExpiry = 6;

// Every record of one tag: the prefix of a whole-kind scan.
inline std::string TagPrefix(uint8_t tag) { return storage::KeyBuilder(tag).Build(); }
// A resource of kind `tag` by id (agencies, dimensions, indicators, plans).
inline std::string ResourceKey(uint8_t tag, absl::string_view id) {
  return storage::KeyBuilder(tag).String(id).Build();
}
// Where the ids of kind `tag` that start with `id_prefix` begin.
inline std::string ResourceIdPrefixStart(uint8_t tag, absl::string_view id_prefix) {
  return storage::KeyBuilder(tag).StringPrefix(id_prefix).Build();
}

inline std::string AgencyKey(absl::string_view id) { return ResourceKey(kTagAgency, id); }
inline std::string DimensionKey(absl::string_view id) { return ResourceKey(kTagDimension, id); }
inline std::string IndicatorKey(absl::string_view id) { return ResourceKey(kTagIndicator, id); }
inline std::string PlanKey(absl::string_view id) { return ResourceKey(kTagPlan, id); }
inline std::string TaskKey(absl::string_view plan_id, absl::string_view outline) {
  return storage::KeyBuilder(kTagTask).String(plan_id).String(outline).Build();
}
// A plan's tasks.
inline std::string TaskPrefix(absl::string_view plan_id) {
  return storage::KeyBuilder(kTagTask).String(plan_id).Build();
}
inline std::string ChildKey(absl::string_view parent_id, absl::string_view child_id) {
  return storage::KeyBuilder(kTagChild).String(parent_id).String(child_id).Build();
}
// An agency's children, in id order.
inline std::string ChildPrefix(absl::string_view parent_id) {
  return storage::KeyBuilder(kTagChild).String(parent_id).Build();
}
inline std::string ReferenceKey(absl::string_view target, absl::string_view referrer) {
  return storage::KeyBuilder(kTagReference).String(target).String(referrer).Build();
}
// Everything that refers to `target`.
inline std::string ReferencePrefix(absl::string_view target) {
  return storage::KeyBuilder(kTagReference).String(target).Build();
}

inline std::string UserKey(absl::string_view id) {
  return storage::KeyBuilder(kTagUser).String(id).Build();
}
inline std::string CredentialKey(absl::string_view id) {
  return storage::KeyBuilder(kTagCredential).String(id).Build();
}
inline std::string SessionKey(absl::string_view token_hash) {
  return storage::KeyBuilder(kTagSession).String(token_hash).Build();
}
inline std::string PersonSessionPrefix(absl::string_view id) {
  return storage::KeyBuilder(kTagPersonSession).String(id).Build();
}
inline std::string PersonSessionKey(absl::string_view id, absl::string_view token_hash) {
  return storage::KeyBuilder(kTagPersonSession).String(id).String(token_hash).Build();
}
inline std::string AgencyMemberPrefix(absl::string_view agency_id) {
  return storage::KeyBuilder(kTagAgencyMember).String(agency_id).Build();
}
inline std::string AgencyMemberKey(absl::string_view agency_id, absl::string_view user_id) {
  return storage::KeyBuilder(kTagAgencyMember).String(agency_id).String(user_id).Build();
}
// Sessions ending at `expire` (whole seconds); those ended before a time
// are the keys below SessionExpiryBound(time).
inline std::string SessionExpiryKey(absl::Time expire, absl::string_view token_hash) {
  return storage::KeyBuilder(kTagSessionExpiry)
      .Int64(absl::ToUnixSeconds(expire))
      .String(token_hash)
      .Build();
}
inline std::string SessionExpiryBound(absl::Time time) {
  return storage::KeyBuilder(kTagSessionExpiry).Int64(absl::ToUnixSeconds(time)).Build();
}

// The second string of a key of the form tag · string · string: the child
// id of a ChildKey, the referrer of a ReferenceKey, the token hash of a
// PersonSessionKey, the user id of an AgencyMemberKey; nullopt when the key
// is not of that form.
inline std::optional<std::string> SecondStringOf(absl::string_view key) {
  storage::KeyReader reader(key);
  if (!reader.Tag() || !reader.String()) return std::nullopt;
  return reader.String();
}
// The token hash of a SessionExpiryKey, or nullopt.
inline std::optional<std::string> SessionExpiryTokenHashOf(absl::string_view key) {
  storage::KeyReader reader(key);
  if (reader.Tag() != kTagSessionExpiry || !reader.Int64()) return std::nullopt;
  return reader.String();
}

}  // namespace tonghop::registry

#endif  // TONGHOP_SERVICES_REGISTRY_REGISTRY_SCHEMA_H_
