#include "storage/key_encoding.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tonghop::storage {
namespace {

TEST(KeyEncodingTest, StringsSortInNaturalOrder) {
  std::vector<std::string> values = {"", "a", std::string("a\0", 2),
                                     std::string("a\0b", 3), "a\x01", "ab",
                                     "b", "\xff", std::string("\xff\0", 2)};
  std::vector<std::string> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> keys;
  for (const auto& v : sorted) keys.push_back(KeyBuilder(1).String(v).Build());
  for (size_t i = 1; i < keys.size(); ++i) {
    EXPECT_LT(keys[i - 1], keys[i]) << "between value " << i - 1 << " and " << i;
  }
}

TEST(KeyEncodingTest, PrefixOfComponentSortsBeforeItsExtensions) {
  // "dong-nai" then a second component must sort before "dong-nai-so-y-te":
  // a parent's children stay contiguous.
  std::string parent_child = KeyBuilder(2).String("dong-nai").String("zzz").Build();
  std::string sibling = KeyBuilder(2).String("dong-nai-so-y-te").Build();
  EXPECT_LT(parent_child, sibling);
  std::string prefix = KeyBuilder(2).String("dong-nai").Build();
  EXPECT_EQ(parent_child.compare(0, prefix.size(), prefix), 0);
  EXPECT_NE(sibling.compare(0, prefix.size(), prefix), 0);
}

TEST(KeyEncodingTest, NumbersSortInNaturalOrder) {
  std::vector<uint64_t> u = {0, 1, 255, 256, 65535, 1ULL << 40, ~0ULL};
  for (size_t i = 1; i < u.size(); ++i) {
    EXPECT_LT(KeyBuilder(3).Uint64(u[i - 1]).Build(),
              KeyBuilder(3).Uint64(u[i]).Build());
  }
  std::vector<int64_t> s = {INT64_MIN, -1000, -1, 0, 1, 1000, INT64_MAX};
  for (size_t i = 1; i < s.size(); ++i) {
    EXPECT_LT(KeyBuilder(3).Int64(s[i - 1]).Build(),
              KeyBuilder(3).Int64(s[i]).Build());
  }
}

TEST(KeyEncodingTest, ExactByteLayout) {
  EXPECT_EQ(KeyBuilder(7).String(std::string("a\0", 2)).Uint64(258).Build(),
            std::string("\x07" "a\x00\xff\x00\x01"
                        "\x00\x00\x00\x00\x00\x00\x01\x02",
                        14));
}

TEST(KeyEncodingTest, RoundTripsRandomComponents) {
  std::mt19937 rng(42);
  for (int n = 0; n < 500; ++n) {
    std::string s;
    int len = rng() % 12;
    for (int i = 0; i < len; ++i) s.push_back(static_cast<char>(rng() % 4));
    uint64_t u = (static_cast<uint64_t>(rng()) << 32) | rng();
    int64_t v = static_cast<int64_t>(u);
    std::string key = KeyBuilder(9).String(s).Uint64(u).Int64(v).String("x").Build();
    KeyReader r(key);
    EXPECT_EQ(r.Tag(), 9);
    EXPECT_EQ(r.String(), s);
    EXPECT_EQ(r.Uint64(), u);
    EXPECT_EQ(r.Int64(), v);
    EXPECT_EQ(r.String(), "x");
    EXPECT_TRUE(r.AtEnd());
  }
}

TEST(KeyEncodingTest, ReaderRejectsMalformedInput) {
  EXPECT_FALSE(KeyReader(std::string("a\x00\x02", 3)).String());
  EXPECT_FALSE(KeyReader("abc").String());
  EXPECT_FALSE(KeyReader("1234567").Uint64());
}

TEST(KeyEncodingTest, PrefixEnd) {
  EXPECT_EQ(PrefixEnd("ab"), "ac");
  EXPECT_EQ(PrefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixEnd("\xff\xff"), "");
}

TEST(KeyEncodingTest, UntaggedBuilderIsTheTailOfATaggedKey) {
  std::string head = KeyBuilder(7).String("plans/a").Build();
  EXPECT_EQ(head + KeyBuilder().String(std::string("x\0y", 3)).Uint64(9).Build(),
            KeyBuilder(7).String("plans/a").String(std::string("x\0y", 3)).Uint64(9).Build());
}

TEST(KeyEncodingTest, StringPrefixBoundsEveryStringThatStartsWithIt) {
  std::string start = KeyBuilder(1).StringPrefix("dong").Build();
  EXPECT_EQ(start, std::string("\x01" "dong"));
  for (const char* id : {"dong", "dong-nai", "dongz"}) {
    std::string key = KeyBuilder(1).String(id).Build();
    EXPECT_EQ(key.compare(0, start.size(), start), 0) << id;
  }
  EXPECT_NE(KeyBuilder(1).String("don").Build().compare(0, start.size(), start), 0);
  EXPECT_EQ(KeyBuilder(1).StringPrefix(std::string("a\0", 2)).Build(),
            std::string("\x01" "a\0\xff", 4));
}

TEST(KeyEncodingTest, Fixed64ValuesAreEightBytesBigEndian) {
  EXPECT_EQ(EncodeFixed64(0x0102030405060708ULL), std::string("\x01\x02\x03\x04\x05\x06\x07\x08"));
  EXPECT_EQ(DecodeFixed64(EncodeFixed64(42)), std::optional<uint64_t>(42));
  EXPECT_EQ(DecodeFixed64("1234567"), std::nullopt);
  EXPECT_EQ(DecodeFixed64("123456789"), std::nullopt);
}

}  // namespace
}  // namespace tonghop::storage
