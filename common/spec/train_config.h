// The effective configuration of one train trial: every knob of the built-in trainer with its value.
//
// A default-constructed TrainConfig holds every knob's default, taken from the knob table
// (common/spec/knob_table.h): the table is the one place a knob's default, range and meaning are written.
// ResolveTrainConfig (knobs.h) fills one in from a study's task and a trial's parameters.
//
// Thread safety: a plain value.
#ifndef HYPERLAB_COMMON_SPEC_TRAIN_CONFIG_H_
#define HYPERLAB_COMMON_SPEC_TRAIN_CONFIG_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "hyperlab/v1/train.pb.h"

namespace hyperlab {

// Choice knobs: the enumerators are in the order of the knob's choices in the table.
enum class Activation { kRelu, kSigmoid, kTanh, kIdentity };
enum class Init { kHe, kGlorot, kNormal };
enum class OptimizerKind { kSgd, kMomentum, kRmsprop, kAdam };
enum class LrDecay { kNone, kExponential, kInverseTime, kStep };
enum class Normalization { kNone, kScale, kStandardize };
enum class Pooling { kMax, kAvg, kNone };

struct TrainConfig {
  TrainConfig();  // Every knob at its default (knob_table.cc).

  v1::TrainData data;
  std::vector<int> hidden;  // Hidden layer widths; empty = logistic / linear regression.
  Activation activation;
  Init init;
  double init_stddev;
  OptimizerKind optimizer;
  double learning_rate;
  double momentum;
  double beta1;
  double beta2;
  double epsilon;
  double weight_decay;
  LrDecay lr_decay;
  double lr_decay_rate;
  int lr_decay_steps;
  double l1;
  double l2;
  double dropout;
  int batch_size;
  int epochs;
  int patience;
  uint64_t seed;
  std::optional<double> human_level_error;

  // Convolutional networks (conv_blocks > 0; image data only). Block b has filters * 2^b filters.
  int conv_blocks;  // 0: the fully connected network of `hidden`.
  int filters;
  int kernel_size;
  Pooling pooling;
  bool batch_norm;
  int dense_units;  // 0: no dense hidden layer.
  double conv_dropout;
  double dense_dropout;
  // Training-batch augmentation (image data, any model).
  int augment_shift;
  bool augment_flip;
};

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_TRAIN_CONFIG_H_
