#ifndef TONGHOP_TESTS_TESTING_TEST_SERVER_H_
#define TONGHOP_TESTS_TESTING_TEST_SERVER_H_

// Test helpers for integration tests: a temporary directory, a real tonghop
// server on 127.0.0.1:0 in this process, and a tonghopd child process that
// can be killed with SIGKILL.

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "services/server/server_host.h"

namespace tonghop::testing {

// A directory under $TMPDIR removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A server hosting real services in this process, listening on
// 127.0.0.1:0 with its data under `data_dir`. Not thread-safe to Restart
// while calls are in flight.
class TestServer {
 public:
  struct Options {
    // Services to host; default: every service in the binary.
    std::vector<std::string> services;
    // Addresses of services hosted elsewhere.
    std::map<std::string, std::string> remote_addresses;
    const Clock* clock = nullptr;
    // Accept the development header from loopback (what most tests use to
    // act as an agency); tests of authentication turn it off.
    bool insecure_dev_identity = true;
    // The instance this one forwards to, and (without certificates) the
    // agency it is there.
    std::string upstream;
    std::string upstream_agency;
    // Serve TLS (and ask for client certificates with tls.client_ca_pem).
    TlsOptions tls;
    std::string trust_domain = "tonghop";
    // host:port to listen on.
    std::string listen = "127.0.0.1:0";
    // How the stores open (e.g. a fault-injecting file system).
    storage::RocksDbOptions storage;
    // E-mail notices: the relay, the sender, the reminder days and how often
    // the scheduler and the sender run.
    NoticeSettings notices;
  };

  // Starts on `data_dir`, which the caller owns.
  static absl::StatusOr<std::unique_ptr<TestServer>> Start(const std::string& data_dir,
                                                           Options options);
  static absl::StatusOr<std::unique_ptr<TestServer>> Start(const std::string& data_dir) {
    return Start(data_dir, Options());
  }

  const std::string& address() const { return address_; }
  // The running host (its authenticator signs in-process callers).
  ServerHost& host() const { return *host_; }
  // A new TCP channel to the server (each call gets its own channel).
  std::shared_ptr<grpc::Channel> NewChannel() const;
  // Same, over TLS with `tls` (or plaintext when it is not enabled).
  std::shared_ptr<grpc::Channel> NewChannel(const ClientTlsOptions& tls) const;
  // Stops the server cleanly.
  void Stop();
  // Stops and starts again on the same data directory (new port).
  absl::Status Restart();

 private:
  std::string data_dir_;
  Options options_;
  std::unique_ptr<ServerHost> host_;
  std::string address_;
};

// A tonghopd child process. The destructor kills it (SIGKILL) if running,
// and so does the end of the thread that started it (however the test
// ends). Its stderr is collected (and echoed to this process's stderr, prefixed),
// so tests can wait for what it logs.
class ServerProcess {
 public:
  // Runs `binary` with `args` (plus --listen=127.0.0.1:0 unless given, and
  // --insecure-dev-identity unless --tls-cert is given) and waits until it
  // prints its address (and, with --http and --metrics, those addresses).
  // When it exits instead, the error holds its exit status and everything it
  // wrote to stderr.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const std::string& binary, const std::vector<std::string>& args);
  ~ServerProcess();

  const std::string& address() const { return address_; }
  // The HTTP gateway's address, when started with --http.
  const std::string& http_address() const { return http_address_; }
  // The monitoring listener's address, when started with --metrics.
  const std::string& metrics_address() const { return metrics_address_; }
  int pid() const { return pid_; }
  // SIGKILL and reap: nothing is flushed or closed cleanly.
  void Kill();
  // SIGTERM and wait; returns the exit status.
  int Terminate();

  // Waits until a line of its stderr contains `text` (or `timeout` passes,
  // then DEADLINE_EXCEEDED; or it exits first, then UNAVAILABLE) and
  // returns that line. Lines already written count.
  absl::StatusOr<std::string> WaitForLog(absl::string_view text,
                                         absl::Duration timeout = absl::Minutes(2));
  // Everything it wrote to stderr so far.
  std::string Log();

 private:
  ServerProcess() = default;
  void ReadStderr(int fd);

  int pid_ = -1;
  // The read end of the server's stdout, kept open while it runs.
  int stdout_fd_ = -1;
  std::string address_;
  std::string http_address_;
  std::thread stderr_reader_;
  absl::Mutex mu_;
  std::string log_ ABSL_GUARDED_BY(mu_);
  bool stderr_closed_ ABSL_GUARDED_BY(mu_) = false;
  std::string metrics_address_;
};

// Runs `command` with /bin/sh; returns its exit code (128 + the signal when
// it was killed) and fills `output` with what it printed on stdout and
// stderr.
int RunShell(const std::string& command, std::string* output);

// Runs the built `tonghop` CLI with `args` (a shell word list, quoted as the
// shell wants); returns its exit code (128 + the signal when it was killed)
// and fills `output` with its stdout and stderr. Thread-safe.
int RunCli(const std::string& args, std::string* output);

// Path of a binary built by this build (TONGHOP_BUILD_DIR/relative).
std::string BuiltBinary(const std::string& relative_path);
// Path of a file in the source tree (TONGHOP_SOURCE_DIR/relative).
std::string SourcePath(const std::string& relative_path);

}  // namespace tonghop::testing

#endif  // TONGHOP_TESTS_TESTING_TEST_SERVER_H_
