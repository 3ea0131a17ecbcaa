// Executors run one trial's work on a worker: a built-in synthetic objective, a user's command, and later
// the built-in trainer.
//
// The worker's pull loop (worker/worker.h) gives an executor the trial's assignment (parameters, task,
// objective) and a TrialContext through which it streams intermediate measurements and learns that it must
// stop. The executor returns the trial's outcome; it never talks to the coordinator itself.
//
// Thread safety: Run may be called concurrently from several slot threads on one Executor.
#ifndef HYPERLAB_WORKER_EXECUTOR_H_
#define HYPERLAB_WORKER_EXECUTOR_H_

#include <map>
#include <string>

#include "hyperlab/v1/services.pb.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab::worker {

// The executor's view of the worker while a trial runs. Implemented by the pull loop (and by tests).
class TrialContext {
 public:
  virtual ~TrialContext() = default;
  // Queues an intermediate measurement; the pull loop sends it with the next heartbeat.
  virtual void ReportMeasurement(const v1::Measurement& measurement) = 0;
  // True once the trial's work must end: the lease was lost, the study cancelled, the trial early-stopped
  // or the worker is shutting down. Executors poll it (at least every 100 ms) and end the work promptly.
  virtual bool StopRequested() const = 0;
};

// What an executor returns.
struct TrialOutcome {
  // SUCCEEDED, FAILED (the work failed: non-zero exit, timeout, missing objective), STOPPED (ended because
  // StopRequested()), INFEASIBLE (the parameters cannot be evaluated) or PENDING (given back unrun: the
  // coordinator asked for the program's digest only, Assignment.digest_only).
  v1::Trial::State state = v1::Trial::FAILED;
  // Final metric values. When SUCCEEDED they include the objective metric.
  std::map<std::string, double> metrics;
  // Why it failed or stopped, for a person: one line, or the tail of the program's stderr.
  std::string reason;
  // Non-numeric results stored with the trial, e.g. "confusion_matrix" -> JSON.
  std::map<std::string, std::string> artifacts;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // The task kind this executor runs: "synthetic", "command" or "train" (the oneof field name in TaskSpec).
  virtual std::string Kind() const = 0;
  // Runs the trial to its end. Never throws.
  virtual TrialOutcome Run(const v1::Assignment& assignment, TrialContext& context) = 0;
};

}  // namespace hyperlab::worker

#endif  // HYPERLAB_WORKER_EXECUTOR_H_
