#ifndef TONGHOP_CLIENTS_LOADGEN_SERVER_PROCESS_H_
#define TONGHOP_CLIENTS_LOADGEN_SERVER_PROCESS_H_

// A tonghopd child process for --spawn, and what the load generator measures
// about it from outside: memory high-water mark, and bytes on disk.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tonghop::loadgen {

// A running tonghopd on 127.0.0.1:0 with its own data directory, in
// plaintext with --insecure-dev-identity (the load generator names the
// agencies it acts as with the development header). Not thread-safe. The
// destructor kills the process (SIGKILL) if it still runs.
class TonghopdProcess {
 public:
  // Starts `binary` on `data_dir`, appending its output to `log_path`, and
  // waits (up to `timeout`) until it has written its address.
  static absl::StatusOr<std::unique_ptr<TonghopdProcess>> Start(const std::string& binary,
                                                                const std::string& data_dir,
                                                                const std::string& log_path,
                                                                absl::Duration timeout);
  ~TonghopdProcess();
  TonghopdProcess(const TonghopdProcess&) = delete;
  TonghopdProcess& operator=(const TonghopdProcess&) = delete;

  const std::string& address() const { return address_; }
  int pid() const { return pid_; }
  // From exec until the address was written (the server listens).
  absl::Duration time_to_listen() const { return time_to_listen_; }
  absl::Time started_at() const { return started_at_; }

  // The peak resident set size so far (VmHWM), and the current one (VmRSS).
  absl::StatusOr<int64_t> PeakRssBytes() const;
  absl::StatusOr<int64_t> RssBytes() const;

  // CPU time (user + system) the process has used so far.
  absl::StatusOr<double> CpuSeconds() const;

  // SIGTERM, then waits up to `timeout` for a clean exit (SIGKILL after
  // that); returns how long the shutdown took.
  absl::StatusOr<absl::Duration> Terminate(absl::Duration timeout);

 private:
  TonghopdProcess() = default;
  absl::StatusOr<int64_t> StatusField(const char* field) const;

  int pid_ = -1;
  std::string address_;
  std::string log_path_;
  absl::Time started_at_;
  absl::Duration time_to_listen_;
};

// Bytes a directory tree takes on disk (allocated blocks) and its files'
// sizes, in total and for each top-level entry.
struct DiskUsage {
  int64_t allocated_bytes = 0;
  int64_t file_bytes = 0;
  std::map<std::string, int64_t> allocated_by_entry;
};
DiskUsage MeasureDisk(const std::string& dir);

// CPU time (user + system) this process has used so far.
double OwnCpuSeconds();

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_SERVER_PROCESS_H_
