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
//
// Conditional parameters (parameter_tree.h): no trial has every parameter of a tree with alternatives
// (momentum under sgd, beta1 under adam), so the fit above is over the top-level parameters, which every
// trial has. Each conditional parameter gets a fit of its own to the trials where it exists, over it and
// the top-level parameters it does not depend on; its bar is its share of that fit ("within optimizer =
// sgd"), and says so. With fewer than Surrogate::kMinTrials such trials its row says there are too few.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/status_macros.h"
#include "lab/plot/frame.h"
#include "lab/plot/palette.h"
#include "lab/plot/plots.h"
#include "lab/plot/surrogate.h"
#include "lab/plot/svg.h"
#include "searcher/halton.h"

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

// One parameter's bar: its share of the variance, or none when too few trials have it to say.
struct Bar {
  std::string name;
  std::optional<double> share;
  std::string within;  // A conditional parameter: when it exists ("optimizer = sgd"); empty at the top.
  int trials = 0;      // A conditional parameter: the trials its share rests on.
};

// The bars, largest first (those without a share last), and the total variance of the top-level fit.
struct Shares {
  std::vector<Bar> bars;
  double total = 0;      // The top-level surrogate's variance over the whole space.
  double explained = 0;  // The sum of the top-level parameters' shares.
  bool conditional = false;
};

// The functional ANOVA of the surrogate: each dimension's main effect as a share of the surrogate's
// variance over the base points (`total`, filled when given).
std::vector<double> MainEffectShares(const Surrogate& surrogate, bool log_scale, double* total = nullptr) {
  const int d = surrogate.dimensions();
  const Eigen::MatrixXd base = BasePoints(surrogate);
  // In log space the variance is that of the log of the metric (its orders of magnitude).
  auto predict = [&](const Eigen::MatrixXd& points) -> Eigen::VectorXd {
    Eigen::VectorXd p = surrogate.Predict(points);
    if (log_scale) p = p.array().log().matrix();
    return p;
  };
  const double variance = Variance(predict(base));
  if (total != nullptr) *total = variance;
  std::vector<double> shares;
  for (int j = 0; j < d; ++j) {
    const int levels = surrogate.categorical(j) ? surrogate.categories(j) : kLevels;
    Eigen::VectorXd effect(levels);
    for (int g = 0; g < levels; ++g) {
      Eigen::MatrixXd points = base;
      points.col(j).setConstant(surrogate.categorical(j) ? g : (g + 0.5) / levels);
      effect(g) = predict(points).mean();
    }
    shares.push_back(variance > 1e-18 ? std::clamp(Variance(effect) / variance, 0.0, 1.0) : 0.0);
  }
  return shares;
}

// A conditional parameter's bar: its main effect in a fit to the trials where it exists, over it and the
// top-level parameters other than those it depends on (constant, or nearly, among those trials).
absl::StatusOr<Bar> ConditionalBar(const StudyData& data, const std::vector<const v1::ParameterSpec*>& top,
                                   const v1::ParameterSpec& p, const std::string& metric, bool log_scale) {
  Bar bar{.name = p.name(), .within = ExistsWhen(data.study, p)};
  const std::vector<const v1::ParameterSpec*> ancestors = Ancestors(data.study, p);
  std::vector<const v1::ParameterSpec*> params;
  for (const v1::ParameterSpec* q : top) {
    if (std::find(ancestors.begin(), ancestors.end(), q) == ancestors.end()) params.push_back(q);
  }
  params.push_back(&p);
  absl::StatusOr<Surrogate> fit =
      Surrogate::Fit(data, params, metric, log_scale ? Surrogate::Scale::kLog : Surrogate::Scale::kLinear);
  if (fit.status().code() == absl::StatusCode::kFailedPrecondition) {
    for (const auto& item : data.trials) {
      const v1::Trial& t = item.trial();
      if (t.state() == v1::Trial::SUCCEEDED && MetricValue(t, metric) && ParameterValueOf(t, p.name()))
        ++bar.trials;
    }
    return bar;  // No share: too few trials have it.
  }
  RETURN_IF_ERROR(fit.status());
  bar.share = MainEffectShares(*fit, log_scale).back();
  bar.trials = fit->observations();
  return bar;
}

