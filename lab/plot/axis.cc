#include "lab/plot/axis.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"

namespace hyperlab::plot {
namespace {

// Removes trailing zeros after a decimal point ("0.250" -> "0.25", "3.0" -> "3").
std::string TrimZeros(std::string s) {
  if (s.find('.') == std::string::npos || s.find('e') != std::string::npos) return s;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

double NiceStep(double lo, double hi, int target) {
  const double span = hi - lo;
  if (!(span > 0) || !std::isfinite(span)) return 1;
  const double raw = span / std::max(target, 1);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / power;
  const double nice = m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10;
  return nice * power;
}

std::string TickLabel(double value, double step) {
  if (std::abs(value) < step * 1e-9) return "0";
  const double magnitude = std::max(std::abs(value), step);
  if (magnitude >= 1e6 || step < 1e-4) return TrimZeros(absl::StrFormat("%.3g", value));
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  return TrimZeros(absl::StrFormat("%.*f", decimals, value));
}

std::string ShortNumber(double value) {
  if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : (value > 0 ? "inf" : "-inf");
  if (value == 0) return "0";
  const double a = std::abs(value);
  if (a >= 1e6 || a < 1e-4) return absl::StrFormat("%.3g", value);
  return absl::StrFormat("%.4g", value);
}

bool SpansDecades(double lo, double hi) {
  return lo > 0 && std::isfinite(lo) && std::isfinite(hi) && hi / lo >= 100;
}

Axis Axis::Linear(double lo, double hi, bool nice, int target_ticks) {
  Axis a;
  a.kind_ = Kind::kLinear;
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (lo > hi) std::swap(lo, hi);
  if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double step = NiceStep(lo, hi, target_ticks);
  if (nice) {
    lo = std::floor(lo / step + 1e-9) * step;
    hi = std::ceil(hi / step - 1e-9) * step;
  }
  a.lo_ = lo;
  a.hi_ = hi;
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    const double snapped = std::round(v / step) * step;  // No 0.30000000000000004.
    a.ticks_.push_back({snapped, TickLabel(snapped, step)});
  }
  return a;
}

Axis Axis::Counter(double lo, double hi, int target_ticks) {
  Axis a;
  a.kind_ = Kind::kLinear;
  if (lo > hi) std::swap(lo, hi);
  a.lo_ = lo - 0.5;
  a.hi_ = hi + 0.5;
  const double step = std::max(1.0, NiceStep(lo, hi, target_ticks));
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) {
    a.ticks_.push_back({v, TickLabel(v, step)});
  }
  return a;
}

Axis Axis::Log(double lo, double hi) {
  Axis a;
  a.kind_ = Kind::kLog;
  if (!(lo > 0)) lo = 1e-12;
  if (!(hi >= lo)) hi = lo;
  if (hi / lo < 1.0001) {
    lo /= 2;
    hi *= 2;
  }
  a.lo_ = lo;
  a.hi_ = hi;
  const int first = static_cast<int>(std::ceil(std::log10(lo) - 1e-9));
  const int last = static_cast<int>(std::floor(std::log10(hi) + 1e-9));
  // Fewer than two decades inside the range: 2 and 5 times the decades too, so there are enough ticks.
  const bool minor = last - first < 2;
  for (int e = first - 1; e <= last; ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (m != 1 && !minor) continue;
      const double v = m * std::pow(10.0, e);
      if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
      // Whole numbers in full up to a million ("10000", not ShortNumber's "1e+04").
      const bool whole = v >= 1 && v < 1e6 && std::abs(v - std::round(v)) < 1e-9 * v;
      a.ticks_.push_back({v, whole ? absl::StrFormat("%.0f", v) : ShortNumber(v)});
    }
  }
  return a;
}

Axis Axis::LogDecades(double lo, double hi) {
  if (!(lo > 0)) lo = 1e-12;
  if (!(hi >= lo)) hi = lo;
  double first = std::floor(std::log10(lo) + 1e-9), last = std::ceil(std::log10(hi) - 1e-9);
  if (last <= first) last = first + 1;
  return Log(std::pow(10.0, first), std::pow(10.0, last));
}

Axis Axis::Categorical(std::vector<std::string> names) {
  Axis a;
  a.kind_ = Kind::kCategorical;
  a.lo_ = -0.5;
  a.hi_ = static_cast<double>(names.size()) - 0.5;
  for (size_t i = 0; i < names.size(); ++i) a.ticks_.push_back({static_cast<double>(i), names[i]});
  a.categories_ = std::move(names);
  return a;
}

void Axis::SetPixels(double from, double to) {
  from_ = from;
  to_ = to;
}

double Axis::Fraction(double value) const {
  if (kind_ == Kind::kLog) {
    if (!(value > 0)) return 0;
    return (std::log(value) - std::log(lo_)) / (std::log(hi_) - std::log(lo_));
  }
  return hi_ > lo_ ? (value - lo_) / (hi_ - lo_) : 0.5;
}

double Axis::AtFraction(double t) const {
  if (kind_ == Kind::kLog) return std::exp(std::log(lo_) + t * (std::log(hi_) - std::log(lo_)));
  return lo_ + t * (hi_ - lo_);
}

double Axis::Map(double value) const { return from_ + Fraction(value) * (to_ - from_); }

double Axis::BandWidth() const {
  const double n = hi_ - lo_;
  return n > 0 ? std::abs(to_ - from_) / n : std::abs(to_ - from_);
}

}  // namespace hyperlab::plot
