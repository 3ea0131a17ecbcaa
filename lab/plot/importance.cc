// Parameter importance: which independent variables the metric depends on, and how much.
//
// Method (a functional ANOVA of the surrogate, after Hutter et al. 2014, "An efficient approach for
// assessing hyperparameter importance"): fit the Gaussian-process surrogate over all parameters, then for
// each parameter j compute its main effect m_j(v) = the surrogate averaged over the other parameters with
// parameter j held at v, over quasi-random points of the whole search space. The importance of j is the
// variance of m_j over its domain as a share of the surrogate's total variance. Shares of main effects do
// not sum to 100%: the rest is interactions (the best learning rate depending on the epochs, say), and the
// plot says how much that is. Unlike a lengthscale, a share is in the metric's terms and comparable across
// numeric and categorical parameters.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "searcher/halton.h"
#include "common/base/status_macros.h"
#include "lab/plot/frame.h"
#include "lab/plot/palette.h"
#include "lab/plot/plots.h"
#include "lab/plot/surrogate.h"
#include "lab/plot/svg.h"

namespace hyperlab::plot {
namespace {

constexpr int kBasePoints = 256;  // Quasi-random points the other parameters are averaged over.
constexpr int kLevels = 16;       // Values of a numeric parameter its main effect is evaluated at.

double Variance(const Eigen::VectorXd& v) {
  return v.size() == 0 ? 0 : (v.array() - v.mean()).square().sum() / static_cast<double>(v.size());
}

}  // namespace

std::string ImportanceCaveat(int trials) {
  return absl::StrCat("Only ", trials,
                      " trials: these shares are rough and may change a lot with more (about ",
                      kImportanceFewTrials, " make them stable).");
}

absl::StatusOr<std::string> ImportancePlot(const StudyData& data, const PlotOptions& options) {
  const std::string metric = options.metric.empty() ? ObjectiveMetric(data.study) : options.metric;
  RETURN_IF_ERROR(RequireMetric(data, metric));
  std::vector<const v1::ParameterSpec*> params;
  for (const v1::ParameterSpec& p : data.study.spec().parameters()) params.push_back(&p);
  if (params.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("study '", data.study.spec().name(), "' has no parameters"));
  }
  // A metric spanning decades is modelled in log space, as the contour does (contour.cc).
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& item : data.trials) {
    const std::optional<double> v = MetricValue(item.trial(), metric);
    if (item.trial().state() != v1::Trial::SUCCEEDED || !v) continue;
    lo = std::min(lo, *v);
    hi = std::max(hi, *v);
  }
  const bool log_scale = SpansDecades(lo, hi);
  ASSIGN_OR_RETURN(
      Surrogate surrogate,
      Surrogate::Fit(data, params, metric, log_scale ? Surrogate::Scale::kLog : Surrogate::Scale::kLinear));
  const bool few = surrogate.observations() < kImportanceFewTrials;
  const int d = surrogate.dimensions();

  // Base points over the whole space; categorical coordinates are category indices.
  const searcher::Halton halton(d, /*seed=*/7);
  Eigen::MatrixXd base(kBasePoints, d);
  for (int i = 0; i < kBasePoints; ++i) {
    const std::vector<double> u = halton.Point(static_cast<uint64_t>(i));
    for (int j = 0; j < d; ++j) {
      base(i, j) = surrogate.categorical(j)
                       ? std::min(std::floor(u[j] * surrogate.categories(j)), surrogate.categories(j) - 1.0)
                       : u[j];
    }
  }
  // In log space the variance is that of the log of the metric (its orders of magnitude).
  auto predict = [&](const Eigen::MatrixXd& points) -> Eigen::VectorXd {
    Eigen::VectorXd p = surrogate.Predict(points);
    if (log_scale) p = p.array().log().matrix();
    return p;
  };
  const double total = Variance(predict(base));

  struct Bar {
    std::string name;
    double share;
  };
  std::vector<Bar> bars;
  for (int j = 0; j < d; ++j) {
    const int levels = surrogate.categorical(j) ? surrogate.categories(j) : kLevels;
    Eigen::VectorXd effect(levels);
    for (int g = 0; g < levels; ++g) {
      Eigen::MatrixXd points = base;
      points.col(j).setConstant(surrogate.categorical(j) ? g : (g + 0.5) / levels);
      effect(g) = predict(points).mean();
    }
    bars.push_back({params[j]->name(), total > 1e-18 ? std::clamp(Variance(effect) / total, 0.0, 1.0) : 0.0});
  }
  std::stable_sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.share > b.share; });
  const double explained =
      std::accumulate(bars.begin(), bars.end(), 0.0, [](double s, const Bar& b) { return s + b.share; });

  // Layout: names left, bars to the right, the share at each bar's end.
  double label_w = 0;
  for (const Bar& b : bars) label_w = std::max(label_w, TextWidth(b.name, kLabelSize));
  const double row = 34, width = 760, height = 150 + row * d + (few ? 22 : 0);
  SvgWriter svg(width, height, absl::StrCat("Importance of the parameters for ", metric));
  const Box panel{0, 0, width, height};
  Box area =
      PlotArea(panel, /*subtitle=*/true, /*legend=*/false, std::min(260.0, label_w + 28), few ? 92 : 70);
  area.width -= 40;  // Room for the last share's label.
  Axis x = Axis::Linear(0, std::max(0.05, bars.front().share) * 100, /*nice=*/true, 5);
  Axis y = Axis::Linear(0, d, /*nice=*/false);
  FitAxes(area, x, y);
  x.AppendToLabels("%");
  DrawFrame(
      svg, panel, area, x, Axis::Categorical({}),
      {.title = absl::StrCat("Importance: what ", metric, " depends on"),
       .subtitle = absl::StrCat("share of the variance of a Gaussian-process fit",
                                log_scale ? absl::StrCat(" of log(", metric, ")") : "", " to ",
                                surrogate.observations(), " trials that each parameter explains on its own"),
       .x_label = "main-effect share of the variance",
       .y_label = ""});

  svg.Open("g", {{"class", "bars"}});
  for (int i = 0; i < d; ++i) {
    const Bar& b = bars[i];
    const double top = y.Map(d - i) + 6, h = row - 12;
    const double w = x.Map(b.share * 100) - area.x;
    svg.Element("text",
                {{"x", Num(area.x - 10)},
                 {"y", Num(top + h / 2 + 5)},
                 {"font-size", Num(kLabelSize)},
                 {"text-anchor", "end"},
                 {"fill", kInkColour},
                 {"class", "bar-label"}},
                b.name);
    svg.Open("rect", {{"x", Num(area.x)},
                      {"y", Num(top)},
                      {"width", Num(std::max(w, 1.0))},
                      {"height", Num(h)},
                      {"fill", i == 0 ? kBestColour : kPointColour},
                      {"rx", "2"},
                      {"class", "bar"},
                      {"data-parameter", b.name},
                      {"data-share", absl::StrFormat("%.6f", b.share)}});
    svg.Element("title", {}, absl::StrFormat("%s: %.1f%% of the variance", b.name, b.share * 100));
    svg.Close();
    svg.Element("text",
                {{"x", Num(area.x + std::max(w, 1.0) + 6)},
                 {"y", Num(top + h / 2 + 4)},
                 {"font-size", Num(kTickSize)},
                 {"fill", kInkColour},
                 {"class", "bar-value"}},
                absl::StrFormat("%.1f%%", b.share * 100));
  }
  svg.Close();
  const std::string note =
      total > 1e-18
          ? absl::StrFormat(
                "Main effects explain %.0f%% of the fitted variation; the other %.0f%% comes from "
                "interactions between parameters.",
                explained * 100, std::max(0.0, 100 - explained * 100))
          : std::string("The fit is flat: within this study no parameter changes the metric measurably.");
  if (few) {
    // Said in the plot itself, so that the caveat travels with the picture.
    svg.Element("text",
                {{"x", "12"},
                 {"y", Num(height - 34)},
                 {"font-size", Num(kSmallSize + 1)},
                 {"font-weight", "bold"},
                 {"fill", "#B34700"},
                 {"class", "caveat"}},
                ImportanceCaveat(surrogate.observations()));
  }
  svg.Element("text",
              {{"x", "12"},
               {"y", Num(height - 12)},
               {"font-size", Num(kSmallSize + 1)},
               {"fill", kMutedColour},
               {"class", "note"}},
              note);
  return svg.Finish();
}

}  // namespace hyperlab::plot
