// A full disk is an outage, not a crash: writes are refused with
// RESOURCE_EXHAUSTED (STORAGE_FULL) while reads go on, the server resumes
// writing by itself when space returns, it starts read-only on a full disk,
// and a report the CLI queued meanwhile is delivered afterwards.
//
// Twice over: in-process with a file system that fails writes on command,
// and, when the test runs as root, with a real tonghopd on a small tmpfs
// (mounted in a mount namespace of this test process when it can make one,
// else in a temporary mount; unmounted at the end either way).

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/server/storage_health.h"
#include "storage/fault_file_system.h"
#include "clients/client/durable_file.h"
#include "clients/client/report_file.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "tests/integration/submissions_fixture.h"
#include "tests/testing/test_server.h"

namespace tonghop::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Tonghopd() { return BuiltBinary("services/server/tonghopd"); }

std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

// Waits (a minute at most) until the health service reports `name` as
// `wanted`: the server's own word that a store takes writes again.
bool WaitForHealth(const std::shared_ptr<grpc::Channel>& channel, const std::string& name,
                   bool serving) {
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(1));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(name);
  auto stream = health->Watch(&context, request);
  grpc::health::v1::HealthCheckResponse response;
  auto wanted = serving ? grpc::health::v1::HealthCheckResponse::SERVING
                        : grpc::health::v1::HealthCheckResponse::NOT_SERVING;
  bool seen = false;
  while (stream->Read(&response)) {
    if (response.status() == wanted) {
      seen = true;
      context.TryCancel();
      break;
    }
  }
  stream->Finish();
  return seen;
}

// The province returns Sở Y tế's report, so that it can be submitted again.
absl::Status GiveBack(const std::shared_ptr<grpc::Channel>& channel, const std::string& id) {
  v1::ReviewRequest give_back;
  give_back.set_name(kSoYTeReport);
  give_back.set_decision(v1::REVIEW_DECISION_RETURN);
  give_back.set_reason("Bổ sung số liệu.");
  give_back.set_request_id(id);
  return ClientAs(channel, "dong-nai-so-tu-phap").Review(give_back).status();
}

// Writes Sở Y tế's report (figures `received`) where the CLI submits it
// from.
std::string ReportFile(const std::string& dir, int received) {
  std::string file = absl::StrCat(dir, "/so-y-te-", received, ".json");
  v1::Report content = SoYTeContent(received);
  content.set_name(kSoYTeReport);
  EXPECT_TRUE(client::WriteFileDurably(file, client::ReportToJson(content)).ok());
  return file;
}

