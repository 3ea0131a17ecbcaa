#include "worker/command_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <map>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/number_format.h"
#include "common/base/printable.h"
#include "common/spec/command_template.h"
#include "common/spec/parameter_value.h"
#include "common/spec/spec_validation.h"
#include "nlohmann/json.hpp"
#include "worker/metric_line.h"
#include "worker/program_digest.h"

extern char** environ;

namespace hyperlab::worker {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto kStopPollInterval = milliseconds(100);
// How long output is still read after the program exited and its group was killed.
constexpr auto kDrainAfterExit = milliseconds(500);
// A stdout line longer than this cannot be a metric line; it is dropped instead of buffered.
constexpr size_t kMaxLineBytes = 64 * 1024;

std::string ErrnoText(int error) {
  char buffer[256];
  return strerror_r(error, buffer, sizeof(buffer));  // The GNU strerror_r returns the text.
}

Clock::duration Seconds(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

TrialOutcome Failed(std::string reason) {
  TrialOutcome outcome;
  outcome.state = v1::Trial::FAILED;
  outcome.reason = std::move(reason);
  return outcome;
}

// A file descriptor closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    Reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
};

absl::StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError(absl::StrCat("pipe2: ", ErrnoText(errno)));
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

// A started program: its pid (also its process group id), the read ends of its stdout and stderr, and
// a pidfd that becomes readable when it exits (not open where the kernel has no pidfd_open).
struct Child {
  pid_t pid = -1;
  Fd out, err, exit;
};

// Starts `program` (an absolute path the allowlist checked) with `argv` in a new process group. The error
// names argv[0].
absl::StatusOr<Child> Spawn(const std::string& program, const std::vector<std::string>& argv,
                            const std::vector<std::string>& env, const std::string& working_dir) {
  absl::StatusOr<Pipe> out = MakePipe();
  if (!out.ok()) return out.status();
  absl::StatusOr<Pipe> err = MakePipe();
  if (!err.ok()) return err.status();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out->write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err->write.get(), STDERR_FILENO);
  if (!working_dir.empty()) posix_spawn_file_actions_addchdir_np(&actions, working_dir.c_str());

  // A new process group (so that the whole group can be signalled), no blocked signals, and the
  // default action for signals the worker may ignore or handle.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t signals;
  sigemptyset(&signals);
  posix_spawnattr_setsigmask(&attributes, &signals);
  for (int signal : {SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGCHLD}) {
    sigaddset(&signals, signal);
  }
  posix_spawnattr_setsigdefault(&attributes, &signals);

  std::vector<char*> argv_pointers, env_pointers;
  for (const std::string& arg : argv) argv_pointers.push_back(const_cast<char*>(arg.c_str()));
  argv_pointers.push_back(nullptr);
  for (const std::string& entry : env) env_pointers.push_back(const_cast<char*>(entry.c_str()));
  env_pointers.push_back(nullptr);

  Child child;
  const int error = posix_spawn(&child.pid, program.c_str(), &actions, &attributes, argv_pointers.data(),
                                env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) {
    return absl::FailedPreconditionError(absl::StrCat("cannot run '", argv[0], "': ", ErrnoText(error)));
  }
  child.out = std::move(out->read);
  child.err = std::move(err->read);
  fcntl(child.out.get(), F_SETFL, O_NONBLOCK);
  fcntl(child.err.get(), F_SETFL, O_NONBLOCK);
  child.exit.Reset(static_cast<int>(syscall(SYS_pidfd_open, child.pid, 0)));
  return child;
}

// True once the process has exited; it stays a zombie (so its pid and process group id cannot be reused)
// until reaped with waitpid.
bool HasExited(pid_t pid) {
  siginfo_t info = {};
  if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return errno != EINTR;
  return info.si_pid == pid;
}

// Reads the program's stdout and stderr: metric lines from stdout, the tail of stderr.
class OutputReader {
 public:
  OutputReader(Child& child, TrialContext& context, size_t stderr_tail_bytes)
      : child_(child), context_(context), tail_bytes_(stderr_tail_bytes) {}

  bool open() const { return child_.out.open() || child_.err.open(); }

