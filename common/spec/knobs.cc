#include "common/spec/knobs.h"

#include <cmath>
#include <limits>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "common/base/status_macros.h"
#include "common/spec/train_data_spec.h"

namespace hyperlab {
namespace {

namespace pb = google::protobuf;
constexpr double kInf = std::numeric_limits<double>::infinity();

// What values a knob takes. Numbers lie in [min, max] (or (min, max] when min_open).
struct KnobSpec {
  std::string name;
  double min = -kInf;
  double max = kInf;
  bool min_open = false;
  std::vector<std::string> choices;  // String knobs.
  std::string default_text;
};

const std::vector<KnobSpec>& Specs() {
  static const auto* specs = new std::vector<KnobSpec>{
      {"layers", 1, 65536, false, {}, "[128] (from hidden_layers x hidden_units)"},
      {"hidden_layers", 0, 16, false, {}, "1"},
      {"hidden_units", 1, 65536, false, {}, "128"},
      {"activation", 0, 0, false, {"relu", "sigmoid", "tanh", "identity"}, "relu"},
      {"init", 0, 0, false, {"he", "glorot", "normal"}, "he"},
      {"init_stddev", 0, 10, true, {}, "0.01"},
      {"optimizer", 0, 0, false, {"sgd", "momentum", "rmsprop", "adam"}, "adam"},
      {"learning_rate", 0, 1e6, true, {}, "0.001"},
      {"momentum", 0, 0.999999, false, {}, "0.9"},
      {"beta1", 0, 0.999999, false, {}, "0.9"},
      {"beta2", 0, 0.999999, false, {}, "0.999"},
      {"epsilon", 0, 1, true, {}, "1e-08"},
      {"lr_decay", 0, 0, false, {"none", "exponential", "inverse_time", "step"}, "none"},
      {"lr_decay_rate", 0, 1e6, false, {}, "0.95"},
      {"lr_decay_steps", 1, 1e6, false, {}, "10"},
      {"l1", 0, 1e3, false, {}, "0"},
      {"l2", 0, 1e3, false, {}, "0"},
      {"dropout", 0, 0.99, false, {}, "0"},
      {"batch_size", 1, 65536, false, {}, "128"},
      {"epochs", 1, 100000, false, {}, "10"},
      {"patience", 0, 100000, false, {}, "0 (off)"},
      {"seed", 0, 1.8e19, false, {}, "1"},
      {"human_level_error", 0, 1, false, {}, "unset"},
      {"conv_blocks", 0, 6, false, {}, "0 (fully connected)"},
      {"filters", 1, 512, false, {}, "32"},
      {"kernel_size", 1, 9, false, {}, "3"},
      {"pooling", 0, 0, false, {"max", "avg", "none"}, "max"},
      {"batch_norm", 0, 1, false, {"true", "false"}, "false"},
      {"dense_units", 0, 65536, false, {}, "128"},
      {"conv_dropout", 0, 0.99, false, {}, "0"},
      {"dense_dropout", 0, 0.99, false, {}, "0"},
      {"augment_shift", 0, 8, false, {}, "0"},
      {"augment_flip", 0, 1, false, {"true", "false"}, "false"},
  };
  return *specs;
}

const KnobSpec* FindSpec(absl::string_view name) {
  for (const KnobSpec& s : Specs()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

const pb::FieldDescriptor* KnobField(absl::string_view name) {
  if (name == "data") return nullptr;
  return v1::TrainTask::descriptor()->FindFieldByName(std::string(name));
}

// The knobs that only make sense for images (see TrainTask in train.proto).
bool IsImageKnob(absl::string_view name) {
  for (const char* k : {"conv_blocks", "filters", "kernel_size", "pooling", "batch_norm", "dense_units",
                        "conv_dropout", "dense_dropout", "augment_shift", "augment_flip"}) {
    if (name == k) return true;
  }
  return false;
}

std::string DataKind(const v1::TrainData& data) {
  if (data.has_csv()) return "csv";
  if (data.has_synthetic()) return absl::StrCat("synthetic (", data.synthetic(), ")");
  return "not given";
}

absl::Status NeedsImages(const std::string& path, absl::string_view knob, const v1::TrainData& data) {
  return Invalid(path, absl::StrCat(knob,
                                    " needs image data (data.name: fashion-mnist or data.train_images); "
                                    "this task's data is ",
                                    DataKind(data)));
}

bool IsBoolField(const pb::FieldDescriptor* f) { return f->cpp_type() == pb::FieldDescriptor::CPPTYPE_BOOL; }

bool IsIntegerField(const pb::FieldDescriptor* f) {
  return f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT32 ||
         f->cpp_type() == pb::FieldDescriptor::CPPTYPE_UINT64;
}

std::string RangeText(const KnobSpec& s) {
  return absl::StrCat(s.min_open ? "(" : "[", s.min, ", ", s.max, "]");
}

absl::Status CheckNumber(const std::string& path, const KnobSpec& s, double v, bool integer) {
  if (!std::isfinite(v)) return Invalid(path, absl::StrCat(s.name, " must be finite, got ", v));
  if (integer && v != std::floor(v)) {
    return Invalid(path, absl::StrCat(s.name, " takes integers, got ", v));
  }
  if (v < s.min || v > s.max || (s.min_open && v == s.min)) {
    return Invalid(path, absl::StrCat(s.name, " must be in ", RangeText(s), ", got ", v));
  }
  return absl::OkStatus();
}

absl::Status CheckChoice(const std::string& path, const KnobSpec& s, const std::string& v) {
  for (const std::string& c : s.choices) {
    if (c == v) return absl::OkStatus();
  }
  return Invalid(path,
                 absl::StrCat("unknown ", s.name, " '", v, "'; known: ", absl::StrJoin(s.choices, ", ")));
}

absl::Status CheckLayers(const std::string& path, const std::vector<int>& layers) {
  const KnobSpec& s = *FindSpec("layers");
  if (layers.size() > 16) return Invalid(path, absl::StrCat("at most 16 layers, got ", layers.size()));
  for (size_t i = 0; i < layers.size(); ++i) {
    RETURN_IF_ERROR(CheckNumber(absl::StrCat(path, "[", i, "]"), s, layers[i], true));
  }
  return absl::OkStatus();
}

// Checks every knob set in `task`; paths are "<prefix>.<knob>".
absl::Status CheckTaskKnobs(const v1::TrainTask& task, const std::string& prefix) {
  const pb::Reflection* r = task.GetReflection();
  for (const KnobSpec& s : Specs()) {
    const pb::FieldDescriptor* f = KnobField(s.name);
    const std::string path = absl::StrCat(prefix, ".", s.name);
    if (f->is_repeated()) {
      RETURN_IF_ERROR(CheckLayers(path, {task.layers().begin(), task.layers().end()}));
      continue;
    }
    if (!r->HasField(task, f)) continue;
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_STRING:
        RETURN_IF_ERROR(CheckChoice(path, s, r->GetString(task, f)));
        break;
      case pb::FieldDescriptor::CPPTYPE_INT32:
        RETURN_IF_ERROR(CheckNumber(path, s, r->GetInt32(task, f), true));
        break;
      case pb::FieldDescriptor::CPPTYPE_DOUBLE:
        RETURN_IF_ERROR(CheckNumber(path, s, r->GetDouble(task, f), false));
        break;
      default:
        break;  // seed: every uint64 is fine; bools are always valid.
    }
    // An image knob written with a value other than 0 / false needs image data.
    if (IsImageKnob(s.name) && !IsImageData(task.data())) {
      const bool on = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING ||
                      (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_BOOL && r->GetBool(task, f)) ||
                      (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT32 && r->GetInt32(task, f) != 0) ||
                      (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_DOUBLE && r->GetDouble(task, f) != 0);
      if (on) return NeedsImages(path, s.name, task.data());
    }
  }
  return CheckTrainData(task.data(), prefix + ".data");
}

// A bool knob's value from a parameter: "true"/"false" (categorical) or 1/0 (integer, discrete).
absl::StatusOr<bool> ParseBool(const v1::ParameterValue& v, absl::string_view knob) {
  if (v.has_string_value()) {
    const std::string text = absl::AsciiStrToLower(v.string_value());
    if (text == "true") return true;
    if (text == "false") return false;
  } else if (v.has_int_value() && (v.int_value() == 0 || v.int_value() == 1)) {
    return v.int_value() == 1;
  } else if (v.has_double_value() && (v.double_value() == 0 || v.double_value() == 1)) {
    return v.double_value() == 1;
  }
  return absl::InvalidArgumentError(absl::StrCat(knob, " takes true or false (or 1 or 0)"));
}

// A parameter value as a number; nullopt for strings.
std::optional<double> AsNumber(const v1::ParameterValue& v) {
  if (v.has_double_value()) return v.double_value();
  if (v.has_int_value()) return static_cast<double>(v.int_value());
  return std::nullopt;
}

// Applies one parameter's value to `task`.
absl::Status SetKnob(v1::TrainTask& task, const v1::Parameter& p, const std::string& path) {
  const pb::FieldDescriptor* f = KnobField(p.name());
  const KnobSpec* s = FindSpec(p.name());
  if (f == nullptr || s == nullptr) {
    return Invalid(path, absl::StrCat("'", p.name(), "' names no knob of the train task"));
  }
  const pb::Reflection* r = task.GetReflection();
  const std::optional<double> number = AsNumber(p.value());
  if (IsBoolField(f)) {
    absl::StatusOr<bool> b = ParseBool(p.value(), s->name);
    if (!b.ok()) return Invalid(path, b.status().message());
    r->SetBool(&task, f, *b);
    return absl::OkStatus();
  }
  if (f->is_repeated()) {
    if (!p.value().has_string_value()) {
      return Invalid(path, "layers takes a string like \"256,128\"");
    }
    ASSIGN_OR_RETURN(std::vector<int> layers, ParseLayers(p.value().string_value()));
    task.clear_layers();
    for (int w : layers) task.add_layers(w);
    task.set_hidden_layers(static_cast<int>(layers.size()));  // Records "explicitly none" for "".
    return absl::OkStatus();
  }
  if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING) {
    if (!p.value().has_string_value()) return Invalid(path, absl::StrCat(s->name, " takes a name"));
    r->SetString(&task, f, p.value().string_value());
    return absl::OkStatus();
  }
  if (!number) return Invalid(path, absl::StrCat(s->name, " takes a number, got a string"));
  RETURN_IF_ERROR(CheckNumber(path, *s, *number, IsIntegerField(f)));
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
      r->SetInt32(&task, f, static_cast<int32_t>(*number));
      break;
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      r->SetUInt64(&task, f, static_cast<uint64_t>(*number));
      break;
    default:
      r->SetDouble(&task, f, *number);
  }
  return absl::OkStatus();
}

// Every value a parameter's domain can produce must be valid for its knob.
absl::Status CheckParameter(const v1::ParameterSpec& p, const std::string& path, const v1::TrainData& data) {
  const KnobSpec* s = FindSpec(p.name());
  if (s == nullptr) {
    return Invalid(path + ".name", absl::StrCat("'", p.name(), "' names no knob of the train task; knobs: ",
                                                absl::StrJoin(KnobNames(), ", ")));
  }
  if (IsImageKnob(s->name) && !IsImageData(data)) return NeedsImages(path + ".name", s->name, data);
  const pb::FieldDescriptor* f = KnobField(p.name());
  if (IsBoolField(f)) {
    switch (p.domain_case()) {
      case v1::ParameterSpec::kCategorical:
        for (int i = 0; i < p.categorical().values_size(); ++i) {
          const std::string item = absl::StrCat(path, ".categorical.values[", i, "]");
          RETURN_IF_ERROR(CheckChoice(item, *s, absl::AsciiStrToLower(p.categorical().values(i))));
        }
        return absl::OkStatus();
      case v1::ParameterSpec::kInteger:
        RETURN_IF_ERROR(CheckNumber(path + ".integer.min", *s, p.integer().min(), true));
        return CheckNumber(path + ".integer.max", *s, p.integer().max(), true);
      case v1::ParameterSpec::kDiscrete:
        for (int i = 0; i < p.discrete().values_size(); ++i) {
          RETURN_IF_ERROR(
              CheckNumber(absl::StrCat(path, ".discrete.values[", i, "]"), *s, p.discrete().values(i), true));
        }
        return absl::OkStatus();
      case v1::ParameterSpec::kDoubleRange:
        return Invalid(path, absl::StrCat(s->name, " takes true or false: use categorical [true, false]"));
      default:
        return absl::OkStatus();
    }
  }
  const bool is_string = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING || f->is_repeated();
  const bool integer = IsIntegerField(f);
  switch (p.domain_case()) {
    case v1::ParameterSpec::kCategorical:
      if (!is_string) {
        return Invalid(path, absl::StrCat(s->name, " is numeric: use double, integer or discrete"));
      }
      for (int i = 0; i < p.categorical().values_size(); ++i) {
        const std::string item = absl::StrCat(path, ".categorical.values[", i, "]");
        const std::string& v = p.categorical().values(i);
        if (f->is_repeated()) {
          absl::StatusOr<std::vector<int>> layers = ParseLayers(v);
          if (!layers.ok()) return Invalid(item, layers.status().message());
          RETURN_IF_ERROR(CheckLayers(item, *layers));
        } else {
          RETURN_IF_ERROR(CheckChoice(item, *s, v));
        }
      }
      return absl::OkStatus();
    case v1::ParameterSpec::kDoubleRange:
      if (is_string || integer) {
        return Invalid(path, absl::StrCat(s->name, is_string ? " takes names: use categorical"
                                                             : " takes integers: use integer or discrete"));
      }
      RETURN_IF_ERROR(CheckNumber(path + ".double.min", *s, p.double_range().min(), false));
      return CheckNumber(path + ".double.max", *s, p.double_range().max(), false);
    case v1::ParameterSpec::kInteger:
      if (is_string) return Invalid(path, absl::StrCat(s->name, " takes names: use categorical"));
      RETURN_IF_ERROR(CheckNumber(path + ".integer.min", *s, p.integer().min(), true));
      return CheckNumber(path + ".integer.max", *s, p.integer().max(), true);
    case v1::ParameterSpec::kDiscrete:
      if (is_string) return Invalid(path, absl::StrCat(s->name, " takes names: use categorical"));
      for (int i = 0; i < p.discrete().values_size(); ++i) {
        RETURN_IF_ERROR(CheckNumber(absl::StrCat(path, ".discrete.values[", i, "]"), *s,
                                    p.discrete().values(i), integer));
      }
      return absl::OkStatus();
    default:
      return absl::OkStatus();  // The general validation reports a missing domain.
  }
}

template <typename T>
T Pick(bool has, T value, T fallback) {
  return has ? value : fallback;
}

}  // namespace

