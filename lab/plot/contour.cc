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
constexpr int kColourBarSteps = 60;    // Bands of the colour bar.
constexpr double kColourBarWidth = 16;

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

// The two parameters of the plot and their axes, fitted to the plot area.
struct ContourAxes {
  const v1::ParameterSpec* px = nullptr;
  const v1::ParameterSpec* py = nullptr;
  Axis x, y;
};

// The two parameters named in `options`, or the spec's first two.
absl::StatusOr<ContourAxes> ChooseParameters(const StudyData& data, const PlotOptions& options) {
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
  ContourAxes axes;
  ASSIGN_OR_RETURN(axes.px, FindParameter(data.study, names[0]));
  ASSIGN_OR_RETURN(axes.py, FindParameter(data.study, names[1]));
  return axes;
}

// A trial on the plot: where it is drawn and its value (0 for a failed trial).
struct Point {
  double x, y, value;
  const v1::Trial* trial;
};

// The trials: succeeded ones with their value (the fit rests on them), failed ones where they were tried,
// and the range of the observed values.
struct ContourTrials {
  std::vector<Point> observed, failed;
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
};

ContourTrials CollectTrials(const StudyData& data, const std::string& metric, const ContourAxes& axes) {
  ContourTrials out;
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const v1::ParameterValue* vx = ParameterValueOf(t, axes.px->name());
    const v1::ParameterValue* vy = ParameterValueOf(t, axes.py->name());
    if (vx == nullptr || vy == nullptr) continue;
    std::optional<double> ax = AxisValue(*axes.px, *vx), ay = AxisValue(*axes.py, *vy);
    if (!ax || !ay) continue;
    if (IsCategorical(*axes.px)) *ax += ContourJitter(t.id());
    if (IsCategorical(*axes.py)) *ay += ContourJitter(t.id() + 7);
    if (t.state() == v1::Trial::FAILED || t.state() == v1::Trial::INFEASIBLE) {
      out.failed.push_back({axes.x.Map(*ax), axes.y.Map(*ay), 0, &t});
      continue;
    }
    const std::optional<double> v = MetricValue(t, metric);
    if (t.state() != v1::Trial::SUCCEEDED || !v) continue;
    out.observed.push_back({axes.x.Map(*ax), axes.y.Map(*ay), *v, &t});
    out.lo = std::min(out.lo, *v);
    out.hi = std::max(out.hi, *v);
  }
  return out;
}

// The surrogate's posterior mean at the centre of every cell of the grid, column by column.
struct Surface {
  Cells cx, cy;
  int nx = 0, ny = 0;
  Eigen::VectorXd values;  // At i * ny + j: cell i along x, j along y.
};

Surface PredictSurface(const Surrogate& surrogate, const ContourAxes& axes) {
  Surface out;
  out.cx = AxisCells(axes.x, kCells);
  out.cy = AxisCells(axes.y, kCells);
  out.nx = static_cast<int>(out.cx.values.size());
  out.ny = static_cast<int>(out.cy.values.size());
  Eigen::MatrixXd points(out.nx * out.ny, 2);
  for (int i = 0; i < out.nx; ++i) {
    for (int j = 0; j < out.ny; ++j) {
      points(i * out.ny + j, 0) = surrogate.Encode(0, out.cx.values[i]);
      points(i * out.ny + j, 1) = surrogate.Encode(1, out.cy.values[j]);
    }
  }
  out.values = surrogate.Predict(points);
  return out;
}

// The colour scale: [lo, hi] of the metric, bright at the better end.
struct ColourScale {
  double lo = 0, hi = 0;
  std::optional<double> clip;  // The bad end, when it stops short of the worst value observed.
  bool higher = true;          // Higher values are better.
  bool log_scale = false;
  Axis scale;

  std::string Colour(double v) const {
    const double t = std::clamp(scale.Fraction(std::clamp(v, lo, hi)), 0.0, 1.0);
    return Viridis(higher ? t : 1 - t);
  }
};

