#include "common/spec/spec_validation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/base/status_macros.h"
#include "common/spec/knobs.h"
#include "common/spec/outcome_validation.h"
#include "common/spec/parameter_tree.h"
#include "common/spec/spec_errors.h"
#include "common/spec/task_validation.h"
#include "proto/outcomes.h"
#include "searcher/search_space.h"

namespace hyperlab {
namespace {

using spec_errors::Invalid;
using spec_errors::OverLimit;
using spec_errors::WithParameterName;

// The searcher takes integer bounds as doubles, exact only within its kMaxExactInteger.
static_assert(kMaxIntegerMagnitude <= searcher::kMaxExactInteger);

// [A-Za-z_] followed by characters for which `rest` holds.
template <typename Pred>
bool Matches(absl::string_view s, Pred rest) {
  if (s.empty() || !(absl::ascii_isalpha(s[0]) || s[0] == '_')) return false;
  for (char c : s.substr(1)) {
    if (!rest(c)) return false;
  }
  return true;
}

bool IsIdentifier(absl::string_view s) {
  return Matches(s, [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

bool IsMetricName(absl::string_view s) {
  return Matches(s, [](char c) {
    return absl::ascii_isalnum(c) || absl::string_view("_./-").find(c) != absl::string_view::npos;
  });
}

absl::Status CheckName(absl::string_view path, absl::string_view name, bool metric) {
  if (name.empty()) return Invalid(path, "required");
  if (name.size() > kMaxNameLength) {
    return Invalid(path, absl::StrCat("too long: ", name.size(), " characters; at most ", kMaxNameLength));
  }
  if (metric && !IsMetricName(name)) {
    return Invalid(path, absl::StrCat("must match [A-Za-z_][A-Za-z0-9_./-]*, got '", name, "'"));
  }
  if (!metric && !IsIdentifier(name)) {
    return Invalid(path, absl::StrCat("must be an identifier ([A-Za-z_][A-Za-z0-9_]*), got '", name, "'"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status spec_errors::CheckMetricName(absl::string_view path, absl::string_view name) {
  return CheckName(path, name, /*metric=*/true);
}

namespace {

absl::Status CheckStudyName(absl::string_view name) {
  if (name.empty()) return Invalid("name", "required");
  if (name.size() > kMaxNameLength) {
    return Invalid("name", absl::StrCat("too long: ", name.size(), " characters; at most ", kMaxNameLength));
  }
  bool ok = absl::ascii_isalpha(name[0]);
  for (char c : name) ok = ok && (absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-');
  if (!ok) {
    return Invalid("name", absl::StrCat("must start with a letter and contain only letters, digits, '.', '_' "
                                        "and '-', got '",
                                        name, "'"));
  }
  return absl::OkStatus();
}

absl::Status CheckScale(absl::string_view path, v1::Scale scale) {
  if (!v1::Scale_IsValid(scale))
    return Invalid(path, absl::StrCat("unknown scale ", static_cast<int>(scale)));
  return absl::OkStatus();
}

absl::Status CheckFinite(absl::string_view path, double value) {
  if (!std::isfinite(value)) return Invalid(path, absl::StrCat("must be finite, got ", value));
  return absl::OkStatus();
}

absl::Status CheckDouble(const std::string& path, const v1::DoubleRange& r) {
  RETURN_IF_ERROR(CheckFinite(path + ".min", r.min()));
  RETURN_IF_ERROR(CheckFinite(path + ".max", r.max()));
  RETURN_IF_ERROR(CheckScale(path + ".scale", r.scale()));
  if (r.min() > r.max()) return Invalid(path, absl::StrCat("min ", r.min(), " > max ", r.max()));
  if (r.scale() == v1::LOG && r.min() <= 0) {
    return Invalid(path + ".min", absl::StrCat("log scale needs min > 0, got ", r.min()));
  }
  return absl::OkStatus();
}

absl::Status CheckInteger(const std::string& path, const v1::IntegerRange& r) {
  const std::pair<const char*, int64_t> bounds[] = {{".min", r.min()}, {".max", r.max()}};
  for (const auto& [field, value] : bounds) {
    if (value < -kMaxIntegerMagnitude || value > kMaxIntegerMagnitude) {
      return OverLimit(path + field, value, "max_integer_magnitude", kMaxIntegerMagnitude);
    }
  }
  RETURN_IF_ERROR(CheckScale(path + ".scale", r.scale()));
  if (r.min() > r.max()) return Invalid(path, absl::StrCat("min ", r.min(), " > max ", r.max()));
  if (r.scale() == v1::LOG && r.min() < 1) {
    return Invalid(path + ".min", absl::StrCat("log scale needs min >= 1, got ", r.min()));
  }
  return absl::OkStatus();
}

// Checks a value list: non-empty, bounded, each value by `check`, no duplicates (by `show`n form).
template <typename Values, typename Check, typename Show>
absl::Status CheckValues(const std::string& path, const Values& values, Check check, Show show) {
  using T = std::decay_t<decltype(values[0])>;
  if (values.empty()) return Invalid(path, "must not be empty");
  if (values.size() > kMaxValuesPerParameter) {
    return Invalid(path,
                   absl::StrCat("too many values: ", values.size(), "; at most ", kMaxValuesPerParameter));
  }
  std::map<T, int> seen;
  for (int i = 0; i < values.size(); ++i) {
    const std::string item = absl::StrCat(path, "[", i, "]");
    RETURN_IF_ERROR(check(item, values[i]));
    auto [it, inserted] = seen.emplace(values[i], i);
    if (!inserted) {
      return Invalid(item,
                     absl::StrCat("duplicate value ", show(values[i]), " (also values[", it->second, "])"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDomain(const std::string& path, const v1::ParameterSpec& p) {
  switch (p.domain_case()) {
    case v1::ParameterSpec::kDoubleRange:
      return CheckDouble(path + ".double", p.double_range());
    case v1::ParameterSpec::kInteger:
      return CheckInteger(path + ".integer", p.integer());
    case v1::ParameterSpec::kDiscrete:
      return CheckValues(path + ".discrete.values", p.discrete().values(), CheckFinite,
                         [](double v) { return absl::StrCat(v); });
    case v1::ParameterSpec::kCategorical:
      return CheckValues(
          path + ".categorical.values", p.categorical().values(),
          [](const std::string& item, const std::string& v) {
            if (v.empty()) return Invalid(item, "must not be empty");
            if (v.size() > kMaxValueLength) {
              return Invalid(item,
                             absl::StrCat("too long: ", v.size(), " characters; at most ", kMaxValueLength));
            }
            return absl::OkStatus();
          },
          [](const std::string& v) { return absl::StrCat("'", v, "'"); });
    case v1::ParameterSpec::DOMAIN_NOT_SET:
      break;
  }
  return Invalid(path, "a domain is required: one of double, integer, discrete, categorical");
}

// Checks the parameter tree (parameter_tree.h): each definition's name and domain, then its shape.
absl::Status CheckParameters(const v1::StudySpec& spec, ParameterKinds& kinds) {
  if (spec.parameters().empty()) return Invalid("parameters", "required: at least one parameter");
  if (spec.parameters_size() > kMaxParameters) {
    return Invalid("parameters",
                   absl::StrCat("too many: ", spec.parameters_size(), "; at most ", kMaxParameters));
  }
  ASSIGN_OR_RETURN(
      std::vector<FlatParameter> flat,
      FlattenParameters(spec.parameters(), [](const std::string& path, const v1::ParameterSpec& p) {
        RETURN_IF_ERROR(CheckName(path + ".name", p.name(), /*metric=*/false));
        if (absl::Status domain = CheckDomain(path, p); !domain.ok())
          return WithParameterName(domain, p.name());
        return absl::OkStatus();
      }));
  for (const FlatParameter& p : flat) {
    kinds[p.spec->name()] = {.domain = p.spec->domain_case(), .conditional = p.parent >= 0};
  }
  return absl::OkStatus();
}

// The most values parameter `p` contributes to a grid of `points` points per double: GridStrategy's axis
// (searcher/grid_strategy.h) has exactly this many, or fewer for a log-scale integer range whose rounded
// points coincide. REQUIRES: `p` passed CheckDomain (integer bounds within kMaxIntegerMagnitude).
int64_t GridAxisBound(const v1::ParameterSpec& p, int32_t points) {
  switch (p.domain_case()) {
    case v1::ParameterSpec::kDoubleRange:
      return p.double_range().min() == p.double_range().max() ? 1 : points;
    case v1::ParameterSpec::kInteger:
      return std::min<int64_t>(p.integer().max() - p.integer().min() + 1, points);
    case v1::ParameterSpec::kDiscrete:
      return p.discrete().values_size();
    case v1::ParameterSpec::kCategorical:
      return p.categorical().values_size();
    case v1::ParameterSpec::DOMAIN_NOT_SET:
      break;
  }
  return 1;
}

// Saturating arithmetic on counts: INT64_MAX stands for "at least that many".
int64_t SaturatingAdd(int64_t a, int64_t b) { return a > INT64_MAX - b ? INT64_MAX : a + b; }
int64_t SaturatingMul(int64_t a, int64_t b) { return b != 0 && a > INT64_MAX / b ? INT64_MAX : a * b; }

// An upper bound on the grid points each parameter stands for with the tree below it: its axis's size,
// plus, for each value with children, one less than the product of those children's bounds (that value
// stands for that many points instead of one). Exact without integer parents (whose keyed value may be
// off the axis). Children come after their parent, so one pass from the end computes each bound once.
std::vector<int64_t> GridBounds(const std::vector<FlatParameter>& flat, int32_t points) {
  std::vector<std::map<std::string, int64_t>> under(flat.size());  // Parent -> key -> product of children.
  std::vector<int64_t> bound(flat.size());
  for (size_t i = flat.size(); i-- > 0;) {
    bound[i] = GridAxisBound(*flat[i].spec, points);
    for (const auto& [key, product] : under[i]) bound[i] = SaturatingAdd(bound[i], product - 1);
    if (flat[i].parent < 0) continue;
    for (const std::string& key : flat[i].when) {
      auto [it, inserted] = under[flat[i].parent].emplace(key, 1);
      it->second = SaturatingMul(it->second, bound[i]);
    }
  }
  return bound;
}

// The grid's size is at most kMaxGridPoints; the top-level parameter at which it passes the limit is
// named.
absl::Status CheckGridSize(const v1::StudySpec& spec) {
  const int32_t points = spec.algorithm().grid().points_per_double() == 0
                             ? kDefaultPointsPerDouble
                             : spec.algorithm().grid().points_per_double();
  const std::vector<FlatParameter> flat = FlatParameters(spec);
  const std::vector<int64_t> bounds = GridBounds(flat, points);
  int64_t size = 1;
  int at = -1;  // Index among the top-level parameters.
  for (size_t i = 0; i < flat.size(); ++i) {
    if (flat[i].parent >= 0) continue;
    ++at;
    size = SaturatingMul(size, bounds[i]);
    if (size > kMaxGridPoints) {
      return Invalid(absl::StrCat("parameters[", at, "] (name '", flat[i].spec->name(), "')"),
                     absl::StrCat("the grid has ", size == INT64_MAX ? "over " : "up to ", size,
                                  " points with parameters[0..", at,
                                  "], over the limit max_grid_points = ", kMaxGridPoints,
                                  "; use fewer values, a smaller algorithm.grid.points_per_double, or random "
                                  "or bayesian search"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAlgorithm(const v1::StudySpec& spec) {
  const v1::AlgorithmSpec& a = spec.algorithm();
  if (a.kind_case() == v1::AlgorithmSpec::KIND_NOT_SET) {
    return Invalid("algorithm", "required: one of random, grid, bayesian, quasi_random, cmaes");
  }
  if (a.has_grid()) {
    const int32_t n = a.grid().points_per_double();
    if (n != 0 && (n < 2 || n > kMaxPointsPerDouble)) {
      return Invalid("algorithm.grid.points_per_double",
                     absl::StrCat("must be 0 (default ", kDefaultPointsPerDouble, ") or between 2 and ",
                                  kMaxPointsPerDouble, ", got ", n));
    }
    RETURN_IF_ERROR(CheckGridSize(spec));
  }
  if (a.has_bayesian()) {
    const int32_t initial = a.bayesian().initial_trials();
    if (initial < 0) {
      return Invalid("algorithm.bayesian.initial_trials", absl::StrCat("must be >= 0, got ", initial));
    }
    if (initial > kMaxTrials) {
      return OverLimit("algorithm.bayesian.initial_trials", initial, "max_trials", kMaxTrials);
    }
    const double beta = a.bayesian().ucb_beta();
    if (!std::isfinite(beta) || beta < 0) {
      return Invalid("algorithm.bayesian.ucb_beta", absl::StrCat("must be finite and >= 0, got ", beta));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateBudget(const v1::Budget& b) {
  if (b.max_trials() <= 0)
    return Invalid("budget.max_trials", absl::StrCat("must be > 0, got ", b.max_trials()));
  if (b.max_trials() > kMaxTrials) {
    return Invalid("budget.max_trials", absl::StrCat("must be <= ", kMaxTrials, ", got ", b.max_trials()));
  }
  const std::pair<const char*, int32_t> counts[] = {
      {"budget.max_parallel", b.max_parallel()},
      {"budget.max_failed", b.max_failed()},
      {"budget.max_attempts", b.max_attempts()},
  };
  for (const auto& [path, value] : counts) {
    if (value < 0) return Invalid(path, absl::StrCat("must be >= 0, got ", value));
  }
  if (b.max_parallel() > kMaxParallel) {
    return OverLimit("budget.max_parallel", b.max_parallel(), "max_parallel", kMaxParallel);
  }
  if (b.max_failed() > kMaxTrials)
    return OverLimit("budget.max_failed", b.max_failed(), "max_trials", kMaxTrials);
  if (b.max_attempts() > kMaxAttempts) {
    return OverLimit("budget.max_attempts", b.max_attempts(), "max_attempts", kMaxAttempts);
  }
  return absl::OkStatus();
}

namespace {

absl::Status CheckEarlyStopping(const v1::EarlyStopping& e) {
  if (e.rule_case() == v1::EarlyStopping::RULE_NOT_SET) {
    if (!e.metric().empty() || e.goal() != v1::Objective::GOAL_UNSPECIFIED) {
      return Invalid("early_stopping", "a rule is required: median or asha");
    }
    return absl::OkStatus();
  }
  if (!e.metric().empty()) RETURN_IF_ERROR(CheckName("early_stopping.metric", e.metric(), /*metric=*/true));
  if (e.has_median()) {
    if (e.median().min_trials() < 0) {
      return Invalid("early_stopping.median.min_trials",
                     absl::StrCat("must be >= 0, got ", e.median().min_trials()));
    }
    if (e.median().min_trials() > kMaxTrials) {
      return OverLimit("early_stopping.median.min_trials", e.median().min_trials(), "max_trials", kMaxTrials);
    }
    if (e.median().min_step() < 0) {
      return Invalid("early_stopping.median.min_step",
                     absl::StrCat("must be >= 0, got ", e.median().min_step()));
    }
    if (e.median().min_step() > kMaxStep) {
      return OverLimit("early_stopping.median.min_step", e.median().min_step(), "max_step", kMaxStep);
    }
  }
  if (e.has_asha()) {
    if (e.asha().min_step() < 0) {
      return Invalid("early_stopping.asha.min_step", absl::StrCat("must be >= 0, got ", e.asha().min_step()));
    }
    if (e.asha().min_step() > kMaxStep) {
      return OverLimit("early_stopping.asha.min_step", e.asha().min_step(), "max_step", kMaxStep);
    }
    const double eta = e.asha().reduction_factor();
    if (!std::isfinite(eta) || (eta != 0 && eta < 2)) {
      return Invalid("early_stopping.asha.reduction_factor", absl::StrCat("must be >= 2, got ", eta));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckMetrics(const v1::StudySpec& spec) {
  std::map<std::string, int> seen;
  for (int i = 0; i < spec.metrics_size(); ++i) {
    const std::string path = absl::StrCat("metrics[", i, "]");
    RETURN_IF_ERROR(CheckName(path, spec.metrics(i), /*metric=*/true));
    auto [it, inserted] = seen.emplace(spec.metrics(i), i);
    if (!inserted) {
      return Invalid(
          path, absl::StrCat("duplicate metric '", spec.metrics(i), "' (also metrics[", it->second, "])"));
    }
  }
  return absl::OkStatus();
}

// Tags are metric-like names (letters, digits, `_./-`); warm-start entries name studies (checked to exist
// by the coordinator, which knows them).
absl::Status CheckTagsAndWarmStart(const v1::StudySpec& spec) {
  if (spec.tags_size() > kMaxTags) {
    return Invalid("tags", absl::StrCat(spec.tags_size(), " tags; at most ", kMaxTags));
  }
  std::map<std::string, int> seen;
  for (int i = 0; i < spec.tags_size(); ++i) {
    const std::string path = absl::StrCat("tags[", i, "]");
    RETURN_IF_ERROR(CheckName(path, spec.tags(i), /*metric=*/true));
    auto [it, inserted] = seen.emplace(spec.tags(i), i);
    if (!inserted) {
      return Invalid(path, absl::StrCat("duplicate tag '", spec.tags(i), "' (also tags[", it->second, "])"));
    }
  }
  const auto& studies = spec.warm_start().studies();
  if (studies.size() > kMaxWarmStartStudies) {
    return Invalid("warm_start.studies",
                   absl::StrCat(studies.size(), " studies; at most ", kMaxWarmStartStudies));
  }
  for (int i = 0; i < studies.size(); ++i) {
    const std::string path = absl::StrCat("warm_start.studies[", i, "]");
    if (studies[i].empty()) return Invalid(path, "required: a study name or id");
    if (studies[i] == spec.name()) return Invalid(path, "a study cannot warm-start from itself");
    if (studies[i].size() > kMaxNameLength) {
      return Invalid(path,
                     absl::StrCat("too long: ", studies[i].size(), " characters; at most ", kMaxNameLength));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateStudySpec(const v1::StudySpec& spec) {
  if (const size_t bytes = spec.ByteSizeLong(); bytes > kMaxSpecBytes) {
    return OverLimit("spec", absl::StrCat(bytes, " bytes"), "max_spec_bytes", kMaxSpecBytes);
  }
  RETURN_IF_ERROR(CheckStudyName(spec.name()));
  if (spec.hypothesis().size() > kMaxHypothesisLength) {
    return Invalid("hypothesis", absl::StrCat("too long: ", spec.hypothesis().size(), " characters; at most ",
                                              kMaxHypothesisLength));
  }
  RETURN_IF_ERROR(ValidateOutcomes(spec));
  if (!v1::Reuse_IsValid(spec.reuse())) {
    return Invalid("reuse", absl::StrCat("unknown value ", static_cast<int>(spec.reuse()),
                                         "; expected any, study or never"));
  }
  ParameterKinds kinds;
  RETURN_IF_ERROR(CheckParameters(spec, kinds));
  RETURN_IF_ERROR(CheckAlgorithm(spec));
  RETURN_IF_ERROR(ValidateBudget(spec.budget()));
  RETURN_IF_ERROR(ValidateTask(spec.task(), kinds));
  RETURN_IF_ERROR(ValidateTrainTask(spec));
  RETURN_IF_ERROR(ValidateOutcomeMetricsReported(spec));
  RETURN_IF_ERROR(CheckEarlyStopping(spec.early_stopping()));
  if (spec.task().has_synthetic()) {  // A synthetic function reports `value` and nothing else.
    if (spec.early_stopping().rule_case() != v1::EarlyStopping::RULE_NOT_SET &&
        !spec.early_stopping().metric().empty() && spec.early_stopping().metric() != "value") {
      return Invalid("early_stopping.metric", absl::StrCat("the synthetic task reports only 'value', not '",
                                                           spec.early_stopping().metric(), "'"));
    }
  }
  RETURN_IF_ERROR(CheckMetrics(spec));
  return CheckTagsAndWarmStart(spec);
}

namespace {

// Scale SCALE_UNSPECIFIED -> LINEAR, children included. Recursion is bounded by the spec's own nesting,
// which protobuf's parser limits to 100 levels.
void SetDefaultScales(google::protobuf::RepeatedPtrField<v1::ParameterSpec>& parameters) {
  for (v1::ParameterSpec& p : parameters) {
    if (p.has_double_range() && p.double_range().scale() == v1::SCALE_UNSPECIFIED) {
      p.mutable_double_range()->set_scale(v1::LINEAR);
    }
    if (p.has_integer() && p.integer().scale() == v1::SCALE_UNSPECIFIED) {
      p.mutable_integer()->set_scale(v1::LINEAR);
    }
    for (auto& [key, list] : *p.mutable_children()) SetDefaultScales(*list.mutable_parameters());
  }
}

}  // namespace

v1::StudySpec WithDefaults(v1::StudySpec spec) {
  SetDefaultScales(*spec.mutable_parameters());
  if (spec.algorithm().has_grid() && spec.algorithm().grid().points_per_double() == 0) {
    spec.mutable_algorithm()->mutable_grid()->set_points_per_double(kDefaultPointsPerDouble);
  }
  v1::Budget& budget = *spec.mutable_budget();
  if (budget.max_parallel() == 0) budget.set_max_parallel(kDefaultMaxParallel);
  if (budget.max_failed() == 0) budget.set_max_failed(DefaultMaxFailed(budget.max_trials()));
  if (budget.max_attempts() == 0) budget.set_max_attempts(kDefaultMaxAttempts);
  if (spec.task().has_command() && spec.task().command().timeout_seconds() == 0) {
    spec.mutable_task()->mutable_command()->set_timeout_seconds(kDefaultCommandTimeoutSeconds);
  }
  v1::EarlyStopping& stopping = *spec.mutable_early_stopping();
  if (stopping.rule_case() != v1::EarlyStopping::RULE_NOT_SET) {
    if (stopping.metric().empty()) stopping.set_metric(PrimaryObjective(spec).metric());
    if (stopping.goal() == v1::Objective::GOAL_UNSPECIFIED) stopping.set_goal(PrimaryObjective(spec).goal());
    if (stopping.has_median() && stopping.median().min_trials() == 0)
      stopping.mutable_median()->set_min_trials(5);
    if (stopping.has_median() && stopping.median().min_step() == 0)
      stopping.mutable_median()->set_min_step(1);
    if (stopping.has_asha() && stopping.asha().min_step() == 0) stopping.mutable_asha()->set_min_step(1);
    if (stopping.has_asha() && stopping.asha().reduction_factor() == 0) {
      stopping.mutable_asha()->set_reduction_factor(3);
    }
  } else {
    spec.clear_early_stopping();
  }
  return spec;
}

std::string TestSetObjective(const std::string& metric) {
  const std::vector<std::string> words =
      absl::StrSplit(absl::AsciiStrToLower(metric), absl::ByAnyChar("_-./ "));
  if (std::find(words.begin(), words.end(), "test") == words.end()) return "";
  return absl::StrCat(
      "objective.metric '", metric,
      "' is a test-set metric: selecting on it leaks the test set into the choice, so the best "
      "trial's test score overstates what it will do on new data; select on a dev (validation) "
      "metric and record the test one under `metrics:`");
}

}  // namespace hyperlab
