// One evaluation of a real hyperparameter-tuning task through the cluster's own command executor
// (worker/command_executor.h): the task's program runs as a worker would run it for a trial, with the
// assignment's parameters substituted into its argv, and its `hyperlab: loss=...` line is the result.
//
// Why through the executor: the benchmark then measures what a user's command study costs and returns,
// placeholders, environment and metric parsing included.
//
// Thread safety: RunHpoCommand may be called concurrently (each call runs its own child process).
#ifndef HYPERLAB_TOOLS_BENCH_SEARCH_HPO_COMMAND_H_
#define HYPERLAB_TOOLS_BENCH_SEARCH_HPO_COMMAND_H_

#include <string>
#include <vector>

#include "searcher/search_space.h"

namespace hyperlab::bench {

// Runs `argv` (with `{name}` placeholders for the parameters of `space`) for `assignment` and returns its
// reported metric `loss`; NaN when the program fails (the reason goes to stderr, naming the task).
double RunHpoCommand(const std::vector<std::string>& argv, const searcher::SearchSpace& space,
                     const searcher::Assignment& assignment);

}  // namespace hyperlab::bench

#endif  // HYPERLAB_TOOLS_BENCH_SEARCH_HPO_COMMAND_H_
