// Reads a CSV file with a header row into Examples: every column but the label column is a numeric
// feature; the label is a class (any text; classes are numbered in sorted order, numerically when all
// labels are numbers) or, for regression, a number.
//
// Thread safety: reentrant.
#ifndef HYPERLAB_WORKER_TRAIN_CSV_READER_H_
#define HYPERLAB_WORKER_TRAIN_CSV_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "worker/train/dataset.h"

namespace hyperlab::worker::train {

struct CsvData {
  Examples examples;
  std::vector<std::string> class_names;  // Empty for regression.
};

// `label_column` empty = the last column. NOT_FOUND when the file cannot be opened; INVALID_ARGUMENT
// "<file>:<line>: ..." for a missing label column, a row with the wrong number of fields or a field that is
// not a number.
absl::StatusOr<CsvData> ReadCsv(const std::string& path, const std::string& label_column, bool regression);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_CSV_READER_H_
