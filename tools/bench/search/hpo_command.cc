#include "tools/bench/search/hpo_command.h"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <variant>

#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "worker/command_executor.h"
#include "worker/metric_line.h"

namespace hyperlab::bench {
namespace {

// A trial context that never asks to stop and drops intermediate measurements.
class QuietContext : public worker::TrialContext {
 public:
  void ReportMeasurement(const v1::Measurement&) override {}
  bool StopRequested() const override { return false; }
};

// The trial as the executor sees it: the assignment's values under the parameters' names.
void SetParameters(const searcher::SearchSpace& space, const searcher::Assignment& assignment,
                   v1::Trial* trial) {
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    v1::Parameter* p = trial->add_parameters();
    p->set_name(space.parameters[i].name);
    const searcher::Value& v = assignment[i];
    if (const double* d = std::get_if<double>(&v)) p->mutable_value()->set_double_value(*d);
    if (const int64_t* n = std::get_if<int64_t>(&v)) p->mutable_value()->set_int_value(*n);
    if (const std::string* s = std::get_if<std::string>(&v)) p->mutable_value()->set_string_value(*s);
  }
}

}  // namespace

double RunHpoCommand(const std::vector<std::string>& argv, const searcher::SearchSpace& space,
                     const searcher::Assignment& assignment) {
  static const worker::CommandExecutorOptions* options = [] {
    auto* o = new worker::CommandExecutorOptions;
    o->allowlist = *worker::CommandAllowlist::Make({"/usr/bin/python3"});
    return o;
  }();
  v1::Assignment a;
  a.set_study_name("search-bench");
  for (const std::string& arg : argv) a.mutable_task()->mutable_command()->add_argv(arg);
  a.mutable_task()->mutable_command()->set_timeout_seconds(600);
  a.mutable_objective()->set_metric("loss");
  a.mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  SetParameters(space, assignment, a.mutable_trial());
  QuietContext context;
  const worker::TrialOutcome outcome = worker::CommandExecutor(*options).Run(a, context);
  if (outcome.state != v1::Trial::SUCCEEDED || !outcome.metrics.count("loss")) {
    std::cerr << "search_bench: " << absl::StrJoin(argv, " ") << " failed: " << outcome.reason << "\n";
    return std::numeric_limits<double>::quiet_NaN();
  }
  return outcome.metrics.at("loss");
}

absl::StatusOr<std::vector<std::string>> SubstituteHpoArgv(const std::vector<std::string>& argv,
                                                           const searcher::SearchSpace& space,
                                                           const searcher::Assignment& assignment) {
  v1::Trial trial;
  SetParameters(space, assignment, &trial);
  std::vector<std::string> out;
  for (const std::string& arg : argv) {
    absl::StatusOr<std::string> substituted = worker::SubstituteParameters(arg, trial);
    if (!substituted.ok()) return substituted.status();
    out.push_back(*std::move(substituted));
  }
  return out;
}

HpoServer::~HpoServer() {
  if (to_child_ != nullptr) fclose(to_child_);  // End of input: the child's loop ends.
  if (from_child_ != nullptr) fclose(from_child_);
  if (pid_ > 0) waitpid(pid_, nullptr, 0);
}

double HpoServer::Evaluate(const std::vector<std::string>& argv) {
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  if (pid_ < 0) {
    // A child that dies makes writes fail (and the reply empty: NaN) instead of killing this process.
    std::signal(SIGPIPE, SIG_IGN);
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) {
      std::cerr << "search_bench: cannot create pipes for hpo_task.py --serve\n";
      std::exit(1);
    }
    pid_ = fork();
    if (pid_ < 0) {
      std::cerr << "search_bench: cannot start /usr/bin/python3 " << script_ << " --serve\n";
      std::exit(1);
    }
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[0]);
      close(in[1]);
      close(out[0]);
      close(out[1]);
      execl("/usr/bin/python3", "python3", script_.c_str(), "--serve", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_child_ = fdopen(in[1], "w");
    from_child_ = fdopen(out[0], "r");
  }
  if (argv.size() < 3) return kNan;
  const nlohmann::json request(std::vector<std::string>(argv.begin() + 2, argv.end()));
  fprintf(to_child_, "%s\n", request.dump().c_str());
  fflush(to_child_);
  // One reply line, at most kMaxReply bytes kept (a loss line is about 30).
  constexpr size_t kMaxReply = 4096;
  std::string line;
  for (int c = fgetc(from_child_); c != EOF && c != '\n'; c = fgetc(from_child_)) {
    if (line.size() < kMaxReply) line.push_back(static_cast<char>(c));
  }
  // Read as the executor reads a program's output.
  const absl::StatusOr<std::optional<worker::MetricLine>> parsed = worker::ParseMetricLine(line);
  if (!parsed.ok() || !*parsed || !(*parsed)->metrics.count("loss")) {
    std::cerr << "search_bench: " << absl::StrJoin(argv, " ")
              << " failed: " << (line.empty() ? "hpo_task.py --serve ended" : line) << "\n";
    return kNan;
  }
  return (*parsed)->metrics.at("loss");
}

}  // namespace hyperlab::bench
