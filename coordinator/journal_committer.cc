#include "coordinator/journal_committer.h"

#include <chrono>
#include <string>
#include <vector>

namespace hyperlab::coordinator {
namespace {

// Most batches written together: bounds one write's size and the latency of the first in the group.
constexpr size_t kMaxCommitGroup = 512;

}  // namespace

absl::Status JournalCommitter::Commit(const storage::JournalBatch& batch) {
  if (batch.empty()) return absl::OkStatus();
  Writer me{&batch};
  MutexLock lock(&mu_);
  queue_.push_back(&me);
  while (!me.done && queue_.front() != &me) me.cv.Wait(&mu_);
  if (me.done) return me.status;

  // This caller leads: it writes its own batch and those queued behind it, without holding mu_, so more
  // callers can queue for the next group meanwhile.
  std::vector<Writer*> group;
  std::vector<const storage::JournalBatch*> batches;
  for (Writer* w : queue_) {
    if (group.size() == kMaxCommitGroup) break;
    group.push_back(w);
    batches.push_back(w->batch);
  }
  mu_.Unlock();
  const auto start = std::chrono::steady_clock::now();
  absl::Status status = journal_->WriteGroup(batches);
  if (metrics_ != nullptr) {
    metrics_->ObserveJournalWrite(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (!status.ok() && log_ != nullptr) {
    log_->Error("journal_write_failed",
                {{"error", std::string(status.message())}, {"batches", std::to_string(group.size())}});
  }
  mu_.Lock();
  ++writes_;
  batches_ += static_cast<int64_t>(group.size());
  for (Writer* w : group) {
    queue_.pop_front();
    w->status = status;
    w->done = true;
    if (w != &me) w->cv.Signal();
  }
  if (!queue_.empty()) queue_.front()->cv.Signal();  // The next group's leader.
  return me.status;
}

int64_t JournalCommitter::writes() const {
  MutexLock lock(&mu_);
  return writes_;
}

int64_t JournalCommitter::batches() const {
  MutexLock lock(&mu_);
  return batches_;
}

int64_t JournalCommitter::queued() const {
  MutexLock lock(&mu_);
  return static_cast<int64_t>(queue_.size());
}

}  // namespace hyperlab::coordinator
