// The parallel-coordinates plot: one vertical axis per parameter and one for the objective (rightmost), each
// trial a line through its values on them, coloured by its objective. Where a slice shows one parameter at
// a time, this shows which settings go together: the bright lines (the good trials) bundle on each axis
// where the good values are, crossing lines between two axes show a trade-off.
//
// Axes: the parameter's search domain (log for `scale: LOG`, one band per category, linear otherwise); the
// objective's observed range, on a log axis when it spans decades (SpansDecades). Failed trials have no
// value: grey lines that end in a "failed" slot under the objective axis, drawn first, under the others.
// Conditional parameters (parameter_tree.h) get an axis too, named with when they exist; a trial without
// one passes through an "absent" slot under that axis, so that each trial stays one unbroken line and no
// value is invented for it.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "lab/plot/frame.h"
#include "lab/plot/palette.h"
#include "lab/plot/plots.h"
#include "lab/plot/svg.h"

namespace hyperlab::plot {
namespace {

constexpr double kParallelHeight = 480;
constexpr double kAxisNameRoom = 34;  // Above the plot area: each axis's name and what kind it is.
constexpr double kFailedSlot = 26;    // Below the objective's range: where failed trials end.
constexpr char kFailedLineColour[] = "#b8b8b8";
constexpr int kColourStripSteps = 40;  // Bands of the objective axis's colour strip.

// A spread within a category's band, the same for a trial every time: lines through one category fan out
// instead of drawing over one another.
double ParallelJitter(int64_t id, int axis) {
  uint64_t h =
      (static_cast<uint64_t>(id) + 0x51ED27ull * static_cast<uint64_t>(axis + 1)) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  return (static_cast<double>(h % 1000) / 999.0 - 0.5) * 0.4;
}

std::string Shorten(const std::string& s, size_t n) { return s.size() > n ? s.substr(0, n - 1) + "…" : s; }

// The parameters on the axes: those named in `options`, in that order, or else every one of the study's
// (the conditional ones after their parents).
absl::StatusOr<std::vector<const v1::ParameterSpec*>> ChooseParameters(const StudyData& data,
                                                                       const PlotOptions& options) {
  std::vector<const v1::ParameterSpec*> params;
  if (options.params.empty()) {
    params = StudyParameters(data.study);
  } else {
    for (const std::string& name : options.params) {
      ASSIGN_OR_RETURN(const v1::ParameterSpec* p, FindParameter(data.study, name));
      if (std::find(params.begin(), params.end(), p) != params.end()) {
        return absl::InvalidArgumentError(absl::StrCat("parameter '", name, "' is named twice in --params"));
      }
      params.push_back(p);
    }
  }
  if (params.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("study '", data.study.spec().name(), "' has no parameters"));
  }
  return params;
}

// A trial drawn, with its value of the metric (none for a failed trial).
struct Line {
  const v1::Trial* trial;
  std::optional<double> value;
};

// The trials drawn: those with a value of the metric, and failed ones; and the range of the values.
struct Lines {
  std::vector<Line> lines;
  double lo = 0, hi = 1;  // [0, 1] when no trial has a value.
  bool any_value = false;
  int failed = 0;  // Lines without a value.
};

Lines CollectLines(const StudyData& data, const std::string& metric) {
  Lines out;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const std::optional<double> v = MetricValue(t, metric);
    const bool failed = t.state() == v1::Trial::FAILED || t.state() == v1::Trial::INFEASIBLE;
    if (!v && !failed) continue;
    out.lines.push_back({&t, v});
    if (v) {
      lo = std::min(lo, *v);
      hi = std::max(hi, *v);
    }
  }
  out.any_value = hi >= lo;
  if (out.any_value) {
    out.lo = lo;
    out.hi = hi;
  }
  out.failed = static_cast<int>(
      std::count_if(out.lines.begin(), out.lines.end(), [](const Line& l) { return !l.value.has_value(); }));
  return out;
}

// Where everything goes, and how a value is coloured.
struct Chart {
  std::string metric;
  bool higher = true;      // Higher values of the metric are better.
  bool log_value = false;  // The objective's axis is logarithmic.
  int failed = 0;          // Failed trials, drawn in grey.
  std::vector<const v1::ParameterSpec*> params;
  std::vector<std::string> exists_when;  // Per parameter: when it exists ("optimizer = sgd"), or empty.
  Box panel, area;
  double value_bottom = 0;  // The bottom of the objective's range.
  double failed_y = 0;      // Where failed trials end, under it (and where absent parameters are).
  std::vector<Axis> axes;   // One per parameter, then the objective's.
  std::vector<double> xs;   // Where they stand.
  Axis colour_scale;

