// The `train` executor: runs the built-in trainer for one trial. It resolves the trial's configuration
// (task knobs overridden by the trial's parameters), takes the prepared data from the worker-wide cache,
// trains (once, or once per fold with k-fold cross-validation) and returns the final metrics, the
// confusion matrix (artifact "confusion_matrix", JSON) and a state:
//   SUCCEEDED  trained to the end (or early-stopped on the dev set by `patience`);
//   STOPPED    the context asked to stop (polled before every batch); metrics of the last epoch;
//   INFEASIBLE the loss became NaN or infinite ("loss became NaN at epoch 3, batch 17 ..."), or the
//              parameters give an invalid configuration;
//   FAILED     the data cannot be loaded (the reason names the file) or oneDNN failed.
// Per-epoch measurements (step = epoch; with k folds, step = fold * epochs + epoch) carry train_loss,
// train_accuracy, dev_loss, dev_accuracy and learning_rate (and `fold` with k-fold).
//
// Thread safety: Run may be called concurrently; each call sets its own thread's OpenMP thread count.
#ifndef HYPERLAB_WORKER_TRAIN_EXECUTOR_H_
#define HYPERLAB_WORKER_TRAIN_EXECUTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "worker/executor.h"
#include "worker/train/data_cache.h"

namespace hyperlab::worker::train {

struct TrainExecutorOptions {
  // OpenMP threads each trial uses (the worker's --threads). Default 1.
  int threads = 1;
  // Where data is loaded and kept; null = DataCache::Default().
  DataCache* cache = nullptr;
  // Let oneDNN choose weight layouts. Default true.
  bool pick_layouts = true;
};

class TrainExecutor : public Executor {
 public:
  explicit TrainExecutor(TrainExecutorOptions options = {});
  std::string Kind() const override { return "train"; }
  TrialOutcome Run(const v1::Assignment& assignment, TrialContext& context) override;

 private:
  TrainExecutorOptions options_;
};

// Replaces the "train" executor in `executors` (if any, else appends one) by one with `options`.
// hyperlab-worker uses it to give the trainer its own cache (--data-cache-mb, --max-data-file-mb).
void ConfigureTrainExecutor(std::vector<std::unique_ptr<Executor>>& executors, TrainExecutorOptions options);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_EXECUTOR_H_
