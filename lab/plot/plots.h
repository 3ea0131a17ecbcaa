// The study plots, one function per kind, each a pure function from a study and its trials to SVG text.
//
//   history     objective (or --metric) per trial in trial order; failed and stopped trials marked apart;
//               the best-so-far line.
//   slice       a metric against each parameter (or --param): the one-variable view; log axes for LOG
//               parameters, one band per category for categorical ones.
//   contour     a metric over two parameters (--params P,Q; default the first two): a Gaussian-process fit
//               over the two, drawn as a filled grid with a colour scale, and the trials on top.
//   curves      intermediate measurements per trial (best --top N, or --trial T): train against dev of
//               --metric (default loss), so overfitting shows as the two lines parting.
//   importance  how much of the metric's variation each parameter explains, from a Gaussian-process
//               surrogate over all parameters (functional ANOVA main effects); bars sorted.
//   confusion   a trial's confusion matrix (--trial T; default the best trial) as a heat map.
//   parallel    parallel coordinates: an axis per parameter (--params P,Q,... to choose and order them)
//               and one for the metric; each trial a line coloured by its value, failed trials in grey.
//   pareto      several objectives: the trials over the first two (--params M,N to choose), the feasible
//               Pareto front highlighted and joined, infeasible trials (outcome constraints) as crosses.
//
// Errors: INVALID_ARGUMENT for a request that names something the study does not have (the message lists
// what it has); FAILED_PRECONDITION when the study does not yet have what the plot needs.
//
// Example:
//   ASSIGN_OR_RETURN(PlotKind kind, ParsePlotKind("slice"));
//   ASSIGN_OR_RETURN(std::string svg, MakePlot(kind, data, {.param = "learning_rate"}));
//
// Thread safety: pure functions.
#ifndef HYPERLAB_LAB_PLOT_PLOTS_H_
#define HYPERLAB_LAB_PLOT_PLOTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lab/plot/study_data.h"

namespace hyperlab::plot {

enum class PlotKind { kHistory, kSlice, kContour, kCurves, kImportance, kConfusion, kParallel, kPareto };

// "history", "slice", ...; INVALID_ARGUMENT naming the kinds otherwise.
absl::StatusOr<PlotKind> ParsePlotKind(const std::string& name);
const std::vector<std::string>& PlotKindNames();

struct PlotOptions {
  // The metric to plot. Default: the objective's metric; for curves, "loss" (train_loss against dev_loss).
  // For curves, "accuracy" or "dev_accuracy" both mean train_accuracy against dev_accuracy.
  std::string metric;
  // slice: only this parameter (default: one panel per parameter).
  std::string param;
  // contour: the two parameters (default: the first two of the spec). parallel: the axes, in order
  // (default: every parameter, in the spec's order).
  std::vector<std::string> params;
  // confusion: this trial (default: the study's best). curves: only this trial. -1: not set.
  int64_t trial = -1;
  // curves: the best N trials by the objective (default 5).
  int top = 5;
};

// Importance from fewer trials than this is said to be rough, in the plot and in the report: a Gaussian
// process fitted to a handful of points can give most of the variance to whichever parameter happened to
// vary with the few values (98.8% from 6 trials, in one study). About twenty trials for a few parameters is
// where the shares stop jumping from one trial to the next.
inline constexpr int kImportanceFewTrials = 20;
// The sentence that says so, for `trials` trials.
std::string ImportanceCaveat(int trials);

absl::StatusOr<std::string> HistoryPlot(const StudyData& data, const PlotOptions& options);
absl::StatusOr<std::string> SlicePlot(const StudyData& data, const PlotOptions& options);
absl::StatusOr<std::string> ContourPlot(const StudyData& data, const PlotOptions& options);
absl::StatusOr<std::string> CurvesPlot(const StudyData& data, const PlotOptions& options);
absl::StatusOr<std::string> ImportancePlot(const StudyData& data, const PlotOptions& options);
absl::StatusOr<std::string> ConfusionPlot(const StudyData& data, const PlotOptions& options);
absl::StatusOr<std::string> ParallelPlot(const StudyData& data, const PlotOptions& options);
absl::StatusOr<std::string> ParetoPlot(const StudyData& data, const PlotOptions& options);

absl::StatusOr<std::string> MakePlot(PlotKind kind, const StudyData& data, const PlotOptions& options);

}  // namespace hyperlab::plot

#endif  // HYPERLAB_LAB_PLOT_PLOTS_H_