  int n_axes() const { return static_cast<int>(axes.size()); }
  const Axis& value_axis() const { return axes.back(); }
  // Colours span the observed values (bright is better), in log space on a log axis.
  std::string Colour(double v) const {
    const double t = std::clamp(colour_scale.Fraction(v), 0.0, 1.0);
    return Viridis(higher ? t : 1 - t);
  }
};

// Layout: the axes evenly spaced; room on the right for the objective's colour strip and labels.
Chart MakeChart(const v1::Study& study, const std::string& metric, bool higher,
                std::vector<const v1::ParameterSpec*> params, const Lines& lines) {
  Chart c;
  for (const v1::ParameterSpec* p : params) c.exists_when.push_back(ExistsWhen(study, *p));
  c.metric = metric;
  c.higher = higher;
  c.log_value = lines.any_value && SpansDecades(lines.lo, lines.hi);
  c.failed = lines.failed;
  c.params = std::move(params);
  const int n_axes = static_cast<int>(c.params.size()) + 1;
  const double width = std::max(760.0, 130.0 * n_axes + 120);
  c.panel = {0, 0, width, kParallelHeight};
  c.area = PlotArea(c.panel, /*subtitle=*/true, /*legend=*/true, 70, 24);
  c.area.y += kAxisNameRoom;
  c.area.height -= kAxisNameRoom;
  c.area.width -= 70;  // The objective's colour strip and tick labels.
  c.value_bottom = c.area.bottom() - kFailedSlot;
  c.failed_y = c.area.bottom() - 8;

  for (const v1::ParameterSpec* p : c.params) c.axes.push_back(ParameterAxis(*p));
  c.axes.push_back(c.log_value ? Axis::LogDecades(lines.lo, lines.hi) : Axis::Linear(lines.lo, lines.hi));
  for (int k = 0; k < n_axes; ++k) {
    c.xs.push_back(n_axes == 1 ? c.area.x : c.area.x + c.area.width * k / (n_axes - 1));
    c.axes[k].SetPixels(c.value_bottom, c.area.y);
  }
  c.colour_scale =
      c.log_value ? Axis::Log(lines.lo, lines.hi) : Axis::Linear(lines.lo, lines.hi, /*nice=*/false);
  return c;
}

// Title and subtitle (no frame: the axes are drawn here).
void DrawTitles(SvgWriter& svg, const Chart& c, const Lines& lines) {
  DrawFigureTitle(svg, absl::StrCat("Parallel coordinates: ", c.metric, " and the parameters"),
                  absl::StrCat(lines.lines.size(), " trials, one line each, coloured by ", c.metric, " (",
                               c.higher ? "higher" : "lower", " is better; brighter is better)",
                               c.failed > 0 ? absl::StrCat("; ", c.failed, " failed, in grey") : ""));
}

// The succeeded trial with the best value, or null when there is none.
const Line* BestLine(const std::vector<Line>& lines, bool higher) {
  const Line* best = nullptr;
  for (const Line& l : lines) {
    if (l.value && l.trial->state() == v1::Trial::SUCCEEDED &&
        (best == nullptr || (higher ? *l.value > *best->value : *l.value < *best->value)))
      best = &l;
  }
  return best;
}

// The path of a trial through its values on the axes, ending at its value (or in the failed slot).
std::string LinePath(const Chart& c, const Line& l) {
  const v1::Trial& t = *l.trial;
  std::string d;
  bool pen_down = false;
  for (int k = 0; k + 1 < c.n_axes(); ++k) {
    const v1::ParameterValue* pv = ParameterValueOf(t, c.params[k]->name());
    std::optional<double> a = pv == nullptr ? std::nullopt : AxisValue(*c.params[k], *pv);
    double y;
    if (a) {
      if (IsCategorical(*c.params[k])) *a += ParallelJitter(t.id(), k);
      y = c.axes[k].Map(*a);
    } else if (pv == nullptr && !c.exists_when[k].empty()) {
      y = c.failed_y;  // A conditional parameter the trial does not have: the axis's "absent" slot.
    } else {
      pen_down = false;  // A value off the axis (a category no longer in the spec): a gap in its line.
      continue;
    }
    absl::StrAppend(&d, pen_down ? "L" : "M", Num(c.xs[k]), " ", Num(y));
    pen_down = true;
  }
  const double end_y = l.value ? c.value_axis().Map(*l.value) : c.failed_y;
  absl::StrAppend(&d, pen_down ? "L" : "M", Num(c.xs.back()), " ", Num(end_y));
  return d;
}

