// Loads a YAML study file into a hyperlab.v1.StudySpec, with the file and line in every error.
//
// The schema is defined once, in proto/hyperlab/v1/study.proto. The loader walks the YAML guided by the
// protobuf descriptor (so it knows each key's line and can say which key is unknown or mistyped), emits
// JSON, and parses that with protobuf's JSON parser; then ValidateStudySpec checks the result
// and its "<field path>: <problem>" error is given the line where that field was written.
// Keys are a field's JSON name (`double`, `maxTrials`) or its proto name (`max_trials`); enum values are
// accepted in any case (`minimize`, `log`). Defaults are not filled in: the coordinator does that when it
// creates the study (WithDefaults).
//
// Example:
//   absl::StatusOr<v1::StudySpec> spec = LoadStudyFile("examples/branin-random.yaml");
//   if (!spec.ok()) {  // e.g. "study.yaml:7: parameters[2].double.min: log scale needs min > 0, got 0"
//     std::cerr << spec.status().message() << "\n";
//     return 2;
//   }
//
// Every error is INVALID_ARGUMENT with a one-line message "<file>:<line>: <field path>: <problem>"
// (":<line>" is left out when the problem has no line, e.g. a required field that was not written).
//
// Thread safety: stateless functions; safe to call from any thread.
#ifndef HYPERLAB_TOOLS_STUDY_FILE_H_
#define HYPERLAB_TOOLS_STUDY_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab::tools {

// Reads, parses and validates the study file at `path`. A file that cannot be read gives
// "<path>: cannot read: <reason>".
absl::StatusOr<v1::StudySpec> LoadStudyFile(const std::string& path);

// Parses and validates the study file text `yaml`; `file_name_for_errors` starts every error message.
absl::StatusOr<v1::StudySpec> ParseStudyYaml(absl::string_view yaml, const std::string& file_name_for_errors);

}  // namespace hyperlab::tools

#endif  // HYPERLAB_TOOLS_STUDY_FILE_H_
