// How the CLI shows studies and trials: aligned tables for people, JSON and CSV for programs.
//
// Trials in JSON are objects with at least `id`, `state`, `params` (name -> value) and `metrics`
// (name -> number); studies in JSON are the proto's JSON form with snake_case field names.
//
// Example:
//   ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(flag));
//   std::cout << FormatTrials(study, trials, format);
//
// Thread safety: pure functions.
#ifndef HYPERLAB_TOOLS_OUTPUT_FORMAT_H_
#define HYPERLAB_TOOLS_OUTPUT_FORMAT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "hyperlab/v1/services.pb.h"
#include "nlohmann/json.hpp"

namespace hyperlab::tools {

enum class OutputFormat { kTable, kJson, kCsv };

// "table", "json" or "csv"; INVALID_ARGUMENT otherwise.
absl::StatusOr<OutputFormat> ParseOutputFormat(const std::string& name);

nlohmann::json TrialToJson(const v1::Trial& trial);
std::string FormatTrials(const v1::Study& study, const std::vector<v1::Trial>& trials, OutputFormat format);

// A proto as JSON with snake_case names (one object).
std::string ProtoToJson(const google::protobuf::Message& message);
std::string FormatStudies(const std::vector<v1::Study>& studies, OutputFormat format);
// One study in detail: spec, state, counts and best trial.
std::string FormatStudyDetail(const v1::Study& study, OutputFormat format);

// One line of progress, e.g. "name: 23/50 done (20 ok, 1 failed, 2 stopped, 3 reused), 4 running,
// best value=0.4012 (trial 17), 6.2 trials/min, elapsed 3m42s, eta 4m21s". States with no trial are left
// out; `elapsed_s` > 0 adds the rate, the elapsed time and an estimate of the time left.
std::string ProgressLine(const v1::Study& study, double elapsed_s);
// True when `now` has more ended trials than `before`, or is no longer ACTIVE (worth a progress line).
bool TrialsEnded(const v1::Study& before, const v1::Study& now);
// "42s", "3m05s", "2h07m".
std::string Duration(double seconds);

// A parameter value as text: shortest exact form for numbers.
std::string ValueText(const v1::ParameterValue& value);

}  // namespace hyperlab::tools

#endif  // HYPERLAB_TOOLS_OUTPUT_FORMAT_H_
