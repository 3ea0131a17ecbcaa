// The `synthetic` executor: built-in test functions with known optima (common/spec/synthetic_functions.h) that answer at
// once or after a chosen delay. They let the search strategies and the whole cluster be tested and
// benchmarked without training anything: a strategy's result can be compared with the known minimum.
//
// A trial's parameters are read by name (x1, x2, ... ; double, integer or discrete values all count as
// numbers; extra parameters are ignored) and the result is reported as the metric `value`.
//
// Thread safety: stateless; Run may be called concurrently, and the functions are pure.
#ifndef HYPERLAB_WORKER_SYNTHETIC_EXECUTOR_H_
#define HYPERLAB_WORKER_SYNTHETIC_EXECUTOR_H_

#include <string>

#include "worker/executor.h"

namespace hyperlab::worker {

class SyntheticExecutor : public Executor {
 public:
  std::string Kind() const override { return "synthetic"; }

  // SUCCEEDED with {"value": f(parameters)} after task.synthetic.delay_seconds; FAILED (reason says why)
  // for an unknown function or a missing or non-numeric parameter; STOPPED ("stopped") when the context
  // asks to stop during the delay (polled every 50 ms at most).
  TrialOutcome Run(const v1::Assignment& assignment, TrialContext& context) override;
};

}  // namespace hyperlab::worker

#endif  // HYPERLAB_WORKER_SYNTHETIC_EXECUTOR_H_
