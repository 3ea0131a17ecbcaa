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

// Sorts trials by `key`: a metric or parameter name, or "id"; a leading '-' sorts descending. Trials
// without the key come last. INVALID_ARGUMENT when no trial and no spec field has that name.
absl::Status SortTrials(const v1::StudySpec& spec, const std::string& key, std::vector<v1::Trial>& trials);

nlohmann::json TrialToJson(const v1::Trial& trial);
std::string FormatTrials(const v1::Study& study, const std::vector<v1::Trial>& trials, OutputFormat format);

// A proto as JSON with snake_case names (one object).
std::string ProtoToJson(const google::protobuf::Message& message);
std::string FormatStudies(const std::vector<v1::Study>& studies, OutputFormat format);
// One study in detail: spec, state, counts and best trial.
std::string FormatStudyDetail(const v1::Study& study, OutputFormat format);

// One line of progress: "name: 23/50 done (21 ok, 2 failed), 4 running, best value=0.4012 (trial 17)".
// `elapsed_s` > 0 adds the elapsed time and an estimate of the time left.
std::string ProgressLine(const v1::Study& study, double elapsed_s);

// A parameter value as text: shortest exact form for numbers.
std::string ValueText(const v1::ParameterValue& value);

}  // namespace hyperlab::tools

#endif  // HYPERLAB_TOOLS_OUTPUT_FORMAT_H_
