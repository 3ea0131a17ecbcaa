#include "coordinator/dashboard/api_json.h"

#include <cmath>
#include <string>

#include "common/spec/parameter_tree.h"
#include "proto/outcomes.h"

namespace hyperlab::coordinator::dashboard {
namespace {

const char* ScaleName(v1::Scale scale) { return scale == v1::LOG ? "log" : "linear"; }

nlohmann::json SpaceJson(const v1::ParameterSpec& p) {
  nlohmann::json j = {{"name", p.name()}};
  switch (p.domain_case()) {
    case v1::ParameterSpec::kDoubleRange:
      j["type"] = "double";
      j["min"] = NumberJson(p.double_range().min());
      j["max"] = NumberJson(p.double_range().max());
      j["scale"] = ScaleName(p.double_range().scale());
      break;
    case v1::ParameterSpec::kInteger:
      j["type"] = "integer";
      j["min"] = p.integer().min();
      j["max"] = p.integer().max();
      j["scale"] = ScaleName(p.integer().scale());
      break;
    case v1::ParameterSpec::kDiscrete: {
      j["type"] = "discrete";
      nlohmann::json values = nlohmann::json::array();
      for (double v : p.discrete().values()) values.push_back(NumberJson(v));
      j["values"] = std::move(values);
      break;
    }
    case v1::ParameterSpec::kCategorical:
      j["type"] = "categorical";
      j["values"] =
          std::vector<std::string>(p.categorical().values().begin(), p.categorical().values().end());
      break;
    default:
      j["type"] = "unknown";
  }
  return j;
}

std::string AlgorithmName(const v1::AlgorithmSpec& a) {
  switch (a.kind_case()) {
    case v1::AlgorithmSpec::kRandom:
      return "random";
    case v1::AlgorithmSpec::kGrid:
      return "grid";
    case v1::AlgorithmSpec::kBayesian:
      return "bayesian";
    case v1::AlgorithmSpec::kQuasiRandom:
      return "quasi_random";
    case v1::AlgorithmSpec::kCmaes:
      return "cmaes";
    default:
      return "";
  }
}

nlohmann::json TimeJson(int64_t unix_ms) { return unix_ms > 0 ? nlohmann::json(unix_ms) : nullptr; }

}  // namespace

nlohmann::json StudyJson(const v1::Study& study) {
  const v1::StudySpec& spec = study.spec();
  const v1::TrialCounts& c = study.counts();
  nlohmann::json parameters = nlohmann::json::array();
  const std::vector<FlatParameter> flat = FlatParameters(spec);  // Conditional children too.
  for (const FlatParameter& p : flat) {
    nlohmann::json entry = SpaceJson(*p.spec);
    if (p.parent >= 0)
      entry["exists_when"] = {{"parameter", flat[p.parent].spec->name()}, {"values", p.when}};
    parameters.push_back(std::move(entry));
  }
  nlohmann::json objectives = nlohmann::json::array();  // Several objectives; one entry for `objective`.
  for (const v1::Objective& o : StudyObjectives(spec)) {
    objectives.push_back(
        {{"metric", o.metric()}, {"goal", o.goal() == v1::Objective::MAXIMIZE ? "maximize" : "minimize"}});
  }
  nlohmann::json constraints = nlohmann::json::array();
  for (const v1::OutcomeConstraint& c : spec.constraints()) {
    constraints.push_back({{"metric", c.metric()},
                           {"min", c.has_min() ? nlohmann::json(c.min()) : nullptr},
                           {"max", c.has_max() ? nlohmann::json(c.max()) : nullptr}});
  }
  nlohmann::json best = nullptr;
  if (study.best_trial_id() >= 0)
    best = {{"trial", study.best_trial_id()}, {"value", NumberJson(study.best_value())}};
  // A noisy objective's recommended trial (Study.recommended_trial_id), with the ended trials it saw.
  nlohmann::json recommended = nullptr;
  if (study.has_recommended_trial_id()) {
    recommended = {{"trial", study.recommended_trial_id()},
                   {"value", NumberJson(study.recommended_value())},
                   {"seen", study.recommended_seen()}};
  }
  return {
      {"id", study.id()},
      {"name", spec.name()},
      {"state", v1::Study::State_Name(study.state())},
      {"reason", study.reason()},
      {"waiting", study.waiting()},
      {"objective",
       {{"metric", PrimaryObjective(spec).metric()},
        {"goal", PrimaryObjective(spec).goal() == v1::Objective::MAXIMIZE ? "maximize" : "minimize"}}},
      {"objectives", std::move(objectives)},
      {"constraints", std::move(constraints)},
      {"tags", std::vector<std::string>(spec.tags().begin(), spec.tags().end())},
      {"hypothesis", spec.hypothesis()},
      {"conclusion", study.conclusion()},
      {"concluded", TimeJson(study.conclusion_unix_ms())},
      {"counts",
       {{"pending", c.pending()},
        {"running", c.running()},
        {"succeeded", c.succeeded()},
        {"failed", c.failed()},
        {"stopped", c.stopped()},
        {"infeasible", c.infeasible()},
        {"cancelled", c.cancelled()},
        {"reused", c.reused()},
        {"total", c.total()}}},
      {"planned", study.planned_trials()},
      {"max_trials", spec.budget().max_trials()},
      {"best", std::move(best)},
      {"noisy", DeclaredNoisy(spec)},
      {"recommended", std::move(recommended)},
      {"parameters", std::move(parameters)},
      {"metrics", std::vector<std::string>(spec.metrics().begin(), spec.metrics().end())},
      {"algorithm", AlgorithmName(spec.algorithm())},
      {"created", TimeJson(study.create_unix_ms())},
      {"ended", TimeJson(study.end_unix_ms())},
      {"owner", study.owner()},
  };
}

nlohmann::json TrialRowJson(const v1::Trial& trial) {
  nlohmann::json params = nlohmann::json::object();
  for (const v1::Parameter& p : trial.parameters()) params[p.name()] = ValueJson(p.value());
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [name, value] : trial.metrics()) metrics[name] = NumberJson(value);
  nlohmann::json runtime = nullptr;
  if (trial.start_unix_ms() > 0 && trial.end_unix_ms() >= trial.start_unix_ms()) {
    runtime = (trial.end_unix_ms() - trial.start_unix_ms()) / 1000.0;
  }
  nlohmann::json reused = nullptr;
  if (trial.has_reused_from()) {
    reused = {{"study", trial.reused_from().study_id()},
              {"study_name", trial.reused_from().study_name()},
              {"trial", trial.reused_from().trial_id()}};
  }
  return {
      {"id", trial.id()},
      {"state", v1::Trial::State_Name(trial.state())},
      {"params", std::move(params)},
      {"metrics", std::move(metrics)},
      {"attempt", trial.attempt()},
      {"worker", trial.worker_id()},
      {"created", TimeJson(trial.create_unix_ms())},
      {"started", TimeJson(trial.start_unix_ms())},
      {"ended", TimeJson(trial.end_unix_ms())},
      {"runtime_seconds", std::move(runtime)},
      {"measurements", trial.measurement_count()},
      {"notes", trial.notes_size()},
      {"reason", trial.reason()},
      {"reused_from", std::move(reused)},
      {"feasible", trial.has_feasible() ? nlohmann::json(trial.feasible()) : nullptr},
  };
}

