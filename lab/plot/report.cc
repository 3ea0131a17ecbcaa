#include "lab/plot/report.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/json_util.h"
#include "lab/plot/axis.h"
#include "lab/plot/metric_analysis.h"
#include "lab/plot/plots.h"
#include "lab/plot/surrogate.h"
#include "lab/plot/svg.h"
#include "nlohmann/json.hpp"
#include "proto/outcomes.h"

namespace hyperlab::plot {
namespace {

std::string Esc(absl::string_view text) { return EscapeXml(text); }

// A column header that may wrap after its underscores ("train_<wbr>accuracy"), so wide tables fit.
std::string Header(absl::string_view name) { return absl::StrReplaceAll(Esc(name), {{"_", "_<wbr>"}}); }

std::string Date(int64_t unix_ms) {
  if (unix_ms <= 0) return "";
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string Duration(double seconds) {
  if (!(seconds >= 0)) return "";
  if (seconds < 0.1) return "< 0.1 s";
  if (seconds < 10) return absl::StrFormat("%.1f s", seconds);
  if (seconds < 90) return absl::StrFormat("%.0f s", seconds);
  if (seconds < 5400) return absl::StrFormat("%.1f min", seconds / 60);
  return absl::StrFormat("%.1f h", seconds / 3600);
}

std::string Percent(std::optional<double> v) {
  return v ? absl::StrFormat("%.2f%%", *v * 100) : std::string("—");
}

// A difference of two error rates, in percentage points.
std::string Points(std::optional<double> v) {
  return v ? absl::StrFormat("%+.2f points", *v * 100) : std::string("—");
}

// The style sheet: system fonts, no external resources.
constexpr char kStyle[] = R"css(
:root { --ink:#1f2328; --muted:#59636e; --line:#d8dee4; --soft:#f6f8fa; --accent:#0072B2; --best:#D55E00; }
* { box-sizing: border-box; }
body { margin:0; background:#eceff3; color:var(--ink);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", Arial,
  sans-serif; }
main { max-width:1120px; margin:24px auto; background:#fff; padding:32px 44px 24px; border-radius:10px;
  box-shadow:0 1px 4px rgba(0,0,0,.08); }
header .kicker { color:var(--muted); font-size:13px; letter-spacing:.06em; text-transform:uppercase; }
h1 { font-size:30px; margin:2px 0 6px; }
h2 { font-size:20px; margin:38px 0 12px; padding-bottom:6px; border-bottom:1px solid var(--line); }
h3 { font-size:16px; margin:22px 0 8px; }
p { margin:8px 0; }
.meta { color:var(--muted); }
.tag { display:inline-block; background:var(--soft); border:1px solid var(--line); border-radius:10px;
  padding:0 8px; margin-right:4px; font-size:13px; }
blockquote { margin:10px 0; padding:12px 18px; border-left:4px solid var(--accent); background:#f2f7fb;
  border-radius:0 6px 6px 0; font-size:16px; }
blockquote.conclusion { border-left-color:var(--best); background:#fdf4ee; }
blockquote.empty { border-left-color:#aaa; background:var(--soft); color:var(--muted); font-style:italic; }
.cards { display:grid; grid-template-columns:repeat(4, 1fr); gap:12px; margin:14px 0; }
.card { border:1px solid var(--line); border-radius:8px; padding:10px 14px; }
.card .label { color:var(--muted); font-size:13px; }
.card .value { font-size:23px; font-weight:600; }
.card .detail { color:var(--muted); font-size:13px; }
.states span { display:inline-block; margin:2px 6px 2px 0; padding:2px 10px; border-radius:12px;
  font-size:13px;
  background:var(--soft); border:1px solid var(--line); }
.states .succeeded { background:#e3f3ec; border-color:#9fd3bb; }
.states .failed, .states .infeasible { background:#eeeeee; border-color:#bbbbbb; }
.states .stopped { background:#fdf0dc; border-color:#f0c67a; }
.states .running, .states .pending { background:#e6f0f8; border-color:#9cc3e0; }
table { border-collapse:collapse; width:100%; font-size:14px; margin:8px 0; }
th, td { padding:5px 10px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
th { background:var(--soft); font-weight:600; white-space:nowrap; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
tr.best td { background:#fdf4ee; }
.wide { overflow-x:auto; }
table.trials { font-size:13px; }
table.trials th { white-space:normal; vertical-align:bottom; }
table.kv { width:auto; min-width:50%; }
.two table.kv { width:100%; }
.digest code { word-break:break-all; }
table.kv th { background:none; color:var(--muted); font-weight:normal; }
.two { display:grid; grid-template-columns:1fr 1fr; gap:28px; }
figure { display:table; margin:18px auto 28px; }
figure svg { display:block; max-width:100%; height:auto; border:1px solid var(--line); border-radius:6px; }
figcaption { display:table-caption; caption-side:bottom; color:var(--muted); font-size:14px;
  padding:6px 4px 0; }
.missing { color:var(--muted); font-style:italic; background:var(--soft); padding:8px 12px;
  border-radius:6px; }
.caveat { color:#8a3700; background:#fff4e8; padding:8px 12px; border-radius:6px; margin:-12px auto 24px;
  max-width:760px; }
.diagnosis { background:#f2f7fb; padding:10px 14px; border-radius:6px; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size:13px; }
.notes li { margin:4px 0; }
footer { color:var(--muted); font-size:13px; margin-top:36px; border-top:1px solid var(--line);
  padding-top:10px; }
@media print { body { background:#fff; } main { box-shadow:none; margin:0; } }
)css";

// The parameter's kind and domain for people: ("real", "[0.0001, 0.1]"), ("categorical", "{adam, sgd}").
struct DomainDescription {
  const char* kind;
  std::string domain;
};

DomainDescription Describe(const v1::ParameterSpec& p) {
  switch (p.domain_case()) {
    case v1::ParameterSpec::kDoubleRange:
      return {"real", absl::StrCat("[", ShortNumber(p.double_range().min()), ", ",
                                   ShortNumber(p.double_range().max()), "]")};
    case v1::ParameterSpec::kInteger:
      return {"integer", absl::StrCat(p.integer().min(), " … ", p.integer().max())};
    case v1::ParameterSpec::kDiscrete: {
      std::vector<std::string> v;
      for (double d : p.discrete().values()) v.push_back(ShortNumber(d));
      return {"discrete", absl::StrCat("{", absl::StrJoin(v, ", "), "}")};
    }
    case v1::ParameterSpec::kCategorical:
      return {"categorical", absl::StrCat("{", absl::StrJoin(p.categorical().values(), ", "), "}")};
    default:
      return {"?", ""};
  }
}

std::string StrategyText(const v1::StudySpec& spec) {
  const v1::AlgorithmSpec& a = spec.algorithm();
  switch (a.kind_case()) {
    case v1::AlgorithmSpec::kGrid:
      return absl::StrCat("grid search, ",
                          a.grid().points_per_double() > 0 ? a.grid().points_per_double() : 5,
                          " points per real parameter");
    case v1::AlgorithmSpec::kBayesian:
      return absl::StrCat(
          "Bayesian optimisation (Gaussian process, Matérn-5/2), seed ", a.bayesian().seed(), ", ",
          a.bayesian().initial_trials() > 0 ? absl::StrCat(a.bayesian().initial_trials())
                                            : std::string("default"),
          " quasi-random initial trials, acquisition ",
          a.bayesian().ucb_beta() > 0 ? absl::StrCat("UCB (beta ", a.bayesian().ucb_beta(), ")")
                                      : std::string("log expected improvement"));
    case v1::AlgorithmSpec::kRandom:
      return absl::StrCat("random search, seed ", a.random().seed());
    case v1::AlgorithmSpec::kQuasiRandom:
      return absl::StrCat("quasi-random search (scrambled Halton), seed ", a.quasi_random().seed());
    case v1::AlgorithmSpec::kCmaes:
      return absl::StrCat("CMA-ES with IPOP restarts, seed ", a.cmaes().seed());
    default:
      return "random search";
  }
}

std::string EarlyStoppingText(const v1::StudySpec& spec) {
  const v1::EarlyStopping& e = spec.early_stopping();
  const std::string metric = e.metric().empty() ? PrimaryObjective(spec).metric() : e.metric();
  if (e.has_median()) {
    return absl::StrCat("median rule on ", metric, " (after ", e.median().min_trials(),
                        " completed trials, from step ", e.median().min_step(), ")");
  }
  if (e.has_asha()) {
    return absl::StrCat("ASHA on ", metric, " (first rung at step ", e.asha().min_step(),
                        ", reduction factor ", e.asha().reduction_factor(), ")");
  }
  return "none (every trial runs to its end)";
}

// "a.b = value" rows of a JSON object, nested objects flattened, in key order.
void Flatten(const nlohmann::json& j, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      Flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
    }
    return;
  }
  out.emplace_back(prefix, j.is_string() ? j.get<std::string>() : j.dump());
}

std::string KeyValueTable(const std::vector<std::pair<std::string, std::string>>& rows, bool mono_values) {
  std::string out = "<table class=\"kv\">\n";
  for (const auto& [k, v] : rows) {
    absl::StrAppend(&out, "<tr><th>", Esc(k), "</th><td", mono_values ? " class=\"mono\"" : "", ">", Esc(v),
                    "</td></tr>\n");
  }
  return out + "</table>\n";
}

// The task as written in the study file: its kind, then its fields ("data.name = fashion-mnist").
// Long lists of settings in two columns side by side, so they fit a screen.
std::string KeyValueColumns(const std::vector<std::pair<std::string, std::string>>& rows) {
  if (rows.size() < 8) return KeyValueTable(rows, true);
  const size_t half = (rows.size() + 1) / 2;
  return absl::StrCat("<div class=\"two\">\n<div>\n",
                      KeyValueTable({rows.begin(), rows.begin() + half}, true), "</div>\n<div>\n",
                      KeyValueTable({rows.begin() + half, rows.end()}, true), "</div>\n</div>\n");
}

std::string TaskTable(const v1::TaskSpec& task) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(task, &json, options).ok()) return "";
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.empty()) return "<p class=\"missing\">No task in the spec.</p>\n";
  std::vector<std::pair<std::string, std::string>> rows = {{"kind", j.begin().key()}};
  Flatten(j.begin().value(), "", rows);
  return KeyValueTable(rows, true);
}

// A plot as a figure with a caption, or a sentence saying why it is missing.
std::string Figure(absl::StatusOr<std::string> svg, const std::string& caption, const std::string& what) {
  if (!svg.ok()) {
    return absl::StrCat("<p class=\"missing\">", Esc(what), ": not available — ", Esc(svg.status().message()),
                        ".</p>\n");
  }
  // Inline SVG in HTML needs no namespace declaration; leaving it out keeps the file free of URLs.
  std::string inline_svg = absl::StrReplaceAll(*svg, {{" xmlns=\"http://www.w3.org/2000/svg\"", ""}});
  return absl::StrCat("<figure>\n", inline_svg, "<figcaption>", Esc(caption), "</figcaption>\n</figure>\n");
}

// Metrics worth a column in the best-trials table: the spec's own list, else common trainer metrics.
std::vector<std::string> TableMetrics(const StudyData& data) {
  const std::vector<std::string> reported = FinalMetricNames(data);
  auto has = [&](const std::string& m) {
    return std::find(reported.begin(), reported.end(), m) != reported.end();
  };
  std::vector<std::string> out;
  const std::string& objective = ObjectiveMetric(data.study);
  for (const std::string& m : data.study.spec().metrics()) {
    if (m != objective && has(m) && out.size() < 7) out.push_back(m);
  }
  if (out.empty()) {
    for (const char* m :
         {"test_accuracy", "dev_accuracy", "train_accuracy", "f1", "epochs_run", "runtime_seconds"}) {
      if (m != objective && has(m)) out.push_back(m);
    }
  }
  if (has("runtime_seconds") && std::find(out.begin(), out.end(), "runtime_seconds") == out.end()) {
    out.push_back("runtime_seconds");
  }
  return out;
}

std::string MetricCell(const v1::Trial& t, const std::string& metric) {
  const std::optional<double> v = MetricValue(t, metric);
  if (!v) return "<td class=\"num\">—</td>";
  return absl::StrCat("<td class=\"num\">", Esc(ShortNumber(*v)), "</td>");
}

std::string BestTrialsTable(const StudyData& data, int limit) {
  const std::string& objective = ObjectiveMetric(data.study);
  std::vector<const v1::TrialWithMeasurements*> ranked = RankedTrials(data, objective, Maximize(data.study));
  if (ranked.empty()) return "<p class=\"missing\">No trial has succeeded yet.</p>\n";
  if (static_cast<int>(ranked.size()) > limit) ranked.resize(limit);
  const std::vector<std::string> metrics = TableMetrics(data);
  std::string out =
      "<div class=\"wide\">\n<table class=\"trials\">\n<tr><th class=\"num\">rank</th><th "
      "class=\"num\">trial</th>";
  const std::vector<const v1::ParameterSpec*> params = StudyParameters(data.study);  // Conditional too.
  for (const v1::ParameterSpec* p : params) absl::StrAppend(&out, "<th>", Header(p->name()), "</th>");
  absl::StrAppend(&out, "<th class=\"num\">", Header(objective), Maximize(data.study) ? " (max)" : " (min)",
                  "</th>");
  for (const std::string& m : metrics) absl::StrAppend(&out, "<th class=\"num\">", Header(m), "</th>");
  out += "</tr>\n";
  for (size_t i = 0; i < ranked.size(); ++i) {
    const v1::Trial& t = ranked[i]->trial();
    absl::StrAppend(&out, i == 0 ? "<tr class=\"best\">" : "<tr>", "<td class=\"num\">", i + 1,
                    "</td><td class=\"num\">", t.id(),
                    t.has_reused_from()
                        ? absl::StrCat(" <span class=\"meta\">(reused ", Esc(t.reused_from().study_name()),
                                       "/", t.reused_from().trial_id(), ")</span>")
                        : "",
                    "</td>");
    for (const v1::ParameterSpec* p : params) {
      const v1::ParameterValue* v = ParameterValueOf(t, p->name());
      absl::StrAppend(&out, "<td>", v == nullptr ? "—" : Esc(ValueString(*v)), "</td>");
    }
    absl::StrAppend(&out, "<td class=\"num\"><b>", Esc(ShortNumber(*MetricValue(t, objective))), "</b></td>");
    for (const std::string& m : metrics) out += MetricCell(t, m);
    out += "</tr>\n";
  }
  return out + "</table>\n</div>\n";
}

std::string AnalysisSection(const v1::Study& study, const v1::Trial* best) {
  if (best == nullptr) return "<p class=\"missing\">No trial has succeeded yet.</p>\n";
  const MetricAnalysis a = AnalyseTrial(study, *best);
  if (!a.train_error && !a.dev_error && !a.test_error) {
    return absl::StrCat(
        "<p class=\"missing\">Trial ", best->id(),
        " reports no train, dev or test accuracy or error, so there is nothing to analyse.</p>\n");
  }
  auto row = [](const std::string& name, const std::string& value, const std::string& how) {
    return absl::StrCat("<tr><td>", Esc(name), "</td><td class=\"num\">", Esc(value),
                        "</td><td class=\"meta\">", Esc(how), "</td></tr>\n");
  };
  std::string out =
      absl::StrCat("<p>Trial ", best->id(), ", the best by ", Esc(PrimaryObjective(study.spec()).metric()),
                   ".</p>\n<table class=\"kv\">\n<tr><th>quantity</th><th class=\"num\">value</th>"
                   "<th>how</th></tr>\n");
  out += row("human-level error", a.human_level_error ? Percent(a.human_level_error) : "not set",
             a.human_level_error ? "from the study" : "task.train.human_level_error is not set");
  out += row("train error", Percent(a.train_error), "1 - train accuracy");
  out += row("dev error", Percent(a.dev_error), "1 - dev accuracy");
  out += row("test error", Percent(a.test_error), "1 - test accuracy");
  out += row("avoidable bias", a.avoidable_bias ? Points(a.avoidable_bias) : "not set",
             "train error - human-level error");
  out += row("variance", Points(a.variance), "dev error - train error");
  out += row("dev overfitting", Points(a.dev_overfit), "test error - dev error");
  out += "</table>\n";
  const std::string diagnosis = Diagnosis(a);
  if (!diagnosis.empty()) absl::StrAppend(&out, "<p class=\"diagnosis\">", Esc(diagnosis), "</p>\n");
  return out;
}

std::string ReproduceSection(const v1::Trial* best) {
  if (best == nullptr) return "<p class=\"missing\">No trial has succeeded yet.</p>\n";
  std::vector<std::pair<std::string, std::string>> rows = {{"trial", absl::StrCat(best->id())},
                                                           {"parameters", ParameterSummary(*best)}};
  if (!best->worker_id().empty()) rows.push_back({"worker", best->worker_id()});
  if (best->start_unix_ms() > 0) rows.push_back({"started", Date(best->start_unix_ms())});
  if (best->end_unix_ms() > 0) rows.push_back({"ended", Date(best->end_unix_ms())});
  if (auto r = MetricValue(*best, "runtime_seconds")) rows.push_back({"runtime", Duration(*r)});
  if (best->has_reused_from()) {
    rows.push_back(
        {"reused from", absl::StrCat(best->reused_from().study_name(), "/", best->reused_from().trial_id())});
  }
  if (!best->fingerprint().empty()) rows.push_back({"fingerprint", best->fingerprint()});
  auto digest = best->artifacts().find("data_digest");
  rows.push_back({"data digest", digest != best->artifacts().end() ? digest->second : "not recorded"});
  std::string out = KeyValueTable(rows, false);
  auto settings = best->artifacts().find("settings");
  if (settings == best->artifacts().end()) {
    return out + "<p class=\"missing\">The worker recorded no effective settings for this trial.</p>\n";
  }
  const nlohmann::json j = nlohmann::json::parse(settings->second, nullptr, /*allow_exceptions=*/false);
  std::vector<std::pair<std::string, std::string>> knobs;
  Flatten(j, "", knobs);
  absl::StrAppend(&out, "<h3>Effective settings (defaults included)</h3>\n", KeyValueColumns(knobs));
  return out;
}

std::string NotesSection(const StudyData& data) {
  std::string out;
  for (const auto& item : data.trials) {
    for (const v1::Note& n : item.trial().notes()) {
      absl::StrAppend(&out, "<li><b>trial ", item.trial().id(), "</b> <span class=\"meta\">",
                      Esc(Date(n.time_unix_ms())), "</span> — ", Esc(n.text()), "</li>\n");
    }
  }
  if (out.empty())
    return "<p class=\"missing\">No trial notes (add one with <code>hyperlab trial note S/T "
           "\"...\"</code>).</p>\n";
  return "<ul class=\"notes\">\n" + out + "</ul>\n";
}

std::string ProblemsSection(const StudyData& data) {
  std::string out;
  int shown = 0, more = 0;
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    if (t.state() != v1::Trial::FAILED && t.state() != v1::Trial::INFEASIBLE &&
        t.state() != v1::Trial::STOPPED) {
      continue;
    }
    if (shown++ >= 50) {
      ++more;
      continue;
    }
    absl::StrAppend(&out, "<tr><td class=\"num\">", t.id(), "</td><td>", StateName(t.state()), "</td><td>",
                    Esc(ParameterSummary(t)), "</td><td>", Esc(t.reason().empty() ? "—" : t.reason()),
                    "</td></tr>\n");
  }
  if (out.empty()) return "<p>None: every finished trial ran to its end.</p>\n";
  out = "<table>\n<tr><th class=\"num\">trial</th><th>state</th><th>parameters</th><th>reason</th></tr>\n" +
        out + "</table>\n";
  if (more > 0) absl::StrAppend(&out, "<p class=\"meta\">and ", more, " more.</p>\n");
  return out;
}

// What the trials add up to: how many are in each state, how many were reused, and the time they took.
struct TrialTotals {
  std::map<v1::Trial::State, int> counts;  // Only states that occur.
  int reused = 0;
  double compute_s = 0;  // Summed runtime of the trials that ran here (not reused).
  int64_t first_start = 0, last_end = 0;

  int Count(v1::Trial::State s) const {
    auto it = counts.find(s);
    return it == counts.end() ? 0 : it->second;
  }
};

TrialTotals Totals(const StudyData& data) {
  TrialTotals out;
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    ++out.counts[t.state()];
    out.reused += t.has_reused_from() ? 1 : 0;
    if (auto r = MetricValue(t, "runtime_seconds"); r && !t.has_reused_from()) out.compute_s += *r;
    if (t.start_unix_ms() > 0 && (out.first_start == 0 || t.start_unix_ms() < out.first_start))
      out.first_start = t.start_unix_ms();
    out.last_end = std::max(out.last_end, t.end_unix_ms());
  }
  return out;
}

// The document up to the opening <main>: the title and the style sheet.
std::string HtmlHead(const v1::StudySpec& spec) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
      Esc(spec.name()), " — Hyperlab study report</title>\n<style>", kStyle,
      "</style>\n</head>\n<body>\n<main>\n");
}

// The study's name, state and dates, and its tags.
std::string HeaderSection(const v1::Study& study) {
  const v1::StudySpec& spec = study.spec();
  std::string h;
  absl::StrAppend(&h, "<header>\n<div class=\"kicker\">Hyperlab study report</div>\n<h1>", Esc(spec.name()),
                  "</h1>\n<p class=\"meta\">study ", study.id(), " · ",
                  Esc(absl::AsciiStrToLower(v1::Study::State_Name(study.state()))),
                  study.reason().empty() ? "" : absl::StrCat(" (", Esc(study.reason()), ")"),
                  study.create_unix_ms() > 0 ? absl::StrCat(" · created ", Date(study.create_unix_ms())) : "",
                  study.end_unix_ms() > 0 ? absl::StrCat(" · ended ", Date(study.end_unix_ms())) : "",
                  "</p>\n");
  if (!spec.tags().empty()) {
    h += "<p>";
    for (const std::string& tag : spec.tags())
      absl::StrAppend(&h, "<span class=\"tag\">", Esc(tag), "</span>");
    h += "</p>\n";
  }
  h += "</header>\n";
  return h;
}

// The hypothesis stated in the spec and the conclusion recorded at the end, or a note that there is none.
std::string HypothesisAndConclusion(const v1::Study& study) {
  const v1::StudySpec& spec = study.spec();
  std::string h;
  absl::StrAppend(&h, "<section id=\"hypothesis\">\n<h2>Hypothesis</h2>\n",
                  spec.hypothesis().empty()
                      ? "<blockquote class=\"empty\">No hypothesis was stated.</blockquote>\n"
                      : absl::StrCat("<blockquote>", Esc(spec.hypothesis()), "</blockquote>\n"),
                  "</section>\n");
  absl::StrAppend(
      &h, "<section id=\"conclusion\">\n<h2>Conclusion</h2>\n",
      study.conclusion().empty()
          ? "<blockquote class=\"empty\">No conclusion recorded yet (write one with <code>hyperlab study "
            "conclude S \"...\"</code>).</blockquote>\n"
          : absl::StrCat(
                "<blockquote class=\"conclusion\">", Esc(study.conclusion()),
                study.conclusion_unix_ms() > 0
                    ? absl::StrCat("<br><span class=\"meta\">— ", Date(study.conclusion_unix_ms()), "</span>")
                    : "",
                "</blockquote>\n"),
      "</section>\n");
  return h;
}

// At a glance: the best value, trials finished, compute and wall-clock time, and the trials by state.
std::string SummarySection(const StudyData& data, const TrialTotals& totals, const v1::Trial* best) {
  const v1::Study& study = data.study;
  const std::string& objective = ObjectiveMetric(study);
  const int finished = static_cast<int>(data.trials.size()) - totals.Count(v1::Trial::PENDING) -
                       totals.Count(v1::Trial::RUNNING);
  const int planned =
      study.planned_trials() > 0 ? study.planned_trials() : study.spec().budget().max_trials();
  std::string h;
  absl::StrAppend(&h, "<section id=\"summary\">\n<h2>At a glance</h2>\n<div class=\"cards\">\n");
  absl::StrAppend(
      &h, "<div class=\"card\"><div class=\"label\">best ", Esc(objective), "</div><div class=\"value\">",
      best ? Esc(ShortNumber(*MetricValue(*best, objective))) : "—", "</div><div class=\"detail\">",
      best ? absl::StrCat("trial ", best->id(), ", ", Maximize(study) ? "maximised" : "minimised")
           : "no trial succeeded yet",
      "</div></div>\n");
  absl::StrAppend(&h, "<div class=\"card\"><div class=\"label\">trials finished</div><div class=\"value\">",
                  finished, " / ", planned, "</div><div class=\"detail\">",
                  totals.Count(v1::Trial::SUCCEEDED), " succeeded",
                  totals.reused > 0 ? absl::StrCat(" (", totals.reused, " reused)") : "", "</div></div>\n");
  absl::StrAppend(&h, "<div class=\"card\"><div class=\"label\">compute time</div><div class=\"value\">",
                  totals.compute_s > 0 ? Duration(totals.compute_s) : "—",
                  "</div><div class=\"detail\">summed over trials</div></div>\n");
  absl::StrAppend(&h, "<div class=\"card\"><div class=\"label\">wall-clock time</div><div class=\"value\">",
                  totals.first_start > 0 && totals.last_end > totals.first_start
                      ? Duration((totals.last_end - totals.first_start) / 1000.0)
                      : "—",
                  "</div><div class=\"detail\">first start to last end</div></div>\n</div>\n");
  h += "<p class=\"states\">";
  for (const auto& [state, n] : totals.counts) {
    absl::StrAppend(&h, "<span class=\"", StateName(state), "\">", StateName(state), " ", n, "</span>");
  }
  if (totals.counts.empty()) h += "<span>no trials yet</span>";
  h += "</p>\n</section>\n";
  return h;
}

// The design's left column: the dependent variable, the budget and the search strategy.
std::string DependentVariableAndBudget(const v1::Study& study) {
  const v1::StudySpec& spec = study.spec();
  std::string h;
  absl::StrAppend(&h, "<h3>Dependent variable</h3>\n<p>", Maximize(study) ? "Maximise" : "Minimise", " <b>",
                  Esc(ObjectiveMetric(study)), "</b>",
                  spec.metrics().empty()
                      ? ""
                      : absl::StrCat("; also recorded: ", Esc(absl::StrJoin(spec.metrics(), ", "))),
                  ".</p>\n<h3>Budget and strategy</h3>\n");
  std::vector<std::pair<std::string, std::string>> budget = {
      {"strategy", StrategyText(spec)},
      {"trials", absl::StrCat(spec.budget().max_trials())},
      {"in parallel", absl::StrCat(std::max(1, spec.budget().max_parallel()))},
      {"failures tolerated",
       spec.budget().max_failed() > 0 ? absl::StrCat(spec.budget().max_failed()) : "no limit"},
      {"early stopping", EarlyStoppingText(spec)}};
  if (!spec.warm_start().studies().empty()) {
    budget.push_back({"warm start from", absl::StrJoin(spec.warm_start().studies(), ", ")});
  }
  absl::StrAppend(&h, KeyValueTable(budget, false));
  return h;
}

// The design's right column: the parameters with their domains, the task and the data files' digest.
std::string IndependentVariablesAndTask(const v1::Study& study) {
  const v1::StudySpec& spec = study.spec();
  std::string h =
      "<h3>Independent variables</h3>\n<table>\n"
      "<tr><th>parameter</th><th>kind</th><th>domain</th><th>scale</th></tr>\n";
  for (const v1::ParameterSpec* each : StudyParameters(study)) {  // Conditional ones after their parents.
    const v1::ParameterSpec& p = *each;
    const DomainDescription d = Describe(p);
    const std::string when = ExistsWhen(study, p);
    absl::StrAppend(&h, "<tr><td><b>", Esc(p.name()), "</b>",
                    when.empty() ? "" : absl::StrCat(" <span class=\"meta\">when ", Esc(when), "</span>"),
                    "</td><td>", d.kind, "</td><td class=\"mono\">", Esc(d.domain), "</td><td>",
                    IsLogScale(p) ? "log" : (IsCategorical(p) ? "—" : "linear"), "</td></tr>\n");
  }
  absl::StrAppend(&h, "</table>\n<h3>Task</h3>\n", TaskTable(spec.task()));
  if (!study.data_digest().empty()) {
    absl::StrAppend(&h, "<p class=\"meta digest\">Data files (SHA-256): <code>", Esc(study.data_digest()),
                    "</code></p>\n");
  }
  return h;
}

std::string DesignSection(const v1::Study& study) {
  return absl::StrCat(
      "<section id=\"design\">\n<h2>Design of the experiment</h2>\n<div class=\"two\">\n<div>\n",
      DependentVariableAndBudget(study), "</div>\n<div>\n", IndependentVariablesAndTask(study),
      "</div>\n</div>\n</section>\n");
}

// The plots of the search: history, importance (with a caveat when from few trials), slices, parallel
// coordinates and, with two parameters or more, the contour of the first two.
std::string SearchPlots(const StudyData& data) {
  const v1::StudySpec& spec = data.study.spec();
  const std::string& objective = ObjectiveMetric(data.study);
  std::string h;
  if (spec.objectives_size() >= 2) {  // Several objectives: the trade-off first.
    absl::StrAppend(
        &h, Figure(ParetoPlot(data, {}),
                   "The trials over the first two objectives; the feasible Pareto front (no other feasible "
                   "trial is as good on every objective and better on one) highlighted and joined. The "
                   "plots below show the first objective.",
                   "Pareto front"));
  }
  absl::StrAppend(
      &h, Figure(HistoryPlot(data, {}),
                 "Each trial's objective in the order the searcher proposed it, and the best so far. A "
                 "line that keeps stepping means the search was still finding better settings.",
                 "History"));
  absl::StrAppend(
      &h, Figure(ImportancePlot(data, {}),
                 "How much of the objective's variation each parameter explains on its own (functional "
                 "ANOVA of a Gaussian-process fit). Long bars are the variables worth the next study.",
                 "Importance"));
  int with_value = 0;
  for (const auto& item : data.trials) {
    with_value += item.trial().state() == v1::Trial::SUCCEEDED && MetricValue(item.trial(), objective);
  }
  if (with_value >= Surrogate::kMinTrials && with_value < kImportanceFewTrials) {
    absl::StrAppend(&h, "<p class=\"caveat\">", Esc(ImportanceCaveat(with_value)), "</p>\n");
  }
  absl::StrAppend(
      &h, Figure(SlicePlot(data, {}),
                 "The objective against one parameter at a time; the other parameters vary. Log axes for "
                 "log-scale parameters; for categories, the bar is the mean.",
                 "Slices"));
  absl::StrAppend(
      &h, Figure(ParallelPlot(data, {}),
                 "Every trial as one line through its parameter values to its objective (on the right), "
                 "coloured by the objective, brighter is better; failed trials in grey. Bundles of bright "
                 "lines show the settings that go together.",
                 "Parallel coordinates"));
  if (spec.parameters_size() >= 2) {
    absl::StrAppend(
        &h, Figure(ContourPlot(data, {}),
                   absl::StrCat("The objective over ", spec.parameters(0).name(), " and ",
                                spec.parameters(1).name(),
                                " as the Gaussian process sees it; the dots are the trials it rests on."),
                   "Contour"));
  }
  return h;
}

// The plots of training: learning curves when trials reported measurements, and the best trial's
// confusion matrix when a trial recorded one.
std::string TrainingPlots(const StudyData& data) {
  std::string h;
  const std::vector<std::string> measured = MeasurementMetricNames(data);
  auto measures = [&](const char* m) {
    return std::find(measured.begin(), measured.end(), m) != measured.end();
  };
  if (!measured.empty()) {
    absl::StrAppend(
        &h, Figure(CurvesPlot(data, {.metric = "loss"}),
                   "Training and dev loss per epoch of the best trials. The dev curve turning up while the "
                   "training curve keeps falling is overfitting.",
                   "Learning curves"));
    if (measures("dev_accuracy")) {
      absl::StrAppend(&h,
                      Figure(CurvesPlot(data, {.metric = "accuracy"}),
                             "Training and dev accuracy per epoch of the best trials.", "Accuracy curves"));
    }
  } else {
    h += "<p class=\"missing\">Learning curves: not available — no trial reported intermediate "
         "measurements.</p>\n";
  }
  bool any_matrix = false;
  for (const auto& item : data.trials) any_matrix |= item.trial().artifacts().contains("confusion_matrix");
  if (any_matrix) {
    absl::StrAppend(
        &h, Figure(ConfusionPlot(data, {}),
                   "The best trial's confusion matrix on the test set: rows are the true classes, columns "
                   "the predicted ones; the diagonal is what it got right.",
                   "Confusion matrix"));
  }
  return h;
}

}  // namespace

std::string RenderReport(const StudyData& data, const ReportOptions& options) {
  const v1::Study& study = data.study;
  const std::string& objective = ObjectiveMetric(study);
  const std::vector<const v1::TrialWithMeasurements*> ranked = RankedTrials(data, objective, Maximize(study));
  const v1::Trial* best = ranked.empty() ? nullptr : &ranked.front()->trial();

  std::string h = HtmlHead(study.spec());
  absl::StrAppend(&h, HeaderSection(study));
  absl::StrAppend(&h, HypothesisAndConclusion(study));
  absl::StrAppend(&h, SummarySection(data, Totals(data), best));
  absl::StrAppend(&h, DesignSection(study));

  // Results.
  absl::StrAppend(&h, "<section id=\"best-trials\">\n<h2>Best trials</h2>\n",
                  BestTrialsTable(data, std::max(1, options.best_trials)), "</section>\n");
  absl::StrAppend(&h, "<section id=\"plots\">\n<h2>Plots</h2>\n", SearchPlots(data), TrainingPlots(data),
                  "</section>\n");
  absl::StrAppend(&h, "<section id=\"analysis\">\n<h2>Metric analysis of the best trial</h2>\n",
                  AnalysisSection(study, best), "</section>\n");
  absl::StrAppend(&h, "<section id=\"reproduce\">\n<h2>Reproducing the best trial</h2>\n",
                  ReproduceSection(best), "</section>\n");
  absl::StrAppend(&h, "<section id=\"notes\">\n<h2>Trial notes</h2>\n", NotesSection(data), "</section>\n");
  absl::StrAppend(&h, "<section id=\"problems\">\n<h2>Failed and stopped trials</h2>\n",
                  ProblemsSection(data), "</section>\n");
  absl::StrAppend(&h, "<footer>Made by <code>hyperlab report</code> from the study's journal",
                  options.generated_unix_ms > 0 ? absl::StrCat(" on ", Date(options.generated_unix_ms)) : "",
                  ". Self-contained: no scripts, fonts or images are loaded from anywhere.</footer>\n");
  h += "</main>\n</body>\n</html>\n";
  return h;
}

}  // namespace hyperlab::plot
