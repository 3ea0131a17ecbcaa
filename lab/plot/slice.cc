// The slice plot: a metric against one parameter at a time, every trial one point, the other parameters
// left to vary. It is the one-variable parametric experiment read off a multi-variable study: a clear trend
// means the parameter matters on its own; a cloud means it matters less than the others, or interacts.
// Conditional parameters get a panel too, with only the trials they exist for (the panel says when).
#include <algorithm>
#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "lab/plot/frame.h"
#include "lab/plot/palette.h"
#include "lab/plot/plots.h"
#include "lab/plot/svg.h"

namespace hyperlab::plot {
namespace {

// Spreads points of one category across part of its band, the same way every time (by trial id).
double SliceJitter(int64_t id) {
  uint64_t h = static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  return (static_cast<double>(h % 1000) / 999.0 - 0.5) * 0.4;
}

void DrawPanel(SvgWriter& svg, const Box& panel, const StudyData& data, const v1::ParameterSpec& p,
               const std::string& metric, Axis y, int64_t best_id, const FrameText& text) {
  Axis x = ParameterAxis(p);
  const Box area = PlotArea(panel, !text.subtitle.empty(), /*legend=*/false, 70, 50);
  FitAxes(area, x, y);
  DrawFrame(svg, panel, area, x, y, text);
  const bool categorical = IsCategorical(p);

  svg.Open("g", {{"class", "points"}, {"data-parameter", p.name()}});
  std::vector<std::vector<double>> per_category(categorical ? p.categorical().values_size() : 0);
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const std::optional<double> v = MetricValue(t, metric);
    const v1::ParameterValue* pv = ParameterValueOf(t, p.name());
    if (!v || pv == nullptr) continue;
    if (t.state() != v1::Trial::SUCCEEDED && t.state() != v1::Trial::STOPPED) continue;
    const std::optional<double> xv = AxisValue(p, *pv);
    if (!xv) continue;
    const double px = x.Map(*xv + (categorical ? SliceJitter(t.id()) : 0));
    const std::string tip =
        absl::StrCat("trial ", t.id(), " (", StateName(t.state()), "): ", p.name(), "=", ValueString(*pv),
                     ", ", metric, "=", ShortNumber(*v), "\n", ParameterSummary(t));
    if (categorical) per_category[static_cast<size_t>(*xv)].push_back(*v);
    if (t.state() == v1::Trial::STOPPED) {
      DrawMarker(svg, Marker::kRing, px, y.Map(*v), kStoppedColour, "point stopped", tip);
    } else if (t.id() == best_id) {
      DrawMarker(svg, Marker::kDot, px, y.Map(*v), kBestColour, "point succeeded best", tip, 6);
    } else {
      DrawMarker(svg, Marker::kDot, px, y.Map(*v), kPointColour, "point succeeded", tip);
    }
  }
  svg.Close();
  // Categories: the mean of each, as a short bar, so the comparison does not rest on the eye alone.
  for (size_t c = 0; c < per_category.size(); ++c) {
    if (per_category[c].empty()) continue;
    // On a log axis the geometric mean: the middle of the values as the axis shows them.
    const bool log = y.kind() == Axis::Kind::kLog;
    double mean = 0;
    for (double v : per_category[c]) mean += log ? std::log(v) : v;
    mean /= static_cast<double>(per_category[c].size());
    if (log) mean = std::exp(mean);
    const double px = x.Map(static_cast<double>(c)), half = x.BandWidth() * 0.3;
    svg.Open("line", {{"x1", Num(px - half)},
                      {"x2", Num(px + half)},
                      {"y1", Num(y.Map(mean))},
                      {"y2", Num(y.Map(mean))},
                      {"stroke", kInkColour},
                      {"stroke-width", "2"},
                      {"class", "category-mean"}});
    svg.Element("title", {},
                absl::StrCat(log ? "geometric mean of " : "mean of ", per_category[c].size(),
                             " trials: ", ShortNumber(mean)));
    svg.Close();
  }
}

// The parameter named in `options`, or else every one of the study's (the conditional ones too).
absl::StatusOr<std::vector<const v1::ParameterSpec*>> ChooseParameters(const StudyData& data,
                                                                       const PlotOptions& options) {
  std::vector<const v1::ParameterSpec*> params;
  if (!options.param.empty()) {
    ASSIGN_OR_RETURN(const v1::ParameterSpec* p, FindParameter(data.study, options.param));
    params.push_back(p);
  } else {
    params = StudyParameters(data.study);
  }
  if (params.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("study '", data.study.spec().name(), "' has no parameters to slice by"));
  }
  return params;
}

