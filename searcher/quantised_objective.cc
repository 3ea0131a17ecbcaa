#include "searcher/quantised_objective.h"

#include <algorithm>
#include <cmath>

namespace hyperlab::searcher {

double TiedFraction(std::vector<double> values) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  const size_t total = values.size();
  if (total < 2) return 0;
  std::sort(values.begin(), values.end());
  size_t tied = 0;
  for (size_t i = 0; i < total; ++i) {
    if ((i > 0 && values[i] == values[i - 1]) || (i + 1 < total && values[i] == values[i + 1])) ++tied;
  }
  return static_cast<double>(tied) / static_cast<double>(total);
}

}  // namespace hyperlab::searcher
