#include "storage/journal.h"

namespace hyperlab::storage {

absl::Status Journal::WriteGroup(const std::vector<const JournalBatch*>& batches) {
  if (batches.size() == 1) return Write(*batches.front());
  JournalBatch merged;
  merged.durability = Durability::kLogged;
  for (const JournalBatch* b : batches) {
    if (b->durability == Durability::kSynced) merged.durability = Durability::kSynced;
    merged.studies.insert(merged.studies.end(), b->studies.begin(), b->studies.end());
    merged.trials.insert(merged.trials.end(), b->trials.begin(), b->trials.end());
    merged.measurements.insert(merged.measurements.end(), b->measurements.begin(), b->measurements.end());
    merged.searcher_states.insert(merged.searcher_states.end(), b->searcher_states.begin(),
                                  b->searcher_states.end());
    merged.worker_drains.insert(merged.worker_drains.end(), b->worker_drains.begin(), b->worker_drains.end());
    merged.worker_owners.insert(merged.worker_owners.end(), b->worker_owners.begin(), b->worker_owners.end());
    merged.deleted_studies.insert(merged.deleted_studies.end(), b->deleted_studies.begin(),
                                  b->deleted_studies.end());
  }
  return Write(merged);
}

}  // namespace hyperlab::storage
