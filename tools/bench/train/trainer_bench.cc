// Trains 784-256-128-10 (relu, Adam, batch 128) on Fashion-MNIST with the built-in trainer and prints
// training throughput; tools/bench/run_trainer_bench.sh runs it alternately with torch_mlp.py.
//
// Usage: hyperlab-trainer-bench [--epochs N] [--batch B] [--threads T] [--plain] [--profile]
//   --plain    keep plain weight layouts (to measure what oneDNN's chosen layouts give)
//   --profile  time each phase of a training step (forward, loss, backward, update, batch gather)
// Output: one line "hyperlab samples_per_second=... test_accuracy=... epochs=..." (and the profile).
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "worker/train/data_cache.h"
#include "common/spec/knobs.h"
#include "worker/train/onednn_util.h"
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

// This machine's fp32 matmul rate right now: a 1024^3 oneDNN matmul, best of 10 (the yardstick for the
// profile's inner products, measured in the same run so that both see the same machine).
double MatmulGflops() {
  using dt = dnnl::memory::data_type;
  using tag = dnnl::memory::format_tag;
  const int n = 1024;
  const dnnl::engine& eng = train::CpuEngine();
  dnnl::stream stream(eng);
  const dnnl::memory::desc d({n, n}, dt::f32, tag::ab);
  dnnl::matmul matmul(dnnl::matmul::primitive_desc(dnnl::matmul::desc(d, d, d), eng));
  dnnl::memory a(d, eng), b(d, eng), c(d, eng);
  for (dnnl::memory* m : {&a, &b}) {
    float* p = static_cast<float*>(m->get_data_handle());
    for (int i = 0; i < n * n; ++i) p[i] = 1e-3f * static_cast<float>(i % 7);
  }
  double best = 1e9;
  for (int i = 0; i < 12; ++i) {
    const double t0 = Now();
    matmul.execute(stream, {{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, c}});
    stream.wait();
    if (i >= 2) best = std::min(best, Now() - t0);
  }
  return 2.0 * n * n * n / best / 1e9;
}

// A manual breakdown of where one training step's time goes.
void Profile(const TrainConfig& config, const train::PreparedData& data, bool pick_layouts) {
  train::ModelSpec spec;
  spec.inputs = static_cast<int>(data.train.cols);
  spec.hidden = config.hidden;
  spec.outputs = data.classes;
  spec.batch = config.batch_size;
  spec.pick_layouts = pick_layouts;
  auto model = train::Model::Create(spec);
  if (!model.ok()) return;
  train::Model& m = **model;
  train::Optimizer opt({OptimizerKind::kAdam}, m.params());
  const int steps = 2000;
  const int64_t batches = data.train.rows / spec.batch;
  double t_gather = 0, t_fwd = 0, t_bwd = 0, t_upd = 0;
  for (int s = 0; s < steps + 50; ++s) {
    const int64_t at = (s % batches) * spec.batch;
    double t0 = Now();
    std::memcpy(m.input(), data.train.row(at), sizeof(float) * spec.batch * data.train.cols);
    for (int i = 0; i < spec.batch; ++i) m.targets()[i] = data.train.y[at + i];
    double t1 = Now();
    m.Forward(spec.batch, true);
    double t2 = Now();
    m.Backward(spec.batch);
    double t3 = Now();
    opt.Step(m.params(), 1e-3);
    double t4 = Now();
    if (s < 50) continue;  // Warm-up.
    t_gather += t1 - t0, t_fwd += t2 - t1, t_bwd += t3 - t2, t_upd += t4 - t3;
  }
  const double total = t_gather + t_fwd + t_bwd + t_upd;
  // Multiply-adds x 2: forward and backward weights of every layer, backward data of all but the first.
  const double all = 784.0 * 256 + 256.0 * 128 + 128.0 * 10, first = 784.0 * 256;
  const double flops = 2.0 * spec.batch * (2 * all + (all - first));
  const double ours = steps * flops / (t_fwd + t_bwd) / 1e9, peak = MatmulGflops();
  std::printf(
      "profile (per step, batch %d, %s weights): total %.1f us = %.0f samples/s; inner products %.0f "
      "GFLOP/s over forward + backward = %.0f%% of a 1024^3 matmul's %.0f GFLOP/s now\n",
      spec.batch, m.any_blocked() ? "oneDNN-chosen" : "plain", 1e6 * total / steps,
      steps * spec.batch / total, ours, 100 * ours / peak, peak);
  std::printf("  batch copy %5.1f us (%4.1f%%)\n", 1e6 * t_gather / steps, 100 * t_gather / total);
  std::printf("  forward    %5.1f us (%4.1f%%)  3 inner products + fused relu, softmax-CE\n",
              1e6 * t_fwd / steps, 100 * t_fwd / total);
  std::printf("  backward   %5.1f us (%4.1f%%)  3 bwd-weights + 2 bwd-data + relu'\n", 1e6 * t_bwd / steps,
              100 * t_bwd / total);
  std::printf("  adam       %5.1f us (%4.1f%%)  235k parameters\n", 1e6 * t_upd / steps, 100 * t_upd / total);
}

}  // namespace

int main(int argc, char** argv) {
  int epochs = 3, batch = 128, threads = 2;
  bool plain = false, profile = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--epochs" && i + 1 < argc)
      epochs = std::atoi(argv[++i]);
    else if (a == "--batch" && i + 1 < argc)
      batch = std::atoi(argv[++i]);
    else if (a == "--threads" && i + 1 < argc)
      threads = std::atoi(argv[++i]);
    else if (a == "--plain")
      plain = true;
    else if (a == "--profile")
      profile = true;
    else {
      std::fprintf(stderr, "usage: %s [--epochs N] [--batch B] [--threads T] [--plain] [--profile]\n",
                   argv[0]);
      return 2;
    }
  }
  omp_set_num_threads(threads);
  hyperlab::v1::TrainTask task;
  task.mutable_data()->set_name("fashion-mnist");
  for (int w : {256, 128}) task.add_layers(w);
  task.set_activation("relu");
  task.set_optimizer("adam");
  task.set_batch_size(batch);
  task.set_epochs(epochs);
  task.mutable_data()->set_dev_fraction(0.0001);  // The trainer needs a dev set: 6 examples.
  auto config = ResolveTrainConfig(task, {});
  if (!config.ok()) {
    std::fprintf(stderr, "hyperlab: %s\n", std::string(config.status().message()).c_str());
    return 1;
  }
  auto data = train::DataCache::Default().Prepared(config->data, 0);
  if (!data.ok()) {
    std::fprintf(stderr, "hyperlab: %s\n", std::string(data.status().message()).c_str());
    return 1;
  }
  train::Trainer trainer(*config, **data, !plain);
  auto run = trainer.Run({});
  if (!run.ok()) {
    std::fprintf(stderr, "hyperlab: %s\n", std::string(run.status().message()).c_str());
    return 1;
  }
  std::printf(
      "hyperlab samples_per_second=%.0f test_accuracy=%.4f epochs=%d train_examples=%lld threads=%d "
      "batch=%d layouts=%s\n",
      run->metrics["samples_per_second"], run->metrics["test_accuracy"], epochs,
      static_cast<long long>((*data)->train.rows), threads, batch, plain ? "plain" : "chosen");
  if (profile) Profile(*config, **data, !plain);
  return 0;
}