  // Waits up to `timeout` for output or the program's exit, and reads what there is.
  void Pump(Clock::duration timeout) {
    const int timeout_ms = static_cast<int>(
        std::max<int64_t>(0, std::chrono::ceil<milliseconds>(std::max(timeout, Clock::duration(0))).count()));
    pollfd fds[3];
    nfds_t count = 0;
    for (Fd* fd : {&child_.out, &child_.err, &child_.exit}) {
      if (fd->open()) fds[count++] = {fd->get(), POLLIN, 0};
    }
    if (count == 0) {
      std::this_thread::sleep_for(milliseconds(timeout_ms));
      return;
    }
    if (poll(fds, count, timeout_ms) <= 0) return;
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == child_.out.get()) Read(child_.out, /*is_stdout=*/true);
      if (fds[i].fd == child_.err.get()) Read(child_.err, /*is_stdout=*/false);
    }
  }

  // Reads until both streams are closed or `deadline`, then takes a last unterminated stdout line.
  void Drain(Clock::time_point deadline) {
    child_.exit.Reset();  // Readable from now on: it would wake every poll.
    for (auto now = Clock::now(); open() && now < deadline; now = Clock::now()) Pump(deadline - now);
    if (!discarding_ && !line_.empty()) Line(line_);
    line_.clear();
  }

  const std::map<std::string, double>& metrics() const { return metrics_; }

  std::string StderrTail() const {
    const bool cut = stderr_cut_ || stderr_.size() > tail_bytes_;
    const std::string tail = Printable(absl::StripAsciiWhitespace(
        absl::string_view(stderr_).substr(cut ? stderr_.size() - tail_bytes_ : 0)));
    return cut ? absl::StrCat("...", tail) : tail;
  }

  // "" or a note on the malformed metric lines that were ignored, for a failure reason.
  std::string MalformedNote() const {
    if (malformed_lines_ == 0) return "";
    return absl::StrCat(" (", malformed_lines_,
                        " malformed metric line(s) ignored; first: ", first_malformed_, ")");
  }

 private:
  void Read(Fd& fd, bool is_stdout) {
    char buffer[64 * 1024];
    for (int reads = 0; reads < 16; ++reads) {  // Bounded, so that stop requests are seen promptly.
      const ssize_t n = read(fd.get(), buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n <= 0) {
        fd.Reset();
        return;
      }
      const absl::string_view data(buffer, n);
      if (is_stdout) {
        Stdout(data);
      } else {
        stderr_.append(data.data(), data.size());
        if (stderr_.size() > 2 * tail_bytes_) {
          stderr_.erase(0, stderr_.size() - tail_bytes_);
          stderr_cut_ = true;
        }
      }
    }
  }

  void Stdout(absl::string_view data) {
    for (size_t newline; (newline = data.find('\n')) != absl::string_view::npos;) {
      if (!discarding_) {
        line_.append(data.data(), newline);
        Line(line_);
      }
      line_.clear();
      discarding_ = false;
      data.remove_prefix(newline + 1);
    }
    if (discarding_) return;
    line_.append(data.data(), data.size());
    if (line_.size() > kMaxLineBytes) {
      line_.clear();
      discarding_ = true;
    }
  }

  void Line(absl::string_view text) {
    absl::StatusOr<std::optional<MetricLine>> parsed = ParseMetricLine(text);
    if (!parsed.ok()) {
      if (malformed_lines_++ == 0) first_malformed_ = Printable(parsed.status().message());
      return;
    }
    if (!parsed->has_value()) return;
    MetricLine& line = **parsed;
    if (!line.step.has_value()) {
      for (const auto& [name, value] : line.metrics) metrics_[name] = value;
      return;
    }
    v1::Measurement measurement;
    measurement.set_step(*line.step);
    measurement.mutable_metrics()->insert(line.metrics.begin(), line.metrics.end());
    measurement.set_time_unix_ms(
        std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    context_.ReportMeasurement(measurement);
  }

  Child& child_;
  TrialContext& context_;
  const size_t tail_bytes_;
  std::string line_;         // The stdout line read so far.
  bool discarding_ = false;  // The current stdout line is too long to be a metric line.
  std::map<std::string, double> metrics_;
  int malformed_lines_ = 0;
  std::string first_malformed_;
  std::string stderr_;
  bool stderr_cut_ = false;  // The start of stderr was dropped.
};

absl::StatusOr<std::vector<std::string>> Environment(const v1::Assignment& assignment,
                                                     const ChildEnvironmentPolicy& policy) {
  const v1::Trial& trial = assignment.trial();
  const std::map<std::string, std::string> trial_vars = {
      {"HYPERLAB_TRIAL_ID", absl::StrCat(trial.id())},
      {"HYPERLAB_STUDY_ID", absl::StrCat(trial.study_id())},
      {"HYPERLAB_STUDY_NAME", assignment.study_name()},
      {"HYPERLAB_PARAMS", ParametersJson(trial)}};
  return BuildChildEnvironment(policy, environ, assignment.task().command().env(), trial_vars);
}

