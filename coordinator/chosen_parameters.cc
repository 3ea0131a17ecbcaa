#include "coordinator/chosen_parameters.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/spec/parameter_tree.h"
#include "proto/limits.h"

namespace hyperlab::coordinator {
namespace {

// The error for the given parameter at `index`.
absl::Status Bad(int index, const std::string& name, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("parameters[", index, "] (name '", name.substr(0, 64), "'): ", what));
}

// A value as written, for messages.
std::string Shown(const v1::ParameterValue& v) {
  switch (v.kind_case()) {
    case v1::ParameterValue::kDoubleValue:
      return absl::StrCat(v.double_value());
    case v1::ParameterValue::kIntValue:
      return absl::StrCat(v.int_value());
    case v1::ParameterValue::kStringValue:
      return absl::StrCat("'", v.string_value().substr(0, 64), "'");
    default:
      return "no value";
  }
}

// The value as a number: a double, an integer or text that reads as one. nullopt when it is not one.
std::optional<double> AsNumber(const v1::ParameterValue& v) {
  switch (v.kind_case()) {
    case v1::ParameterValue::kDoubleValue:
      return v.double_value();
    case v1::ParameterValue::kIntValue:
      return static_cast<double>(v.int_value());
    case v1::ParameterValue::kStringValue: {
      double d = 0;
      if (absl::SimpleAtod(absl::StripAsciiWhitespace(v.string_value()), &d)) return d;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

absl::StatusOr<v1::ParameterValue> DoubleValue(const v1::DoubleRange& range, const v1::ParameterValue& v,
                                               int index, const std::string& name) {
  const std::optional<double> d = AsNumber(v);
  if (!d) return Bad(index, name, absl::StrCat("expected a number, got ", Shown(v)));
  if (!std::isfinite(*d)) return Bad(index, name, absl::StrCat("must be finite, got ", *d));
  if (*d < range.min() || *d > range.max()) {
    return Bad(index, name, absl::StrCat(*d, " is outside its range [", range.min(), ", ", range.max(), "]"));
  }
  v1::ParameterValue out;
  out.set_double_value(*d);
  return out;
}

absl::StatusOr<v1::ParameterValue> IntegerValue(const v1::IntegerRange& range, const v1::ParameterValue& v,
                                                int index, const std::string& name) {
  int64_t n = 0;
  if (v.kind_case() == v1::ParameterValue::kIntValue) {
    n = v.int_value();
  } else if (v.kind_case() == v1::ParameterValue::kStringValue &&
             absl::SimpleAtoi(absl::StripAsciiWhitespace(v.string_value()), &n)) {
  } else {
    const std::optional<double> d = AsNumber(v);
    if (!d) return Bad(index, name, absl::StrCat("expected an integer, got ", Shown(v)));
    if (!std::isfinite(*d) || *d != std::floor(*d) ||
        std::fabs(*d) > static_cast<double>(kMaxIntegerMagnitude)) {
      return Bad(index, name, absl::StrCat("expected an integer, got ", Shown(v)));
    }
    n = static_cast<int64_t>(*d);
  }
  if (n < range.min() || n > range.max()) {
    return Bad(index, name, absl::StrCat(n, " is outside its range [", range.min(), ", ", range.max(), "]"));
  }
  v1::ParameterValue out;
  out.set_int_value(n);
  return out;
}

absl::StatusOr<v1::ParameterValue> DiscreteValue(const v1::DiscreteValues& values,
                                                 const v1::ParameterValue& v, int index,
                                                 const std::string& name) {
  const std::optional<double> d = AsNumber(v);
  if (!d) return Bad(index, name, absl::StrCat("expected a number, got ", Shown(v)));
  if (!std::isfinite(*d)) return Bad(index, name, absl::StrCat("must be finite, got ", *d));
  for (double allowed : values.values()) {
    if (allowed == *d) {
      v1::ParameterValue out;
      out.set_double_value(allowed);
      return out;
    }
  }
  return Bad(index, name,
             absl::StrCat(*d, " is not one of its values: ", absl::StrJoin(values.values(), ", ")));
}

absl::StatusOr<v1::ParameterValue> CategoricalValue(const v1::CategoricalValues& values,
                                                    const v1::ParameterValue& v, int index,
                                                    const std::string& name) {
  std::string text;
  if (v.kind_case() == v1::ParameterValue::kStringValue) {
    text = v.string_value();
  } else if (v.kind_case() == v1::ParameterValue::kIntValue) {
    text = absl::StrCat(v.int_value());
  } else {
    return Bad(index, name,
               absl::StrCat("expected one of its values (", absl::StrJoin(values.values(), ", "), "), got ",
                            Shown(v)));
  }
  for (const std::string& allowed : values.values()) {
    if (allowed == text) {
      v1::ParameterValue out;
      out.set_string_value(allowed);
      return out;
    }
  }
  constexpr int kShown = 20;  // A long list is cut in the message.
  std::vector<std::string> some(values.values().begin(),
                                values.values().begin() + std::min(values.values_size(), kShown));
  return Bad(index, name,
             absl::StrCat(Shown(v), " is not one of its values: ", absl::StrJoin(some, ", "),
                          values.values_size() > kShown ? ", ..." : ""));
}

absl::StatusOr<v1::ParameterValue> ValueFor(const v1::ParameterSpec& p, const v1::ParameterValue& v,
                                            int index) {
  if (v.kind_case() == v1::ParameterValue::KIND_NOT_SET) return Bad(index, p.name(), "has no value");
  switch (p.domain_case()) {
    case v1::ParameterSpec::kDoubleRange:
      return DoubleValue(p.double_range(), v, index, p.name());
    case v1::ParameterSpec::kInteger:
      return IntegerValue(p.integer(), v, index, p.name());
    case v1::ParameterSpec::kDiscrete:
      return DiscreteValue(p.discrete(), v, index, p.name());
    case v1::ParameterSpec::kCategorical:
      return CategoricalValue(p.categorical(), v, index, p.name());
    default:
      return Bad(index, p.name(), "the study's parameter has no domain");
  }
}

}  // namespace

absl::StatusOr<std::vector<v1::Parameter>> ChosenParameters(
    const v1::StudySpec& spec, const google::protobuf::RepeatedPtrField<v1::Parameter>& given) {
  const std::vector<FlatParameter> flat = FlatParameters(spec);  // Conditional children too.
  std::map<std::string, int, std::less<>> position;              // Parameter name -> its flat index.
  for (size_t i = 0; i < flat.size(); ++i) position.emplace(flat[i].spec->name(), static_cast<int>(i));
  std::vector<std::optional<v1::ParameterValue>> values(flat.size());
  std::vector<int> given_at(flat.size(), -1);
  for (int i = 0; i < given.size(); ++i) {
    const std::string& name = given[i].name();
    auto it = position.find(name);
    if (it == position.end()) {
      std::vector<std::string> names;
      for (const FlatParameter& p : flat) names.push_back(p.spec->name());
      return Bad(i, name,
                 absl::StrCat("the study has no such parameter (it has: ", absl::StrJoin(names, ", "), ")"));
    }
    if (values[it->second]) return Bad(i, name, "given more than once");
    absl::StatusOr<v1::ParameterValue> value = ValueFor(*flat[it->second].spec, given[i].value(), i);
    if (!value.ok()) return value.status();
    values[it->second] = *std::move(value);
    given_at[it->second] = i;
  }
  std::vector<const v1::ParameterValue*> present(flat.size(), nullptr);
  for (size_t i = 0; i < flat.size(); ++i) present[i] = values[i] ? &*values[i] : nullptr;
  const std::vector<bool> active = ActiveParameters(flat, present);
  std::vector<v1::Parameter> out;
  out.reserve(values.size());
  for (size_t i = 0; i < flat.size(); ++i) {
    const FlatParameter& f = flat[i];
    if (!active[i]) {
      if (!values[i]) continue;
      // A value for a child its parent's value does not have would be dropped silently: say so.
      return Bad(
          given_at[i], f.spec->name(),
          absl::StrCat("does not exist with ", flat[f.parent].spec->name(), " = ",
                       present[f.parent] ? Shown(*present[f.parent]) : "no value", "; it exists only when ",
                       flat[f.parent].spec->name(), " is one of ", absl::StrJoin(f.when, ", ")));
    }
    if (!values[i]) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameters: '", f.spec->name(), "' is missing (every parameter of the study",
                       f.parent >= 0 ? " that exists for the given values" : "", " needs a value)"));
    }
    v1::Parameter& p = out.emplace_back();
    p.set_name(f.spec->name());
    *p.mutable_value() = *values[i];  // A copy: a later child's message may show this value.
  }
  return out;
}

}  // namespace hyperlab::coordinator
