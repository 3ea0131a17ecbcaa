// The history plot: the objective of each trial in the order the searcher proposed them, and the best so
// far. It answers "did the search keep finding better settings, or did it stall early?".
#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "lab/plot/frame.h"
#include "lab/plot/palette.h"
#include "lab/plot/plots.h"
#include "lab/plot/svg.h"

namespace hyperlab::plot {
namespace {

constexpr double kHistoryWidth = 760, kHistoryHeight = 440;

bool Failed(v1::Trial::State s) { return s == v1::Trial::FAILED || s == v1::Trial::INFEASIBLE; }

// What is drawn: trials with a value, and failed ones (without); the range of their values and ids.
struct HistoryTrials {
  double lo = 0, hi = 0, first_id = 0, last_id = 0;
  bool any_value = false, any_failed = false, any_stopped = false, any_reused = false, any_trial = false;
};

HistoryTrials SurveyTrials(const StudyData& data, const std::string& metric) {
  HistoryTrials out;
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const std::optional<double> v = MetricValue(t, metric);
    const bool failed = Failed(t.state());
    if (!v && !failed) continue;
    if (!out.any_trial) out.first_id = static_cast<double>(t.id());
    out.last_id = static_cast<double>(t.id());
    out.any_trial = true;
    if (v) {
      out.lo = out.any_value ? std::min(out.lo, *v) : *v;
      out.hi = out.any_value ? std::max(out.hi, *v) : *v;
      out.any_value = true;
      out.any_stopped |= t.state() == v1::Trial::STOPPED;
      out.any_reused |= t.has_reused_from();
    } else {
      out.any_failed = true;
    }
  }
  return out;
}

// The metric, the layout and the axes.
struct HistoryChart {
  std::string metric;
  bool maximize = false;
  Box panel, area;
  Axis x, y;
  bool log_y = false;
  double strip_y = 0;  // Where failed trials sit.
};

HistoryChart MakeChart(const std::string& metric, bool maximize, const HistoryTrials& trials) {
  HistoryChart c;
  c.metric = metric;
  c.maximize = maximize;
  c.panel = {0, 0, kHistoryWidth, kHistoryHeight};
  c.area = PlotArea(c.panel, /*subtitle=*/true, /*legend=*/true);
  c.x = Axis::Counter(trials.first_id, trials.last_id);
  // Values over two decades or more (a loss from 1e3 down to 1e-4) go on a log axis: on a linear one all
  // but the worst would lie flat along the bottom.
  c.log_y = trials.any_value && SpansDecades(trials.lo, trials.hi);
  c.y = c.log_y ? Axis::LogDecades(trials.lo, trials.hi) : Axis::Linear(trials.lo, trials.hi);
  FitAxes(c.area, c.x, c.y);
  // Failed trials have no value: they sit in a strip under the values, so they can be counted.
  c.strip_y = c.area.bottom() - 10;
  if (trials.any_failed) c.y.SetPixels(c.area.bottom() - 24, c.area.y);
  return c;
}

// The best so far over succeeded trials, and the step line that traces it up to trial `last_id`.
struct BestSoFar {
  std::optional<double> value;
  int64_t id = -1;
  std::string path;
};

BestSoFar TraceBestSoFar(const StudyData& data, const HistoryChart& c, double last_id) {
  BestSoFar best;
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const std::optional<double> v = MetricValue(t, c.metric);
    if (t.state() != v1::Trial::SUCCEEDED || !v) continue;
    const double px = c.x.Map(static_cast<double>(t.id()));
    if (!best.value) {
      best.value = v;
      best.id = t.id();
      absl::StrAppend(&best.path, "M", Num(px), " ", Num(c.y.Map(*v)));
    } else if (c.maximize ? *v > *best.value : *v < *best.value) {
      absl::StrAppend(&best.path, "H", Num(px), "V", Num(c.y.Map(*v)));
      best.value = v;
      best.id = t.id();
    }
  }
  if (!best.path.empty()) absl::StrAppend(&best.path, "H", Num(c.x.Map(last_id)));
  return best;
}

std::string Subtitle(const StudyData& data, const HistoryChart& c, const HistoryTrials& trials,
                     const BestSoFar& best) {
  std::string subtitle = absl::StrCat(c.metric, " (", c.maximize ? "higher" : "lower", " is better) of ",
                                      data.trials.size(), " trials");
  if (best.value) absl::StrAppend(&subtitle, "; best ", ShortNumber(*best.value), " at trial ", best.id);
  if (c.log_y) {
    absl::StrAppend(&subtitle, "; log axis: the values span ", ShortNumber(trials.lo), " to ",
                    ShortNumber(trials.hi));
  }
  return subtitle;
}

