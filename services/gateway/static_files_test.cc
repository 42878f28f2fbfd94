#include "services/gateway/static_files.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace tonghop::gateway {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tonghop-static-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    base_ = tmpl;
    root_ = base_ / "dist";
    fs::create_directories(root_ / "assets");
    fs::create_directories(root_ / "docs");
    Write(root_ / "index.html", "<!doctype html><title>tonghop</title>");
    Write(root_ / "assets" / "index-3f2a9c.js", "console.log(1)");
    Write(root_ / "docs" / "index.html", "docs");
    Write(base_ / "secret.txt", "secret");
    fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
  }
  void TearDown() override { fs::remove_all(base_); }

  static void Write(const fs::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
  }

  fs::path base_;
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesIndexForTheRootAndForDirectories) {
  StaticFiles files(root_.string());
  auto index = files.Read("/");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ(index->content, "<!doctype html><title>tonghop</title>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_FALSE(index->immutable);
  auto docs = files.Read("/docs");
  ASSERT_TRUE(docs.ok());
  EXPECT_EQ(docs->content, "docs");
  auto docs_slash = files.Read("/docs/");
  ASSERT_TRUE(docs_slash.ok());
  EXPECT_EQ(docs_slash->content, "docs");
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableWithTheirContentType) {
  StaticFiles files(root_.string());
  auto script = files.Read("/assets/index-3f2a9c.js");
  ASSERT_TRUE(script.ok()) << script.status();
  EXPECT_EQ(script->content, "console.log(1)");
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(script->immutable);
}

TEST_F(StaticFilesTest, RefusesTraversalAndLinksOutOfTheRoot) {
  StaticFiles files(root_.string());
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/./index.html",
                           "//etc/passwd", "/assets//index-3f2a9c.js", "/..\\secret.txt",
                           "/..", "/assets/.."}) {
    auto file = files.Read(path);
    EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument) << path;
  }
  auto nul = files.Read(std::string("/index.html\0.png", 16));
  EXPECT_EQ(nul.status().code(), absl::StatusCode::kInvalidArgument);
  auto link = files.Read("/leak.txt");
  EXPECT_EQ(link.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(link.ok());
}

TEST_F(StaticFilesTest, MissingFilesAndMissingRootAreNotFound) {
  StaticFiles files(root_.string());
  EXPECT_EQ(files.Read("/nothing.js").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(files.Read("/assets/").status().code(), absl::StatusCode::kNotFound);
  StaticFiles absent((base_ / "not-built").string());
  EXPECT_EQ(absent.Read("/").status().code(), absl::StatusCode::kNotFound);
  StaticFiles none("");
  EXPECT_EQ(none.Read("/").status().code(), absl::StatusCode::kNotFound);
}

TEST(ContentTypeForPathTest, KnowsTheDashboardsFileTypes) {
  EXPECT_EQ(ContentTypeForPath("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("/assets/a.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("logo.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeForPath("font.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeForPath("data.json"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("README"), "application/octet-stream");
  EXPECT_EQ(ContentTypeForPath("archive.tar.gz"), "application/octet-stream");
}

}  // namespace
}  // namespace tonghop::gateway
