// A Gaussian-process surrogate of a metric over some of a study's parameters, for the contour and
// importance plots: the searcher's own GP (searcher/gp_model.h, Matérn-5/2, MAP-fitted hyperparameters).
//
// Why the searcher's model: it is the model the Bayesian search believed, it handles log scales and
// categories the same way, and it smooths noise instead of interpolating every wiggle. Parameters are
// encoded onto [0, 1] over their search domain (in log space for LOG scale); a categorical parameter is its
// category index, compared by equality in the kernel.
//
// Example:
//   ASSIGN_OR_RETURN(Surrogate s, Surrogate::Fit(data, {lr, epochs}, "dev_accuracy"));
//   Eigen::MatrixXd points(1, 2);
//   points << s.Encode(0, lr_value), s.Encode(1, epochs_value);
//   double predicted = s.Predict(points)(0);
//
// Thread safety: const methods are safe to call concurrently.
#ifndef HYPERLAB_LAB_PLOT_SURROGATE_H_
#define HYPERLAB_LAB_PLOT_SURROGATE_H_

#include <optional>
#include <string>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "searcher/gp_model.h"
#include "lab/plot/study_data.h"

namespace hyperlab::plot {

class Surrogate {
 public:
  // Trials needed for a fit.
  static constexpr int kMinTrials = 3;
  // Beyond these many trials, an even spread of them (in trial order) is used: for the hyperparameters
  // (fitting is O(n^3) per step; the searcher caps it the same way) and for the posterior. An even spread,
  // not the best ones, because a plot describes the whole space.
  static constexpr int kFitCap = 256;
  static constexpr int kDataCap = 1000;

  // How the metric is modelled. kLog fits the logarithm of the metric (for a loss spanning decades, where a
  // fit to the raw values is ruled by the largest ones and overshoots below zero between them); Predict
  // still answers in the metric's own units, always positive. Trials with a value <= 0 are left out of a
  // kLog fit.
  enum class Scale { kLinear, kLog };

  // Fits `metric` over `params` from the succeeded trials that have the metric and every parameter (at
  // most kDataCap of them).
  // FAILED_PRECONDITION when fewer than kMinTrials such trials exist.
  static absl::StatusOr<Surrogate> Fit(const StudyData& data, std::vector<const v1::ParameterSpec*> params,
                                       const std::string& metric, Scale scale = Scale::kLinear);

  int dimensions() const { return static_cast<int>(params_.size()); }
  bool categorical(int j) const { return IsCategorical(*params_[j]); }
  int categories(int j) const { return params_[j]->categorical().values_size(); }
  // Number of trials the fit used.
  int observations() const { return model_->size(); }

  // The coordinate of `value` (a number, or a category index) of parameter j.
  double Encode(int j, double value) const;
  Scale metric_scale() const { return metric_scale_; }
  // The predicted metric (in its own units) at each row of `points` (encoded coordinates).
  Eigen::VectorXd Predict(const Eigen::MatrixXd& points) const;
  // The fitted inverse lengthscales, one per parameter (larger: the metric changes faster along it).
  Eigen::VectorXd InverseLengthscales() const { return model_->hyperparameters().InverseLengthscales(); }

 private:
  Surrogate() = default;

  std::vector<const v1::ParameterSpec*> params_;
  std::optional<searcher::GpModel> model_;
  Scale metric_scale_ = Scale::kLinear;
  double mean_ = 0, scale_ = 1;  // The metric (or its log) was standardised as (y - mean) / scale.
};

}  // namespace hyperlab::plot

#endif  // HYPERLAB_LAB_PLOT_SURROGATE_H_
