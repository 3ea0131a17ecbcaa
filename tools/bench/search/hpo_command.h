// One evaluation of a real hyperparameter-tuning task through the cluster's own command executor
// (worker/command_executor.h): the task's program runs as a worker would run it for a trial, with the
// assignment's parameters substituted into its argv, and its `hyperlab: loss=...` line is the result.
//
// Why through the executor: the benchmark then measures what a user's command study costs and returns,
// placeholders, environment and metric parsing included.
//
// For the peers' side, HpoServer evaluates the same argv in one persistent `hpo_task.py --serve` child
// (scikit-learn imported once): the placeholders are substituted by the executor's own function, so the same
// strings reach the same code, which prints the same digits; `search_bench --mode=hpo-check` compares the
// two paths.
//
// Thread safety: RunHpoCommand may be called concurrently (each call runs its own child process); an
// HpoServer is used by one thread at a time.
#ifndef HYPERLAB_TOOLS_BENCH_SEARCH_HPO_COMMAND_H_
#define HYPERLAB_TOOLS_BENCH_SEARCH_HPO_COMMAND_H_

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "searcher/search_space.h"

namespace hyperlab::bench {

// Runs `argv` (with `{name}` placeholders for the parameters of `space`) for `assignment` and returns its
// reported metric `loss`; NaN when the program fails (the reason goes to stderr, naming the task).
double RunHpoCommand(const std::vector<std::string>& argv, const searcher::SearchSpace& space,
                     const searcher::Assignment& assignment);

// `argv` with the parameters of `assignment` substituted for its `{name}` placeholders, exactly as the
// command executor substitutes them.
absl::StatusOr<std::vector<std::string>> SubstituteHpoArgv(const std::vector<std::string>& argv,
                                                           const searcher::SearchSpace& space,
                                                           const searcher::Assignment& assignment);

// One `/usr/bin/python3 <script> --serve` child, started on the first Evaluate.
class HpoServer {
 public:
  explicit HpoServer(std::string script) : script_(std::move(script)) {}
  ~HpoServer();
  HpoServer(const HpoServer&) = delete;
  HpoServer& operator=(const HpoServer&) = delete;

  // The loss for the substituted `argv` (argv[0] the interpreter, argv[1] the script, then the task and its
  // arguments); NaN when the task reports an error (the reason goes to stderr).
  double Evaluate(const std::vector<std::string>& argv);

 private:
  std::string script_;
  FILE* to_child_ = nullptr;
  FILE* from_child_ = nullptr;
  int pid_ = -1;
};

}  // namespace hyperlab::bench

#endif  // HYPERLAB_TOOLS_BENCH_SEARCH_HPO_COMMAND_H_
