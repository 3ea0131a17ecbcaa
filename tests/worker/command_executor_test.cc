#include "worker/command_executor.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace hyperlab::worker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;
using Clock = std::chrono::steady_clock;

class FakeContext : public TrialContext {
 public:
  void ReportMeasurement(const v1::Measurement& measurement) override { measurements.push_back(measurement); }
  // Asks to stop once `stop_after_measurements` measurements have arrived.
  bool StopRequested() const override { return measurements.size() >= stop_after_measurements; }

  size_t stop_after_measurements = 1000000;
  std::vector<v1::Measurement> measurements;
};

void AddParameter(v1::Trial& trial, const std::string& name, double value) {
  v1::Parameter* parameter = trial.add_parameters();
  parameter->set_name(name);
  parameter->mutable_value()->set_double_value(value);
}
void AddParameter(v1::Trial& trial, const std::string& name, int64_t value) {
  v1::Parameter* parameter = trial.add_parameters();
  parameter->set_name(name);
  parameter->mutable_value()->set_int_value(value);
}
void AddParameter(v1::Trial& trial, const std::string& name, const char* value) {
  v1::Parameter* parameter = trial.add_parameters();
  parameter->set_name(name);
  parameter->mutable_value()->set_string_value(value);
}

// An assignment running `/bin/sh -c script sh extra_args...`, objective `value`.
v1::Assignment ShellAssignment(const std::string& script, const std::vector<std::string>& extra_args = {}) {
  v1::Assignment assignment;
  assignment.set_study_name("fashion-adam");
  assignment.mutable_trial()->set_study_id(12);
  assignment.mutable_trial()->set_id(7);
  assignment.mutable_objective()->set_metric("value");
  v1::CommandTask* command = assignment.mutable_task()->mutable_command();
  for (const char* arg : {"/bin/sh", "-c"}) command->add_argv(arg);
  command->add_argv(script);
  command->add_argv("sh");
  for (const std::string& arg : extra_args) command->add_argv(arg);
  return assignment;
}

std::string TempPath(const std::string& name) {
  return absl::StrCat(::testing::TempDir(), "/command_executor_test_", getpid(), "_", name);
}

pid_t ReadPid(const std::string& path) {
  std::ifstream in(path);
  pid_t pid = -1;
  in >> pid;
  return pid;
}

// True while `pid` is a live process (a zombie waiting for its parent to reap it counts as gone).
bool Alive(pid_t pid) {
  if (kill(pid, 0) != 0) return false;
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ||
         (stat[paren + 2] != 'Z' && stat[paren + 2] != 'X');
}

