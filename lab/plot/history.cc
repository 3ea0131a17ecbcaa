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

}  // namespace

absl::StatusOr<std::string> HistoryPlot(const StudyData& data, const PlotOptions& options) {
  const std::string metric = options.metric.empty() ? ObjectiveMetric(data.study) : options.metric;
  RETURN_IF_ERROR(RequireMetric(data, metric));
  const bool maximize = HigherIsBetter(data.study, metric);

  // What is drawn: trials with a value, and failed ones (without).
  double lo = 0, hi = 0, first_id = 0, last_id = 0;
  bool any_value = false, any_failed = false, any_stopped = false, any_reused = false, any_trial = false;
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const std::optional<double> v = MetricValue(t, metric);
    const bool failed = Failed(t.state());
    if (!v && !failed) continue;
    if (!any_trial) first_id = static_cast<double>(t.id());
    last_id = static_cast<double>(t.id());
    any_trial = true;
    if (v) {
      lo = any_value ? std::min(lo, *v) : *v;
      hi = any_value ? std::max(hi, *v) : *v;
      any_value = true;
      any_stopped |= t.state() == v1::Trial::STOPPED;
      any_reused |= t.has_reused_from();
    } else {
      any_failed = true;
    }
  }

  SvgWriter svg(kHistoryWidth, kHistoryHeight,
                absl::StrCat("History of ", metric, " in study ", data.study.spec().name()));
  const Box panel{0, 0, kHistoryWidth, kHistoryHeight};
  const Box area = PlotArea(panel, /*subtitle=*/true, /*legend=*/true);
  Axis x = Axis::Counter(first_id, last_id);
  // Values over two decades or more (a loss from 1e3 down to 1e-4) go on a log axis: on a linear one all
  // but the worst would lie flat along the bottom.
  const bool log_y = any_value && SpansDecades(lo, hi);
  Axis y = log_y ? Axis::LogDecades(lo, hi) : Axis::Linear(lo, hi);
  FitAxes(area, x, y);
  // Failed trials have no value: they sit in a strip under the values, so they can be counted.
  const double strip_y = area.bottom() - 10;
  if (any_failed) y.SetPixels(area.bottom() - 24, area.y);

  // The best so far, over succeeded trials, as a step line.
  std::optional<double> best;
  int64_t best_id = -1;
  std::string path;
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const std::optional<double> v = MetricValue(t, metric);
    if (t.state() != v1::Trial::SUCCEEDED || !v) continue;
    const double px = x.Map(static_cast<double>(t.id()));
    if (!best) {
      best = v;
      best_id = t.id();
      absl::StrAppend(&path, "M", Num(px), " ", Num(y.Map(*v)));
    } else if (maximize ? *v > *best : *v < *best) {
      absl::StrAppend(&path, "H", Num(px), "V", Num(y.Map(*v)));
      best = v;
      best_id = t.id();
    }
  }
  if (!path.empty()) absl::StrAppend(&path, "H", Num(x.Map(last_id)));

  std::string subtitle = absl::StrCat(metric, " (", maximize ? "higher" : "lower", " is better) of ",
                                      data.trials.size(), " trials");
  if (best) absl::StrAppend(&subtitle, "; best ", ShortNumber(*best), " at trial ", best_id);
  if (log_y)
    absl::StrAppend(&subtitle, "; log axis: the values span ", ShortNumber(lo), " to ", ShortNumber(hi));
  DrawFrame(svg, panel, area, x, y,
            {.title = absl::StrCat("History: ", metric, " per trial"),
             .subtitle = subtitle,
             .x_label = "trial (in the order proposed)",
             .y_label = absl::StrCat(metric, log_y ? " (log scale)" : "")});
  if (any_failed) {
    // The strip is set off from the values by a rule, and labelled where the y tick labels are: outside the
    // plot area, so the label can never cover a trial.
    svg.Empty("line", {{"x1", Num(area.x)},
                       {"x2", Num(area.right())},
                       {"y1", Num(strip_y - 9)},
                       {"y2", Num(strip_y - 9)},
                       {"stroke", "#c8c8c8"},
                       {"stroke-dasharray", "3 3"},
                       {"class", "strip-rule"}});
    svg.Element("text",
                {{"x", Num(area.x - 7)},
                 {"y", Num(strip_y + 4)},
                 {"font-size", Num(kSmallSize)},
                 {"text-anchor", "end"},
                 {"fill", kMutedColour},
                 {"class", "strip-label"}},
                "failed");
  }

  if (!path.empty()) {
    svg.Open("path", {{"d", path},
                      {"fill", "none"},
                      {"stroke", kBestColour},
                      {"stroke-width", "2"},
                      {"stroke-linejoin", "round"},
                      {"class", "best-so-far"}});
    svg.Element("title", {}, "best so far");
    svg.Close();
  }

  svg.Open("g", {{"class", "points"}});
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const std::optional<double> v = MetricValue(t, metric);
    const double px = x.Map(static_cast<double>(t.id()));
    const std::string state = StateName(t.state());
    std::string tip =
        absl::StrCat("trial ", t.id(), " (", state, t.has_reused_from() ? ", reused" : "", "): ", metric, "=",
                     v ? ShortNumber(*v) : "none", "\n", ParameterSummary(t));
    if (!t.reason().empty()) absl::StrAppend(&tip, "\n", t.reason());
    if (v) {
      if (t.state() == v1::Trial::STOPPED) {
        DrawMarker(svg, Marker::kRing, px, y.Map(*v), kStoppedColour, "point stopped", tip);
      } else {
        DrawMarker(svg, t.has_reused_from() ? Marker::kDiamond : Marker::kDot, px, y.Map(*v), kPointColour,
                   t.has_reused_from() ? "point succeeded reused" : "point succeeded", tip);
      }
    } else if (Failed(t.state())) {
      DrawMarker(svg, Marker::kCross, px, strip_y, kFailedColour, "point failed", tip);
    }
  }
  svg.Close();
  if (best) {
    svg.Empty("circle", {{"cx", Num(x.Map(static_cast<double>(best_id)))},
                         {"cy", Num(y.Map(*best))},
                         {"r", "8"},
                         {"fill", "none"},
                         {"stroke", kBestColour},
                         {"stroke-width", "2"},
                         {"class", "best-marker"}});
  }

  std::vector<LegendItem> legend = {{Marker::kDot, kPointColour, "succeeded"}};
  if (any_reused) legend.push_back({Marker::kDiamond, kPointColour, "reused"});
  if (any_stopped) legend.push_back({Marker::kRing, kStoppedColour, "stopped early"});
  if (any_failed) legend.push_back({Marker::kCross, kFailedColour, "failed"});
  if (best) legend.push_back({Marker::kLine, kBestColour, "best so far"});
  DrawLegend(svg, area.right(), LegendBaseline(panel, true), legend);
  return svg.Finish();
}

}  // namespace hyperlab::plot
