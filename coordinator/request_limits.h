// Limits on what one request may carry, checked by every RPC handler before the request touches state.
//
// A field over its limit is INVALID_ARGUMENT with the message
//   "<field path>: <count or size>, over the limit <limit name> = <value>"
// e.g. "completions[2].metrics: 1500 entries, over the limit max_metrics_per_report = 1000".
// A message larger than kMaxRequestBytes is refused by gRPC itself with RESOURCE_EXHAUSTED (its message
// names both sizes), and the core answers RESOURCE_EXHAUSTED when the coordinator is full (kMaxWorkers).
// The study spec inside CreateStudy has its own limits (spec_validation.h: parameters, values per
// parameter, trials, name lengths), checked by the core; ValidateRequest checks the envelope.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_REQUEST_LIMITS_H_
#define HYPERLAB_COORDINATOR_REQUEST_LIMITS_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "hyperlab/v1/services.pb.h"

namespace hyperlab::coordinator {

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

// StudyService.
absl::Status ValidateRequest(const v1::CreateStudyRequest& request);
absl::Status ValidateRequest(const v1::GetStudyRequest& request);
absl::Status ValidateRequest(const v1::ListStudiesRequest& request);
absl::Status ValidateRequest(const v1::CancelStudyRequest& request);
absl::Status ValidateRequest(const v1::WatchStudyRequest& request);
absl::Status ValidateRequest(const v1::ListTrialsRequest& request);
absl::Status ValidateRequest(const v1::GetBestTrialRequest& request);
absl::Status ValidateRequest(const v1::PauseStudyRequest& request);
absl::Status ValidateRequest(const v1::ResumeStudyRequest& request);
absl::Status ValidateRequest(const v1::SetStudyBudgetRequest& request);
absl::Status ValidateRequest(const v1::ConcludeStudyRequest& request);
absl::Status ValidateRequest(const v1::AddTrialNoteRequest& request);
// WorkerService.
absl::Status ValidateRequest(const v1::RegisterWorkerRequest& request);
absl::Status ValidateRequest(const v1::AcquireTrialsRequest& request);
absl::Status ValidateRequest(const v1::ReportTrialsRequest& request);
absl::Status ValidateRequest(const v1::CompleteTrialsRequest& request);
// AdminService.
absl::Status ValidateRequest(const v1::GetStatusRequest& request);
absl::Status ValidateRequest(const v1::ListWorkersRequest& request);
absl::Status ValidateRequest(const v1::BackupRequest& request);
absl::Status ValidateRequest(const v1::DrainWorkerRequest& request);
absl::Status ValidateRequest(const v1::EvictWorkerRequest& request);
absl::Status ValidateRequest(const v1::TrialActionRequest& request);
absl::Status ValidateRequest(const v1::GetStorageStatsRequest& request);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_REQUEST_LIMITS_H_
