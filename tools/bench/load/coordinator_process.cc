#include "tools/bench/load/coordinator_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hyperlab::bench::load {
namespace {

// The port of the last "hyperlab-coordinator: serving DIR on port N" line after `offset`, or 0.
int ServingPort(const std::string& log_path, std::streamoff offset) {
  std::ifstream in(log_path);
  in.seekg(offset);
  std::string line;
  int port = 0;
  while (std::getline(in, line)) {
    const size_t at = line.find(" on port ");
    if (line.rfind("hyperlab-coordinator: serving ", 0) != 0 || at == std::string::npos) continue;
    std::string digits;
    for (size_t i = at + 9; i < line.size() && isdigit(static_cast<unsigned char>(line[i])); ++i)
      digits += line[i];
    int parsed = 0;
    if (absl::SimpleAtoi(digits, &parsed)) port = parsed;
  }
  return port;
}

std::streamoff FileSize(const std::string& path) {
  std::ifstream in(path, std::ios::ate);
  return in ? static_cast<std::streamoff>(in.tellg()) : 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<CoordinatorProcess>> CoordinatorProcess::Start(
    const CoordinatorProcessOptions& options) {
  std::unique_ptr<CoordinatorProcess> process(new CoordinatorProcess(options));
  if (absl::Status s = process->Launch(0); !s.ok()) return s;
  return process;
}

CoordinatorProcess::~CoordinatorProcess() { Stop(); }

absl::Status CoordinatorProcess::Launch(int port) {
  const std::streamoff offset = FileSize(options_.log_path);
  std::vector<std::string> args = {options_.binary, "--listen",        absl::StrCat("127.0.0.1:", port),
                                   "--data-dir",    options_.data_dir, "--quiet"};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  if (access(options_.binary.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("--coordinator-bin ", options_.binary, " is not an executable file: ", strerror(errno)));
  }
  // Opened before fork: between fork and exec the child only makes async-signal-safe calls.
  const int log_fd = open(options_.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open ", options_.log_path, ": ", strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // The coordinator dies with the load generator, even when that crashes or is killed.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const int fork_errno = errno;
  close(log_fd);
  if (pid < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot start --coordinator-bin ", options_.binary, ": ", strerror(fork_errno)));
  }
  pid_ = pid;

  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(options_.start_timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    const int serving = ServingPort(options_.log_path, offset);
    if (serving != 0) {
      port_ = serving;
      return absl::OkStatus();
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::FailedPreconditionError(absl::StrCat("the coordinator exited (status ", status,
                                                        ") before serving; see ", options_.log_path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  Kill().IgnoreError();
  return absl::FailedPreconditionError(absl::StrCat("the coordinator did not serve within ",
                                                    options_.start_timeout_seconds, " s; see ",
                                                    options_.log_path));
}

absl::Status CoordinatorProcess::Kill() {
  if (pid_ <= 0) return absl::FailedPreconditionError("the coordinator is not running");
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return absl::OkStatus();
}

absl::Status CoordinatorProcess::Restart() {
  if (pid_ > 0) return absl::FailedPreconditionError("the coordinator is still running");
  return Launch(port_);
}

void CoordinatorProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 1000; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Kill().IgnoreError();
}

double CoordinatorProcess::CpuSeconds() const {
  if (pid_ <= 0) return -1;
  std::ifstream in(absl::StrCat("/proc/", pid_, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  // Fields after the command: state is field 3; utime and stime are fields 14 and 15.
  std::vector<std::string> fields = absl::StrSplit(stat.substr(paren + 2), ' ');
  int64_t utime = 0;
  int64_t stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) || !absl::SimpleAtoi(fields[12], &stime)) {
    return -1;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double CoordinatorProcess::RssMiB() const {
  if (pid_ <= 0) return -1;
  std::ifstream in(absl::StrCat("/proc/", pid_, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    int64_t kib = -1;
    fields >> kib;
    return kib < 0 ? -1 : static_cast<double>(kib) / 1024.0;
  }
  return -1;
}

}  // namespace hyperlab::bench::load
