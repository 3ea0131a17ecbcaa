// libFuzzer target: the study-file parser (tools/study_file.h) on arbitrary bytes.
//
// Each input is parsed twice: as it is, and spliced into a file whose parameters all alias one anchored
// value list made of the input, so every run goes through YAML alias expansion and its limits
// (max_study_file_nodes, max_study_file_bytes) whatever the corpus holds. Seeds with anchors, aliases and
// merge keys, and a dictionary, are in tests/tools/study_file_fuzz/.
//
// Properties checked beyond "no crash, no leak, no sanitizer report": every error is INVALID_ARGUMENT with
// a one-line message that starts with the file name; a spec the parser accepts passes ValidateStudySpec,
// and so does that spec with its defaults filled in (WithDefaults keeps a valid spec valid).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/spec/spec_validation.h"
#include "tools/study_file.h"

namespace {

// References to the anchored list. Few, so that a run stays fast (reaching max_study_file_nodes costs a
// second under ASan; tests/tools/study_file_test.cc covers the limits themselves); the seeds' own aliases
// and the dictionary's `&a`, `*a`, `<<:` make the rest.
constexpr int kAliases = 4;

void Check(const std::string& text) {
  absl::StatusOr<hyperlab::v1::StudySpec> spec = hyperlab::tools::ParseStudyYaml(text, "fuzz.yaml");
  if (!spec.ok()) {
    const std::string message(spec.status().message());
    if (spec.status().code() != absl::StatusCode::kInvalidArgument || message.rfind("fuzz.yaml", 0) != 0 ||
        message.find('\n') != std::string::npos) {
      std::fprintf(stderr, "bad error: %s\n", spec.status().ToString().c_str());
      std::abort();
    }
    return;
  }
  if (!hyperlab::ValidateStudySpec(*spec).ok() ||
      !hyperlab::ValidateStudySpec(hyperlab::WithDefaults(*spec)).ok()) {
    std::fprintf(stderr, "accepted spec fails validation: %s\n", spec->DebugString().c_str());
    std::abort();
  }
}

// The input as the anchored value list of parameter p0, aliased by kAliases more parameters.
std::string Aliased(const std::string& input) {
  std::string yaml =
      "name: s\nobjective: {metric: value, goal: minimize}\nparameters:\n"
      "  - {name: p0, categorical: {values: &v [" +
      input + "]}}\n";
  for (int p = 1; p <= kAliases; ++p) {
    yaml += "  - {name: p" + std::to_string(p) + ", categorical: {values: *v}}\n";
  }
  return yaml + "algorithm: {grid: {}}\nbudget: {max_trials: 1}\ntask: {command: {argv: [x]}}\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Check(text);
  Check(Aliased(text));
  return 0;
}
