// Keeps what a worker sends under the limits the coordinator enforces (proto/limits.h), so that one trial's
// output can only fail that trial, never a whole CompleteTrials or ReportTrials call (and with it the other
// trials of the worker).
//
// A user's program decides its metric names, how many metrics and measurements it reports, and (through
// the trainer or an executor) artifacts and reasons. Over a limit:
//   - a measurement or final metric with a name over max_metric_name_length, more than
//     max_metrics_per_report metrics, or an invalid name: the trial FAILS with a reason that names the
//     limit, e.g. "metric name of 200 characters, over the limit max_metric_name_length = 128"; its metrics,
//     artifacts and measurements are not sent;
//   - an artifact over max_artifact_bytes, more than max_artifacts_per_completion artifacts, or an artifact
//     that is not valid UTF-8: the same;
//   - a reason over max_reason_length: cut (the reason is text for a person);
//   - a completion whose encoding is over kMaxCallBytes: its measurements are dropped (the final metrics
//     stay), and if it is still over, the trial FAILS as above.
// Names over a limit are never echoed in full: only their length.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_WORKER_SEND_LIMITS_H_
#define HYPERLAB_WORKER_SEND_LIMITS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "hyperlab/v1/services.pb.h"
#include "proto/limits.h"

namespace hyperlab::worker {

// The most bytes one CompleteTrials or ReportTrials call of a worker carries: an eighth of
// max_request_bytes (2 MiB), well within what the coordinator takes and within gRPC's default 4 MiB
// receive limit.
inline constexpr size_t kMaxCallBytes = kMaxRequestBytes / 8;
// Bytes of measurements one ReportTrials call carries at most, shared by the worker's trials; the leases
// of all its trials always fit beside them.
inline constexpr size_t kMaxHeartbeatMeasurementBytes = 1 << 20;
// Measurements a trial may have waiting for the next heartbeat, and their bytes; beyond either, the oldest
// are dropped (and counted).
inline constexpr size_t kMaxPendingMeasurements = 1000;
inline constexpr size_t kMaxPendingMeasurementBytes = 1 << 20;

// OK, or RESOURCE_EXHAUSTED naming the limit a measurement's metrics exceed ("measurement at step 3: ...").
absl::Status CheckMeasurement(const v1::Measurement& measurement);

// Makes `completion` fit the limits, as described above. Returns true when it had to fail the trial.
bool FitCompletion(v1::TrialCompletion& completion);

// Turns `completion` into a FAILED one carrying only its lease and `reason` (made printable and cut to
// max_reason_length): what the worker sends once when the coordinator refused a completion.
void StripToFailure(v1::TrialCompletion& completion, const std::string& reason);

}  // namespace hyperlab::worker

#endif  // HYPERLAB_WORKER_SEND_LIMITS_H_