// Tukey's outer fence of the observed values at their bad end (in log space for a log scale), when it cuts
// off some of them; nullopt otherwise, and for fewer than 8 values.
std::optional<double> OuterFence(const ContourTrials& trials, bool higher, bool log_scale) {
  auto to_scale = [&](double v) { return log_scale ? std::log10(v) : v; };
  auto from_scale = [&](double u) { return log_scale ? std::pow(10.0, u) : u; };
  std::vector<double> values;
  for (const Point& p : trials.observed) values.push_back(to_scale(p.value));
  if (values.size() < 8) return std::nullopt;
  std::sort(values.begin(), values.end());
  auto quantile = [&](double q) {
    const double at = q * static_cast<double>(values.size() - 1);
    const size_t i = static_cast<size_t>(at);
    return i + 1 < values.size() ? values[i] + (at - i) * (values[i + 1] - values[i]) : values[i];
  };
  const double q1 = quantile(0.25), q3 = quantile(0.75), spread = q3 - q1;
  const double fence = from_scale(higher ? q1 - 3 * spread : q3 + 3 * spread);
  if (spread > 0 && (higher ? fence > trials.lo : fence < trials.hi)) return fence;
  return std::nullopt;
}

// The colour scale spans the observed values and nothing else: between and beyond the trials the fit
// guesses, and a guess must not stretch the scale (a loss coloured down to -1) nor get a colour no trial
// earned. Cells where the fit goes beyond the observed range take the end colour.
// A few very bad trials (a diverging learning rate) would spend most of the colour scale on the region
// nobody cares about. So the bad end of the scale stops at Tukey's outer fence of the observed values
// (in log space for a log scale); worse values get the end colour, and the colour bar says so ("≤ 0.79").
ColourScale MakeColourScale(const ContourTrials& trials, bool higher, bool log_scale) {
  ColourScale out;
  out.lo = trials.lo;
  out.hi = trials.hi;
  out.higher = higher;
  out.log_scale = log_scale;
  out.clip = OuterFence(trials, higher, log_scale);
  if (out.clip) (higher ? out.lo : out.hi) = *out.clip;
  out.scale = log_scale ? Axis::Log(out.lo, out.hi) : Axis::Linear(out.lo, out.hi, /*nice=*/false, 5);
  return out;
}

// The grid of cells, each filled with the colour of the fit at its centre, and the frame's axes again on top.
void DrawSurface(SvgWriter& svg, const Box& area, const Surface& surface, const ColourScale& colours) {
  int beyond = 0;  // Cells where the fit leaves the observed range.
  for (Eigen::Index k = 0; k < surface.values.size(); ++k) {
    beyond += surface.values(k) < colours.lo || surface.values(k) > colours.hi;
  }
  svg.Open("g", {{"class", "surface"},
                 {"shape-rendering", "crispEdges"},
                 {"data-colour-min", absl::StrFormat("%.17g", colours.lo)},
                 {"data-colour-max", absl::StrFormat("%.17g", colours.hi)},
                 {"data-cells-beyond-observed", absl::StrCat(beyond)}});
  const Cells& cx = surface.cx;
  const Cells& cy = surface.cy;
  for (int i = 0; i < surface.nx; ++i) {
    for (int j = 0; j < surface.ny; ++j) {
      const double x0 = std::min(cx.edges[i], cx.edges[i + 1]), x1 = std::max(cx.edges[i], cx.edges[i + 1]);
      const double y0 = std::min(cy.edges[j], cy.edges[j + 1]), y1 = std::max(cy.edges[j], cy.edges[j + 1]);
      // Half a pixel of overlap hides the seams anti-aliasing would draw between cells.
      svg.Empty("rect", {{"x", Num(x0)},
                         {"y", Num(y0)},
                         {"width", Num(x1 - x0 + 0.5)},
                         {"height", Num(y1 - y0 + 0.5)},
                         {"fill", colours.Colour(surface.values(i * surface.ny + j))},
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
}

// The succeeded trial with the best value, or null when there is none.
const v1::Trial* BestTrial(const std::vector<Point>& observed, const std::string& metric, bool higher) {
  const v1::Trial* best = nullptr;
  for (const Point& p : observed) {
    if (best == nullptr ||
        (higher ? p.value > *MetricValue(*best, metric) : p.value < *MetricValue(*best, metric)))
      best = p.trial;
  }
  return best;
}

// The succeeded trials, each filled with the colour of its value; the best one marked apart.
void DrawObserved(SvgWriter& svg, const std::vector<Point>& observed, const v1::Trial* best,
                  const std::string& metric, const ColourScale& colours) {
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
                          {"fill", colours.Colour(p.value)},
                          {"stroke", "#111111"},
                          {"stroke-width", "1.3"},
                          {"class", "point"}});
      svg.Element("title", {}, tip);
      svg.Close();
    }
  }
  svg.Close();
}