// Signals are delivered asynchronously: allow the process a moment to die.
bool GoneWithin(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (Alive(pid)) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// These tests are about running programs, not about the allowlist (command_allowlist_test.cc): allow all.
CommandExecutorOptions AllowAll() {
  CommandExecutorOptions options;
  options.allowlist = *CommandAllowlist::Make({"/"});
  return options;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(CommandExecutorTest, ReportsFinalMetricsAndSteps) {
  CommandExecutor executor(AllowAll());
  EXPECT_EQ(executor.Kind(), "command");
  FakeContext context;
  const int64_t before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  TrialOutcome outcome = executor.Run(ShellAssignment(R"(
    echo "epoch 1 starting"
    echo "hyperlab: step=1 loss=0.5"
    echo "hyperlab: step=2 loss=0.25 acc=0.9"
    echo "hyperlab: value=0.1 acc=0.8"
    printf 'hyperlab: value=0.2')"),
                                      context);
  EXPECT_EQ(outcome.state, v1::Trial::SUCCEEDED) << outcome.reason;
  EXPECT_THAT(outcome.metrics, ElementsAre(Pair("acc", 0.8), Pair("value", 0.2)));
  ASSERT_EQ(context.measurements.size(), 2);
  EXPECT_EQ(context.measurements[0].step(), 1);
  EXPECT_THAT(context.measurements[0].metrics(), ElementsAre(Pair("loss", 0.5)));
  EXPECT_EQ(context.measurements[1].step(), 2);
  EXPECT_EQ(context.measurements[1].metrics().at("acc"), 0.9);
  EXPECT_GE(context.measurements[0].time_unix_ms(), before_ms);
  EXPECT_LT(context.measurements[0].time_unix_ms(), before_ms + 60000);
}

// Asked for the digest only, the executor does not run the program: it gives the trial back (PENDING) with
// the digest a run would report.
TEST(CommandExecutorTest, DigestOnlyGivesTheTrialBackUnrun) {
  CommandExecutor executor(AllowAll());
  const std::string marker = TempPath("ran");
  std::remove(marker.c_str());
  v1::Assignment assignment = ShellAssignment(absl::StrCat("touch ", marker, "; echo hyperlab: value=1"));
  FakeContext context;
  const TrialOutcome ran = executor.Run(assignment, context);
  ASSERT_EQ(ran.state, v1::Trial::SUCCEEDED) << ran.reason;
  ASSERT_TRUE(std::ifstream(marker).good());
  std::remove(marker.c_str());

  assignment.set_digest_only(true);
  const TrialOutcome probed = executor.Run(assignment, context);
  EXPECT_EQ(probed.state, v1::Trial::PENDING) << probed.reason;
  EXPECT_TRUE(probed.metrics.empty());
  EXPECT_FALSE(std::ifstream(marker).good()) << "the program ran";
  ASSERT_EQ(probed.artifacts.count("program_digest"), 1u);
  EXPECT_EQ(probed.artifacts.at("program_digest"), ran.artifacts.at("program_digest"));
  EXPECT_EQ(probed.artifacts.at("program_digest").size(), 64u);
}

TEST(CommandExecutorTest, SubstitutesParametersIntoArguments) {
  v1::Assignment assignment = ShellAssignment(
      R"(printf '%s\n' "$@" >&2
      [ "$1" = "--lr=0.00031622776601683794" ] && [ "$2" = "1e-05" ] && [ "$3" = 3 ] && [ "$4" = adam ] &&
      [ "$5" = 64 ] && [ "$6" = "{{literal}}" ] && [ "$7" = "a}}b" ] && [ "{{$8}}" = "{{x}}" ] || exit 1
      echo "hyperlab: value=$5")",
      {"--lr={lr}", "{wd}", "{layers}", "{optimizer}", "{batch}", "{{literal}}", "a}}b", "x"});
  AddParameter(*assignment.mutable_trial(), "lr", 3.1622776601683794e-4);
  AddParameter(*assignment.mutable_trial(), "wd", 1e-5);
  AddParameter(*assignment.mutable_trial(), "layers", int64_t{3});
  AddParameter(*assignment.mutable_trial(), "optimizer", "adam");
  AddParameter(*assignment.mutable_trial(), "batch", 64.0);
  FakeContext context;
  TrialOutcome outcome = CommandExecutor(AllowAll()).Run(assignment, context);
  EXPECT_EQ(outcome.state, v1::Trial::SUCCEEDED) << outcome.reason;
  EXPECT_THAT(outcome.metrics, ElementsAre(Pair("value", 64.0)));
}

TEST(CommandExecutorTest, ALoneClosingBraceFailsTheTrialAsTheSubmitCheckWould) {
  v1::Assignment assignment = ShellAssignment("exit 0", {"a}b"});
  FakeContext context;
  TrialOutcome outcome = CommandExecutor(AllowAll()).Run(assignment, context);
  EXPECT_EQ(outcome.state, v1::Trial::FAILED);
  EXPECT_THAT(outcome.reason, HasSubstr("unmatched '}' at offset 1"));
}

TEST(CommandExecutorTest, UnknownPlaceholderFailsNamingIt) {
  v1::Assignment assignment = ShellAssignment("echo hyperlab: value=1", {"--lr={learning_rate}"});
  AddParameter(*assignment.mutable_trial(), "lr", 0.1);
  FakeContext context;
  TrialOutcome outcome = CommandExecutor(AllowAll()).Run(assignment, context);
  EXPECT_EQ(outcome.state, v1::Trial::FAILED);
  EXPECT_THAT(outcome.reason, StartsWith("argv[4]: unknown parameter '{learning_rate}'"));
}

TEST(SubstituteParametersTest, BracesAndErrors) {
  v1::Trial trial;
  AddParameter(trial, "n", int64_t{-4});
  EXPECT_EQ(*SubstituteParameters("{{n}}={n}{n}}}", trial), "{n}=-4-4}");
  EXPECT_EQ(*SubstituteParameters("plain", trial), "plain");
  EXPECT_EQ(SubstituteParameters("{n", trial).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SubstituteParameters("{}", trial).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(SubstituteParameters("x{m}", trial).status().message(), HasSubstr("'{m}'"));
}

TEST(ParametersJsonTest, NumbersAsNumbersAndCategoricalsAsStrings) {
  v1::Trial trial;
  AddParameter(trial, "lr", 0.001);
  AddParameter(trial, "layers", int64_t{3});
  AddParameter(trial, "optimizer", "adam");
  EXPECT_EQ(ParametersJson(trial), R"({"lr":0.001,"layers":3,"optimizer":"adam"})");
  EXPECT_EQ(ParametersJson(v1::Trial()), "{}");
}

TEST(CommandExecutorTest, PassesEnvironmentAndWorkingDirectory) {
  const std::string dir = ::testing::TempDir();
  v1::Assignment assignment = ShellAssignment(R"sh(
    env | grep -E '^(HYPERLAB|MY_)' >&2; pwd >&2
    [ "$HYPERLAB_TRIAL_ID" = 7 ] && [ "$HYPERLAB_STUDY_ID" = 12 ] && [ "$HYPERLAB_STUDY_NAME" = fashion-adam ] &&
    [ "$HYPERLAB_PARAMS" = "$MY_EXPECTED_PARAMS" ] && [ "$MY_VAR" = "hello world" ] &&
    [ "$(cd "$MY_DIR" && pwd -P)" = "$(pwd -P)" ] && [ -n "$PATH" ] || exit 1
    echo "hyperlab: value=1")sh");
  AddParameter(*assignment.mutable_trial(), "lr", 0.5);
  AddParameter(*assignment.mutable_trial(), "optimizer", "sgd");
  auto& env = *assignment.mutable_task()->mutable_command()->mutable_env();
  env["MY_VAR"] = "hello world";
  env["MY_EXPECTED_PARAMS"] = R"({"lr":0.5,"optimizer":"sgd"})";
  env["MY_DIR"] = dir;
  assignment.mutable_task()->mutable_command()->set_working_dir(dir);
  FakeContext context;
  TrialOutcome outcome = CommandExecutor(AllowAll()).Run(assignment, context);
  EXPECT_EQ(outcome.state, v1::Trial::SUCCEEDED) << outcome.reason;
}

// Issue 14 #2: task.command.env escaped the allowlist (BASH_ENV ran commands on the worker). A variable of
// a refused class fails the trial before anything runs, naming the variable.
TEST(CommandExecutorTest, StudyEnvCannotSetLoaderShellOrInterpreterHooks) {
  const std::string marker = TempPath("bash_env_ran");
  std::remove(marker.c_str());
  const std::map<std::string, std::string> attacks = {
      {"BASH_ENV", absl::StrCat("$(touch ", marker, ")")},
      {"ENV", absl::StrCat("$(touch ", marker, ")")},
      {"LD_PRELOAD", "/tmp/evil.so"},
      {"LD_LIBRARY_PATH", "/tmp"},
      {"PYTHONPATH", "/tmp"},
      {"PYTHONSTARTUP", "/tmp/x.py"},
      {"NODE_OPTIONS", "--require /tmp/x.js"},
      {"PERL5OPT", "-Mevil"},
      {"RUBYOPT", "-revil"},
      {"JAVA_TOOL_OPTIONS", "-javaagent:/tmp/x.jar"},
      {"PATH", "/tmp"},
      {"IFS", "/"},
      {"SHELLOPTS", "xtrace"},
      {"PS4", "$(touch x)"},
      {"BASH_FUNC_echo%%", "() { id; }"},
      {"GCONV_PATH", "/tmp"},
      {"HTTPS_PROXY", "http://attacker"},
      {"HYPERLAB_TRIAL_ID", "99"},
      {"lower_case", "x"},
  };
  for (const auto& [name, value] : attacks) {
    v1::Assignment assignment = ShellAssignment("echo 'hyperlab: value=1'");
    assignment.mutable_task()->mutable_command()->set_argv(0, "/bin/bash");
    (*assignment.mutable_task()->mutable_command()->mutable_env())[name] = value;
    FakeContext context;
    TrialOutcome outcome = CommandExecutor(AllowAll()).Run(assignment, context);
    EXPECT_EQ(outcome.state, v1::Trial::FAILED) << name;
    const bool echoed_name = name != "BASH_FUNC_echo%%" && name != "lower_case";
    if (echoed_name) {
      EXPECT_THAT(outcome.reason,
                  HasSubstr(absl::StrCat("task.command.env: variable '", name, "' is refused")))
          << name;
    } else {
      EXPECT_THAT(outcome.reason, HasSubstr("names must match [A-Z_][A-Z0-9_]*")) << name;
    }
    EXPECT_THAT(outcome.reason, Not(HasSubstr(value))) << name;
  }
  EXPECT_FALSE(std::ifstream(marker).good()) << "BASH_ENV ran a command";
}

// The worker's operator may allow a refused name explicitly (--allow-env).
TEST(CommandExecutorTest, OperatorAllowedEnvNamePasses) {
  v1::Assignment assignment =
      ShellAssignment(R"sh([ "$PYTHONPATH" = /opt/lib ] || exit 3; echo "hyperlab: value=1")sh");
  (*assignment.mutable_task()->mutable_command()->mutable_env())["PYTHONPATH"] = "/opt/lib";
  CommandExecutorOptions options = AllowAll();
  options.environment.allow_env = {"PYTHONPATH"};
  FakeContext context;
  TrialOutcome outcome = CommandExecutor(options).Run(assignment, context);
  EXPECT_EQ(outcome.state, v1::Trial::SUCCEEDED) << outcome.reason;
}

// Issue 14 #3: user programs inherited the worker's whole environment, its token included. The child sees
// the fixed minimal set, the names passed through, the study's variables and HYPERLAB_* only; never the
// token, whatever variable holds it.
TEST(CommandExecutorTest, ChildSeesNoTokenAndNoUnlistedVariable) {
  const std::string token = "tok-3f9a1c-worker-secret";
  setenv("HYPERLAB_TOKEN", token.c_str(), 1);
  setenv("WORKER_ONLY_VARIABLE", "worker business", 1);
  setenv("OPERATOR_PASSED", "fine", 1);
  setenv("OPERATOR_PASSED_WITH_TOKEN", ("Bearer " + token).c_str(), 1);
  setenv("LC_ALL", "C", 1);
  const std::string out = TempPath("child_env");
  v1::Assignment assignment = ShellAssignment(R"sh(env > "$OUT"; echo "hyperlab: value=1")sh");
  (*assignment.mutable_task()->mutable_command()->mutable_env())["OUT"] = out;
  CommandExecutorOptions options = AllowAll();
  options.environment.pass_env = {"OPERATOR_PASSED", "OPERATOR_PASSED_WITH_TOKEN"};
  options.environment.secrets = {token};
  FakeContext context;
  TrialOutcome outcome = CommandExecutor(options).Run(assignment, context);
  unsetenv("HYPERLAB_TOKEN");
  unsetenv("WORKER_ONLY_VARIABLE");
  unsetenv("OPERATOR_PASSED");
  unsetenv("OPERATOR_PASSED_WITH_TOKEN");
  ASSERT_EQ(outcome.state, v1::Trial::SUCCEEDED) << outcome.reason;
  std::ifstream in(out);
  const std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(env, Not(HasSubstr(token)));
  std::set<std::string> names;
  std::istringstream lines(env);
  for (std::string line; std::getline(lines, line);) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos && eq > 0) names.insert(line.substr(0, eq));
  }
  const std::set<std::string> allowed = {"HOME",
                                         "USER",
                                         "LOGNAME",
                                         "LANG",
                                         "TZ",
                                         "TMPDIR",
                                         "LC_ALL",
                                         "PATH",
                                         "OUT",
                                         "OPERATOR_PASSED",
                                         "HYPERLAB_TRIAL_ID",
                                         "HYPERLAB_STUDY_ID",
                                         "HYPERLAB_STUDY_NAME",
                                         "HYPERLAB_PARAMS",
                                         "PWD",
                                         "SHLVL",
                                         "_"};  // The last 3: sh's own.
  for (const std::string& name : names) EXPECT_EQ(allowed.count(name), 1u) << "unlisted variable " << name;
  EXPECT_EQ(names.count("OPERATOR_PASSED"), 1u);
  EXPECT_EQ(names.count("OPERATOR_PASSED_WITH_TOKEN"), 0u);
  EXPECT_EQ(names.count("WORKER_ONLY_VARIABLE"), 0u);
  EXPECT_THAT(env, HasSubstr(absl::StrCat("PATH=", getenv("PATH"), "\n")));  // The worker's own PATH.
}

