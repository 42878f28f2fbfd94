#include "tests/testing/test_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace tonghop::testing {

TempDir::TempDir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "tonghop-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::Start(const std::string& data_dir,
                                                              Options options) {
  auto server = std::unique_ptr<TestServer>(new TestServer());
  server->data_dir_ = data_dir;
  server->options_ = std::move(options);
  absl::Status started = server->Restart();
  if (!started.ok()) return started;
  return server;
}

absl::Status TestServer::Restart() {
  Stop();
  ServerOptions options;
  options.data_dir = data_dir_;
  options.listen = options_.listen;
  options.auth.insecure_dev_identity = options_.insecure_dev_identity;
  options.auth.trust_domain = options_.trust_domain;
  options.tls = options_.tls;
  options.factories = AllServiceFactories();
  options.services = options_.services;
  if (options.services.empty()) {
    for (const char* s : {"registry", "submissions", "aggregation"}) {
      if (options.factories.count(s)) options.services.push_back(s);
    }
  }
  options.remote_addresses = options_.remote_addresses;
  options.clock = options_.clock;
  options.upstream = options_.upstream;
  options.upstream_agency = options_.upstream_agency;
  options.storage = options_.storage;
  options.notices = options_.notices;
  auto host = ServerHost::Start(std::move(options));
  if (!host.ok()) return host.status();
  host_ = *std::move(host);
  address_ = host_->address();
  return absl::OkStatus();
}

void TestServer::Stop() {
  if (host_ != nullptr) {
    host_->Shutdown();
    host_.reset();
  }
}

std::shared_ptr<grpc::Channel> TestServer::NewChannel() const {
  return NewChannel(ClientTlsOptions());
}

std::shared_ptr<grpc::Channel> TestServer::NewChannel(const ClientTlsOptions& tls) const {
  grpc::ChannelArguments args;
  // A distinct argument keeps gRPC from sharing one subchannel between
  // channels, so each channel is really its own connection.
  static std::atomic<int> counter{0};
  args.SetInt("tonghop.test_channel", ++counter);
  return grpc::CreateCustomChannel(address_, ChannelCredentials(tls), args);
}

