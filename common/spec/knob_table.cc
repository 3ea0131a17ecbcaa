#include "common/spec/knob_table.h"

#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace hyperlab {
namespace {

namespace pb = google::protobuf;

struct Range {
  double min = 0;
  double max = 0;
  bool min_open = false;
};

// A number as the docs and messages write it: 0.001, 1e6, 1e-8.
std::string ShortNumber(double v) {
  return absl::StrReplaceAll(absl::StrCat(v), {{"e+0", "e"}, {"e-0", "e-"}, {"e+", "e"}});
}

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

template <typename T>
T Read(const v1::TrainTask& task, const pb::FieldDescriptor& field) {
  const pb::Reflection& r = *task.GetReflection();
  if constexpr (std::is_same_v<T, int>) return r.GetInt32(task, &field);
  if constexpr (std::is_same_v<T, uint64_t>) return r.GetUInt64(task, &field);
  if constexpr (std::is_same_v<T, double>) return r.GetDouble(task, &field);
  if constexpr (std::is_same_v<T, bool>) return r.GetBool(task, &field);
}

Knob WithRange(Knob knob, Range range) {
  knob.min = range.min;
  knob.max = range.max;
  knob.min_open = range.min_open;
  return knob;
}

// An int, uint64 or double knob stored in `member`.
template <typename T>
Knob Number(std::string name, T TrainConfig::*member, T value, Range range, std::string doc) {
  Knob k;
  k.name = std::move(name);
  k.kind = std::is_same_v<T, int>        ? KnobKind::kInt
           : std::is_same_v<T, uint64_t> ? KnobKind::kUint64
                                         : KnobKind::kDouble;
  k.default_text = ShortNumber(static_cast<double>(value));
  k.doc = std::move(doc);
  k.apply = [member](const v1::TrainTask& task, const pb::FieldDescriptor& field, TrainConfig& config) {
    config.*member = Read<T>(task, field);
  };
  k.set_default = [member, value](TrainConfig& config) { config.*member = value; };
  k.json = [member](const TrainConfig& config) { return absl::StrCat(config.*member); };
  return WithRange(std::move(k), range);
}

// A double knob that may be left unset.
Knob OptionalNumber(std::string name, std::optional<double> TrainConfig::*member, Range range,
                    std::string doc) {
  Knob k;
  k.name = std::move(name);
  k.kind = KnobKind::kDouble;
  k.default_text = "unset";
  k.doc = std::move(doc);
  k.apply = [member](const v1::TrainTask& task, const pb::FieldDescriptor& field, TrainConfig& config) {
    config.*member = Read<double>(task, field);
  };
  k.set_default = [member](TrainConfig& config) { config.*member = std::nullopt; };
  k.json = [member](const TrainConfig& config) {
    return (config.*member).has_value() ? absl::StrCat(*(config.*member)) : std::string("null");
  };
  return WithRange(std::move(k), range);
}

Knob Flag(std::string name, bool TrainConfig::*member, bool value, std::string doc) {
  Knob k;
  k.name = std::move(name);
  k.kind = KnobKind::kBool;
  k.choices = {"true", "false"};
  k.default_text = value ? "true" : "false";
  k.range_text = "true, false (or 1, 0)";
  k.doc = std::move(doc);
  k.apply = [member](const v1::TrainTask& task, const pb::FieldDescriptor& field, TrainConfig& config) {
    config.*member = Read<bool>(task, field);
  };
  k.set_default = [member, value](TrainConfig& config) { config.*member = value; };
  k.json = [member](const TrainConfig& config) { return std::string(config.*member ? "true" : "false"); };
  return WithRange(std::move(k), {0, 1});
}

// A string knob naming one of `choices`, stored as the enumerator of the same position.
template <typename Enum>
Knob Choice(std::string name, Enum TrainConfig::*member, Enum value, std::vector<std::string> choices,
            std::string doc) {
  Knob k;
  k.name = std::move(name);
  k.kind = KnobKind::kChoice;
  k.default_text = choices[static_cast<int>(value)];
  k.range_text = absl::StrJoin(choices, ", ");
  k.doc = std::move(doc);
  k.apply = [member, choices](const v1::TrainTask& task, const pb::FieldDescriptor& field,
                              TrainConfig& config) {
    const std::string text = task.GetReflection()->GetString(task, &field);
    for (size_t i = 0; i < choices.size(); ++i) {
      if (choices[i] == text) config.*member = static_cast<Enum>(i);
    }
  };
  k.set_default = [member, value](TrainConfig& config) { config.*member = value; };
  k.json = [member, choices](const TrainConfig& config) {
    return Quoted(choices[static_cast<int>(config.*member)]);
  };
  k.choices = std::move(choices);
  return k;
}

// `hidden_layers` and `hidden_units`: they resolve together with `layers` into TrainConfig::hidden.
Knob LayersPart(std::string name, Range range, std::string default_text, std::string doc) {
  Knob k;
  k.name = std::move(name);
  k.kind = KnobKind::kInt;
  k.default_text = std::move(default_text);
  k.doc = std::move(doc);
  return WithRange(std::move(k), range);
}

// The default network: one hidden layer of 128 units.
constexpr int kDefaultUnits = 128;

Knob Layers() {
  Knob k;
  k.name = "layers";
  k.kind = KnobKind::kLayers;
  k.default_text = absl::StrCat("[", kDefaultUnits, "]");
  k.range_text = "0-16 widths in [1, 65536]";
  k.doc = "hidden layer widths; a parameter takes strings `\"256,128\"`, `\"64x32\"`, `\"none\"`";
  k.set_default = [](TrainConfig& config) { config.hidden = {kDefaultUnits}; };
  k.json = [](const TrainConfig& config) {
    return absl::StrCat("[", absl::StrJoin(config.hidden, ","), "]");
  };
  return WithRange(std::move(k), {1, 65536});
}

Knob Image(Knob knob) {
  knob.image_only = true;
  return knob;
}

Knob Shown(Knob knob, std::string default_text, std::string range_text = "") {
  knob.default_text = std::move(default_text);
  if (!range_text.empty()) knob.range_text = std::move(range_text);
  return knob;
}

std::vector<Knob> BuildKnobs() {
  using C = TrainConfig;
  constexpr double kDropoutMax = 0.99;
  constexpr double kDecayMax = 0.999999;
  return {
      Layers(),
      LayersPart("hidden_layers", {0, 16}, "1",
                 "with `hidden_units`, instead of `layers`; 0 = logistic / linear regression"),
      LayersPart("hidden_units", {1, 65536}, absl::StrCat(kDefaultUnits),
                 "units of each of the `hidden_layers`"),
      Choice("activation", &C::activation, Activation::kRelu, {"relu", "sigmoid", "tanh", "identity"},
             "hidden layers (fused into the inner product as a oneDNN post-op)"),
      Choice("init", &C::init, Init::kHe, {"he", "glorot", "normal"},
             "truncated normal (2 sigma) with sigma sqrt(2/fan_in), sqrt(2/(fan_in+fan_out)) (both corrected "
             "for the truncation), or `init_stddev`; biases 0"),
      Number("init_stddev", &C::init_stddev, 0.01, {0, 10, true}, "for `init: normal`"),
      Choice("optimizer", &C::optimizer, OptimizerKind::kAdam, {"sgd", "momentum", "rmsprop", "adam"},
             "see below"),
      Number("learning_rate", &C::learning_rate, 0.001, {0, 1e6, true},
             "the step size of the first epoch (see `lr_decay`)"),
      Number("momentum", &C::momentum, 0.9, {0, kDecayMax}, "`momentum`: v = momentum v + g; w -= lr v"),
      Number("beta1", &C::beta1, 0.9, {0, kDecayMax}, "Adam's first-moment decay"),
      Number("beta2", &C::beta2, 0.999, {0, kDecayMax}, "Adam's second-moment decay; also RMSProp's decay"),
      Number("epsilon", &C::epsilon, 1e-8, {0, 1, true}, "Adam and RMSProp"),
      Number(
          "weight_decay", &C::weight_decay, 0.0, {0, 10},
          "decoupled weight decay (AdamW with `adam`): each step first multiplies the weights (not biases) "
          "by 1 - lr weight_decay"),
      Choice("lr_decay", &C::lr_decay, LrDecay::kNone, {"none", "exponential", "inverse_time", "step"},
             "per epoch e (from 0): lr rate^e, lr / (1 + rate e), lr rate^floor(e / steps)"),
      Shown(Number("lr_decay_rate", &C::lr_decay_rate, 0.95, {0, 1e6}, "the rate of `lr_decay`"), "0.95",
            "[0, 1e6]; (0, 1] for exponential and step"),
      Number("lr_decay_steps", &C::lr_decay_steps, 10, {1, 1e6}, "epochs per step of `step` decay"),
      Number("l1", &C::l1, 0.0, {0, 1e3}, "penalty l1 sum\\|w\\| on weights (not biases)"),
      Number("l2", &C::l2, 0.0, {0, 1e3}, "penalty l2/2 sum w^2 on weights (not biases)"),
      Number("dropout", &C::dropout, 0.0, {0, kDropoutMax},
             "inverted dropout after each hidden layer while training"),
      Number("batch_size", &C::batch_size, 128, {1, 65536},
             "a short last batch is padded (padding rows get zero gradient)"),
      Number("epochs", &C::epochs, 10, {1, 100000}, "passes over the training rows"),
      Shown(Number(
                "patience", &C::patience, 0, {0, 100000},
                "early stopping: end after this many epochs without a lower dev loss, keep the best weights"),
            "0 (off)"),
      Shown(Number("seed", &C::seed, uint64_t{1}, {0, 1.8e19},
                   "initialisation, shuffling and dropout masks; same seed, same result"),
            "1", "any uint64"),
      OptionalNumber("human_level_error", &C::human_level_error, {0, 1}, "turns on the metric-analysis gaps"),
      Image(Number("conv_blocks", &C::conv_blocks, 0, {0, 6},
                   "convolution blocks before the dense layers; 0 = the fully connected network of `layers` "
                   "(exactly the path without these knobs)")),
      Image(Number("filters", &C::filters, 32, {1, 512},
                   "filters of the first block; block b has `filters` x 2^b")),
      Image(Number("kernel_size", &C::kernel_size, 3, {1, 9},
                   "square kernel, stride 1, padding that keeps the size ((k-1)/2 before, the rest after)")),
      Image(Choice("pooling", &C::pooling, Pooling::kMax, {"max", "avg", "none"},
                   "2x2 pooling with stride 2 after each block (an odd side loses its last row/column)")),
      Image(Flag("batch_norm", &C::batch_norm, false, "batch normalisation after each convolution")),
      Image(Number("dense_units", &C::dense_units, 128, {0, 65536},
                   "the dense hidden layer after the blocks; 0 = none")),
      Image(Number("conv_dropout", &C::conv_dropout, 0.0, {0, kDropoutMax},
                   "inverted dropout after each block")),
      Image(Number("dense_dropout", &C::dense_dropout, 0.0, {0, kDropoutMax},
                   "inverted dropout after the dense hidden layer")),
      Image(Number("augment_shift", &C::augment_shift, 0, {0, 8},
                   "training batches only: shift each image by up to this many pixels along each axis (zero "
                   "fill)")),
      Image(Flag("augment_flip", &C::augment_flip, false,
                 "training batches only: mirror each image left-right with probability 1/2")),
  };
}

}  // namespace

