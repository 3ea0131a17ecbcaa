#include "common/spec/knobs.h"

#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/status_macros.h"
#include "common/spec/parameter_tree.h"
#include "common/spec/parameter_value.h"
#include "common/spec/spec_errors.h"
#include "common/spec/train_data_spec.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace hyperlab {
namespace {

namespace pb = google::protobuf;

using spec_errors::Invalid;

const pb::FieldDescriptor* KnobField(absl::string_view name) {
  if (name == "data") return nullptr;
  return v1::TrainTask::descriptor()->FindFieldByName(std::string(name));
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

absl::Status CheckNumber(const std::string& path, const Knob& s, double v, bool integer) {
  if (!std::isfinite(v)) return Invalid(path, absl::StrCat(s.name, " must be finite, got ", v));
  if (integer && v != std::floor(v)) {
    return Invalid(path, absl::StrCat(s.name, " takes integers, got ", v));
  }
  if (v < s.min || v > s.max || (s.min_open && v == s.min)) {
    return Invalid(path, absl::StrCat(s.name, " must be in ", KnobRangeText(s), ", got ", v));
  }
  return absl::OkStatus();
}

absl::Status CheckChoice(const std::string& path, const Knob& s, const std::string& v) {
  for (const std::string& c : s.choices) {
    if (c == v) return absl::OkStatus();
  }
  return Invalid(path,
                 absl::StrCat("unknown ", s.name, " '", v, "'; known: ", absl::StrJoin(s.choices, ", ")));
}

absl::Status CheckLayers(const std::string& path, const std::vector<int>& layers) {
  const Knob& s = *FindKnob("layers");
  if (layers.size() > 16) return Invalid(path, absl::StrCat("at most 16 layers, got ", layers.size()));
  for (size_t i = 0; i < layers.size(); ++i) {
    RETURN_IF_ERROR(CheckNumber(absl::StrCat(path, "[", i, "]"), s, layers[i], true));
  }
  return absl::OkStatus();
}

// Checks every knob set in `task`; paths are "<prefix>.<knob>".
absl::Status CheckTaskKnobs(const v1::TrainTask& task, const std::string& prefix) {
  const pb::Reflection* r = task.GetReflection();
  for (const Knob& s : Knobs()) {
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
    if (s.image_only && !IsImageData(task.data())) {
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

// Applies one parameter's value to `task`.
absl::Status SetKnob(v1::TrainTask& task, const v1::Parameter& p, const std::string& path) {
  const pb::FieldDescriptor* f = KnobField(p.name());
  const Knob* s = FindKnob(p.name());
  if (f == nullptr || s == nullptr) {
    return Invalid(path, absl::StrCat("'", p.name(), "' names no knob of the train task"));
  }
  const pb::Reflection* r = task.GetReflection();
  const std::optional<double> number = NumericValue(p.value());
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
  const Knob* s = FindKnob(p.name());
  if (s == nullptr) {
    return Invalid(path + ".name", absl::StrCat("'", p.name(), "' names no knob of the train task; knobs: ",
                                                absl::StrJoin(KnobNames(), ", ")));
  }
  if (s->image_only && !IsImageData(data)) return NeedsImages(path + ".name", s->name, data);
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

}  // namespace

std::vector<std::string> KnobNames() {
  std::vector<std::string> names;
  for (const Knob& s : Knobs()) names.push_back(s.name);
  return names;
}

std::vector<std::string> KnobDefaults() {
  std::vector<std::string> lines;
  for (const Knob& s : Knobs()) {
    lines.push_back(absl::StrCat(
        s.name, ": ", s.default_text, " (",
        s.choices.empty() ? KnobRangeText(s) : absl::StrCat("one of ", absl::StrJoin(s.choices, ", ")), ")"));
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
  for (const FlatParameter& p : FlatParameters(spec)) {  // Conditional children too.
    RETURN_IF_ERROR(CheckParameter(*p.spec, p.path, spec.task().train().data()));
  }
  // The single objective (several objectives and constraints: common/spec/outcome_validation.cc).
  if (spec.objectives_size() == 0) {
    RETURN_IF_ERROR(
        CheckTrainMetricName("objective.metric", spec.objective().metric(), spec.task().train().data()));
  }
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
    if (const Knob* knob = FindKnob(parameters[i].name());
        knob != nullptr && knob->image_only && !IsImageData(t.data())) {
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
    // hidden_layers x hidden_units, each defaulting to the default `layers` (one layer of 128).
    const int layers = t.has_hidden_layers() ? t.hidden_layers() : static_cast<int>(c.hidden.size());
    const int units = t.has_hidden_units() ? t.hidden_units() : c.hidden.front();
    c.hidden.assign(layers, units);
  }
  const pb::Reflection* r = t.GetReflection();
  for (const Knob& knob : Knobs()) {
    const pb::FieldDescriptor* f = KnobField(knob.name);
    if (knob.apply && r->HasField(t, f)) knob.apply(t, *f, c);
  }
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

const char* PoolingName(Pooling p) { return ChoiceName("pooling", p).c_str(); }

const char* ActivationName(Activation a) { return ChoiceName("activation", a).c_str(); }

const char* OptimizerName(OptimizerKind o) { return ChoiceName("optimizer", o).c_str(); }

}  // namespace hyperlab
