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
#include <optional>

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
constexpr double kRowHeight = 34, kImportanceWidth = 760;

double Variance(const Eigen::VectorXd& v) {
  return v.size() == 0 ? 0 : (v.array() - v.mean()).square().sum() / static_cast<double>(v.size());
}

// Whether the succeeded trials' values of `metric` span decades: then it is modelled in log space, as the
// contour does (contour.cc).
bool MetricSpansDecades(const StudyData& data, const std::string& metric) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& item : data.trials) {
    const std::optional<double> v = MetricValue(item.trial(), metric);
    if (item.trial().state() != v1::Trial::SUCCEEDED || !v) continue;
    lo = std::min(lo, *v);
    hi = std::max(hi, *v);
  }
  return SpansDecades(lo, hi);
}

// Base points over the whole space; categorical coordinates are category indices.
Eigen::MatrixXd BasePoints(const Surrogate& surrogate) {
  const int d = surrogate.dimensions();
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
  return base;
}

// One parameter's bar: its share of the variance.
struct Bar {
  std::string name;
  double share;
};

// The main-effect shares of the parameters, largest first, and the total variance they are shares of.
struct Shares {
  std::vector<Bar> bars;
  double total = 0;      // The surrogate's variance over the whole space.
  double explained = 0;  // The sum of the shares.
};

// The functional ANOVA of the surrogate: each parameter's main effect, averaged over the base points.
Shares MainEffects(const Surrogate& surrogate, const std::vector<const v1::ParameterSpec*>& params,
                   bool log_scale) {
  const int d = surrogate.dimensions();
  const Eigen::MatrixXd base = BasePoints(surrogate);
  // In log space the variance is that of the log of the metric (its orders of magnitude).
  auto predict = [&](const Eigen::MatrixXd& points) -> Eigen::VectorXd {
    Eigen::VectorXd p = surrogate.Predict(points);
    if (log_scale) p = p.array().log().matrix();
    return p;
  };
  Shares out;
  out.total = Variance(predict(base));
  for (int j = 0; j < d; ++j) {
    const int levels = surrogate.categorical(j) ? surrogate.categories(j) : kLevels;
    Eigen::VectorXd effect(levels);
    for (int g = 0; g < levels; ++g) {
      Eigen::MatrixXd points = base;
      points.col(j).setConstant(surrogate.categorical(j) ? g : (g + 0.5) / levels);
      effect(g) = predict(points).mean();
    }
    out.bars.push_back(
        {params[j]->name(), out.total > 1e-18 ? std::clamp(Variance(effect) / out.total, 0.0, 1.0) : 0.0});
  }
  std::stable_sort(out.bars.begin(), out.bars.end(),
                   [](const Bar& a, const Bar& b) { return a.share > b.share; });
  out.explained = std::accumulate(out.bars.begin(), out.bars.end(), 0.0,
                                  [](double s, const Bar& b) { return s + b.share; });
  return out;
}

// Where the bars go: the plot area, the share axis (x) and one row per parameter (y).
struct BarLayout {
  Box area;
  Axis x, y;
};

// The bars, each with the parameter's name to its left and its share at its end; the largest highlighted.
void DrawBars(SvgWriter& svg, const BarLayout& layout, const std::vector<Bar>& bars) {
  const int d = static_cast<int>(bars.size());
  const Box& area = layout.area;
  svg.Open("g", {{"class", "bars"}});
  for (int i = 0; i < d; ++i) {
    const Bar& b = bars[i];
    const double top = layout.y.Map(d - i) + 6, h = kRowHeight - 12;
    const double w = layout.x.Map(b.share * 100) - area.x;
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
}

// Under the plot: the caveat when the fit rests on few trials (`few_trials`: how many), then how much the
// main effects explain.
void DrawNotes(SvgWriter& svg, double height, const Shares& shares, std::optional<int> few_trials) {
  const std::string note =
      shares.total > 1e-18
          ? absl::StrFormat(
                "Main effects explain %.0f%% of the fitted variation; the other %.0f%% comes from "
                "interactions between parameters.",
                shares.explained * 100, std::max(0.0, 100 - shares.explained * 100))
          : std::string("The fit is flat: within this study no parameter changes the metric measurably.");
  if (few_trials) {
    // Said in the plot itself, so that the caveat travels with the picture.
    svg.Element("text",
                {{"x", "12"},
                 {"y", Num(height - 34)},
                 {"font-size", Num(kSmallSize + 1)},
                 {"font-weight", "bold"},
                 {"fill", "#B34700"},
                 {"class", "caveat"}},
                ImportanceCaveat(*few_trials));
  }
  svg.Element("text",
              {{"x", "12"},
               {"y", Num(height - 12)},
               {"font-size", Num(kSmallSize + 1)},
               {"fill", kMutedColour},
               {"class", "note"}},
              note);
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
  const bool log_scale = MetricSpansDecades(data, metric);
  ASSIGN_OR_RETURN(
      Surrogate surrogate,
      Surrogate::Fit(data, params, metric, log_scale ? Surrogate::Scale::kLog : Surrogate::Scale::kLinear));
  const bool few = surrogate.observations() < kImportanceFewTrials;
  const int d = surrogate.dimensions();
  const Shares shares = MainEffects(surrogate, params, log_scale);

  // Layout: names left, bars to the right, the share at each bar's end.
  double label_w = 0;
  for (const Bar& b : shares.bars) label_w = std::max(label_w, TextWidth(b.name, kLabelSize));
  const double height = 150 + kRowHeight * d + (few ? 22 : 0);
  SvgWriter svg(kImportanceWidth, height, absl::StrCat("Importance of the parameters for ", metric));
  const Box panel{0, 0, kImportanceWidth, height};
  BarLayout layout;
  layout.area =
      PlotArea(panel, /*subtitle=*/true, /*legend=*/false, std::min(260.0, label_w + 28), few ? 92 : 70);
  layout.area.width -= 40;  // Room for the last share's label.
  layout.x = Axis::Linear(0, std::max(0.05, shares.bars.front().share) * 100, /*nice=*/true, 5);
  layout.y = Axis::Linear(0, d, /*nice=*/false);
  FitAxes(layout.area, layout.x, layout.y);
  layout.x.AppendToLabels("%");
  DrawFrame(
      svg, panel, layout.area, layout.x, Axis::Categorical({}),
      {.title = absl::StrCat("Importance: what ", metric, " depends on"),
       .subtitle = absl::StrCat("share of the variance of a Gaussian-process fit",
                                log_scale ? absl::StrCat(" of log(", metric, ")") : "", " to ",
                                surrogate.observations(), " trials that each parameter explains on its own"),
       .x_label = "main-effect share of the variance",
       .y_label = ""});
  DrawBars(svg, layout, shares.bars);
  DrawNotes(svg, height, shares, few ? std::optional<int>(surrogate.observations()) : std::nullopt);
  return svg.Finish();
}

}  // namespace hyperlab::plot
