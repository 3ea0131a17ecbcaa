#include "lab/plot/plots.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hyperlab::plot {

const std::vector<std::string>& PlotKindNames() {
  static const auto* names = new std::vector<std::string>{"history",    "slice",     "contour",  "curves",
                                                          "importance", "confusion", "parallel", "pareto"};
  return *names;
}

absl::StatusOr<PlotKind> ParsePlotKind(const std::string& name) {
  const auto& names = PlotKindNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<PlotKind>(i);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown plot kind '", name, "'; one of: ", absl::StrJoin(names, ", ")));
}

absl::StatusOr<std::string> MakePlot(PlotKind kind, const StudyData& data, const PlotOptions& options) {
  switch (kind) {
    case PlotKind::kHistory:
      return HistoryPlot(data, options);
    case PlotKind::kSlice:
      return SlicePlot(data, options);
    case PlotKind::kContour:
      return ContourPlot(data, options);
    case PlotKind::kCurves:
      return CurvesPlot(data, options);
    case PlotKind::kImportance:
      return ImportancePlot(data, options);
    case PlotKind::kConfusion:
      return ConfusionPlot(data, options);
    case PlotKind::kParallel:
      return ParallelPlot(data, options);
    case PlotKind::kPareto:
      return ParetoPlot(data, options);
  }
  return absl::InvalidArgumentError("unknown plot kind");
}

}  // namespace hyperlab::plot
