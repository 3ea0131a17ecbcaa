// What `hyperlab trials` shows: which trials (--where), in which order (--sort), how many (--limit), and
// which columns (--columns), over the trials of one or several studies.
//
// Example:
//   FieldCatalog catalog = FieldCatalog::Build(specs, records);
//   ASSIGN_OR_RETURN(records, SelectTrials(std::move(records), catalog,
//                                          {.where = "optimizer = adam", .sort = "-dev_accuracy", .limit =
//                                          5}));
//   ASSIGN_OR_RETURN(std::vector<Column> columns, ParseColumns("id,learning_rate,dev_accuracy", catalog));
//   std::cout << RenderCsv(BuildTable(columns, records));
//
// Errors are INVALID_ARGUMENT and start with the flag they are about ("--where: column 17: ...",
// "--sort: unknown name 'acc'; parameters: ...").
//
// Thread safety: pure functions.
#ifndef HYPERLAB_LAB_TRIAL_TABLE_H_
#define HYPERLAB_LAB_TRIAL_TABLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lab/table_render.h"
#include "lab/trial_fields.h"

namespace hyperlab::lab {

struct SortKey {
  Field field;
  bool descending = false;
};

// "-dev_accuracy" or "study,-value": names separated by commas, '-' before a name for descending order.
absl::StatusOr<std::vector<SortKey>> ParseSortKeys(absl::string_view flag, const FieldCatalog& catalog);

// Orders by the first key, then the next, ...; a trial without a value for a key comes after every trial
// that has one, in either direction (the failed trials go last). Stable: ties keep their order.
void SortRecords(const std::vector<SortKey>& keys, std::vector<TrialRecord>& records);

struct Selection {
  // A query (lab/query.h); empty: every trial.
  std::string where;
  // Sort keys as for ParseSortKeys; empty: the order given (study, then trial id).
  std::string sort;
  // At most this many trials (after filtering and sorting); 0: all. Negative is an error.
  int limit = 0;
};

// The records `selection` keeps, in its order.
absl::StatusOr<std::vector<TrialRecord>> SelectTrials(std::vector<TrialRecord> records,
                                                      const FieldCatalog& catalog,
                                                      const Selection& selection);

struct Column {
  std::string header;
  Field field;
};

// "id,state,learning_rate,dev_accuracy": names separated by commas (spaces around them ignored).
absl::StatusOr<std::vector<Column>> ParseColumns(absl::string_view flag, const FieldCatalog& catalog);

// The columns shown without --columns: `study` (when `with_study`), id, state, every parameter, every
// metric, runtime, worker. `for_people` (the table format) leaves out per-class metrics (`f1_3`,
// `precision_7`: ten more columns per metric) and adds `reason`; CSV and JSON keep every metric.
std::vector<Column> DefaultColumns(const FieldCatalog& catalog, bool with_study, bool for_people);

// `--columns all`: every column DefaultColumns could show, per-class metrics and `reason` included.
std::vector<Column> AllColumns(const FieldCatalog& catalog, bool with_study);

// The default table's columns within `max_width` characters (as RenderText lays them out for `records`):
// kept in order of importance while they fit (study, id, state and the objectives always; then the
// parameters, the other metrics in catalog order, runtime, worker, reason), shown in their order in
// `columns`. `left_out` gets the headers of the others, in their order.
std::vector<Column> FitColumns(const std::vector<Column>& columns, const std::vector<TrialRecord>& records,
                               const std::vector<std::string>& objectives, size_t max_width,
                               std::vector<std::string>* left_out);

Table BuildTable(const std::vector<Column>& columns, const std::vector<TrialRecord>& records);

}  // namespace hyperlab::lab

#endif  // HYPERLAB_LAB_TRIAL_TABLE_H_
