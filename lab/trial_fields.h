// The names a `--where`, `--sort` or `--columns` may use, and the value each name has on a trial.
//
// A name is one of, looked up in this order:
//   - a parameter of one of the studies (`learning_rate`, `optimizer`);
//   - a metric: the objective, the spec's `metrics`, or any metric a trial reported (`dev_accuracy`);
//   - a trial field: id, study, state, worker, attempt, runtime (seconds), started, ended (UTC,
//     ISO 8601), reason, reused_from ("study/trial"), measurements (count), notes (count).
// A parameter or metric that shadows a trial field (a command reporting `runtime`, say) wins; the trial
// field stays reachable as `trial.runtime`.
//
// Example:
//   FieldCatalog catalog = FieldCatalog::Build({study.spec()}, records);
//   const Field* f = catalog.Find("dev_accuracy");
//   Value v = FieldValueOf(*f, records[0]);   // missing when the trial has no dev_accuracy
//
// Thread safety: immutable after Build.
#ifndef HYPERLAB_LAB_TRIAL_FIELDS_H_
#define HYPERLAB_LAB_TRIAL_FIELDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hyperlab/v1/study.pb.h"
#include "lab/field_value.h"

namespace hyperlab::lab {

// A trial together with the name of its study: listings and queries may span several studies.
struct TrialRecord {
  std::string study;
  v1::Trial trial;
};

struct Field {
  enum class Kind { kParameter, kMetric, kTrialField };
  // What a query literal compared with this field must be. kAny: two studies disagree (a number in one,
  // a category in the other), so literals are taken as they come.
  enum class Type { kNumber, kText, kAny };

  std::string name;
  Kind kind = Kind::kMetric;
  Type type = Type::kNumber;
  // Categorical parameters and `state`: every value the field can take, so that `optimizer = adma` is an
  // error rather than an empty result. Empty: not checked.
  std::vector<std::string> values;
  // Compare query literals with `values` ignoring case (state names: `state = succeeded`).
  bool ignore_case = false;
};

// A parameter's value: an integer, a real or text (missing when unset).
Value ValueOf(const v1::ParameterValue& value);

// The value `field` has on `record`; missing when the trial has none (a metric of a failed trial, a
// runtime of a trial that has not ended).
Value FieldValueOf(const Field& field, const TrialRecord& record);

class FieldCatalog {
 public:
  // Parameters in spec order (first study first), metrics with the objectives first, then the specs'
  // `metrics`, then the others reported by the trials in name order.
  static FieldCatalog Build(const std::vector<v1::StudySpec>& specs, const std::vector<TrialRecord>& records);

  // nullptr when no parameter, metric or trial field has that name.
  const Field* Find(absl::string_view name) const;
  // "unknown name 'lr'; parameters: learning_rate, optimizer; metrics: dev_accuracy; trial fields: id, ..."
  std::string UnknownName(absl::string_view name) const;
  // The header a column for `field` gets: its name, or `trial.NAME` when a parameter or metric shadows it.
  std::string ColumnName(const Field& field) const;

  const std::vector<Field>& parameters() const { return parameters_; }
  const std::vector<Field>& metrics() const { return metrics_; }
  const std::vector<Field>& trial_fields() const { return trial_fields_; }

 private:
  std::vector<Field> parameters_;
  std::vector<Field> metrics_;
  std::vector<Field> trial_fields_;
};

}  // namespace hyperlab::lab

#endif  // HYPERLAB_LAB_TRIAL_FIELDS_H_
