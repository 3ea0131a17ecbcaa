#include "lab/study_comparison.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lab/trial_fields.h"
#include "proto/outcomes.h"

namespace hyperlab::lab {
namespace {

bool Ended(const v1::Trial& t) {
  return t.end_unix_ms() > 0 && (t.state() == v1::Trial::SUCCEEDED || t.state() == v1::Trial::FAILED ||
                                 t.state() == v1::Trial::STOPPED || t.state() == v1::Trial::INFEASIBLE);
}

class Summarizer {
 public:
  Summarizer(const StudyTrials& s, const std::string& metric, bool maximize)
      : study_(s), metric_(metric), maximize_(maximize) {}

  bool Better(double a, double b) const { return maximize_ ? a > b : a < b; }
  bool Reaches(double value, double target) const { return maximize_ ? value >= target : value <= target; }

  // The objective of a succeeded trial; nullopt for other trials and NaN.
  std::optional<double> Objective(const v1::Trial& t) const {
    if (t.state() != v1::Trial::SUCCEEDED) return std::nullopt;
    auto it = t.metrics().find(metric_);
    if (it == t.metrics().end() || std::isnan(it->second)) return std::nullopt;
    return it->second;
  }

  StudySummary Summarize() {
    StudySummary out;
    const v1::Study& study = study_.study;
    out.name = study.spec().name();
    out.id = study.id();
    out.state = v1::Study::State_Name(study.state());

    std::vector<const v1::Trial*> by_id;
    for (const v1::Trial& t : study_.trials) by_id.push_back(&t);
    std::sort(by_id.begin(), by_id.end(), [](auto* a, auto* b) { return a->id() < b->id(); });
    std::vector<double> values;
    int64_t first_start = 0, last_end = 0;
    for (const v1::Trial* t : by_id) {
      ++out.total;
      switch (t->state()) {
        case v1::Trial::SUCCEEDED:
          ++out.succeeded;
          if (t->has_reused_from()) ++out.reused;
          break;
        case v1::Trial::FAILED:
          ++out.failed;
          break;
        case v1::Trial::STOPPED:
          ++out.stopped;
          break;
        case v1::Trial::INFEASIBLE:
          ++out.infeasible;
          break;
        case v1::Trial::CANCELLED:
          ++out.cancelled;
          break;
        default:
          ++out.unfinished;
      }
      if (std::optional<double> v = Objective(*t)) {
        values.push_back(*v);
        // Strictly better: on ties the earliest trial stays best, as the coordinator reports it.
        if (!out.best_value || Better(*v, *out.best_value)) {
          out.best_value = *v;
          out.best_trial = t->id();
          out.best_parameters.assign(t->parameters().begin(), t->parameters().end());
        }
      }
      if (t->start_unix_ms() > 0 && (first_start == 0 || t->start_unix_ms() < first_start))
        first_start = t->start_unix_ms();
      last_end = std::max(last_end, t->end_unix_ms());
      if (Ended(*t)) ended_.push_back(t);
    }
    std::stable_sort(ended_.begin(), ended_.end(),
                     [](auto* a, auto* b) { return a->end_unix_ms() < b->end_unix_ms(); });
    first_start_ = first_start;
    out.objective = DistributionOf(std::move(values));
    if (first_start > 0 && last_end >= first_start) out.wall_seconds = (last_end - first_start) / 1000.0;
    if (out.best_value) out.seconds_to_best = Reach(*out.best_value).second;
    return out;
  }

  // Trials ended and seconds elapsed when the objective first reached `target`; nullopt when it never did.
  std::pair<std::optional<int>, std::optional<double>> Reach(double target) const {
    int count = 0;
    for (const v1::Trial* t : ended_) {
      ++count;
      std::optional<double> v = Objective(*t);
      if (!v || !Reaches(*v, target)) continue;
      std::optional<double> seconds;
      if (first_start_ > 0) seconds = std::max<int64_t>(0, t->end_unix_ms() - first_start_) / 1000.0;
      return {count, seconds};
    }
    return {std::nullopt, std::nullopt};
  }

