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
inline constexpr int kMaxWorkers = 10000;  // max_workers: registered at once (RESOURCE_EXHAUSTED).

// Message sizes every channel agrees on (issue 14, #8): the coordinator receives requests of up to
// kMaxRequestBytes and sends responses of up to kMaxResponseBytes; every client (worker, CLI, in-process)
// sends up to kMaxRequestBytes and receives up to kMaxResponseBytes (coordinator/message_size.h applies
// them). A response may carry a whole request back (GetStudy returns the spec it was created with) plus
// state, hence twice the request size. The core keeps what it returns (lists, leases) under
// kMaxResponseBytes; gRPC refuses anything larger with RESOURCE_EXHAUSTED on the sending side.
inline constexpr int kMaxResponseBytes = 2 * kMaxRequestBytes;  // max_response_bytes: one gRPC reply.

}  // namespace hyperlab

#endif  // HYPERLAB_PROTO_LIMITS_H_
