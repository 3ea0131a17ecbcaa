#include "lab/plot/surrogate.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "searcher/gp_fit.h"
#include "searcher/matern_kernel.h"
#include "common/base/status_macros.h"

namespace hyperlab::plot {
namespace {

// The search domain of a numeric parameter, in the space the GP sees (log for LOG scale).
std::pair<double, double> Domain(const v1::ParameterSpec& p) {
  double lo = 0, hi = 1;
  switch (p.domain_case()) {
    case v1::ParameterSpec::kDoubleRange:
      lo = p.double_range().min(), hi = p.double_range().max();
      break;
    case v1::ParameterSpec::kInteger:
      lo = static_cast<double>(p.integer().min()), hi = static_cast<double>(p.integer().max());
      break;
    case v1::ParameterSpec::kDiscrete:
      if (!p.discrete().values().empty()) {
        lo = *std::min_element(p.discrete().values().begin(), p.discrete().values().end());
        hi = *std::max_element(p.discrete().values().begin(), p.discrete().values().end());
      }
      break;
    default:
      break;
  }
  if (IsLogScale(p) && lo > 0 && hi > 0) return {std::log(lo), std::log(hi)};
  return {lo, hi};
}

// At most `cap` of the rows 0..n-1, evenly spread.
std::vector<int> Spread(int n, int cap) {
  std::vector<int> out;
  const int take = std::min(n, cap);
  for (int k = 0; k < take; ++k) out.push_back(static_cast<int>(static_cast<int64_t>(k) * n / take));
  return out;
}

Eigen::MatrixXd Rows(const std::vector<std::vector<double>>& rows, const std::vector<int>& pick) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(pick.size()), rows.empty() ? 0 : rows[0].size());
  for (size_t i = 0; i < pick.size(); ++i) {
    for (size_t j = 0; j < rows[pick[i]].size(); ++j) x(i, j) = rows[pick[i]][j];
  }
  return x;
}

}  // namespace

double Surrogate::Encode(int j, double value) const {
  const v1::ParameterSpec& p = *params_[j];
  if (IsCategorical(p)) return value;
  const auto [lo, hi] = Domain(p);
  const double v = IsLogScale(p) ? std::log(std::max(value, 1e-300)) : value;
  return hi > lo ? (v - lo) / (hi - lo) : 0.5;
}

absl::StatusOr<Surrogate> Surrogate::Fit(const StudyData& data, std::vector<const v1::ParameterSpec*> params,
                                         const std::string& metric, Scale scale) {
  Surrogate s;
  s.params_ = std::move(params);
  s.metric_scale_ = scale;
  const int d = s.dimensions();
  std::vector<std::vector<double>> rows;
  std::vector<double> values;
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const std::optional<double> v = MetricValue(t, metric);
    if (t.state() != v1::Trial::SUCCEEDED || !v) continue;
    if (scale == Scale::kLog && !(*v > 0)) continue;
    std::vector<double> row;
    for (int j = 0; j < d; ++j) {
      const v1::ParameterValue* pv = ParameterValueOf(t, s.params_[j]->name());
      std::optional<double> a = pv == nullptr ? std::nullopt : AxisValue(*s.params_[j], *pv);
      if (!a) break;
      row.push_back(s.Encode(j, *a));
    }
    if (static_cast<int>(row.size()) != d) continue;
    rows.push_back(std::move(row));
    values.push_back(scale == Scale::kLog ? std::log(*v) : *v);
  }
  const int n = static_cast<int>(rows.size());
  if (n < kMinTrials) {
    return absl::FailedPreconditionError(absl::StrCat("a surrogate of '", metric, "' needs at least ",
                                                      kMinTrials, " succeeded trials with it; study '",
                                                      data.study.spec().name(), "' has ", n));
  }
  const std::vector<int> data_rows = Spread(n, kDataCap);
  const Eigen::MatrixXd x = Rows(rows, data_rows);
  Eigen::VectorXd y(static_cast<Eigen::Index>(data_rows.size()));
  double sum = 0, squares = 0;
  for (size_t i = 0; i < data_rows.size(); ++i) {
    y(i) = values[data_rows[i]];
    sum += y(i);
  }
  s.mean_ = sum / static_cast<double>(data_rows.size());
  for (size_t i = 0; i < data_rows.size(); ++i) squares += (y(i) - s.mean_) * (y(i) - s.mean_);
  const double var = squares / static_cast<double>(data_rows.size());
  s.scale_ = var > 1e-24 ? std::sqrt(var) : 1;
  y = (y.array() - s.mean_) / s.scale_;

  std::vector<bool> mask(d);
  for (int j = 0; j < d; ++j) mask[j] = IsCategorical(*s.params_[j]);
  const searcher::MaternKernel kernel(mask);
  const std::vector<int> fit_rows = Spread(static_cast<int>(data_rows.size()), kFitCap);
  Eigen::VectorXd fit_y(static_cast<Eigen::Index>(fit_rows.size()));
  Eigen::MatrixXd fit_x(static_cast<Eigen::Index>(fit_rows.size()), d);
  for (size_t i = 0; i < fit_rows.size(); ++i) {
    fit_x.row(i) = x.row(fit_rows[i]);
    fit_y(i) = y(fit_rows[i]);
  }
  const searcher::GpHyperparameters hyper =
      searcher::FitHyperparameters(kernel, fit_x, fit_y, /*warm_start=*/nullptr, /*seed=*/1);
  ASSIGN_OR_RETURN(searcher::GpModel model, searcher::GpModel::Create(kernel, x, y, hyper));
  s.model_.emplace(std::move(model));
  return s;
}

Eigen::VectorXd Surrogate::Predict(const Eigen::MatrixXd& points) const {
  Eigen::VectorXd mean, variance;
  model_->Predict(points, &mean, &variance);
  Eigen::VectorXd out = (mean.array() * scale_ + mean_).matrix();
  if (metric_scale_ == Scale::kLog) out = out.array().exp().matrix();
  return out;
}

}  // namespace hyperlab::plot
