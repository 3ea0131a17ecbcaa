#include "coordinator/dedup_index.h"

#include "absl/strings/match.h"

namespace hyperlab::coordinator {

bool DedupIndex::Eligible(const std::string& fingerprint) {
  return !fingerprint.empty() && !absl::StartsWith(fingerprint, "path:") &&
         !absl::StartsWith(fingerprint, "never:");
}

std::optional<TrialKey> DedupIndex::TwinOrReserve(const std::string& fingerprint, const TrialKey& runner) {
  if (!Eligible(fingerprint)) return std::nullopt;
  MutexLock lock(&mu_);
  if (auto it = done_.find(fingerprint); it != done_.end()) return it->second;
  auto [it, reserved] = inflight_.try_emplace(fingerprint, runner);
  if (!reserved && it->second != runner) return it->second;
  return std::nullopt;
}

void DedupIndex::Release(const std::string& fingerprint, const TrialKey& runner,
                         std::vector<TrialKey>& resolve) {
  MutexLock lock(&mu_);
  auto it = inflight_.find(fingerprint);
  if (it != inflight_.end() && it->second == runner) inflight_.erase(it);
  auto w = waiters_.find(runner);
  if (w != waiters_.end()) resolve.insert(resolve.end(), w->second.begin(), w->second.end());
}

bool DedupIndex::InFlightLocked(const TrialKey& key, const std::string& fingerprint) const {
  auto it = inflight_.find(fingerprint);
  return it != inflight_.end() && it->second == key;
}

void DedupIndex::Update(const v1::Trial* before, const v1::Trial& after, std::vector<TrialKey>& resolve) {
  const std::string& fp = after.fingerprint();
  if (!Eligible(fp)) return;
  const TrialKey key{after.study_id(), after.id()};
  MutexLock lock(&mu_);
  if (before != nullptr && before->has_waiting_for()) {
    const TrialKey old{before->waiting_for().study_id(), before->waiting_for().trial_id()};
    auto it = waiters_.find(old);
    if (it != waiters_.end() && (it->second.erase(key), it->second.empty())) waiters_.erase(it);
  }
  const bool waiting = after.has_waiting_for() && after.state() == v1::Trial::PENDING;
  const bool inflight = after.state() == v1::Trial::RUNNING ||
                        (after.state() == v1::Trial::PENDING && !after.has_waiting_for());
  auto it = inflight_.find(fp);
  if (inflight) {
    if (it == inflight_.end()) inflight_.try_emplace(fp, key);
  } else if (it != inflight_.end() && it->second == key) {
    inflight_.erase(it);
  }
  if (after.state() == v1::Trial::SUCCEEDED && !after.has_reused_from()) done_.try_emplace(fp, key);
  if (waiting) {
    const TrialKey awaited{after.waiting_for().study_id(), after.waiting_for().trial_id()};
    waiters_[awaited].insert(key);
    // The awaited trial may have finished before this waiter became durable.
    if (!InFlightLocked(awaited, fp)) resolve.push_back(key);
  }
  if (!inflight && !waiting && after.state() != v1::Trial::PENDING) {
    auto w = waiters_.find(key);
    if (w != waiters_.end()) resolve.insert(resolve.end(), w->second.begin(), w->second.end());
  }
}

void DedupIndex::ForgetStudy(int64_t study_id, std::vector<TrialKey>& resolve) {
  MutexLock lock(&mu_);
  for (auto* index : {&done_, &inflight_}) {
    for (auto it = index->begin(); it != index->end();) {
      it = it->second.first == study_id ? index->erase(it) : std::next(it);
    }
  }
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (it->first.first != study_id) {
      ++it;
      continue;
    }
    for (const TrialKey& waiter : it->second) {
      if (waiter.first != study_id) resolve.push_back(waiter);
    }
    it = waiters_.erase(it);
  }
}

}  // namespace hyperlab::coordinator
