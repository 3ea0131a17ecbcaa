// The Pareto plot: a study with several objectives, its trials over the first two objectives (or the two
// metrics --params names), the feasible non-dominated ones highlighted and joined by the front's staircase,
// infeasible trials (outcome constraints) marked apart. It answers "what does each bit of one objective cost
// in the other?".
#include "searcher/pareto.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "lab/plot/frame.h"
#include "lab/plot/palette.h"
#include "lab/plot/plots.h"
#include "lab/plot/svg.h"
#include "proto/outcomes.h"

namespace hyperlab::plot {
namespace {

constexpr double kParetoWidth = 760, kParetoHeight = 480;

struct ParetoPoint {
  const v1::Trial* trial = nullptr;
  double x = 0, y = 0;
  bool feasible = true;
  bool on_front = false;
};

// The two objectives drawn: --params M,N when given (each must be an objective), else the first two.
absl::StatusOr<std::pair<v1::Objective, v1::Objective>> DrawnObjectives(const StudyData& data,
                                                                        const PlotOptions& options) {
  const std::vector<v1::Objective> objectives = StudyObjectives(data.study.spec());
  if (objectives.size() < 2) {
    return absl::FailedPreconditionError(
        absl::StrCat("the pareto plot needs a study with several objectives (`objectives:`); study '",
                     data.study.spec().name(), "' has one, ", objectives[0].metric()));
  }
  if (options.params.empty()) return std::make_pair(objectives[0], objectives[1]);
  if (options.params.size() != 2) return absl::InvalidArgumentError("--params: two objectives' metrics");
  std::vector<v1::Objective> chosen;
  for (const std::string& name : options.params) {
    auto it = std::find_if(objectives.begin(), objectives.end(),
                           [&](const v1::Objective& o) { return o.metric() == name; });
    if (it == objectives.end()) {
      return absl::InvalidArgumentError(absl::StrCat("--params: '", name, "' is not one of the objectives"));
    }
    chosen.push_back(*it);
  }
  return std::make_pair(chosen[0], chosen[1]);
}

// Succeeded trials with both values; the front over every objective (a point may be on the front by a
// third objective and look dominated in this view).
std::vector<ParetoPoint> CollectPoints(const StudyData& data, const v1::Objective& ox,
                                       const v1::Objective& oy) {
  const std::vector<v1::Objective> objectives = StudyObjectives(data.study.spec());
  std::vector<searcher::Goal> goals;
  for (const v1::Objective& o : objectives) {
    goals.push_back(o.goal() == v1::Objective::MAXIMIZE ? searcher::Goal::kMaximize
                                                        : searcher::Goal::kMinimize);
  }
  std::vector<ParetoPoint> points;
  std::vector<searcher::ObjectiveVector> vectors;
  std::vector<bool> feasible;
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    const std::optional<double> x = MetricValue(t, ox.metric()), y = MetricValue(t, oy.metric());
    if (t.state() != v1::Trial::SUCCEEDED || !x || !y) continue;
    searcher::ObjectiveVector v;
    for (const v1::Objective& o : objectives) v.push_back(MetricValue(t, o.metric()).value_or(std::nan("")));
    const bool ok = SatisfiesConstraints(data.study.spec(), t.metrics());
    points.push_back({.trial = &t, .x = *x, .y = *y, .feasible = ok});
    vectors.push_back(std::move(v));
    feasible.push_back(ok);
  }
  for (int i : searcher::NonDominated(vectors, goals, feasible)) points[i].on_front = true;
  return points;
}

// The staircase through the front's points in this view (sorted by x), the region it dominates to the
// side of worse values.
std::string FrontPath(std::vector<const ParetoPoint*> front, const Axis& x, const Axis& y, bool x_max) {
  std::sort(front.begin(), front.end(),
            [&](const ParetoPoint* a, const ParetoPoint* b) { return x_max ? a->x > b->x : a->x < b->x; });
  std::string path;
  for (size_t i = 0; i < front.size(); ++i) {
    const double px = x.Map(front[i]->x), py = y.Map(front[i]->y);
    if (i == 0) {
      absl::StrAppend(&path, "M", Num(px), " ", Num(py));
    } else {
      absl::StrAppend(&path, "H", Num(px), "V", Num(py));
    }
  }
  return path;
}

void DrawParetoPoints(SvgWriter& svg, const std::vector<ParetoPoint>& points, const Axis& x, const Axis& y,
                      const v1::Objective& ox, const v1::Objective& oy) {
  svg.Open("g", {{"class", "points"}});
  for (const ParetoPoint& p : points) {
    const std::string tip =
        absl::StrCat("trial ", p.trial->id(), p.on_front ? " (Pareto front)" : "",
                     p.feasible ? "" : " (infeasible)", ": ", ox.metric(), "=", ShortNumber(p.x), ", ",
                     oy.metric(), "=", ShortNumber(p.y), "\n", ParameterSummary(*p.trial));
    if (!p.feasible) {
      DrawMarker(svg, Marker::kCross, x.Map(p.x), y.Map(p.y), kFailedColour, "point infeasible", tip);
    } else if (p.on_front) {
      DrawMarker(svg, Marker::kDot, x.Map(p.x), y.Map(p.y), kBestColour, "point front", tip, 6);
    } else {
      DrawMarker(svg, Marker::kDot, x.Map(p.x), y.Map(p.y), kPointColour, "point succeeded", tip);
    }
  }
  svg.Close();
}

}  // namespace

