#include "coordinator/dashboard/trial_query.h"

#include <algorithm>
#include <utility>

#include "coordinator/dashboard/http_error.h"
#include "lab/trial_fields.h"
#include "lab/trial_table.h"

namespace hyperlab::coordinator::dashboard {

namespace lab = ::hyperlab::lab;

absl::StatusOr<TrialPage> QueryTrials(const v1::Study& study, std::vector<v1::TrialWithMeasurements> trials,
                                      const TrialQuery& query, std::string* field) {
  TrialPage page;
  page.total = static_cast<int64_t>(trials.size());
  std::map<int64_t, google::protobuf::RepeatedPtrField<v1::Measurement>> steps;
  std::vector<lab::TrialRecord> records;
  records.reserve(trials.size());
  for (v1::TrialWithMeasurements& t : trials) {
    if (t.measurements_size() > 0) steps[t.trial().id()] = std::move(*t.mutable_measurements());
    records.push_back({study.spec().name(), std::move(*t.mutable_trial())});
  }
  trials.clear();
  const lab::FieldCatalog catalog = lab::FieldCatalog::Build({study.spec()}, records);
  for (const lab::Field& f : catalog.parameters()) page.parameters.push_back(f.name);
  for (const lab::Field& f : catalog.metrics()) page.metrics.push_back(f.name);
  // Where and sort are checked apart so that the error names the right field.
  absl::StatusOr<std::vector<lab::TrialRecord>> kept =
      lab::SelectTrials(std::move(records), catalog, {.where = query.where});
  if (!kept.ok()) {
    if (field != nullptr) *field = "where";
    return WithoutPrefix(kept.status(), "--where: ");
  }
  absl::StatusOr<std::vector<lab::SortKey>> keys = lab::ParseSortKeys(query.sort, catalog);
  if (!keys.ok()) {
    if (field != nullptr) *field = "sort";
    return WithoutPrefix(keys.status(), "--sort: ");
  }
  lab::SortRecords(*keys, *kept);
  page.matched = static_cast<int64_t>(kept->size());
  const int64_t begin = std::min(query.offset, page.matched);
  const int64_t end = std::min(page.matched, begin + query.limit);
  for (int64_t i = begin; i < end; ++i) {
    v1::TrialWithMeasurements& out = page.trials.emplace_back();
    lab::TrialRecord& r = (*kept)[i];
    auto it = steps.find(r.trial.id());
    if (it != steps.end()) *out.mutable_measurements() = std::move(it->second);
    *out.mutable_trial() = std::move(r.trial);
  }
  return page;
}

}  // namespace hyperlab::coordinator::dashboard
