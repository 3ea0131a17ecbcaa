// The command line the multi-objective and constrained benchmarks share:
//   --seeds=10 --checkpoints=50,100 --problems=a,b --strategies=x,y --optuna=FILE --format=table|json
#ifndef HYPERLAB_TOOLS_BENCH_MULTIOBJECTIVE_BENCH_FLAGS_H_
#define HYPERLAB_TOOLS_BENCH_MULTIOBJECTIVE_BENCH_FLAGS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace hyperlab::bench {

struct Flags {
  int seeds = 10;
  std::vector<int> checkpoints = {50, 100};
  std::vector<std::string> problems;    // Each benchmark's own default.
  std::vector<std::string> strategies;  // Each benchmark's own default.
  std::string optuna;
  std::string format = "table";
};

// Parses argv into `f` (whose problems and strategies hold the defaults); false on an unknown flag or a
// bad value.
inline bool ParseFlags(int argc, char** argv, Flags& f) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    const std::string key = arg.substr(0, eq), value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (key == "--seeds" && absl::SimpleAtoi(value, &f.seeds)) continue;
    if (key == "--checkpoints") {
      f.checkpoints.clear();
      for (absl::string_view p : absl::StrSplit(value, ',')) {
        int v = 0;
        if (!absl::SimpleAtoi(p, &v)) return false;
        f.checkpoints.push_back(v);
      }
      continue;
    }
    if (key == "--problems")
      f.problems = absl::StrSplit(value, ',');
    else if (key == "--strategies")
      f.strategies = absl::StrSplit(value, ',');
    else if (key == "--optuna")
      f.optuna = value;
    else if (key == "--format" && (value == "table" || value == "json"))
      f.format = value;
    else
      return false;
  }
  return !f.checkpoints.empty() && f.seeds > 0;
}

}  // namespace hyperlab::bench

#endif  // HYPERLAB_TOOLS_BENCH_MULTIOBJECTIVE_BENCH_FLAGS_H_
