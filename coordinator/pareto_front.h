// The Pareto front of a study: its succeeded, feasible trials that no other such trial dominates on the
// study's objectives (searcher/pareto.h). With one objective, the trials with the best value (ties kept).
// A trial missing an objective's metric (or with a non-finite value) is not a candidate; an infeasible one
// (Trial.feasible false: it breaks an outcome constraint) is never on the front.
//
// Thread safety: a pure function; Coordinator::ParetoFront takes the study's lock.
#ifndef HYPERLAB_COORDINATOR_PARETO_FRONT_H_
#define HYPERLAB_COORDINATOR_PARETO_FRONT_H_

#include <cstdint>
#include <vector>

#include "hyperlab/v1/study.pb.h"

namespace hyperlab::coordinator {

// A study with several objectives: the values of a succeeded, feasible trial's objectives in the study's
// order, when it reported them all (finite); else empty. Empty for a study with one objective.
std::vector<double> ObjectiveVector(const v1::StudySpec& spec, const v1::Trial& trial);

// Ids of the trials on the front, ascending.
std::vector<int64_t> ParetoFrontIds(const v1::StudySpec& spec, const std::vector<v1::Trial>& trials);
// The same over trials held elsewhere (the dashboard's TrialWithMeasurements), without copying them.
std::vector<int64_t> ParetoFrontIds(const v1::StudySpec& spec, const std::vector<const v1::Trial*>& trials);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_PARETO_FRONT_H_
