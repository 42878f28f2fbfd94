// The CLI's outbox keeps what it promised to deliver: a report queued while
// the server could not take it stays queued under every answer but a
// definite refusal of its content (a server that answers INTERNAL used to
// make it move the report to refused/ for good), and two `outbox flush` run
// at once deliver it once and say so once.
//
// The server here is a stand-in Submissions service that answers Submit as
// each test tells it to, and can hold a call until told to answer.

#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "clients/client/outbox.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "tests/testing/test_server.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// What a test waits for: calls made to the server, and opens of the
// outbox's lock file.
struct Progress {
  absl::Mutex mu;
  int calls ABSL_GUARDED_BY(mu) = 0;
  int lock_opens ABSL_GUARDED_BY(mu) = 0;
};

// Answers Submit with `answer`: a report at revision 1, or an error.
// Thread-safe.
class StandInSubmissions final : public v1::Submissions::Service {
 public:
  explicit StandInSubmissions(Progress* progress) : progress_(progress) {}

  void SetAnswer(grpc::Status answer) {
    absl::MutexLock lock(&mu_);
    answer_ = std::move(answer);
  }
  // Makes Submit calls wait until Release().
  void Hold() {
    absl::MutexLock lock(&mu_);
    held_ = true;
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    held_ = false;
  }
  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  // Waits until `predicate` holds (a minute at most).
  bool Await(const std::function<bool(int calls)>& predicate) {
    absl::MutexLock lock(&mu_);
    auto met = [&]() -> bool {
      mu_.AssertHeld();
      return predicate(calls_);
    };
    return mu_.AwaitWithTimeout(absl::Condition(&met), absl::Minutes(1));
  }

  grpc::Status Submit(grpc::ServerContext*, const v1::SubmitRequest* request,
                      v1::Report* response) override {
    {
      absl::MutexLock progress(&progress_->mu);
      ++progress_->calls;
    }
    absl::MutexLock lock(&mu_);
    ++calls_;
    mu_.Await(absl::Condition(
        +[](bool* held) { return !*held; }, &held_));
    if (!answer_.ok()) return answer_;
    response->set_name(request->name());
    response->set_revision(1);
    response->set_state(v1::REPORT_STATE_SUBMITTED);
    return grpc::Status::OK;
  }

 private:
  Progress* progress_;
  absl::Mutex mu_;
  grpc::Status answer_ ABSL_GUARDED_BY(mu_);
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

class FaultOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(BuiltBinary("clients/cli/tonghop"))) {
      GTEST_SKIP() << "the tonghop CLI is not built";
    }
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    common_ = absl::StrCat("--server=127.0.0.1:", port, " --state-dir=", state_.path());
  }
  void TearDown() override {
    service_.Release();
    if (server_ != nullptr) server_->Shutdown();
  }

  // Queues Sở Y tế's report, as `report submit` does when the server
  // cannot take it.
  void Queue(const std::string& request_id) {
    v1::SubmitRequest request;
    request.set_name("reports/dong-nai-so-y-te/dn-2026/2026");
    request.set_request_id(request_id);
    ASSERT_TRUE(outbox().Add("agencies/dong-nai-so-y-te", request).ok());
  }
  client::Outbox outbox() { return client::Outbox(state_.path() + "/outbox"); }
  int Refused() {
    std::string dir = state_.path() + "/outbox/refused";
    if (!std::filesystem::exists(dir)) return 0;
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (absl::EndsWith(entry.path().string(), ".submit.json")) ++count;
    }
    return count;
  }

  TempDir state_;
  Progress progress_;
  StandInSubmissions service_{&progress_};
  std::unique_ptr<grpc::Server> server_;
  std::string common_;
};

