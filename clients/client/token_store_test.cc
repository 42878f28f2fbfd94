#include "clients/client/token_store.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "gtest/gtest.h"

namespace tonghop::client {
namespace {

class TokenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tonghop-tokens-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  static int Mode(const std::string& path) {
    struct stat info;
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return static_cast<int>(info.st_mode & 0777);
  }

  std::string root_;
};

TEST_F(TokenStoreTest, SavedPrivatelyPerServerAndLoadedBack) {
  TokenStore store(root_ + "/home/lan/.tonghop");
  StoredToken token{"abcDEF_123-xyz", "users/lan", absl::FromUnixSeconds(1800000000)};
  ASSERT_TRUE(store.Save("127.0.0.1:7070", token).ok());
  std::string path = store.PathFor("127.0.0.1:7070");
  EXPECT_EQ(path, root_ + "/home/lan/.tonghop/tokens/127.0.0.1_7070");
  EXPECT_EQ(Mode(path), 0600);
  EXPECT_EQ(Mode(root_ + "/home/lan/.tonghop/tokens"), 0700);
  EXPECT_EQ(Mode(root_ + "/home/lan/.tonghop"), 0700);
  absl::StatusOr<std::optional<StoredToken>> loaded = store.Load("127.0.0.1:7070");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->token, token.token);
  EXPECT_EQ((*loaded)->user, "users/lan");
  EXPECT_EQ((*loaded)->expire_time, token.expire_time);
  // Another server has none.
  absl::StatusOr<std::optional<StoredToken>> other = store.Load("10.0.0.1:7070");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  ASSERT_TRUE(store.Remove("127.0.0.1:7070").ok());
  EXPECT_FALSE(store.Load("127.0.0.1:7070")->has_value());
  EXPECT_TRUE(store.Remove("127.0.0.1:7070").ok());
}

TEST_F(TokenStoreTest, AFileOthersCanReadIsRefused) {
  TokenStore store(root_);
  ASSERT_TRUE(store.Save("h:1", {"t", "users/lan", absl::FromUnixSeconds(1)}).ok());
  ASSERT_EQ(::chmod(store.PathFor("h:1").c_str(), 0644), 0);
  EXPECT_EQ(store.Load("h:1").status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace tonghop::client
