// How the CLI shows studies, trials, workers and the journal: aligned tables for people (numbers to 6
// significant digits), JSON and CSV for programs (numbers exact).
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

// A proto as JSON with snake_case names (one object). 64-bit integers are JSON numbers (`"best_trial_id":
// 21`, where protobuf's own JSON writes the string "21"); reals keep full precision.
std::string ProtoToJson(const google::protobuf::Message& message);
// Columns: id, name, state, objective (its metric), goal (maximize/minimize), done, running, failed,
// best, tags.
std::string FormatStudies(const std::vector<v1::Study>& studies, OutputFormat format);
// `admin workers`: one row per worker. Its state is "lost" when it has not been seen for longer than
// `lease_timeout_ms` (its leases have expired; <= 0: unknown, never lost), else "draining" or "active".
// Table or CSV (the caller writes JSON from the proto).
std::string FormatWorkers(const std::vector<v1::WorkerStatus>& workers, int64_t lease_timeout_ms,
                          int64_t now_ms, OutputFormat format);
// `admin storage`: the journal's statistics, one row.
std::string FormatStorage(const v1::StorageStats& stats, OutputFormat format);
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


// A real number in a table for people: 6 significant digits ("0.00131704", "0.8767", "1.5e+06"), "inf",
// "-inf", "nan". Every table (studies, trials, progress, lab tables: field_value.h's ShortText) shows
// numbers this way; CSV and JSON keep full precision.
std::string TableNumber(double v);

// Columns two spaces apart, each as wide as its widest cell; no trailing spaces.
std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

}  // namespace hyperlab::tools

#endif  // HYPERLAB_TOOLS_OUTPUT_FORMAT_H_