TEST_F(FaultOutboxTest, AServerErrorThatIsNotARefusalKeepsTheReportQueued) {
  Queue("kept-1");
  for (grpc::StatusCode code :
       {grpc::StatusCode::INTERNAL, grpc::StatusCode::RESOURCE_EXHAUSTED,
        grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::UNKNOWN, grpc::StatusCode::NOT_FOUND,
        grpc::StatusCode::ABORTED, grpc::StatusCode::DATA_LOSS}) {
    service_.SetAnswer(grpc::Status(code, "the server cannot take it now"));
    std::string output;
    EXPECT_EQ(RunCli(absl::StrCat(common_, " outbox flush"), &output), 1) << output;
    EXPECT_THAT(output, HasSubstr("chưa gửi được")) << code;
    EXPECT_THAT(output, Not(HasSubstr("từ chối"))) << code;
    EXPECT_EQ(outbox().Pending()->size(), 1u) << code;
    EXPECT_EQ(Refused(), 0) << code;
  }
  auto pending = outbox().Pending();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().attempts, 7);
  // Once the server takes it, it is delivered.
  service_.SetAnswer(grpc::Status::OK);
  std::string output;
  EXPECT_EQ(RunCli(absl::StrCat(common_, " outbox flush"), &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("Đã gửi từ hộp thư đi"));
  EXPECT_TRUE(outbox().Pending()->empty());
}

TEST_F(FaultOutboxTest, ADefiniteRefusalSetsTheReportAside) {
  Queue("refused-1");
  service_.SetAnswer(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "values[0]: negative"));
  std::string output;
  EXPECT_EQ(RunCli(absl::StrCat(common_, " outbox flush"), &output), 1) << output;
  EXPECT_THAT(output, HasSubstr("từ chối"));
  EXPECT_TRUE(outbox().Pending()->empty());
  EXPECT_EQ(Refused(), 1);
}

TEST_F(FaultOutboxTest, TwoFlushesAtOnceDeliverOnceAndOnlyTheDelivererSaysSo) {
  Queue("once-1");
  // Watch who opens the outbox's lock file.
  std::string dir = state_.path() + "/outbox";
  int watch = inotify_init1(IN_CLOEXEC);
  ASSERT_GE(watch, 0);
  int watched = inotify_add_watch(watch, dir.c_str(), IN_OPEN);
  ASSERT_GE(watched, 0);
  std::thread watcher([&] {
    alignas(inotify_event) char buffer[4096];
    ssize_t n;
    while ((n = read(watch, buffer, sizeof(buffer))) > 0) {
      for (char* p = buffer; p < buffer + n;) {
        auto* event = reinterpret_cast<inotify_event*>(p);
        if (event->mask & IN_IGNORED) return;  // the watch was removed
        if (event->len > 0 && std::string(event->name) == ".lock") {
          absl::MutexLock lock(&progress_.mu);
          ++progress_.lock_opens;
        }
        p += sizeof(inotify_event) + event->len;
      }
    }
  });

  service_.Hold();
  std::string first_output, second_output;
  int first_code = -1, second_code = -1;
  std::thread first([&] {
    first_code = RunCli(absl::StrCat(common_, " outbox flush"), &first_output);
  });
  // The first flush is delivering: its call is held at the server.
  ASSERT_TRUE(service_.Await([](int calls) { return calls >= 1; }));
  std::thread second([&] {
    second_code = RunCli(absl::StrCat(common_, " outbox flush"), &second_output);
  });
  // The second one either calls the server too, or opens the lock to wait
  // for it; then the first call is let through.
  {
    absl::MutexLock lock(&progress_.mu);
    auto started = [&]() -> bool {
      progress_.mu.AssertHeld();
      return progress_.lock_opens >= 2 || progress_.calls >= 2;
    };
    EXPECT_TRUE(progress_.mu.AwaitWithTimeout(absl::Condition(&started), absl::Minutes(1)));
  }
  service_.Release();
  first.join();
  second.join();
  inotify_rm_watch(watch, watched);
  watcher.join();
  close(watch);

  int said_delivered = 0;
  for (const std::string* output : {&first_output, &second_output}) {
    if (absl::StrContains(*output, "Đã gửi từ hộp thư đi")) ++said_delivered;
  }
  EXPECT_EQ(said_delivered, 1) << first_output << "\n---\n" << second_output;
  std::cerr << "first flush: " << first_output << "second flush: " << second_output;
  EXPECT_EQ(service_.calls(), 1);
  EXPECT_EQ(first_code, 0) << first_output;
  EXPECT_EQ(second_code, 0) << second_output;
  EXPECT_TRUE(outbox().Pending()->empty());
}

}  // namespace
}  // namespace tonghop::testing
