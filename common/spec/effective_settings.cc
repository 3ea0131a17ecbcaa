#include "common/spec/effective_settings.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/spec/knob_table.h"
#include "google/protobuf/util/json_util.h"

namespace hyperlab {
namespace {

const char* NormalizationName(Normalization n) {
  static const char* kNames[] = {"none", "scale", "standardize"};
  return kNames[static_cast<int>(n)];
}

}  // namespace

std::string EffectiveSettingsJson(const TrainConfig& c) {
  std::vector<std::string> fields;
  for (const Knob& knob : Knobs()) {
    if (knob.json) fields.push_back(absl::StrCat("\"", knob.name, "\":", knob.json(c)));
  }
  std::string data;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(c.data, &data, options).ok()) data = "{}";
  fields.push_back(absl::StrCat("\"data\":", data));
  fields.push_back(
      absl::StrCat("\"normalization\":\"", NormalizationName(EffectiveNormalization(c.data)), "\""));
  return absl::StrCat("{", absl::StrJoin(fields, ","), "}");
}

}  // namespace hyperlab
