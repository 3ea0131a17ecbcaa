#include "common/spec/effective_settings.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"

namespace hyperlab {
namespace {

std::string Quoted(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(&out, "\\u00", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

const char* InitName(Init i) {
  static const char* kNames[] = {"he", "glorot", "normal"};
  return kNames[static_cast<int>(i)];
}

const char* DecayName(LrDecay d) {
  static const char* kNames[] = {"none", "exponential", "inverse_time", "step"};
  return kNames[static_cast<int>(d)];
}

const char* NormalizationName(Normalization n) {
  static const char* kNames[] = {"none", "scale", "standardize"};
  return kNames[static_cast<int>(n)];
}

}  // namespace

std::string EffectiveSettingsJson(const TrainConfig& c) {
  std::vector<std::string> fields;
  auto add = [&](absl::string_view key, const std::string& json) {
    fields.push_back(absl::StrCat(Quoted(key), ":", json));
  };
  auto num = [](double v) { return absl::StrCat(v); };
  add("layers", absl::StrCat("[", absl::StrJoin(c.hidden, ","), "]"));
  add("activation", Quoted(ActivationName(c.activation)));
  add("init", Quoted(InitName(c.init)));
  add("init_stddev", num(c.init_stddev));
  add("optimizer", Quoted(OptimizerName(c.optimizer)));
  add("learning_rate", num(c.learning_rate));
  add("momentum", num(c.momentum));
  add("beta1", num(c.beta1));
  add("beta2", num(c.beta2));
  add("epsilon", num(c.epsilon));
  add("lr_decay", Quoted(DecayName(c.lr_decay)));
  add("lr_decay_rate", num(c.lr_decay_rate));
  add("lr_decay_steps", num(c.lr_decay_steps));
  add("l1", num(c.l1));
  add("l2", num(c.l2));
  add("dropout", num(c.dropout));
  add("batch_size", num(c.batch_size));
  add("epochs", num(c.epochs));
  add("patience", num(c.patience));
  add("seed", absl::StrCat(c.seed));
  add("human_level_error", c.human_level_error ? num(*c.human_level_error) : "null");
  add("conv_blocks", num(c.conv_blocks));
  add("filters", num(c.filters));
  add("kernel_size", num(c.kernel_size));
  add("pooling", Quoted(PoolingName(c.pooling)));
  add("batch_norm", c.batch_norm ? "true" : "false");
  add("dense_units", num(c.dense_units));
  add("conv_dropout", num(c.conv_dropout));
  add("dense_dropout", num(c.dense_dropout));
  add("augment_shift", num(c.augment_shift));
  add("augment_flip", c.augment_flip ? "true" : "false");
  std::string data;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(c.data, &data, options).ok()) data = "{}";
  add("data", data);
  add("normalization", Quoted(NormalizationName(EffectiveNormalization(c.data))));
  return absl::StrCat("{", absl::StrJoin(fields, ","), "}");
}

}  // namespace hyperlab
