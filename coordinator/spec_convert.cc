#include "coordinator/spec_convert.h"

#include "proto/outcomes.h"

namespace hyperlab::coordinator {
namespace {

searcher::Scale ToScale(v1::Scale scale) {
  return scale == v1::LOG ? searcher::Scale::kLog : searcher::Scale::kLinear;
}

}  // namespace

searcher::SearchSpace ToSearchSpace(const v1::StudySpec& spec) {
  searcher::SearchSpace space;
  for (const v1::ParameterSpec& p : spec.parameters()) {
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
    space.parameters.push_back(std::move(out));
  }
  return space;
}

searcher::AlgorithmConfig ToAlgorithmConfig(const v1::StudySpec& spec) {
  searcher::AlgorithmConfig config;
  config.goal = PrimaryObjective(spec).goal() == v1::Objective::MAXIMIZE ? searcher::Goal::kMaximize
                                                                         : searcher::Goal::kMinimize;
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

std::vector<v1::Parameter> ToParameters(const v1::StudySpec& spec, const searcher::Assignment& assignment) {
  std::vector<v1::Parameter> out;
  out.reserve(assignment.size());
  for (size_t i = 0; i < assignment.size(); ++i) {
    v1::Parameter p;
    p.set_name(spec.parameters(static_cast<int>(i)).name());
    if (const double* d = std::get_if<double>(&assignment[i])) {
      p.mutable_value()->set_double_value(*d);
    } else if (const int64_t* n = std::get_if<int64_t>(&assignment[i])) {
      p.mutable_value()->set_int_value(*n);
    } else {
      p.mutable_value()->set_string_value(std::get<std::string>(assignment[i]));
    }
    out.push_back(std::move(p));
  }
  return out;
}

searcher::Assignment ToAssignment(const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters) {
  searcher::Assignment out;
  out.reserve(parameters.size());
  for (const v1::Parameter& p : parameters) {
    switch (p.value().kind_case()) {
      case v1::ParameterValue::kIntValue:
        out.emplace_back(p.value().int_value());
        break;
      case v1::ParameterValue::kStringValue:
        out.emplace_back(p.value().string_value());
        break;
      default:
        out.emplace_back(p.value().double_value());
        break;
    }
  }
  return out;
}

}  // namespace hyperlab::coordinator
