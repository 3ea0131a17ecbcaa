// Trains a small convolutional network on Fashion-MNIST with the built-in trainer and prints training
// throughput; tools/bench/run_cnn_bench.sh runs it alternately with torch_cnn.py (the same network in
// PyTorch). Default network, as in the issue: conv 32 3x3 + relu + max pool, conv 64 3x3 + relu + max pool,
// dense 128 + relu, 10 classes; Adam, batch 128.
//
// Usage: hyperlab-cnn-bench [--epochs N] [--batch B] [--threads T] [--train-limit N] [--profile]
//                           [--blocks N] [--filters F] [--kernel K] [--pooling max|avg|none] [--batch-norm]
//                           [--dense N] [--conv-dropout P] [--dense-dropout P] [--shift S] [--flip] [--lr X]
//                           [--lr-decay RATE]  (exponential: lr RATE^epoch)
//   --profile   time each phase of a training step (batch copy, forward, backward, update) over 200 steps
// Output: one line "hyperlab-cnn samples_per_second=... test_accuracy=... epoch_seconds=..." (and the
// profile). epoch_seconds is the wall time of one epoch including the dev evaluation.
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "common/spec/knobs.h"
#include "worker/train/conv_net.h"
#include "worker/train/data_cache.h"
#include "worker/train/optimizer.h"
#include "worker/train/trainer.h"

namespace train = hyperlab::worker::train;
using hyperlab::OptimizerKind;
using hyperlab::ResolveTrainConfig;
using hyperlab::TrainConfig;

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void Profile(const TrainConfig& c, const train::PreparedData& data) {
  train::ConvNetSpec spec;
  spec.image = data.image;
  spec.blocks = c.conv_blocks;
  spec.filters = c.filters;
  spec.kernel_size = c.kernel_size;
  spec.pooling = c.pooling;
  spec.batch_norm = c.batch_norm;
  spec.dense_units = c.dense_units;
  spec.conv_dropout = c.conv_dropout;
  spec.dense_dropout = c.dense_dropout;
  spec.outputs = data.classes;
  spec.batch = c.batch_size;
  auto net = train::ConvNet::Create(spec);
  if (!net.ok()) {
    std::fprintf(stderr, "%s\n", std::string(net.status().message()).c_str());
    return;
  }
  train::ConvNet& m = **net;
  train::Optimizer opt({OptimizerKind::kAdam}, m.params());
  const int steps = 200, warmup = 10;
  const int64_t batches = data.train.rows / spec.batch;
  double t_copy = 0, t_fwd = 0, t_bwd = 0, t_upd = 0;
  for (int s = 0; s < steps + warmup; ++s) {
    const int64_t at = (s % batches) * spec.batch;
    const double t0 = Now();
    std::memcpy(m.input(), data.train.row(at), sizeof(float) * spec.batch * data.train.cols);
    for (int i = 0; i < spec.batch; ++i) m.targets()[i] = data.train.y[at + i];
    const double t1 = Now();
    m.Forward(spec.batch, true);
    const double t2 = Now();
    m.Backward(spec.batch);
    const double t3 = Now();
    opt.Step(m.params(), 1e-3);
    const double t4 = Now();
    if (s < warmup) continue;
    t_copy += t1 - t0, t_fwd += t2 - t1, t_bwd += t3 - t2, t_upd += t4 - t3;
  }
  size_t params = 0;
  for (const auto& p : m.params()) params += p.size;
  const double total = t_copy + t_fwd + t_bwd + t_upd;
  std::printf("profile (per step, batch %d): %s\n%s", spec.batch, m.Describe().c_str(),
              m.Implementations().c_str());
  std::printf("  total %.0f us = %.0f samples/s\n", 1e6 * total / steps, steps * spec.batch / total);
  std::printf("  batch copy %7.0f us (%4.1f%%)\n", 1e6 * t_copy / steps, 100 * t_copy / total);
  std::printf("  forward    %7.0f us (%4.1f%%)\n", 1e6 * t_fwd / steps, 100 * t_fwd / total);
  std::printf("  backward   %7.0f us (%4.1f%%)\n", 1e6 * t_bwd / steps, 100 * t_bwd / total);
  std::printf("  adam       %7.0f us (%4.1f%%)  %zu parameters\n", 1e6 * t_upd / steps, 100 * t_upd / total,
              params);
}

struct Options {
  int epochs = 1, batch = 128, threads = 2, train_limit = 0;
  bool profile = false;
  hyperlab::v1::TrainTask task;  // The network's and augmentation's knobs.
};