 private:
  const StudyTrials& study_;
  const std::string& metric_;
  const bool maximize_;
  std::vector<const v1::Trial*> ended_;  // In the order they ended.
  int64_t first_start_ = 0;
};

std::string GoalWord(v1::Objective::Goal goal) {
  return absl::AsciiStrToLower(v1::Objective::Goal_Name(goal));
}

Value Optional(const std::optional<double>& v) { return v ? Value(*v) : Value(); }
Value Optional(const std::optional<int>& v) { return v ? Value(static_cast<int64_t>(*v)) : Value(); }

nlohmann::ordered_json Json(const Value& v) { return ToJson(v); }

}  // namespace

std::optional<Distribution> DistributionOf(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  // Linear interpolation between the order statistics around position p * (n - 1).
  auto quantile = [&](double p) {
    const double position = p * (values.size() - 1);
    const size_t below = static_cast<size_t>(std::floor(position));
    const size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (position - below) * (values[above] - values[below]);
  };
  Distribution d;
  d.count = static_cast<int>(values.size());
  d.min = values.front();
  d.q1 = quantile(0.25);
  d.median = quantile(0.5);
  d.q3 = quantile(0.75);
  d.max = values.back();
  d.mean = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
  return d;
}

absl::StatusOr<Comparison> CompareStudies(const std::vector<StudyTrials>& studies,
                                          std::optional<double> target) {
  if (studies.empty()) return absl::InvalidArgumentError("study compare: no study given");
  const v1::Objective& first = PrimaryObjective(studies[0].study.spec());
  for (const StudyTrials& s : studies) {
    const v1::Objective& o = PrimaryObjective(s.study.spec());
    if (o.metric() != first.metric() || o.goal() != first.goal()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "study compare: '", studies[0].study.spec().name(), "' ", GoalWord(first.goal()), "s ",
          first.metric(), " but '", s.study.spec().name(), "' ", GoalWord(o.goal()), "s ", o.metric(),
          "; only studies with the same objective can be compared (their values and a common target would "
          "mean different things)"));
    }
  }
  Comparison out;
  out.metric = first.metric();
  out.goal = first.goal();
  const bool maximize = first.goal() == v1::Objective::MAXIMIZE;
  std::vector<Summarizer> summarizers;
  summarizers.reserve(studies.size());
  for (const StudyTrials& s : studies) {
    summarizers.emplace_back(s, out.metric, maximize);
    out.studies.push_back(summarizers.back().Summarize());
  }
  out.target_given = target.has_value();
  out.target = target;
  if (!target) {
    // The worst of the best values: every study with a best value reaches it.
    for (const StudySummary& s : out.studies) {
      if (s.best_value &&
          (!out.target || (maximize ? *s.best_value < *out.target : *s.best_value > *out.target)))
        out.target = s.best_value;
    }
  }
  if (out.target) {
    for (size_t i = 0; i < studies.size(); ++i) {
      std::tie(out.studies[i].trials_to_target, out.studies[i].seconds_to_target) =
          summarizers[i].Reach(*out.target);
    }
  }
  return out;
}

