#include "storage/keys.h"

#include "absl/strings/str_format.h"

namespace hyperlab::storage::keys {

std::string Study(int64_t study_id) { return absl::StrFormat("s/%016x", study_id); }
std::string TrialPrefix(int64_t study_id) { return absl::StrFormat("t/%016x/", study_id); }
std::string Trial(int64_t study_id, int64_t trial_id) {
  return absl::StrFormat("t/%016x/%016x", study_id, trial_id);
}
std::string MeasurementPrefix(int64_t study_id, int64_t trial_id) {
  return absl::StrFormat("m/%016x/%016x/", study_id, trial_id);
}
std::string Measurement(int64_t study_id, int64_t trial_id, int32_t seq) {
  return absl::StrFormat("m/%016x/%016x/%08x", study_id, trial_id, seq);
}
std::string SearcherState(int64_t study_id) { return absl::StrFormat("g/%016x", study_id); }
std::string MeasurementsBegin(int64_t study_id) { return absl::StrFormat("m/%016x/", study_id); }
std::string MeasurementsEnd(int64_t study_id) { return absl::StrFormat("m/%016x0", study_id); }  // '0' > '/'
std::string TrialsEnd(int64_t study_id) { return absl::StrFormat("t/%016x0", study_id); }
std::string DrainedWorker(const std::string& worker_id) { return kDrainedWorkerPrefix + worker_id; }

std::string WorkerOwner(const std::string& worker_id) { return kWorkerOwnerPrefix + worker_id; }

}  // namespace hyperlab::storage::keys
