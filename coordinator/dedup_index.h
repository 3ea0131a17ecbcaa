// The dedup index: which trial holds the result of a fingerprint, which is computing it now, and which
// trials wait for another's result. It is derived from journaled trials only: the core updates it after a
// change is durable, so no study ever builds on another study's result that a crash could still lose.
//
// A trial whose fingerprint is done or in flight elsewhere is created PENDING with `waiting_for` that
// trial; Update() reports waiters whose awaited trial has finished (now, or before the waiter was
// indexed), and the core then resolves each in the waiter's own study (reuse on success, run otherwise).
// Fingerprints beginning with "path:" (a task whose data or program no worker has digested yet) never take
// part: a path says nothing about what the file holds; nor do those beginning with "never:" (a study with
// `reuse: never`).
//
// Thread safety: all methods are safe to call concurrently (one internal lock, held briefly; it is the
// innermost lock of the coordinator).
#ifndef HYPERLAB_COORDINATOR_DEDUP_INDEX_H_
#define HYPERLAB_COORDINATOR_DEDUP_INDEX_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "coordinator/mutex.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab::coordinator {

using TrialKey = std::pair<int64_t, int64_t>;  // (study id, trial id)

class DedupIndex {
 public:
  // Whether trials of this fingerprint may be deduplicated.
  static bool Eligible(const std::string& fingerprint);

  // The trial to wait for instead of running `fingerprint` again: the one that succeeded with it, else
  // the one computing it now. None when the fingerprint is new (or not eligible); then `runner` is
  // reserved as the one computing it (atomically, so two studies creating the same point at once never
  // both run it) until Update records the trial or Release drops the reservation.
  std::optional<TrialKey> TwinOrReserve(const std::string& fingerprint, const TrialKey& runner);
  // Drops `runner`'s reservation of `fingerprint` (its group was refused by the journal) and appends the
  // trials that meanwhile waited for it to `resolve`.
  void Release(const std::string& fingerprint, const TrialKey& runner, std::vector<TrialKey>& resolve);

  // Keeps the index in step with a durable change of a trial (`before` null for a new trial) and appends
  // to `resolve` the waiters whose awaited trial is no longer in flight.
  void Update(const v1::Trial* before, const v1::Trial& after, std::vector<TrialKey>& resolve);
  // Forgets a deleted study's trials: nothing is reused from them any more. Call once none of them runs
  // (the study has ended); waiters of its trials are appended to `resolve` (they run themselves).
  void ForgetStudy(int64_t study_id, std::vector<TrialKey>& resolve);

 private:
  bool InFlightLocked(const TrialKey& key, const std::string& fingerprint) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable Mutex mu_;
  std::unordered_map<std::string, TrialKey> done_ ABSL_GUARDED_BY(mu_);      // Fingerprint -> result.
  std::unordered_map<std::string, TrialKey> inflight_ ABSL_GUARDED_BY(mu_);  // Fingerprint -> running.
  std::map<TrialKey, std::set<TrialKey>> waiters_ ABSL_GUARDED_BY(mu_);      // Awaited -> waiting.
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_DEDUP_INDEX_H_