Table ComparisonTable(const Comparison& c) {
  Table table;
  table.header.push_back("study");
  for (const StudySummary& s : c.studies) table.header.push_back(s.name);
  auto row = [&](const std::string& label, auto cell) {
    std::vector<Value> r = {label};
    for (const StudySummary& s : c.studies) r.push_back(cell(s));
    table.rows.push_back(std::move(r));
  };
  auto count = [](int n) { return Value(static_cast<int64_t>(n)); };
  const std::string objective = absl::StrCat(GoalWord(c.goal), " ", c.metric);
  std::string target;
  if (c.target) {
    target =
        absl::StrCat(c.metric, c.goal == v1::Objective::MAXIMIZE ? " >= " : " <= ", ShortText(*c.target));
  }
  row("objective", [&](const StudySummary&) { return Value(objective); });
  row("state", [](const StudySummary& s) { return Value(s.state); });
  row("trials", [&](const StudySummary& s) { return count(s.total); });
  row("  succeeded", [&](const StudySummary& s) { return count(s.succeeded); });
  row("  reused", [&](const StudySummary& s) { return count(s.reused); });
  row("  failed", [&](const StudySummary& s) { return count(s.failed); });
  row("  stopped", [&](const StudySummary& s) { return count(s.stopped); });
  row("  infeasible", [&](const StudySummary& s) { return count(s.infeasible); });
  row("  cancelled", [&](const StudySummary& s) { return count(s.cancelled); });
  row("  unfinished", [&](const StudySummary& s) { return count(s.unfinished); });
  row("best value", [](const StudySummary& s) { return Optional(s.best_value); });
  row("best trial", [](const StudySummary& s) { return s.best_value ? Value(s.best_trial) : Value(); });
  row("best parameters", [](const StudySummary& s) {
    return s.best_value
               ? Value(absl::StrJoin(s.best_parameters, " ",
                                     [](std::string* out, const v1::Parameter& p) {
                                       absl::StrAppend(out, p.name(), "=", ShortText(ValueOf(p.value())));
                                     }))
               : Value();
  });
  auto stat = [&](const char* name, double Distribution::*member) {
    row(absl::StrCat(c.metric, " ", name),
        [&](const StudySummary& s) { return s.objective ? Value(s.objective.value().*member) : Value(); });
  };
  row(absl::StrCat(c.metric, " count"),
      [&](const StudySummary& s) { return count(s.objective ? s.objective->count : 0); });
  stat("min", &Distribution::min);
  stat("q1", &Distribution::q1);
  stat("median", &Distribution::median);
  stat("q3", &Distribution::q3);
  stat("max", &Distribution::max);
  stat("mean", &Distribution::mean);
  row("seconds to best", [](const StudySummary& s) { return Optional(s.seconds_to_best); });
  // Where the target came from, in the label: the cells stay short.
  row(c.target_given ? "target" : "target (worst best)",
      [&](const StudySummary&) { return c.target ? Value(target) : Value(); });
  row("trials to target", [&](const StudySummary& s) {
    if (!c.target) return Value();
    return s.trials_to_target ? Value(static_cast<int64_t>(*s.trials_to_target)) : Value("not reached");
  });
  row("seconds to target", [](const StudySummary& s) { return Optional(s.seconds_to_target); });
  row("wall seconds", [](const StudySummary& s) { return Optional(s.wall_seconds); });
  return table;
}

nlohmann::ordered_json ComparisonJson(const Comparison& c) {
  nlohmann::ordered_json out;
  out["objective"] = {{"metric", c.metric}, {"goal", v1::Objective::Goal_Name(c.goal)}};
  out["target"] = {{"value", Json(Optional(c.target))}, {"given", c.target_given}};
  out["studies"] = nlohmann::ordered_json::array();
  for (const StudySummary& s : c.studies) {
    nlohmann::ordered_json j;
    j["name"] = s.name;
    j["id"] = s.id;
    j["state"] = s.state;
    j["trials"] = {{"total", s.total},         {"succeeded", s.succeeded},  {"reused", s.reused},
                   {"failed", s.failed},       {"stopped", s.stopped},      {"infeasible", s.infeasible},
                   {"cancelled", s.cancelled}, {"unfinished", s.unfinished}};
    if (s.best_value) {
      nlohmann::ordered_json parameters = nlohmann::ordered_json::object();
      for (const v1::Parameter& p : s.best_parameters) parameters[p.name()] = ToJson(ValueOf(p.value()));
      j["best"] = {{"value", Json(*s.best_value)}, {"trial", s.best_trial}, {"parameters", parameters}};
    } else {
      j["best"] = nullptr;
    }
    if (s.objective) {
      const Distribution& d = *s.objective;
      j["objective_distribution"] = {{"count", d.count},         {"min", Json(d.min)}, {"q1", Json(d.q1)},
                                     {"median", Json(d.median)}, {"q3", Json(d.q3)},   {"max", Json(d.max)},
                                     {"mean", Json(d.mean)}};
    } else {
      j["objective_distribution"] = nullptr;
    }
    j["seconds_to_best"] = Json(Optional(s.seconds_to_best));
    j["target"] = {{"reached", s.trials_to_target.has_value()},
                   {"trials", Json(Optional(s.trials_to_target))},
                   {"seconds", Json(Optional(s.seconds_to_target))}};
    j["wall_seconds"] = Json(Optional(s.wall_seconds));
    out["studies"].push_back(std::move(j));
  }
  return out;
}

}  // namespace hyperlab::lab
