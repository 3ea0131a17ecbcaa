// Conditional parameters: a study's parameter tree (ParameterSpec.children) as one flat list.
//
// A categorical, discrete or integer parameter may have children that exist only when it takes a given
// value (`optimizer: sgd -> momentum`), to any depth up to max_parameter_depth. Every layer that needs
// the whole space (validation, the searcher's SearchSpace, fingerprints, enqueued trials, listings) walks
// the same flat list: parents before their children, children in the order of their parent's values,
// then as written. A child written identically under several values of one parent is one parameter,
// active under any of them (`conv_blocks: {1: [*filters], 2: [*filters]}`).
//
// Example:
//   for (const FlatParameter& p : FlatParameters(spec)) ...  // p.spec->name(), p.parent, p.when
//   std::vector<bool> active = ActiveParameters(flat, values);  // which exist for these values
//
// Thread safety: pure functions. A FlatParameter points into the spec it was made from.
#ifndef HYPERLAB_COMMON_SPEC_PARAMETER_TREE_H_
#define HYPERLAB_COMMON_SPEC_PARAMETER_TREE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab {

struct FlatParameter {
  const v1::ParameterSpec* spec = nullptr;  // Its definition (its `children` are the tree below it).
  std::string path;                         // Where it is (first) defined: "parameters[0].children[sgd][1]".
  int parent = -1;                          // The parent's index in the flat list (smaller), or -1.
  std::vector<std::string> when;            // The parent's values (children keys) under which it exists.
  int depth = 0;                            // 0 at the top level.
};

// Called once for each definition before its children are looked at; an error stops the walk.
using ParameterCheck = std::function<absl::Status(const std::string& path, const v1::ParameterSpec& p)>;

// The tree as a flat list, or INVALID_ARGUMENT naming the path when its shape is wrong: `check` fails; a
// name is used twice (other than one child defined identically under several keys of one parent);
// children under a double parameter; a key that is not one of the parent's values (in the parent's own
// form: `sgd`, `2`, `0.5`), or two keys for one value; deeper than max_parameter_depth; more than
// max_parameters in all.
absl::StatusOr<std::vector<FlatParameter>> FlattenParameters(
    const google::protobuf::RepeatedPtrField<v1::ParameterSpec>& parameters,
    const ParameterCheck& check = nullptr);

// The flat list of a spec that passed ValidateStudySpec (empty if it would not flatten).
std::vector<FlatParameter> FlatParameters(const v1::StudySpec& spec);

// Whether any parameter has children.
bool HasConditionalParameters(const v1::StudySpec& spec);

// Whether `value`, a value of `parent`, is the one children key `key` names (same kind and value).
bool KeyMatches(const v1::ParameterSpec& parent, const std::string& key, const v1::ParameterValue& value);

// Which parameters exist for the given values: `values[i]` is parameter i's value or nullptr when absent.
// A parameter exists when it is at the top level, or its parent exists and has one of its `when` values.
std::vector<bool> ActiveParameters(const std::vector<FlatParameter>& flat,
                                   const std::vector<const v1::ParameterValue*>& values);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_PARAMETER_TREE_H_
