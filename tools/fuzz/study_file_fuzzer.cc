// libFuzzer target: the study-file parser (tools/study_file.h) on arbitrary bytes.
//
// Properties checked beyond "no crash, no leak, no sanitizer report": every error is INVALID_ARGUMENT with
// a one-line message that starts with the file name; a spec the parser accepts passes ValidateStudySpec,
// and so does that spec with its defaults filled in (WithDefaults keeps a valid spec valid).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "coordinator/spec_validation.h"
#include "tools/study_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<hyperlab::v1::StudySpec> spec = hyperlab::tools::ParseStudyYaml(text, "fuzz.yaml");
  if (!spec.ok()) {
    const std::string message(spec.status().message());
    if (spec.status().code() != absl::StatusCode::kInvalidArgument || message.rfind("fuzz.yaml", 0) != 0 ||
        message.find('\n') != std::string::npos) {
      std::fprintf(stderr, "bad error: %s\n", spec.status().ToString().c_str());
      std::abort();
    }
    return 0;
  }
  if (!hyperlab::coordinator::ValidateStudySpec(*spec).ok() ||
      !hyperlab::coordinator::ValidateStudySpec(hyperlab::coordinator::WithDefaults(*spec)).ok()) {
    std::fprintf(stderr, "accepted spec fails validation: %s\n", spec->DebugString().c_str());
    std::abort();
  }
  return 0;
}