// One trial's line with its tooltip: grey when failed, outlined when the best, dashed when stopped.
void DrawLine(SvgWriter& svg, const Chart& c, const Line& l, bool best) {
  const v1::Trial& t = *l.trial;
  const std::string d = LinePath(c, l);
  const std::string state = StateName(t.state());
  std::string tip = absl::StrCat("trial ", t.id(), " (", state, "): ", c.metric, "=",
                                 l.value ? ShortNumber(*l.value) : "none", "\n", ParameterSummary(t));
  if (!t.reason().empty()) absl::StrAppend(&tip, "\n", t.reason());
  Attrs attrs = {{"d", d}};
  std::string css = absl::StrCat("line ", state);
  if (!l.value) {
    attrs.push_back({"stroke", kFailedLineColour});
    attrs.push_back({"stroke-width", "1.3"});
  } else if (best) {
    // The best trial: its own colour over a dark outline, so it stands out among the bright lines.
    svg.Empty("path", {{"d", d}, {"stroke", kInkColour}, {"stroke-width", "5"}, {"class", "best-outline"}});
    attrs.push_back({"stroke", c.Colour(*l.value)});
    attrs.push_back({"stroke-width", "2.6"});
    css += " best";
  } else {
    attrs.push_back({"stroke", c.Colour(*l.value)});
    attrs.push_back({"stroke-width", "1.6"});
    attrs.push_back({"stroke-opacity", "0.9"});
  }
  if (t.state() == v1::Trial::STOPPED) attrs.push_back({"stroke-dasharray", "5 3"});
  attrs.push_back({"class", css});
  svg.Open("path", attrs);
  svg.Element("title", {}, tip);
  svg.Close();
}

// The lines, under the axes and their labels (which carry a white halo, so that they stay readable):
// failed first, then worst to best, so the best lie on top.
void DrawLines(SvgWriter& svg, const Chart& c, const Lines& lines, const Line* best) {
  std::vector<const Line*> order;
  for (const Line& l : lines.lines) order.push_back(&l);
  std::stable_sort(order.begin(), order.end(), [&](const Line* a, const Line* b) {
    if (a->value.has_value() != b->value.has_value()) return !a->value.has_value();
    if (!a->value) return false;
    return c.higher ? *a->value < *b->value : *a->value > *b->value;
  });
  svg.Open("g", {{"class", "lines"}, {"fill", "none"}, {"stroke-linejoin", "round"}});
  for (const Line* l : order) DrawLine(svg, c, *l, l == best);
  svg.Close();
}

// Axis k's name on top, and what kind of axis it is under the name.
void DrawAxisName(SvgWriter& svg, const Chart& c, int k) {
  const bool objective = k == c.n_axes() - 1;
  const double x = c.xs[k];
  const std::string name = objective ? c.metric : c.params[k]->name();
  std::string kind;
  if (objective) {
    kind = absl::StrCat(c.higher ? "higher" : "lower", " is better", c.log_value ? ", log scale" : "");
  } else if (!c.exists_when[k].empty()) {
    kind = Shorten(absl::StrCat("if ", c.exists_when[k]), 24);
  } else if (IsCategorical(*c.params[k])) {
    kind = "categorical";
  } else if (IsLogScale(*c.params[k])) {
    kind = "log scale";
  }
  svg.Element("text",
              {{"x", Num(x)},
               {"y", Num(c.area.y - kAxisNameRoom + 10)},
               {"font-size", Num(kLabelSize)},
               {"font-weight", "bold"},
               {"text-anchor", "middle"},
               {"fill", kInkColour},
               {"class", "axis-name"}},
              Shorten(name, 22));
  if (!kind.empty()) {
    svg.Element("text",
                {{"x", Num(x)},
                 {"y", Num(c.area.y - kAxisNameRoom + 24)},
                 {"font-size", Num(kSmallSize)},
                 {"text-anchor", "middle"},
                 {"fill", kMutedColour},
                 {"class", "axis-kind"}},
                kind);
  }
}

// Axis k's ticks and their labels, to its left (the objective's to its right, with the failed slot).
// Tick labels carry a white halo (painted under the glyphs) over the lines that cross them.
void DrawAxisTicks(SvgWriter& svg, const Chart& c, int k) {
  const Axis& a = c.axes[k];
  const bool objective = k == c.n_axes() - 1;
  const double x = c.xs[k];
  const double label_x = objective ? x + 16 : x - 6;
  for (const Tick& t : a.ticks()) {
    const double y = a.Map(t.value);
    svg.Empty("line", {{"x1", Num(objective ? x : x - 4)},
                       {"x2", Num(objective ? x + 4 : x)},
                       {"y1", Num(y)},
                       {"y2", Num(y)},
                       {"stroke", "#777777"}});
    svg.Element("text",
                {{"x", Num(label_x)},
                 {"y", Num(y + 4)},
                 {"font-size", Num(kTickSize)},
                 {"text-anchor", objective ? "start" : "end"},
                 {"fill", kInkColour},
                 {"stroke", "#ffffff"},
                 {"stroke-width", "3"},
                 {"paint-order", "stroke"},
                 {"class", objective ? "tick-label objective" : "tick-label"}},
                a.kind() == Axis::Kind::kCategorical ? Shorten(t.label, 14) : t.label);
  }
  const bool conditional = !objective && !c.exists_when[k].empty();
  if (conditional) {
    svg.Element("text",
                {{"x", Num(label_x)},
                 {"y", Num(c.failed_y + 4)},
                 {"font-size", Num(kSmallSize)},
                 {"text-anchor", "end"},
                 {"fill", kMutedColour},
                 {"class", "tick-label absent-slot"}},
                "absent");
  }
  if (objective && c.failed > 0) {
    svg.Element("text",
                {{"x", Num(label_x)},
                 {"y", Num(c.failed_y + 4)},
                 {"font-size", Num(kSmallSize)},
                 {"fill", kMutedColour},
                 {"class", "tick-label failed-slot"}},
                "failed");
  }
}

