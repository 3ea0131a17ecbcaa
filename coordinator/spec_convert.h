// Conversions between the proto world (StudySpec, Parameter) and the searcher's plain types.
//
// The searcher never sees protobuf (searcher/strategy.h); this is the one place where a spec becomes a
// SearchSpace and an AlgorithmConfig, and where a suggested Assignment becomes trial parameters.
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_SPEC_CONVERT_H_
#define HYPERLAB_COORDINATOR_SPEC_CONVERT_H_

#include <vector>

#include "google/protobuf/repeated_ptr_field.h"
#include "hyperlab/v1/study.pb.h"
#include "searcher/early_stopping.h"
#include "searcher/search_space.h"
#include "searcher/strategy.h"

namespace hyperlab::coordinator {

// REQUIRES: `spec` passed ValidateStudySpec.
searcher::SearchSpace ToSearchSpace(const v1::StudySpec& spec);
searcher::AlgorithmConfig ToAlgorithmConfig(const v1::StudySpec& spec);
// REQUIRES: `spec` has its defaults (WithDefaults).
searcher::EarlyStoppingConfig ToEarlyStoppingConfig(const v1::StudySpec& spec);

// Whether the algorithm's suggestions depend on results (bayesian, cmaes): such a study's suggestions are
// prepared off-lock on the executor (study_shard.h, `prepared_only`), never computed in a journal group.
bool SuggestionsDependOnResults(const v1::AlgorithmSpec& algorithm);

// The trial parameters for `assignment` (a point of `space`, ToSearchSpace), named and ordered as in the
// space; parameters that do not exist for these values (conditional children) are left out.
std::vector<v1::Parameter> ToParameters(const searcher::SearchSpace& space,
                                        const searcher::Assignment& assignment);
// The assignment a trial's parameters encode (the inverse of ToParameters): one value per parameter of
// `space`, found by name; an absent or inactive one holds its InactiveValue.
searcher::Assignment ToAssignment(const searcher::SearchSpace& space,
                                  const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_SPEC_CONVERT_H_
