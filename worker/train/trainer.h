// Trains one network on one prepared split: mini-batch gradient descent over shuffled training examples
// for the configured epochs, learning-rate decay per epoch, early stopping on the dev loss with patience
// (keeping the best weights), and a divergence check after every batch. Then evaluates on train, dev and
// test.
//
// Divergence: the batch's mean loss is NaN or infinite, or above 1000 x the loss of chance (ln classes;
// 1000 x ln 10 = 2303 for Fashion-MNIST) -- for regression 1000 x the first batch's loss. A ReLU network
// trained with a learning rate of 100 typically reaches losses of 1e9 to 1e22 without overflowing, so
// NaN alone would let it "succeed" with garbage.
//
// Per-epoch train metrics are running averages over the epoch's batches (dropout on), as Keras and
// PyTorch loops report them; the final `train_loss`/`train_accuracy` re-evaluate the whole training split
// with dropout off, so that the metric-analysis gaps compare like with like.
//
// Thread safety: a Trainer is used by one thread at a time. Several trainers may share one PreparedData.
#ifndef HYPERLAB_WORKER_TRAIN_TRAINER_H_
#define HYPERLAB_WORKER_TRAIN_TRAINER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "worker/train/augment.h"
#include "common/spec/knobs.h"
#include "worker/train/metrics.h"
#include "worker/train/network.h"
#include "worker/train/prepared_data.h"

namespace hyperlab::worker::train {

class Optimizer;

struct EpochMetrics {
  int epoch = 0;  // 1-based.
  double train_loss = 0, train_accuracy = 0, dev_loss = 0, dev_accuracy = 0, learning_rate = 0;
};

// The rows of the training step that starts at `order[at]`: `batch` of them, `order[at..at+batch)`, or
// when the epoch's order runs out first, what is left topped up with the order's first rows (written to
// `scratch`). A step on a few examples is a noisy one, and the epoch's last step is the one the dev set
// judges: SGD at learning rate 0.1 on 20,000 examples in batches of 128 (ending on 32) swung dev accuracy
// 0.75-0.84 over epochs 7-9; topped up, 0.83-0.85. So every step averages over `batch` examples.
const int64_t* StepRows(const std::vector<int64_t>& order, int64_t at, int batch,
                        std::vector<int64_t>& scratch);

struct RunResult {
  enum class End { kCompleted, kStopped, kDiverged };
  End end = End::kCompleted;
  std::string reason;  // For kStopped and kDiverged.
  std::vector<EpochMetrics> history;
  // Final metrics (see docs/trainer.md); after kStopped/kDiverged, the last epoch's metrics.
  std::map<std::string, double> metrics;
  ClassificationReport test_report;  // Classification only, kCompleted only.
  int64_t samples_trained = 0;
  double train_seconds = 0;  // Time in forward/backward/update steps only.
};

struct TrainerHooks {
  // Polled before every batch; true ends the run with kStopped.
  std::function<bool()> stop_requested;
  // Called after every epoch.
  std::function<void(const EpochMetrics&)> on_epoch;
};

class Trainer {
 public:
  // `data` must outlive the trainer.
  Trainer(const TrainConfig& config, const PreparedData& data, bool pick_layouts = true);

  // INVALID_ARGUMENT when the knobs do not fit the data (conv or augment knobs without images, more
  // poolings than the image has pixels for), naming the knob; INTERNAL when oneDNN fails; otherwise the
  // run's result (divergence is a result, not an error).
  absl::StatusOr<RunResult> Run(const TrainerHooks& hooks);

  // Loss (mean) and accuracy of the current model on `examples`, dropout off.
  struct Evaluation {
    double loss = 0, accuracy = 0;
    std::vector<int> predicted_classes;  // Classification.
    std::vector<float> predictions;      // Regression.
  };
  Evaluation Evaluate(const Examples& examples, bool keep_predictions);

  // The network of the last Run (a Model, or a ConvNet when conv_blocks > 0).
  Network* network() { return model_.get(); }

 private:
  // The network the config asks for: a Model when conv_blocks is 0 (the fully connected path as before),
  // else a ConvNet.
  absl::StatusOr<std::unique_ptr<Network>> BuildNetwork(int batch);
  // Copies `count` examples into the model's input: rows[i], or first + i when rows is null. Training
  // batches are augmented when an augmenter is on. Training batches are always full (Run tops the last
  // one up); an evaluation batch's padding rows are zeros, or for a convolutional network copies of the
  // real ones (batch normalisation's statistics include them).
  void LoadBatch(const Examples& examples, const int64_t* rows, int64_t first, int count, bool training);

  // Run's stages. RunState is what a run carries from epoch to epoch (shuffle order and generator,
  // divergence limit, early-stopping state); EpochTotals the running sums of one epoch's batches.
  struct RunState;
  struct EpochTotals;
  // Builds the network and the augmenter the config asks for.
  absl::Status Prepare();
  // One epoch's training steps; a stop request or a diverged batch ends the run (result.end).
  EpochTotals TrainEpoch(int epoch, double lr, const TrainerHooks& hooks, Optimizer& optimizer,
                         RunState& state, RunResult& result);
  // Whether a training batch's mean loss counts as divergence (the first batch sets the limit); if so,
  // ends the run as kDiverged with the reason.
  bool Diverged(double batch_loss, int epoch, int64_t batch_index, double lr, RunState& state,
                RunResult& result) const;
  // After an epoch's training: the dev evaluation, the epoch's metrics and early stopping. False when
  // the run ends here (dev loss not finite, or patience used up).
  bool EndEpoch(int epoch, double lr, const EpochTotals& totals, const TrainerHooks& hooks, RunState& state,
                RunResult& result);
  // The metrics of the last epoch run (all a stopped or diverged run reports).
  void LastEpochMetrics(RunResult& result) const;
  // A completed run's final metrics: train, dev and test re-evaluated with the current weights.
  void FinalMetrics(RunResult& result);

  TrainConfig config_;
  const PreparedData& data_;
  bool pick_layouts_;
  std::unique_ptr<Network> model_;
  std::unique_ptr<Augmenter> augmenter_;  // Null when augmentation is off.
};

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_TRAINER_H_
