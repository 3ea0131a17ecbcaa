// The broad search benchmark's problems (issue 18): standard test functions of the Bayesian-optimisation
// literature across 2..10 dimensions, noisy, mixed-type, log-scaled and batch-parallel variants, and real
// hyperparameter-tuning tasks (scikit-learn through the command executor: hpo_command.h).
//
// One registry serves both sides of the comparison: search_bench runs Hyperlab's strategies on it, and
// optuna_bench.py reads the spaces from `search_bench --list-problems` and has every point evaluated by
// `search_bench --serve`, so Optuna's samplers see exactly the same functions, noise and tasks.
//
// Functions whose optimum sits at the centre of a symmetric box (Ackley, Rastrigin, Griewank, the ellipsoid,
// the step function) are shifted by 5.5-12.5% of the range per coordinate: the centre is the first point of
// an unscrambled Sobol sequence (Optuna's QMCSampler default), which would otherwise solve them at trial 0.
// Every problem is minimised. `Evaluate` is the noiseless value; a noisy problem's observation adds
// Gaussian noise of `noise_sd` drawn from (problem, seed, trial index), identical for every sampler.
// Regret is scored on the noiseless value of the point a strategy would return (the trial with the best
// observed value), minus `minimum`; for HPO tasks, whose minimum is unknown, minus the best noiseless value
// any sampler reached on that task in the same report.
//
// Thread safety: the registry is built once and read only; Evaluate of a synthetic problem is pure; an
// HPO problem runs a child process per call (safe to call concurrently).
#ifndef HYPERLAB_TOOLS_BENCH_SEARCH_PROBLEMS_H_
#define HYPERLAB_TOOLS_BENCH_SEARCH_PROBLEMS_H_

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "searcher/search_space.h"

namespace hyperlab::bench {

struct Problem {
  std::string name;
  // What the problem stands for: smooth, ill-conditioned, multimodal, rugged, plateaus, corner, noisy,
  // mixed, log, batch, hpo, heldout (functions added after the strategy was tuned, to check it on new ones),
  // probe (checks outside the benchmark: selected only when asked for by family or name).
  std::string family;
  searcher::SearchSpace space;
  // The known global minimum; NaN for HPO tasks (the best value seen is the reference).
  double minimum = std::numeric_limits<double>::quiet_NaN();
  double noise_sd = 0;
  // Trials running at once: 1 = sequential; 8 = a batch-parallel run (the oldest completes, one new
  // suggestion refills its slot).
  int pending = 1;
  // The noiseless objective. For HPO tasks it runs a program; a failure is reported as NaN.
  std::function<double(const searcher::Assignment&)> evaluate;
  // HPO tasks: the program's argv, with `{name}` placeholders (what `evaluate` runs through the command
  // executor; search_bench --serve runs it in a persistent child instead: hpo_command.h).
  std::vector<std::string> command;
};

// Every problem, in report order. `hpo_script` is the path of hpo_task.py (the HPO problems run
// `/usr/bin/python3 <hpo_script> <task> ...` through the command executor).
std::vector<Problem> AllProblems(const std::string& hpo_script);

// The observation of trial `trial` of seed `seed`: the noiseless value plus the problem's noise.
double Observe(const Problem& problem, double clean, uint64_t seed, int64_t trial);

}  // namespace hyperlab::bench

#endif  // HYPERLAB_TOOLS_BENCH_SEARCH_PROBLEMS_H_