// The axes: a line, ticks and labels to its left (the objective's to its right), its name on top.
void DrawAxes(SvgWriter& svg, const Chart& c) {
  for (int k = 0; k < c.n_axes(); ++k) {
    const bool objective = k == c.n_axes() - 1;
    const double x = c.xs[k];
    svg.Open("g", {{"class", objective ? "axis objective" : "axis parameter"},
                   {"data-name", objective ? c.metric : c.params[k]->name()}});
    svg.Empty("line", {{"x1", Num(x)},
                       {"x2", Num(x)},
                       {"y1", Num(c.area.y)},
                       {"y2", Num((objective && c.failed > 0) || (!objective && !c.exists_when[k].empty())
                                      ? c.area.bottom()
                                      : c.value_bottom)},
                       {"stroke", "#777777"},
                       {"stroke-width", "1.2"}});
    DrawAxisName(svg, c, k);
    DrawAxisTicks(svg, c, k);
    svg.Close();
  }
}

// The objective axis's colour strip: the colour scale itself, next to the values it stands for.
void DrawColourStrip(SvgWriter& svg, const Chart& c, const Lines& lines) {
  svg.Open("g", {{"class", "colourbar"}, {"shape-rendering", "crispEdges"}});
  const double y0 = c.value_axis().Map(lines.lo), y1 = c.value_axis().Map(lines.hi);
  for (int s = 0; s < kColourStripSteps; ++s) {
    const double a = y0 + (y1 - y0) * s / kColourStripSteps, b = y0 + (y1 - y0) * (s + 1) / kColourStripSteps;
    svg.Empty("rect", {{"x", Num(c.xs.back() + 4)},
                       {"y", Num(std::min(a, b))},
                       {"width", "7"},
                       {"height", Num(std::abs(b - a) + 0.5)},
                       {"fill", c.Colour(c.colour_scale.AtFraction((s + 0.5) / kColourStripSteps))}});
  }
  svg.Close();
}

}  // namespace

absl::StatusOr<std::string> ParallelPlot(const StudyData& data, const PlotOptions& options) {
  const std::string metric = options.metric.empty() ? ObjectiveMetric(data.study) : options.metric;
  RETURN_IF_ERROR(RequireTrials(data));
  RETURN_IF_ERROR(RequireMetric(data, metric));
  const bool higher = HigherIsBetter(data.study, metric);
  ASSIGN_OR_RETURN(std::vector<const v1::ParameterSpec*> params, ChooseParameters(data, options));

  const Lines lines = CollectLines(data, metric);
  const Chart chart = MakeChart(data.study, metric, higher, std::move(params), lines);
  SvgWriter svg(chart.panel.width, kParallelHeight,
                absl::StrCat("Parallel coordinates of ", metric, " in study ", data.study.spec().name()));
  DrawTitles(svg, chart, lines);
  const Line* best = BestLine(lines.lines, higher);
  DrawLines(svg, chart, lines, best);
  DrawAxes(svg, chart);
  if (lines.any_value) DrawColourStrip(svg, chart, lines);

  const bool any_stopped = std::any_of(lines.lines.begin(), lines.lines.end(),
                                       [](const Line& l) { return l.trial->state() == v1::Trial::STOPPED; });
  std::vector<LegendItem> legend = {{Marker::kLine, Viridis(0.75), "trial (colour: its value)"}};
  if (any_stopped) legend.push_back({Marker::kDash, Viridis(0.5), "stopped early"});
  if (chart.failed > 0) legend.push_back({Marker::kLine, kFailedLineColour, "failed (no value)"});
  if (best != nullptr)
    legend.push_back({Marker::kLine, kInkColour, absl::StrCat("best: trial ", best->trial->id())});
  DrawLegend(svg, chart.panel.right() - 24, LegendBaseline(chart.panel, true), legend);
  return svg.Finish();
}

}  // namespace hyperlab::plot
