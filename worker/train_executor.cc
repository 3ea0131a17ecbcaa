#include "worker/train_executor.h"

#include <omp.h>

#include <chrono>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/spec/effective_settings.h"
#include "common/spec/knobs.h"
#include "common/spec/train_metrics.h"
#include "worker/train/metrics.h"
#include "worker/train/trainer.h"

namespace hyperlab::worker::train {
namespace {

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TrialOutcome Outcome(v1::Trial::State state, std::string reason) {
  TrialOutcome o;
  o.state = state;
  o.reason = std::move(reason);
  return o;
}

}  // namespace

TrainExecutor::TrainExecutor(TrainExecutorOptions options) : options_(options) {
  if (options_.cache == nullptr) options_.cache = &DataCache::Default();
  if (options_.threads < 1) options_.threads = 1;
}

void ConfigureTrainExecutor(std::vector<std::unique_ptr<Executor>>& executors, TrainExecutorOptions options) {
  for (auto& e : executors) {
    if (e->Kind() == "train") {
      e = std::make_unique<TrainExecutor>(options);
      return;
    }
  }
  executors.push_back(std::make_unique<TrainExecutor>(options));
}

TrialOutcome TrainExecutor::Run(const v1::Assignment& assignment, TrialContext& context) {
  const auto start = std::chrono::steady_clock::now();
  omp_set_num_threads(options_.threads);
  if (!assignment.task().has_train()) return Outcome(v1::Trial::FAILED, "not a train task");
  absl::StatusOr<TrainConfig> config =
      ResolveTrainConfig(assignment.task().train(), assignment.trial().parameters());
  if (!config.ok()) return Outcome(v1::Trial::INFEASIBLE, std::string(config.status().message()));
  const int folds = config->data.k_folds() >= 2 ? config->data.k_folds() : 1;

  std::vector<std::map<std::string, double>> fold_metrics;
  std::vector<std::vector<int64_t>> confusion;
  std::vector<std::string> class_names;
  std::string data_digest;
  for (int fold = 0; fold < folds; ++fold) {
    absl::StatusOr<std::shared_ptr<const PreparedData>> data = options_.cache->Prepared(config->data, fold);
    if (!data.ok()) return Outcome(v1::Trial::FAILED, std::string(data.status().message()));
    class_names = (*data)->class_names;
    data_digest = (*data)->digest;
    Trainer trainer(*config, **data, options_.pick_layouts);
    TrainerHooks hooks;
    hooks.stop_requested = [&context] { return context.StopRequested(); };
    hooks.on_epoch = [&](const EpochMetrics& m) {
      v1::Measurement measurement;
      measurement.set_step(static_cast<int64_t>(fold) * config->epochs + m.epoch);
      measurement.set_time_unix_ms(NowUnixMs());
      auto& values = *measurement.mutable_metrics();
      values[train_metrics::kTrainLoss] = m.train_loss;
      values[train_metrics::kDevLoss] = m.dev_loss;
      if ((*data)->classes > 0) {
        values[train_metrics::kTrainAccuracy] = m.train_accuracy;
        values[train_metrics::kDevAccuracy] = m.dev_accuracy;
      }
      values[train_metrics::kLearningRate] = m.learning_rate;
      if (folds > 1) values[train_metrics::kFold] = fold;
      context.ReportMeasurement(measurement);
    };
    absl::StatusOr<RunResult> run = trainer.Run(hooks);
    if (!run.ok()) {
      // Knobs that do not fit the data (e.g. more poolings than the image has pixels for) make the
      // trial infeasible, like any other invalid configuration; anything else is a failure.
      const bool invalid = run.status().code() == absl::StatusCode::kInvalidArgument;
      return Outcome(invalid ? v1::Trial::INFEASIBLE : v1::Trial::FAILED,
                     std::string(run.status().message()));
    }
    if (run->end != RunResult::End::kCompleted) {
      TrialOutcome o =
          Outcome(run->end == RunResult::End::kStopped ? v1::Trial::STOPPED : v1::Trial::INFEASIBLE,
                  folds > 1 ? absl::StrCat("fold ", fold + 1, ": ", run->reason) : run->reason);
      o.metrics = run->metrics;
      o.artifacts["settings"] = EffectiveSettingsJson(*config);
      return o;
    }
    fold_metrics.push_back(run->metrics);
    const auto& c = run->test_report.confusion;
    if (confusion.empty()) confusion.assign(c.size(), std::vector<int64_t>(c.size(), 0));
    for (size_t i = 0; i < c.size(); ++i) {
      for (size_t j = 0; j < c.size(); ++j) confusion[i][j] += c[i][j];
    }
  }
  TrialOutcome o = Outcome(v1::Trial::SUCCEEDED, "");
  o.metrics = folds > 1 ? AverageFolds(fold_metrics) : fold_metrics.front();
  if (folds > 1) o.metrics[train_metrics::kFolds] = folds;
  o.metrics[train_metrics::kRuntimeSeconds] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // What a reader needs to reproduce the trial: every knob's value, defaults included, and the data.
  o.artifacts["settings"] = EffectiveSettingsJson(*config);
  if (!data_digest.empty()) o.artifacts["data_digest"] = data_digest;
  if (!confusion.empty()) {
    o.artifacts["confusion_matrix"] = ConfusionMatrixJson(ReportFromConfusion(confusion), class_names);
  }
  return o;
}

}  // namespace hyperlab::worker::train