// Every parameter's share: the top-level ones from one fit over all of them (their shares add up, the rest
// is interactions); each conditional one from a fit to the trials where it exists (ConditionalBar), since
// no trial has every parameter of a tree with alternatives.
absl::StatusOr<Shares> ParameterShares(const StudyData& data, const std::string& metric, bool log_scale,
                                       const Surrogate& surrogate,
                                       const std::vector<const v1::ParameterSpec*>& top,
                                       const std::vector<const v1::ParameterSpec*>& conditional) {
  Shares out;
  const std::vector<double> shares = MainEffectShares(surrogate, log_scale, &out.total);
  for (size_t j = 0; j < top.size(); ++j) {
    out.bars.push_back({.name = top[j]->name(), .share = shares[j]});
    out.explained += shares[j];
  }
  for (const v1::ParameterSpec* p : conditional) {
    ASSIGN_OR_RETURN(Bar bar, ConditionalBar(data, top, *p, metric, log_scale));
    out.bars.push_back(std::move(bar));
  }
  out.conditional = !conditional.empty();
  std::stable_sort(out.bars.begin(), out.bars.end(),
                   [](const Bar& a, const Bar& b) { return a.share.value_or(-1) > b.share.value_or(-1); });
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
    svg.Element("text",
                {{"x", Num(area.x - 10)},
                 {"y", Num(top + h / 2 + 5)},
                 {"font-size", Num(kLabelSize)},
                 {"text-anchor", "end"},
                 {"fill", kInkColour},
                 {"class", "bar-label"}},
                b.name);
    if (!b.share) {
      svg.Element("text",
                  {{"x", Num(area.x + 6)},
                   {"y", Num(top + h / 2 + 4)},
                   {"font-size", Num(kTickSize)},
                   {"fill", kMutedColour},
                   {"class", "bar-missing"},
                   {"data-parameter", b.name}},
                  absl::StrCat("too few trials with it to say (", b.trials, " where ", b.within, ")"));
      continue;
    }
    const double w = layout.x.Map(*b.share * 100) - area.x;
    const std::string within =
        b.within.empty() ? "" : absl::StrCat(" within ", b.within, " (", b.trials, " trials)");
    svg.Open("rect", {{"x", Num(area.x)},
                      {"y", Num(top)},
                      {"width", Num(std::max(w, 1.0))},
                      {"height", Num(h)},
                      {"fill", i == 0 ? kBestColour : kPointColour},
                      {"rx", "2"},
                      {"class", "bar"},
                      {"data-parameter", b.name},
                      {"data-share", absl::StrFormat("%.6f", *b.share)},
                      {"data-within", b.within}});
    svg.Element("title", {}, absl::StrFormat("%s: %.1f%% of the variance%s", b.name, *b.share * 100, within));
    svg.Close();
    // The share at the bar's end; inside it, in white, when a long one would run off the picture.
    const std::string value = absl::StrFormat("%.1f%%%s", *b.share * 100, within);
    const bool inside = area.x + w + 6 + TextWidth(value, kTickSize) > kImportanceWidth - 4;
    svg.Element("text",
                {{"x", Num(inside ? area.x + w - 6 : area.x + std::max(w, 1.0) + 6)},
                 {"y", Num(top + h / 2 + 4)},
                 {"font-size", Num(kTickSize)},
                 {"text-anchor", inside ? "end" : "start"},
                 {"fill", inside ? "#ffffff" : kInkColour},
                 {"class", "bar-value"}},
                value);
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
  if (shares.conditional) {
    svg.Element(
        "text",
        {{"x", "12"},
         {"y", Num(height - 34 - (few_trials ? 22 : 0))},
         {"font-size", Num(kSmallSize + 1)},
         {"fill", kMutedColour},
         {"class", "conditional-note"}},
        "A conditional parameter's share is measured among the trials that have it (a fit of its own).");
  }
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
  std::vector<const v1::ParameterSpec*> params, conditional;  // Top-level ones; the rest of the tree.
  for (const v1::ParameterSpec* p : StudyParameters(data.study)) {
    (Ancestors(data.study, *p).empty() ? params : conditional).push_back(p);
  }
  if (params.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("study '", data.study.spec().name(), "' has no parameters"));
  }
  const bool log_scale = MetricSpansDecades(data, metric);
  ASSIGN_OR_RETURN(
      Surrogate surrogate,
      Surrogate::Fit(data, params, metric, log_scale ? Surrogate::Scale::kLog : Surrogate::Scale::kLinear));
  const bool few = surrogate.observations() < kImportanceFewTrials;
  ASSIGN_OR_RETURN(const Shares shares,
                   ParameterShares(data, metric, log_scale, surrogate, params, conditional));
  const int d = static_cast<int>(shares.bars.size());

  // Layout: names left, bars to the right, the share at each bar's end.
  double label_w = 0;
  for (const Bar& b : shares.bars) label_w = std::max(label_w, TextWidth(b.name, kLabelSize));
  const double height = 150 + kRowHeight * d + (few ? 22 : 0) + (shares.conditional ? 22 : 0);
  SvgWriter svg(kImportanceWidth, height, absl::StrCat("Importance of the parameters for ", metric));
  const Box panel{0, 0, kImportanceWidth, height};
  BarLayout layout;
  layout.area = PlotArea(panel, /*subtitle=*/true, /*legend=*/false, std::min(260.0, label_w + 28),
                         70 + (few ? 22 : 0) + (shares.conditional ? 22 : 0));
  layout.area.width -= 40;  // Room for the last share's label.
  layout.x = Axis::Linear(0, std::max(0.05, shares.bars.front().share.value_or(0)) * 100, /*nice=*/true, 5);
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