// Failed trials have no value to colour: a cross (with a light halo, to show on dark and bright cells)
// where they were tried, so a reader sees which region made trials fail.
void DrawFailed(SvgWriter& svg, const std::vector<Point>& failed) {
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
}

// The colour bar right of the plot area: its left edge `x` and its axis (the colour scale in pixels).
struct ColourBar {
  double x;
  Axis axis;
};

// A tick on the colour bar at value `v`, with its label.
void DrawColourBarLabel(SvgWriter& svg, const ColourBar& bar, double v, const std::string& text,
                        const std::string& css) {
  const double right = bar.x + kColourBarWidth, ty = bar.axis.Map(v);
  svg.Empty(
      "line",
      {{"x1", Num(right)}, {"x2", Num(right + 4)}, {"y1", Num(ty)}, {"y2", Num(ty)}, {"stroke", "#888888"}});
  svg.Element("text",
              {{"x", Num(right + 7)},
               {"y", Num(ty + 4)},
               {"font-size", Num(kTickSize)},
               {"fill", kInkColour},
               {"class", css}},
              text);
}

// Labels: the two ends (the observed extremes, or the clip), then nice ticks that do not crowd them.
void DrawColourBarLabels(SvgWriter& svg, const ColourBar& bar, const ColourScale& colours) {
  const double lo = colours.lo, hi = colours.hi;
  const double good_end = colours.higher ? hi : lo, bad_end = colours.higher ? lo : hi;
  DrawColourBarLabel(svg, bar, good_end, ShortNumber(good_end), "tick-label colour end");
  if (colours.clip) {
    DrawColourBarLabel(svg, bar, *colours.clip,
                       absl::StrCat(colours.higher ? "≤ " : "≥ ", absl::StrFormat("%.3g", *colours.clip)),
                       "tick-label colour clip");
  } else {
    DrawColourBarLabel(svg, bar, bad_end, ShortNumber(bad_end), "tick-label colour end");
  }
  const Axis ticks = colours.log_scale ? Axis::Log(lo, hi) : Axis::Linear(lo, hi, /*nice=*/true, 5);
  for (const Tick& t : ticks.ticks()) {
    if (t.value < lo - 1e-12 * std::abs(lo) || t.value > hi + 1e-12 * std::abs(hi)) continue;
    const double ty = bar.axis.Map(t.value);
    // Too close to an end's label.
    if (std::abs(ty - bar.axis.Map(lo)) < 16 || std::abs(ty - bar.axis.Map(hi)) < 16) continue;
    DrawColourBarLabel(svg, bar, t.value, t.label, "tick-label colour");
  }
}

