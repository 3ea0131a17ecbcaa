// The parallel-coordinates plot: one vertical axis per parameter and one for the objective (rightmost), each
// trial a line through its values on them, coloured by its objective. Where a slice shows one parameter at
// a time, this shows which settings go together: the bright lines (the good trials) bundle on each axis
// where the good values are, crossing lines between two axes show a trade-off.
//
// Axes: the parameter's search domain (log for `scale: LOG`, one band per category, linear otherwise); the
// objective's observed range, on a log axis when it spans decades (SpansDecades). Failed trials have no
// value: grey lines that end in a "failed" slot under the objective axis, drawn first, under the others.
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

// A spread within a category's band, the same for a trial every time: lines through one category fan out
// instead of drawing over one another.
double ParallelJitter(int64_t id, int axis) {
  uint64_t h =
      (static_cast<uint64_t>(id) + 0x51ED27ull * static_cast<uint64_t>(axis + 1)) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  return (static_cast<double>(h % 1000) / 999.0 - 0.5) * 0.4;
}

std::string Shorten(const std::string& s, size_t n) { return s.size() > n ? s.substr(0, n - 1) + "…" : s; }

}  // namespace

absl::StatusOr<std::string> ParallelPlot(const StudyData& data, const PlotOptions& options) {
  const std::string metric = options.metric.empty() ? ObjectiveMetric(data.study) : options.metric;
  RETURN_IF_ERROR(RequireTrials(data));
  RETURN_IF_ERROR(RequireMetric(data, metric));
  const bool higher = HigherIsBetter(data.study, metric);

  std::vector<const v1::ParameterSpec*> params;
  if (options.params.empty()) {
    for (const v1::ParameterSpec& p : data.study.spec().parameters()) params.push_back(&p);
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

  // The trials drawn: those with a value of the metric, and failed ones.
  struct Line {
    const v1::Trial* trial;
    std::optional<double> value;
  };
  std::vector<Line> lines;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const std::optional<double> v = MetricValue(t, metric);
    const bool failed = t.state() == v1::Trial::FAILED || t.state() == v1::Trial::INFEASIBLE;
    if (!v && !failed) continue;
    lines.push_back({&t, v});
    if (v) {
      lo = std::min(lo, *v);
      hi = std::max(hi, *v);
    }
  }
  const bool any_value = hi >= lo;
  if (!any_value) {
    lo = 0;
    hi = 1;
  }
  const bool log_value = any_value && SpansDecades(lo, hi);

  // Layout: the axes evenly spaced; room on the right for the objective's colour strip and labels.
  const int n_axes = static_cast<int>(params.size()) + 1;
  const double width = std::max(760.0, 130.0 * n_axes + 120);
  SvgWriter svg(width, kParallelHeight,
                absl::StrCat("Parallel coordinates of ", metric, " in study ", data.study.spec().name()));
  const Box panel{0, 0, width, kParallelHeight};
  Box area = PlotArea(panel, /*subtitle=*/true, /*legend=*/true, 70, 24);
  area.y += kAxisNameRoom;
  area.height -= kAxisNameRoom;
  area.width -= 70;  // The objective's colour strip and tick labels.
  const double value_bottom = area.bottom() - kFailedSlot, failed_y = area.bottom() - 8;

  std::vector<Axis> axes;
  for (const v1::ParameterSpec* p : params) axes.push_back(ParameterAxis(*p));
  axes.push_back(log_value ? Axis::LogDecades(lo, hi) : Axis::Linear(lo, hi));
  std::vector<double> xs;
  for (int k = 0; k < n_axes; ++k) {
    xs.push_back(n_axes == 1 ? area.x : area.x + area.width * k / (n_axes - 1));
    axes[k].SetPixels(value_bottom, area.y);
  }
  const Axis& value_axis = axes.back();
  // Colours span the observed values (bright is better), in log space on a log axis.
  const Axis colour_scale = log_value ? Axis::Log(lo, hi) : Axis::Linear(lo, hi, /*nice=*/false);
  auto colour = [&](double v) {
    const double t = std::clamp(colour_scale.Fraction(v), 0.0, 1.0);
    return Viridis(higher ? t : 1 - t);
  };

  // Title and subtitle (no frame: the axes are drawn here).
  const int n_failed = static_cast<int>(
      std::count_if(lines.begin(), lines.end(), [](const Line& l) { return !l.value.has_value(); }));
  svg.Element(
      "text",
      {{"x", "12"}, {"y", "22"}, {"font-size", Num(kTitleSize)}, {"fill", kInkColour}, {"class", "title"}},
      absl::StrCat("Parallel coordinates: ", metric, " and the parameters"));
  svg.Element("text",
              {{"x", "12"},
               {"y", "41"},
               {"font-size", Num(kSmallSize + 1)},
               {"fill", kMutedColour},
               {"class", "subtitle"}},
              absl::StrCat(lines.size(), " trials, one line each, coloured by ", metric, " (",
                           higher ? "higher" : "lower", " is better; brighter is better)",
                           n_failed > 0 ? absl::StrCat("; ", n_failed, " failed, in grey") : ""));

  // The lines, under the axes and their labels (which carry a white halo, so that they stay readable):
  // failed first, then worst to best, so the best lie on top.
  std::vector<const Line*> order;
  for (const Line& l : lines) order.push_back(&l);
  std::stable_sort(order.begin(), order.end(), [&](const Line* a, const Line* b) {
    if (a->value.has_value() != b->value.has_value()) return !a->value.has_value();
    if (!a->value) return false;
    return higher ? *a->value < *b->value : *a->value > *b->value;
  });
  const Line* best = nullptr;
  for (const Line& l : lines) {
    if (l.value && l.trial->state() == v1::Trial::SUCCEEDED &&
        (best == nullptr || (higher ? *l.value > *best->value : *l.value < *best->value)))
      best = &l;
  }
  bool any_stopped = false;
  svg.Open("g", {{"class", "lines"}, {"fill", "none"}, {"stroke-linejoin", "round"}});
  for (const Line* l : order) {
    const v1::Trial& t = *l->trial;
    std::string d;
    bool pen_down = false;
    for (int k = 0; k + 1 < n_axes; ++k) {
      const v1::ParameterValue* pv = ParameterValueOf(t, params[k]->name());
      std::optional<double> a = pv == nullptr ? std::nullopt : AxisValue(*params[k], *pv);
      if (!a) {
        pen_down = false;  // A parameter the trial does not have: a gap in its line.
        continue;
      }
      if (IsCategorical(*params[k])) *a += ParallelJitter(t.id(), k);
      absl::StrAppend(&d, pen_down ? "L" : "M", Num(xs[k]), " ", Num(axes[k].Map(*a)));
      pen_down = true;
    }
    const double end_y = l->value ? value_axis.Map(*l->value) : failed_y;
    absl::StrAppend(&d, pen_down ? "L" : "M", Num(xs.back()), " ", Num(end_y));
    const std::string state = StateName(t.state());
    std::string tip = absl::StrCat("trial ", t.id(), " (", state, "): ", metric, "=",
                                   l->value ? ShortNumber(*l->value) : "none", "\n", ParameterSummary(t));
    if (!t.reason().empty()) absl::StrAppend(&tip, "\n", t.reason());
    Attrs attrs = {{"d", d}};
    std::string css = absl::StrCat("line ", state);
    if (!l->value) {
      attrs.push_back({"stroke", kFailedLineColour});
      attrs.push_back({"stroke-width", "1.3"});
    } else if (l == best) {
      // The best trial: its own colour over a dark outline, so it stands out among the bright lines.
      svg.Empty("path", {{"d", d}, {"stroke", kInkColour}, {"stroke-width", "5"}, {"class", "best-outline"}});
      attrs.push_back({"stroke", colour(*l->value)});
      attrs.push_back({"stroke-width", "2.6"});
      css += " best";
    } else {
      attrs.push_back({"stroke", colour(*l->value)});
      attrs.push_back({"stroke-width", "1.6"});
      attrs.push_back({"stroke-opacity", "0.9"});
    }
    if (t.state() == v1::Trial::STOPPED) {
      attrs.push_back({"stroke-dasharray", "5 3"});
      any_stopped = true;
    }
    attrs.push_back({"class", css});
    svg.Open("path", attrs);
    svg.Element("title", {}, tip);
    svg.Close();
  }
  svg.Close();

  // The axes: a line, ticks and labels to its left (the objective's to its right), its name on top.
  for (int k = 0; k < n_axes; ++k) {
    const Axis& a = axes[k];
    const bool objective = k == n_axes - 1;
    const double x = xs[k];
    svg.Open("g", {{"class", objective ? "axis objective" : "axis parameter"},
                   {"data-name", objective ? metric : params[k]->name()}});
    svg.Empty("line", {{"x1", Num(x)},
                       {"x2", Num(x)},
                       {"y1", Num(area.y)},
                       {"y2", Num(objective && n_failed > 0 ? area.bottom() : value_bottom)},
                       {"stroke", "#777777"},
                       {"stroke-width", "1.2"}});
    const std::string name = objective ? metric : params[k]->name();
    std::string kind;
    if (objective) {
      kind = absl::StrCat(higher ? "higher" : "lower", " is better", log_value ? ", log scale" : "");
    } else if (IsCategorical(*params[k])) {
      kind = "categorical";
    } else if (IsLogScale(*params[k])) {
      kind = "log scale";
    }
    svg.Element("text",
                {{"x", Num(x)},
                 {"y", Num(area.y - kAxisNameRoom + 10)},
                 {"font-size", Num(kLabelSize)},
                 {"font-weight", "bold"},
                 {"text-anchor", "middle"},
                 {"fill", kInkColour},
                 {"class", "axis-name"}},
                Shorten(name, 22));
    if (!kind.empty()) {
      svg.Element("text",
                  {{"x", Num(x)},
                   {"y", Num(area.y - kAxisNameRoom + 24)},
                   {"font-size", Num(kSmallSize)},
                   {"text-anchor", "middle"},
                   {"fill", kMutedColour},
                   {"class", "axis-kind"}},
                  kind);
    }
    // Tick labels carry a white halo (painted under the glyphs) over the lines that cross them.
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
    if (objective && n_failed > 0) {
      svg.Element("text",
                  {{"x", Num(label_x)},
                   {"y", Num(failed_y + 4)},
                   {"font-size", Num(kSmallSize)},
                   {"fill", kMutedColour},
                   {"class", "tick-label failed-slot"}},
                  "failed");
    }
    svg.Close();
  }
  // The objective axis's colour strip: the colour scale itself, next to the values it stands for.
  if (any_value) {
    svg.Open("g", {{"class", "colourbar"}, {"shape-rendering", "crispEdges"}});
    const double y0 = value_axis.Map(lo), y1 = value_axis.Map(hi);
    constexpr int kSteps = 40;
    for (int s = 0; s < kSteps; ++s) {
      const double a = y0 + (y1 - y0) * s / kSteps, b = y0 + (y1 - y0) * (s + 1) / kSteps;
      svg.Empty("rect", {{"x", Num(xs.back() + 4)},
                         {"y", Num(std::min(a, b))},
                         {"width", "7"},
                         {"height", Num(std::abs(b - a) + 0.5)},
                         {"fill", colour(colour_scale.AtFraction((s + 0.5) / kSteps))}});
    }
    svg.Close();
  }

  std::vector<LegendItem> legend = {{Marker::kLine, Viridis(0.75), "trial (colour: its value)"}};
  if (any_stopped) legend.push_back({Marker::kDash, Viridis(0.5), "stopped early"});
  if (n_failed > 0) legend.push_back({Marker::kLine, kFailedLineColour, "failed (no value)"});
  if (best != nullptr)
    legend.push_back({Marker::kLine, kInkColour, absl::StrCat("best: trial ", best->trial->id())});
  DrawLegend(svg, panel.right() - 24, LegendBaseline(panel, true), legend);
  return svg.Finish();
}

}  // namespace hyperlab::plot
