// Learning curves: a metric on the training set and on the dev set after every step (epoch) of the best
// trials. While the two fall together the model is still learning; when the dev curve turns up while the
// training curve keeps falling, the model has begun to overfit: the overfitting alarm, made visible.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/status_macros.h"
#include "lab/plot/frame.h"
#include "lab/plot/palette.h"
#include "lab/plot/plots.h"
#include "lab/plot/svg.h"

namespace hyperlab::plot {
namespace {

constexpr double kCurvesWidth = 760, kCurvesHeight = 460;

struct Series {
  std::string metric;
  bool dev = false;  // Drawn dashed.
};

// The series `name` asks for: train_X and dev_X for X, train_X or dev_X; X alone when the trials report
// no split. INVALID_ARGUMENT naming the measured metrics when there is none.
absl::StatusOr<std::vector<Series>> PickSeries(const std::string& name,
                                               const std::vector<std::string>& measured) {
  std::string base = name;
  for (const char* prefix : {"train_", "dev_"}) {
    if (absl::StartsWith(base, prefix)) base = base.substr(std::string(prefix).size());
  }
  auto has = [&](const std::string& m) {
    return std::find(measured.begin(), measured.end(), m) != measured.end();
  };
  std::vector<Series> out;
  if (has("train_" + base)) out.push_back({"train_" + base, false});
  if (has("dev_" + base)) out.push_back({"dev_" + base, true});
  if (out.empty() && has(name)) out.push_back({name, false});
  if (out.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no intermediate measurement of '", name,
                                                   "'; the trials measure: ", absl::StrJoin(measured, ", ")));
  }
  return out;
}

// The trials whose curves are drawn, and how the subtitle names them ("the 3 best trials by loss").
struct ChosenTrials {
  std::vector<const v1::TrialWithMeasurements*> trials;
  std::string which;
};

// The trial asked for, or the best few by the objective among those with measurements.
absl::StatusOr<ChosenTrials> ChooseTrials(const StudyData& data, const PlotOptions& options) {
  ChosenTrials out;
  if (options.trial >= 0) {
    ASSIGN_OR_RETURN(const v1::TrialWithMeasurements* t, FindTrial(data, options.trial));
    if (t->measurements().empty()) {
      return absl::FailedPreconditionError(absl::StrCat("trial ", options.trial,
                                                        " has no intermediate measurements (",
                                                        StateName(t->trial().state()), ")"));
    }
    out.trials.push_back(t);
    out.which = absl::StrCat("trial ", options.trial);
    return out;
  }
  std::vector<const v1::TrialWithMeasurements*>& chosen = out.trials;
  const int top = std::max(1, options.top);
  const std::string& objective = ObjectiveMetric(data.study);
  for (const auto* t : RankedTrials(data, objective, Maximize(data.study), /*succeeded_only=*/false)) {
    if (!t->measurements().empty() && static_cast<int>(chosen.size()) < top) chosen.push_back(t);
  }
  // Trials without the objective (failed, stopped before reporting it) only when nothing else has curves.
  for (const auto& t : data.trials) {
    if (chosen.empty() && !t.measurements().empty()) chosen.push_back(&t);
  }
  out.which = absl::StrCat(
      chosen.size() == 1 ? "the best trial" : absl::StrCat("the ", chosen.size(), " best trials"), " by ",
      objective);
  return out;
}

// The steps and values drawn.
struct Ranges {
  double x_lo = 0, x_hi = 0, y_lo = 0, y_hi = 0;
};

// The ranges over the finite measurements of the series; FAILED_PRECONDITION when there is none.
absl::StatusOr<Ranges> MeasuredRanges(const std::vector<const v1::TrialWithMeasurements*>& chosen,
                                      const std::vector<Series>& series) {
  Ranges r;
  bool any = false;
  for (const auto* t : chosen) {
    for (const v1::Measurement& m : t->measurements()) {
      for (const Series& s : series) {
        auto it = m.metrics().find(s.metric);
        if (it == m.metrics().end() || !std::isfinite(it->second)) continue;
        const double step = static_cast<double>(m.step());
        r.x_lo = any ? std::min(r.x_lo, step) : step;
        r.x_hi = any ? std::max(r.x_hi, step) : step;
        r.y_lo = any ? std::min(r.y_lo, it->second) : it->second;
        r.y_hi = any ? std::max(r.y_hi, it->second) : it->second;
        any = true;
      }
    }
  }
  if (!any) {
    return absl::FailedPreconditionError(
        absl::StrCat("the chosen trials have no finite measurement of ", series.front().metric));
  }
  return r;
}

// The axes the curves are drawn on.
struct CurveAxes {
  Axis x, y;
};

// One trial's measurements in step order, and the colour of its curves.
struct TrialSteps {
  const v1::Trial* trial;
  std::vector<const v1::Measurement*> steps;
  std::string colour;
};

TrialSteps StepsOf(const v1::TrialWithMeasurements& trial, std::string colour) {
  TrialSteps out{&trial.trial(), {}, std::move(colour)};
  for (const v1::Measurement& m : trial.measurements()) out.steps.push_back(&m);
  std::stable_sort(out.steps.begin(), out.steps.end(),
                   [](const auto* a, const auto* b) { return a->step() < b->step(); });
  return out;
}