TEST(CommandExecutorTest, MissingWorkingDirectoryFails) {
  v1::Assignment assignment = ShellAssignment("echo hyperlab: value=1");
  assignment.mutable_task()->mutable_command()->set_working_dir("/nonexistent/hyperlab-dir");
  FakeContext context;
  TrialOutcome outcome = CommandExecutor(AllowAll()).Run(assignment, context);
  EXPECT_EQ(outcome.state, v1::Trial::FAILED);
  EXPECT_THAT(outcome.reason, HasSubstr("'/nonexistent/hyperlab-dir'"));
}

TEST(CommandExecutorTest, NonZeroExitFailsWithStderrTail) {
  FakeContext context;
  TrialOutcome outcome =
      CommandExecutor(AllowAll())
          .Run(ShellAssignment(
                   "echo 'hyperlab: value=1'; echo starting >&2; echo 'ValueError: boom' >&2; exit 3"),
               context);
  EXPECT_EQ(outcome.state, v1::Trial::FAILED);
  EXPECT_EQ(outcome.reason, "exit code 3: starting\nValueError: boom");
}

TEST(CommandExecutorTest, KilledBySignalFails) {
  FakeContext context;
  TrialOutcome outcome = CommandExecutor(AllowAll()).Run(ShellAssignment("kill -9 $$"), context);
  EXPECT_EQ(outcome.state, v1::Trial::FAILED);
  EXPECT_THAT(outcome.reason, StartsWith("killed by signal 9 (SIGKILL)"));
}