// Applies the flag argv[i] (and its value, advancing i) to `o`. False for an unknown flag or one
// missing its value.
bool ApplyFlag(int argc, char** argv, int& i, Options& o) {
  const std::string a = argv[i];
  const bool more = i + 1 < argc;
  hyperlab::v1::TrainTask& task = o.task;
  if (a == "--epochs" && more)
    o.epochs = std::atoi(argv[++i]);
  else if (a == "--batch" && more)
    o.batch = std::atoi(argv[++i]);
  else if (a == "--threads" && more)
    o.threads = std::atoi(argv[++i]);
  else if (a == "--train-limit" && more)
    o.train_limit = std::atoi(argv[++i]);
  else if (a == "--blocks" && more)
    task.set_conv_blocks(std::atoi(argv[++i]));
  else if (a == "--filters" && more)
    task.set_filters(std::atoi(argv[++i]));
  else if (a == "--kernel" && more)
    task.set_kernel_size(std::atoi(argv[++i]));
  else if (a == "--pooling" && more)
    task.set_pooling(argv[++i]);
  else if (a == "--batch-norm")
    task.set_batch_norm(true);
  else if (a == "--dense" && more)
    task.set_dense_units(std::atoi(argv[++i]));
  else if (a == "--conv-dropout" && more)
    task.set_conv_dropout(std::atof(argv[++i]));
  else if (a == "--dense-dropout" && more)
    task.set_dense_dropout(std::atof(argv[++i]));
  else if (a == "--shift" && more)
    task.set_augment_shift(std::atoi(argv[++i]));
  else if (a == "--flip")
    task.set_augment_flip(true);
  else if (a == "--lr" && more)
    task.set_learning_rate(std::atof(argv[++i]));
  else if (a == "--lr-decay" && more) {
    task.set_lr_decay("exponential");
    task.set_lr_decay_rate(std::atof(argv[++i]));
  } else if (a == "--profile")
    o.profile = true;
  else
    return false;
  return true;
}

// The command line's options over the default network, or nullopt after printing the usage.
std::optional<Options> ParseOptions(int argc, char** argv) {
  Options o;
  o.task.set_conv_blocks(2);
  o.task.set_filters(32);
  o.task.set_dense_units(128);
  for (int i = 1; i < argc; ++i) {
    if (ApplyFlag(argc, argv, i, o)) continue;
    std::fprintf(
        stderr,
        "usage: %s [--epochs N] [--batch B] [--threads T] [--train-limit N] [--profile] [--blocks N] "
        "[--filters F] [--kernel K] [--pooling max|avg|none] [--batch-norm] [--dense N] "
        "[--conv-dropout P] [--dense-dropout P] [--shift S] [--flip] [--lr X] [--lr-decay RATE]\n",
        argv[0]);
    return std::nullopt;
  }
  return o;
}

// The options' task on Fashion-MNIST with Adam.
hyperlab::v1::TrainTask BenchTask(const Options& o) {
  hyperlab::v1::TrainTask task = o.task;
  task.mutable_data()->set_name("fashion-mnist");
  if (o.train_limit > 0) task.mutable_data()->set_train_limit(o.train_limit);
  task.set_optimizer("adam");
  task.set_batch_size(o.batch);
  task.set_epochs(o.epochs);
  return task;
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "hyperlab: %s\n", std::string(status.message()).c_str());
  return 1;
}

// Trains, logging each epoch to stderr, and prints the result line.
int TrainAndReport(const Options& o, const TrainConfig& config, const train::PreparedData& data) {
  train::Trainer trainer(config, data);
  double last = Now(), epoch_seconds = 0;
  train::TrainerHooks hooks;
  hooks.on_epoch = [&](const train::EpochMetrics& m) {
    const double now = Now();
    epoch_seconds = now - last;
    last = now;
    std::fprintf(stderr, "epoch %d: %.1f s, train_loss %.4f, dev_accuracy %.4f\n", m.epoch, epoch_seconds,
                 m.train_loss, m.dev_accuracy);
  };
  const double start = Now();
  auto run = trainer.Run(hooks);
  if (!run.ok()) return Fail(run.status());
  std::printf(
      "hyperlab-cnn samples_per_second=%.0f test_accuracy=%.4f epochs=%d epoch_seconds=%.1f "
      "total_seconds=%.1f "
      "train_examples=%lld threads=%d batch=%d\n",
      run->metrics["samples_per_second"], run->metrics["test_accuracy"], o.epochs, epoch_seconds,
      Now() - start, static_cast<long long>(data.train.rows), o.threads, o.batch);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Options> options = ParseOptions(argc, argv);
  if (!options) return 2;
  omp_set_num_threads(options->threads);
  auto config = ResolveTrainConfig(BenchTask(*options), {});
  if (!config.ok()) return Fail(config.status());
  auto data = train::DataCache::Default().Prepared(config->data, 0);
  if (!data.ok()) return Fail(data.status());
  if (const int rc = TrainAndReport(*options, *config, **data); rc != 0) return rc;
  if (options->profile) Profile(*config, **data);
  return 0;
}
