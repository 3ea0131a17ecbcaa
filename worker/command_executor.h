// The `command` executor: runs a user's program once per trial and reads the metrics it prints.
//
// The program is task.command.argv with every `{name}` replaced by the value of parameter `name`
// (`{{` and `}}` are literal braces). It runs in its own process group, with stdin from /dev/null, in
// task.command.working_dir if set, with an environment built from scratch (child_environment.h: a few
// variables of the worker's and its PATH, the vetted task.command.env, never the worker's token) plus
//   HYPERLAB_TRIAL_ID, HYPERLAB_STUDY_ID, HYPERLAB_STUDY_NAME and HYPERLAB_PARAMS (a JSON object name ->
//   value: numbers as numbers, categorical values as strings).
// A task.command.env variable the policy refuses (LD_PRELOAD, BASH_ENV, PYTHONPATH, PATH...) fails the
// trial before anything runs, with a reason naming the variable.
// It reports through its stdout with lines `hyperlab: m1=v1 m2=v2` (final values; the last value of each
// metric wins) and `hyperlab: step=N m1=v1` (intermediate measurements, passed on at once to
// TrialContext::ReportMeasurement); see worker/metric_line.h. The last few KiB of its stderr become the
// failure reason when it exits non-zero.
//
// When the trial is stopped or runs past task.command.timeout_seconds (default 3600), the whole process
// group gets SIGTERM and, after a grace period, SIGKILL. When the program itself exits, whatever it left
// running in its process group is killed too: no process outlives its trial (except one that moved itself
// to another process group or session, which this executor cannot see).
// The program is looked up in the worker's PATH (not a PATH given in task.command.env), and runs only when
// the worker's allowlist allows it (command_allowlist.h; hyperlab-worker --allow-command PATH): otherwise
// the trial FAILS with a reason that says so and how to allow it. The default allowlist allows nothing.
//
// Thread safety: Run may be called concurrently from several threads (pipes are close-on-exec, so one
// trial's program never inherits another's pipe). The worker must not ignore SIGCHLD (SIG_IGN would reap
// the children before Run can read their exit status).
#ifndef HYPERLAB_WORKER_COMMAND_EXECUTOR_H_
#define HYPERLAB_WORKER_COMMAND_EXECUTOR_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "worker/child_environment.h"
#include "worker/command_allowlist.h"
#include "worker/executor.h"

namespace hyperlab::worker {

struct CommandExecutorOptions {
  // Seconds between SIGTERM and SIGKILL to the process group when a trial is stopped or times out.
  // Default 2.
  double kill_grace_seconds = 2.0;
  // Bytes kept from the end of the program's stderr for the failure reason. Default 4096.
  size_t stderr_tail_bytes = 4096;
  // What may run. Default: nothing (every command trial fails with the reason).
  CommandAllowlist allowlist;
  // How the program's environment is built (--pass-env, --allow-env, the token to keep out).
  // Default: the fixed minimal set, no study variable of a refused class.
  ChildEnvironmentPolicy environment;
};

class CommandExecutor : public Executor {
 public:
  explicit CommandExecutor(CommandExecutorOptions options = {});

  std::string Kind() const override { return "command"; }
  const CommandAllowlist& allowlist() const { return options_.allowlist; }

  // Runs the program to its end. SUCCEEDED when it exits 0 having reported the objective metric;
  // STOPPED ("stopped") when the context asked to stop; FAILED otherwise, with a reason: a bad
  // placeholder, a program the allowlist refuses (see above), a refused environment variable, a program that
  // cannot be started (named, with the errno text), "timed out after N s", "exit code N: <stderr tail>",
  // "killed by signal N (SIGX)", or "program did not report metric 'M'". Malformed `hyperlab:` lines are
  // ignored, and mentioned in the reason when the trial fails.
  TrialOutcome Run(const v1::Assignment& assignment, TrialContext& context) override;

 private:
  const CommandExecutorOptions options_;
};

// Replaces the "command" executor in `executors` (if any, else appends one) by one with `options`.
// hyperlab-worker and `hyperlab run` use it to apply --allow-command to MakeDefaultExecutors().
void ConfigureCommandExecutor(std::vector<std::unique_ptr<Executor>>& executors,
                              CommandExecutorOptions options);

// Replaces every `{name}` in `arg` by the value of the trial's parameter `name` (double: shortest
// round-trip form, see FormatNumber; integer: decimal; string: as is). `{{` and `}}` stand for literal
// braces; a lone `}` is kept as it is. INVALID_ARGUMENT for an unknown name or an unterminated `{`;
// the message does not quote `arg`.
absl::StatusOr<std::string> SubstituteParameters(absl::string_view arg, const v1::Trial& trial);

// The trial's parameters as a JSON object in the order of the trial, e.g. {"lr":0.001,"layers":3,
// "optimizer":"adam"}; the value of HYPERLAB_PARAMS.
std::string ParametersJson(const v1::Trial& trial);

}  // namespace hyperlab::worker

#endif  // HYPERLAB_WORKER_COMMAND_EXECUTOR_H_
