#include "searcher/parameter_encoding.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "searcher/active_parameters.h"

namespace hyperlab::searcher {
namespace {

double AsNumber(const Value& v) {
  if (const double* d = std::get_if<double>(&v)) return *d;
  if (const int64_t* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return 0;
}

}  // namespace

ParameterEncoding::ParameterEncoding(const SearchSpace& space)
    : space_(space), conditional_(HasConditions(space)) {
  for (const Parameter& p : space_.parameters) {
    std::vector<double> sorted = p.numbers;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    sorted_numbers_.push_back(std::move(sorted));
  }
}

std::vector<bool> ParameterEncoding::CategoricalMask() const {
  std::vector<bool> mask;
  for (int j = 0; j < dimensions(); ++j) mask.push_back(categorical(j));
  return mask;
}

double ParameterEncoding::ToUnit(int j, double value) const {
  const Parameter& p = space_.parameters[j];
  if (p.max <= p.min) return 0.5;
  const double u = p.scale == Scale::kLog
                       ? (std::log(value) - std::log(p.min)) / (std::log(p.max) - std::log(p.min))
                       : (value - p.min) / (p.max - p.min);
  return std::isfinite(u) ? std::clamp(u, 0.0, 1.0) : 0.0;
}

double ParameterEncoding::FromUnitValue(int j, double u) const {
  const Parameter& p = space_.parameters[j];
  if (p.max <= p.min) return p.min;
  const double v = p.scale == Scale::kLog
                       ? std::exp(std::log(p.min) + u * (std::log(p.max) - std::log(p.min)))
                       : p.min + u * (p.max - p.min);
  return std::clamp(v, p.min, p.max);
}

Eigen::VectorXd ParameterEncoding::Encode(const Assignment& assignment) const {
  Eigen::VectorXd x(dimensions());
  for (int j = 0; j < dimensions(); ++j) {
    const Parameter& p = space_.parameters[j];
    const Value& v = j < static_cast<int>(assignment.size()) ? assignment[j] : Value(0.0);
    switch (p.kind) {
      case ParameterKind::kDouble:
      case ParameterKind::kInteger:
        x(j) = ToUnit(j, AsNumber(v));
        break;
      case ParameterKind::kDiscrete: {
        const std::vector<double>& sorted = sorted_numbers_[j];
        const double number = AsNumber(v);
        size_t best = 0;
        for (size_t k = 1; k < sorted.size(); ++k) {
          if (std::abs(sorted[k] - number) < std::abs(sorted[best] - number)) best = k;
        }
        x(j) = sorted.size() <= 1 ? 0.5 : static_cast<double>(best) / static_cast<double>(sorted.size() - 1);
        break;
      }
      case ParameterKind::kCategorical: {
        const std::string* s = std::get_if<std::string>(&v);
        const auto it =
            s == nullptr ? p.categories.end() : std::find(p.categories.begin(), p.categories.end(), *s);
        x(j) = it == p.categories.end() ? -1.0 : static_cast<double>(it - p.categories.begin());
        break;
      }
    }
  }
  return x;
}

double ParameterEncoding::Resolution(int j) const {
  const Parameter& p = space_.parameters[j];
  if (p.kind != ParameterKind::kDouble) return 0;
  if (!(p.max > p.min)) return 1;
  const bool log = p.scale == Scale::kLog;
  const double lo = log ? std::log(p.min) : p.min, hi = log ? std::log(p.max) : p.max;
  const double fingerprint = kFingerprintRelativeDigits * std::max(std::abs(lo), std::abs(hi)) / (hi - lo);
  const double r = std::max(kDoubleResolution, fingerprint);
  return std::isfinite(r) ? std::min(r, 1.0) : 1.0;
}

std::vector<double> ParameterEncoding::Resolutions() const {
  std::vector<double> out;
  for (int j = 0; j < dimensions(); ++j) out.push_back(Resolution(j));
  return out;
}

double ParameterEncoding::Snap(int j, double u) const {
  const Parameter& p = space_.parameters[j];
  switch (p.kind) {
    case ParameterKind::kDouble:
      return p.max <= p.min ? 0.5 : std::clamp(u, 0.0, 1.0);
    case ParameterKind::kInteger: {
      if (p.max <= p.min) return 0.5;
      // The two integers around the value; the one nearer in the encoded space wins.
      const double v = FromUnitValue(j, std::clamp(u, 0.0, 1.0));
      const double lo = std::clamp(std::floor(v), p.min, p.max), hi = std::clamp(std::ceil(v), p.min, p.max);
      const double ulo = ToUnit(j, lo), uhi = ToUnit(j, hi);
      return std::abs(u - ulo) <= std::abs(uhi - u) ? ulo : uhi;
    }
    case ParameterKind::kDiscrete: {
      const int k = static_cast<int>(sorted_numbers_[j].size());
      if (k <= 1) return 0.5;
      return std::round(std::clamp(u, 0.0, 1.0) * (k - 1)) / (k - 1);
    }
    case ParameterKind::kCategorical:
      return std::clamp(std::round(u), 0.0, static_cast<double>(p.categories.size() - 1));
  }
  return u;
}

double ParameterEncoding::FromUnit(int j, double u) const {
  if (categorical(j)) {
    const int k = Categories(j);
    return std::min(std::floor(u * k), static_cast<double>(k - 1));
  }
  return Snap(j, u);
}

Assignment ParameterEncoding::Decode(const Eigen::VectorXd& x) const {
  Assignment out;
  out.reserve(space_.parameters.size());
  for (int j = 0; j < dimensions(); ++j) {
    const Parameter& p = space_.parameters[j];
    const double u = Snap(j, x(j));
    switch (p.kind) {
      case ParameterKind::kDouble:
        out.emplace_back(FromUnitValue(j, u));
        break;
      case ParameterKind::kInteger:
        out.emplace_back(static_cast<int64_t>(std::llround(std::clamp(FromUnitValue(j, u), p.min, p.max))));
        break;
      case ParameterKind::kDiscrete: {
        const std::vector<double>& sorted = sorted_numbers_[j];
        out.emplace_back(sorted.size() <= 1
                             ? sorted.front()
                             : sorted[static_cast<size_t>(std::llround(u * (sorted.size() - 1)))]);
        break;
      }
      case ParameterKind::kCategorical:
        out.emplace_back(p.categories[static_cast<size_t>(u)]);
        break;
    }
  }
  return out;
}

void ParameterEncoding::Canonicalise(Eigen::VectorXd& x) const {
  if (!conditional_) return;
  Assignment a = Decode(x);
  const std::vector<bool> active = ActiveMask(space_, a);
  if (std::all_of(active.begin(), active.end(), [](bool b) { return b; })) return;
  searcher::Canonicalise(space_, a);
  const Eigen::VectorXd canonical = Encode(a);
  for (int j = 0; j < dimensions(); ++j) {
    if (!active[j]) x(j) = canonical(j);
  }
}

}  // namespace hyperlab::searcher
