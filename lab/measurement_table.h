// `hyperlab trials S --measurements`: the steps the trials reported while they ran (a learning curve per
// trial), one row per measurement, for a spreadsheet or a plotting script:
//   hyperlab trials my-study --where "state = succeeded" --measurements --format csv > curves.csv
//
// Columns: `study` (when `with_study`), `trial`, `step`, `time_unix_ms`, then every metric any of the
// measurements reported, in name order; a metric a measurement lacks is a missing cell. Rows follow the
// trials in the order given, each trial's measurements in the order they were reported.
//
// Thread safety: pure function.
#ifndef HYPERLAB_LAB_MEASUREMENT_TABLE_H_
#define HYPERLAB_LAB_MEASUREMENT_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hyperlab/v1/study.pb.h"
#include "lab/table_render.h"

namespace hyperlab::lab {

struct TrialMeasurements {
  std::string study;
  int64_t trial_id = 0;
  std::vector<v1::Measurement> measurements;
};

Table MeasurementTable(const std::vector<TrialMeasurements>& trials, bool with_study);

}  // namespace hyperlab::lab

#endif  // HYPERLAB_LAB_MEASUREMENT_TABLE_H_
