// The context of one group of operations on a study (study_shard.h): the changes they stage, applied to
// the study's memory at once (so each operation sees those before it) and written together; what to do
// once they are durable.
//
// Thread safety: used only by the thread running the group, under the study's lock.
#ifndef HYPERLAB_COORDINATOR_STUDY_GROUP_H_
#define HYPERLAB_COORDINATOR_STUDY_GROUP_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "coordinator/study_shard.h"
#include "coordinator/study_state.h"
#include "storage/journal.h"

namespace hyperlab::coordinator {

struct StudyGroup {
  StudyGroup(StudyShard& s, StudyState& st, int64_t now) : shard(s), state(st), now_ms(now) {}

  // Applies `batch` to the study's memory and adds it to the group's journal write. Trials must belong
  // to this study.
  void Stage(storage::JournalBatch batch) {
    for (v1::Trial& trial : batch.trials) {
      std::optional<v1::Trial> before;
      if (trial.id() < static_cast<int64_t>(state.trials().size())) before = state.trials()[trial.id()];
      state.Apply(trial);
      staged.emplace_back(std::move(before), trial);
      journal.trials.push_back(std::move(trial));
    }
    for (v1::Study& study : batch.studies) {
      state.ApplyStudy(study);
      state.Touch();
      journal.studies.push_back(std::move(study));
    }
    for (auto& [id, bytes] : batch.searcher_states) {
      state.ApplyStrategyState(bytes);
      journal.searcher_states.emplace_back(id, std::move(bytes));
    }
    for (storage::MeasurementRecord& m : batch.measurements) journal.measurements.push_back(std::move(m));
  }

  StudyShard& shard;
  StudyState& state;
  const int64_t now_ms;
  storage::JournalBatch journal;                                       // What the group writes.
  std::vector<std::pair<std::optional<v1::Trial>, v1::Trial>> staged;  // (before, after), in order.
  // Fingerprints this group reserved in the dedup index (trials it started running) -> trial id; released
  // when the journal refuses the group.
  std::unordered_map<std::string, int64_t> reserved;
  // Runs under the study's lock once the group is durable (not when the write fails).
  std::vector<std::function<void()>> on_durable;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_STUDY_GROUP_H_
