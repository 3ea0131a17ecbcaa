// Whether an objective's values look quantised: how many of them tie exactly with another.
//
// Why: an accuracy or error rate over a finite validation set takes few distinct values (569 samples in
// 5 folds: multiples of about 1/569), so many configurations score exactly alike, and which of two nearly
// equal configurations scores one sample better is close to chance. The Gaussian process then fits much of
// the variation as noise, as it does for a noisy objective, and the Bayesian strategy treats the objective
// as a declared noisy one would be treated in one respect, the lengthscale hedge (gp_strategy.h), when
// both are seen. Exact ties tell such an objective from a noiseless rugged function (Rastrigin, Shubert),
// whose fit also shows "noise" but whose values almost never tie.
//
// Example:
//   double f = TiedFraction({0.1, 0.2, 0.2, 0.3});  // 0.5: two of the four tie.
//
// Thread safety: pure function.
#ifndef HYPERLAB_SEARCHER_QUANTISED_OBJECTIVE_H_
#define HYPERLAB_SEARCHER_QUANTISED_OBJECTIVE_H_

#include <vector>

namespace hyperlab::searcher {

// The fraction of `values` equal to at least one other value (exact comparison; NaNs never tie). 0 for
// fewer than two values.
double TiedFraction(std::vector<double> values);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_QUANTISED_OBJECTIVE_H_