absl::StatusOr<std::string> ParetoPlot(const StudyData& data, const PlotOptions& options) {
  ASSIGN_OR_RETURN(auto drawn, DrawnObjectives(data, options));
  const auto& [ox, oy] = drawn;
  const std::vector<ParetoPoint> points = CollectPoints(data, ox, oy);
  if (points.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("no succeeded trial of study '",
                                                      data.study.spec().name(), "' reports both ",
                                                      ox.metric(), " and ", oy.metric()));
  }
  double xlo = points[0].x, xhi = xlo, ylo = points[0].y, yhi = ylo;
  std::vector<const ParetoPoint*> front;
  int infeasible = 0;
  for (const ParetoPoint& p : points) {
    xlo = std::min(xlo, p.x), xhi = std::max(xhi, p.x), ylo = std::min(ylo, p.y), yhi = std::max(yhi, p.y);
    if (p.on_front) front.push_back(&p);
    infeasible += p.feasible ? 0 : 1;
  }
  const bool x_max = ox.goal() == v1::Objective::MAXIMIZE, y_max = oy.goal() == v1::Objective::MAXIMIZE;
  SvgWriter svg(kParetoWidth, kParetoHeight,
                absl::StrCat("Pareto front of ", ox.metric(), " and ", oy.metric(), " in study ",
                             data.study.spec().name()));
  const Box panel = {0, 0, kParetoWidth, kParetoHeight};
  const Box area = PlotArea(panel, /*subtitle=*/true, /*legend=*/true);
  // Values spanning two decades or more (latencies of 1 ms and 500 ms) go on a log axis, as in the history.
  const bool log_x = SpansDecades(xlo, xhi), log_y = SpansDecades(ylo, yhi);
  Axis x = log_x ? Axis::LogDecades(xlo, xhi) : Axis::Linear(xlo, xhi);
  Axis y = log_y ? Axis::LogDecades(ylo, yhi) : Axis::Linear(ylo, yhi);
  FitAxes(area, x, y);
  auto better = [](bool max) { return max ? "higher" : "lower"; };
  DrawFrame(
      svg, panel, area, x, y,
      {.title = absl::StrCat("Pareto front: ", ox.metric(), " against ", oy.metric()),
       .subtitle = absl::StrCat(front.size(), " of ", points.size(), " succeeded trials on the front",
                                infeasible > 0 ? absl::StrCat(", ", infeasible, " break a constraint") : "",
                                "; ", ox.metric(), " ", better(x_max), " is better, ", oy.metric(), " ",
                                better(y_max), " is better"),
       .x_label = absl::StrCat(ox.metric(), log_x ? " (log scale)" : ""),
       .y_label = absl::StrCat(oy.metric(), log_y ? " (log scale)" : "")});
  svg.Open("path", {{"d", FrontPath(front, x, y, x_max)},
                    {"fill", "none"},
                    {"stroke", kBestColour},
                    {"stroke-width", "2"},
                    {"class", "front-line"}});
  svg.Element("title", {}, "Pareto front");
  svg.Close();
  DrawParetoPoints(svg, points, x, y, ox, oy);
  std::vector<LegendItem> legend = {{Marker::kDot, kPointColour, "dominated"},
                                    {Marker::kDot, kBestColour, "Pareto front"}};
  if (infeasible > 0) legend.push_back({Marker::kCross, kFailedColour, "infeasible (constraints)"});
  DrawLegend(svg, area.right(), LegendBaseline(panel, true), legend);
  return svg.Finish();
}

}  // namespace hyperlab::plot
