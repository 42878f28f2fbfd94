#include "clients/loadgen/work_dir.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace tonghop::loadgen {
namespace {

namespace fs = std::filesystem;

class WorkDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  static void Touch(const fs::path& path) { std::ofstream(path) << "x"; }

  fs::path root_;
};

TEST_F(WorkDirTest, ANamedDirectoryKeepsWhatTheRunDidNotMake) {
  const fs::path named = root_ / "mine";
  fs::create_directories(named);
  Touch(named / "notes.txt");
  absl::StatusOr<WorkDir> dir = WorkDir::Prepare(named.string());
  ASSERT_TRUE(dir.ok()) << dir.status();
  fs::create_directories(dir->Entry("data") + "/registry");
  Touch(dir->Entry("tonghopd.log"));
  fs::create_directories(dir->Entry("limit-rocksdb-1"));
  dir->Clean();
  EXPECT_TRUE(fs::exists(named / "notes.txt"));
  EXPECT_FALSE(fs::exists(dir->Entry("data")));
  EXPECT_FALSE(fs::exists(dir->Entry("tonghopd.log")));
  EXPECT_FALSE(fs::exists(dir->Entry("limit-rocksdb-1")));
}

TEST_F(WorkDirTest, ADirectoryTheRunMadeGoesWhenNothingElseIsInIt) {
  const fs::path named = root_ / "new";
  absl::StatusOr<WorkDir> dir = WorkDir::Prepare(named.string());
  ASSERT_TRUE(dir.ok()) << dir.status();
  fs::create_directories(dir->Entry("data"));
  dir->Clean();
  EXPECT_FALSE(fs::exists(named));

  // Something put there meanwhile by someone else stays, and so does the
  // directory.
  dir = WorkDir::Prepare(named.string());
  ASSERT_TRUE(dir.ok()) << dir.status();
  Touch(named / "someone-else.txt");
  dir->Clean();
  EXPECT_TRUE(fs::exists(named / "someone-else.txt"));
}

TEST_F(WorkDirTest, ADirectoryHoldingAnEarlierRunIsRefused) {
  const fs::path named = root_ / "used";
  fs::create_directories(named / "data");
  absl::StatusOr<WorkDir> dir = WorkDir::Prepare(named.string());
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.status().message().find("already holds data"), std::string::npos);
  EXPECT_TRUE(fs::exists(named / "data"));
}

TEST_F(WorkDirTest, ItsOwnDirectoryIsRemovedWhole) {
  setenv("TMPDIR", root_.c_str(), 1);
  absl::StatusOr<WorkDir> dir = WorkDir::Prepare("");
  unsetenv("TMPDIR");
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(fs::path(dir->path()).parent_path(), root_);
  Touch(fs::path(dir->path()) / "anything");
  dir->Clean();
  EXPECT_FALSE(fs::exists(dir->path()));
}

}  // namespace
}  // namespace tonghop::loadgen
