#include "tools/output_format.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/base/number_format.h"
#include "common/spec/parameter_tree.h"
#include "common/spec/parameter_value.h"
#include "google/protobuf/util/json_util.h"
#include "proto/outcomes.h"

namespace hyperlab::tools {
namespace {

using Row = std::vector<std::string>;

std::string Short(double v) { return TableNumber(v); }

}  // namespace

std::string RenderTable(const Row& header, const std::vector<Row>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const Row& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const Row& row) {
    std::string out;
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += "  ";
      out += row[c];
      if (c + 1 < row.size()) out.append(width[c] - row[c].size(), ' ');
    }
    out.erase(out.find_last_not_of(' ') + 1);  // Blank trailing cells would leave trailing spaces.
    return out + "\n";
  };
  std::string out = line(header);
  for (const Row& row : rows) out += line(row);
  return out;
}

namespace {

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string RenderCsv(const Row& header, const std::vector<Row>& rows) {
  std::string out;
  for (const Row* row : {&header}) {
    std::vector<std::string> fields;
    for (const auto& f : *row) fields.push_back(CsvField(f));
    out += absl::StrJoin(fields, ",") + "\n";
  }
  for (const Row& row : rows) {
    std::vector<std::string> fields;
    for (const auto& f : row) fields.push_back(CsvField(f));
    out += absl::StrJoin(fields, ",") + "\n";
  }
  return out;
}

// Proto JSON writes 64-bit integers as strings ("best_trial_id": "21", so that JavaScript loses no digit);
// people and scripts expect numbers, and every id and count here fits a double's 53 bits many times
// over. Walks `j` alongside `descriptor`, turning those strings into numbers. Well-known types
// (google.protobuf.*) keep their own JSON forms.
void Int64sAsNumbers(const google::protobuf::Descriptor& descriptor, nlohmann::json& j);

void Int64AsNumber(const google::protobuf::FieldDescriptor& field, nlohmann::json& v) {
  using google::protobuf::FieldDescriptor;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT64:
      if (int64_t n = 0; v.is_string() && absl::SimpleAtoi(v.get<std::string>(), &n)) v = n;
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      if (uint64_t n = 0; v.is_string() && absl::SimpleAtoi(v.get<std::string>(), &n)) v = n;
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (!absl::StartsWith(field.message_type()->full_name(), "google.protobuf.") && v.is_object()) {
        Int64sAsNumbers(*field.message_type(), v);
      }
      break;
    default:
      break;
  }
}

void Int64sAsNumbers(const google::protobuf::Descriptor& descriptor, nlohmann::json& j) {
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const google::protobuf::FieldDescriptor& field = *descriptor.field(i);
    auto it = j.find(field.name());
    if (it == j.end()) continue;
    if (field.is_map()) {
      if (!it->is_object()) continue;
      for (auto& [key, value] : it->items()) Int64AsNumber(*field.message_type()->map_value(), value);
    } else if (field.is_repeated()) {
      if (!it->is_array()) continue;
      for (nlohmann::json& element : *it) Int64AsNumber(field, element);
    } else {
      Int64AsNumber(field, *it);
    }
  }
}

double RuntimeSeconds(const v1::Trial& trial) {
  if (trial.start_unix_ms() == 0 || trial.end_unix_ms() == 0) return 0;
  return (trial.end_unix_ms() - trial.start_unix_ms()) / 1000.0;
}

}  // namespace

absl::StatusOr<OutputFormat> ParseOutputFormat(const std::string& name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json") return OutputFormat::kJson;
  if (name == "csv") return OutputFormat::kCsv;
  return absl::InvalidArgumentError(absl::StrCat("--format: expected table, json or csv, got '", name, "'"));
}

