// `hyperlab study compare A B ...`: what each study found and what it cost, side by side.
//
// For each study: trial counts, the best value and trial, the distribution of the objective over its
// succeeded trials, the time to its best value, how many trials and how long it took to reach a target
// value, and the wall time.
//
// Definitions (stated here because a comparison is only as good as its definitions):
//   - Times count from the start of the study's first trial (not its submission: a study that waited for
//     another one's workers is not charged for it) to the end of the trial in question.
//   - "Trials to target" counts the trials that had ended, in any state but CANCELLED and in the order
//     they ended, up to and including the first whose objective reached the target: failed and stopped
//     trials cost budget too. Reused results count as trials that took no time.
//   - Quartiles interpolate linearly between order statistics (numpy's and R's default).
//   - The default target is the worst of the studies' best values, so every study that has a best value
//     reaches it and the question becomes "how soon".
// Studies must share the objective's metric and goal: with different metrics or directions neither the
// values nor a common target mean anything, so CompareStudies refuses them (INVALID_ARGUMENT) rather
// than print numbers side by side that invite a wrong reading.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_LAB_STUDY_COMPARISON_H_
#define HYPERLAB_LAB_STUDY_COMPARISON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hyperlab/v1/study.pb.h"
#include "nlohmann/json.hpp"
#include "lab/table_render.h"

namespace hyperlab::lab {

struct StudyTrials {
  v1::Study study;
  std::vector<v1::Trial> trials;
};

struct Distribution {
  int count = 0;
  double min = 0, q1 = 0, median = 0, q3 = 0, max = 0, mean = 0;
};

// The distribution of `values` (unsorted); nullopt when empty.
std::optional<Distribution> DistributionOf(std::vector<double> values);

struct StudySummary {
  std::string name;
  int64_t id = 0;
  std::string state;
  // Trials by state; `reused` are also counted in `succeeded`; `unfinished` are pending or running.
  int total = 0, succeeded = 0, failed = 0, stopped = 0, infeasible = 0, cancelled = 0, unfinished = 0,
      reused = 0;
  // Best objective value over the succeeded trials, and the first trial (by id) that has it.
  std::optional<double> best_value;
  int64_t best_trial = -1;
  std::vector<v1::Parameter> best_parameters;
  std::optional<Distribution> objective;
  std::optional<double> seconds_to_best;
  // Trials and seconds to reach the target; unset when the study has not reached it.
  std::optional<int> trials_to_target;
  std::optional<double> seconds_to_target;
  // From the first trial's start to the last trial's end; unset when no trial has ended.
  std::optional<double> wall_seconds;
};

struct Comparison {
  std::string metric;
  v1::Objective::Goal goal = v1::Objective::GOAL_UNSPECIFIED;
  // Unset only when no study has a succeeded trial and none was given.
  std::optional<double> target;
  bool target_given = false;
  std::vector<StudySummary> studies;
};

// `target`: the value to reach (>= when maximising, <= when minimising); nullopt: the default above.
// INVALID_ARGUMENT when `studies` is empty or the studies' objectives differ.
absl::StatusOr<Comparison> CompareStudies(const std::vector<StudyTrials>& studies,
                                          std::optional<double> target);

// One row per quantity, one column per study (the first column names the quantity).
Table ComparisonTable(const Comparison& comparison);
// {"objective": {"metric", "goal"}, "target": {"value", "given"}, "studies": [{...}]}: numbers typed,
// unknown quantities null.
nlohmann::ordered_json ComparisonJson(const Comparison& comparison);

}  // namespace hyperlab::lab

#endif  // HYPERLAB_LAB_STUDY_COMPARISON_H_