std::vector<std::string> KnobNames() {
  std::vector<std::string> names;
  for (const KnobSpec& s : Specs()) names.push_back(s.name);
  return names;
}

std::vector<std::string> KnobDefaults() {
  std::vector<std::string> lines;
  for (const KnobSpec& s : Specs()) {
    lines.push_back(absl::StrCat(
        s.name, ": ", s.default_text, " (",
        s.choices.empty() ? RangeText(s) : absl::StrCat("one of ", absl::StrJoin(s.choices, ", ")), ")"));
  }
  return lines;
}

absl::StatusOr<std::vector<int>> ParseLayers(absl::string_view text) {
  std::vector<int> layers;
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "none") return layers;
  for (absl::string_view part : absl::StrSplit(lower, absl::ByAnyChar(", x"), absl::SkipEmpty())) {
    int w = 0;
    if (!absl::SimpleAtoi(part, &w) || w < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("layers: '", text, "' is not a list of widths like \"256,128\""));
    }
    layers.push_back(w);
  }
  return layers;
}

absl::Status ValidateTrainTask(const v1::StudySpec& spec) {
  if (!spec.task().has_train()) return absl::OkStatus();
  RETURN_IF_ERROR(CheckTaskKnobs(spec.task().train(), "task.train"));
  for (int i = 0; i < spec.parameters_size(); ++i) {
    RETURN_IF_ERROR(
        CheckParameter(spec.parameters(i), absl::StrCat("parameters[", i, "]"), spec.task().train().data()));
  }
  RETURN_IF_ERROR(
      CheckTrainMetricName("objective.metric", spec.objective().metric(), spec.task().train().data()));
  // A rule watching a metric the task never reports would never stop anything.
  if (spec.early_stopping().rule_case() != v1::EarlyStopping::RULE_NOT_SET &&
      !spec.early_stopping().metric().empty()) {
    RETURN_IF_ERROR(CheckTrainMetricName("early_stopping.metric", spec.early_stopping().metric(),
                                         spec.task().train().data()));
  }
  return absl::OkStatus();
}