nlohmann::json TrialToJson(const v1::Trial& trial) {
  nlohmann::json params = nlohmann::json::object(), metrics = nlohmann::json::object();
  for (const v1::Parameter& p : trial.parameters()) params[p.name()] = ValueJson(p.value());
  for (const auto& [name, value] : trial.metrics()) {
    metrics[name] = NumberJson(value);
  }
  nlohmann::json out = {{"id", trial.id()},
                        {"study_id", trial.study_id()},
                        {"state", v1::Trial::State_Name(trial.state())},
                        {"params", params},
                        {"metrics", metrics},
                        {"reason", trial.reason()},
                        {"attempt", trial.attempt()},
                        {"worker", trial.worker_id()},
                        {"start_unix_ms", trial.start_unix_ms()},
                        {"end_unix_ms", trial.end_unix_ms()},
                        {"runtime_seconds", RuntimeSeconds(trial)},
                        {"create_unix_ms", trial.create_unix_ms()},
                        {"fingerprint", trial.fingerprint()},
                        {"measurements", trial.measurement_count()}};
  // The lab journal's records: what the experimenter noted, and what the trial ran with.
  if (trial.notes_size() > 0) {
    nlohmann::json notes = nlohmann::json::array();
    for (const v1::Note& n : trial.notes())
      notes.push_back({{"text", n.text()}, {"time_unix_ms", n.time_unix_ms()}});
    out["notes"] = notes;
  }
  if (auto it = trial.artifacts().find("settings"); it != trial.artifacts().end()) {
    out["settings"] = nlohmann::json::parse(it->second, nullptr, /*allow_exceptions=*/false);
  }
  if (auto it = trial.artifacts().find("data_digest"); it != trial.artifacts().end()) {
    out["data_digest"] = it->second;
  }
  if (trial.has_feasible()) out["feasible"] = trial.feasible();  // Studies with outcome constraints.
  if (trial.has_reused_from()) {
    out["reused_from"] = absl::StrCat(trial.reused_from().study_name(), "/", trial.reused_from().trial_id());
  }
  if (trial.enqueued()) out["enqueued"] = true;
  if (trial.has_waiting_for()) {
    out["waiting_for"] = absl::StrCat(trial.waiting_for().study_name(), "/", trial.waiting_for().trial_id());
  }
  return out;
}

std::string FormatTrials(const v1::Study& study, const std::vector<v1::Trial>& trials, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const v1::Trial& t : trials) out.push_back(TrialToJson(t));
    return out.dump(2) + "\n";
  }
  // Columns: id, state, every parameter, the objective, then every other metric seen.
  const std::string& objective = PrimaryObjective(study.spec()).metric();
  // The table leaves out per-class metrics (`f1_3`, `precision_7`, ...) to stay readable; CSV and JSON
  // keep every metric.
  auto per_class = [](const std::string& name) {
    const size_t underscore = name.rfind('_');
    return underscore != std::string::npos && underscore + 1 < name.size() &&
           name.find_first_not_of("0123456789", underscore + 1) == std::string::npos;
  };
  std::set<std::string> others;
  for (const v1::Trial& t : trials) {
    for (const auto& [name, value] : t.metrics()) {
      if (name != objective && !(format == OutputFormat::kTable && per_class(name))) others.insert(name);
    }
  }
  Row header = {"id", "state"};
  const std::vector<FlatParameter> flat = FlatParameters(study.spec());  // Conditional children too.
  for (const FlatParameter& p : flat) header.push_back(p.spec->name());
  header.push_back(objective);
  header.insert(header.end(), others.begin(), others.end());
  header.push_back("runtime_s");
  if (format == OutputFormat::kTable) header.push_back("reason");
  std::vector<Row> rows;
  for (const v1::Trial& t : trials) {
    Row row = {absl::StrCat(t.id()), v1::Trial::State_Name(t.state())};
    for (const FlatParameter& spec_param : flat) {
      std::string cell;
      for (const v1::Parameter& p : t.parameters()) {
        if (p.name() != spec_param.spec->name()) continue;
        cell = format == OutputFormat::kTable && p.value().has_double_value()
                   ? Short(p.value().double_value())
                   : ValueText(p.value());
      }
      row.push_back(cell);
    }
    auto metric = [&](const std::string& name) {
      auto it = t.metrics().find(name);
      if (it == t.metrics().end()) return std::string();
      return format == OutputFormat::kCsv ? FormatNumber(it->second) : Short(it->second);
    };
    row.push_back(metric(objective));
    for (const auto& name : others) row.push_back(metric(name));
    row.push_back(!t.end_unix_ms()               ? ""
                  : format == OutputFormat::kCsv ? FormatNumber(RuntimeSeconds(t))
                                                 : Short(RuntimeSeconds(t)));
    if (format == OutputFormat::kTable) row.push_back(t.reason().substr(0, 60));
    rows.push_back(std::move(row));
  }
  if (format == OutputFormat::kCsv) return RenderCsv(header, rows);
  std::string table = RenderTable(header, rows);
  // One trial wider than a terminal (`study best` of a train task: some twenty metrics): a field per line.
  constexpr size_t kTerminalWidth = 120;
  if (rows.size() == 1 && table.find('\n') > kTerminalWidth) {
    std::vector<Row> fields;
    for (size_t i = 0; i < header.size(); ++i) {
      if (!rows[0][i].empty()) fields.push_back({header[i], rows[0][i]});
    }
    return RenderTable({"field", "value"}, fields);
  }
  return table;
}

std::string ProtoToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  nlohmann::json j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return out;
  Int64sAsNumbers(*message.GetDescriptor(), j);
  return j.dump();
}

