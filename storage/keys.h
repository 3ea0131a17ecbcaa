// Key layout of the journal: ordered, fixed-width, so a prefix scan returns records in id order.
//
//   meta/schema                          -> decimal schema version
//   s/<study:016x>                       -> v1::Study
//   t/<study:016x>/<trial:016x>          -> v1::Trial
//   m/<study:016x>/<trial:016x>/<seq:08x> -> v1::Measurement
//   g/<study:016x>                       -> searcher state bytes
//   w/<worker id>                        -> "drained" (an operator's drain of that worker)
//   o/<worker id>                        -> the token NAME that owns that worker id
// Thread safety: pure functions.
#ifndef HYPERLAB_STORAGE_KEYS_H_
#define HYPERLAB_STORAGE_KEYS_H_

#include <cstdint>
#include <string>

namespace hyperlab::storage::keys {

inline constexpr char kSchema[] = "meta/schema";
inline constexpr char kStudyPrefix[] = "s/";
inline constexpr char kDrainedWorkerPrefix[] = "w/";
inline constexpr char kWorkerOwnerPrefix[] = "o/";

std::string Study(int64_t study_id);
std::string TrialPrefix(int64_t study_id);
std::string Trial(int64_t study_id, int64_t trial_id);
std::string MeasurementPrefix(int64_t study_id, int64_t trial_id);
std::string Measurement(int64_t study_id, int64_t trial_id, int32_t seq);
std::string SearcherState(int64_t study_id);
// Every key of a study's measurements: [MeasurementsBegin, MeasurementsEnd).
std::string MeasurementsBegin(int64_t study_id);
std::string MeasurementsEnd(int64_t study_id);
// Every key of a study's trials: [TrialPrefix, TrialsEnd).
std::string TrialsEnd(int64_t study_id);
std::string DrainedWorker(const std::string& worker_id);
std::string WorkerOwner(const std::string& worker_id);

}  // namespace hyperlab::storage::keys

#endif  // HYPERLAB_STORAGE_KEYS_H_
