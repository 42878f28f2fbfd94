#ifndef TONGHOP_STORAGE_KEY_ENCODING_H_
#define TONGHOP_STORAGE_KEY_ENCODING_H_

// Order-preserving key encoding: a one-byte tag per record kind, then
// components whose encoded byte order equals their natural order, so a
// prefix scan returns a parent's children in order.
//
//   string  → bytes with 0x00 escaped as 0x00 0xFF, then 0x00 0x01
//   uint64  → 8 bytes big-endian
//   int64   → 8 bytes big-endian with the sign bit flipped
//
// A string component sorts before any longer string it is a prefix of, and a
// key's encoding is a prefix of every key that extends it.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace tonghop::storage {

// Builds an encoded key. Not thread-safe; cheap to copy.
class KeyBuilder {
 public:
  // Components only, without a tag: the tail of a key whose head was built
  // elsewhere (a prefix the caller already holds).
  KeyBuilder() = default;
  explicit KeyBuilder(uint8_t tag) { key_.push_back(static_cast<char>(tag)); }
  KeyBuilder& String(absl::string_view s);
  // The start of a string component: `s` escaped, without the terminator,
  // so the key is a prefix of every key whose next string starts with `s`.
  // Only for scan bounds; nothing can follow it.
  KeyBuilder& StringPrefix(absl::string_view s);
  KeyBuilder& Uint64(uint64_t v);
  KeyBuilder& Int64(int64_t v);
  const std::string& key() const { return key_; }
  std::string Build() const { return key_; }

 private:
  std::string key_;
};

// Reads the components of an encoded key back, in order. Each Read returns
// nullopt when the next bytes are not a well-formed component.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}
  std::optional<uint8_t> Tag();
  std::optional<std::string> String();
  std::optional<uint64_t> Uint64();
  std::optional<int64_t> Int64();
  bool AtEnd() const { return rest_.empty(); }

 private:
  absl::string_view rest_;
};

// A uint64 as a value (not a key component): 8 bytes, big-endian, the one
// encoding of counters and positions stored as values.
std::string EncodeFixed64(uint64_t v);
// The inverse; nullopt unless `bytes` is exactly 8 bytes.
std::optional<uint64_t> DecodeFixed64(absl::string_view bytes);

// The smallest key greater than every key that starts with `prefix`
// (empty when there is none, i.e. the prefix is all 0xFF).
std::string PrefixEnd(absl::string_view prefix);

}  // namespace tonghop::storage

#endif  // TONGHOP_STORAGE_KEY_ENCODING_H_
