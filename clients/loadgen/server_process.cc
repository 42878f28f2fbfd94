#include "clients/loadgen/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace tonghop::loadgen {
namespace {

std::string Tail(const std::string& path, size_t bytes) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

// Polling the child is how a parent learns it has started: tonghopd has no
// other way to tell us than the file it writes.
constexpr absl::Duration kPoll = absl::Milliseconds(2);

}  // namespace

absl::StatusOr<std::unique_ptr<TonghopdProcess>> TonghopdProcess::Start(
    const std::string& binary, const std::string& data_dir, const std::string& log_path,
    absl::Duration timeout) {
  if (access(binary.c_str(), X_OK) != 0) {
    return absl::NotFoundError(
        absl::StrCat("tonghopd not found at ", binary, " (give --tonghopd=PATH)"));
  }
  const std::string port_file = log_path + ".address";
  std::error_code ec;
  std::filesystem::remove(port_file, ec);
  // The load generator acts as thousands of agencies, which it names with
  // the development header: the child accepts it, on loopback only.
  std::vector<std::string> args = {binary, absl::StrCat("--data-dir=", data_dir),
                                   "--listen=127.0.0.1:0", "--insecure-dev-identity",
                                   absl::StrCat("--port-file=", port_file)};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  auto process = std::unique_ptr<TonghopdProcess>(new TonghopdProcess());
  process->log_path_ = log_path;
  process->started_at_ = absl::Now();
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  process->pid_ = pid;
  const absl::Time deadline = process->started_at_ + timeout;
  while (true) {
    std::ifstream in(port_file);
    std::string address;
    if (in && std::getline(in, address) && !address.empty()) {
      process->time_to_listen_ = absl::Now() - process->started_at_;
      process->address_ = std::string(absl::StripAsciiWhitespace(address));
      return process;
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      process->pid_ = -1;
      return absl::InternalError(absl::StrCat("tonghopd exited during start-up; its log:\n",
                                              Tail(log_path, 2000)));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "tonghopd did not write its address within ", absl::FormatDuration(timeout),
          "; its log:\n", Tail(log_path, 2000)));
    }
    absl::SleepFor(kPoll);
  }
}

TonghopdProcess::~TonghopdProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

absl::StatusOr<int64_t> TonghopdProcess::StatusField(const char* field) const {
  if (pid_ <= 0) return absl::FailedPreconditionError("tonghopd is not running");
  std::ifstream in(absl::StrCat("/proc/", pid_, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (!absl::StartsWith(line, field)) continue;
    // "VmHWM:	  123456 kB"
    std::vector<std::string> parts =
        absl::StrSplit(line.substr(std::string(field).size()), ' ', absl::SkipWhitespace());
    int64_t kib = 0;
    if (!parts.empty() && absl::SimpleAtoi(absl::StripAsciiWhitespace(parts[0]), &kib)) {
      return kib * 1024;
    }
  }
  return absl::NotFoundError(absl::StrCat("no ", field, " in /proc/", pid_, "/status"));
}

absl::StatusOr<int64_t> TonghopdProcess::PeakRssBytes() const { return StatusField("VmHWM:"); }
absl::StatusOr<int64_t> TonghopdProcess::RssBytes() const { return StatusField("VmRSS:"); }

absl::StatusOr<double> TonghopdProcess::CpuSeconds() const {
  if (pid_ <= 0) return absl::FailedPreconditionError("tonghopd is not running");
  std::ifstream in(absl::StrCat("/proc/", pid_, "/stat"));
  std::string text;
  std::getline(in, text);
  // The command name (field 2) may hold spaces; fields count from its ')'.
  size_t close = text.rfind(')');
  if (close == std::string::npos) return absl::InternalError("unreadable /proc/PID/stat");
  std::vector<std::string> fields =
      absl::StrSplit(text.substr(close + 2), ' ', absl::SkipEmpty());
  // After ')': state is field 3, so utime (14) and stime (15) are at 11, 12.
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::InternalError("unreadable /proc/PID/stat");
  }
  return static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
}

absl::StatusOr<absl::Duration> TonghopdProcess::Terminate(absl::Duration timeout) {
  if (pid_ <= 0) return absl::FailedPreconditionError("tonghopd is not running");
  const absl::Time start = absl::Now();
  kill(pid_, SIGTERM);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) != pid_) {
    if (absl::Now() - start > timeout) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      pid_ = -1;
      return absl::DeadlineExceededError(absl::StrCat(
          "tonghopd did not stop within ", absl::FormatDuration(timeout), "; killed"));
    }
    absl::SleepFor(kPoll);
  }
  pid_ = -1;
  absl::Duration took = absl::Now() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("tonghopd exited with status ", status,
                                            "; its log:\n", Tail(log_path_, 2000)));
  }
  return took;
}

DiskUsage MeasureDisk(const std::string& dir) {
  DiskUsage usage;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st;
    if (lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    int64_t allocated = static_cast<int64_t>(st.st_blocks) * 512;
    usage.allocated_bytes += allocated;
    usage.file_bytes += st.st_size;
    std::string relative = std::filesystem::relative(it->path(), dir, ec).string();
    std::string top = relative.substr(0, relative.find('/'));
    usage.allocated_by_entry[top] += allocated;
  }
  return usage;
}

double OwnCpuSeconds() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace tonghop::loadgen
