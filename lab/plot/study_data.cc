#include "lab/plot/study_data.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/status_macros.h"
#include "common/spec/parameter_tree.h"
#include "common/spec/parameter_value.h"
#include "proto/outcomes.h"

namespace hyperlab::plot {
namespace {

// At most `n` names joined for an error message, with a count of the rest.
std::string NameList(const std::vector<std::string>& names, size_t n = 30) {
  if (names.empty()) return "(none)";
  std::vector<std::string> shown(names.begin(), names.begin() + std::min(n, names.size()));
  std::string out = absl::StrJoin(shown, ", ");
  if (names.size() > n) absl::StrAppend(&out, ", ... (", names.size() - n, " more)");
  return out;
}

// The flat tree, or the top-level parameters of a spec that would not flatten (it never passed validation).
std::vector<FlatParameter> Flat(const v1::Study& study) {
  std::vector<FlatParameter> flat = FlatParameters(study.spec());
  if (flat.empty()) {
    for (const v1::ParameterSpec& p : study.spec().parameters()) flat.push_back({.spec = &p});
  }
  return flat;
}

// The index of `p` in `flat` (by name: names are unique in a tree), or -1.
int IndexOf(const std::vector<FlatParameter>& flat, const v1::ParameterSpec& p) {
  for (size_t i = 0; i < flat.size(); ++i) {
    if (flat[i].spec->name() == p.name()) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

const std::string& ObjectiveMetric(const v1::Study& study) { return PrimaryObjective(study.spec()).metric(); }

bool Maximize(const v1::Study& study) {
  return PrimaryObjective(study.spec()).goal() == v1::Objective::MAXIMIZE;
}

bool HigherIsBetter(const v1::Study& study, const std::string& metric) {
  if (metric == ObjectiveMetric(study)) return Maximize(study);
  for (const char* word : {"accuracy", "f1", "precision", "recall", "r2", "per_second"}) {
    if (metric.find(word) != std::string::npos) return true;
  }
  return false;
}

std::optional<double> MetricValue(const v1::Trial& trial, const std::string& metric) {
  auto it = trial.metrics().find(metric);
  if (it == trial.metrics().end() || !std::isfinite(it->second)) return std::nullopt;
  return it->second;
}

const v1::ParameterValue* ParameterValueOf(const v1::Trial& trial, const std::string& name) {
  for (const v1::Parameter& p : trial.parameters()) {
    if (p.name() == name) return &p.value();
  }
  return nullptr;
}

std::vector<std::string> FinalMetricNames(const StudyData& data) {
  std::set<std::string> names;
  for (const auto& t : data.trials) {
    for (const auto& [name, value] : t.trial().metrics()) names.insert(name);
  }
  return {names.begin(), names.end()};
}

std::vector<std::string> MeasurementMetricNames(const StudyData& data) {
  std::set<std::string> names;
  for (const auto& t : data.trials) {
    for (const v1::Measurement& m : t.measurements()) {
      for (const auto& [name, value] : m.metrics()) names.insert(name);
    }
  }
  return {names.begin(), names.end()};
}

absl::Status RequireTrials(const StudyData& data) {
  if (data.trials.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("study '", data.study.spec().name(), "' has no trials yet"));
  }
  return absl::OkStatus();
}

absl::Status RequireMetric(const StudyData& data, const std::string& metric) {
  RETURN_IF_ERROR(RequireTrials(data));
  for (const auto& t : data.trials) {
    if (t.trial().metrics().contains(metric)) return absl::OkStatus();
  }
  const std::vector<std::string> names = FinalMetricNames(data);
  if (names.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("no trial of study '", data.study.spec().name(),
                                                      "' has reported a metric yet (metric '", metric,
                                                      "' asked for)"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown metric '", metric, "'; the trials report: ", NameList(names)));
}

std::vector<const v1::ParameterSpec*> StudyParameters(const v1::Study& study) {
  std::vector<const v1::ParameterSpec*> out;
  for (const FlatParameter& p : Flat(study)) out.push_back(p.spec);
  return out;
}

std::string ExistsWhen(const v1::Study& study, const v1::ParameterSpec& p) {
  const std::vector<FlatParameter> flat = Flat(study);
  const int i = IndexOf(flat, p);
  if (i < 0 || flat[i].parent < 0) return "";
  const std::string& parent = flat[flat[i].parent].spec->name();
  if (flat[i].when.size() == 1) return absl::StrCat(parent, " = ", flat[i].when[0]);
  return absl::StrCat(parent, " in (", absl::StrJoin(flat[i].when, ", "), ")");
}

std::vector<const v1::ParameterSpec*> Ancestors(const v1::Study& study, const v1::ParameterSpec& p) {
  const std::vector<FlatParameter> flat = Flat(study);
  std::vector<const v1::ParameterSpec*> out;
  for (int i = IndexOf(flat, p); i >= 0 && flat[i].parent >= 0; i = flat[i].parent) {
    out.push_back(flat[flat[i].parent].spec);
  }
  return out;
}

absl::StatusOr<const v1::ParameterSpec*> FindParameter(const v1::Study& study, const std::string& name) {
  std::vector<std::string> names;
  for (const v1::ParameterSpec* p : StudyParameters(study)) {
    if (p->name() == name) return p;
    names.push_back(p->name());
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown parameter '", name, "'; study '",
                                                 study.spec().name(), "' has: ", NameList(names)));
}

absl::StatusOr<const v1::TrialWithMeasurements*> FindTrial(const StudyData& data, int64_t id) {
  for (const auto& t : data.trials) {
    if (t.trial().id() == id) return &t;
  }
  if (data.trials.empty()) return RequireTrials(data);
  return absl::InvalidArgumentError(absl::StrCat("study '", data.study.spec().name(), "' has no trial ", id,
                                                 "; its trials are ", data.trials.front().trial().id(), "..",
                                                 data.trials.back().trial().id()));
}

bool IsCategorical(const v1::ParameterSpec& p) { return p.has_categorical(); }

bool IsLogScale(const v1::ParameterSpec& p) {
  return (p.has_double_range() && p.double_range().scale() == v1::LOG) ||
         (p.has_integer() && p.integer().scale() == v1::LOG);
}

Axis ParameterAxis(const v1::ParameterSpec& p) {
  switch (p.domain_case()) {
    case v1::ParameterSpec::kCategorical:
      return Axis::Categorical({p.categorical().values().begin(), p.categorical().values().end()});
    case v1::ParameterSpec::kDoubleRange:
      return IsLogScale(p) ? Axis::Log(p.double_range().min(), p.double_range().max())
                           : Axis::Linear(p.double_range().min(), p.double_range().max(), /*nice=*/false);
    case v1::ParameterSpec::kInteger: {
      const double lo = static_cast<double>(p.integer().min()), hi = static_cast<double>(p.integer().max());
      return IsLogScale(p) ? Axis::Log(lo, hi) : Axis::Linear(lo, hi, /*nice=*/false);
    }
    case v1::ParameterSpec::kDiscrete: {
      const auto& v = p.discrete().values();
      if (v.empty()) return Axis::Linear(0, 1);
      return Axis::Linear(*std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()),
                          /*nice=*/false);
    }
    default:
      return Axis::Linear(0, 1);
  }
}

std::optional<double> AxisValue(const v1::ParameterSpec& p, const v1::ParameterValue& value) {
  if (IsCategorical(p)) {
    const auto& values = p.categorical().values();
    for (int i = 0; i < values.size(); ++i) {
      if (values[i] == value.string_value()) return i;
    }
    return std::nullopt;
  }
  return NumericValue(value);
}

std::vector<const v1::TrialWithMeasurements*> RankedTrials(const StudyData& data, const std::string& metric,
                                                           bool maximize, bool succeeded_only) {
  std::vector<const v1::TrialWithMeasurements*> out;
  for (const auto& t : data.trials) {
    if (succeeded_only && t.trial().state() != v1::Trial::SUCCEEDED) continue;
    if (MetricValue(t.trial(), metric)) out.push_back(&t);
  }
  std::stable_sort(out.begin(), out.end(), [&](const auto* a, const auto* b) {
    const double va = *MetricValue(a->trial(), metric), vb = *MetricValue(b->trial(), metric);
    return maximize ? va > vb : va < vb;
  });
  return out;
}

std::string ValueString(const v1::ParameterValue& value) {
  switch (value.kind_case()) {
    case v1::ParameterValue::kIntValue:
      return absl::StrCat(value.int_value());
    case v1::ParameterValue::kStringValue:
      return value.string_value();
    case v1::ParameterValue::kDoubleValue:
      return ShortNumber(value.double_value());
    default:
      return "?";
  }
}

std::string ParameterSummary(const v1::Trial& trial) {
  std::vector<std::string> parts;
  for (const v1::Parameter& p : trial.parameters()) parts.push_back(p.name() + "=" + ValueString(p.value()));
  return absl::StrJoin(parts, ", ");
}

std::string StateName(v1::Trial::State state) { return absl::AsciiStrToLower(v1::Trial::State_Name(state)); }

}  // namespace hyperlab::plot
