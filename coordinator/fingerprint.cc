#include "coordinator/fingerprint.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace hyperlab::coordinator {
namespace {

uint64_t Avalanche(uint64_t z) {
  z = (z ^ (z >> 33)) * 0xFF51AFD7ED558CCDULL;
  z = (z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53ULL;
  return z ^ (z >> 33);
}

// Length-prefixed so that field boundaries cannot be confused ("ab"+"c" != "a"+"bc").
void Field(std::string& out, const std::string& value) {
  absl::StrAppend(&out, value.size(), ":", value, ";");
}

bool IsLog(const v1::StudySpec& spec, const std::string& name) {
  for (const auto& p : spec.parameters()) {
    if (p.name() != name) continue;
    return (p.has_double_range() && p.double_range().scale() == v1::LOG);
  }
  return false;
}

std::string CanonicalValue(const v1::ParameterValue& value, bool log_scale) {
  switch (value.kind_case()) {
    case v1::ParameterValue::kIntValue:
      return absl::StrCat("i", value.int_value());
    case v1::ParameterValue::kStringValue:
      return absl::StrCat("s", value.string_value());
    default: {
      double v = value.double_value();
      if (log_scale && v > 0) v = std::log(v);
      if (v == 0) v = 0;                    // -0 and +0 are one value.
      return absl::StrFormat("d%.11e", v);  // 12 significant digits.
    }
  }
}

}  // namespace

std::string Hash128(const std::string& text) {
  uint64_t a = 0xCBF29CE484222325ULL, b = 0x84222325CBF29CE4ULL ^ text.size();
  for (unsigned char c : text) {
    a = (a ^ c) * 0x100000001B3ULL;
    b = (b ^ c) * 0x00000100000001B3ULL + 0x9E3779B97F4A7C15ULL;
  }
  return absl::StrFormat("%016x%016x", Avalanche(a), Avalanche(b ^ Avalanche(a)));
}

std::string CanonicalTask(const v1::StudySpec& spec, const std::string& data_digest) {
  const v1::TaskSpec& task = spec.task();
  std::string out;
  switch (task.kind_case()) {
    case v1::TaskSpec::kSynthetic:
      Field(out, "synthetic");
      Field(out, task.synthetic().function());
      break;
    case v1::TaskSpec::kCommand: {
      Field(out, "command");
      for (const auto& arg : task.command().argv()) Field(out, arg);
      Field(out, "env");
      std::map<std::string, std::string> env(task.command().env().begin(), task.command().env().end());
      for (const auto& [k, v] : env) Field(out, absl::StrCat(k, "=", v));
      Field(out, task.command().working_dir());
      break;
    }
    case v1::TaskSpec::kTrain: {
      Field(out, "train");
      v1::TrainTask train = task.train();
      if (!data_digest.empty()) {  // The files' content stands for where they are.
        v1::TrainData& data = *train.mutable_data();
        data.clear_name();
        data.clear_train_images();
        data.clear_train_labels();
        data.clear_test_images();
        data.clear_test_labels();
        data.clear_csv();
      }
      std::string bytes;
      train.SerializePartialToString(&bytes);  // Deterministic for a message without maps.
      Field(out, bytes);
      if (!data_digest.empty()) Field(out, absl::StrCat("data-sha256:", data_digest));
      break;
    }
    default:
      Field(out, "none");
  }
  return out;
}

std::string TrialFingerprint(const v1::StudySpec& spec,
                             const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters,
                             const std::string& data_digest) {
  std::string text = CanonicalTask(spec, data_digest);
  std::vector<const v1::Parameter*> sorted;
  for (const auto& p : parameters) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name() < b->name(); });
  for (const v1::Parameter* p : sorted) {
    Field(text, p->name());
    Field(text, CanonicalValue(p->value(), IsLog(spec, p->name())));
  }
  return Hash128(text);
}

std::string SpaceFingerprint(const v1::StudySpec& spec, const std::string& data_digest) {
  std::string text = CanonicalTask(spec, data_digest);
  std::vector<const v1::ParameterSpec*> sorted;
  for (const auto& p : spec.parameters()) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name() < b->name(); });
  for (const v1::ParameterSpec* p : sorted) {
    std::string bytes;
    p->SerializePartialToString(&bytes);
    Field(text, bytes);
  }
  return Hash128(text);
}

}  // namespace hyperlab::coordinator