TEST(CommandExecutorTest, StderrTailIsBoundedAndPrintable) {
  FakeContext context;
  TrialOutcome outcome =
      CommandExecutor(AllowAll())
          .Run(ShellAssignment(
                   R"(head -c 300000 /dev/zero | tr '\0' x >&2; printf '\377bad\033[0m end\n' >&2; exit 2)"),
               context);
  EXPECT_EQ(outcome.state, v1::Trial::FAILED);
  EXPECT_THAT(outcome.reason, StartsWith("exit code 2: ...xxx"));
  EXPECT_THAT(outcome.reason, testing::EndsWith("x?bad?[0m end"));
  EXPECT_LE(outcome.reason.size(), 4200);
}

TEST(CommandExecutorTest, LargeOutputDoesNotDeadlock) {
  FakeContext context;
  TrialOutcome outcome = CommandExecutor(AllowAll())
                             .Run(ShellAssignment(R"(
    head -c 1000000 /dev/zero | tr '\0' e >&2
    head -c 1000000 /dev/zero | tr '\0' o
    echo
    i=0; while [ $i -lt 500 ]; do echo "hyperlab: step=$i loss=$i"; i=$((i+1)); done
    echo "hyperlab: value=5")"),
                                  context);
  EXPECT_EQ(outcome.state, v1::Trial::SUCCEEDED) << outcome.reason;
  EXPECT_THAT(outcome.metrics, ElementsAre(Pair("value", 5.0)));
  ASSERT_EQ(context.measurements.size(), 500);
  EXPECT_EQ(context.measurements[499].step(), 499);
}

