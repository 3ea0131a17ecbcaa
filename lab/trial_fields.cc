#include "lab/trial_fields.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/spec/parameter_tree.h"
#include "proto/outcomes.h"

namespace hyperlab::lab {
namespace {

constexpr absl::string_view kTrialPrefix = "trial.";

Field TrialField(const std::string& name, Field::Type type) {
  return Field{.name = name, .kind = Field::Kind::kTrialField, .type = type};
}

std::vector<Field> TrialFields() {
  std::vector<Field> fields = {TrialField("id", Field::Type::kNumber),
                               TrialField("study", Field::Type::kText),
                               TrialField("state", Field::Type::kText)};
  // Every state but the proto's zero value, which no stored trial has.
  for (int s = v1::Trial::State_MIN + 1; s <= v1::Trial::State_MAX; ++s) {
    if (v1::Trial::State_IsValid(s)) fields.back().values.push_back(v1::Trial::State_Name(s));
  }
  fields.back().ignore_case = true;
  fields.push_back(TrialField("worker", Field::Type::kText));
  fields.push_back(TrialField("attempt", Field::Type::kNumber));
  fields.push_back(TrialField("runtime", Field::Type::kNumber));
  for (const char* name : {"started", "ended", "reason", "reused_from"}) {
    fields.push_back(TrialField(name, Field::Type::kText));
  }
  fields.push_back(TrialField("measurements", Field::Type::kNumber));
  fields.push_back(TrialField("notes", Field::Type::kNumber));
  return fields;
}

Field::Type ParameterType(const v1::ParameterSpec& p) {
  return p.has_categorical() ? Field::Type::kText : Field::Type::kNumber;
}

Value TimeText(int64_t unix_ms) {
  if (unix_ms <= 0) return {};
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

Value NonEmpty(const std::string& s) { return s.empty() ? Value() : Value(s); }

Value TrialFieldValue(const std::string& name, const TrialRecord& record) {
  const v1::Trial& t = record.trial;
  if (name == "id") return t.id();
  if (name == "study") return NonEmpty(record.study);
  if (name == "state") return v1::Trial::State_Name(t.state());
  if (name == "worker") return NonEmpty(t.worker_id());
  if (name == "attempt") return static_cast<int64_t>(t.attempt());
  if (name == "runtime") {
    if (t.start_unix_ms() <= 0 || t.end_unix_ms() <= 0) return {};
    return (t.end_unix_ms() - t.start_unix_ms()) / 1000.0;
  }
  if (name == "started") return TimeText(t.start_unix_ms());
  if (name == "ended") return TimeText(t.end_unix_ms());
  if (name == "reason") return NonEmpty(t.reason());
  if (name == "reused_from") {
    if (!t.has_reused_from()) return {};
    return absl::StrCat(t.reused_from().study_name(), "/", t.reused_from().trial_id());
  }
  if (name == "measurements") return static_cast<int64_t>(t.measurement_count());
  if (name == "notes") return static_cast<int64_t>(t.notes_size());
  return {};
}

const Field* FindIn(const std::vector<Field>& fields, absl::string_view name) {
  for (const Field& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string Names(const std::vector<Field>& fields) {
  if (fields.empty()) return "none";
  return absl::StrJoin(fields, ", ", [](std::string* out, const Field& f) { out->append(f.name); });
}

}  // namespace

Value ValueOf(const v1::ParameterValue& value) {
  switch (value.kind_case()) {
    case v1::ParameterValue::kIntValue:
      return value.int_value();
    case v1::ParameterValue::kStringValue:
      return value.string_value();
    case v1::ParameterValue::kDoubleValue:
      return value.double_value();
    default:
      return {};
  }
}

Value FieldValueOf(const Field& field, const TrialRecord& record) {
  switch (field.kind) {
    case Field::Kind::kParameter:
      for (const v1::Parameter& p : record.trial.parameters()) {
        if (p.name() == field.name) return ValueOf(p.value());
      }
      return {};
    case Field::Kind::kMetric: {
      auto it = record.trial.metrics().find(field.name);
      if (it == record.trial.metrics().end()) return {};
      return it->second;
    }
    case Field::Kind::kTrialField:
      return TrialFieldValue(field.name, record);
  }
  return {};
}

FieldCatalog FieldCatalog::Build(const std::vector<v1::StudySpec>& specs,
                                 const std::vector<TrialRecord>& records) {
  FieldCatalog catalog;
  for (const v1::StudySpec& spec : specs) {
    for (const FlatParameter& flat : FlatParameters(spec)) {  // Conditional children too.
      const v1::ParameterSpec& p = *flat.spec;
      Field* field = nullptr;
      for (Field& f : catalog.parameters_) {
        if (f.name == p.name()) field = &f;
      }
      if (field == nullptr) {
        catalog.parameters_.push_back(
            {.name = p.name(), .kind = Field::Kind::kParameter, .type = ParameterType(p)});
        field = &catalog.parameters_.back();
      } else if (field->type != ParameterType(p)) {
        field->type = Field::Type::kAny;
      }
      if (p.has_categorical()) {
        for (const std::string& v : p.categorical().values()) {
          if (std::find(field->values.begin(), field->values.end(), v) == field->values.end())
            field->values.push_back(v);
        }
      }
    }
  }
  // A category shared with a numeric domain of another study cannot be checked: the numeric study's
  // values are not listed.
  for (Field& f : catalog.parameters_) {
    if (f.type == Field::Type::kAny) f.values.clear();
  }

  std::vector<std::string> metric_names;
  auto add_metric = [&](const std::string& name) {
    if (!name.empty() && std::find(metric_names.begin(), metric_names.end(), name) == metric_names.end())
      metric_names.push_back(name);
  };
  for (const v1::StudySpec& spec : specs) add_metric(PrimaryObjective(spec).metric());
  for (const v1::StudySpec& spec : specs) {
    for (const std::string& m : spec.metrics()) add_metric(m);
  }
  std::set<std::string> reported;
  for (const TrialRecord& r : records) {
    for (const auto& [name, value] : r.trial.metrics()) reported.insert(name);
  }
  for (const std::string& name : reported) add_metric(name);
  for (const std::string& name : metric_names) {
    catalog.metrics_.push_back({.name = name, .kind = Field::Kind::kMetric, .type = Field::Type::kNumber});
  }
  catalog.trial_fields_ = TrialFields();
  return catalog;
}

const Field* FieldCatalog::Find(absl::string_view name) const {
  if (const Field* f = FindIn(parameters_, name)) return f;
  if (const Field* f = FindIn(metrics_, name)) return f;
  if (const Field* f = FindIn(trial_fields_, name)) return f;
  if (absl::ConsumePrefix(&name, kTrialPrefix)) return FindIn(trial_fields_, name);
  return nullptr;
}

std::string FieldCatalog::UnknownName(absl::string_view name) const {
  return absl::StrCat("unknown name '", name, "'; parameters: ", Names(parameters_),
                      "; metrics: ", Names(metrics_), "; trial fields: ", Names(trial_fields_));
}

std::string FieldCatalog::ColumnName(const Field& field) const {
  if (field.kind == Field::Kind::kTrialField &&
      (FindIn(parameters_, field.name) != nullptr || FindIn(metrics_, field.name) != nullptr)) {
    return absl::StrCat(kTrialPrefix, field.name);
  }
  return field.name;
}

}  // namespace hyperlab::lab
