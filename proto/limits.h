// The limits table: every size a request, a worker's output or a study can set, in one place shared by
// the coordinator (which refuses what is over), the worker and the CLI (which keep what they send under).
//
// A value over its limit is named in errors as "<field path>: <count or size>, over the limit <limit
// name> = <value>", the limit name being the snake_case comment beside each constant.
//
// Thread safety: constants.
#ifndef HYPERLAB_PROTO_LIMITS_H_
#define HYPERLAB_PROTO_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace hyperlab {

inline constexpr int kMaxRequestBytes = 16 << 20;  // max_request_bytes: one gRPC message.
inline constexpr size_t kMaxStudyRefLength = 256;  // max_study_ref_length: a study's id or name.
inline constexpr size_t kMaxWorkerIdLength = 256;  // max_worker_id_length
inline constexpr size_t kMaxHostLength = 256;      // max_host_length
inline constexpr int kMaxExecutors = 16;           // max_executors: kinds a worker announces.
inline constexpr int kMaxAllowedCommands = 256;    // max_allowed_commands: a worker's allowlist entries.
inline constexpr size_t kMaxPathLength = 4096;     // max_path_length: allowlist entries, backup dir.
inline constexpr int kMaxSlots = 4096;             // max_slots: slots of one worker.
inline constexpr int kMaxAcquire = 256;            // max_acquire: trials leased by one call.
inline constexpr int kMaxReportsPerCall = 1024;    // max_reports_per_call: reports or completions.
inline constexpr int kMaxMeasurementsPerReport = 10000;  // max_measurements_per_report
inline constexpr int kMaxMetricsPerReport = 1000;      // max_metrics_per_report: one measurement/completion.
inline constexpr size_t kMaxMetricNameLength = 128;    // max_metric_name_length
inline constexpr size_t kMaxLeaseIdLength = 64;        // max_lease_id_length
inline constexpr size_t kMaxReasonLength = 65536;      // max_reason_length: a completion's reason.
inline constexpr int kMaxArtifactsPerCompletion = 64;  // max_artifacts_per_completion
inline constexpr size_t kMaxArtifactBytes = 1 << 20;   // max_artifact_bytes: one artifact's value.
inline constexpr size_t kMaxOperatorReasonLength = 1024;  // max_operator_reason_length
inline constexpr size_t kMaxNoteLength = 65536;           // max_note_length: a conclusion or a trial note.
inline constexpr int kMaxNotesPerTrial = 1000;            // max_notes_per_trial
// max_enqueued_per_study: user-chosen trials waiting to run.
inline constexpr int kMaxEnqueuedPerStudy = 1000;
inline constexpr int kMaxOpenStudiesPerSubmitter = 256;  // max_open_studies_per_submitter (not ended).
inline constexpr int kMaxWorkers = 10000;  // max_workers: registered at once (RESOURCE_EXHAUSTED).

// Study specs: checked by ValidateStudySpec, so by the coordinator at CreateStudy and by the
// CLI's study-file loader before it sends anything (INVALID_ARGUMENT naming the field and parameter).
inline constexpr size_t kMaxSpecBytes = 1 << 20;      // max_spec_bytes: one serialized StudySpec.
inline constexpr size_t kMaxNameLength = 128;         // max_name_length: study, parameter and metric names.
inline constexpr size_t kMaxExperimentLength = 256;   // max_experiment_length: a client task's experiment.
inline constexpr size_t kMaxHypothesisLength = 4096;  // max_hypothesis_length
inline constexpr int kMaxParameters = 1000;           // max_parameters: of one study, children included.
inline constexpr int kMaxParameterDepth = 8;          // max_parameter_depth: levels of conditional children.
inline constexpr int kMaxValuesPerParameter = 10000;  // max_values_per_parameter: discrete, categorical.
inline constexpr size_t kMaxValueLength = 1024;       // max_value_length: one categorical value.
// max_integer_magnitude: |min| and |max| of an integer parameter. The searcher models integers as doubles,
// which hold every integer exactly up to 2^53, so no bound, difference or count overflows or rounds.
inline constexpr int64_t kMaxIntegerMagnitude = int64_t{1} << 53;
inline constexpr int kMaxPointsPerDouble = 1000;  // max_points_per_double: algorithm.grid.points_per_double.
// max_grid_points: a grid's size, the product of its axes' sizes. A thousand times max_trials: a grid
// that a study could partly run is never refused, and every count stays far from int64 overflow.
inline constexpr int64_t kMaxGridPoints = 1'000'000'000;
inline constexpr int32_t kMaxTrials = 1'000'000;  // max_trials: budget.max_trials, bayesian.initial_trials.
inline constexpr int32_t kMaxParallel = 10'000;   // max_parallel: budget.max_parallel.
inline constexpr int32_t kMaxAttempts = 100;      // max_attempts: budget.max_attempts.
// max_step: early-stopping min_step (steps are compared as doubles by ASHA; exact up to 2^53).
inline constexpr int64_t kMaxStep = int64_t{1} << 53;
inline constexpr int kMaxTags = 64;              // max_tags
inline constexpr int kMaxWarmStartStudies = 64;  // max_warm_start_studies
inline constexpr int kMaxObjectives = 8;         // max_objectives: entries of `objectives`.
inline constexpr int kMaxConstraints = 16;       // max_constraints: entries of `constraints`.

// Study files (tools/study_file.h), refused by the CLI before anything is parsed or sent.
// max_study_file_bytes: the file, and also its scalar text with YAML aliases expanded (a file without
// aliases never has more), so an alias "billion laughs" is refused at this size.
inline constexpr size_t kMaxStudyFileBytes = 4 << 20;
// max_study_file_nodes: YAML nodes with aliases expanded. A StudySpec under max_spec_bytes holds fewer
// values than this (each costs at least two bytes serialized).
inline constexpr int64_t kMaxStudyFileNodes = kMaxSpecBytes / 2;

// Message sizes every channel agrees on (issue 14, #8): the coordinator receives requests of up to
// kMaxRequestBytes and sends responses of up to kMaxResponseBytes; every client (worker, CLI, in-process)
// sends up to kMaxRequestBytes and receives up to kMaxResponseBytes (common/rpc/message_size.h applies
// them). A response may carry a whole request back (GetStudy returns the spec it was created with) plus
// state, hence twice the request size. The core keeps what it returns (lists, leases) under
// kMaxResponseBytes; gRPC refuses anything larger with RESOURCE_EXHAUSTED on the sending side.
inline constexpr int kMaxResponseBytes = 2 * kMaxRequestBytes;  // max_response_bytes: one gRPC reply.

}  // namespace hyperlab

#endif  // HYPERLAB_PROTO_LIMITS_H_
