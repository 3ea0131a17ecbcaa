#include "lab/measurement_table.h"

#include <set>

namespace hyperlab::lab {

Table MeasurementTable(const std::vector<TrialMeasurements>& trials, bool with_study) {
  std::set<std::string> metrics;
  for (const TrialMeasurements& t : trials) {
    for (const v1::Measurement& m : t.measurements) {
      for (const auto& [name, value] : m.metrics()) metrics.insert(name);
    }
  }
  Table table;
  if (with_study) table.header.push_back("study");
  for (const char* name : {"trial", "step", "time_unix_ms"}) table.header.push_back(name);
  table.header.insert(table.header.end(), metrics.begin(), metrics.end());
  for (const TrialMeasurements& t : trials) {
    for (const v1::Measurement& m : t.measurements) {
      std::vector<Value> row;
      if (with_study) row.push_back(t.study);
      row.push_back(t.trial_id);
      row.push_back(m.step());
      row.push_back(m.time_unix_ms());
      for (const std::string& name : metrics) {
        auto it = m.metrics().find(name);
        if (it == m.metrics().end()) {
          row.emplace_back();  // Missing.
        } else {
          row.emplace_back(it->second);
        }
      }
      table.rows.push_back(std::move(row));
    }
  }
  return table;
}

}  // namespace hyperlab::lab
