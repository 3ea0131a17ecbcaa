// The one-sided Mann-Whitney U test (Wilcoxon rank-sum), exact, for the search benchmark's report: is one
// strategy's regret over seeds larger than another's by more than the luck of the seeds?
//
// Why: the summary compares medians of 10 seeds. On the HPO tasks a loss is often one validation sample
// (svm_digits: half of 1/1,797 in the median), and a median of 10 seeds moves by that much with the seeds.
// The report marks each loss with the probability, were both samples drawn from one distribution, of a
// rank sum at least as large as ours, so a reader can tell a real loss from a coin toss.
//
// Exact under ties: the null distribution is that of the rank sum of `a` over every way of choosing which
// |a| of the pooled values are `a`'s, with the pooled values' midranks as they are (the conditional test),
// counted by dynamic programming over doubled midranks (integers). No normal approximation, which is poor
// for 10 seeds and many ties. Infinite values (a run that found nothing) rank above every finite one; NaN
// is not accepted.
//
// Thread safety: a pure function.
#ifndef HYPERLAB_TOOLS_BENCH_SEARCH_MANN_WHITNEY_H_
#define HYPERLAB_TOOLS_BENCH_SEARCH_MANN_WHITNEY_H_

#include <optional>

#include "absl/types/span.h"

namespace hyperlab::bench {

// P(W >= w) under the null hypothesis, where W is the rank sum of `a` in the pooled sample and w its observed
// value: small when `a`'s values tend to be larger than `b`'s. Empty when either sample is empty, holds a
// NaN, or the pooled sample has more than kMaxPooled values (the table grows as the cube of the count).
std::optional<double> MannWhitneyGreaterP(absl::Span<const double> a, absl::Span<const double> b);

inline constexpr int kMaxPooled = 100;

// The exact one-sided sign test of `a` against one value `v`: P(K >= k) for K ~ Binomial(m, 1/2), where k
// of the m values of `a` that differ from `v` are above it (P = 1 when none differs). For a peer whose seeds
// all gave the same value (Optuna's QMC: unscrambled Sobol, one run repeated), which is one draw, not
// |b| independent ones: Mann-Whitney would take it for a distribution with no spread and overstate the
// significance. Empty when `a` is empty or holds a NaN.
std::optional<double> SignTestGreaterP(absl::Span<const double> a, double v);

// MannWhitneyGreaterP(a, b), or SignTestGreaterP(a, b[0]) when every value of `b` is the same.
std::optional<double> GreaterP(absl::Span<const double> a, absl::Span<const double> b);

}  // namespace hyperlab::bench

#endif  // HYPERLAB_TOOLS_BENCH_SEARCH_MANN_WHITNEY_H_