// One series of one trial: its curve with a tooltip, and a dot per step when there are few.
void DrawSeries(SvgWriter& svg, const CurveAxes& axes, const TrialSteps& trial, const Series& s) {
  const v1::Trial& t = *trial.trial;
  const std::string& colour = trial.colour;
  std::string path;
  std::vector<std::pair<double, double>> dots;
  for (const v1::Measurement* m : trial.steps) {
    auto it = m->metrics().find(s.metric);
    if (it == m->metrics().end() || !std::isfinite(it->second)) continue;
    const double px = axes.x.Map(static_cast<double>(m->step())), py = axes.y.Map(it->second);
    absl::StrAppend(&path, path.empty() ? "M" : "L", Num(px), " ", Num(py));
    dots.emplace_back(px, py);
  }
  if (path.empty()) return;
  Attrs attrs = {{"d", path},
                 {"fill", "none"},
                 {"stroke", colour},
                 {"stroke-width", "2.2"},
                 {"stroke-linejoin", "round"},
                 {"class", absl::StrCat("curve ", s.dev ? "dev" : "train")}};
  if (s.dev) attrs.push_back({"stroke-dasharray", "6 4"});
  svg.Open("path", attrs);
  svg.Element("title", {}, absl::StrCat("trial ", t.id(), ": ", s.metric, "\n", ParameterSummary(t)));
  svg.Close();
  if (dots.size() > 40) return;
  for (const auto& [px, py] : dots) {
    svg.Empty("circle", {{"cx", Num(px)},
                         {"cy", Num(py)},
                         {"r", "2.6"},
                         {"fill", s.dev ? "#ffffff" : colour},
                         {"stroke", colour},
                         {"stroke-width", "1.2"},
                         {"class", "step-point"}});
  }
}

// A trial's curves, one per series, in its colour.
void DrawTrialCurves(SvgWriter& svg, const CurveAxes& axes, const TrialSteps& trial,
                     const std::vector<Series>& series) {
  svg.Open("g", {{"class", "trial-curves"}, {"data-trial", absl::StrCat(trial.trial->id())}});
  for (const Series& s : series) DrawSeries(svg, axes, trial, s);
  svg.Close();
}

}  // namespace

absl::StatusOr<std::string> CurvesPlot(const StudyData& data, const PlotOptions& options) {
  RETURN_IF_ERROR(RequireTrials(data));
  const std::vector<std::string> measured = MeasurementMetricNames(data);
  if (measured.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no trial of study '", data.study.spec().name(), "' has intermediate measurements"));
  }
  const std::string name = options.metric.empty() ? "loss" : options.metric;
  ASSIGN_OR_RETURN(std::vector<Series> series, PickSeries(name, measured));
  ASSIGN_OR_RETURN(const ChosenTrials chosen, ChooseTrials(data, options));
  ASSIGN_OR_RETURN(const Ranges ranges, MeasuredRanges(chosen.trials, series));
  // Losses that span orders of magnitude (a diverging trial beside good ones) read better on a log axis.
  const bool log_y = ranges.y_lo > 0 && ranges.y_hi / ranges.y_lo > 50;

  const std::string base = series.size() == 2 ? series[0].metric.substr(6) : series[0].metric;
  SvgWriter svg(kCurvesWidth, kCurvesHeight,
                absl::StrCat("Learning curves of ", base, " in study ", data.study.spec().name()));
  const Box panel{0, 0, kCurvesWidth, kCurvesHeight};
  const Box area = PlotArea(panel, /*subtitle=*/true, /*legend=*/true);
  CurveAxes axes{Axis::Counter(ranges.x_lo, ranges.x_hi),
                 log_y ? Axis::Log(ranges.y_lo, ranges.y_hi) : Axis::Linear(ranges.y_lo, ranges.y_hi)};
  FitAxes(area, axes.x, axes.y);
  const bool higher = HigherIsBetter(data.study, series[0].metric);
  const std::string reading = series.size() == 2
                                  ? absl::StrCat("train (solid) against dev (dashed) for ", chosen.which,
                                                 "; dev ", higher ? "falling" : "rising", " while train ",
                                                 higher ? "rises" : "falls", " = overfitting")
                                  : absl::StrCat(series[0].metric, " for ", chosen.which);
  DrawFrame(svg, panel, area, axes.x, axes.y,
            {.title = absl::StrCat("Learning curves: ", base),
             .subtitle = reading,
             .x_label = "step (epoch)",
             .y_label = absl::StrCat(base, log_y ? " (log scale)" : "")});

  std::vector<LegendItem> legend;
  for (size_t i = 0; i < chosen.trials.size(); ++i) {
    const std::string colour = CategoryColour(static_cast<int>(i));
    legend.push_back({Marker::kSquare, colour, absl::StrCat("trial ", chosen.trials[i]->trial().id())});
    DrawTrialCurves(svg, axes, StepsOf(*chosen.trials[i], colour), series);
  }
  if (series.size() == 2) {
    legend.push_back({Marker::kLine, kMutedColour, "train"});
    legend.push_back({Marker::kDash, kMutedColour, "dev"});
  }
  DrawLegend(svg, area.right(), LegendBaseline(panel, true), legend);
  return svg.Finish();
}

}  // namespace hyperlab::plot
