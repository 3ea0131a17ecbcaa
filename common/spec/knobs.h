// The built-in trainer's knobs at work: validation of a study's `train` task and of the search parameters
// that override knobs, and the effective configuration of one trial. The knobs themselves (names, kinds,
// defaults, ranges, docs) are the table of knob_table.h.
//
// A knob is a field of v1::TrainTask other than `data` (proto/hyperlab/v1/train.proto). A search
// parameter whose name is a knob's name overrides that knob per trial; any other parameter name is an
// error at submit. This library is light (protobuf + Abseil, no oneDNN) so the coordinator can link it.
//
// Example:
//   RETURN_IF_ERROR(ValidateTrainTask(spec));                        // at submit
//   ASSIGN_OR_RETURN(TrainConfig config,
//                    ResolveTrainConfig(task.train(), trial.parameters()));   // on the worker
//
// Thread safety: all functions are pure and may be called concurrently.
#ifndef HYPERLAB_COMMON_SPEC_KNOBS_H_
#define HYPERLAB_COMMON_SPEC_KNOBS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/spec/knob_table.h"
#include "common/spec/train_config.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "hyperlab/v1/study.pb.h"
#include "hyperlab/v1/train.pb.h"

namespace hyperlab {

// The knob names, in TrainTask field order (every field but `data`).
std::vector<std::string> KnobNames();

// One line per knob: "name: default (range)", for docs and error messages.
std::vector<std::string> KnobDefaults();

// Checks a study whose task is `train`: the task's knobs and data (ranges, known names, exactly one data
// source), each search parameter (it must name a knob, and every value its domain can produce must be
// valid for that knob) and the objective metric (one the trainer reports). Returns OK for other tasks.
// Errors are INVALID_ARGUMENT "<field path>: <problem>", e.g.
//   "parameters[2].name: 'lernrate' names no knob of the train task; knobs: layers, ..."
//   "task.train.activation: unknown activation 'foo'; known: relu, sigmoid, tanh, identity"
absl::Status ValidateTrainTask(const v1::StudySpec& spec);

// The effective configuration of one trial: `task` with each parameter applied to the knob of its name
// (integral doubles are accepted for integer knobs; `layers` takes "256,128"), then defaults.
// INVALID_ARGUMENT naming the parameter or field when a value is out of range or names no knob.
absl::StatusOr<TrainConfig> ResolveTrainConfig(
    const v1::TrainTask& task, const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters);

// Parses a `layers` parameter value: "256,128", "256x128", "256 128"; "" or "none" = no hidden layer.
absl::StatusOr<std::vector<int>> ParseLayers(absl::string_view text);

// The normalisation a data spec asks for, with its default (scale for IDX sources, else standardize).
Normalization EffectiveNormalization(const v1::TrainData& data);

// True when `data` names image data (fashion-mnist or IDX files): what conv and augment knobs need.
bool IsImageData(const v1::TrainData& data);

// Names for messages and docs.
const char* ActivationName(Activation a);
const char* OptimizerName(OptimizerKind o);
const char* PoolingName(Pooling p);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_KNOBS_H_
