#include "tools/bench/search/mann_whitney.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace hyperlab::bench {

std::optional<double> MannWhitneyGreaterP(absl::Span<const double> a, absl::Span<const double> b) {
  const size_t m = a.size(), n = a.size() + b.size();
  if (a.empty() || b.empty() || n > static_cast<size_t>(kMaxPooled)) return std::nullopt;
  std::vector<double> pooled(a.begin(), a.end());
  pooled.insert(pooled.end(), b.begin(), b.end());
  if (std::any_of(pooled.begin(), pooled.end(), [](double v) { return std::isnan(v); })) return std::nullopt;

  // Doubled midranks: a tie group occupying ranks i+1 .. j gets (i + 1 + j), an integer.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return pooled[x] < pooled[y]; });
  std::vector<int> rank2(n);
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && pooled[order[j]] == pooled[order[i]]) ++j;
    for (size_t k = i; k < j; ++k) rank2[order[k]] = static_cast<int>(i + 1 + j);
    i = j;
  }
  int observed = 0;
  for (size_t i = 0; i < m; ++i) observed += rank2[i];

  // ways[k][s]: the number of k-subsets of the values seen so far whose doubled ranks sum to s. At most
  // kMaxPooled values of doubled rank at most 2 * kMaxPooled, so sums stay below 2 * kMaxPooled^2 + 1 and
  // counts below 2^kMaxPooled, which a long double holds (to its relative precision, enough for a p-value).
  const int max_sum = 2 * static_cast<int>(n * n) + 1;
  std::vector<std::vector<long double>> ways(m + 1, std::vector<long double>(max_sum + 1, 0));
  ways[0][0] = 1;
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = std::min(m, i + 1); k >= 1; --k) {
      // k values of doubled rank at most 2n sum to at most 2nk.
      for (int s = std::min(max_sum, static_cast<int>(2 * n * k)); s >= rank2[i]; --s) {
        ways[k][s] += ways[k - 1][s - rank2[i]];
      }
    }
  }
  long double total = 0, at_least = 0;
  for (int s = 0; s <= max_sum; ++s) {
    total += ways[m][s];
    if (s >= observed) at_least += ways[m][s];
  }
  return static_cast<double>(at_least / total);
}

std::optional<double> SignTestGreaterP(absl::Span<const double> a, double v) {
  if (a.empty() || std::isnan(v) || std::any_of(a.begin(), a.end(), [](double x) { return std::isnan(x); })) {
    return std::nullopt;
  }
  int m = 0, k = 0;
  for (double x : a) {
    if (x == v) continue;
    ++m;
    k += x > v ? 1 : 0;
  }
  // P(K >= k): the binomial coefficients by the recurrence C(m, i + 1) = C(m, i) (m - i) / (i + 1).
  long double coefficient = 1, at_least = 0;
  for (int i = 0; i <= m; ++i) {
    if (i >= k) at_least += coefficient;
    coefficient = coefficient * (m - i) / (i + 1);
  }
  return static_cast<double>(at_least / std::pow(2.0L, m));
}

std::optional<double> GreaterP(absl::Span<const double> a, absl::Span<const double> b) {
  if (!b.empty() && std::all_of(b.begin(), b.end(), [&](double x) { return x == b.front(); })) {
    return SignTestGreaterP(a, b.front());
  }
  return MannWhitneyGreaterP(a, b);
}

}  // namespace hyperlab::bench
