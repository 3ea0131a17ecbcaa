#include "tools/bench/search/hpo_command.h"

#include <iostream>
#include <limits>
#include <variant>

#include "absl/strings/str_join.h"
#include "worker/command_executor.h"

namespace hyperlab::bench {
namespace {

// A trial context that never asks to stop and drops intermediate measurements.
class QuietContext : public worker::TrialContext {
 public:
  void ReportMeasurement(const v1::Measurement&) override {}
  bool StopRequested() const override { return false; }
};

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
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    v1::Parameter* p = a.mutable_trial()->add_parameters();
    p->set_name(space.parameters[i].name);
    const searcher::Value& v = assignment[i];
    if (const double* d = std::get_if<double>(&v)) p->mutable_value()->set_double_value(*d);
    if (const int64_t* n = std::get_if<int64_t>(&v)) p->mutable_value()->set_int_value(*n);
    if (const std::string* s = std::get_if<std::string>(&v)) p->mutable_value()->set_string_value(*s);
  }
  QuietContext context;
  const worker::TrialOutcome outcome = worker::CommandExecutor(*options).Run(a, context);
  if (outcome.state != v1::Trial::SUCCEEDED || !outcome.metrics.count("loss")) {
    std::cerr << "search_bench: " << absl::StrJoin(argv, " ") << " failed: " << outcome.reason << "\n";
    return std::numeric_limits<double>::quiet_NaN();
  }
  return outcome.metrics.at("loss");
}

}  // namespace hyperlab::bench
