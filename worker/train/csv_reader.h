// Reads a CSV file with a header row into Examples: every column but the label column is a numeric
// feature; the label is a class (any text; classes are numbered in sorted order, numerically when all
// labels are numbers) or, for regression, a number.
//
// The file is untrusted and may be one the study's author cannot read themselves (a worker-local file):
// error messages name the file, line and column and what is wrong, never a cell's or a header's content.
// A file is read within DataLimits (gzip allowed); at most kMaxCsvClasses distinct labels.
//
// Thread safety: reentrant.
#ifndef HYPERLAB_WORKER_TRAIN_CSV_READER_H_
#define HYPERLAB_WORKER_TRAIN_CSV_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/spec/data_files.h"
#include "worker/train/dataset.h"

namespace hyperlab::worker::train {

// The most distinct labels of a classification CSV (max_csv_classes).
inline constexpr size_t kMaxCsvClasses = 10000;

struct CsvData {
  Examples examples;
  std::vector<std::string> class_names;  // Empty for regression.
};

// `label_column` empty = the last column. NOT_FOUND when the file cannot be read (OpenDataFile's one
// message); RESOURCE_EXHAUSTED over limits.max_file_bytes or kMaxCsvClasses; INVALID_ARGUMENT
// "<file>:<line>[:<column>]: ..." for a missing label column, a row with the wrong number of fields or a
// field that is not a number.
absl::StatusOr<CsvData> ReadCsv(const std::string& path, const std::string& label_column, bool regression,
                                const DataLimits& limits = {});

// ReadCsv on `content` already read; `path` names it in errors.
absl::StatusOr<CsvData> ParseCsv(const std::string& path, absl::string_view content,
                                 const std::string& label_column, bool regression);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_CSV_READER_H_