TEST(CommandExecutorTest, TimeoutKillsTheProgram) {
  v1::Assignment assignment = ShellAssignment("echo 'hyperlab: value=1'; sleep 30");
  assignment.mutable_task()->mutable_command()->set_timeout_seconds(0.3);
  FakeContext context;
  const auto start = Clock::now();
  TrialOutcome outcome = CommandExecutor(AllowAll()).Run(assignment, context);
  EXPECT_EQ(outcome.state, v1::Trial::FAILED);
  EXPECT_EQ(outcome.reason, "timed out after 0.3 s");
  EXPECT_GE(SecondsSince(start), 0.3);
  EXPECT_LT(SecondsSince(start), 3.0);
}

TEST(CommandExecutorTest, StopKillsTheWholeProcessGroup) {
  const std::string pid_file = TempPath("stop.pid");
  v1::Assignment assignment = ShellAssignment(R"(
    sleep 60 & echo $! > "$1"
    echo "hyperlab: step=1 value=1"
    wait)",
                                              {pid_file});
  FakeContext context;
  context.stop_after_measurements = 1;
  const auto start = Clock::now();
  TrialOutcome outcome = CommandExecutor(AllowAll()).Run(assignment, context);
  EXPECT_EQ(outcome.state, v1::Trial::STOPPED);
  EXPECT_EQ(outcome.reason, "stopped");
  EXPECT_LT(SecondsSince(start), 3.0);
  const pid_t background = ReadPid(pid_file);
  ASSERT_GT(background, 0);
  EXPECT_TRUE(GoneWithin(background, std::chrono::milliseconds(2000))) << "pid " << background;
  unlink(pid_file.c_str());
}

