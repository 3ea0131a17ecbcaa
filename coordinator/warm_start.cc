#include "coordinator/warm_start.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/spec/parameter_tree.h"
#include "common/spec/parameter_value.h"
#include "coordinator/fingerprint.h"
#include "coordinator/spec_convert.h"
#include "proto/outcomes.h"
#include "searcher/active_parameters.h"

namespace hyperlab::coordinator {
namespace {

// The value of `p` in a source trial as this study's parameter `spec` takes it; nullopt when it is missing,
// of another kind, or outside the domain.
std::optional<searcher::Value> InDomain(const v1::ParameterSpec& spec, const v1::ParameterValue* value) {
  if (value == nullptr) return std::nullopt;
  auto number = [&] { return NumericValue(*value); };
  switch (spec.domain_case()) {
    case v1::ParameterSpec::kDoubleRange: {
      std::optional<double> x = number();
      if (!x || !std::isfinite(*x) || *x < spec.double_range().min() || *x > spec.double_range().max()) break;
      return *x;
    }
    case v1::ParameterSpec::kInteger: {
      std::optional<double> x = number();
      if (!x || *x != std::floor(*x) || *x < spec.integer().min() || *x > spec.integer().max()) break;
      return static_cast<int64_t>(*x);
    }
    case v1::ParameterSpec::kDiscrete: {
      std::optional<double> x = number();
      if (!x) break;
      for (double v : spec.discrete().values()) {
        if (std::abs(v - *x) <= 1e-12 * std::max(1.0, std::abs(v))) return v;
      }
      break;
    }
    case v1::ParameterSpec::kCategorical:
      if (value->kind_case() != v1::ParameterValue::kStringValue) break;
      for (const std::string& v : spec.categorical().values()) {
        if (v == value->string_value()) return v;
      }
      break;
    default:
      break;
  }
  return std::nullopt;
}

}  // namespace

absl::Status CheckWarmStartSource(const v1::Study& study, const v1::Study& source, int index) {
  // By content when both studies know it (the digest their workers reported), else by path: a new study
  // learns its digest only from its first results.
  const bool by_content = !study.data_digest().empty() && !source.data_digest().empty();
  if (CanonicalTask(study.spec(), by_content ? study.data_digest() : "") !=
      CanonicalTask(source.spec(), by_content ? source.data_digest() : "")) {
    return absl::InvalidArgumentError(
        absl::StrCat("warm_start.studies[", index, "]: study '", source.spec().name(),
                     "' ran another task (or other data); only trials of the same task can seed the model"));
  }
  return absl::OkStatus();
}

int AppendWarmStartObservations(const v1::Study& study, const v1::Study& source,
                                const std::vector<v1::Trial>& trials, int64_t cutoff_ms,
                                std::vector<searcher::TrialView>& prior) {
  const v1::StudySpec& spec = study.spec();
  const std::vector<FlatParameter> flat = FlatParameters(spec);
  const searcher::SearchSpace space = ToSearchSpace(spec);
  int appended = 0;
  for (const v1::Trial& trial : trials) {
    if (trial.end_unix_ms() == 0 || trial.end_unix_ms() > cutoff_ms) continue;
    searcher::TrialView view;
    switch (trial.state()) {
      case v1::Trial::SUCCEEDED: {
        auto it = trial.metrics().find(PrimaryObjective(spec).metric());
        if (it == trial.metrics().end() || !std::isfinite(it->second)) continue;
        view.outcome = searcher::TrialView::Outcome::kSucceeded;
        view.objective = it->second;
        break;
      }
      case v1::Trial::FAILED:
      case v1::Trial::INFEASIBLE:
        view.outcome = searcher::TrialView::Outcome::kFailed;
        break;
      default:
        continue;
    }
    std::map<std::string, const v1::ParameterValue*> values;
    for (const v1::Parameter& p : trial.parameters()) values[p.name()] = &p.value();
    // Every parameter that exists for the trial's values must be there and in this study's domain; a
    // conditional one that does not exist holds its InactiveValue.
    std::vector<const v1::ParameterValue*> present(flat.size(), nullptr);
    bool usable = true;
    for (size_t i = 0; i < flat.size() && usable; ++i) {
      auto it = values.find(flat[i].spec->name());
      std::optional<searcher::Value> v = InDomain(*flat[i].spec, it == values.end() ? nullptr : it->second);
      if (v) present[i] = it->second;
      usable = v.has_value() || flat[i].parent >= 0;
      view.assignment.push_back(v ? *std::move(v) : searcher::InactiveValue(space.parameters[i]));
    }
    const std::vector<bool> active = ActiveParameters(flat, present);
    for (size_t i = 0; i < flat.size() && usable; ++i) usable = !active[i] || present[i] != nullptr;
    if (!usable) continue;
    searcher::Canonicalise(space, view.assignment);
    view.index = static_cast<int64_t>(prior.size());
    prior.push_back(std::move(view));
    ++appended;
  }
  return appended;
}

}  // namespace hyperlab::coordinator
