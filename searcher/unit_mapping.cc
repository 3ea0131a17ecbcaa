#include "searcher/unit_mapping.h"

#include <algorithm>
#include <cmath>

namespace hyperlab::searcher {
namespace {

// The index among `k` equal shares of [0, 1) that u falls in.
size_t Share(double u, size_t k) {
  return std::min(static_cast<size_t>(std::clamp(u, 0.0, 1.0) * static_cast<double>(k)), k - 1);
}

double Centre(size_t index, size_t k) { return (static_cast<double>(index) + 0.5) / static_cast<double>(k); }

// [lo, hi] of a log-scale integer's log-space interval.
std::pair<double, double> LogIntegerRange(const Parameter& p) {
  return {std::log(p.min - 0.5), std::log(p.max + 0.5)};
}

}  // namespace

Value ValueAtUnit(const Parameter& p, double u) {
  u = std::clamp(u, 0.0, 1.0);
  switch (p.kind) {
    case ParameterKind::kDouble: {
      if (p.max <= p.min) return p.min;
      const double v = p.scale == Scale::kLog
                           ? std::exp(std::log(p.min) + u * (std::log(p.max) - std::log(p.min)))
                           : p.min + u * (p.max - p.min);
      return std::clamp(v, p.min, p.max);
    }
    case ParameterKind::kInteger: {
      if (p.max <= p.min) return static_cast<int64_t>(p.min);
      double v = 0;
      if (p.scale == Scale::kLog) {
        const auto [lo, hi] = LogIntegerRange(p);
        v = std::round(std::exp(lo + u * (hi - lo)));
      } else {
        v = p.min + std::floor(u * (p.max - p.min + 1));
      }
      return static_cast<int64_t>(std::clamp(v, p.min, p.max));
    }
    case ParameterKind::kDiscrete:
      return p.numbers[Share(u, p.numbers.size())];
    case ParameterKind::kCategorical:
      return p.categories[Share(u, p.categories.size())];
  }
  return p.min;
}

double UnitOf(const Parameter& p, const Value& v) {
  const double* d = std::get_if<double>(&v);
  const int64_t* n = std::get_if<int64_t>(&v);
  switch (p.kind) {
    case ParameterKind::kDouble: {
      if (!d || !std::isfinite(*d)) return 0.5;
      if (p.max <= p.min) return 0.5;
      const double x = std::clamp(*d, p.min, p.max);
      const double u = p.scale == Scale::kLog
                           ? (std::log(x) - std::log(p.min)) / (std::log(p.max) - std::log(p.min))
                           : (x - p.min) / (p.max - p.min);
      return std::clamp(u, 0.0, 1.0);
    }
    case ParameterKind::kInteger: {
      if (!n) return 0.5;
      if (p.max <= p.min) return 0.5;
      const double x = std::clamp(static_cast<double>(*n), p.min, p.max);
      if (p.scale == Scale::kLog) {
        // The centre (in log space) of the interval that rounds to x.
        const auto [lo, hi] = LogIntegerRange(p);
        const double a = std::log(std::max(x - 0.5, p.min - 0.5)), b = std::log(x + 0.5);
        return std::clamp((0.5 * (a + b) - lo) / (hi - lo), 0.0, 1.0);
      }
      return (x - p.min + 0.5) / (p.max - p.min + 1);
    }
    case ParameterKind::kDiscrete: {
      if (!d) return 0.5;
      // The listed number nearest to the value.
      size_t best = 0;
      for (size_t i = 1; i < p.numbers.size(); ++i) {
        if (std::abs(p.numbers[i] - *d) < std::abs(p.numbers[best] - *d)) best = i;
      }
      return Centre(best, p.numbers.size());
    }
    case ParameterKind::kCategorical: {
      const std::string* s = std::get_if<std::string>(&v);
      const auto it = s ? std::find(p.categories.begin(), p.categories.end(), *s) : p.categories.end();
      if (it == p.categories.end()) return 0.5;
      return Centre(static_cast<size_t>(it - p.categories.begin()), p.categories.size());
    }
  }
  return 0.5;
}

}  // namespace hyperlab::searcher
