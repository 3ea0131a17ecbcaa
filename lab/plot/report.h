// The study report: one self-contained HTML file that tells what a study set out to show and what it showed.
//
// Sections: the hypothesis and the conclusion; the trials at a glance (counts by state, best value, compute
// time); the design (objective, parameters and domains, task, budget, strategy, early stopping); the best
// trials; the plots (history, importance, slices, contour, learning curves, confusion matrix); the metric
// analysis of the best trial; what reproduces the best trial (effective settings, data digest); the trial
// notes; and the failed and stopped trials with their reasons.
//
// Self-contained: styles are inline, plots are inline SVG, there are no scripts, fonts, images or links to
// anything outside the file (it can be mailed, archived, or opened offline years later). Every text that
// came from a user or a trial is escaped. A plot the study cannot support yet (too few trials, no
// measurements) is replaced by a sentence saying why.
//
// Thread safety: pure function.
#ifndef HYPERLAB_LAB_PLOT_REPORT_H_
#define HYPERLAB_LAB_PLOT_REPORT_H_

#include <cstdint>
#include <string>

#include "lab/plot/study_data.h"

namespace hyperlab::plot {

struct ReportOptions {
  // When > 0, the footer says when the report was made (left out otherwise, so output is reproducible).
  int64_t generated_unix_ms = 0;
  // Best trials listed. Default 10.
  int best_trials = 10;
};

std::string RenderReport(const StudyData& data, const ReportOptions& options = {});

}  // namespace hyperlab::plot

#endif  // HYPERLAB_LAB_PLOT_REPORT_H_
