// Studies and trials built by hand, with known values, for the plot and report tests.
#ifndef HYPERLAB_TESTS_LAB_PLOT_FIXTURES_H_
#define HYPERLAB_TESTS_LAB_PLOT_FIXTURES_H_

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "hyperlab/v1/services.pb.h"
#include "lab/plot/study_data.h"

namespace hyperlab::plot::testing {

using Value = std::variant<double, int64_t, std::string>;

inline v1::ParameterSpec DoubleParam(const std::string& name, double lo, double hi, bool log) {
  v1::ParameterSpec p;
  p.set_name(name);
  p.mutable_double_range()->set_min(lo);
  p.mutable_double_range()->set_max(hi);
  p.mutable_double_range()->set_scale(log ? v1::LOG : v1::LINEAR);
  return p;
}

inline v1::ParameterSpec IntParam(const std::string& name, int64_t lo, int64_t hi) {
  v1::ParameterSpec p;
  p.set_name(name);
  p.mutable_integer()->set_min(lo);
  p.mutable_integer()->set_max(hi);
  return p;
}

inline v1::ParameterSpec CategoricalParam(const std::string& name, const std::vector<std::string>& values) {
  v1::ParameterSpec p;
  p.set_name(name);
  for (const auto& v : values) p.mutable_categorical()->add_values(v);
  return p;
}

inline v1::Study MakeStudy(const std::string& name, const std::string& metric, bool maximize,
                           const std::vector<v1::ParameterSpec>& params) {
  v1::Study s;
  s.set_id(1);
  s.set_state(v1::Study::COMPLETED);
  s.mutable_spec()->set_name(name);
  s.mutable_spec()->mutable_objective()->set_metric(metric);
  s.mutable_spec()->mutable_objective()->set_goal(maximize ? v1::Objective::MAXIMIZE
                                                           : v1::Objective::MINIMIZE);
  for (const auto& p : params) *s.mutable_spec()->add_parameters() = p;
  s.mutable_spec()->mutable_budget()->set_max_trials(12);
  s.mutable_spec()->mutable_algorithm()->mutable_random()->set_seed(7);
  return s;
}

inline v1::TrialWithMeasurements MakeTrial(int64_t id, v1::Trial::State state,
                                           const std::vector<std::pair<std::string, Value>>& params,
                                           const std::map<std::string, double>& metrics) {
  v1::TrialWithMeasurements t;
  v1::Trial& trial = *t.mutable_trial();
  trial.set_id(id);
  trial.set_study_id(1);
  trial.set_state(state);
  for (const auto& [name, value] : params) {
    v1::Parameter* p = trial.add_parameters();
    p->set_name(name);
    if (const double* d = std::get_if<double>(&value)) p->mutable_value()->set_double_value(*d);
    if (const int64_t* i = std::get_if<int64_t>(&value)) p->mutable_value()->set_int_value(*i);
    if (const std::string* s = std::get_if<std::string>(&value)) p->mutable_value()->set_string_value(*s);
  }
  for (const auto& [name, value] : metrics) (*trial.mutable_metrics())[name] = value;
  return t;
}

inline void AddMeasurement(v1::TrialWithMeasurements& t, int64_t step,
                           const std::map<std::string, double>& values) {
  v1::Measurement* m = t.add_measurements();
  m->set_step(step);
  for (const auto& [name, value] : values) (*m->mutable_metrics())[name] = value;
}

// The accuracy the fixture study's trials reach: best at lr = 10^-2.5, better with more epochs, a little
// better with adam. Known, smooth, so that plots and importance have something true to show.
inline double FixtureAccuracy(double lr, int64_t epochs, const std::string& optimizer) {
  const double d = std::log10(lr) + 2.5;
  return 0.85 - 0.12 * d * d + 0.004 * static_cast<double>(epochs) + (optimizer == "adam" ? 0.01 : 0);
}

// Study "fixture": dev_accuracy (maximise) over lr (log, 1e-4..1e-1), epochs (1..10) and optimizer
// (adam, sgd). 12 trials: trial 3 FAILED, trial 8 INFEASIBLE (no metrics), trial 5 STOPPED (with a value),
// the other 9 SUCCEEDED. The best is trial 6.
inline StudyData FixtureStudy() {
  StudyData data;
  data.study = MakeStudy("fixture", "dev_accuracy", /*maximize=*/true,
                         {DoubleParam("lr", 1e-4, 1e-1, /*log=*/true), IntParam("epochs", 1, 10),
                          CategoricalParam("optimizer", {"adam", "sgd"})});
  const double lrs[] = {1e-4, 3e-2, 2e-3, 5e-4, 8e-2, 1e-3, 3e-3, 2e-4, 1e-2, 6e-3, 4e-4, 5e-2};
  const int64_t epochs[] = {2, 5, 8, 3, 10, 6, 9, 4, 1, 7, 5, 2};
  for (int i = 0; i < 12; ++i) {
    const std::string opt = i % 2 == 0 ? "adam" : "sgd";
    v1::Trial::State state = v1::Trial::SUCCEEDED;
    if (i == 3) state = v1::Trial::FAILED;
    if (i == 8) state = v1::Trial::INFEASIBLE;
    if (i == 5) state = v1::Trial::STOPPED;
    std::map<std::string, double> metrics;
    if (state == v1::Trial::SUCCEEDED || state == v1::Trial::STOPPED) {
      const double acc = FixtureAccuracy(lrs[i], epochs[i], opt);
      metrics = {{"dev_accuracy", acc},
                 {"train_accuracy", acc + 0.03},
                 {"test_accuracy", acc - 0.01},
                 {"runtime_seconds", 10.0 + i}};
    }
    auto t = MakeTrial(i, state, {{"lr", lrs[i]}, {"epochs", epochs[i]}, {"optimizer", opt}}, metrics);
    if (state == v1::Trial::FAILED) t.mutable_trial()->set_reason("loss became NaN at epoch 2");
    if (state == v1::Trial::STOPPED) t.mutable_trial()->set_reason("stopped by the median rule at step 3");
    data.trials.push_back(std::move(t));
  }
  return data;
}

// Study "loss": a loss (minimised, never negative) over lr (log, 1e-5..1) and width (16..512) that spans
// seven decades, lowest near lr = 1e-3: 10^(-4 + 1.2 (log10 lr + 3)^2), a little worse for wide layers.
// 24 trials at lr = 10^(-5 + 5 i / 23); those above lr = 0.2 FAILED (diverged, no value): trials 20 to 23.
// The values run from 1.2e-4 (trial 10, the best) to 54.7 (trial 19); trial 0 has 12.6.
inline double FixtureLoss(double lr, int64_t width) {
  const double d = std::log10(lr) + 3;
  return std::pow(10.0, -4 + 1.2 * d * d + 0.1 * std::abs(std::log2(static_cast<double>(width) / 128)));
}

inline StudyData LossStudy(int trials = 24) {
  StudyData data;
  data.study = MakeStudy("loss", "loss", /*maximize=*/false,
                         {DoubleParam("lr", 1e-5, 1, /*log=*/true), IntParam("width", 16, 512)});
  for (int i = 0; i < trials; ++i) {
    const double lr = std::pow(10.0, -5 + 5.0 * i / 23);
    const int64_t width = 16 + (i * 157) % 497;
    const bool diverged = lr > 0.2;
    std::map<std::string, double> metrics;
    if (!diverged) metrics = {{"loss", FixtureLoss(lr, width)}};
    auto t = MakeTrial(i, diverged ? v1::Trial::FAILED : v1::Trial::SUCCEEDED, {{"lr", lr}, {"width", width}},
                       metrics);
    if (diverged) t.mutable_trial()->set_reason("loss became NaN at step 2");
    data.trials.push_back(std::move(t));
  }
  return data;
}

}  // namespace hyperlab::plot::testing

#endif  // HYPERLAB_TESTS_LAB_PLOT_FIXTURES_H_
