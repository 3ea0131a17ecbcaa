// Parameters a user chose for a trial (StudyService.EnqueueTrial), checked against the study's search
// space and made canonical: one value per parameter of the spec that exists, in the flat order, typed as the
// searcher's own suggestions are (double for a double range and discrete values, int64 for an integer
// range, string for categorical values), so an enqueued trial's fingerprint equals that of a suggested
// trial with the same point and deduplication treats both alike.
//
// A value may come typed or as text read by its parameter's kind ("0.01", "1e-3", "64", "adam"); a whole
// double is an integer. Every parameter is required: a partial configuration would leave the rest to a
// guess the user did not make (Optuna fills them from its sampler; Hyperlab asks for them). With
// conditional parameters (parameter_tree.h) exactly those that exist for the given values are required,
// and a value for one that does not exist is refused.
//
// Errors are INVALID_ARGUMENT naming the parameter, e.g.
//   "parameters[1] (name 'optimizer'): 'adamw' is not one of its values: adam, sgd"
//   "parameters: 'units' is missing (every parameter of the study needs a value)".
//
// Thread safety: pure function.
#ifndef HYPERLAB_COORDINATOR_CHOSEN_PARAMETERS_H_
#define HYPERLAB_COORDINATOR_CHOSEN_PARAMETERS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab::coordinator {

// REQUIRES: `spec` passed ValidateStudySpec.
absl::StatusOr<std::vector<v1::Parameter>> ChosenParameters(
    const v1::StudySpec& spec, const google::protobuf::RepeatedPtrField<v1::Parameter>& given);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_CHOSEN_PARAMETERS_H_