TEST(CommandExecutorTest, StopBeforeStartRunsNothing) {
  const std::string marker = TempPath("ran");
  FakeContext context;
  context.stop_after_measurements = 0;
  TrialOutcome outcome = CommandExecutor(AllowAll()).Run(ShellAssignment(R"(touch "$1")", {marker}), context);
  EXPECT_EQ(outcome.state, v1::Trial::STOPPED);
  EXPECT_NE(access(marker.c_str(), F_OK), 0);
}

TEST(CommandExecutorTest, StopEscalatesToSigkillAfterTheGracePeriod) {
  const std::string pid_file = TempPath("stubborn.pid");
  v1::Assignment assignment = ShellAssignment(R"(
    trap '' TERM
    sleep 60 & echo $! > "$1"
    echo "hyperlab: step=1 value=1"
    wait; wait; wait)",
                                              {pid_file});
  FakeContext context;
  context.stop_after_measurements = 1;
  CommandExecutorOptions options = AllowAll();
  options.kill_grace_seconds = 0.3;
  const auto start = Clock::now();
  TrialOutcome outcome = CommandExecutor(options).Run(assignment, context);
  EXPECT_EQ(outcome.state, v1::Trial::STOPPED);
  EXPECT_GE(SecondsSince(start), 0.3);
  EXPECT_LT(SecondsSince(start), 3.0);
  const pid_t background = ReadPid(pid_file);
  ASSERT_GT(background, 0);
  EXPECT_TRUE(GoneWithin(background, std::chrono::milliseconds(2000))) << "pid " << background;
  unlink(pid_file.c_str());
}

