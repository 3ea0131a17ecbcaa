// The confusion matrix of one trial as a heat map: which classes the model mixes up, with the counts.
//
// The trainer records it as the artifact `confusion_matrix`, JSON
//   {"classes": [names...], "rows": "true", "columns": "predicted", "matrix": [[counts...]...]}
// (worker/train/metrics.h), counted on the test set. Cells are coloured by their share of the row, i.e.
// the recall of the true class, so a rare class reads as clearly as a common one; the count is written in.
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/base/status_macros.h"
#include "lab/plot/frame.h"
#include "lab/plot/palette.h"
#include "lab/plot/plots.h"
#include "lab/plot/svg.h"
#include "nlohmann/json.hpp"

namespace hyperlab::plot {
namespace {

constexpr char kArtifact[] = "confusion_matrix";

struct Matrix {
  std::vector<std::string> classes;
  std::vector<std::vector<double>> counts;  // [true][predicted]
};

absl::StatusOr<Matrix> ParseMatrix(const v1::Trial& trial) {
  const std::string& text = trial.artifacts().at(kArtifact);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& why) {
    return absl::FailedPreconditionError(
        absl::StrCat("trial ", trial.id(), " has a malformed ", kArtifact, " artifact: ", why));
  };
  if (!j.is_object() || !j.contains("matrix") || !j["matrix"].is_array()) return bad("no \"matrix\" array");
  Matrix m;
  const size_t k = j["matrix"].size();
  if (k == 0) return bad("the matrix is empty");
  for (const auto& row : j["matrix"]) {
    if (!row.is_array() || row.size() != k) return bad(absl::StrCat("the matrix is not ", k, " x ", k));
    std::vector<double> counts;
    for (const auto& c : row) {
      if (!c.is_number()) return bad("a count is not a number");
      counts.push_back(c.get<double>());
    }
    m.counts.push_back(std::move(counts));
  }
  if (j.contains("classes") && j["classes"].is_array() && j["classes"].size() == k) {
    for (const auto& c : j["classes"]) m.classes.push_back(c.is_string() ? c.get<std::string>() : c.dump());
  } else {
    for (size_t i = 0; i < k; ++i) m.classes.push_back(absl::StrCat(i));
  }
  return m;
}

bool HasMatrix(const v1::Trial& t) { return t.artifacts().contains(kArtifact); }

// The trial asked for, or else the best trial that has a matrix.
absl::StatusOr<const v1::Trial*> ChooseTrial(const StudyData& data, int64_t id) {
  std::vector<std::string> with;
  for (const auto& t : data.trials) {
    if (HasMatrix(t.trial())) with.push_back(absl::StrCat(t.trial().id()));
  }
  if (id >= 0) {
    ASSIGN_OR_RETURN(const v1::TrialWithMeasurements* t, FindTrial(data, id));
    if (HasMatrix(t->trial())) return &t->trial();
    return absl::FailedPreconditionError(
        absl::StrCat("trial ", id, " (", StateName(t->trial().state()), ") has no ", kArtifact,
                     with.empty() ? "; no trial of this study has one"
                                  : "; trials with one: " + absl::StrJoin(with, ", ")));
  }
  RETURN_IF_ERROR(RequireTrials(data));
  for (const auto* t : RankedTrials(data, ObjectiveMetric(data.study), Maximize(data.study))) {
    if (HasMatrix(t->trial())) return &t->trial();
  }
  for (const auto& t : data.trials) {
    if (HasMatrix(t.trial())) return &t.trial();
  }
  return absl::FailedPreconditionError(
      absl::StrCat("no trial of study '", data.study.spec().name(), "' has a ", kArtifact,
                   " (the built-in trainer records one for classification; other tasks do not)"));
}

// The sizes of the plot: a square cell per pair of classes, room for the class names left and below.
struct MatrixLayout {
  int k = 0;              // Classes.
  double cell = 0;        // A cell's side.
  double gx = 0, gy = 0;  // The matrix's top left corner.
  double width = 0, height = 0;
};

constexpr char kHow[] = "rows: true class, columns: predicted class; colour: share of the row (recall)";

MatrixLayout Layout(const Matrix& m) {
  MatrixLayout l;
  l.k = static_cast<int>(m.classes.size());
  double label_w = 0;
  for (const std::string& c : m.classes) label_w = std::max(label_w, TextWidth(c, kTickSize));
  l.cell = std::clamp(560.0 / l.k, 26.0, 64.0);
  const double left = label_w + 56, top = 92;
  const double bottom = label_w * 0.6 + 56, recall_w = 72;
  l.width = std::max(TextWidth(kHow, kSmallSize + 1) + 24, left + l.k * l.cell + recall_w + 20);
  l.height = top + l.k * l.cell + bottom;
  l.gx = left;
  l.gy = top;
  return l;
}

// The matrix's totals: all examples, those on the diagonal, and each true class's.
struct Totals {
  double total = 0, correct = 0;
  std::vector<double> row_sum;
};

Totals Sum(const Matrix& m) {
  const int k = static_cast<int>(m.classes.size());
  Totals out;
  out.row_sum.assign(k, 0);
  for (int t = 0; t < k; ++t) {
    for (int p = 0; p < k; ++p) {
      out.row_sum[t] += m.counts[t][p];
      out.total += m.counts[t][p];
    }
    out.correct += m.counts[t][t];
  }
  return out;
}

void DrawTitles(SvgWriter& svg, const v1::Trial& trial, const Totals& totals) {
  DrawFigureTitle(svg, absl::StrCat("Confusion matrix: trial ", trial.id(), " (test set)"), kHow);
  svg.Element("text",
              {{"x", "12"},
               {"y", "58"},
               {"font-size", Num(kSmallSize + 1)},
               {"fill", kMutedColour},
               {"class", "subtitle"}},
              absl::StrFormat("accuracy %.1f%% of %.0f test examples",
                              totals.total > 0 ? 100 * totals.correct / totals.total : 0.0, totals.total));
}

// The cells, coloured by their share of the row, with the count written in when they are large enough.
void DrawCells(SvgWriter& svg, const MatrixLayout& l, const Matrix& m, const Totals& totals) {
  svg.Open("g", {{"class", "matrix"}});
  for (int t = 0; t < l.k; ++t) {
    for (int p = 0; p < l.k; ++p) {
      const double share = totals.row_sum[t] > 0 ? m.counts[t][p] / totals.row_sum[t] : 0;
      const std::string fill = Blues(share);
      const double x = l.gx + p * l.cell, y = l.gy + t * l.cell;
      svg.Open("rect", {{"x", Num(x)},
                        {"y", Num(y)},
                        {"width", Num(l.cell)},
                        {"height", Num(l.cell)},
                        {"fill", fill},
                        {"stroke", "#ffffff"},
                        {"stroke-width", "1"},
                        {"class", t == p ? "cell diagonal" : "cell"}});
      svg.Element("title", {},
                  absl::StrFormat("true %s, predicted %s: %.0f (%.1f%% of the row)", m.classes[t],
                                  m.classes[p], m.counts[t][p], 100 * share));
      svg.Close();
      if (l.cell >= 26) {
        svg.Element("text",
                    {{"x", Num(x + l.cell / 2)},
                     {"y", Num(y + l.cell / 2 + 4)},
                     {"font-size", Num(std::clamp(l.cell / 4.2, 9.0, 13.0))},
                     {"text-anchor", "middle"},
                     {"fill", NeedsLightText(fill) ? "#ffffff" : kInkColour},
                     {"class", "count"}},
                    absl::StrFormat("%.0f", m.counts[t][p]));
      }
    }
  }
  svg.Close();
}

// Class names: true classes left of the rows, predicted ones turned under the columns; each true class's
// recall right of its row.
void DrawClassLabels(SvgWriter& svg, const MatrixLayout& l, const Matrix& m, const Totals& totals) {
  const double gx = l.gx, gy = l.gy, cell = l.cell;
  const int k = l.k;
  svg.Open("g", {{"font-size", Num(kTickSize)}, {"fill", kInkColour}});
  for (int i = 0; i < k; ++i) {
    svg.Element("text",
                {{"x", Num(gx - 8)},
                 {"y", Num(gy + i * cell + cell / 2 + 4)},
                 {"text-anchor", "end"},
                 {"class", "class-label true"}},
                m.classes[i]);
    const double lx = gx + i * cell + cell / 2 + 4, ly = gy + k * cell + 12;
    svg.Element("text",
                {{"x", Num(lx)},
                 {"y", Num(ly)},
                 {"text-anchor", "end"},
                 {"transform", absl::StrCat("rotate(-40 ", Num(lx), " ", Num(ly), ")")},
                 {"class", "class-label predicted"}},
                m.classes[i]);
    const double recall = totals.row_sum[i] > 0 ? m.counts[i][i] / totals.row_sum[i] : 0;
    svg.Element("text",
                {{"x", Num(gx + k * cell + 12)},
                 {"y", Num(gy + i * cell + cell / 2 + 4)},
                 {"fill", kMutedColour},
                 {"class", "recall"}},
                absl::StrFormat("%.0f%%", 100 * recall));
  }
  svg.Close();
}

// The heading of the recall column and the names of the two axes.
void DrawAxisLabels(SvgWriter& svg, const MatrixLayout& l) {
  const double gx = l.gx, gy = l.gy, cell = l.cell;
  const int k = l.k;
  svg.Element("text",
              {{"x", Num(gx + k * cell + 12)},
               {"y", Num(gy - 8)},
               {"font-size", Num(kSmallSize)},
               {"fill", kMutedColour}},
              "recall");
  svg.Element("text",
              {{"x", Num(gx + k * cell / 2)},
               {"y", Num(l.height - 12)},
               {"font-size", Num(kLabelSize)},
               {"text-anchor", "middle"},
               {"fill", kInkColour},
               {"class", "axis-label x"}},
              "predicted class");
  const double ly = gy + k * cell / 2;
  svg.Element("text",
              {{"x", "18"},
               {"y", Num(ly)},
               {"font-size", Num(kLabelSize)},
               {"text-anchor", "middle"},
               {"fill", kInkColour},
               {"transform", absl::StrCat("rotate(-90 18 ", Num(ly), ")")},
               {"class", "axis-label y"}},
              "true class");
}

}  // namespace

absl::StatusOr<std::string> ConfusionPlot(const StudyData& data, const PlotOptions& options) {
  ASSIGN_OR_RETURN(const v1::Trial* trial, ChooseTrial(data, options.trial));
  ASSIGN_OR_RETURN(Matrix m, ParseMatrix(*trial));
  const MatrixLayout layout = Layout(m);
  const Totals totals = Sum(m);
  SvgWriter svg(layout.width, layout.height, absl::StrCat("Confusion matrix of trial ", trial->id()));
  DrawTitles(svg, *trial, totals);
  DrawCells(svg, layout, m, totals);
  DrawClassLabels(svg, layout, m, totals);
  DrawAxisLabels(svg, layout);
  return svg.Finish();
}

}  // namespace hyperlab::plot