std::string TableNumber(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return absl::StrFormat("%.6g", v);
}

std::string FormatStudies(const std::vector<v1::Study>& studies, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const v1::Study& s : studies) out.push_back(nlohmann::json::parse(ProtoToJson(s)));
    return out.dump(2) + "\n";
  }
  Row header = {"id", "name", "state", "objective", "goal", "done", "running", "failed", "best", "tags"};
  std::vector<Row> rows;
  for (const v1::Study& s : studies) {
    const v1::TrialCounts& c = s.counts();
    const int done = c.succeeded() + c.failed() + c.stopped() + c.infeasible();
    const double best = s.best_value();
    rows.push_back({absl::StrCat(s.id()), s.spec().name(), v1::Study::State_Name(s.state()),
                    PrimaryObjective(s.spec()).metric(),
                    absl::AsciiStrToLower(v1::Objective::Goal_Name(PrimaryObjective(s.spec()).goal())),
                    absl::StrCat(done, "/", s.planned_trials()), absl::StrCat(c.running()),
                    absl::StrCat(c.failed()),
                    s.best_trial_id() < 0          ? ""
                    : format == OutputFormat::kCsv ? FormatNumber(best)
                                                   : Short(best),
                    absl::StrJoin(s.spec().tags(), ",")});
  }
  return format == OutputFormat::kCsv ? RenderCsv(header, rows) : RenderTable(header, rows);
}

std::string FormatStudyDetail(const v1::Study& s, OutputFormat format) {
  if (format == OutputFormat::kJson) return nlohmann::json::parse(ProtoToJson(s)).dump(2) + "\n";
  const v1::TrialCounts& c = s.counts();
  std::string out;
  absl::StrAppend(&out, "study       ", s.spec().name(), " (id ", s.id(), ")\n");
  absl::StrAppend(&out, "state       ", v1::Study::State_Name(s.state()));
  if (!s.reason().empty()) absl::StrAppend(&out, ": ", s.reason());
  absl::StrAppend(&out, "\n");
  if (!s.waiting().empty()) absl::StrAppend(&out, "waiting     ", s.waiting(), "\n");
  for (const std::string& warning : s.warnings()) absl::StrAppend(&out, "warning     ", warning, "\n");
  if (!s.spec().hypothesis().empty()) absl::StrAppend(&out, "hypothesis  ", s.spec().hypothesis(), "\n");
  for (const v1::Objective& o : StudyObjectives(s.spec())) {  // Several: one line each, the primary first.
    absl::StrAppend(&out, "objective   ", absl::AsciiStrToLower(v1::Objective::Goal_Name(o.goal())), " ",
                    o.metric(), "\n");
  }
  for (const v1::OutcomeConstraint& k : s.spec().constraints()) {
    absl::StrAppend(&out, "constraint  ", k.has_min() ? absl::StrCat(Short(k.min()), " <= ") : "", k.metric(),
                    k.has_max() ? absl::StrCat(" <= ", Short(k.max())) : "", "\n");
  }
  absl::StrAppend(&out, "trials      ", c.total(), " of ", s.planned_trials(), ": ", c.succeeded(),
                  " succeeded, ", c.failed(), " failed, ", c.stopped(), " stopped, ", c.infeasible(),
                  " infeasible, ", c.running(), " running, ", c.pending(), " pending, ", c.cancelled(),
                  " cancelled\n");
  absl::StrAppend(&out, "reused      ", c.reused(),
                  " trial(s) took the result of an earlier identical experiment\n");
  absl::StrAppend(&out, "strategy    ", s.spec().algorithm().ShortDebugString(), "; budget ",
                  s.spec().budget().ShortDebugString(), "\n");
  if (s.best_trial_id() >= 0) {
    absl::StrAppend(&out, "best        trial ", s.best_trial_id(), ": ", PrimaryObjective(s.spec()).metric(),
                    "=", Short(s.best_value()), "\n");
  }
  if (s.has_recommended_trial_id()) {
    // A noisy objective (bayesian): the model's pick, which may differ from the luckiest draw.
    absl::StrAppend(&out, "recommended trial ", s.recommended_trial_id(), ": ",
                    PrimaryObjective(s.spec()).metric(), "=", Short(s.recommended_value()),
                    " (the objective is noisy: the trial the model is surest is good, after ",
                    s.recommended_seen(), " ended trials)\n");
  }
  if (!s.spec().tags().empty())
    absl::StrAppend(&out, "tags        ", absl::StrJoin(s.spec().tags(), ", "), "\n");
  if (!s.spec().warm_start().studies().empty()) {
    absl::StrAppend(&out, "warm start  ", absl::StrJoin(s.spec().warm_start().studies(), ", "), "\n");
  }
  if (!s.data_digest().empty()) absl::StrAppend(&out, "data        sha256 ", s.data_digest(), "\n");
  absl::StrAppend(&out, "conclusion  ",
                  s.conclusion().empty() ? "(none yet: hyperlab study conclude)" : s.conclusion(), "\n");
  return out;
}