// One y axis for all panels, so that they compare; the best trial, marked in each; how to read them.
struct SharedScale {
  Axis y;
  std::string y_label;
  int64_t best_id = -1;
  std::string reading;
};

SharedScale MakeSharedScale(const StudyData& data, const std::string& metric) {
  double lo = 0, hi = 0;
  bool any = false;
  for (const auto& item : data.trials) {
    if (std::optional<double> v = MetricValue(item.trial(), metric)) {
      lo = any ? std::min(lo, *v) : *v;
      hi = any ? std::max(hi, *v) : *v;
      any = true;
    }
  }
  SharedScale out;
  // Values over two decades and more on a log axis, as in the history (a loss from 50 down to 1e-4).
  const bool log_y = any && SpansDecades(lo, hi);
  out.y = log_y ? Axis::LogDecades(lo, hi) : Axis::Linear(lo, hi);
  out.y_label = absl::StrCat(metric, log_y ? " (log scale)" : "");
  const bool higher = HigherIsBetter(data.study, metric);
  const std::vector<const v1::TrialWithMeasurements*> ranked = RankedTrials(data, metric, higher);
  out.best_id = ranked.empty() ? -1 : ranked.front()->trial().id();
  out.reading = absl::StrCat(
      metric, " (", higher ? "higher" : "lower", " is better); each point a trial",
      out.best_id >= 0 ? absl::StrCat(", the best (trial ", out.best_id, ") in vermillion") : "");
  return out;
}

// The parameter's name, its scale, and for a conditional one when it exists (its panel shows only those
// trials): "momentum (only when optimizer = sgd)".
std::string XLabel(const v1::Study& study, const v1::ParameterSpec& p) {
  const std::string when = ExistsWhen(study, p);
  return absl::StrCat(p.name(), IsLogScale(p) ? " (log scale)" : "",
                      when.empty() ? "" : absl::StrCat(" (only when ", when, ")"));
}

}  // namespace

absl::StatusOr<std::string> SlicePlot(const StudyData& data, const PlotOptions& options) {
  const std::string metric = options.metric.empty() ? ObjectiveMetric(data.study) : options.metric;
  RETURN_IF_ERROR(RequireMetric(data, metric));
  ASSIGN_OR_RETURN(const std::vector<const v1::ParameterSpec*> params, ChooseParameters(data, options));
  const SharedScale scale = MakeSharedScale(data, metric);

  if (params.size() == 1) {
    const v1::ParameterSpec& p = *params.front();
    SvgWriter svg(760, 440, absl::StrCat("Slice of ", metric, " against ", p.name()));
    DrawPanel(svg, {0, 0, 760, 440}, data, p, metric, scale.y, scale.best_id,
              {.title = absl::StrCat("Slice: ", metric, " against ", p.name()),
               .subtitle = scale.reading,
               .x_label = XLabel(data.study, p),
               .y_label = scale.y_label});
    return svg.Finish();
  }

  // Small multiples: a heading, then up to three panels per row.
  const int columns = std::min<int>(3, static_cast<int>(params.size()));
  const int rows = (static_cast<int>(params.size()) + columns - 1) / columns;
  const double panel_w = 380, panel_h = 320, top = 54;
  const double width = columns * panel_w, height = top + rows * panel_h;
  SvgWriter svg(width, height, absl::StrCat("Slices of ", metric, " against each parameter"));
  DrawFigureTitle(svg, absl::StrCat("Slice: ", metric, " against each parameter"),
                  scale.reading + "; the same y axis in every panel");
  for (size_t i = 0; i < params.size(); ++i) {
    const v1::ParameterSpec& p = *params[i];
    const Box panel{static_cast<double>(i % columns) * panel_w,
                    top + static_cast<double>(i / columns) * panel_h, panel_w, panel_h};
    DrawPanel(svg, panel, data, p, metric, scale.y, scale.best_id,
              {.title = p.name(), .x_label = XLabel(data.study, p), .y_label = scale.y_label});
  }
  return svg.Finish();
}

}  // namespace hyperlab::plot
