// The map between assignments and points of the model's input space: one coordinate per parameter.
//
// Why: the Gaussian process works on numbers in the unit cube. Doubles map linearly onto [0, 1], or in log
// space for log-scale parameters; integers the same way but only at their feasible values; discrete numbers
// by their rank among the sorted values (0, 1/(k-1), ..., 1); a categorical parameter by its category index,
// which the kernel compares by equality only (matern_kernel.h). `Snap` moves a coordinate to the nearest
// feasible value, so the acquisition is optimised over feasible points, not rounded afterwards.
//
// Example:
//   ParameterEncoding encoding(space);
//   Eigen::VectorXd x = encoding.Encode(assignment);
//   Assignment back = encoding.Decode(x);  // == assignment, for feasible assignments.
//
// Thread safety: immutable after construction; safe to share.
#ifndef HYPERLAB_SEARCHER_PARAMETER_ENCODING_H_
#define HYPERLAB_SEARCHER_PARAMETER_ENCODING_H_

#include <vector>

#include "Eigen/Core"
#include "searcher/search_space.h"

namespace hyperlab::searcher {

// The resolution of a double parameter: this fraction of its range (of the range of its logarithm, for log
// scale). Two values closer than that are one experiment to the Bayesian strategy (point_set.h).
inline constexpr double kDoubleResolution = 1e-3;
// Values whose fingerprints (coordinator/fingerprint.cc: 12 significant digits of the value, or of its
// logarithm for log scale) may coincide differ by less than this fraction of the larger magnitude.
inline constexpr double kFingerprintRelativeDigits = 1e-11;

class ParameterEncoding {
 public:
  explicit ParameterEncoding(const SearchSpace& space);

  int dimensions() const { return static_cast<int>(space_.parameters.size()); }
  bool categorical(int j) const { return space_.parameters[j].kind == ParameterKind::kCategorical; }
  // Coordinates that can take only finitely many values (integers, discrete, categorical).
  bool discrete(int j) const { return space_.parameters[j].kind != ParameterKind::kDouble; }
  std::vector<bool> CategoricalMask() const;

  // The point of `assignment`. A value outside its domain encodes to the nearest end (or, for an unknown
  // category, to -1, which differs from every category).
  Eigen::VectorXd Encode(const Assignment& assignment) const;

  // The assignment at `x`, whose coordinates are snapped first.
  Assignment Decode(const Eigen::VectorXd& x) const;

  // Conditional parameters: sets the coordinates of parameters that do not exist at `x` to their
  // InactiveValue's (active_parameters.h), so candidates that differ only there are one point, the one
  // the model has seen for every trial without them. Other coordinates are kept. No-op without conditions.
  void Canonicalise(Eigen::VectorXd& x) const;

  // The feasible coordinate nearest to `u` (clamped to [0, 1]); categorical coordinates are category
  // indices, rounded and clamped.
  double Snap(int j, double u) const;

  // A feasible coordinate from a uniform number in [0, 1): the unit interval for numbers, equal shares for
  // the categories.
  double FromUnit(int j, double u) const;

  // The resolution of coordinate j in the encoded space: two points whose coordinates all differ by less
  // than their resolution (or not at all) are the same experiment. 0 for integer, discrete and categorical
  // parameters (distinct values are distinct experiments: an integer's resolution is 1, i.e. any other
  // integer). For a double, kDoubleResolution of the unit interval, or more when the range is so narrow
  // beside its magnitude that the fingerprint's 12 significant digits cannot tell such values apart; at
  // most 1. A double with min == max has a single value: resolution 1.
  double Resolution(int j) const;
  std::vector<double> Resolutions() const;

  // Number of categories of coordinate j (categorical only).
  int Categories(int j) const { return static_cast<int>(space_.parameters[j].categories.size()); }

 private:
  // Unit-interval position of a number of parameter j (double or integer kinds).
  double ToUnit(int j, double value) const;
  double FromUnitValue(int j, double u) const;

  SearchSpace space_;
  std::vector<std::vector<double>> sorted_numbers_;  // kDiscrete: sorted distinct numbers.
  bool conditional_ = false;
};

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_PARAMETER_ENCODING_H_