TEST(FaultDiskTest, AFullDiskRefusesWritesWithAReasonKeepsReadingAndResumes) {
  TempDir dir;
  TempDir state;
  auto fs = std::make_shared<storage::FaultInjectingFileSystem>();
  TestServer::Options options;
  options.storage.file_system = fs;
  options.storage.check_interval = absl::Milliseconds(20);
  options.storage.write_buffer_bytes = 1 << 20;
  auto server = TestServer::Start(dir.path(), options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = (*server)->NewChannel();
  ASSERT_TRUE(LoadRegistryFixture(channel).ok());
  auto first = ClientAs(channel, "dong-nai-so-y-te").Submit(SubmitSoYTe("disk-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(GiveBack(channel, "disk-return").ok());

  fs->SetFull(true);
  auto refused = ClientAs(channel, "dong-nai-so-y-te").Submit(SubmitSoYTe("disk-2", 12));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted) << refused.status();
  EXPECT_EQ(GetErrorInfo(refused.status()).reason(), "STORAGE_FULL") << refused.status();
  EXPECT_THAT(GetVietnameseMessage(refused.status()), HasSubstr("hết dung lượng"));
  // Reads go on.
  auto read = ClientAs(channel, "dong-nai-so-y-te").GetReport(kSoYTeReport);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->state(), v1::REPORT_STATE_RETURNED);
  EXPECT_TRUE(WaitForHealth(channel, StoreHealthName("submissions"), false));
  EXPECT_TRUE(WaitForHealth(channel, StoreSpaceHealthName("submissions"), false));

  // An official submits meanwhile: the CLI keeps the report in its outbox.
  std::string common =
      absl::StrCat("--server=", (*server)->address(), " --state-dir=", state.path(), "/state");
  std::string output;
  EXPECT_EQ(RunCli(absl::StrCat(common, " --agency=dong-nai-so-y-te report submit ",
                                ReportFile(state.path(), 13)),
                   &output),
            0)
      << output;
  EXPECT_THAT(output, HasSubstr("hộp thư đi"));

  fs->SetFull(false);
  ASSERT_TRUE(WaitForHealth(channel, StoreHealthName("submissions"), true));
  EXPECT_EQ(RunCli(absl::StrCat(common, " outbox flush"), &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("Đã gửi từ hộp thư đi: " + std::string(kSoYTeReport)));
  auto now = ClientAs(channel, "dong-nai-so-y-te").GetReport(kSoYTeReport);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->revision(), 2);
  EXPECT_EQ(now->values(0).int_value(), 13);
}

// ---- A real disk: tmpfs ----

// A small tmpfs on a fresh directory. The mount lives in a mount namespace
// of this process when one can be made (the first thing the process does,
// while it has one thread), so nothing outside sees it; otherwise it is a
// temporary mount of the machine's, unmounted when the test ends.
class SmallDisk {
 public:
  // Skips the test (returns nullptr) unless it runs as root and can mount.
  static std::unique_ptr<SmallDisk> Mount(int megabytes) {
    if (geteuid() != 0) return nullptr;
    std::string tmpl = (std::filesystem::temp_directory_path() / "tonghop-disk-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return nullptr;
    std::string options = absl::StrCat("size=", megabytes, "m");
    if (mount("tmpfs", tmpl.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
      std::cerr << "cannot mount a tmpfs: " << std::strerror(errno) << "\n";
      rmdir(tmpl.c_str());
      return nullptr;
    }
    return std::unique_ptr<SmallDisk>(new SmallDisk(tmpl));
  }
  ~SmallDisk() {
    if (umount2(path_.c_str(), MNT_DETACH) == 0) rmdir(path_.c_str());
  }

  const std::string& path() const { return path_; }

  // Fills the disk to its last byte.
  void Fill() {
    int fd = ::open((path_ + "/filler").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    std::string chunk(1 << 20, 'f');
    for (size_t size = chunk.size(); size > 0; size /= 2) {
      while (::write(fd, chunk.data(), size) == static_cast<ssize_t>(size)) {
      }
    }
    ::close(fd);
  }
  void Free() { std::filesystem::remove(path_ + "/filler"); }

 private:
  explicit SmallDisk(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Run once, first: a mount namespace for this process, private, so that
// the mounts the tests make stay here. Needs a single-threaded process,
// which a test binary is before its first test.
class PrivateMounts : public ::testing::Environment {
 public:
  void SetUp() override {
    if (geteuid() != 0) return;
    if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr)) {
      std::cerr << "no mount namespace (" << std::strerror(errno)
                << "): the tmpfs mounts are temporary mounts of the machine's\n";
    }
  }
};
const auto* const kPrivateMounts = ::testing::AddGlobalTestEnvironment(new PrivateMounts());

// 128 MiB: RocksDB resumes writing once 64 MiB (its write buffer) are free.
constexpr int kDiskMegabytes = 128;

// `tonghop admin storage` against `address`, in JSON.
std::string AdminStorage(const std::string& address) {
  return absl::StrCat("--server=", address, " --output=json admin storage");
}

// Below the warning threshold (here larger than any disk), each store says
// so in the log and the health service, and `tonghop admin storage` shows
// it, while writes go on.
TEST(FaultDiskTest, LowFreeSpaceIsWarnedInTheLogHealthAndAdminStorageWhileWritesGoOn) {
  TempDir dir;
  auto server = ServerProcess::Start(
      Tonghopd(), {"--data-dir=" + dir.path(), "--disk-free-warning=1000000T"});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_TRUE(
      (*server)->WaitForLog("storage submissions: WARNING: only").ok()) << (*server)->Log();
  auto channel = ChannelTo((*server)->address());
  EXPECT_TRUE(WaitForHealth(channel, StoreSpaceHealthName("submissions"), false));
  EXPECT_TRUE(WaitForHealth(channel, StoreHealthName("submissions"), true));
  std::string output;
  EXPECT_EQ(RunCli(AdminStorage((*server)->address()), &output), 0) << output;
  EXPECT_THAT(output, HasSubstr(R"("lowSpace": true)")) << output;
  EXPECT_THAT(output, Not(HasSubstr(R"("writable": false)"))) << output;
  ASSERT_TRUE(LoadRegistryFixture(channel).ok());
  auto submitted = ClientAs(channel, "dong-nai-so-y-te").Submit(SubmitSoYTe("low-1"));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->revision(), 1);
}

TEST(FaultDiskTest, OnAFullTmpfsTheServerRefusesWritesKeepsReadingAndResumes) {
  auto disk = SmallDisk::Mount(kDiskMegabytes);
  if (disk == nullptr) GTEST_SKIP() << "needs root to mount a tmpfs";
  auto server = ServerProcess::Start(Tonghopd(), {"--data-dir=" + disk->path() + "/data"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = ChannelTo((*server)->address());
  ASSERT_TRUE(LoadRegistryFixture(channel).ok());
  ASSERT_TRUE(ClientAs(channel, "dong-nai-so-y-te").Submit(SubmitSoYTe("tmpfs-1")).ok());
  ASSERT_TRUE(GiveBack(channel, "tmpfs-return").ok());

  disk->Fill();
  // The log's last page may still hold a record or two; the draft is
  // saved again until a write needs a page the disk no longer has.
  auto client = ClientAs(channel, "dong-nai-so-y-te");
  absl::Status refused;
  for (int i = 0; i < 100 && refused.ok(); ++i) {
    auto draft = client.GetReport(kSoYTeReport);
    ASSERT_TRUE(draft.ok()) << draft.status();
    refused = client.UpdateDraft(*draft, absl::StrCat("tmpfs-draft-", i)).status();
  }
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_EQ(GetErrorInfo(refused).reason(), "STORAGE_FULL") << refused;
  auto submitted = client.Submit(SubmitSoYTe("tmpfs-2", 12));
  EXPECT_EQ(submitted.status().code(), absl::StatusCode::kResourceExhausted) << submitted.status();
  // Still running, still reading.
  auto read = ClientAs(channel, "dong-nai-so-y-te").GetReport(kSoYTeReport);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->state(), v1::REPORT_STATE_RETURNED);
  EXPECT_TRUE((*server)->WaitForLog("storage submissions: writes refused").ok());
  EXPECT_EQ(kill((*server)->pid(), 0), 0);
  // The operator's view: the store refuses writes, the disk is short of
  // room (measured at once when a write meets the full disk).
  EXPECT_TRUE(WaitForHealth(channel, StoreSpaceHealthName("submissions"), false));
  std::string output;
  EXPECT_EQ(RunCli(AdminStorage((*server)->address()), &output), 1) << output;
  EXPECT_THAT(output, HasSubstr(R"("writable": false)")) << output;
  EXPECT_THAT(output, HasSubstr(R"("lowSpace": true)")) << output;

  disk->Free();
  ASSERT_TRUE((*server)->WaitForLog("storage submissions: writes resumed").ok())
      << (*server)->Log();
  auto resumed = client.Submit(SubmitSoYTe("tmpfs-3", 14));
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->revision(), 2);
  EXPECT_EQ(RunCli(AdminStorage((*server)->address()), &output), 0) << output;
}

TEST(FaultDiskTest, OnAFullTmpfsTheServerStartsReadOnlyAndThenWrites) {
  auto disk = SmallDisk::Mount(kDiskMegabytes);
  if (disk == nullptr) GTEST_SKIP() << "needs root to mount a tmpfs";
  std::vector<std::string> args = {"--data-dir=" + disk->path() + "/data"};
  {
    auto server = ServerProcess::Start(Tonghopd(), args);
    ASSERT_TRUE(server.ok()) << server.status();
    auto channel = ChannelTo((*server)->address());
    ASSERT_TRUE(LoadRegistryFixture(channel).ok());
    ASSERT_TRUE(ClientAs(channel, "dong-nai-so-y-te").Submit(SubmitSoYTe("start-1")).ok());
    ASSERT_TRUE(GiveBack(channel, "start-return").ok());
    EXPECT_EQ((*server)->Terminate(), 0);
  }
  disk->Fill();
  auto server = ServerProcess::Start(Tonghopd(), args);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_THAT((*server)->Log(), HasSubstr("opened read-only"));
  auto channel = ChannelTo((*server)->address());
  auto read = ClientAs(channel, "dong-nai-so-y-te").GetReport(kSoYTeReport);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->state(), v1::REPORT_STATE_RETURNED);
  auto refused = ClientAs(channel, "dong-nai-so-y-te").Submit(SubmitSoYTe("start-2", 12));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted) << refused.status();

  disk->Free();
  ASSERT_TRUE((*server)->WaitForLog("storage submissions: writes resumed").ok())
      << (*server)->Log();
  auto resumed = ClientAs(channel, "dong-nai-so-y-te").Submit(SubmitSoYTe("start-3", 14));
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->revision(), 2);
}

}  // namespace
}  // namespace tonghop::testing