int RunShell(const std::string& command, std::string* output) {
  FILE* pipe = popen(absl::StrCat(command, " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  output->clear();
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output->append(buffer, n);
  int status = pclose(pipe);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The environment may point elsewhere (a test binary copied out of its
// build tree); by default the build and source trees this was built from.
std::string BuiltBinary(const std::string& relative_path) {
  const char* dir = std::getenv("TONGHOP_BUILD_DIR");
  return absl::StrCat(dir && *dir ? dir : TONGHOP_DEFAULT_BUILD_DIR, "/", relative_path);
}

std::string SourcePath(const std::string& relative_path) {
  const char* dir = std::getenv("TONGHOP_SOURCE_DIR");
  return absl::StrCat(dir && *dir ? dir : TONGHOP_DEFAULT_SOURCE_DIR, "/", relative_path);
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const std::string& binary, const std::vector<std::string>& args) {
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    return absl::InternalError("pipe failed");
  }
  std::vector<std::string> argv_strings = {binary};
  bool has_listen = false;
  bool has_tls = false;
  bool has_http = false;
  bool has_metrics = false;
  for (const auto& a : args) {
    argv_strings.push_back(a);
    has_listen = has_listen || absl::StartsWith(a, "--listen");
    has_tls = has_tls || absl::StartsWith(a, "--tls-cert");
    has_http = has_http || absl::StartsWith(a, "--http=");
    has_metrics = has_metrics || absl::StartsWith(a, "--metrics=");
  }
  if (!has_listen) argv_strings.push_back("--listen=127.0.0.1:0");
  // Tests without certificates identify callers with the development header.
  if (!has_tls) argv_strings.push_back("--insecure-dev-identity");
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    // Dies with the test (the thread that started it), killed or not.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  auto process = std::unique_ptr<ServerProcess>(new ServerProcess());
  process->pid_ = pid;
  int err_fd = err[0];
  ServerProcess* raw = process.get();
  process->stderr_reader_ = std::thread([raw, err_fd] { raw->ReadStderr(err_fd); });
  // Read the first line: "tonghopd listening on HOST:PORT (...)", then with
  // --http "tonghopd http[s] on HOST:PORT". A read blocks until the server
  // has written the line, or returns 0 if it exits first. The pipe stays
  // open (a server writing to a closed pipe would die of SIGPIPE).
  auto read_line = [fd = out[0]] {
    std::string line;
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
    return line;
  };
  process->stdout_fd_ = out[0];
  std::string line = read_line();
  constexpr absl::string_view kPrefix = "tonghopd listening on ";
  if (!absl::StartsWith(line, kPrefix)) {
    int status = 0;
    waitpid(pid, &status, 0);
    process->pid_ = -1;
    process->stderr_reader_.join();
    return absl::UnavailableError(absl::StrCat(
        binary, " did not start (exit status ", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
        WIFSIGNALED(status) ? absl::StrCat(", signal ", WTERMSIG(status)) : std::string(),
        "): \"", line, "\"; stderr: ", process->Log()));
  }
  std::string rest = line.substr(kPrefix.size());
  process->address_ = rest.substr(0, rest.find(' '));
  if (has_http) {
    line = read_line();
    size_t on = line.find(" on ");
    if (!absl::StartsWith(line, "tonghopd http") || on == std::string::npos) {
      return absl::UnavailableError(
          absl::StrCat(binary, " did not start its HTTP gateway: \"", line, "\""));
    }
    process->http_address_ = line.substr(on + 4);
  }
  if (has_metrics) {
    line = read_line();
    constexpr absl::string_view kMetrics = "tonghopd metrics on ";
    if (!absl::StartsWith(line, kMetrics)) {
      return absl::UnavailableError(
          absl::StrCat(binary, " did not start its monitoring listener: \"", line, "\""));
    }
    process->metrics_address_ = line.substr(kMetrics.size());
  }
  return process;
}

void ServerProcess::ReadStderr(int fd) {
  std::string partial;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
    partial.append(buffer, static_cast<size_t>(n));
    size_t end;
    while ((end = partial.find('\n')) != std::string::npos) {
      std::string line = partial.substr(0, end + 1);
      partial.erase(0, end + 1);
      std::cerr << "[tonghopd " << pid_ << "] " << line;
      absl::MutexLock lock(&mu_);
      log_ += line;
    }
  }
  close(fd);
  absl::MutexLock lock(&mu_);
  log_ += partial;
  stderr_closed_ = true;
}

absl::StatusOr<std::string> ServerProcess::WaitForLog(absl::string_view text,
                                                      absl::Duration timeout) {
  const std::string wanted(text);
  absl::MutexLock lock(&mu_);
  auto found = [&]() -> bool {
    mu_.AssertHeld();
    return stderr_closed_ || log_.find(wanted) != std::string::npos;
  };
  mu_.AwaitWithTimeout(absl::Condition(&found), timeout);
  size_t at = log_.find(wanted);
  if (at == std::string::npos) {
    return stderr_closed_ ? absl::UnavailableError(absl::StrCat(
                                "the server exited without logging \"", text, "\""))
                          : absl::DeadlineExceededError(absl::StrCat(
                                "the server did not log \"", text, "\" in time"));
  }
  size_t start = log_.rfind('\n', at);
  start = start == std::string::npos ? 0 : start + 1;
  size_t end = log_.find('\n', at);
  return log_.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string ServerProcess::Log() {
  absl::MutexLock lock(&mu_);
  return log_;
}

ServerProcess::~ServerProcess() {
  Kill();
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (stderr_reader_.joinable()) stderr_reader_.join();
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int ServerProcess::Terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

int RunCli(const std::string& args, std::string* output) {
  return RunShell(absl::StrCat(BuiltBinary("clients/cli/tonghop"), " ", args), output);
}

}  // namespace tonghop::testing
