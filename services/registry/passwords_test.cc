#include "services/registry/passwords.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace tonghop::registry {
namespace {

TEST(PasswordsTest, HashIsArgon2idAndVerifiesOnlyTheSamePassword) {
  absl::StatusOr<std::string> hash = HashPassword("mật khẩu đủ dài");
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_TRUE(absl::StartsWith(*hash, "$argon2id$v=19$m=65536,t=2,p=1$")) << *hash;
  EXPECT_FALSE(absl::StrContains(*hash, "mật khẩu"));
  EXPECT_TRUE(VerifyPassword(*hash, "mật khẩu đủ dài"));
  EXPECT_FALSE(VerifyPassword(*hash, "mật khẩu đủ dài "));
  EXPECT_FALSE(VerifyPassword(*hash, "Mật khẩu đủ dài"));
  EXPECT_FALSE(VerifyPassword("", "mật khẩu đủ dài"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "mật khẩu đủ dài"));
}

TEST(PasswordsTest, SaltMakesEveryHashDifferent) {
  absl::StatusOr<std::string> a = HashPassword("correct horse battery");
  absl::StatusOr<std::string> b = HashPassword("correct horse battery");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword(*a, "correct horse battery"));
  EXPECT_TRUE(VerifyPassword(*b, "correct horse battery"));
}

TEST(PasswordsTest, ComposedAndDecomposedVietnameseMatch) {
  // "Đồng Nai 2026!" typed composed (NFC) and decomposed (NFD).
  const std::string composed = "\xC4\x90\xE1\xBB\x93ng Nai 2026!";
  const std::string decomposed = "\xC4\x90o\xCC\x82\xCC\x80ng Nai 2026!";
  ASSERT_NE(composed, decomposed);
  absl::StatusOr<std::string> hash = HashPassword(decomposed);
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(VerifyPassword(*hash, composed));
}

TEST(PasswordsTest, NewPasswordRules) {
  EXPECT_TRUE(CheckNewPassword("0123456789", "p").ok());
  EXPECT_TRUE(CheckNewPassword("mật khẩu mới", "p").ok());
  EXPECT_EQ(CheckNewPassword("", "p").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckNewPassword("short", "p").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckNewPassword("          ", "p").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckNewPassword(std::string(257, 'x'), "p").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckNewPassword("bad \xff utf-8 text", "p").code(),
            absl::StatusCode::kInvalidArgument);
  // The message never echoes the password.
  absl::Status status = CheckNewPassword("secret7", "new_password");
  EXPECT_FALSE(absl::StrContains(status.ToString(), "secret7"));
}

TEST(PasswordsTest, GeneratedPasswordsAreLongAndDistinct) {
  absl::StatusOr<std::string> a = GeneratePassword();
  absl::StatusOr<std::string> b = GeneratePassword();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 20u);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(CheckNewPassword(*a, "p").ok());
}

}  // namespace
}  // namespace tonghop::registry
