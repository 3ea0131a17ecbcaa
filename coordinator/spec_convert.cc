#include "coordinator/spec_convert.h"

#include "absl/strings/numbers.h"
#include "common/spec/parameter_tree.h"
#include "proto/outcomes.h"
#include "searcher/active_parameters.h"

namespace hyperlab::coordinator {
namespace {

searcher::Scale ToScale(v1::Scale scale) {
  return scale == v1::LOG ? searcher::Scale::kLog : searcher::Scale::kLinear;
}

// A children key of `parent` as the value it names (parameter_tree.h checked that it is one).
searcher::Value KeyValue(const v1::ParameterSpec& parent, const std::string& key) {
  if (parent.has_integer()) {
    int64_t v = 0;
    (void)absl::SimpleAtoi(key, &v);
    return v;
  }
  if (parent.has_discrete()) {
    double v = 0;
    (void)absl::SimpleAtod(key, &v);
    return v;
  }
  return key;
}

}  // namespace

searcher::SearchSpace ToSearchSpace(const v1::StudySpec& spec) {
  searcher::SearchSpace space;
  const std::vector<FlatParameter> flat = FlatParameters(spec);
  for (const FlatParameter& f : flat) {
    const v1::ParameterSpec& p = *f.spec;
    searcher::Parameter out;
    out.name = p.name();
    switch (p.domain_case()) {
      case v1::ParameterSpec::kDoubleRange:
        out.kind = searcher::ParameterKind::kDouble;
        out.min = p.double_range().min();
        out.max = p.double_range().max();
        out.scale = ToScale(p.double_range().scale());
        break;
      case v1::ParameterSpec::kInteger:
        out.kind = searcher::ParameterKind::kInteger;
        out.min = static_cast<double>(p.integer().min());
        out.max = static_cast<double>(p.integer().max());
        out.scale = ToScale(p.integer().scale());
        break;
      case v1::ParameterSpec::kDiscrete:
        out.kind = searcher::ParameterKind::kDiscrete;
        out.numbers.assign(p.discrete().values().begin(), p.discrete().values().end());
        break;
      case v1::ParameterSpec::kCategorical:
        out.kind = searcher::ParameterKind::kCategorical;
        out.categories.assign(p.categorical().values().begin(), p.categorical().values().end());
        break;
      case v1::ParameterSpec::DOMAIN_NOT_SET:
        break;
    }
    out.parent = f.parent;
    for (const std::string& key : f.when) out.active_when.push_back(KeyValue(*flat[f.parent].spec, key));
    space.parameters.push_back(std::move(out));
  }
  return space;
}

searcher::AlgorithmConfig ToAlgorithmConfig(const v1::StudySpec& spec) {
  searcher::AlgorithmConfig config;
  config.goal = PrimaryObjective(spec).goal() == v1::Objective::MAXIMIZE ? searcher::Goal::kMaximize
                                                                         : searcher::Goal::kMinimize;
  config.noisy = DeclaredNoisy(spec);
  for (const v1::Objective& o : spec.objectives()) {  // Several objectives (one: `goal` alone).
    config.goals.push_back(o.goal() == v1::Objective::MAXIMIZE ? searcher::Goal::kMaximize
                                                               : searcher::Goal::kMinimize);
  }
  // Outcome constraints, in the order of TrialView::constraint_values (study_state.cc).
  for (const v1::OutcomeConstraint& c : spec.constraints()) {
    searcher::ConstraintBound bound;
    if (c.has_min()) bound.min = c.min();
    if (c.has_max()) bound.max = c.max();
    config.constraints.push_back(bound);
  }
  switch (spec.algorithm().kind_case()) {
    case v1::AlgorithmSpec::kGrid:
      config.kind = searcher::AlgorithmConfig::Kind::kGrid;
      config.points_per_double = spec.algorithm().grid().points_per_double();
      break;
    case v1::AlgorithmSpec::kBayesian:
      config.kind = searcher::AlgorithmConfig::Kind::kBayesian;
      config.seed = spec.algorithm().bayesian().seed();
      config.initial_trials = spec.algorithm().bayesian().initial_trials();
      config.ucb_beta = spec.algorithm().bayesian().ucb_beta();
      break;
    case v1::AlgorithmSpec::kQuasiRandom:
      config.kind = searcher::AlgorithmConfig::Kind::kQuasiRandom;
      config.seed = spec.algorithm().quasi_random().seed();
      break;
    case v1::AlgorithmSpec::kCmaes:
      config.kind = searcher::AlgorithmConfig::Kind::kCmaEs;
      config.seed = spec.algorithm().cmaes().seed();
      break;
    default:
      config.kind = searcher::AlgorithmConfig::Kind::kRandom;
      config.seed = spec.algorithm().random().seed();
      break;
  }
  return config;
}

bool SuggestionsDependOnResults(const v1::AlgorithmSpec& algorithm) {
  return algorithm.has_bayesian() || algorithm.has_cmaes();
}

searcher::EarlyStoppingConfig ToEarlyStoppingConfig(const v1::StudySpec& spec) {
  searcher::EarlyStoppingConfig config;
  const v1::EarlyStopping& e = spec.early_stopping();
  config.goal = e.goal() == v1::Objective::MAXIMIZE ? searcher::Goal::kMaximize : searcher::Goal::kMinimize;
  if (e.has_median()) {
    config.kind = searcher::EarlyStoppingConfig::Kind::kMedian;
    config.min_trials = e.median().min_trials();
    config.min_step = e.median().min_step();
  } else if (e.has_asha()) {
    config.kind = searcher::EarlyStoppingConfig::Kind::kAsha;
    config.min_step = e.asha().min_step();
    config.reduction_factor = e.asha().reduction_factor();
  }
  return config;
}

namespace {

v1::ParameterValue ToValue(const searcher::Value& value) {
  v1::ParameterValue out;
  if (const double* d = std::get_if<double>(&value)) {
    out.set_double_value(*d);
  } else if (const int64_t* n = std::get_if<int64_t>(&value)) {
    out.set_int_value(*n);
  } else {
    out.set_string_value(std::get<std::string>(value));
  }
  return out;
}

searcher::Value FromValue(const v1::ParameterValue& value) {
  switch (value.kind_case()) {
    case v1::ParameterValue::kIntValue:
      return value.int_value();
    case v1::ParameterValue::kStringValue:
      return value.string_value();
    default:
      return value.double_value();
  }
}

}  // namespace

std::vector<v1::Parameter> ToParameters(const searcher::SearchSpace& space,
                                        const searcher::Assignment& assignment) {
  const std::vector<bool> active = searcher::ActiveMask(space, assignment);
  std::vector<v1::Parameter> out;
  out.reserve(assignment.size());
  for (size_t i = 0; i < assignment.size() && i < space.parameters.size(); ++i) {
    if (!active[i]) continue;
    v1::Parameter p;
    p.set_name(space.parameters[i].name);
    *p.mutable_value() = ToValue(assignment[i]);
    out.push_back(std::move(p));
  }
  return out;
}

searcher::Assignment ToAssignment(const searcher::SearchSpace& space,
                                  const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters) {
  searcher::Assignment out;
  out.reserve(space.parameters.size());
  const bool positional = !searcher::HasConditions(space);
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    const searcher::Parameter& p = space.parameters[i];
    const v1::Parameter* found = nullptr;
    if (positional && i < static_cast<size_t>(parameters.size()) && parameters[i].name() == p.name) {
      found = &parameters[i];
    } else {
      for (const v1::Parameter& q : parameters) {
        if (q.name() == p.name) found = &q;
      }
    }
    out.push_back(found != nullptr ? FromValue(found->value()) : searcher::InactiveValue(p));
  }
  searcher::Canonicalise(space, out);
  return out;
}

}  // namespace hyperlab::coordinator
