#include "storage/key_encoding.h"

namespace tonghop::storage {

KeyBuilder& KeyBuilder::StringPrefix(absl::string_view s) {
  for (char c : s) {
    key_.push_back(c);
    if (c == '\0') key_.push_back('\xff');
  }
  return *this;
}

KeyBuilder& KeyBuilder::String(absl::string_view s) {
  StringPrefix(s);
  key_.push_back('\0');
  key_.push_back('\x01');
  return *this;
}

KeyBuilder& KeyBuilder::Uint64(uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    key_.push_back(static_cast<char>((v >> shift) & 0xff));
  }
  return *this;
}

KeyBuilder& KeyBuilder::Int64(int64_t v) {
  return Uint64(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}

std::optional<uint8_t> KeyReader::Tag() {
  if (rest_.empty()) return std::nullopt;
  uint8_t tag = static_cast<uint8_t>(rest_[0]);
  rest_.remove_prefix(1);
  return tag;
}

std::optional<std::string> KeyReader::String() {
  std::string out;
  size_t i = 0;
  while (i + 1 < rest_.size()) {
    char c = rest_[i];
    if (c != '\0') {
      out.push_back(c);
      ++i;
      continue;
    }
    char next = rest_[i + 1];
    if (next == '\x01') {
      rest_.remove_prefix(i + 2);
      return out;
    }
    if (next != '\xff') return std::nullopt;
    out.push_back('\0');
    i += 2;
  }
  return std::nullopt;
}

std::optional<uint64_t> KeyReader::Uint64() {
  if (rest_.size() < 8) return std::nullopt;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(rest_[i]);
  rest_.remove_prefix(8);
  return v;
}

std::optional<int64_t> KeyReader::Int64() {
  std::optional<uint64_t> v = Uint64();
  if (!v) return std::nullopt;
  return static_cast<int64_t>(*v ^ (uint64_t{1} << 63));
}

std::string EncodeFixed64(uint64_t v) { return KeyBuilder().Uint64(v).Build(); }

std::optional<uint64_t> DecodeFixed64(absl::string_view bytes) {
  KeyReader reader(bytes);
  std::optional<uint64_t> v = reader.Uint64();
  if (!v || !reader.AtEnd()) return std::nullopt;
  return v;
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    unsigned char last = static_cast<unsigned char>(end.back());
    if (last != 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

}  // namespace tonghop::storage