// The colour bar: the metric's scale, bright end marked "better".
void DrawColourBar(SvgWriter& svg, const Box& area, const ColourScale& colours, const std::string& metric) {
  ColourBar bar{area.right() + 22, colours.scale};
  bar.axis.SetPixels(area.bottom(), area.y);
  const double bx = bar.x, bw = kColourBarWidth;
  svg.Open("g", {{"class", "colourbar"}, {"shape-rendering", "crispEdges"}});
  for (int k = 0; k < kColourBarSteps; ++k) {
    const double v0 = colours.scale.AtFraction(static_cast<double>(k) / kColourBarSteps);
    const double v1 = colours.scale.AtFraction(static_cast<double>(k + 1) / kColourBarSteps);
    const double y1 = bar.axis.Map(v0), y0 = bar.axis.Map(v1);
    svg.Empty("rect", {{"x", Num(bx)},
                       {"y", Num(y0)},
                       {"width", Num(bw)},
                       {"height", Num(y1 - y0 + 0.5)},
                       {"fill", colours.Colour((v0 + v1) / 2)}});
  }
  svg.Close();
  svg.Empty("rect", {{"x", Num(bx)},
                     {"y", Num(area.y)},
                     {"width", Num(bw)},
                     {"height", Num(area.height)},
                     {"fill", "none"},
                     {"stroke", "#888888"}});
  DrawColourBarLabels(svg, bar, colours);
  svg.Element("text",
              {{"x", Num(bx + bw / 2)},
               {"y", Num(area.y - 8)},
               {"font-size", Num(kSmallSize)},
               {"text-anchor", "middle"},
               {"fill", kMutedColour}},
              metric);
}

}  // namespace

absl::StatusOr<std::string> ContourPlot(const StudyData& data, const PlotOptions& options) {
  const std::string metric = options.metric.empty() ? ObjectiveMetric(data.study) : options.metric;
  ASSIGN_OR_RETURN(ContourAxes axes, ChooseParameters(data, options));
  const v1::ParameterSpec& px = *axes.px;
  const v1::ParameterSpec& py = *axes.py;
  RETURN_IF_ERROR(RequireMetric(data, metric));
  const bool higher = HigherIsBetter(data.study, metric);

  SvgWriter svg(kContourWidth, kContourHeight,
                absl::StrCat("Contour of ", metric, " over ", px.name(), " and ", py.name()));
  const Box panel{0, 0, kContourWidth, kContourHeight};
  Box area = PlotArea(panel, /*subtitle=*/true, /*legend=*/true, 80, 52);
  area.width -= kColourBarRoom;
  axes.x = ParameterAxis(px);
  axes.y = ParameterAxis(py);
  FitAxes(area, axes.x, axes.y);

  const ContourTrials trials = CollectTrials(data, metric, axes);
  // A metric over two decades and more (a loss from 1e3 down to 1e-4) is fitted and coloured in log space:
  // a fit to the raw values is ruled by the few largest and swings below zero between them.
  const bool log_scale = !trials.observed.empty() && SpansDecades(trials.lo, trials.hi);
  ASSIGN_OR_RETURN(Surrogate surrogate,
                   Surrogate::Fit(data, {&px, &py}, metric,
                                  log_scale ? Surrogate::Scale::kLog : Surrogate::Scale::kLinear));
  const Surface surface = PredictSurface(surrogate, axes);
  const ColourScale colours = MakeColourScale(trials, higher, log_scale);

  DrawFrame(
      svg, panel, area, axes.x, axes.y,
      {.title = absl::StrCat("Contour: ", metric, " over ", px.name(), " and ", py.name()),
       .subtitle = absl::StrCat("GP fit", log_scale ? " in log space" : "", " to ", surrogate.observations(),
                                " succeeded trials; colours only span the observed values; brighter "
                                "is better"),
       .x_label = absl::StrCat(px.name(), IsLogScale(px) ? " (log scale)" : ""),
       .y_label = absl::StrCat(py.name(), IsLogScale(py) ? " (log scale)" : "")});
  DrawSurface(svg, area, surface, colours);
  const v1::Trial* best = BestTrial(trials.observed, metric, higher);
  DrawObserved(svg, trials.observed, best, metric, colours);
  DrawFailed(svg, trials.failed);
  DrawColourBar(svg, area, colours, metric);

  std::vector<LegendItem> legend = {{Marker::kRing, "#111111", "trial (filled with its value)"}};
  if (!trials.failed.empty()) legend.push_back({Marker::kCross, kFailedColour, "failed (no value)"});
  if (best != nullptr)
    legend.push_back({Marker::kDot, kBestColour, absl::StrCat("best: trial ", best->id())});
  DrawLegend(svg, area.right(), LegendBaseline(panel, true), legend);
  return svg.Finish();
}

}  // namespace hyperlab::plot
