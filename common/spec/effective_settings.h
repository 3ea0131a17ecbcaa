// The full effective settings of a train trial, defaults included, as a JSON object: what a reader needs
// to reproduce it. The worker attaches it to each trial as the artifact `settings`.
//
// Example: {"layers":[256,128],"activation":"relu",...,"data":{"name":"fashion-mnist",...}}
// Every knob of the table (knob_table.h) appears under its name (`layers` stands for hidden_layers x
// hidden_units), then the data spec and its effective normalisation.
//
// Thread safety: a pure function.
#ifndef HYPERLAB_COMMON_SPEC_EFFECTIVE_SETTINGS_H_
#define HYPERLAB_COMMON_SPEC_EFFECTIVE_SETTINGS_H_

#include <string>

#include "common/spec/knobs.h"

namespace hyperlab {

std::string EffectiveSettingsJson(const TrainConfig& config);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_EFFECTIVE_SETTINGS_H_