// What a trial's program is started with.
struct Launch {
  std::string program;  // Canonical path, allowed by the allowlist.
  std::vector<std::string> argv;
  std::vector<std::string> env;
};

// The program, arguments and environment of the assignment's command, checked; an error's message is the
// trial's failure reason.
absl::StatusOr<Launch> Prepare(const v1::Assignment& assignment, const CommandExecutorOptions& options) {
  const v1::CommandTask& task = assignment.task().command();
  if (task.argv().empty()) return absl::InvalidArgumentError("the command task has no argv");
  Launch launch;
  for (int i = 0; i < task.argv_size(); ++i) {
    absl::StatusOr<std::string> substituted = SubstituteParameters(task.argv(i), assignment.trial());
    if (!substituted.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("argv[", i, "]: ", substituted.status().message()));
    }
    launch.argv.push_back(*std::move(substituted));
  }
  if (launch.argv[0].empty()) {
    return absl::InvalidArgumentError("the command's program name (argv[0]) is empty");
  }
  absl::StatusOr<std::vector<std::string>> env = Environment(assignment, options.environment);
  if (!env.ok()) return env.status();
  launch.env = *std::move(env);
  if (struct stat info; !task.working_dir().empty() &&
                        (stat(task.working_dir().c_str(), &info) != 0 || !S_ISDIR(info.st_mode))) {
    return absl::InvalidArgumentError(
        absl::StrCat("working directory '", task.working_dir(), "' is not a directory"));
  }
  absl::StatusOr<std::string> program = options.allowlist.Check(launch.argv[0], task.working_dir());
  if (!program.ok()) return program.status();
  launch.program = *std::move(program);
  return launch;
}

// Why the program's run ended: it exited by itself, or the executor ended it.
enum class Ending { kNone, kStopped, kTimedOut };

// Reads the program's output until it exits; on a stop request or after `timeout_seconds`, SIGTERMs its
// group, and SIGKILLs it `kill_grace_seconds` later.
Ending Supervise(Child& child, OutputReader& output, TrialContext& context, double timeout_seconds,
                 double kill_grace_seconds) {
  const Clock::time_point deadline = Clock::now() + Seconds(timeout_seconds);
  Ending ending = Ending::kNone;
  Clock::time_point kill_at;
  bool killed = false;
  Clock::duration wait = Clock::duration(0);
  for (;;) {
    output.Pump(wait);
    if (HasExited(child.pid)) break;
    const Clock::time_point now = Clock::now();
    if (ending == Ending::kNone) {
      if (context.StopRequested()) {
        ending = Ending::kStopped;
      } else if (now >= deadline) {
        ending = Ending::kTimedOut;
      }
      if (ending != Ending::kNone) {
        kill(-child.pid, SIGTERM);
        kill_at = now + Seconds(std::max(0.0, kill_grace_seconds));
      }
    } else if (!killed && now >= kill_at) {
      kill(-child.pid, SIGKILL);
      killed = true;
    }
    // Without a pidfd to wake the poll, short waits once the pipes are closed (the program is exiting) or
    // while it is being killed.
    wait = (output.open() || child.exit.open()) && ending == Ending::kNone
               ? std::min<Clock::duration>(kStopPollInterval, deadline - now)
               : Clock::duration(milliseconds(child.exit.open() ? 20 : 5));
  }
  return ending;
}

// How the program ended, from waitpid.
struct Reaped {
  bool ok = false;  // False: waitpid failed (`error`), the exit status is lost.
  int status = 0;
  int error = 0;
};

// Kills whatever the exited program left running in its group, reads the rest of its output, and reaps it.
Reaped Reap(Child& child, OutputReader& output) {
  kill(-child.pid, SIGKILL);
  output.Drain(Clock::now() + kDrainAfterExit);
  Reaped reaped;
  pid_t pid;
  do {
    pid = waitpid(child.pid, &reaped.status, 0);
  } while (pid < 0 && errno == EINTR);
  reaped.ok = pid == child.pid;
  reaped.error = errno;
  return reaped;
}