nlohmann::json MeasurementJson(const v1::Measurement& m) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [name, value] : m.metrics()) metrics[name] = NumberJson(value);
  return {{"step", m.step()}, {"time", TimeJson(m.time_unix_ms())}, {"metrics", std::move(metrics)}};
}

nlohmann::json TrialDetailJson(const v1::Trial& trial, const std::vector<v1::Measurement>* measurements) {
  nlohmann::json j = TrialRowJson(trial);
  nlohmann::json notes = nlohmann::json::array();
  for (const v1::Note& n : trial.notes())
    notes.push_back({{"text", n.text()}, {"time", TimeJson(n.time_unix_ms())}});
  j["notes"] = std::move(notes);
  j["note_count"] = trial.notes_size();
  nlohmann::json artifacts = nlohmann::json::object();
  for (const auto& [name, text] : trial.artifacts()) artifacts[name] = text;
  j["artifacts"] = std::move(artifacts);
  j["fingerprint"] = trial.fingerprint();
  if (measurements != nullptr) {
    nlohmann::json steps = nlohmann::json::array();
    for (const v1::Measurement& m : *measurements) steps.push_back(MeasurementJson(m));
    j["measurement_list"] = std::move(steps);
  }
  return j;
}

nlohmann::json WorkerJson(const v1::WorkerStatus& worker, int64_t now_ms, int64_t lease_timeout_ms) {
  const v1::WorkerInfo& info = worker.info();
  nlohmann::json leases = nlohmann::json::array();
  for (const v1::LeaseRef& l : worker.trials())
    leases.push_back({{"study", l.study_id()}, {"trial", l.trial_id()}});
  return {
      {"id", info.id()},
      {"host", info.host()},
      {"slots", info.slots()},
      {"threads", info.threads()},
      {"executors", std::vector<std::string>(info.executors().begin(), info.executors().end())},
      {"version", info.version()},
      {"last_seen", TimeJson(worker.last_seen_unix_ms())},
      {"lost", worker.last_seen_unix_ms() > 0 && now_ms - worker.last_seen_unix_ms() > lease_timeout_ms},
      {"draining", worker.draining()},
      {"leases", std::move(leases)},
  };
}

}  // namespace hyperlab::coordinator::dashboard
