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
#include "nlohmann/json.hpp"
#include "common/base/status_macros.h"
#include "lab/plot/frame.h"
#include "lab/plot/palette.h"
#include "lab/plot/plots.h"
#include "lab/plot/svg.h"

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

}  // namespace

absl::StatusOr<std::string> ConfusionPlot(const StudyData& data, const PlotOptions& options) {
  ASSIGN_OR_RETURN(const v1::Trial* trial, ChooseTrial(data, options.trial));
  ASSIGN_OR_RETURN(Matrix m, ParseMatrix(*trial));
  const int k = static_cast<int>(m.classes.size());

  double label_w = 0;
  for (const std::string& c : m.classes) label_w = std::max(label_w, TextWidth(c, kTickSize));
  const double cell = std::clamp(560.0 / k, 26.0, 64.0);
  const std::string how = "rows: true class, columns: predicted class; colour: share of the row (recall)";
  const double left = label_w + 56, top = 92;
  const double bottom = label_w * 0.6 + 56, recall_w = 72;
  const double width = std::max(TextWidth(how, kSmallSize + 1) + 24, left + k * cell + recall_w + 20);
  const double height = top + k * cell + bottom;
  SvgWriter svg(width, height, absl::StrCat("Confusion matrix of trial ", trial->id()));

  double total = 0, correct = 0;
  std::vector<double> row_sum(k, 0);
  for (int t = 0; t < k; ++t) {
    for (int p = 0; p < k; ++p) {
      row_sum[t] += m.counts[t][p];
      total += m.counts[t][p];
    }
    correct += m.counts[t][t];
  }
  svg.Element(
      "text",
      {{"x", "12"}, {"y", "22"}, {"font-size", Num(kTitleSize)}, {"fill", kInkColour}, {"class", "title"}},
      absl::StrCat("Confusion matrix: trial ", trial->id(), " (test set)"));
  svg.Element("text",
              {{"x", "12"},
               {"y", "41"},
               {"font-size", Num(kSmallSize + 1)},
               {"fill", kMutedColour},
               {"class", "subtitle"}},
              how);
  svg.Element("text",
              {{"x", "12"},
               {"y", "58"},
               {"font-size", Num(kSmallSize + 1)},
               {"fill", kMutedColour},
               {"class", "subtitle"}},
              absl::StrFormat("accuracy %.1f%% of %.0f test examples",
                              total > 0 ? 100 * correct / total : 0.0, total));

  const double gx = left, gy = top;
  svg.Open("g", {{"class", "matrix"}});
  for (int t = 0; t < k; ++t) {
    for (int p = 0; p < k; ++p) {
      const double share = row_sum[t] > 0 ? m.counts[t][p] / row_sum[t] : 0;
      const std::string fill = Blues(share);
      const double x = gx + p * cell, y = gy + t * cell;
      svg.Open("rect", {{"x", Num(x)},
                        {"y", Num(y)},
                        {"width", Num(cell)},
                        {"height", Num(cell)},
                        {"fill", fill},
                        {"stroke", "#ffffff"},
                        {"stroke-width", "1"},
                        {"class", t == p ? "cell diagonal" : "cell"}});
      svg.Element("title", {},
                  absl::StrFormat("true %s, predicted %s: %.0f (%.1f%% of the row)", m.classes[t],
                                  m.classes[p], m.counts[t][p], 100 * share));
      svg.Close();
      if (cell >= 26) {
        svg.Element("text",
                    {{"x", Num(x + cell / 2)},
                     {"y", Num(y + cell / 2 + 4)},
                     {"font-size", Num(std::clamp(cell / 4.2, 9.0, 13.0))},
                     {"text-anchor", "middle"},
                     {"fill", NeedsLightText(fill) ? "#ffffff" : kInkColour},
                     {"class", "count"}},
                    absl::StrFormat("%.0f", m.counts[t][p]));
      }
    }
  }
  svg.Close();

  // Class names: true classes left of the rows, predicted ones turned under the columns.
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
    const double recall = row_sum[i] > 0 ? m.counts[i][i] / row_sum[i] : 0;
    svg.Element("text",
                {{"x", Num(gx + k * cell + 12)},
                 {"y", Num(gy + i * cell + cell / 2 + 4)},
                 {"fill", kMutedColour},
                 {"class", "recall"}},
                absl::StrFormat("%.0f%%", 100 * recall));
  }
  svg.Close();
  svg.Element("text",
              {{"x", Num(gx + k * cell + 12)},
               {"y", Num(gy - 8)},
               {"font-size", Num(kSmallSize)},
               {"fill", kMutedColour}},
              "recall");
  svg.Element("text",
              {{"x", Num(gx + k * cell / 2)},
               {"y", Num(height - 12)},
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
  return svg.Finish();
}

}  // namespace hyperlab::plot