const std::vector<Knob>& Knobs() {
  static const auto* knobs = new std::vector<Knob>(BuildKnobs());
  return *knobs;
}

const Knob* FindKnob(absl::string_view name) {
  for (const Knob& knob : Knobs()) {
    if (knob.name == name) return &knob;
  }
  return nullptr;
}

std::string KnobRangeText(const Knob& knob) {
  return absl::StrCat(knob.min_open ? "(" : "[", ShortNumber(knob.min), ", ", ShortNumber(knob.max), "]");
}

std::string KnobMarkdownTable() {
  std::string out = "| knob | default | range / values | meaning |\n|---|---|---|---|\n";
  for (const Knob& knob : Knobs()) {
    const std::string range = knob.range_text.empty() ? KnobRangeText(knob) : knob.range_text;
    absl::StrAppend(&out, "| `", knob.name, "` | ", knob.default_text, " | ", range, " | ", knob.doc, " |\n");
  }
  return out;
}

const std::string& ChoiceName(absl::string_view knob, int index) {
  static const std::string kUnknown = "?";
  const Knob* k = FindKnob(knob);
  if (k == nullptr || index < 0 || index >= static_cast<int>(k->choices.size())) return kUnknown;
  return k->choices[index];
}

TrainConfig::TrainConfig() {
  for (const Knob& knob : Knobs()) {
    if (knob.set_default) knob.set_default(*this);
  }
}

}  // namespace hyperlab
