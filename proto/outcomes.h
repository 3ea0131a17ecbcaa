// A study's outcomes as its spec declares them: the objectives (`objective`, or several `objectives`) and
// the outcome constraints. Every layer reads objectives through these functions, so a study with several
// objectives and one with a single `objective` look the same to code that needs only the primary one.
//
// Thread safety: stateless functions.
#ifndef HYPERLAB_PROTO_OUTCOMES_H_
#define HYPERLAB_PROTO_OUTCOMES_H_

#include <string>
#include <vector>

#include "google/protobuf/map.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab {

// spec.objectives when given, else the single spec.objective (one entry).
std::vector<v1::Objective> StudyObjectives(const v1::StudySpec& spec);

// The first objective: spec.objectives[0] when given, else spec.objective. Early stopping's default metric
// and what one-value summaries (best value, plots of one objective) show.
const v1::Objective& PrimaryObjective(const v1::StudySpec& spec);

// The study's single objective is declared noisy (objective.noisy; refused in `objectives`): its result
// is also recommended by the model (searcher/gp_strategy.h, Recommend).
bool DeclaredNoisy(const v1::StudySpec& spec);

// Whether `metrics` satisfy every constraint of `spec`. A constraint whose metric is missing or not finite
// is violated (the trial is infeasible: nothing shows it meets the bound). True without constraints.
bool SatisfiesConstraints(const v1::StudySpec& spec,
                          const google::protobuf::Map<std::string, double>& metrics);

}  // namespace hyperlab

#endif  // HYPERLAB_PROTO_OUTCOMES_H_
