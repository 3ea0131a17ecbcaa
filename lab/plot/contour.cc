// The contour plot: a metric over two parameters at once, e.g. learning rate x epochs, where a slice would
// hide that the best learning rate depends on the number of epochs. The surface is the Gaussian-process
// surrogate's posterior mean over the search domain (surrogate.h), drawn as a filled grid; the trials it
// was fitted to are drawn on top, so a reader sees where the surface rests on data and where it guesses.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/status_macros.h"
#include "lab/plot/frame.h"
#include "lab/plot/palette.h"
#include "lab/plot/plots.h"
#include "lab/plot/surrogate.h"
#include "lab/plot/svg.h"

namespace hyperlab::plot {
namespace {

constexpr double kContourWidth = 760, kContourHeight = 540;
constexpr int kCells = 40;             // Grid cells per numeric axis.
constexpr double kColourBarRoom = 96;  // Right of the plot area: the colour bar and its labels.

double ContourJitter(int64_t id) {
  uint64_t h = static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 31;
  return (static_cast<double>(h % 1000) / 999.0 - 0.5) * 0.5;
}

// The cells along one axis: their pixel edges and the parameter value (or category index) at their centre.
struct Cells {
  std::vector<double> edges;   // size + 1 pixel positions.
  std::vector<double> values;  // size values.
};

Cells AxisCells(const Axis& axis, int cells) {
  Cells out;
  if (axis.kind() == Axis::Kind::kCategorical) {
    const int k = static_cast<int>(axis.categories().size());
    for (int i = 0; i <= k; ++i) out.edges.push_back(axis.Map(i - 0.5));
    for (int i = 0; i < k; ++i) out.values.push_back(i);
    return out;
  }
  for (int i = 0; i <= cells; ++i)
    out.edges.push_back(axis.Map(axis.AtFraction(static_cast<double>(i) / cells)));
  for (int i = 0; i < cells; ++i) out.values.push_back(axis.AtFraction((i + 0.5) / cells));
  return out;
}

}  // namespace

absl::StatusOr<std::string> ContourPlot(const StudyData& data, const PlotOptions& options) {
  const std::string metric = options.metric.empty() ? ObjectiveMetric(data.study) : options.metric;
  std::vector<std::string> names = options.params;
  if (names.empty()) {
    for (const v1::ParameterSpec& p : data.study.spec().parameters()) {
      if (names.size() < 2) names.push_back(p.name());
    }
    if (names.size() < 2) {
      return absl::FailedPreconditionError(absl::StrCat("a contour needs two parameters; study '",
                                                        data.study.spec().name(), "' has ", names.size()));
    }
  }
  if (names.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("a contour takes exactly two parameters (--params P,Q); got ", names.size()));
  }
  if (names[0] == names[1]) {
    return absl::InvalidArgumentError(
        absl::StrCat("a contour needs two different parameters; got '", names[0], "' twice"));
  }
  ASSIGN_OR_RETURN(const v1::ParameterSpec* px, FindParameter(data.study, names[0]));
  ASSIGN_OR_RETURN(const v1::ParameterSpec* py, FindParameter(data.study, names[1]));
  RETURN_IF_ERROR(RequireMetric(data, metric));
  const bool higher = HigherIsBetter(data.study, metric);

  SvgWriter svg(kContourWidth, kContourHeight,
                absl::StrCat("Contour of ", metric, " over ", px->name(), " and ", py->name()));
  const Box panel{0, 0, kContourWidth, kContourHeight};
  Box area = PlotArea(panel, /*subtitle=*/true, /*legend=*/true, 80, 52);
  area.width -= kColourBarRoom;
  Axis x = ParameterAxis(*px);
  Axis y = ParameterAxis(*py);
  FitAxes(area, x, y);