// The strip of failed trials is set off from the values by a rule, and labelled where the y tick labels
// are: outside the plot area, so the label can never cover a trial.
void DrawFailedStrip(SvgWriter& svg, const HistoryChart& c) {
  svg.Empty("line", {{"x1", Num(c.area.x)},
                     {"x2", Num(c.area.right())},
                     {"y1", Num(c.strip_y - 9)},
                     {"y2", Num(c.strip_y - 9)},
                     {"stroke", "#c8c8c8"},
                     {"stroke-dasharray", "3 3"},
                     {"class", "strip-rule"}});
  svg.Element("text",
              {{"x", Num(c.area.x - 7)},
               {"y", Num(c.strip_y + 4)},
               {"font-size", Num(kSmallSize)},
               {"text-anchor", "end"},
               {"fill", kMutedColour},
               {"class", "strip-label"}},
              "failed");
}

void DrawBestSoFarLine(SvgWriter& svg, const BestSoFar& best) {
  svg.Open("path", {{"d", best.path},
                    {"fill", "none"},
                    {"stroke", kBestColour},
                    {"stroke-width", "2"},
                    {"stroke-linejoin", "round"},
                    {"class", "best-so-far"}});
  svg.Element("title", {}, "best so far");
  svg.Close();
}

// Every trial with a value at its value (rings for stopped ones, diamonds for reused ones), failed ones
// in the strip, each with its tooltip.
void DrawPoints(SvgWriter& svg, const StudyData& data, const HistoryChart& c) {
  svg.Open("g", {{"class", "points"}});
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const std::optional<double> v = MetricValue(t, c.metric);
    const double px = c.x.Map(static_cast<double>(t.id()));
    const std::string state = StateName(t.state());
    std::string tip =
        absl::StrCat("trial ", t.id(), " (", state, t.has_reused_from() ? ", reused" : "", "): ", c.metric,
                     "=", v ? ShortNumber(*v) : "none", "\n", ParameterSummary(t));
    if (!t.reason().empty()) absl::StrAppend(&tip, "\n", t.reason());
    if (v) {
      if (t.state() == v1::Trial::STOPPED) {
        DrawMarker(svg, Marker::kRing, px, c.y.Map(*v), kStoppedColour, "point stopped", tip);
      } else {
        DrawMarker(svg, t.has_reused_from() ? Marker::kDiamond : Marker::kDot, px, c.y.Map(*v), kPointColour,
                   t.has_reused_from() ? "point succeeded reused" : "point succeeded", tip);
      }
    } else if (Failed(t.state())) {
      DrawMarker(svg, Marker::kCross, px, c.strip_y, kFailedColour, "point failed", tip);
    }
  }
  svg.Close();
}

// A ring around the best trial.
void DrawBestMarker(SvgWriter& svg, const HistoryChart& c, const BestSoFar& best) {
  svg.Empty("circle", {{"cx", Num(c.x.Map(static_cast<double>(best.id)))},
                       {"cy", Num(c.y.Map(*best.value))},
                       {"r", "8"},
                       {"fill", "none"},
                       {"stroke", kBestColour},
                       {"stroke-width", "2"},
                       {"class", "best-marker"}});
}

}  // namespace

absl::StatusOr<std::string> HistoryPlot(const StudyData& data, const PlotOptions& options) {
  const std::string metric = options.metric.empty() ? ObjectiveMetric(data.study) : options.metric;
  RETURN_IF_ERROR(RequireMetric(data, metric));
  const bool maximize = HigherIsBetter(data.study, metric);

  const HistoryTrials trials = SurveyTrials(data, metric);
  SvgWriter svg(kHistoryWidth, kHistoryHeight,
                absl::StrCat("History of ", metric, " in study ", data.study.spec().name()));
  const HistoryChart chart = MakeChart(metric, maximize, trials);
  const BestSoFar best = TraceBestSoFar(data, chart, trials.last_id);
  DrawFrame(svg, chart.panel, chart.area, chart.x, chart.y,
            {.title = absl::StrCat("History: ", metric, " per trial"),
             .subtitle = Subtitle(data, chart, trials, best),
             .x_label = "trial (in the order proposed)",
             .y_label = absl::StrCat(metric, chart.log_y ? " (log scale)" : "")});
  if (trials.any_failed) DrawFailedStrip(svg, chart);
  if (!best.path.empty()) DrawBestSoFarLine(svg, best);
  DrawPoints(svg, data, chart);
  if (best.value) DrawBestMarker(svg, chart, best);

  std::vector<LegendItem> legend = {{Marker::kDot, kPointColour, "succeeded"}};
  if (trials.any_reused) legend.push_back({Marker::kDiamond, kPointColour, "reused"});
  if (trials.any_stopped) legend.push_back({Marker::kRing, kStoppedColour, "stopped early"});
  if (trials.any_failed) legend.push_back({Marker::kCross, kFailedColour, "failed"});
  if (best.value) legend.push_back({Marker::kLine, kBestColour, "best so far"});
  DrawLegend(svg, chart.area.right(), LegendBaseline(chart.panel, true), legend);
  return svg.Finish();
}

}  // namespace hyperlab::plot