TEST(CommandExecutorTest, ProcessesLeftBehindByAFinishedProgramAreKilled) {
  const std::string pid_file = TempPath("leftover.pid");
  FakeContext context;
  const auto start = Clock::now();
  TrialOutcome outcome =
      CommandExecutor(AllowAll())
          .Run(ShellAssignment(R"(sleep 60 & echo $! > "$1"; echo "hyperlab: value=2")", {pid_file}),
               context);
  EXPECT_EQ(outcome.state, v1::Trial::SUCCEEDED) << outcome.reason;
  EXPECT_LT(SecondsSince(start), 3.0);
  const pid_t background = ReadPid(pid_file);
  ASSERT_GT(background, 0);
  EXPECT_TRUE(GoneWithin(background, std::chrono::milliseconds(2000))) << "pid " << background;
  unlink(pid_file.c_str());
}

TEST(CommandExecutorTest, MissingObjectiveFails) {
  FakeContext context;
  TrialOutcome outcome =
      CommandExecutor(AllowAll())
          .Run(ShellAssignment(
                   "echo 'hyperlab: loss=0.3'; echo 'hyperlab: step=1 value=2'; echo 'hyperlab: value=abc'"),
               context);
  EXPECT_EQ(outcome.state, v1::Trial::FAILED);
  EXPECT_THAT(outcome.reason, StartsWith("program did not report metric 'value'"));
  EXPECT_THAT(outcome.reason, HasSubstr("hyperlab: value="));
  EXPECT_THAT(outcome.reason, HasSubstr("1 malformed metric line(s) ignored"));
  EXPECT_THAT(outcome.reason, HasSubstr("'value=abc'"));
  EXPECT_THAT(outcome.metrics, ElementsAre(Pair("loss", 0.3)));
}

TEST(CommandExecutorTest, NonexistentProgramFailsNamingIt) {
  for (const char* program : {"/nonexistent/train.py", "hyperlab-no-such-program"}) {
    v1::Assignment assignment;
    assignment.mutable_objective()->set_metric("value");
    assignment.mutable_task()->mutable_command()->add_argv(program);
    FakeContext context;
    TrialOutcome outcome = CommandExecutor(AllowAll()).Run(assignment, context);
    EXPECT_EQ(outcome.state, v1::Trial::FAILED);
    EXPECT_THAT(outcome.reason, HasSubstr(absl::StrCat("'", program, "'")));
    EXPECT_THAT(outcome.reason, HasSubstr("No such file or directory"));
  }
}

TEST(CommandExecutorTest, EmptyArgvFails) {
  v1::Assignment assignment;
  assignment.mutable_task()->mutable_command();
  FakeContext context;
  EXPECT_EQ(CommandExecutor(AllowAll()).Run(assignment, context).state, v1::Trial::FAILED);
}

TEST(CommandExecutorTest, ConcurrentTrialsKeepTheirOwnOutput) {
  CommandExecutor executor(AllowAll());
  constexpr int kTrials = 6;
  std::vector<TrialOutcome> outcomes(kTrials);
  std::vector<std::thread> threads;
  for (int i = 0; i < kTrials; ++i) {
    threads.emplace_back([&executor, &outcomes, i] {
      v1::Assignment assignment = ShellAssignment("sleep 0.1; echo \"hyperlab: value=$1\"", {"{k}"});
      AddParameter(*assignment.mutable_trial(), "k", int64_t{i});
      FakeContext context;
      outcomes[i] = executor.Run(assignment, context);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kTrials; ++i) {
    EXPECT_EQ(outcomes[i].state, v1::Trial::SUCCEEDED) << outcomes[i].reason;
    EXPECT_THAT(outcomes[i].metrics, ElementsAre(Pair("value", i)));
  }
}

}  // namespace
}  // namespace hyperlab::worker