  // The trials: succeeded ones with their value (the fit rests on them), failed ones where they were tried.
  struct Point {
    double x, y, value;
    const v1::Trial* trial;
  };
  std::vector<Point> observed, failed;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const v1::ParameterValue* vx = ParameterValueOf(t, px->name());
    const v1::ParameterValue* vy = ParameterValueOf(t, py->name());
    if (vx == nullptr || vy == nullptr) continue;
    std::optional<double> ax = AxisValue(*px, *vx), ay = AxisValue(*py, *vy);
    if (!ax || !ay) continue;
    if (IsCategorical(*px)) *ax += ContourJitter(t.id());
    if (IsCategorical(*py)) *ay += ContourJitter(t.id() + 7);
    if (t.state() == v1::Trial::FAILED || t.state() == v1::Trial::INFEASIBLE) {
      failed.push_back({x.Map(*ax), y.Map(*ay), 0, &t});
      continue;
    }
    const std::optional<double> v = MetricValue(t, metric);
    if (t.state() != v1::Trial::SUCCEEDED || !v) continue;
    observed.push_back({x.Map(*ax), y.Map(*ay), *v, &t});
    lo = std::min(lo, *v);
    hi = std::max(hi, *v);
  }
  // A metric over two decades and more (a loss from 1e3 down to 1e-4) is fitted and coloured in log space:
  // a fit to the raw values is ruled by the few largest and swings below zero between them.
  const bool log_scale = !observed.empty() && SpansDecades(lo, hi);
  ASSIGN_OR_RETURN(
      Surrogate surrogate,
      Surrogate::Fit(data, {px, py}, metric, log_scale ? Surrogate::Scale::kLog : Surrogate::Scale::kLinear));

  // The surface on the grid.
  const Cells cx = AxisCells(x, kCells), cy = AxisCells(y, kCells);
  const int nx = static_cast<int>(cx.values.size()), ny = static_cast<int>(cy.values.size());
  Eigen::MatrixXd points(nx * ny, 2);
  for (int i = 0; i < nx; ++i) {
    for (int j = 0; j < ny; ++j) {
      points(i * ny + j, 0) = surrogate.Encode(0, cx.values[i]);
      points(i * ny + j, 1) = surrogate.Encode(1, cy.values[j]);
    }
  }
  const Eigen::VectorXd surface = surrogate.Predict(points);

  // The colour scale spans the observed values and nothing else: between and beyond the trials the fit
  // guesses, and a guess must not stretch the scale (a loss coloured down to -1) nor get a colour no trial
  // earned. Cells where the fit goes beyond the observed range take the end colour.
  // A few very bad trials (a diverging learning rate) would spend most of the colour scale on the region
  // nobody cares about. So the bad end of the scale stops at Tukey's outer fence of the observed values
  // (in log space for a log scale); worse values get the end colour, and the colour bar says so ("≤ 0.79").
  auto to_scale = [&](double v) { return log_scale ? std::log10(v) : v; };
  auto from_scale = [&](double u) { return log_scale ? std::pow(10.0, u) : u; };
  std::vector<double> values;
  for (const Point& p : observed) values.push_back(to_scale(p.value));
  std::optional<double> clip;
  if (values.size() >= 8) {
    std::sort(values.begin(), values.end());
    auto quantile = [&](double q) {
      const double at = q * static_cast<double>(values.size() - 1);
      const size_t i = static_cast<size_t>(at);
      return i + 1 < values.size() ? values[i] + (at - i) * (values[i + 1] - values[i]) : values[i];
    };
    const double q1 = quantile(0.25), q3 = quantile(0.75), spread = q3 - q1;
    const double fence = from_scale(higher ? q1 - 3 * spread : q3 + 3 * spread);
    if (spread > 0 && (higher ? fence > lo : fence < hi)) clip = fence;
  }
  if (clip) (higher ? lo : hi) = *clip;
  const Axis scale = log_scale ? Axis::Log(lo, hi) : Axis::Linear(lo, hi, /*nice=*/false, 5);
  // Bright is better, whichever the goal.
  auto colour = [&](double v) {
    const double t = std::clamp(scale.Fraction(std::clamp(v, lo, hi)), 0.0, 1.0);
    return Viridis(higher ? t : 1 - t);
  };
  int beyond = 0;  // Cells where the fit leaves the observed range.
  for (Eigen::Index k = 0; k < surface.size(); ++k) beyond += surface(k) < lo || surface(k) > hi;

  DrawFrame(
      svg, panel, area, x, y,
      {.title = absl::StrCat("Contour: ", metric, " over ", px->name(), " and ", py->name()),
       .subtitle = absl::StrCat("GP fit", log_scale ? " in log space" : "", " to ", surrogate.observations(),
                                " succeeded trials; colours only span the observed values; brighter "
                                "is better"),
       .x_label = absl::StrCat(px->name(), IsLogScale(*px) ? " (log scale)" : ""),
       .y_label = absl::StrCat(py->name(), IsLogScale(*py) ? " (log scale)" : "")});

  svg.Open("g", {{"class", "surface"},
                 {"shape-rendering", "crispEdges"},
                 {"data-colour-min", absl::StrFormat("%.17g", lo)},
                 {"data-colour-max", absl::StrFormat("%.17g", hi)},
                 {"data-cells-beyond-observed", absl::StrCat(beyond)}});
  for (int i = 0; i < nx; ++i) {
    for (int j = 0; j < ny; ++j) {
      const double x0 = std::min(cx.edges[i], cx.edges[i + 1]), x1 = std::max(cx.edges[i], cx.edges[i + 1]);
      const double y0 = std::min(cy.edges[j], cy.edges[j + 1]), y1 = std::max(cy.edges[j], cy.edges[j + 1]);
      // Half a pixel of overlap hides the seams anti-aliasing would draw between cells.
      svg.Empty("rect", {{"x", Num(x0)},
                         {"y", Num(y0)},
                         {"width", Num(x1 - x0 + 0.5)},
                         {"height", Num(y1 - y0 + 0.5)},
                         {"fill", colour(surface(i * ny + j))},
                         {"class", "cell"}});
    }
  }
  svg.Close();
  // The frame's axes again, over the surface.
  svg.Empty("rect", {{"x", Num(area.x)},
                     {"y", Num(area.y)},
                     {"width", Num(area.width)},
                     {"height", Num(area.height)},
                     {"fill", "none"},
                     {"stroke", "#888888"}});

  const v1::Trial* best = nullptr;
  for (const Point& p : observed) {
    if (best == nullptr ||
        (higher ? p.value > *MetricValue(*best, metric) : p.value < *MetricValue(*best, metric)))
      best = p.trial;
  }
  svg.Open("g", {{"class", "points"}});
  for (const Point& p : observed) {
    const std::string tip = absl::StrCat("trial ", p.trial->id(), ": ", metric, "=", ShortNumber(p.value),
                                         "\n", ParameterSummary(*p.trial));
    if (p.trial == best) {
      DrawMarker(svg, Marker::kDot, p.x, p.y, kBestColour, "point best", tip, 6.5);
    } else {
      svg.Open("circle", {{"cx", Num(p.x)},
                          {"cy", Num(p.y)},
                          {"r", "4.5"},
                          {"fill", colour(p.value)},
                          {"stroke", "#111111"},
                          {"stroke-width", "1.3"},
                          {"class", "point"}});
      svg.Element("title", {}, tip);
      svg.Close();
    }
  }
  svg.Close();
  // Failed trials have no value to colour: a cross (with a light halo, to show on dark and bright cells)
  // where they were tried, so a reader sees which region made trials fail.
  svg.Open("g", {{"class", "failed-points"}});
  for (const Point& p : failed) {
    const double s = 4.5;
    const std::string d =
        absl::StrCat("M", Num(p.x - s), " ", Num(p.y - s), "L", Num(p.x + s), " ", Num(p.y + s), "M",
                     Num(p.x - s), " ", Num(p.y + s), "L", Num(p.x + s), " ", Num(p.y - s));
    svg.Open("g", {{"class", "point failed"}});
    svg.Empty("path", {{"d", d}, {"stroke", "#ffffff"}, {"stroke-width", "4.5"}, {"fill", "none"}});
    svg.Empty("path", {{"d", d}, {"stroke", kFailedColour}, {"stroke-width", "2"}, {"fill", "none"}});
    std::string tip = absl::StrCat("trial ", p.trial->id(), " (", StateName(p.trial->state()),
                                   "): no value\n", ParameterSummary(*p.trial));
    if (!p.trial->reason().empty()) absl::StrAppend(&tip, "\n", p.trial->reason());
    svg.Element("title", {}, tip);
    svg.Close();
  }
  svg.Close();

  // The colour bar: the metric's scale, bright end marked "better".
  const double bx = area.right() + 22, bw = 16;
  Axis bar = scale;
  bar.SetPixels(area.bottom(), area.y);
  svg.Open("g", {{"class", "colourbar"}, {"shape-rendering", "crispEdges"}});
  constexpr int kSteps = 60;
  for (int k = 0; k < kSteps; ++k) {
    const double v0 = scale.AtFraction(static_cast<double>(k) / kSteps);
    const double v1 = scale.AtFraction(static_cast<double>(k + 1) / kSteps);
    const double y1 = bar.Map(v0), y0 = bar.Map(v1);
    svg.Empty("rect", {{"x", Num(bx)},
                       {"y", Num(y0)},
                       {"width", Num(bw)},
                       {"height", Num(y1 - y0 + 0.5)},
                       {"fill", colour((v0 + v1) / 2)}});
  }
  svg.Close();
  svg.Empty("rect", {{"x", Num(bx)},
                     {"y", Num(area.y)},
                     {"width", Num(bw)},
                     {"height", Num(area.height)},
                     {"fill", "none"},
                     {"stroke", "#888888"}});
  // Labels: the two ends (the observed extremes, or the clip), then nice ticks that do not crowd them.
  auto label = [&](double v, const std::string& text, const std::string& css) {
    const double ty = bar.Map(v);
    svg.Empty("line", {{"x1", Num(bx + bw)},
                       {"x2", Num(bx + bw + 4)},
                       {"y1", Num(ty)},
                       {"y2", Num(ty)},
                       {"stroke", "#888888"}});
    svg.Element("text",
                {{"x", Num(bx + bw + 7)},
                 {"y", Num(ty + 4)},
                 {"font-size", Num(kTickSize)},
                 {"fill", kInkColour},
                 {"class", css}},
                text);
  };
  const double good_end = higher ? hi : lo, bad_end = higher ? lo : hi;
  label(good_end, ShortNumber(good_end), "tick-label colour end");
  if (clip) {
    label(*clip, absl::StrCat(higher ? "≤ " : "≥ ", absl::StrFormat("%.3g", *clip)),
          "tick-label colour clip");
  } else {
    label(bad_end, ShortNumber(bad_end), "tick-label colour end");
  }
  const Axis ticks = log_scale ? Axis::Log(lo, hi) : Axis::Linear(lo, hi, /*nice=*/true, 5);
  for (const Tick& t : ticks.ticks()) {
    if (t.value < lo - 1e-12 * std::abs(lo) || t.value > hi + 1e-12 * std::abs(hi)) continue;
    const double ty = bar.Map(t.value);
    if (std::abs(ty - bar.Map(lo)) < 16 || std::abs(ty - bar.Map(hi)) < 16) continue;  // An end's label.
    label(t.value, t.label, "tick-label colour");
  }
  svg.Element("text",
              {{"x", Num(bx + bw / 2)},
               {"y", Num(area.y - 8)},
               {"font-size", Num(kSmallSize)},
               {"text-anchor", "middle"},
               {"fill", kMutedColour}},
              metric);

  std::vector<LegendItem> legend = {{Marker::kRing, "#111111", "trial (filled with its value)"}};
  if (!failed.empty()) legend.push_back({Marker::kCross, kFailedColour, "failed (no value)"});
  if (best != nullptr)
    legend.push_back({Marker::kDot, kBestColour, absl::StrCat("best: trial ", best->id())});
  DrawLegend(svg, area.right(), LegendBaseline(panel, true), legend);
  return svg.Finish();
}

}  // namespace hyperlab::plot