// The trial's outcome from how its program ended and what it printed.
TrialOutcome Judge(Ending ending, const Reaped& reaped, const OutputReader& output,
                   const std::string& objective, double timeout_seconds) {
  TrialOutcome outcome;
  outcome.metrics = output.metrics();
  if (ending == Ending::kStopped) {
    outcome.state = v1::Trial::STOPPED;
    outcome.reason = "stopped";
    return outcome;
  }
  outcome.state = v1::Trial::FAILED;
  const std::string tail = output.StderrTail();
  const std::string tail_suffix = tail.empty() ? "" : absl::StrCat(": ", tail);
  if (ending == Ending::kTimedOut) {
    outcome.reason = absl::StrCat("timed out after ", FormatNumber(timeout_seconds), " s");
  } else if (!reaped.ok) {
    outcome.reason = absl::StrCat("lost the program's exit status: ", ErrnoText(reaped.error));
  } else if (WIFSIGNALED(reaped.status)) {
    const char* name = sigabbrev_np(WTERMSIG(reaped.status));
    outcome.reason = absl::StrCat("killed by signal ", WTERMSIG(reaped.status),
                                  name ? absl::StrCat(" (SIG", name, ")") : "", tail_suffix);
  } else if (WEXITSTATUS(reaped.status) != 0) {
    outcome.reason = absl::StrCat("exit code ", WEXITSTATUS(reaped.status), tail_suffix);
  } else if (!objective.empty() && outcome.metrics.count(objective) == 0) {
    outcome.reason = absl::StrCat("program did not report metric '", objective,
                                  "' (print a line `hyperlab: ", objective, "=<number>` to stdout)");
  } else {
    outcome.state = v1::Trial::SUCCEEDED;
    return outcome;
  }
  outcome.reason += output.MalformedNote();
  return outcome;
}

}  // namespace

absl::StatusOr<std::string> SubstituteParameters(absl::string_view arg, const v1::Trial& trial) {
  absl::StatusOr<std::vector<TemplatePart>> parts = ParseCommandTemplate(arg);
  if (!parts.ok()) return parts.status();
  std::string out;
  for (const TemplatePart& part : *parts) {
    if (!part.placeholder) {
      out += part.text;
      continue;
    }
    const v1::Parameter* parameter = nullptr;
    for (const v1::Parameter& p : trial.parameters()) {
      if (p.name() == part.text) parameter = &p;
    }
    if (parameter == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown parameter '{", part.text, "}' (write {{ and }} for literal braces)"));
    }
    if (parameter->value().kind_case() == v1::ParameterValue::KIND_NOT_SET) {
      return absl::InvalidArgumentError(absl::StrCat("parameter '", part.text, "' has no value"));
    }
    out += ValueText(parameter->value());
  }
  return out;
}

std::string ParametersJson(const v1::Trial& trial) {
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (const v1::Parameter& p : trial.parameters()) params[p.name()] = ValueJson(p.value());
  return params.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

CommandExecutor::CommandExecutor(CommandExecutorOptions options) : options_(std::move(options)) {}

void ConfigureCommandExecutor(std::vector<std::unique_ptr<Executor>>& executors,
                              CommandExecutorOptions options) {
  for (auto& e : executors) {
    if (e->Kind() == "command") {
      e = std::make_unique<CommandExecutor>(std::move(options));
      return;
    }
  }
  executors.push_back(std::make_unique<CommandExecutor>(std::move(options)));
}

TrialOutcome CommandExecutor::Run(const v1::Assignment& assignment, TrialContext& context) {
  absl::StatusOr<Launch> launch = Prepare(assignment, options_);
  if (!launch.ok()) return Failed(std::string(launch.status().message()));
  const v1::CommandTask& task = assignment.task().command();
  // What this trial runs, by content (program_digest.h): a fixed script is a new experiment.
  const absl::StatusOr<std::string> digest = ProgramDigest(launch->program, task);
  auto finish = [&digest](TrialOutcome o) {
    if (digest.ok()) o.artifacts["program_digest"] = *digest;
    return o;
  };
  if (assignment.digest_only() && digest.ok()) {
    // The coordinator asks what this would run before running it (an identical experiment may have run):
    // given back unrun with the digest.
    return finish(TrialOutcome{v1::Trial::PENDING, {}, "digest only"});
  }
  if (context.StopRequested()) return finish(TrialOutcome{v1::Trial::STOPPED, {}, "stopped"});
  absl::StatusOr<Child> child = Spawn(launch->program, launch->argv, launch->env, task.working_dir());
  if (!child.ok()) return finish(Failed(std::string(child.status().message())));

  const double timeout_seconds =
      task.timeout_seconds() > 0 ? std::min(task.timeout_seconds(), 1e8) : kDefaultCommandTimeoutSeconds;
  OutputReader output(*child, context, options_.stderr_tail_bytes);
  const Ending ending = Supervise(*child, output, context, timeout_seconds, options_.kill_grace_seconds);
  const Reaped reaped = Reap(*child, output);
  return finish(Judge(ending, reaped, output, assignment.objective().metric(), timeout_seconds));
}

}  // namespace hyperlab::worker
