#include "searcher/output_warping.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hyperlab::searcher {

double InverseNormalCdf(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  p = std::clamp(p, 1e-300, 1 - 1e-16);
  constexpr double kLow = 0.02425;
  if (p < kLow) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - kLow) return -InverseNormalCdf(1 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

std::vector<double> WarpObjectives(const std::vector<double>& objectives, int failed) {
  const size_t n = objectives.size();
  std::vector<double> out(objectives);
  if (n > 0) {
    // Ranks (ties broken by position, so the result is deterministic).
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return objectives[a] < objectives[b]; });
    const double median = objectives[order[(n - 1) / 2]];
    // Spread of the good half: root mean square distance below the median.
    double sum2 = 0;
    int good = 0;
    for (double v : objectives) {
      if (v <= median) {
        sum2 += (v - median) * (v - median);
        ++good;
      }
    }
    double spread = good > 1 ? std::sqrt(sum2 / (good - 1)) : 0;
    if (!(spread > 0)) {
      // Degenerate good half: fall back to the whole range (or 1).
      spread = objectives[order[n - 1]] - objectives[order[0]];
      if (!(spread > 0)) spread = 1;
    }
    for (size_t rank = 0; rank < n; ++rank) {
      const size_t i = order[rank];
      if (objectives[i] <= median) continue;
      const double warped = median + spread * InverseNormalCdf((rank + 0.5) / static_cast<double>(n));
      out[i] = std::min(objectives[i], std::max(warped, median));
    }
    const double mean = std::accumulate(out.begin(), out.end(), 0.0) / static_cast<double>(n);
    double var = 0;
    for (double v : out) var += (v - mean) * (v - mean);
    double sd = n > 1 ? std::sqrt(var / static_cast<double>(n - 1)) : 1;
    if (!(sd > 0)) sd = 1;
    for (double& v : out) v = (v - mean) / sd;
  }
  double worst = 0, range = 1;
  if (n > 0) {
    const auto [lo, hi] = std::minmax_element(out.begin(), out.end());
    worst = *hi;
    range = *hi - *lo > 0 ? *hi - *lo : 1;
  }
  out.insert(out.end(), failed, worst + 0.5 * range);
  return out;
}

}  // namespace hyperlab::searcher
