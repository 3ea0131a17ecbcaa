// The trial table's query: which trials of a study (the CLI's `--where` language, lab/query.h),
// in which order (`--sort` keys, lab/trial_table.h) and which page of them.
//
// The language is the CLI's own code (the hyperlab_lab library, which sees only protos), linked into the
// dashboard rather than copied, so `hyperlab trials --where E --sort S` and
// `GET /api/v1/studies/ID/trials?where=E&sort=S` select the same trials in the same order.
//
// Example:
//   ASSIGN_OR_RETURN(TrialPage page, QueryTrials(study, std::move(trials), {.where = "value < 1",
//                                                                         .sort = "-value", .limit = 50}));
//
// Errors: INVALID_ARGUMENT whose message is the lab library's (column and caret for `where`, the known
// names for an unknown one), and `field` set to "where" or "sort".
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_DASHBOARD_TRIAL_QUERY_H_
#define HYPERLAB_COORDINATOR_DASHBOARD_TRIAL_QUERY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hyperlab/v1/services.pb.h"

namespace hyperlab::coordinator::dashboard {

struct TrialQuery {
  std::string where;  // Empty: every trial.
  std::string sort;   // Empty: by id.
  int64_t offset = 0;
  int64_t limit = 100;
};

struct TrialPage {
  int64_t total = 0;                              // Trials in the study.
  int64_t matched = 0;                            // Trials `where` kept.
  std::vector<v1::TrialWithMeasurements> trials;  // The page, in order.
  // The names a query may use (parameters, then metrics), for the filter box's help.
  std::vector<std::string> parameters;
  std::vector<std::string> metrics;
};

// Selects the page. On error, `field` (when not null) gets "where" or "sort".
absl::StatusOr<TrialPage> QueryTrials(const v1::Study& study, std::vector<v1::TrialWithMeasurements> trials,
                                      const TrialQuery& query, std::string* field = nullptr);

}  // namespace hyperlab::coordinator::dashboard

#endif  // HYPERLAB_COORDINATOR_DASHBOARD_TRIAL_QUERY_H_
