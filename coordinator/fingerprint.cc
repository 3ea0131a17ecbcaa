#include "coordinator/fingerprint.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <new>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/spec/parameter_tree.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace hyperlab::coordinator {
namespace {

// Length-prefixed so that field boundaries cannot be confused ("ab"+"c" != "a"+"bc").
void Field(std::string& out, const std::string& value) {
  absl::StrAppend(&out, value.size(), ":", value, ";");
}

bool IsLog(const v1::ParameterSpec& p) { return p.has_double_range() && p.double_range().scale() == v1::LOG; }

// The names of the log-scale double parameters, conditional children included (one walk of the tree per
// fingerprint, not one per parameter).
std::set<std::string> LogScaleNames(const v1::StudySpec& spec) {
  std::set<std::string> names;
  for (const FlatParameter& p : FlatParameters(spec)) {
    if (IsLog(*p.spec)) names.insert(p.spec->name());
  }
  return names;
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

bool DigestedByWorkers(const v1::TaskSpec& task) { return task.has_train() || task.has_command(); }

const char* DigestArtifact(const v1::TaskSpec& task) {
  return task.has_command() ? "program_digest" : "data_digest";
}

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // EVP_Digest fails only when the library cannot allocate its context: there is no result to give then.
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::bad_alloc();
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), static_cast<size_t>(length)));
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
      // What the program and its argument files hold (worker/program_digest.h): a fixed script is a new
      // experiment.
      if (!data_digest.empty()) Field(out, absl::StrCat("program-sha256:", data_digest));
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
    case v1::TaskSpec::kClient:
      // The user's code is known only by the name the study gives it; without one, a result is the same
      // experiment only within the study (whose name is unique).
      Field(out, "client");
      Field(out, task.client().experiment().empty()
                     ? absl::StrCat("study:", spec.name())
                     : absl::StrCat("experiment:", task.client().experiment()));
      break;
    default:
      Field(out, "none");
  }
  return out;
}

std::string TrialFingerprint(const v1::StudySpec& spec,
                             const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters,
                             const std::string& data_digest) {
  std::string text;
  Field(text, "trial");  // Domain separation: a trial's text never equals a search space's.
  text += CanonicalTask(spec, data_digest);
  std::vector<const v1::Parameter*> sorted;
  for (const auto& p : parameters) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name() < b->name(); });
  const std::set<std::string> log_scale = LogScaleNames(spec);
  for (const v1::Parameter* p : sorted) {
    Field(text, p->name());
    Field(text, CanonicalValue(p->value(), log_scale.count(p->name()) > 0));
  }
  return Sha256Hex(text);
}

std::string StudyTrialFingerprint(const v1::Study& study,
                                  const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters) {
  std::string fp = TrialFingerprint(study.spec(), parameters, study.data_digest());
  // `reuse: study` shares results only within the study; `never` shares nothing (and is not indexed).
  if (study.spec().reuse() == v1::STUDY) fp = Sha256Hex(absl::StrCat(fp, ";study:", study.id()));
  if (study.spec().reuse() == v1::NEVER) return absl::StrCat("never:", fp);
  // A train task's data, a command task's program, are known by their paths only until a worker reports
  // their digest.
  if (DigestedByWorkers(study.spec().task()) && study.data_digest().empty()) return absl::StrCat("path:", fp);
  return fp;
}

std::string SpaceFingerprint(const v1::StudySpec& spec, const std::string& data_digest) {
  std::string text;
  Field(text, "space");
  text += CanonicalTask(spec, data_digest);
  std::vector<const v1::ParameterSpec*> sorted;
  for (const auto& p : spec.parameters()) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name() < b->name(); });
  for (const v1::ParameterSpec* p : sorted) {
    // Deterministic: a map field (conditional children) is written in key order, not hash order.
    std::string bytes;
    {
      google::protobuf::io::StringOutputStream stream(&bytes);
      google::protobuf::io::CodedOutputStream coded(&stream);
      coded.SetSerializationDeterministic(true);
      p->SerializePartialToCodedStream(&coded);
    }
    Field(text, bytes);
  }
  return Sha256Hex(text);
}

}  // namespace hyperlab::coordinator
