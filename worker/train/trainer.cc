#include "worker/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/spec/train_metrics.h"
#include "worker/train/conv_net.h"
#include "worker/train/model.h"
#include "worker/train/optimizer.h"

namespace hyperlab::worker::train {

namespace metric = ::hyperlab::train_metrics;
namespace {

// A mean batch loss above this many times the loss of chance (ln classes) -- or, for regression, the
// first batch's loss -- counts as divergence: such a network's weights are exploding even if the floats
// have not overflowed yet.
constexpr double kDivergenceFactor = 1000;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

Trainer::Trainer(const TrainConfig& config, const PreparedData& data, bool pick_layouts)
    : config_(config), data_(data), pick_layouts_(pick_layouts) {}

void Trainer::LoadBatch(const Examples& examples, const int64_t* rows, int64_t first, int count,
                        bool training) {
  float* in = model_->input();
  float* targets = model_->targets();
  const int64_t cols = examples.cols;
  const bool augment = training && augmenter_ != nullptr;
  for (int i = 0; i < count; ++i) {
    const int64_t r = rows != nullptr ? rows[i] : first + i;
    if (augment) {
      augmenter_->Apply(examples.row(r), in + i * cols);
    } else {
      std::memcpy(in + i * cols, examples.row(r), cols * sizeof(float));
    }
    targets[i] = examples.y[r];
  }
  const int batch = model_->batch();
  if (count < batch && config_.conv_blocks > 0) {
    for (int i = count; i < batch; ++i) {
      std::memcpy(in + i * cols, in + (i % count) * cols, cols * sizeof(float));
      targets[i] = targets[i % count];
    }
  } else if (count < batch) {
    std::fill(in + count * cols, in + batch * cols, 0.f);
    std::fill(targets + count, targets + batch, 0.f);
  }
}

absl::StatusOr<std::unique_ptr<Network>> Trainer::BuildNetwork(int batch) {
  const bool regression = data_.classes == 0;
  if (config_.conv_blocks == 0) {
    ModelSpec spec;
    spec.inputs = static_cast<int>(data_.train.cols);
    spec.hidden = config_.hidden;
    spec.outputs = regression ? 1 : data_.classes;
    spec.regression = regression;
    spec.activation = config_.activation;
    spec.dropout = config_.dropout;
    spec.batch = batch;
    spec.init = config_.init;
    spec.init_stddev = config_.init_stddev;
    spec.seed = config_.seed;
    spec.pick_layouts = pick_layouts_;
    auto model = Model::Create(spec);
    if (!model.ok()) return model.status();
    return std::unique_ptr<Network>(std::move(*model));
  }
  if (!data_.image.known()) {
    return absl::InvalidArgumentError("conv_blocks: a convolutional network needs image data");
  }
  if (regression) return absl::InvalidArgumentError("conv_blocks: convolutional networks classify only");
  const ImageShape& im = data_.image;
  if (static_cast<int64_t>(im.channels) * im.height * im.width != data_.train.cols) {
    return absl::InvalidArgumentError(absl::StrCat("conv_blocks: images of ", im.channels, "x", im.height,
                                                   "x", im.width, " but examples of ", data_.train.cols,
                                                   " values"));
  }
  ConvNetSpec spec;
  spec.image = data_.image;
  spec.blocks = config_.conv_blocks;
  spec.filters = config_.filters;
  spec.kernel_size = config_.kernel_size;
  spec.pooling = config_.pooling;
  spec.batch_norm = config_.batch_norm;
  spec.activation = config_.activation;
  spec.dense_units = config_.dense_units;
  spec.conv_dropout = config_.conv_dropout;
  spec.dense_dropout = config_.dense_dropout;
  spec.outputs = data_.classes;
  spec.batch = batch;
  spec.init = config_.init;
  spec.init_stddev = config_.init_stddev;
  spec.seed = config_.seed;
  auto net = ConvNet::Create(spec);
  if (!net.ok()) return net.status();
  return std::unique_ptr<Network>(std::move(*net));
}

Trainer::Evaluation Trainer::Evaluate(const Examples& examples, bool keep_predictions) {
  Evaluation e;
  const int batch = model_->batch();
  const int outputs = model_->outputs();
  double loss = 0;
  int64_t correct = 0;
  for (int64_t start = 0; start < examples.rows; start += batch) {
    const int count = static_cast<int>(std::min<int64_t>(batch, examples.rows - start));
    LoadBatch(examples, nullptr, start, count, /*training=*/false);
    const LossResult r = model_->Forward(count, /*training=*/false);
    loss += r.loss_sum;
    correct += r.correct;
    if (!keep_predictions) continue;
    const float* out = model_->output();
    for (int i = 0; i < count; ++i) {
      if (data_.classes == 0) {
        e.predictions.push_back(out[i]);
      } else {
        const float* z = out + static_cast<int64_t>(i) * outputs;
        e.predicted_classes.push_back(static_cast<int>(std::max_element(z, z + outputs) - z));
      }
    }
  }
  e.loss = examples.rows > 0 ? loss / examples.rows : 0;
  e.accuracy = examples.rows > 0 ? static_cast<double>(correct) / examples.rows : 0;
  return e;
}

const int64_t* StepRows(const std::vector<int64_t>& order, int64_t at, int batch,
                        std::vector<int64_t>& scratch) {
  const auto size = static_cast<int64_t>(order.size());
  if (at + batch <= size) return order.data() + at;
  scratch.assign(order.begin() + at, order.end());
  for (int64_t i = 0; static_cast<int64_t>(scratch.size()) < batch; i = (i + 1) % size)
    scratch.push_back(order[i]);
  return scratch.data();
}

// What a run carries from epoch to epoch.
struct Trainer::RunState {
  RunState(uint64_t seed, int64_t rows) : rng(seed ^ 0x5eed5eedull), order(rows) {
    std::iota(order.begin(), order.end(), 0);
  }
  std::mt19937_64 rng;
  std::vector<int64_t> order, topped_up;
  double divergence_limit = 0;  // Set from the first batch.
  // Early stopping.
  double best_dev = std::numeric_limits<double>::infinity();
  int since_best = 0;
  std::vector<float> best_weights;
};

// The running sums of one epoch's training batches.
struct Trainer::EpochTotals {
  double loss_sum = 0;
  int64_t correct = 0, seen = 0;
};

absl::StatusOr<RunResult> Trainer::Run(const TrainerHooks& hooks) {
  if (absl::Status prepared = Prepare(); !prepared.ok()) return prepared;
  const OptimizerOptions options{config_.optimizer, config_.momentum, config_.beta1, config_.beta2,
                                 config_.epsilon,   config_.l1,       config_.l2,    config_.weight_decay};
  Optimizer optimizer(options, model_->params());
  RunResult result;
  RunState state(config_.seed, data_.train.rows);
  for (int epoch = 0; epoch < config_.epochs; ++epoch) {
    const double lr = DecayedLearningRate(config_, epoch);
    const EpochTotals totals = TrainEpoch(epoch, lr, hooks, optimizer, state, result);
    if (result.end != RunResult::End::kCompleted) break;
    if (!EndEpoch(epoch, lr, totals, hooks, state, result)) break;
  }
  LastEpochMetrics(result);
  if (result.end != RunResult::End::kCompleted) return result;
  if (!state.best_weights.empty()) model_->Restore(state.best_weights);
  FinalMetrics(result);
  return result;
}

absl::Status Trainer::Prepare() {
  auto model = BuildNetwork(static_cast<int>(std::min<int64_t>(config_.batch_size, data_.train.rows)));
  if (!model.ok()) return model.status();
  model_ = std::move(*model);
  augmenter_.reset();
  if (config_.augment_shift > 0 || config_.augment_flip) {
    if (!data_.image.known()) {
      return absl::InvalidArgumentError(absl::StrCat(
          config_.augment_shift > 0 ? "augment_shift" : "augment_flip", ": augmentation needs image data"));
    }
    augmenter_ = std::make_unique<Augmenter>(data_.image, config_.augment_shift, config_.augment_flip,
                                             config_.seed ^ 0xa0a0a0a0a0a0a0a0ull);
  }
  return absl::OkStatus();
}

Trainer::EpochTotals Trainer::TrainEpoch(int epoch, double lr, const TrainerHooks& hooks,
                                         Optimizer& optimizer, RunState& state, RunResult& result) {
  std::shuffle(state.order.begin(), state.order.end(), state.rng);
  const int batch = model_->batch();
  EpochTotals totals;
  const auto start = std::chrono::steady_clock::now();
  int64_t batch_index = 0;
  for (int64_t at = 0; at < data_.train.rows; at += batch, ++batch_index) {
    if (hooks.stop_requested && hooks.stop_requested()) {
      result.end = RunResult::End::kStopped;
      result.reason = absl::StrCat("stopped at epoch ", epoch + 1, ", batch ", batch_index + 1);
      break;
    }
    const int64_t* rows = StepRows(state.order, at, batch, state.topped_up);
    LoadBatch(data_.train, rows, 0, batch, /*training=*/true);
    const LossResult r = model_->Forward(batch, /*training=*/true);
    if (Diverged(r.loss_sum / batch, epoch, batch_index, lr, state, result)) break;
    model_->Backward(batch);
    optimizer.Step(model_->params(), lr);
    totals.loss_sum += r.loss_sum;
    totals.correct += r.correct;
    totals.seen += batch;
  }
  result.train_seconds += Seconds(start);
  result.samples_trained += totals.seen;
  return totals;
}

bool Trainer::Diverged(double batch_loss, int epoch, int64_t batch_index, double lr, RunState& state,
                       RunResult& result) const {
  const bool regression = data_.classes == 0;
  double& limit = state.divergence_limit;
  if (limit == 0) {
    limit = kDivergenceFactor * (regression ? std::max(batch_loss, 1e-3) : std::log(data_.classes));
  }
  if (std::isfinite(batch_loss) && batch_loss <= limit) return false;
  result.end = RunResult::End::kDiverged;
  result.reason =
      std::isfinite(batch_loss)
          ? absl::StrCat("loss diverged to ", batch_loss, " at epoch ", epoch + 1, ", batch ",
                         batch_index + 1, " (over ", limit, ", ", kDivergenceFactor,
                         regression ? " x the first batch's loss" : " x the loss of chance",
                         "; learning_rate ", lr, ")")
          : absl::StrCat("loss became ", std::isnan(batch_loss) ? "NaN" : "infinite", " at epoch ", epoch + 1,
                         ", batch ", batch_index + 1, " (learning_rate ", lr, ")");
  return true;
}

bool Trainer::EndEpoch(int epoch, double lr, const EpochTotals& totals, const TrainerHooks& hooks,
                       RunState& state, RunResult& result) {
  const Evaluation dev = Evaluate(data_.dev, false);
  const double train_loss = totals.loss_sum / totals.seen;
  const double train_accuracy = static_cast<double>(totals.correct) / totals.seen;
  EpochMetrics m{epoch + 1, train_loss, train_accuracy, dev.loss, dev.accuracy, lr};
  if (!std::isfinite(dev.loss)) {
    result.end = RunResult::End::kDiverged;
    result.reason = absl::StrCat("dev loss became ", std::isnan(dev.loss) ? "NaN" : "infinite",
                                 " after epoch ", epoch + 1, " (learning_rate ", lr, ")");
    return false;
  }
  result.history.push_back(m);
  if (hooks.on_epoch) hooks.on_epoch(m);
  if (config_.patience > 0) {
    if (dev.loss < state.best_dev) {
      state.best_dev = dev.loss;
      state.since_best = 0;
      state.best_weights = model_->Snapshot();
    } else if (++state.since_best >= config_.patience) {
      return false;
    }
  }
  return true;
}

void Trainer::LastEpochMetrics(RunResult& result) const {
  auto& out = result.metrics;
  out[metric::kEpochsRun] = static_cast<double>(result.history.size());
  out[metric::kSamplesPerSecond] =
      result.train_seconds > 0 ? result.samples_trained / result.train_seconds : 0;
  if (result.history.empty()) return;
  const EpochMetrics& last = result.history.back();
  out[metric::kTrainLoss] = last.train_loss;
  out[metric::kDevLoss] = last.dev_loss;
  if (data_.classes != 0) {
    out[metric::kTrainAccuracy] = last.train_accuracy;
    out[metric::kDevAccuracy] = last.dev_accuracy;
  }
}

void Trainer::FinalMetrics(RunResult& result) {
  auto& out = result.metrics;
  const Evaluation train = Evaluate(data_.train, false);
  const Evaluation dev = Evaluate(data_.dev, false);
  const Evaluation test = Evaluate(data_.test, true);
  out[metric::kTrainLoss] = train.loss;
  out[metric::kDevLoss] = dev.loss;
  out[metric::kTestLoss] = test.loss;
  if (data_.classes == 0) {
    const RegressionReport r = Regress(data_.test.y, test.predictions);
    out[metric::kMse] = r.mse;
    out[metric::kMae] = r.mae;
    out[metric::kR2] = r.r2;
    out[metric::kTrainMse] = train.loss;
    out[metric::kDevMse] = dev.loss;
    return;
  }
  std::vector<int> truth(data_.test.y.begin(), data_.test.y.end());
  result.test_report = Classify(truth, test.predicted_classes, data_.classes);
  out[metric::kTrainAccuracy] = train.accuracy;
  out[metric::kDevAccuracy] = dev.accuracy;
  out[metric::kTestAccuracy] = test.accuracy;
  out[metric::kTrainError] = 1 - train.accuracy;
  out[metric::kDevError] = 1 - dev.accuracy;
  out[metric::kTestError] = 1 - test.accuracy;
  AddClassificationMetrics(result.test_report, out);
  if (config_.human_level_error) {
    const Gaps g =
        MetricGaps(*config_.human_level_error, 1 - train.accuracy, 1 - dev.accuracy, 1 - test.accuracy);
    out[metric::kAvoidableBias] = g.avoidable_bias;
    out[metric::kVariance] = g.variance;
    out[metric::kDevOverfit] = g.dev_overfit;
  }
}

}  // namespace hyperlab::worker::train
