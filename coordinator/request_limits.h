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

#include "absl/status/status.h"
#include "hyperlab/v1/services.pb.h"
#include "proto/limits.h"

namespace hyperlab::coordinator {

// StudyService.
absl::Status ValidateRequest(const v1::CreateStudyRequest& request);
absl::Status ValidateRequest(const v1::GetStudyRequest& request);
absl::Status ValidateRequest(const v1::ListStudiesRequest& request);
absl::Status ValidateRequest(const v1::CancelStudyRequest& request);
absl::Status ValidateRequest(const v1::DeleteStudyRequest& request);
absl::Status ValidateRequest(const v1::WatchStudyRequest& request);
absl::Status ValidateRequest(const v1::ListTrialsRequest& request);
absl::Status ValidateRequest(const v1::GetBestTrialRequest& request);
absl::Status ValidateRequest(const v1::GetParetoFrontRequest& request);
absl::Status ValidateRequest(const v1::PauseStudyRequest& request);
absl::Status ValidateRequest(const v1::ResumeStudyRequest& request);
absl::Status ValidateRequest(const v1::SetStudyBudgetRequest& request);
absl::Status ValidateRequest(const v1::ConcludeStudyRequest& request);
absl::Status ValidateRequest(const v1::AddTrialNoteRequest& request);
absl::Status ValidateRequest(const v1::EnqueueTrialRequest& request);
// WorkerService.
absl::Status ValidateRequest(const v1::RegisterWorkerRequest& request);
absl::Status ValidateRequest(const v1::AcquireTrialsRequest& request);
absl::Status ValidateRequest(const v1::ReportTrialsRequest& request);
absl::Status ValidateRequest(const v1::AskTrialsRequest& request);
absl::Status ValidateRequest(const v1::CompleteTrialsRequest& request);
// The content of one report or completion (measurements, metrics, reason, artifacts), checked by the core
// item by item: one trial's over-limit output fails that trial (a completion) or that item (a report),
// never the whole call, so one bad trial cannot wedge a worker and the other trials it carries.
absl::Status ValidateReportItem(const v1::TrialReport& report, int index);
absl::Status ValidateCompletionItem(const v1::TrialCompletion& completion, int index);
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
