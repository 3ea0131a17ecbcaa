#include "common/spec/parameter_tree.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/status_macros.h"
#include "common/spec/spec_errors.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/limits.h"

namespace hyperlab {
namespace {

using spec_errors::Invalid;
using spec_errors::OverLimit;

// A parent's values by their index, so each key is looked up in log time: categorical values by name
// (`names`), discrete ones by number (`numbers`); both empty for an integer parent.
struct ValueIndex {
  explicit ValueIndex(const v1::ParameterSpec& parent) {
    for (int i = 0; i < parent.categorical().values_size(); ++i)
      names.emplace(parent.categorical().values(i), i);
    for (int i = 0; i < parent.discrete().values_size(); ++i) numbers.emplace(parent.discrete().values(i), i);
  }
  std::map<std::string, int> names;
  std::map<double, int> numbers;
};

// Where value `key` sorts among the parent's values: the index of a categorical or discrete value, the
// number of an integer; nullopt when `key` is not one of the parent's values. `index` is ValueIndex(parent).
std::optional<double> KeyRank(const v1::ParameterSpec& parent, const ValueIndex& index,
                              const std::string& key) {
  switch (parent.domain_case()) {
    case v1::ParameterSpec::kCategorical: {
      auto it = index.names.find(key);
      if (it == index.names.end()) return std::nullopt;
      return static_cast<double>(it->second);
    }
    case v1::ParameterSpec::kDiscrete: {
      double v;
      if (!absl::SimpleAtod(key, &v)) return std::nullopt;
      auto it = index.numbers.find(v);
      if (it == index.numbers.end()) return std::nullopt;
      return static_cast<double>(it->second);
    }
    case v1::ParameterSpec::kInteger: {
      int64_t v;
      if (!absl::SimpleAtoi(key, &v) || v < parent.integer().min() || v > parent.integer().max()) {
        return std::nullopt;
      }
      return static_cast<double>(v);  // Exact: |v| <= max_integer_magnitude = 2^53.
    }
    default:
      return std::nullopt;
  }
}

// What a key of `parent` may be, for an error message.
std::string ExpectedKeys(const v1::ParameterSpec& parent) {
  switch (parent.domain_case()) {
    case v1::ParameterSpec::kCategorical:
      return absl::StrCat("one of ", absl::StrJoin(parent.categorical().values(), ", "));
    case v1::ParameterSpec::kDiscrete:
      return absl::StrCat("one of ", absl::StrJoin(parent.discrete().values(), ", "));
    case v1::ParameterSpec::kInteger:
      return absl::StrCat("an integer in [", parent.integer().min(), ", ", parent.integer().max(), "]");
    default:
      return "nothing";
  }
}

class Flattener {
 public:
  explicit Flattener(const ParameterCheck& check) : check_(check) {}

  // Adds `list`, written at `prefix` ("parameters" or "...children[sgd]"), under value `key` of `parent`.
  absl::Status Walk(const google::protobuf::RepeatedPtrField<v1::ParameterSpec>& list,
                    const std::string& prefix, int parent, const std::string& key, int depth) {
    for (int i = 0; i < list.size(); ++i) {
      const v1::ParameterSpec& p = list[i];
      const std::string path = absl::StrCat(prefix, "[", i, "]");
      if (check_) RETURN_IF_ERROR(check_(path, p));
      if (auto it = by_name_.find(p.name()); it != by_name_.end()) {
        FlatParameter& seen = out_[it->second];
        const bool sibling_branch = parent >= 0 && seen.parent == parent &&
                                    std::find(seen.when.begin(), seen.when.end(), key) == seen.when.end();
        if (sibling_branch && google::protobuf::util::MessageDifferencer::Equals(*seen.spec, p)) {
          seen.when.push_back(key);  // One parameter, active under this value too.
          continue;
        }
        return Invalid(path + ".name",
                       absl::StrCat("duplicate parameter name '", p.name(), "' (also ", seen.path, ")",
                                    sibling_branch ? "; a child under several values of one parent must be "
                                                     "defined identically under each"
                                                   : ""));
      }
      if (out_.size() >= static_cast<size_t>(kMaxParameters)) {
        return OverLimit(path, absl::StrCat("parameter number ", out_.size() + 1), "max_parameters",
                         kMaxParameters);
      }
      const int index = static_cast<int>(out_.size());
      by_name_[p.name()] = index;
      out_.push_back({.spec = &p,
                      .path = path,
                      .parent = parent,
                      .when = parent < 0 ? std::vector<std::string>{} : std::vector<std::string>{key},
                      .depth = depth});
      RETURN_IF_ERROR(WalkChildren(p, path, index, depth));
    }
    return absl::OkStatus();
  }

  std::vector<FlatParameter> Take() { return std::move(out_); }