absl::StatusOr<TrainConfig> ResolveTrainConfig(
    const v1::TrainTask& task, const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters) {
  v1::TrainTask t = task;
  bool layers_set = task.layers_size() > 0;
  for (int i = 0; i < parameters.size(); ++i) {
    const std::string path = absl::StrCat("parameter '", parameters[i].name(), "'");
    if (IsImageKnob(parameters[i].name()) && !IsImageData(t.data())) {
      return NeedsImages(path, parameters[i].name(), t.data());
    }
    RETURN_IF_ERROR(SetKnob(t, parameters[i], path));
    if (parameters[i].name() == "layers") layers_set = true;
  }
  RETURN_IF_ERROR(CheckTaskKnobs(t, "task.train"));
  TrainConfig c;
  c.data = t.data();
  if (layers_set) {
    c.hidden.assign(t.layers().begin(), t.layers().end());
  } else {
    c.hidden.assign(Pick(t.has_hidden_layers(), t.hidden_layers(), 1),
                    Pick(t.has_hidden_units(), t.hidden_units(), 128));
  }
  static const std::map<std::string, Activation> kAct = {{"relu", Activation::kRelu},
                                                         {"sigmoid", Activation::kSigmoid},
                                                         {"tanh", Activation::kTanh},
                                                         {"identity", Activation::kIdentity}};
  static const std::map<std::string, Init> kInit = {
      {"he", Init::kHe}, {"glorot", Init::kGlorot}, {"normal", Init::kNormal}};
  static const std::map<std::string, OptimizerKind> kOpt = {{"sgd", OptimizerKind::kSgd},
                                                            {"momentum", OptimizerKind::kMomentum},
                                                            {"rmsprop", OptimizerKind::kRmsprop},
                                                            {"adam", OptimizerKind::kAdam}};
  static const std::map<std::string, LrDecay> kDecay = {{"none", LrDecay::kNone},
                                                        {"exponential", LrDecay::kExponential},
                                                        {"inverse_time", LrDecay::kInverseTime},
                                                        {"step", LrDecay::kStep}};
  if (t.has_activation()) c.activation = kAct.at(t.activation());
  if (t.has_init()) c.init = kInit.at(t.init());
  if (t.has_optimizer()) c.optimizer = kOpt.at(t.optimizer());
  if (t.has_lr_decay()) c.lr_decay = kDecay.at(t.lr_decay());
  c.init_stddev = Pick(t.has_init_stddev(), t.init_stddev(), c.init_stddev);
  c.learning_rate = Pick(t.has_learning_rate(), t.learning_rate(), c.learning_rate);
  c.momentum = Pick(t.has_momentum(), t.momentum(), c.momentum);
  c.beta1 = Pick(t.has_beta1(), t.beta1(), c.beta1);
  c.beta2 = Pick(t.has_beta2(), t.beta2(), c.beta2);
  c.epsilon = Pick(t.has_epsilon(), t.epsilon(), c.epsilon);
  c.lr_decay_rate = Pick(t.has_lr_decay_rate(), t.lr_decay_rate(), c.lr_decay_rate);
  c.lr_decay_steps = Pick(t.has_lr_decay_steps(), t.lr_decay_steps(), c.lr_decay_steps);
  c.l1 = Pick(t.has_l1(), t.l1(), c.l1);
  c.l2 = Pick(t.has_l2(), t.l2(), c.l2);
  c.dropout = Pick(t.has_dropout(), t.dropout(), c.dropout);
  c.batch_size = Pick(t.has_batch_size(), t.batch_size(), c.batch_size);
  c.epochs = Pick(t.has_epochs(), t.epochs(), c.epochs);
  c.patience = Pick(t.has_patience(), t.patience(), c.patience);
  c.seed = Pick(t.has_seed(), t.seed(), c.seed);
  if (t.has_human_level_error()) c.human_level_error = t.human_level_error();
  static const std::map<std::string, Pooling> kPool = {
      {"max", Pooling::kMax}, {"avg", Pooling::kAvg}, {"none", Pooling::kNone}};
  c.conv_blocks = Pick(t.has_conv_blocks(), t.conv_blocks(), c.conv_blocks);
  c.filters = Pick(t.has_filters(), t.filters(), c.filters);
  c.kernel_size = Pick(t.has_kernel_size(), t.kernel_size(), c.kernel_size);
  if (t.has_pooling()) c.pooling = kPool.at(t.pooling());
  c.batch_norm = Pick(t.has_batch_norm(), t.batch_norm(), c.batch_norm);
  c.dense_units = Pick(t.has_dense_units(), t.dense_units(), c.dense_units);
  c.conv_dropout = Pick(t.has_conv_dropout(), t.conv_dropout(), c.conv_dropout);
  c.dense_dropout = Pick(t.has_dense_dropout(), t.dense_dropout(), c.dense_dropout);
  c.augment_shift = Pick(t.has_augment_shift(), t.augment_shift(), c.augment_shift);
  c.augment_flip = Pick(t.has_augment_flip(), t.augment_flip(), c.augment_flip);
  if ((c.lr_decay == LrDecay::kExponential || c.lr_decay == LrDecay::kStep) &&
      (c.lr_decay_rate <= 0 || c.lr_decay_rate > 1)) {
    return Invalid("task.train.lr_decay_rate",
                   absl::StrCat("exponential and step decay need a rate in (0, 1], got ", c.lr_decay_rate));
  }
  return c;
}

Normalization EffectiveNormalization(const v1::TrainData& data) {
  if (data.has_normalization()) {
    if (data.normalization() == "none") return Normalization::kNone;
    if (data.normalization() == "scale") return Normalization::kScale;
    return Normalization::kStandardize;
  }
  return (data.has_name() || data.has_train_images()) ? Normalization::kScale : Normalization::kStandardize;
}

bool IsImageData(const v1::TrainData& data) { return data.has_name() || data.has_train_images(); }

const char* PoolingName(Pooling p) {
  static const char* kNames[] = {"max", "avg", "none"};
  return kNames[static_cast<int>(p)];
}

const char* ActivationName(Activation a) {
  static const char* kNames[] = {"relu", "sigmoid", "tanh", "identity"};
  return kNames[static_cast<int>(a)];
}

const char* OptimizerName(OptimizerKind o) {
  static const char* kNames[] = {"sgd", "momentum", "rmsprop", "adam"};
  return kNames[static_cast<int>(o)];
}

}  // namespace hyperlab
