// Warm start: trials of earlier studies of the same task become prior observations of a new study's
// Bayesian model (StudySpec.warm_start; searcher::AlgorithmConfig::prior).
//
// A source trial is used when its study has the same task (CanonicalTask, data digest included), it had
// ended by `cutoff_ms` (the new study's creation: so a restarted coordinator rebuilds exactly the same
// prior), and it has a value inside this study's domain for every one of this study's parameters.
// Succeeded trials with the objective metric are observations; failed and infeasible ones are places to
// avoid; stopped, cancelled and unfinished ones are skipped.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_WARM_START_H_
#define HYPERLAB_COORDINATOR_WARM_START_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "hyperlab/v1/study.pb.h"
#include "searcher/strategy.h"

namespace hyperlab::coordinator {

// FAILED_PRECONDITION-free check of a source study at submit: INVALID_ARGUMENT naming
// `warm_start.studies[index]` when its task differs from `study`'s.
absl::Status CheckWarmStartSource(const v1::Study& study, const v1::Study& source, int index);

// Appends to `prior` the usable trials of `source` (see above); returns how many were appended.
int AppendWarmStartObservations(const v1::Study& study, const v1::Study& source,
                                const std::vector<v1::Trial>& trials, int64_t cutoff_ms,
                                std::vector<searcher::TrialView>& prior);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_WARM_START_H_