std::string FormatWorkers(const std::vector<v1::WorkerStatus>& workers, int64_t lease_timeout_ms,
                          int64_t now_ms, OutputFormat format) {
  Row header = {"id", "host", "slots", "threads", "executors", "commands", "state", "running", "last_seen"};
  std::vector<Row> rows;
  for (const v1::WorkerStatus& w : workers) {
    std::vector<std::string> running;
    for (const v1::LeaseRef& t : w.trials()) running.push_back(absl::StrCat(t.study_id(), "/", t.trial_id()));
    const int64_t unseen_ms = now_ms - w.last_seen_unix_ms();
    const bool lost = lease_timeout_ms > 0 && unseen_ms > lease_timeout_ms;
    const std::string& commands = absl::StrJoin(w.info().allowed_commands(), ",");
    rows.push_back(
        {w.info().id(), w.info().host(), absl::StrCat(w.info().slots()), absl::StrCat(w.info().threads()),
         absl::StrJoin(w.info().executors(), ","), commands.empty() ? "-" : commands,
         lost ? "lost" : (w.draining() ? "draining" : "active"),
         running.empty() ? "0" : absl::StrCat(running.size(), " (", absl::StrJoin(running, ","), ")"),
         absl::StrCat(Duration(unseen_ms / 1000.0), " ago")});
  }
  return format == OutputFormat::kCsv ? RenderCsv(header, rows) : RenderTable(header, rows);
}

std::string FormatStorage(const v1::StorageStats& s, OutputFormat format) {
  if (format == OutputFormat::kJson) return nlohmann::json::parse(ProtoToJson(s)).dump(2) + "\n";
  const Row header = {"data_dir", "studies", "trials", "measurements", "disk_bytes", "files"};
  const std::vector<Row> rows = {{s.data_dir(), absl::StrCat(s.studies()), absl::StrCat(s.trials()),
                                  absl::StrCat(s.measurements()), absl::StrCat(s.disk_bytes()),
                                  absl::StrCat(s.files())}};
  return format == OutputFormat::kCsv ? RenderCsv(header, rows) : RenderTable(header, rows);
}

std::string Duration(double seconds) {
  const int64_t s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  return absl::StrFormat("%dh%02dm", s / 3600, (s % 3600) / 60);
}

bool TrialsEnded(const v1::Study& before, const v1::Study& now) {
  auto ended = [](const v1::TrialCounts& c) {
    return c.succeeded() + c.failed() + c.stopped() + c.infeasible();
  };
  return now.state() != v1::Study::ACTIVE || ended(now.counts()) != ended(before.counts());
}

std::string ProgressLine(const v1::Study& s, double elapsed_s) {
  const v1::TrialCounts& c = s.counts();
  const int done = c.succeeded() + c.failed() + c.stopped() + c.infeasible();
  std::string out =
      absl::StrCat(s.spec().name(), ": ", done, "/", s.planned_trials(), " done (", c.succeeded(), " ok");
  if (c.failed()) absl::StrAppend(&out, ", ", c.failed(), " failed");
  if (c.infeasible()) absl::StrAppend(&out, ", ", c.infeasible(), " infeasible");
  if (c.stopped()) absl::StrAppend(&out, ", ", c.stopped(), " stopped");
  if (c.reused()) absl::StrAppend(&out, ", ", c.reused(), " reused");
  absl::StrAppend(&out, "), ", c.running(), " running");
  if (s.best_trial_id() >= 0) {
    absl::StrAppend(&out, ", best ", PrimaryObjective(s.spec()).metric(), "=", Short(s.best_value()),
                    " (trial ", s.best_trial_id(), ")");
  }
  if (elapsed_s > 0) {
    const double per_s = done / elapsed_s;
    if (done > 0) {
      absl::StrAppend(&out, per_s >= 1 ? absl::StrFormat(", %.1f trials/s", per_s)
                                       : absl::StrFormat(", %.1f trials/min", per_s * 60));
    }
    absl::StrAppend(&out, ", elapsed ", Duration(elapsed_s));
    if (done > 0 && done < s.planned_trials()) {
      absl::StrAppend(&out, ", eta ", Duration(elapsed_s / done * (s.planned_trials() - done)));
    }
  }
  return out;
}

}  // namespace hyperlab::tools
