// The search space as the strategies see it: plain C++ types, no protobuf.
//
// The coordinator converts a `hyperlab.v1.StudySpec` into a `SearchSpace` at its edge
// (coordinator/spec_convert.h); strategies never see protos, storage, RPC or clocks.
// Thread safety: plain values; safe to share for reading.
#ifndef HYPERLAB_SEARCHER_SEARCH_SPACE_H_
#define HYPERLAB_SEARCHER_SEARCH_SPACE_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace hyperlab::searcher {

// Integer bounds are carried as doubles, which hold every whole number exactly up to 2^53: beyond, a
// bound, a difference or a count could round or overflow int64.
inline constexpr int64_t kMaxExactInteger = int64_t{1} << 53;

enum class ParameterKind { kDouble, kInteger, kDiscrete, kCategorical };
enum class Scale { kLinear, kLog };
enum class Goal { kMinimize, kMaximize };

// A parameter's value: double for kDouble and kDiscrete, int64 for kInteger, string for kCategorical.
using Value = std::variant<double, int64_t, std::string>;

// One independent variable.
struct Parameter {
  std::string name;
  ParameterKind kind = ParameterKind::kDouble;
  Scale scale = Scale::kLinear;
  // kDouble and kInteger: the closed range [min, max], finite, min <= max; kLog requires min > 0.
  // kInteger: whole numbers with magnitude at most kMaxExactInteger.
  double min = 0;
  double max = 0;
  // kDiscrete: the numbers to choose from, as written.
  std::vector<double> numbers;
  // kCategorical: the names to choose from, as written.
  std::vector<std::string> categories;
  // Conditional parameters (active_parameters.h): the index of the parameter this one exists under (a
  // smaller index; a kCategorical, kDiscrete or kInteger one), or -1 when it always exists; and the
  // parent's values under which it exists.
  int parent = -1;
  std::vector<Value> active_when;
};

struct SearchSpace {
  std::vector<Parameter> parameters;
};

// One value per parameter, in the order of `SearchSpace::parameters`; an inactive conditional parameter
// holds InactiveValue (active_parameters.h).
using Assignment = std::vector<Value>;

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_SEARCH_SPACE_H_