 private:
  absl::Status WalkChildren(const v1::ParameterSpec& p, const std::string& path, int index, int depth) {
    if (p.children().empty()) return absl::OkStatus();
    const std::string children = path + ".children";
    if (!p.has_categorical() && !p.has_discrete() && !p.has_integer()) {
      return Invalid(children, "only a categorical, discrete or integer parameter can have children");
    }
    if (depth + 1 > kMaxParameterDepth) {
      return OverLimit(children, absl::StrCat("level ", depth + 1), "max_parameter_depth",
                       kMaxParameterDepth);
    }
    // At most one key per value, each no longer than a value may be: a bounded walk, bounded messages.
    const int values = p.has_categorical() ? p.categorical().values_size()
                       : p.has_discrete()  ? p.discrete().values_size()
                                           : kMaxValuesPerParameter;
    if (p.children().size() > static_cast<size_t>(values)) {
      return Invalid(children, absl::StrCat(p.children().size(), " keys for ", values,
                                            " values of parameter '", p.name(), "'"));
    }
    for (const auto& [key, list] : p.children()) {
      if (key.size() > kMaxValueLength) {
        return OverLimit(children, absl::StrCat("a key of ", key.size(), " characters"), "max_value_length",
                         kMaxValueLength);
      }
    }
    // Keys in the order of the parent's values, so the flat order does not depend on the map's.
    const ValueIndex value_index(p);
    std::map<double, std::string> keys;  // Rank -> key.
    for (const auto& [key, list] : p.children()) {
      const std::string at = absl::StrCat(children, "[", absl::CHexEscape(key), "]");
      std::optional<double> rank = KeyRank(p, value_index, key);
      if (!rank) {
        return Invalid(at, absl::StrCat("'", absl::CHexEscape(key), "' is not a value of parameter '",
                                        p.name(), "'; expected ", ExpectedKeys(p)));
      }
      if (auto [it, inserted] = keys.emplace(*rank, key); !inserted) {
        // Report the later key in a fixed order, whatever the map's order.
        const std::string& later = std::max(it->second, key);
        return Invalid(
            absl::StrCat(children, "[", absl::CHexEscape(later), "]"),
            absl::StrCat("the same value as key '", absl::CHexEscape(std::min(it->second, key)), "'"));
      }
    }
    for (const auto& [rank, key] : keys) {
      RETURN_IF_ERROR(Walk(p.children().at(key).parameters(), absl::StrCat(children, "[", key, "]"), index,
                           key, depth + 1));
    }
    return absl::OkStatus();
  }

  const ParameterCheck& check_;
  std::vector<FlatParameter> out_;
  std::map<std::string, int> by_name_;
};

}  // namespace

absl::StatusOr<std::vector<FlatParameter>> FlattenParameters(
    const google::protobuf::RepeatedPtrField<v1::ParameterSpec>& parameters, const ParameterCheck& check) {
  Flattener flattener(check);
  RETURN_IF_ERROR(flattener.Walk(parameters, "parameters", -1, "", 0));
  return flattener.Take();
}

std::vector<FlatParameter> FlatParameters(const v1::StudySpec& spec) {
  absl::StatusOr<std::vector<FlatParameter>> flat = FlattenParameters(spec.parameters());
  return flat.ok() ? *std::move(flat) : std::vector<FlatParameter>{};
}

bool HasConditionalParameters(const v1::StudySpec& spec) {
  return std::any_of(spec.parameters().begin(), spec.parameters().end(),
                     [](const v1::ParameterSpec& p) { return !p.children().empty(); });
}

bool KeyMatches(const v1::ParameterSpec& parent, const std::string& key, const v1::ParameterValue& value) {
  switch (parent.domain_case()) {
    case v1::ParameterSpec::kCategorical:
      return value.kind_case() == v1::ParameterValue::kStringValue && value.string_value() == key;
    case v1::ParameterSpec::kDiscrete: {
      double v;
      return value.kind_case() == v1::ParameterValue::kDoubleValue && absl::SimpleAtod(key, &v) &&
             v == value.double_value();
    }
    case v1::ParameterSpec::kInteger: {
      int64_t v;
      return value.kind_case() == v1::ParameterValue::kIntValue && absl::SimpleAtoi(key, &v) &&
             v == value.int_value();
    }
    default:
      return false;
  }
}

std::vector<bool> ActiveParameters(const std::vector<FlatParameter>& flat,
                                   const std::vector<const v1::ParameterValue*>& values) {
  std::vector<bool> active(flat.size(), false);
  for (size_t i = 0; i < flat.size(); ++i) {
    const FlatParameter& p = flat[i];
    if (p.parent < 0) {
      active[i] = true;
      continue;
    }
    const v1::ParameterValue* parent_value = values[p.parent];
    if (!active[p.parent] || parent_value == nullptr) continue;
    active[i] = std::any_of(p.when.begin(), p.when.end(), [&](const std::string& key) {
      return KeyMatches(*flat[p.parent].spec, key, *parent_value);
    });
  }
  return active;
}

}  // namespace hyperlab
