#include "lab/plot/metric_analysis.h"

#include <cmath>

#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace hyperlab::plot {
namespace {

std::optional<double> Metric(const v1::Trial& trial, const std::string& name) {
  auto it = trial.metrics().find(name);
  if (it == trial.metrics().end() || !std::isfinite(it->second)) return std::nullopt;
  return it->second;
}

std::optional<double> Error(const v1::Trial& trial, const std::string& split) {
  if (auto e = Metric(trial, split + "_error")) return e;
  if (auto a = Metric(trial, split + "_accuracy")) return 1 - *a;
  return std::nullopt;
}

std::optional<double> Difference(std::optional<double> a, std::optional<double> b) {
  if (!a || !b) return std::nullopt;
  return *a - *b;
}

}  // namespace

std::optional<double> HumanLevelError(const v1::Study& study, const v1::Trial& trial) {
  const v1::TaskSpec& task = study.spec().task();
  if (task.has_train() && task.train().has_human_level_error()) return task.train().human_level_error();
  auto settings = trial.artifacts().find("settings");
  if (settings != trial.artifacts().end()) {
    const nlohmann::json j = nlohmann::json::parse(settings->second, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.contains("human_level_error") && j["human_level_error"].is_number()) {
      return j["human_level_error"].get<double>();
    }
  }
  for (const v1::Parameter& p : trial.parameters()) {
    if (p.name() == "human_level_error" && p.value().has_double_value()) return p.value().double_value();
  }
  return std::nullopt;
}

MetricAnalysis AnalyseTrial(const v1::Study& study, const v1::Trial& trial) {
  MetricAnalysis a;
  a.human_level_error = HumanLevelError(study, trial);
  a.train_error = Error(trial, "train");
  a.dev_error = Error(trial, "dev");
  a.test_error = Error(trial, "test");
  a.avoidable_bias = Difference(a.train_error, a.human_level_error);
  a.variance = Difference(a.dev_error, a.train_error);
  a.dev_overfit = Difference(a.test_error, a.dev_error);
  return a;
}

std::string Diagnosis(const MetricAnalysis& a) {
  if (!a.train_error && !a.dev_error) return "";
  struct Gap {
    std::optional<double> value;
    const char* advice;
  };
  const Gap gaps[] = {
      {a.avoidable_bias,
       "Avoidable bias is the largest gap: the model does not fit even the training set as well as a person "
       "would. A bigger network, longer training or a better optimiser usually help."},
      {a.variance,
       "Variance is the largest gap: what the model learned on the training set does not carry over to the "
       "dev "
       "set. More training data, regularisation (L2, dropout) or early stopping usually help."},
      {a.dev_overfit,
       "Dev overfitting is the largest gap: choosing among trials by their dev error has tuned the study to "
       "the "
       "dev set. A larger dev set helps; trust the test error."},
  };
  const Gap* largest = nullptr;
  for (const Gap& g : gaps) {
    if (g.value && (largest == nullptr || *g.value > *largest->value)) largest = &g;
  }
  std::string out;
  if (largest == nullptr || *largest->value < 0.01) {
    out = "Every gap is under one percentage point: the errors agree.";
  } else {
    out = largest->advice;
  }
  if (!a.human_level_error) {
    out += " Set task.train.human_level_error in the study file to see the avoidable bias.";
  }
  return out;
}

}  // namespace hyperlab::plot
